"""Two published rounds compared: every figure's change, every rating that moved."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

from assessments import scoring
from assessments.comparison import (
    ADDED,
    CHANGED,
    DROPPED,
    RoundComparison,
    compare_rounds,
    principal_names,
)
from assessments.models import Dimension, Pair, Round
from assessments.names import names_of

from .figures import rating_label, scale_labels, whole


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
                        before=rating_label(_dec(r.before), scale_before),
                        after=rating_label(_dec(r.after), scale_after),
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
