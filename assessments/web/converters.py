"""How a round is named in the site's URLs: `2016` for the current version of a year,
`2016-v1` for one version (a superseded one keeps its own address)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assessments.models import Round


@dataclass(frozen=True)
class RoundRef:
    year: int
    version: int | None = None

    def __str__(self) -> str:
        return str(self.year) if self.version is None else f"{self.year}-v{self.version}"


def ref_of(round_: Round) -> RoundRef:
    """The address of a round: the year alone while it is the current published version."""
    if round_.status == Round.Status.PUBLISHED:
        return RoundRef(round_.year)
    return RoundRef(round_.year, round_.version)


class RoundRefConverter:
    regex = r"[0-9]{4}(?:-v[0-9]{1,4})?"

    def to_python(self, value: str) -> RoundRef:
        year, _sep, version = value.partition("-v")
        return RoundRef(int(year), int(version) if version else None)

    def to_url(self, value: Round | RoundRef | str | int) -> str:
        if isinstance(value, Round):
            return str(ref_of(value))
        return str(value)


def parse_ref(value: str | None) -> RoundRef | None:
    """A round named in a query string (?a=2016&b=2025-v2); None when it names none."""
    if not value or not re.fullmatch(RoundRefConverter.regex, value.strip()):
        return None
    return RoundRefConverter().to_python(value.strip())


class ImageFormatConverter:
    """The file type of a chart download: `svg` or `png`."""

    regex = "svg|png"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
