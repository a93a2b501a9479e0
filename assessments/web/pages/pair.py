"""A pair's page: its processes, ratings, verdicts, evidence, recommendations and replies."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext as _

from assessments import scoring, selectors
from assessments.models import (
    DevelopmentInitiative,
    Dimension,
    ExpertRating,
    Pair,
    ProcessAssessment,
    PublishedFigure,
    Recommendation,
    Round,
)
from assessments.selectors import scrutiny as scrutiny_reads

from .figures import Figure, RoundFigures, rating_label, whole


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
                    RatingCell(d, r.value if r else None, rating_label(r and r.value, scale))
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
