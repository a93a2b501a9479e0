"""Reads as QuerySet methods, including the database-side form of the scoring method.

The annotations here compute what `scoring.py` computes, in SQL, so that list
pages and the API can sort and show scores without loading every rating. They
must agree with the pure module; tests/test_scoring_db.py holds them to it.
"""

from __future__ import annotations

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


class RoundQuerySet(models.QuerySet):
    def published(self) -> RoundQuerySet:
        return self.filter(status__in=self.model.FROZEN_STATUSES)

    def visible_to(self, user) -> RoundQuerySet:
        """Published rounds for everyone; staff see all; panel members also their rounds."""
        from .permissions import is_staff_member, membership_filter

        if is_staff_member(user):
            return self
        published = Q(status__in=self.model.FROZEN_STATUSES)
        if not user.is_authenticated:
            return self.filter(published)
        return self.filter(published | Q(membership_filter(user, "pk", None)))

    def latest_published(self) -> Round | None:
        return self.filter(status=self.model.Status.PUBLISHED).order_by("-year", "-version").first()


class ProcessAssessmentQuerySet(models.QuerySet):
    def for_round(self, round_: Round) -> ProcessAssessmentQuerySet:
        return self.filter(round=round_)

    def visible_to(self, user) -> ProcessAssessmentQuerySet:
        """Published rounds' assessments; staff see all; members the pairs their panels cover."""
        from .permissions import is_staff_member

        if is_staff_member(user):
            return self
        published = Q(round__status__in=self.model.round.field.related_model.FROZEN_STATUSES)
        if not user.is_authenticated:
            return self.filter(published)
        return self.filter(published | Q(self._covered(user)))

    def editable_by(self, user) -> ProcessAssessmentQuerySet:
        """Assessments of unpublished rounds that the user works on."""
        from .permissions import is_staff_member

        qs = self.exclude(round__status__in=self.model.round.field.related_model.FROZEN_STATUSES)
        if is_staff_member(user):
            return qs
        if not user.is_authenticated:
            return qs.none()
        return qs.filter(self._covered(user))

    @staticmethod
    def _covered(user) -> Exists:
        from .permissions import membership_filter

        return membership_filter(user, "round", "process__pair")

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


class RatingQuerySet(models.QuerySet):
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
