"""The study's scoring method, as pure functions over plain data.

No Django imports: this module is the definition of the method, and its tests
need no database. `selectors.round_inputs()` turns a round's rows into these
inputs; the database-side annotations in `querysets.py` must agree with it
(tests/test_scoring_db.py checks that they do).

The method (METHOD.md, study sections 5.2, 6 and the appendix):
- a process's score is the mean of its scored dimensions, each normalised to
  0..1 on the methodology's scale (with "present/absent": the share present);
- a process whose gating dimension (demand) is rated at the bottom of the scale
  is excluded from the assessment, as is one missing any rating;
- a pair's index is the mean score of its included processes;
- a dimension's total is its mean normalised rating over included processes;
- a principal's share is the share of all its processes that work at least in
  part (included, score above zero) — the study's diagram 2;
- the overall index is the mean score of all included processes.

Every figure is an exact Fraction; `percent()` rounds half up as the study did.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

EXCLUDED_GATING = "gating"
EXCLUDED_INCOMPLETE = "incomplete"


@dataclass(frozen=True)
class DimensionSpec:
    code: str
    scored: bool = True
    gating: bool = False


@dataclass(frozen=True)
class Method:
    dimensions: Sequence[DimensionSpec]
    scale_min: int = 0
    scale_max: int = 1

    def __post_init__(self) -> None:
        if self.scale_max <= self.scale_min:
            raise ValueError("scale_max must be above scale_min")
        if sum(d.gating for d in self.dimensions) > 1:
            raise ValueError("at most one gating dimension")
        if not any(d.scored for d in self.dimensions):
            raise ValueError("at least one scored dimension")

    @property
    def scored(self) -> list[str]:
        return [d.code for d in self.dimensions if d.scored]

    @property
    def gating(self) -> str | None:
        return next((d.code for d in self.dimensions if d.gating), None)

    def normalise(self, value: int) -> Fraction:
        if not self.scale_min <= value <= self.scale_max:
            raise ValueError(f"rating {value} outside {self.scale_min}..{self.scale_max}")
        return Fraction(value - self.scale_min, self.scale_max - self.scale_min)


@dataclass(frozen=True)
class ProcessInput:
    process: str
    pair: str
    principal: str
    ratings: Mapping[str, int]


@dataclass(frozen=True)
class ProcessScore:
    process: str
    pair: str
    principal: str
    included: bool
    excluded_because: str | None
    score: Fraction | None

    @property
    def works(self) -> bool:
        """Works at least in part: the study's test for diagram 2."""
        return self.included and bool(self.score)


@dataclass(frozen=True)
class PairScore:
    pair: str
    principal: str
    processes: int
    included: int
    index: Fraction | None

    @property
    def ideal(self) -> Fraction:
        # Diagram 3 sets every pair against the ideal where all its processes work in full.
        return Fraction(1)


@dataclass(frozen=True)
class DimensionTotal:
    dimension: str
    assessed: int
    total: Fraction | None


@dataclass(frozen=True)
class PrincipalShare:
    principal: str
    processes: int
    working: int
    share: Fraction | None


@dataclass(frozen=True)
class RoundScores:
    processes: list[ProcessScore]
    pairs: list[PairScore]
    dimensions: list[DimensionTotal]
    principals: list[PrincipalShare]
    overall: Fraction | None


def _mean(values: Sequence[Fraction]) -> Fraction | None:
    return sum(values, Fraction(0)) / len(values) if values else None


def score_process(method: Method, item: ProcessInput) -> ProcessScore:
    scored = method.scored
    missing = [code for code in scored if item.ratings.get(code) is None]
    gating = method.gating
    if gating and item.ratings.get(gating) is None:
        missing.append(gating)
    if missing:
        return ProcessScore(
            item.process, item.pair, item.principal, False, EXCLUDED_INCOMPLETE, None
        )
    if gating and method.normalise(item.ratings[gating]) == 0:
        return ProcessScore(item.process, item.pair, item.principal, False, EXCLUDED_GATING, None)
    score = _mean([method.normalise(item.ratings[code]) for code in scored])
    return ProcessScore(item.process, item.pair, item.principal, True, None, score)


def score_round(method: Method, items: Iterable[ProcessInput]) -> RoundScores:
    """Every figure the study prints, computed from the ratings alone."""
    items = list(items)
    processes = [score_process(method, item) for item in items]
    included = [p for p in processes if p.included]
    by_item = dict(zip([i.process for i in items], items, strict=True))

    pairs: dict[str, list[ProcessScore]] = defaultdict(list)
    principals: dict[str, list[ProcessScore]] = defaultdict(list)
    for p in processes:
        pairs[p.pair].append(p)
        principals[p.principal].append(p)

    pair_scores = [
        PairScore(
            pair=code,
            principal=members[0].principal,
            processes=len(members),
            included=sum(m.included for m in members),
            index=_mean([m.score for m in members if m.included]),
        )
        for code, members in pairs.items()
    ]
    dimension_totals = [
        DimensionTotal(
            dimension=code,
            assessed=len(included),
            total=_mean([method.normalise(by_item[p.process].ratings[code]) for p in included]),
        )
        for code in method.scored
    ]
    principal_shares = [
        PrincipalShare(
            principal=code,
            processes=len(members),
            working=sum(m.works for m in members),
            share=Fraction(sum(m.works for m in members), len(members)),
        )
        for code, members in principals.items()
    ]
    return RoundScores(
        processes=processes,
        pairs=pair_scores,
        dimensions=dimension_totals,
        principals=principal_shares,
        overall=_mean([p.score for p in included]),
    )


def percent(value: Fraction | None, places: int = 0) -> Decimal | None:
    """A fraction as a percentage, rounded half up (how the study rounds 2/3 to 67%)."""
    if value is None:
        return None
    exact = Decimal(value.numerator * 100) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


# --- Printed figures against computed ones ---------------------------------


@dataclass(frozen=True)
class Printed:
    """A figure as printed: `key` says what it measures, e.g. ("pair_index", "citizens-parties")."""

    kind: str
    key: tuple[str, ...]
    value: Decimal
    source: str = ""


@dataclass(frozen=True)
class Mismatch:
    kind: str
    key: tuple[str, ...]
    printed: Decimal
    computed: Decimal | None
    source: str = ""


@dataclass
class Report:
    scores: RoundScores
    mismatches: list[Mismatch] = field(default_factory=list)
    unmatched: list[Printed] = field(default_factory=list)


def computed_figures(scores: RoundScores) -> dict[tuple[str, tuple[str, ...]], Fraction | None]:
    """Each computed figure under the key a printed figure would use (as fractions of 1)."""
    figures: dict[tuple[str, tuple[str, ...]], Fraction | None] = {}
    for pair in scores.pairs:
        figures["pair_index", (pair.pair,)] = pair.index
        figures["pair_real", (pair.pair,)] = pair.index
    for dim in scores.dimensions:
        figures["dimension_total", (dim.dimension,)] = dim.total
    for share in scores.principals:
        figures["principal_share", (share.principal,)] = share.share
    figures["overall_index", ()] = scores.overall
    return figures


def compare(
    scores: RoundScores,
    printed: Iterable[Printed],
    ratings: Mapping[str, Mapping[str, int]] | None = None,
) -> Report:
    """Set printed figures against computed ones; a percentage matches when it rounds the same.

    `ratings` (process → dimension → value) lets printed ratings, such as a
    summary table's, be checked against the ratings the round holds.
    """
    figures = computed_figures(scores)
    report = Report(scores=scores)
    for item in printed:
        if item.kind == "printed_rating":
            process, dimension = item.key
            held = (ratings or {}).get(process, {}).get(dimension)
            if held is None:
                report.unmatched.append(item)
            elif Decimal(held) != item.value:
                report.mismatches.append(
                    Mismatch(item.kind, item.key, item.value, Decimal(held), item.source)
                )
            continue
        if (item.kind, item.key) not in figures:
            report.unmatched.append(item)
            continue
        places = max(0, -item.value.normalize().as_tuple().exponent)
        computed = percent(figures[item.kind, item.key], places)
        if computed != item.value:
            report.mismatches.append(
                Mismatch(item.kind, item.key, item.value, computed, item.source)
            )
    return report
