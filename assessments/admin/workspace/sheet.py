"""The expert's rating sheet: every process of the pairs her panels cover in a round, on
every dimension of the methodology, with her own rating, the panel's split and the
proposal carried over from the previous round.

Reads only; the views save through services.record_expert_rating and add_citation.
A sheet is built in a fixed number of queries, however many processes it has.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ... import permissions, services
from ...models import Citation, Dimension, ExpertRating, ProcessAssessment, Rating, Round
from .common import dimensions, edition_label, scale, value_label

FILTERS = ("all", "unrated", "carried", "split")


@dataclass
class Cell:
    assessment: ProcessAssessment
    dimension: Dimension
    mine: ExpertRating | None
    consensus: Rating | None
    split: dict[int, int] | None  # value → how many experts, where they differ
    levels: list[tuple[int, str]]
    form: Any = None
    conflict: str = ""
    saved: bool = False

    @property
    def key(self) -> str:
        return f"cell-{self.assessment.pk}-{self.dimension.pk}"

    @property
    def carried_over(self) -> bool:
        return self.consensus is not None and self.consensus.carried_over

    @property
    def carried_label(self) -> str:
        return value_label(self.levels, self.consensus.value) if self.consensus else ""

    @property
    def mine_label(self) -> str:
        return value_label(self.levels, self.mine.value) if self.mine else ""

    @property
    def split_text(self) -> str:
        if not self.split:
            return ""
        return ", ".join(
            f"{n} × {value_label(self.levels, value)}" for value, n in sorted(self.split.items())
        )

    def matches(self, show: str) -> bool:
        if show == "unrated":
            return self.mine is None
        if show == "carried":
            return self.carried_over
        if show == "split":
            return bool(self.split)
        return True


@dataclass
class Row:
    """One process of the sheet: its cells, and the evidence cited for it."""

    assessment: ProcessAssessment
    cells: list[Cell]
    citations: list[Citation] = field(default_factory=list)
    evidence_form: Any = None


@dataclass
class Sheet:
    round: Round
    rows: list[Row]
    dimensions: list[Dimension]
    levels: list[tuple[int, str]]
    rated: int
    total: int
    writable: bool

    @property
    def progress_text(self) -> str:
        return _("%(rated)s of %(total)s rated") % {"rated": self.rated, "total": self.total}


def sheet_assessments(user: Any, round_: Round) -> QuerySet[ProcessAssessment]:
    """What she rates in this round: the processes of the pairs her panels cover."""
    return (
        ProcessAssessment.objects.filter(round=round_)
        .covered_by(permissions.seats(user))
        .select_related("process__pair")
        .order_by("process__pair__position", "position", "pk")
    )


def build(
    user: Any, round_: Round, *, only: ProcessAssessment | None = None, show: str = "all"
) -> Sheet:
    assessments = sheet_assessments(user, round_)
    if only is not None:
        assessments = assessments.filter(pk=only.pk)
    assessments = list(assessments)
    ids = [a.pk for a in assessments]
    dims = dimensions(round_)
    levels = scale(round_.methodology)
    mine = {
        (r.assessment_id, r.dimension_id): r
        for r in ExpertRating.objects.filter(assessment_id__in=ids, expert=user)
    }
    consensus = {
        (r.assessment_id, r.dimension_id): r for r in Rating.objects.filter(assessment_id__in=ids)
    }
    splits = services.rating_disagreements(ids)
    citations: dict[int, list[Citation]] = {}
    # The edition's act too: its label is said after the act (edition_label).
    for c in Citation.objects.filter(assessment_id__in=ids).select_related(
        "act", "edition__act", "dimension"
    ):
        c.edition_label = edition_label(c.edition) if c.edition else ""
        citations.setdefault(c.assessment_id, []).append(c)
    rows = []
    for a in assessments:
        cells = [
            Cell(
                assessment=a,
                dimension=d,
                mine=mine.get((a.pk, d.pk)),
                consensus=consensus.get((a.pk, d.pk)),
                split=splits.get((a.pk, d.pk)),
                levels=levels,
            )
            for d in dims
        ]
        rows.append(Row(assessment=a, cells=cells, citations=citations.get(a.pk, [])))
    total = len(assessments) * len(dims)
    rated = len(mine) if only is None else None
    if only is not None:
        rated = ExpertRating.objects.filter(
            assessment__in=sheet_assessments(user, round_), expert=user
        ).count()
        total = sheet_assessments(user, round_).count() * len(dims)
    if show != "all":
        for row in rows:
            row.cells = [c for c in row.cells if c.matches(show)]
        rows = [row for row in rows if row.cells]
    return Sheet(
        round=round_,
        rows=rows,
        dimensions=dims,
        levels=levels,
        rated=rated,
        total=total,
        writable=not round_.is_frozen,
    )
