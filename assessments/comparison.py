"""Rounds set side by side: what changed between two rounds, and each pair's index over the years.

Used alike by the admin comparison screen, the API and the public site. Figures
come from scoring.py; this module only matches rounds up and takes differences.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from django.utils.translation import gettext as _

from . import scoring
from .models import Citation, Pair, ProcessAssessment, Rating, Round, Subject
from .names import names_of
from .selectors import round_inputs, round_ratings

SAME = "same"
CHANGED = "changed"
ADDED = "added"
DROPPED = "dropped"


@dataclass(frozen=True)
class RatingChange:
    dimension: str
    before: int | None
    after: int | None
    reason: str = ""  # the reason recorded with the latest change in the later round

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass
class ProcessComparison:
    process: str
    pair: str
    title_before: str | None
    title_after: str | None
    ratings: list[RatingChange]
    score_before: Fraction | None
    score_after: Fraction | None
    included_before: bool
    included_after: bool
    citations_added: list[str] = field(default_factory=list)
    citations_removed: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.title_before is None:
            return ADDED
        if self.title_after is None:
            return DROPPED
        if any(r.changed for r in self.ratings) or self.citations_added or self.citations_removed:
            return CHANGED
        return SAME

    @property
    def renamed(self) -> bool:
        return bool(
            self.title_before and self.title_after and self.title_before != self.title_after
        )


@dataclass(frozen=True)
class Delta:
    key: str
    before: Fraction | None
    after: Fraction | None

    @property
    def delta(self) -> Fraction | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass
class RoundComparison:
    before: Round
    after: Round
    processes: list[ProcessComparison]
    pairs: list[Delta]
    dimensions: list[Delta]
    principals: list[Delta]
    overall: Delta

    @property
    def same_methodology(self) -> bool:
        return self.before.methodology_id == self.after.methodology_id

    @property
    def methodology_warning(self) -> str | None:
        if self.same_methodology:
            return None
        return _(
            "The rounds use different methodologies (%(before)s and %(after)s): "
            "like is not compared with like."
        ) % {"before": self.before.methodology.label, "after": self.after.methodology.label}


def _citation_labels(round_: Round) -> dict[str, set[str]]:
    labels: dict[str, set[str]] = defaultdict(set)
    rows = Citation.objects.filter(assessment__round=round_).values_list(
        "assessment__process__code", "act__code", "edition__code", "article", "part"
    )
    for process, act, edition, article, part in rows:
        label = act + (f"@{edition}" if edition else "")
        label += f" art. {article}" if article else ""
        label += f" {part}" if part else ""
        labels[process].add(label)
    return labels


def _change_reasons(round_: Round) -> dict[tuple[str, str], str]:
    """The reason given with the latest recorded change of each rating in `round_`."""
    rows = (
        Rating.history.model.objects.filter(assessment__round=round_)
        .exclude(history_change_reason__isnull=True)
        .exclude(history_change_reason="")
        .order_by("history_date")
        .values_list("assessment__process__code", "dimension__code", "history_change_reason")
    )
    return {(process, dimension): reason for process, dimension, reason in rows}


def _titles(round_: Round) -> dict[str, tuple[str, str]]:
    return {
        code: (pair, title)
        for code, pair, title in ProcessAssessment.objects.for_round(round_).values_list(
            "process__code", "process__pair__code", "title"
        )
    }


def _scores(round_: Round) -> scoring.RoundScores:
    method, inputs = round_inputs(round_)
    return scoring.score_round(method, inputs)


def _deltas(before: dict[str, Fraction | None], after: dict[str, Fraction | None]) -> list[Delta]:
    keys = list(before) + [k for k in after if k not in before]
    return [Delta(k, before.get(k), after.get(k)) for k in keys]


def compare_rounds(before: Round, after: Round) -> RoundComparison:
    """Every process of either round, rating by rating, and the deltas of every figure."""
    scores = {r.pk: _scores(r) for r in (before, after)}
    by_process = {r.pk: {p.process: p for p in scores[r.pk].processes} for r in (before, after)}
    ratings = {r.pk: round_ratings(r) for r in (before, after)}
    titles = {r.pk: _titles(r) for r in (before, after)}
    citations = {r.pk: _citation_labels(r) for r in (before, after)}
    reasons = _change_reasons(after)
    dimensions = list(after.methodology.dimensions.values_list("code", flat=True))
    dimensions += [
        code
        for code in before.methodology.dimensions.values_list("code", flat=True)
        if code not in dimensions
    ]

    order = list(titles[before.pk]) + [c for c in titles[after.pk] if c not in titles[before.pk]]
    processes = []
    for code in order:
        b, a = titles[before.pk].get(code), titles[after.pk].get(code)
        sb, sa = by_process[before.pk].get(code), by_process[after.pk].get(code)
        cb, ca = citations[before.pk].get(code, set()), citations[after.pk].get(code, set())
        processes.append(
            ProcessComparison(
                process=code,
                pair=(a or b)[0],
                title_before=b[1] if b else None,
                title_after=a[1] if a else None,
                ratings=[
                    RatingChange(
                        dimension,
                        ratings[before.pk].get(code, {}).get(dimension),
                        ratings[after.pk].get(code, {}).get(dimension),
                        reasons.get((code, dimension), ""),
                    )
                    for dimension in dimensions
                ],
                score_before=sb.score if sb else None,
                score_after=sa.score if sa else None,
                included_before=bool(sb and sb.included),
                included_after=bool(sa and sa.included),
                citations_added=sorted(ca - cb) if b and a else [],
                citations_removed=sorted(cb - ca) if b and a else [],
            )
        )

    sb, sa = scores[before.pk], scores[after.pk]
    return RoundComparison(
        before=before,
        after=after,
        processes=processes,
        pairs=_deltas({p.pair: p.index for p in sb.pairs}, {p.pair: p.index for p in sa.pairs}),
        dimensions=_deltas(
            {d.dimension: d.total for d in sb.dimensions},
            {d.dimension: d.total for d in sa.dimensions},
        ),
        principals=_deltas(
            {p.principal: p.share for p in sb.principals},
            {p.principal: p.share for p in sa.principals},
        ),
        overall=Delta("overall", sb.overall, sa.overall),
    )


@dataclass(frozen=True)
class SeriesPoint:
    year: int
    version: int
    methodology: str
    index: Fraction | None


@dataclass
class PairSeries:
    pair: str
    name: str
    principal: str
    points: list[SeriesPoint]


def pair_index_series(rounds: Iterable[Round] | None = None) -> list[PairSeries]:
    """Each pair's index in each round given (by default: the current version of every
    published year), oldest first. A point's methodology tells where a series changes method."""
    if rounds is None:
        rounds = Round.objects.filter(status=Round.Status.PUBLISHED)
    rounds = sorted(rounds, key=lambda r: (r.year, r.version))
    pairs = {p.code: p for p in Pair.objects.select_related("principal")}
    series: dict[str, PairSeries] = {}
    for round_ in rounds:
        for p in _scores(round_).pairs:
            pair = pairs[p.pair]
            entry = series.setdefault(
                p.pair, PairSeries(p.pair, pair.name, pair.principal.code, [])
            )
            entry.points.append(
                SeriesPoint(round_.year, round_.version, round_.methodology.label, p.index)
            )
    order = {code: i for i, code in enumerate(pairs)}
    return sorted(series.values(), key=lambda s: order[s.pair])


def principal_names() -> dict[str, str]:
    return names_of(Subject.objects.all())
