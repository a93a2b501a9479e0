"""The study's scoring method, as pure functions over plain data.

No Django imports: this module is the definition of the method, and its tests
need no database. `selectors.round_inputs()` turns a round's rows into these
inputs; the database-side annotations in `querysets.py` must agree with it
(tests/test_scoring_db.py checks that they do).

The method (the 2016 study, sections 5.2, 6 and the appendix; docs/method.md):
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

`compare()` sets printed figures against computed ones; `review.py` adds what a careful
reviewer finds besides.
"""

from __future__ import annotations

from collections import Counter, defaultdict
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
        figures["dimension_absent", (dim.dimension,)] = None if dim.total is None else 1 - dim.total
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


# --- How much the experts agree, and how sure each figure is ---------------
#
# Both read the experts' own ratings (ExpertRating), not the chair's consensus that the
# figures are computed from. A round rated by a consensus alone (2016) has neither.

Unit = tuple[str, str]  # (process, dimension)
ExpertRatings = Mapping[str, Mapping[Unit, int]]  # expert → unit → value

NO_EXPERT_RATINGS = "no_expert_ratings"
TOO_FEW = "too_few"
NO_VARIATION = "no_variation"
COMPUTED = "computed"


@dataclass(frozen=True)
class UnitSplit:
    """How the experts rated one process on one dimension: value → how many experts."""

    counts: Mapping[int, int]

    @property
    def experts(self) -> int:
        return sum(self.counts.values())

    @property
    def modal(self) -> tuple[int, int]:
        """(value, experts) of the most common rating; on a tie, the lower value."""
        value = min(self.counts, key=lambda v: (-self.counts[v], v))
        return value, self.counts[value]

    @property
    def unanimous(self) -> bool:
        return len(self.counts) == 1

    @property
    def disagreement(self) -> Fraction:
        """Share of the experts outside the modal rating: 0 unanimous, near ½ an even split."""
        return Fraction(self.experts - self.modal[1], self.experts)


@dataclass(frozen=True)
class Agreement:
    """Krippendorff's alpha over a set of units, with plain counts beside it.

    `status` is COMPUTED, TOO_FEW (fewer than two units rated by two experts or more),
    NO_VARIATION (every expert gave every unit the same value: alpha is undefined, the
    experts agree fully) or NO_EXPERT_RATINGS.
    """

    status: str
    level: str  # "nominal" (present/absent) or "ordinal" (a graded scale)
    alpha: Fraction | None
    units: int  # units rated by at least two experts
    unanimous: int  # of those, units where every expert gave the same rating
    experts: int

    @property
    def computed(self) -> bool:
        return self.status == COMPUTED


def measurement_level(method: Method) -> str:
    return "nominal" if method.scale_max - method.scale_min == 1 else "ordinal"


def unit_splits(ratings: ExpertRatings) -> dict[Unit, UnitSplit]:
    counts: dict[Unit, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for by_unit in ratings.values():
        for unit, value in by_unit.items():
            counts[unit][value] += 1
    return {unit: UnitSplit(dict(values)) for unit, values in counts.items()}


def krippendorff_alpha(units: Iterable[Sequence[int]], level: str = "nominal") -> Fraction | None:
    """Krippendorff's alpha of the values each unit received, exactly (None when undefined).

    Coincidences are counted within each unit over ordered pairs of its values, weighted
    1/(m-1); the ordinal metric is the squared count of values between two ranks.
    """
    return _alpha(((Counter(values), len(values)) for values in units), level)


def _alpha(units: Iterable[tuple[Mapping[int, int], int]], level: str) -> Fraction | None:
    """Alpha from each unit's value → count and size: a unit of m values holding c n_c times
    and k n_k times adds n_c·n_k ordered pairs (c, k), n_c·(n_c − 1) when c = k, each 1/(m-1).
    Summed as whole numbers per m, then divided once: the same exact figure as pair by pair,
    without m² additions of fractions per unit (a round has thousands of units)."""
    by_size: dict[int, dict[tuple[int, int], int]] = defaultdict(lambda: defaultdict(int))
    for counts, m in units:
        if m < 2:
            continue
        pairs = by_size[m]
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                together = n_c * (n_c - 1) if c == k else n_c * n_k
                if together:
                    pairs[c, k] += together
    coincidences: dict[tuple[int, int], Fraction] = defaultdict(Fraction)
    for m, pairs in by_size.items():
        for key, together in pairs.items():
            coincidences[key] += Fraction(together, m - 1)
    if not coincidences:
        return None
    totals: dict[int, Fraction] = defaultdict(Fraction)
    for (c, _k), o in coincidences.items():
        totals[c] += o
    n = sum(totals.values())
    ranks = sorted(totals)

    def delta(c: int, k: int) -> Fraction:
        if c == k:
            return Fraction(0)
        if level == "nominal":
            return Fraction(1)
        low, high = sorted((c, k))
        between = sum(totals[g] for g in ranks if low <= g <= high)
        return (between - (totals[low] + totals[high]) / 2) ** 2

    observed = sum(o * delta(c, k) for (c, k), o in coincidences.items())
    expected = sum(totals[c] * totals[k] * delta(c, k) for c in ranks for k in ranks) / (n - 1)
    if expected == 0:
        return None
    return 1 - observed / expected


def agreement(
    method: Method,
    ratings: ExpertRatings,
    units: Iterable[Unit],
    splits: Mapping[Unit, UnitSplit] | None = None,
) -> Agreement:
    """How much the experts agree over `units` (a round, a pair, a dimension or a process).

    `splits` is `unit_splits(ratings)` when the caller already has it (a round asks for
    hundreds of agreements over the same ratings)."""
    units = list(units)
    level = measurement_level(method)
    if splits is None:
        splits = unit_splits(ratings)
    rated = [splits[u] for u in dict.fromkeys(units) if u in splits and splits[u].experts >= 2]
    experts = len({e for e, by_unit in ratings.items() if any(u in by_unit for u in units)})
    if not ratings or not splits:
        return Agreement(NO_EXPERT_RATINGS, level, None, 0, 0, 0)
    unanimous = sum(s.unanimous for s in rated)
    if len(rated) < 2:
        return Agreement(TOO_FEW, level, None, len(rated), unanimous, experts)
    alpha = _alpha(((s.counts, s.experts) for s in rated), level)
    status = NO_VARIATION if alpha is None else COMPUTED
    return Agreement(status, level, alpha, len(rated), unanimous, experts)


@dataclass(frozen=True)
class RoundAgreement:
    overall: Agreement
    pairs: dict[str, Agreement]
    dimensions: dict[str, Agreement]
    processes: dict[str, Agreement]
    units: dict[Unit, UnitSplit]


def round_agreement(
    method: Method, items: Sequence[ProcessInput], ratings: ExpertRatings
) -> RoundAgreement:
    """Agreement over the round, each pair, each scored-or-not dimension and each process."""
    dimensions = [d.code for d in method.dimensions]
    units = [(i.process, d) for i in items for d in dimensions]
    by_pair: dict[str, list[Unit]] = defaultdict(list)
    for i in items:
        by_pair[i.pair].extend((i.process, d) for d in dimensions)
    # Split once: every agreement below reads the same ratings.
    splits = unit_splits(ratings)

    def over(us: Iterable[Unit]) -> Agreement:
        return agreement(method, ratings, us, splits)

    return RoundAgreement(
        overall=over(units),
        pairs={pair: over(us) for pair, us in by_pair.items()},
        dimensions={d: over([(i.process, d) for i in items]) for d in dimensions},
        processes={i.process: over([(i.process, d) for d in dimensions]) for i in items},
        units=splits,
    )


# Intervals: how far each figure could move had the panel been a different draw of its
# experts. Experts are resampled with replacement within each pair (panels are assigned
# per pair); each resampled panel's ratings are averaged per process and dimension and
# put through the method. A process is excluded when most of the resampled experts rate
# its gating condition absent (a tie keeps it). Small panels are enumerated exactly;
# larger ones are sampled with a seed drawn from the ratings, so that the same ratings
# always give the same interval.

INTERVAL_LEVEL = Fraction(95, 100)
EXACT_LIMIT = 5000  # panels whose resamples number more than this are sampled instead
SAMPLES = 2000


@dataclass(frozen=True)
class Interval:
    """A figure's interval (fractions of 1), or why there is none.

    `status` is COMPUTED, NO_EXPERT_RATINGS (the round was rated by a consensus alone) or
    TOO_FEW (a pair the figure depends on was rated by fewer than two experts).
    """

    status: str
    low: Fraction | None = None
    high: Fraction | None = None
    experts: int = 0  # the fewest experts behind any pair the figure depends on
    exact: bool = True

    @property
    def computed(self) -> bool:
        return self.status == COMPUTED


@dataclass(frozen=True)
class RoundIntervals:
    pairs: dict[str, Interval]
    dimensions: dict[str, Interval]
    principals: dict[str, Interval]
    overall: Interval
    level: Fraction = INTERVAL_LEVEL


def _compositions(n: int, parts: int) -> Iterable[tuple[int, ...]]:
    """Every way to put n draws into `parts` experts (a multiset of experts)."""
    if parts == 1:
        yield (n,)
        return
    for first in range(n, -1, -1):
        for rest in _compositions(n - first, parts - 1):
            yield (first, *rest)


def _multinomial(counts: Sequence[int]) -> int:
    from math import factorial, prod

    return factorial(sum(counts)) // prod(factorial(k) for k in counts)


def _quantile(values, weights, q: float) -> float:
    import numpy as np

    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    cumulative /= cumulative[-1]
    return float(values[order][np.searchsorted(cumulative, q - 1e-12)])


def round_intervals(
    method: Method,
    items: Sequence[ProcessInput],
    ratings: ExpertRatings,
    *,
    level: Fraction = INTERVAL_LEVEL,
    samples: int = SAMPLES,
) -> RoundIntervals:
    """An interval for every pair index, dimension total, principal share and the overall index."""
    import numpy as np

    items = list(items)
    pairs = list(dict.fromkeys(i.pair for i in items))
    dimensions = [d.code for d in method.dimensions]
    scored = method.scored
    gating = method.gating
    span = method.scale_max - method.scale_min

    experts_of: dict[str, list[str]] = {}
    for pair in pairs:
        units = {(i.process, d) for i in items if i.pair == pair for d in dimensions}
        experts_of[pair] = sorted(e for e, by_unit in ratings.items() if units & set(by_unit))

    def none(status: str, experts: int = 0) -> Interval:
        return Interval(status, experts=experts)

    if not any(experts_of.values()):
        empty = none(NO_EXPERT_RATINGS)
        return RoundIntervals(
            pairs={p: empty for p in pairs},
            dimensions={d: empty for d in scored},
            principals={i.principal: empty for i in items},
            overall=empty,
            level=level,
        )

    # Per pair: the experts' normalised ratings, whether they rated, and the consensus.
    layout: dict[str, tuple[list[ProcessInput], np.ndarray, np.ndarray, np.ndarray]] = {}
    for pair in pairs:
        members = [i for i in items if i.pair == pair]
        experts = experts_of[pair]
        shape = (len(experts), len(members), len(dimensions))
        values, rated = np.zeros(shape), np.zeros(shape)
        consensus = np.full((len(members), len(dimensions)), np.nan)
        for p, item in enumerate(members):
            for d, code in enumerate(dimensions):
                if item.ratings.get(code) is not None:
                    consensus[p, d] = (item.ratings[code] - method.scale_min) / span
                for e, expert in enumerate(experts):
                    value = ratings[expert].get((item.process, code))
                    if value is not None:
                        values[e, p, d] = (value - method.scale_min) / span
                        rated[e, p, d] = 1
        layout[pair] = (members, values, rated, consensus)

    seed_texts: dict[str, str] = {}

    def draws(pair_set: Sequence[str]) -> tuple[dict[str, np.ndarray], np.ndarray, bool]:
        """Multiplicities of each pair's experts in every resample, and each resample's weight."""
        sizes = [len(experts_of[p]) for p in pair_set]
        from math import comb, prod

        configurations = prod(comb(2 * n - 1, n) for n in sizes)
        if configurations <= EXACT_LIMIT:
            per_pair = []
            for n in sizes:
                options = list(_compositions(n, n))
                per_pair.append(
                    (
                        np.array(options, dtype=float),
                        np.array([_multinomial(o) for o in options], dtype=float),
                    )
                )
            grids = np.meshgrid(*[np.arange(len(w)) for _o, w in per_pair], indexing="ij")
            index = [g.ravel() for g in grids]
            weights = np.ones(len(index[0]))
            chosen = {}
            for p, (options, w), idx in zip(pair_set, per_pair, index, strict=True):
                chosen[p] = options[idx]
                weights = weights * w[idx]
            return chosen, weights, True
        seed = _seed(pair_set, ratings, experts_of, seed_texts)
        generator = np.random.Generator(np.random.PCG64(seed))
        chosen = {}
        for p, n in zip(pair_set, sizes, strict=True):
            # All samples in one draw (the same numbers, in the same order, as one draw per
            # sample), each sample's experts counted in one bincount over offset indices.
            drawn = generator.integers(0, n, (samples, n)) + n * np.arange(samples)[:, None]
            counts = np.bincount(drawn.ravel(), minlength=samples * n).reshape(samples, n)
            chosen[p] = counts.astype(float)
        return chosen, np.ones(samples), False

    def process_scores(pair: str, multiplicity: np.ndarray):
        """Per resample and process: included (bool) and score; and per dimension the means."""
        _members, values, rated, consensus = layout[pair]
        sums = np.tensordot(multiplicity, values * rated, axes=(1, 0))
        counts = np.tensordot(multiplicity, rated, axes=(1, 0))
        with np.errstate(invalid="ignore", divide="ignore"):
            means = np.where(counts > 0, sums / np.where(counts > 0, counts, 1), consensus)
        scored_idx = [dimensions.index(c) for c in scored]
        complete = ~np.isnan(means[:, :, scored_idx]).any(axis=2)
        included = complete.copy()
        if gating is not None:
            g = means[:, :, dimensions.index(gating)]
            included &= ~np.isnan(g) & (g >= 0.5)
        score = np.where(included, np.nanmean(means[:, :, scored_idx], axis=2), np.nan)
        return included, score, means

    def interval(values: np.ndarray, weights: np.ndarray, exact: bool, experts: int) -> Interval:
        keep = ~np.isnan(values)
        if not keep.any():
            return Interval(COMPUTED, None, None, experts, exact)
        tail = float((1 - level) / 2)
        low = _quantile(values[keep], weights[keep], tail)
        high = _quantile(values[keep], weights[keep], 1 - tail)
        return Interval(COMPUTED, _fraction(low), _fraction(high), experts, exact)

    def fewest(pair_set: Iterable[str]) -> int:
        return min(len(experts_of[p]) for p in pair_set)

    def mean_over_included(values: np.ndarray, included: np.ndarray) -> np.ndarray:
        """Per resample, the mean over included processes (NaN where none is included)."""
        kept = np.where(included, values, 0.0)
        count = included.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count > 0, kept.sum(axis=1) / np.where(count > 0, count, 1), np.nan)

    pair_intervals = {}
    for pair in pairs:
        if len(experts_of[pair]) < 2:
            pair_intervals[pair] = none(TOO_FEW, len(experts_of[pair]))
            continue
        chosen, weights, exact = draws([pair])
        included, score, _means = process_scores(pair, chosen[pair])
        index = mean_over_included(score, included)
        pair_intervals[pair] = interval(index, weights, exact, len(experts_of[pair]))

    # Figures across pairs come from one set of resamples of all their pairs at once.
    def joint(pair_set: Sequence[str]):
        chosen, weights, exact = draws(pair_set)
        parts = [process_scores(pair, chosen[pair]) for pair in pair_set]
        members = [m for pair in pair_set for m in layout[pair][0]]
        included = np.concatenate([p[0] for p in parts], axis=1)
        score = np.concatenate([p[1] for p in parts], axis=1)
        means = np.concatenate([p[2] for p in parts], axis=1)
        return members, included, score, means, weights, exact

    everything = joint(pairs) if fewest(pairs) >= 2 else None
    if everything is None:
        too_few = none(TOO_FEW, fewest(pairs))
        overall, dimension_intervals = too_few, {code: too_few for code in scored}
    else:
        members, included, score, means, weights, exact = everything
        experts = fewest(pairs)
        overall = interval(mean_over_included(score, included), weights, exact, experts)
        dimension_intervals = {
            code: interval(
                mean_over_included(means[:, :, dimensions.index(code)], included),
                weights,
                exact,
                experts,
            )
            for code in scored
        }

    principal_intervals = {}
    for principal in dict.fromkeys(i.principal for i in items):
        own = list(dict.fromkeys(i.pair for i in items if i.principal == principal))
        if fewest(own) < 2:
            principal_intervals[principal] = none(TOO_FEW, fewest(own))
            continue
        members, included, score, _means, weights, exact = everything or joint(own)
        columns = [k for k, m in enumerate(members) if m.principal == principal]
        works = included[:, columns] & (np.nan_to_num(score[:, columns]) > 0)
        share = works.sum(axis=1) / len(columns)
        principal_intervals[principal] = interval(share, weights, exact, fewest(own))

    return RoundIntervals(
        pairs=pair_intervals,
        dimensions=dimension_intervals,
        principals=principal_intervals,
        overall=overall,
        level=level,
    )


def _fraction(value: float) -> Fraction:
    # Resampled figures are means of small fractions; six places hold them exactly enough.
    return Fraction(value).limit_denominator(10**6)


def _seed(
    pair_set: Sequence[str],
    ratings: ExpertRatings,
    experts_of,
    texts: dict[str, str] | None = None,
) -> int:
    """A seed from the ratings of the pairs' experts: crc32 of the repr of
    [(pair, [(expert, sorted ratings), ...]), ...]. Built from each expert's text once
    (`texts` keeps them between the draws of one round): the same text, and seed, as
    repr() of the whole list, without sorting and printing an expert's ratings per pair."""
    import zlib

    texts = {} if texts is None else texts

    def expert_text(expert: str) -> str:
        if expert not in texts:
            texts[expert] = f"({expert!r}, {sorted(ratings[expert].items())!r})"
        return texts[expert]

    parts = [
        f"({p!r}, [{', '.join(expert_text(e) for e in experts_of[p])}])" for p in sorted(pair_set)
    ]
    return zlib.crc32(f"[{', '.join(parts)}]".encode())
