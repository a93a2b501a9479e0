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
