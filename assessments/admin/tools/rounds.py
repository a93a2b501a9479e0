"""Rounds named in query strings as `2016-v1` (year and version), or `2016` for the latest
version of a year the user may see."""

from __future__ import annotations

import logging
import re

from ... import permissions
from ...models import Round

logger = logging.getLogger(__name__)


ROUND_KEY = re.compile(r"^(?P<year>[0-9]{4})(?:-v(?P<version>[0-9]{1,4}))?$")


def round_key(round_: Round) -> str:
    return f"{round_.year}-v{round_.version}"


def visible_rounds(user) -> list[Round]:
    """The rounds this user may see, newest first (permissions.visible_rounds)."""
    return list(_newest_first(permissions.visible_rounds(user)))


def figure_rounds(user) -> list[Round]:
    """The rounds whose figures this user may see, newest first: compare and charts."""
    return list(_newest_first(permissions.figure_rounds(user)))


def _newest_first(rounds):
    return rounds.select_related("methodology").order_by("-year", "-version")


def find_round(rounds: list[Round], key: str | None) -> Round | None:
    match = ROUND_KEY.match((key or "").strip())
    if match is None:
        return None
    year, version = int(match["year"]), match["version"]
    for round_ in rounds:  # newest first: "2016" finds the latest version
        if round_.year == year and (version is None or round_.version == int(version)):
            return round_
    return None


def round_choices(rounds: list[Round]) -> list[tuple[str, str]]:
    return [(round_key(r), f"{r} — {r.get_status_display()}") for r in rounds]
