"""Links to the panel's screens from the admin's own pages (its index, a round's page)."""

from __future__ import annotations

from typing import Any

from django import template

from .. import permissions
from ..models import Round

register = template.Library()


@register.simple_tag
def rounds_to_rate(user: Any) -> list[Round]:
    """The rounds in which the user sits on a panel, newest first: her rating sheets."""
    seated = permissions.seats(user).values("panel__round")
    return list(
        permissions.visible_rounds(user).filter(pk__in=seated).order_by("-year", "-version")
    )


@register.simple_tag
def rates_in(user: Any, round_: Round) -> bool:
    """Whether she sits on a panel of this round (and so has a rating sheet in it)."""
    return permissions.seats(user).filter(panel__round=round_).exists()


@register.simple_tag
def scrutiny_to_do(user: Any) -> dict[str, bool]:
    """Whether she peer-reviews, or replies for a rated body, in a round still in work: the
    admin's index links her to those screens (she has no rating sheet)."""
    in_work = Round.objects.exclude(status__in=Round.FROZEN_STATUSES)
    return {
        "review": permissions.review_assignments(user).filter(round__in=in_work).exists(),
        "reply": permissions.reply_windows(user).filter(round__in=in_work).exists(),
    }
