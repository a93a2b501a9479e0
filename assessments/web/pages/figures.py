"""A round's figures as the study prints them, each beside its printed counterpart.

Every figure comes from `selectors.round_report()` (scoring.py underneath) as an exact
fraction and is shown as a whole percent, rounded half up. Where the publication printed a
figure its own ratings do not give, both are shown."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from assessments import diagrams, scoring, selectors
from assessments.api.caching import generation
from assessments.models import Methodology, PublishedFigure, Round, ScaleLevel


def whole(value: Fraction | None) -> Decimal | None:
    """A figure as a whole percent, rounded half up (⅔ → 67), as the study prints it."""
    return scoring.percent(value)


def plain(value: Decimal | None) -> str:
    """A printed figure without trailing zeros: Decimal('11.00') → '11'."""
    if value is None:
        return ""
    return format(value.normalize(), "f")


@dataclass
class Figure:
    """One computed figure beside what the publication printed for it, if it did."""

    code: str
    name: str
    exact: Fraction | None
    printed: Decimal | None = None
    printed_source: str = ""
    # The computed figure at the printed precision, when the two disagree.
    disagrees_with: Decimal | None = None
    url: str = ""
    included: int | None = None
    total: int | None = None
    kind: str = ""
    # How far the figure could move with another draw of the experts (scoring.round_intervals).
    interval: scoring.Interval | None = None

    @property
    def value(self) -> Decimal | None:
        return whole(self.exact)

    @property
    def interval_text(self) -> str:
        return selectors.interval_text(self.interval)

    @property
    def interval_note(self) -> str:
        """Why there is no interval, in words: never a false 0–0."""
        if self.interval is None or self.interval.status == scoring.NO_EXPERT_RATINGS:
            return ""  # the round says so once, above its figures
        return selectors.interval_note(self.interval)

    @property
    def text(self) -> str:
        return "–" if self.value is None else f"{self.value}%"

    @property
    def printed_text(self) -> str:
        return "" if self.printed is None else f"{plain(self.printed)}%"

    @property
    def disagrees(self) -> bool:
        return self.disagrees_with is not None


@dataclass
class RatingMismatch:
    process: str
    dimension: str
    printed: str
    held: str
    source: str


@dataclass
class RoundFigures:
    round: Round
    report: dict[str, Any]
    pairs: list[Figure]
    dimensions: list[Figure]
    principals: list[Figure]
    overall: Figure
    figure_mismatches: list[Figure]
    rating_mismatches: list[RatingMismatch]
    process_scores: dict[str, scoring.ProcessScore]
    diagrams: dict[str, diagrams.Diagram]
    names: dict[str, dict[str, str]]
    # Aggregates of the experts' own ratings (never one expert's rating, nor one unit's split).
    agreement: scoring.RoundAgreement | None = None
    intervals: scoring.RoundIntervals | None = None

    @property
    def expert_ratings(self) -> bool:
        """False for a round rated by a consensus alone (2016): it says so, no false zero."""
        return self.agreement is not None and (
            self.agreement.overall.status != scoring.NO_EXPERT_RATINGS
        )

    @property
    def uncertainty_note(self) -> str:
        return "" if self.agreement is None else selectors.uncertainty_note(self.agreement.overall)

    @property
    def agreement_note(self) -> str:
        return "" if self.agreement is None else selectors.agreement_note(self.agreement.overall)

    def pair_agreement_note(self, code: str) -> str:
        found = self.agreement.pairs.get(code) if self.agreement else None
        return selectors.agreement_note(found) if found else ""

    # Whether the publication printed figures of each kind: a column for them otherwise hides.
    @property
    def printed_pairs(self) -> bool:
        return any(f.printed is not None for f in self.pairs)

    @property
    def printed_dimensions(self) -> bool:
        return any(f.printed is not None for f in self.dimensions)

    @property
    def printed_principals(self) -> bool:
        return any(f.printed is not None for f in self.principals)


# A published round's report, agreement and intervals never change; keep them a day.
FROZEN_CACHE_SECONDS = 24 * 60 * 60


def _frozen_key(kind: str, round_: Round, *parts: str) -> str | None:
    """A cache key for what a frozen round gives (None: not frozen). The API cache's
    generation is in it: it changes with any saved round or watched name (api/caching.py)."""
    if not round_.is_frozen:
        return None
    stamp = round_.published_at.isoformat() if round_.published_at else ""
    fields = (generation(), round_.pk, round_.version, round_.status, stamp, *parts)
    return f"web:{kind}:" + ":".join(str(f) for f in fields)


def _round_report(round_: Round) -> selectors.RoundReport:
    """selectors.round_report(), kept per language for a published round: its ratings,
    scores and names (12 queries, a third of a cold pair page) are read once for every
    page of the round. Kept without the experts' agreement, which is kept once for all
    languages (_keep_uncertainty)."""
    key = _frozen_key("report", round_, get_language() or "")
    kept = cache.get(key) if key else None
    if kept is not None:
        return kept
    rr = selectors.round_report(round_)
    if key is not None:
        cache.set(key, rr, FROZEN_CACHE_SECONDS)
    return rr


def _keep_uncertainty(rr: selectors.RoundReport) -> None:
    """A published round's agreement and intervals from the cache, or computed and kept.

    Reading and resampling the experts' own ratings (360,000 in the benchmark's history)
    is most of a cold page's time; every page of the round (home, round, pair, charts,
    embeds) reuses them."""
    key = _frozen_key("uncertainty", rr.round)
    if key is None:
        return
    kept = cache.get(key)
    if kept is not None:
        rr.uncertainty = kept  # a cached_property: the instance's own value wins
    else:
        cache.set(key, rr.uncertainty, FROZEN_CACHE_SECONDS)


def round_figures(
    round_: Round, pair_url=None, scale: dict[int, str] | None = None
) -> RoundFigures:
    """A round's figures from selectors.round_report(), each with its printed counterpart."""
    rr = _round_report(round_)
    _keep_uncertainty(rr)
    report = rr.as_dict(with_findings=False)
    names = rr.names
    s = rr.report.scores
    printed = {(p.kind, p.key): p for p in selectors.printed_figures(round_)}
    mismatched = {(m.kind, m.key): m for m in rr.report.mismatches}

    agreement, intervals = rr.uncertainty
    interval_of = {
        kind_: dict(table)
        for kind_, table in (
            (PublishedFigure.Kind.PAIR_INDEX, intervals.pairs),
            (PublishedFigure.Kind.DIMENSION_TOTAL, intervals.dimensions),
            (PublishedFigure.Kind.PRINCIPAL_SHARE, intervals.principals),
        )
    }

    def figure(kind: str, key: tuple[str, ...], code: str, name: str, exact, **extra) -> Figure:
        p, m = printed.get((kind, key)), mismatched.get((kind, key))
        if kind == PublishedFigure.Kind.OVERALL_INDEX:
            extra.setdefault("interval", intervals.overall)
        elif key and kind in interval_of:
            extra.setdefault("interval", interval_of[kind].get(key[0]))
        return Figure(
            code=code,
            name=name,
            exact=exact,
            printed=p.value if p else None,
            printed_source=p.source if p else "",
            disagrees_with=(m.computed if m else None),
            **extra,
        )

    kind = PublishedFigure.Kind
    pairs = [
        figure(
            kind.PAIR_INDEX,
            (p.pair,),
            p.pair,
            names["pair"].get(p.pair, p.pair),
            p.index,
            url=pair_url(round_, p.pair) if pair_url else "",
            included=p.included,
            total=p.processes,
        )
        for p in s.pairs
    ]
    dimensions = [
        figure(
            kind.DIMENSION_TOTAL,
            (d.dimension,),
            d.dimension,
            names["dimension"].get(d.dimension, d.dimension),
            d.total,
            included=d.assessed,
        )
        for d in s.dimensions
    ]
    principals = [
        figure(
            kind.PRINCIPAL_SHARE,
            (p.principal,),
            p.principal,
            names["principal"].get(p.principal, p.principal),
            p.share,
            included=p.working,
            total=p.processes,
        )
        for p in s.principals
    ]
    overall = figure(kind.OVERALL_INDEX, (), "overall", _("Overall index"), s.overall)

    # Figures the publication printed that its ratings do not give, in words.
    figure_mismatches = []
    labels = {
        kind.PAIR_INDEX: _("Index of the pair %(name)s"),
        kind.PAIR_REAL: _("Real level of the pair %(name)s (diagram 3)"),
        kind.DIMENSION_TOTAL: _("Total of the dimension %(name)s"),
        kind.DIMENSION_ABSENT: _("Share rated absent on the dimension %(name)s"),
        kind.PRINCIPAL_SHARE: _("Share of working processes of %(name)s (diagram 2)"),
        kind.OVERALL_INDEX: _("Overall index"),
    }
    name_of = {
        kind.PAIR_INDEX: "pair",
        kind.PAIR_REAL: "pair",
        kind.DIMENSION_TOTAL: "dimension",
        kind.DIMENSION_ABSENT: "dimension",
        kind.PRINCIPAL_SHARE: "principal",
    }
    exact_of = scoring.computed_figures(s)
    rating_mismatches = []
    for m in rr.report.mismatches:
        if m.kind == kind.PRINTED_RATING:
            process, dimension = m.key
            rating_mismatches.append(
                RatingMismatch(
                    process=names["process"].get(process, process),
                    dimension=names["dimension"].get(dimension, dimension),
                    printed=rating_label(m.printed, scale),
                    held=rating_label(m.computed, scale),
                    source=m.source,
                )
            )
            continue
        label = labels.get(m.kind, m.kind)
        if m.kind in name_of:
            key = m.key[0]
            label = label % {"name": names[name_of[m.kind]].get(key, key)}
        figure_mismatches.append(
            Figure(
                code="/".join(m.key) or "overall",
                name=label,
                exact=exact_of.get((m.kind, m.key)),
                printed=m.printed,
                printed_source=m.source,
                disagrees_with=m.computed,
                kind=m.kind,
            )
        )

    return RoundFigures(
        round=round_,
        report=report,
        pairs=pairs,
        dimensions=dimensions,
        principals=principals,
        overall=overall,
        figure_mismatches=figure_mismatches,
        rating_mismatches=rating_mismatches,
        process_scores={p.process: p for p in s.processes},
        diagrams=diagrams.round_diagrams(s, names, intervals),
        names=names,
        agreement=agreement,
        intervals=intervals,
    )


def rating_label(value: Decimal | None, scale: dict[int, str] | None) -> str:
    if value is None:
        return "–"
    number = int(value)
    label = (scale or {}).get(number)
    return f"{label} ({number})" if label else str(number)


def scale_labels(methodology: Methodology) -> dict[int, str]:
    return {
        level.value: level.label
        for level in ScaleLevel.objects.filter(methodology=methodology).order_by("value")
    }
