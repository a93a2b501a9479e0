"""What each public page shows, assembled from the selectors: no request, no HTML.

Every figure comes from `selectors.round_report()` (scoring.py underneath) as an
exact fraction and is shown as the study prints it: a whole percent, rounded
half up. Where the publication printed a figure its own ratings do not give,
both are shown. Only published rounds are ever read here: every lookup starts
from `permissions.public_rounds()`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.cache import cache
from django.http import Http404
from django.utils.translation import gettext as _

from assessments import diagrams, names, permissions, scoring, scrutiny_reads, selectors
from assessments.api.selectors import pair_index_series_of
from assessments.comparison import (
    ADDED,
    CHANGED,
    DROPPED,
    RoundComparison,
    compare_rounds,
    principal_names,
)
from assessments.models import (
    DevelopmentInitiative,
    Dimension,
    ExpertRating,
    Methodology,
    Pair,
    ProcessAssessment,
    PublishedFigure,
    Recommendation,
    Round,
    ScaleLevel,
)
from assessments.names import names_of

from .converters import RoundRef

# Computed pair indices of a published round never change; keep them a day.
SERIES_CACHE_SECONDS = 24 * 60 * 60


# --- which rounds -------------------------------------------------------------------------


def published_rounds() -> list[Round]:
    """Every round the public may read (published and superseded), newest first: one query.
    A page about them all names things as the newest does (unless its round is named)."""
    rounds = list(
        permissions.public_rounds().select_related("methodology").order_by("-year", "-version")
    )
    names.reading_rounds(rounds)
    return rounds


def published_round(ref: RoundRef) -> Round:
    """The published round a URL names, or 404: drafts and rounds in work do not exist here."""
    rounds = permissions.public_rounds().select_related("methodology").filter(year=ref.year)
    if ref.version is not None:
        rounds = rounds.filter(version=ref.version)
    round_ = rounds.order_by("-version").first()
    if round_ is None:
        raise Http404("No published round of that year and version.")
    names.reading(round_)  # the page prints the names it was published with
    return round_


def current_version_of(round_: Round) -> Round | None:
    """For a superseded round: the version that replaced it."""
    if round_.status != Round.Status.SUPERSEDED:
        return None
    return (
        Round.objects.filter(year=round_.year, status=Round.Status.PUBLISHED)
        .order_by("-version")
        .first()
    )


def signature(rounds: Iterable[Round]) -> tuple:
    """What the pages built on the set of published rounds depend on (for their ETag)."""
    return tuple((r.pk, r.version, r.status, r.published_at) for r in rounds)


# --- numbers as the study prints them --------------------------------------------------


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


def round_figures(
    round_: Round, pair_url=None, scale: dict[int, str] | None = None
) -> RoundFigures:
    """A round's figures from selectors.round_report(), each with its printed counterpart."""
    rr = selectors.round_report(round_)
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
                    printed=_rating_label(m.printed, scale),
                    held=_rating_label(m.computed, scale),
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


def _rating_label(value: Decimal | None, scale: dict[int, str] | None) -> str:
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


# --- each pair's index over the years ---------------------------------------------------


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


# --- a pair's page --------------------------------------------------------------------------


@dataclass
class CitationRow:
    act: str
    edition: str
    edition_superseded: bool
    article: str
    part: str
    dimension: str
    note: str
    url: str
    needs_reverification: bool


@dataclass
class RatingCell:
    dimension: Dimension
    value: int | None
    label: str


@dataclass
class ProcessRow:
    code: str
    title: str
    anchor: str
    ratings: list[RatingCell]
    included: bool
    excluded_because: str | None
    score: Decimal | None
    verdict: str
    verdict_text: str
    justification: str
    citations: list[CitationRow]
    # For saying how the score was reached: the counted dimensions, and those rated at the
    # top of a present/absent scale (None when the scale has more levels).
    counted: list[str] = field(default_factory=list)
    present: list[str] | None = None
    replies: list = field(default_factory=list)  # the rated body's, on this process

    @property
    def score_text(self) -> str:
        return "–" if self.score is None else f"{self.score}%"

    @property
    def score_explained(self) -> str:
        """The score in words: "1 of 3 counted dimensions present (Rules …)"."""
        if not self.included:
            if self.excluded_because == scoring.EXCLUDED_GATING:
                return _("not assessed: its condition (demand for accountability) is absent")
            return _("not assessed: a rating is missing")
        if self.present is None:
            return _("the mean of its ratings on the %(count)s counted dimensions") % {
                "count": len(self.counted)
            }
        if not self.present:
            return _("none of the %(count)s counted dimensions is present") % {
                "count": len(self.counted)
            }
        return _("%(present)s of %(count)s counted dimensions present (%(names)s)") % {
            "present": len(self.present),
            "count": len(self.counted),
            "names": ", ".join(self.present),
        }


@dataclass
class PairPage:
    round: Round
    pair: Pair
    figure: Figure
    dimensions: list[Dimension]
    processes: list[ProcessRow]
    recommendations: list[tuple[str, str]] = field(default_factory=list)
    international_experience: list[str] = field(default_factory=list)
    initiatives: list[DevelopmentInitiative] = field(default_factory=list)
    mismatches: list[Figure] = field(default_factory=list)
    # The rated body's right of reply: its replies in its own words, or a missed deadline.
    reply: scrutiny_reads.PairReply | None = None

    def replies_on(self, process: str) -> list:
        return self.reply.by_process.get(process, []) if self.reply else []


def pair_page(
    round_: Round, pair_code: str, figures: RoundFigures, scale: dict[int, str]
) -> PairPage:
    """A pair in a round: its processes, ratings, verdicts, evidence and recommendations."""
    # Only this pair's processes; the page shows no split of the experts' ratings, so none
    # are read (a round of 300 processes has thousands).
    overview = selectors.round_overview(
        round_,
        assessments=ProcessAssessment.objects.filter(process__pair__code=pair_code),
        expert_ratings=ExpertRating.objects.none(),
    )
    entry = next((e for e in overview if e["pair"].code == pair_code), None)
    if entry is None:
        raise Http404("This pair is not assessed in this round.")
    # The overview joins no subject; the page names the principal and the agent.
    pair = Pair.objects.select_related("principal", "agent").get(pk=entry["pair"].pk)
    dimensions = entry["dimensions"]
    dimension_names = {d.pk: d.name for d in dimensions}
    methodology = round_.methodology
    binary = methodology.scale_max - methodology.scale_min == 1
    processes = []
    titles: dict[int, str] = {}
    for row in entry["assessments"]:
        a = row["assessment"]
        titles[a.process_id] = a.title
        score = figures.process_scores.get(a.process.code)
        processes.append(
            ProcessRow(
                code=a.process.code,
                title=a.title,
                anchor=f"process-{a.process.code}",
                ratings=[
                    RatingCell(d, r.value if r else None, _rating_label(r and r.value, scale))
                    for d, r in zip(dimensions, row["ratings"], strict=True)
                ],
                included=bool(score and score.included),
                excluded_because=score.excluded_because if score else None,
                score=whole(score.score) if score else None,
                verdict=a.get_verdict_display() if a.verdict else "",
                verdict_text=a.verdict_text,
                justification=a.justification,
                citations=[
                    CitationRow(
                        act=c.act.title,
                        edition=_edition_label(c.act.title, c.edition),
                        edition_superseded=bool(c.edition and c.edition.is_superseded),
                        article=c.article,
                        part=c.part,
                        # by id: the overview does not join the dimension of a citation
                        dimension=dimension_names.get(c.dimension_id, ""),
                        note=c.note,
                        url=(c.edition.url if c.edition and c.edition.url else c.act.url),
                        needs_reverification=c.needs_reverification,
                    )
                    for c in row["citations"]
                ],
                counted=[d.name for d in dimensions if d.is_scored],
                present=(
                    [
                        d.name
                        for d, r in zip(dimensions, row["ratings"], strict=True)
                        if d.is_scored and r is not None and r.value == methodology.scale_max
                    ]
                    if binary
                    else None
                ),
            )
        )
    page = PairPage(
        round=round_,
        pair=pair,
        figure=next(f for f in figures.pairs if f.code == pair_code),
        dimensions=dimensions,
        processes=processes,
        mismatches=[
            m
            for m in figures.figure_mismatches
            if m.kind in (PublishedFigure.Kind.PAIR_INDEX, PublishedFigure.Kind.PAIR_REAL)
            and m.code == pair_code
        ],
    )
    recommendations = Recommendation.objects.filter(round=round_, pair=pair).order_by(
        "kind", "position", "pk"
    )
    for rec in recommendations:
        if rec.kind == Recommendation.Kind.INTERNATIONAL_EXPERIENCE:
            page.international_experience.append(rec.text)
        else:
            page.recommendations.append((titles.get(rec.process_id, ""), rec.text))
    page.initiatives = list(
        DevelopmentInitiative.objects.filter(round=round_, process__pair=pair).order_by(
            "position", "pk"
        )
    )
    page.reply = scrutiny_reads.published_replies(round_).get(pair_code)
    for process in page.processes:
        process.replies = page.replies_on(process.code)
    return page


def _edition_label(act_title: str, edition) -> str:
    """An edition's own title, or its code when the title only repeats the act's ("… (2010)")."""
    if edition is None:
        return ""
    if not edition.title or edition.title.startswith(act_title):
        return edition.code
    return edition.title


# --- two rounds compared ----------------------------------------------------------------


@dataclass
class DeltaRow:
    code: str
    name: str
    before: Decimal | None
    after: Decimal | None
    change: Fraction | None

    @property
    def before_text(self) -> str:
        return "–" if self.before is None else f"{self.before}%"

    @property
    def after_text(self) -> str:
        return "–" if self.after is None else f"{self.after}%"

    @property
    def change_text(self) -> str:
        if self.change is None:
            return "–"
        # Whole points, as the figures; a change that rounds to 0 keeps one decimal (−0.5).
        points = whole(abs(self.change))
        if points == 0 and self.change != 0:
            points = scoring.percent(abs(self.change), 1)
        sign = "+" if self.change > 0 else "−" if self.change < 0 else "±"
        return f"{sign}{points}"

    @property
    def direction(self) -> str:
        if self.change is None or self.change == 0:
            return "same"
        return "up" if self.change > 0 else "down"


@dataclass
class RatingChangeCell:
    dimension: str
    before: str
    after: str
    changed: bool
    reason: str


@dataclass
class ProcessChangeRow:
    code: str
    title: str
    former_title: str
    status: str
    status_label: str
    ratings: list[RatingChangeCell]
    score_before: str
    score_after: str
    citations_added: list[str]
    citations_removed: list[str]

    @property
    def changes(self) -> list[RatingChangeCell]:
        return [cell for cell in self.ratings if cell.changed]


@dataclass
class PairChanges:
    code: str
    name: str
    processes: list[ProcessChangeRow]


@dataclass
class ComparisonPage:
    comparison: RoundComparison
    overall: DeltaRow
    pairs: list[DeltaRow]
    dimensions: list[DeltaRow]
    principals: list[DeltaRow]
    processes: list[PairChanges]
    changed_count: int


def _pct_text(value: Fraction | None) -> str:
    v = whole(value)
    return "–" if v is None else f"{v}%"


def comparison_page(before: Round, after: Round) -> ComparisonPage:
    """Two published rounds side by side: every figure's change, every rating that moved."""
    c = compare_rounds(before, after)
    pair_names = names_of(Pair.objects.all())
    dimension_names = dict(
        Dimension.objects.filter(methodology__in=[before.methodology_id, after.methodology_id])
        .order_by("methodology_id", "position")
        .values_list("code", "name")
    )
    principals = principal_names()
    scales = {
        r.pk: scale_labels(r.methodology)
        for r in ([before, after] if before.methodology_id != after.methodology_id else [after])
    }
    scale_before = scales.get(before.pk, scales[after.pk])
    scale_after = scales[after.pk]

    def rows(deltas, names) -> list[DeltaRow]:
        return [
            DeltaRow(d.key, names.get(d.key, d.key), whole(d.before), whole(d.after), d.delta)
            for d in deltas
        ]

    status_labels = {
        ADDED: _("new in this round"),
        DROPPED: _("not assessed any more"),
        CHANGED: _("changed"),
    }
    by_pair: dict[str, PairChanges] = {}
    for p in c.processes:
        group = by_pair.setdefault(p.pair, PairChanges(p.pair, pair_names.get(p.pair, p.pair), []))
        group.processes.append(
            ProcessChangeRow(
                code=p.process,
                title=p.title_after or p.title_before or p.process,
                former_title=p.title_before if p.renamed else "",
                status=p.status,
                status_label=status_labels.get(p.status, _("unchanged")),
                ratings=[
                    RatingChangeCell(
                        dimension=dimension_names.get(r.dimension, r.dimension),
                        before=_rating_label(_dec(r.before), scale_before),
                        after=_rating_label(_dec(r.after), scale_after),
                        changed=r.changed and p.status == CHANGED,
                        reason=r.reason,
                    )
                    for r in p.ratings
                ],
                score_before=_pct_text(p.score_before) if p.included_before else _("excluded"),
                score_after=_pct_text(p.score_after) if p.included_after else _("excluded"),
                citations_added=p.citations_added,
                citations_removed=p.citations_removed,
            )
        )
        if p.title_before is None:
            group.processes[-1].score_before = "–"
        if p.title_after is None:
            group.processes[-1].score_after = "–"
    return ComparisonPage(
        comparison=c,
        overall=DeltaRow(
            "overall",
            _("Overall index"),
            whole(c.overall.before),
            whole(c.overall.after),
            c.overall.delta,
        ),
        pairs=rows(c.pairs, pair_names),
        dimensions=rows(c.dimensions, dimension_names),
        principals=rows(c.principals, principals),
        processes=list(by_pair.values()),
        changed_count=sum(p.status != "same" for p in c.processes),
    )


def _dec(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def default_pair(rounds: Sequence[Round]) -> tuple[Round, Round] | None:
    """The two latest current versions, older first: what the comparison shows unless asked."""
    current = [r for r in rounds if r.status == Round.Status.PUBLISHED]
    current.sort(key=lambda r: (r.year, r.version), reverse=True)
    if len(current) < 2:
        return None
    return current[1], current[0]


def find(rounds: Sequence[Round], ref: RoundRef) -> Round | None:
    """The round `ref` names among the published ones: the current version when none is given."""
    matching = [
        r
        for r in rounds
        if r.year == ref.year and (ref.version is None or r.version == ref.version)
    ]
    return max(matching, key=lambda r: r.version, default=None)


# --- the methodology ---------------------------------------------------------------------------


def methodologies(rounds: Sequence[Round]) -> list[tuple[Methodology, list[Round]]]:
    """The methodologies of the published rounds, newest first, each with its rounds."""
    used: dict[int, list[Round]] = {}
    for r in rounds:
        used.setdefault(r.methodology_id, []).append(r)
    found = {
        m.pk: m
        for m in Methodology.objects.filter(pk__in=used).prefetch_related(
            "dimensions", "scale_levels"
        )
    }
    return [(found[pk], members) for pk, members in used.items() if pk in found]
