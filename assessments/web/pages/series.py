"""Each pair's index over the years, with its line chart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.core.cache import cache
from django.utils.translation import gettext as _

from assessments import diagrams
from assessments.api.selectors import pair_index_series_of
from assessments.models import Round

from .figures import whole

# Computed pair indices of a published round never change; keep them a day.
SERIES_CACHE_SECONDS = 24 * 60 * 60


@dataclass
class SeriesRow:
    code: str
    name: str
    values: list[Decimal | None]

    @property
    def cells(self) -> list[str]:
        return ["–" if v is None else f"{v}%" for v in self.values]


@dataclass
class IndexSeries:
    years: list[str]
    rows: list[SeriesRow]
    methodologies: list[str]
    rounds: list[Round] = field(default_factory=list)
    diagram: diagrams.Diagram | None = None

    @property
    def methodology_changes(self) -> bool:
        return len(set(self.methodologies)) > 1


def _series_key(round_: Round) -> str:
    stamp = round_.published_at.isoformat() if round_.published_at else ""
    return f"web:pair-index:{round_.pk}:{round_.version}:{stamp}"


def pair_indices_by_round(rounds: Sequence[Round]) -> dict[int, dict[str, Fraction | None]]:
    """Each round's pair indices, computed once per published round and then cached: a
    published round never changes, and computing costs queries per round."""
    keys = {r.pk: _series_key(r) for r in rounds}
    found = cache.get_many(list(keys.values()))
    result = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [r for r in rounds if r.pk not in result]
    if missing:
        by_year = {(r.year, r.version): r.pk for r in missing}
        computed: dict[int, dict[str, Fraction | None]] = {r.pk: {} for r in missing}
        # Every missing round's ratings in the same few queries, however many rounds.
        _rounds, all_series = pair_index_series_of([r.pk for r in missing])
        for series in all_series:
            for point in series.points:
                computed[by_year[point.year, point.version]][series.pair] = point.index
        cache.set_many({keys[pk]: value for pk, value in computed.items()}, SERIES_CACHE_SECONDS)
        result.update(computed)
    return result


def index_series(
    rounds: Sequence[Round], pair_names: dict[str, str], only: str | None = None
) -> IndexSeries:
    """Each pair's index in the current version of every published year, oldest first, with
    its line chart; `only` keeps one pair."""
    current = sorted(
        (r for r in rounds if r.status == Round.Status.PUBLISHED), key=lambda r: (r.year, r.version)
    )
    indices = pair_indices_by_round(current)
    codes = [c for c in pair_names if any(c in indices[r.pk] for r in current)]
    if only is not None:
        codes = [c for c in codes if c == only]
    rows = [
        SeriesRow(code, pair_names[code], [whole(indices[r.pk].get(code)) for r in current])
        for code in codes
    ]
    years = [str(r.year) for r in current]
    # Methodologies by name: their codes mean nothing to a reader.
    series = IndexSeries(years, rows, [r.methodology.title for r in current], current)
    if rows and years:
        if only is not None:
            title = _("Accountability index of the pair «%(pair)s» by year") % {
                "pair": rows[0].name
            }
        else:
            title = _("Each pair's accountability index by year")
        series.diagram = diagrams.series_diagram(
            title, years, [(row.name, row.values) for row in rows]
        )
    return series
