"""What the panel's screens share: the scale in words, people and times as a reader says
them, and the rounds and assessments a user works on.

Kept free of any one screen so that the expert's sheet and the chair's view read the
same way (one label for a value, one way to say who changed something and when).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ... import permissions
from ...models import Dimension, Methodology, ProcessAssessment, Round


def scale(methodology: Methodology) -> list[tuple[int, str]]:
    """Every value of the methodology's scale with its label in the active language,
    lowest first (a value without a label shows as its number)."""
    labels = {level.value: level.label for level in methodology.scale_levels.all()}
    return [
        (value, labels.get(value) or str(value))
        for value in range(methodology.scale_min, methodology.scale_max + 1)
    ]


def value_label(levels: list[tuple[int, str]], value: int | None) -> str:
    """A rating's value as the scale names it ("Бар"), never a bare number when a label exists."""
    if value is None:
        return "—"
    return dict(levels).get(value, str(value))


def person(user: Any) -> str:
    """A user as colleagues call her: her full name, else her user name."""
    if user is None:
        return _("someone")
    return user.get_full_name() or user.get_username()


def when(moment: datetime.datetime | None) -> str:
    """A moment in the site's local time, formatted for the active language (never UTC)."""
    if moment is None:
        return ""
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def round_or_404(request: HttpRequest, round_id: int) -> Round:
    """The round, if the user may see it; else a 404 as for a round that does not exist."""
    round_ = (
        permissions.visible_rounds(request.user)
        .select_related("methodology")
        .filter(pk=round_id)
        .first()
    )
    if round_ is None:
        raise Http404(_("There is nothing here, or it is not yours to see."))
    return round_


def working_assessments(user: Any, round_: Round) -> QuerySet[ProcessAssessment]:
    """The round's process assessments of the pairs the user's panels cover (all, for staff),
    in the order of the study: pair, then process."""
    return (
        permissions.editable_assessments(user)
        .filter(round=round_)
        .select_related("process__pair")
        .order_by("process__pair__position", "position", "pk")
    )


def dimensions(round_: Round) -> list[Dimension]:
    return list(round_.methodology.dimensions.order_by("position", "pk"))


def screen_context(request: HttpRequest, round_: Round, title: str) -> dict[str, Any]:
    """The admin's own context (header, language switcher, user links) for a workspace page."""
    return {
        **admin.site.each_context(request),
        "title": title,
        "round": round_,
        "opts": Round._meta,
    }
