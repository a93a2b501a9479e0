"""Reads as QuerySet methods, including the database-side form of the scoring method.

The annotations here compute what `scoring.py` computes, in SQL, so that list
pages and the API can sort and show scores without loading every rating. They
must agree with the pure module; tests/test_scoring_db.py holds them to it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

if TYPE_CHECKING:
    from .models import Round


def _scored_dimension_count(methodology_ref: str) -> Subquery:
    from .models import Dimension

    return Subquery(
        Dimension.objects.filter(methodology=OuterRef(methodology_ref), is_scored=True)
        .order_by()  # the default ordering would split the count into groups
        .values("methodology")
        .annotate(n=Count("pk"))
        .values("n")[:1],
        output_field=models.IntegerField(),
    )


@dataclass(frozen=True)
class Coverage:
    """Pairs of rounds, read into ids: `(round id, pair id)`, pair None for every pair.

    Visibility filters on these plain values, not on a correlated Exists over seats: ORed
    with "published", such an Exists was checked row by row over whole tables (360,000
    experts' ratings) and kept PostgreSQL from its indexes (benchmarks/README.md).
    """

    cells: frozenset[tuple[int, int | None]]

    @classmethod
    def of(cls, *pairs_of_rounds: models.QuerySet) -> Coverage:
        """Read `values_list(round id, pair id)` querysets in one query (UNION ALL)."""
        first, *rest = (qs.order_by() for qs in pairs_of_rounds)
        if isinstance(first, models.QuerySet) and rest:
            first = first.union(*rest, all=True)
        return cls(frozenset(first))

    def rounds(self) -> frozenset[int]:
        return frozenset(round_id for round_id, _pair in self.cells)

    def within(self, round_ids: set[int] | frozenset[int]) -> Coverage:
        return Coverage(frozenset(c for c in self.cells if c[0] in round_ids))

    def q(self, round_ref: str, pair_ref: str | None = None) -> Q:
        """Rows whose round (and, with `pair_ref`, pair) is covered; none when nothing is."""
        whole = sorted({r for r, pair in self.cells if pair is None or pair_ref is None})
        some: dict[int, set[int]] = defaultdict(set)
        for r, pair in self.cells:
            if pair is not None and r not in whole:
                some[r].add(pair)
        # `__in=[]` matches nothing: Django leaves that branch out of an OR.
        q = Q(**{f"{round_ref}__in": whole})
        for r, pairs in sorted(some.items()):
            q |= Q(**{f"{round_ref}__pk": r, f"{pair_ref}__in": sorted(pairs)})
        return q


class PanelMembershipQuerySet(models.QuerySet):
    """Seats on panels. Visibility is built from these (permissions.py picks whose seats)."""

    def pairs_of_rounds(self) -> models.QuerySet:
        """`(round id, pair id)` of each seat; pair None where the panel names no pairs."""
        return self.values_list("panel__round_id", "panel__pairs")

    def coverage(self) -> Coverage:
        """What these seats cover, read now (one query)."""
        return Coverage.of(self.pairs_of_rounds())

    def covering(self, round_ref: str, pair_ref: str | None = None) -> Exists:
        """Exists(...): one of these seats is on a panel of the round `round_ref` names and,
        with `pair_ref`, that panel covers the pair (a panel naming no pairs covers all)."""
        seats = self.filter(panel__round=OuterRef(round_ref))
        if pair_ref is not None:
            seats = seats.filter(Q(panel__pairs__isnull=True) | Q(panel__pairs=OuterRef(pair_ref)))
        return Exists(seats)


class RoundQuerySet(models.QuerySet):
    def published(self) -> RoundQuerySet:
        return self.filter(status__in=self.model.FROZEN_STATUSES)

    def unpublished(self) -> RoundQuerySet:
        """Rounds still in work (draft, open, in review): the only ones whose rows may change."""
        return self.exclude(status__in=self.model.FROZEN_STATUSES)

    def published_or_seated(self, seats: PanelMembershipQuerySet) -> RoundQuerySet:
        """Published rounds, and the rounds one of `seats` is on a panel of."""
        return self.filter(Q(status__in=self.model.FROZEN_STATUSES) | Q(seats.covering("pk")))

    def latest_published(self) -> Round | None:
        return self.filter(status=self.model.Status.PUBLISHED).order_by("-year", "-version").first()


class AssessedQuerySet(models.QuerySet):
    """Rows about one process assessment (ratings, citations, threads...), reached by
    `assessment_path`: the building blocks that visibility is composed of."""

    assessment_path = "assessment"

    def _path(self, rest: str) -> str:
        return f"{self.assessment_path}__{rest}" if self.assessment_path else rest

    def of_published_rounds(self):
        frozen = self._round_model().FROZEN_STATUSES
        return self.filter(**{self._path("round__status__in"): frozen})

    def of_unpublished_rounds(self):
        frozen = self._round_model().FROZEN_STATUSES
        return self.exclude(**{self._path("round__status__in"): frozen})

    def covered_by(self, seats: PanelMembershipQuerySet | Coverage):
        """The rows of pairs that one of `seats` covers, in that seat's round."""
        coverage = seats if isinstance(seats, Coverage) else seats.coverage()
        return self.filter(coverage.q(self._path("round"), self._path("process__pair")))

    def published_or_covered_by(self, seats: PanelMembershipQuerySet | Coverage):
        frozen = self._round_model().FROZEN_STATUSES
        coverage = seats if isinstance(seats, Coverage) else seats.coverage()
        return self.filter(
            Q(**{self._path("round__status__in"): frozen})
            | coverage.q(self._path("round"), self._path("process__pair"))
        )

    def of_assessments(self, assessments: models.QuerySet):
        """The rows of these assessments (a subquery: no join that would repeat rows)."""
        if not self.assessment_path:
            return self.filter(pk__in=assessments.values("pk"))
        return self.filter(**{f"{self.assessment_path}__in": assessments.values("pk")})

    @staticmethod
    def _round_model():
        from .models import Round

        return Round


class ProcessAssessmentQuerySet(AssessedQuerySet):
    assessment_path = ""

    def for_round(self, round_: Round) -> ProcessAssessmentQuerySet:
        return self.filter(round=round_)

    def with_scores(self) -> ProcessAssessmentQuerySet:
        """Annotate `is_included` and `score` (0..1; None when excluded) as score_process does."""
        from .models import Dimension, Rating

        scale_min = F("round__methodology__scale_min")
        span = F("round__methodology__scale_max") - scale_min
        scored = Q(ratings__dimension__is_scored=True)
        gating_ratings = Rating.objects.filter(assessment=OuterRef("pk"), dimension__is_gating=True)
        qs = self.annotate(
            scored_rated=Count("ratings", filter=scored, distinct=True),
            scored_required=_scored_dimension_count("round__methodology"),
            scored_sum=Coalesce(
                Sum(Cast(F("ratings__value") - scale_min, FloatField()), filter=scored),
                Value(0.0),
            ),
            has_gating_dimension=Exists(
                Dimension.objects.filter(methodology=OuterRef("round__methodology"), is_gating=True)
            ),
            gating_rated=Exists(gating_ratings),
            gating_absent=Exists(
                gating_ratings.filter(value__lte=OuterRef("round__methodology__scale_min"))
            ),
        )
        # Complete, and the gating condition (where the method has one) rated above the bottom.
        included = (
            Q(scored_rated=F("scored_required"))
            & Q(gating_absent=False)
            & (Q(has_gating_dimension=False) | Q(gating_rated=True))
        )
        return qs.annotate(
            is_included=Case(When(included, then=Value(True)), default=Value(False)),
            score=Case(
                When(
                    included,
                    then=ExpressionWrapper(
                        F("scored_sum") / (Cast(span, FloatField()) * F("scored_required")),
                        output_field=FloatField(),
                    ),
                ),
                default=None,
                output_field=FloatField(),
            ),
        )


class RatingQuerySet(AssessedQuerySet):
    def for_round(self, round_: Round) -> RatingQuerySet:
        return self.filter(assessment__round=round_)

    def of_included_assessments(self) -> RatingQuerySet:
        """Ratings of processes the method includes (complete, gating not absent)."""
        from .models import ProcessAssessment

        included = ProcessAssessment.objects.with_scores().filter(is_included=True)
        return self.filter(assessment__in=included.values("pk"))


class PairQuerySet(models.QuerySet):
    def with_index(self, round_: Round) -> PairQuerySet:
        """Annotate each pair's index (0..1, None when no process is included) in `round_`."""
        from .models import Rating

        methodology = round_.methodology
        span = methodology.scale_max - methodology.scale_min
        scored_required = methodology.dimensions.filter(is_scored=True).count()
        per_pair = (
            Rating.objects.for_round(round_)
            .of_included_assessments()
            .filter(dimension__is_scored=True, assessment__process__pair=OuterRef("pk"))
            .order_by()
            .values("assessment__process__pair")
            .annotate(
                index=ExpressionWrapper(
                    Cast(Sum(F("value") - methodology.scale_min), FloatField())
                    / (Count("assessment", distinct=True) * Value(float(span * scored_required))),
                    output_field=FloatField(),
                )
            )
            .values("index")
        )
        return self.annotate(index=Subquery(per_pair, output_field=FloatField()))


class ExpertRatingQuerySet(AssessedQuerySet):
    pass


class CitationQuerySet(AssessedQuerySet):
    pass


class ThreadQuerySet(AssessedQuerySet):
    pass


class CommentQuerySet(AssessedQuerySet):
    assessment_path = "thread__assessment"
