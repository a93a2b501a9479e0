"""Consensus ratings and experts' own ratings."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.request import Request
from rest_framework.response import Response

from assessments import models, services

from .. import filters
from .. import serializers as s
from ..conditional import NO_MATCH, if_match_header
from ..errors import PreconditionFailed
from ..listcache import PublicListCacheMixin
from ..permissions import (
    ContributorOrReadOnly,
    IsAuthenticatedOrReadOnly,
    IsOwnExpertRating,
    visible_assessments,
    visible_expert_ratings,
    visible_ratings,
)
from .base import (
    IF_MATCH,
    IF_MATCH_CREATE,
    RevisionedViewSet,
    validated,
)

RATING_RELATIONS = ("assessment__round__methodology", "assessment__process__pair", "dimension")
# What a rating's representation reads, and no more: the related rows carry long texts
# in three languages, which would only widen the rows the database sorts.
RATING_FIELDS = (
    "value",
    "justification",
    "revision",
    "assessment__round__year",
    "assessment__round__version",
    "assessment__round__status",
    "assessment__round__methodology__code",
    "assessment__round__methodology__version",
    "assessment__process__code",
    "assessment__process__pair__code",
    "dimension__code",
)


@extend_schema_view(
    list=extend_schema(summary="Consensus ratings: the panel's, the ones that are scored"),
    retrieve=extend_schema(summary="A consensus rating; its ETag is its revision"),
    create=extend_schema(
        summary="Set a consensus rating (the panel's chair; staff for errata)",
        request=s.NewRatingInput,
        responses={201: s.RatingSerializer, 200: s.RatingSerializer},
        parameters=[IF_MATCH_CREATE],
        description=(
            "Creates the rating. To change one that exists, send its ETag in If-Match; "
            "without it, an existing rating (someone was quicker) is a 412 with the row as it is."
        ),
    ),
    update=extend_schema(
        summary="Change a consensus rating", request=s.RatingChangeInput, parameters=[IF_MATCH]
    ),
    partial_update=extend_schema(
        summary="Change a consensus rating", request=s.RatingPatchInput, parameters=[IF_MATCH]
    ),
)
class RatingViewSet(
    PublicListCacheMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, RevisionedViewSet
):
    deferred_page = True  # pagination.py: the page's ids first, then its rows
    serializer_class = s.RatingSerializer
    filterset_class = filters.RatingFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    service = staticmethod(services.set_consensus)
    model: type[Model] = models.Rating

    def get_queryset(self) -> QuerySet:
        return (
            visible_ratings(self.request.user)
            .select_related(*RATING_RELATIONS)
            .only(*RATING_FIELDS, "carried_over")
        )

    def visible_assessments(self) -> QuerySet[models.ProcessAssessment]:
        return visible_assessments(self.request.user)

    def _existing(self, assessment: models.ProcessAssessment, dimension: str) -> Model | None:
        return self.model.objects.filter(
            assessment=assessment, dimension__code=dimension, **self._own()
        ).first()

    def _own(self) -> dict[str, Any]:
        return {}

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated(s.NewRatingInput, request.data, context=self.get_serializer_context())

        def existing() -> Model | None:
            return self._existing(data["assessment"], data["dimension"])

        if if_match_header(request) is None:
            # Create only: whoever loses a race to create it gets 412 and the row as it is.
            expected = NO_MATCH
        else:
            row = existing()
            if row is None:
                raise PreconditionFailed(
                    {
                        "If-Match": [
                            _("There is no such rating yet: leave If-Match out to create it.")
                        ]
                    }
                )
            expected = self.expected(request, self.get_queryset().get(pk=row.pk))
        row = self.call(
            self.service,
            existing,
            actor=request.user,
            assessment=data["assessment"],
            dimension=data["dimension"],
            value=data["value"],
            justification=data.get("justification"),
            reason=data["reason"],
            expected_revision=expected,
        )
        # A new row keeps revision 1; a change always bumps it.
        created = row.revision == 1
        return self.written(row, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        row = self.get_object()
        patch = kwargs.get("partial", False)
        data = validated(s.RatingPatchInput if patch else s.RatingChangeInput, request.data)
        row = self.call(
            self.service,
            lambda: row,
            actor=request.user,
            assessment=row.assessment,
            dimension=row.dimension,
            value=data.get("value", row.value),
            justification=data.get("justification"),
            reason=data.get("reason", ""),
            expected_revision=self.expected(request, row),
        )
        return self.written(row)


@extend_schema_view(
    list=extend_schema(summary="Experts' own ratings (panel members and staff only)"),
    retrieve=extend_schema(summary="An expert's rating; its ETag is its revision"),
    create=extend_schema(
        summary="Record your own rating (a panel member)",
        request=s.NewRatingInput,
        responses={201: s.ExpertRatingSerializer, 200: s.ExpertRatingSerializer},
        parameters=[IF_MATCH_CREATE],
        description=(
            "Creates your rating. To change it, send its ETag in If-Match; without it, an "
            "existing rating is a 412 with the row as it is."
        ),
    ),
    update=extend_schema(
        summary="Change your own rating", request=s.RatingChangeInput, parameters=[IF_MATCH]
    ),
    partial_update=extend_schema(
        summary="Change your own rating", request=s.RatingPatchInput, parameters=[IF_MATCH]
    ),
)
class ExpertRatingViewSet(RatingViewSet):
    serializer_class = s.ExpertRatingSerializer
    filterset_class = filters.ExpertRatingFilter
    permission_classes = [IsAuthenticatedOrReadOnly, ContributorOrReadOnly, IsOwnExpertRating]
    service = staticmethod(services.record_expert_rating)
    model = models.ExpertRating

    def get_queryset(self) -> QuerySet:
        return (
            visible_expert_ratings(self.request.user)
            .select_related(*RATING_RELATIONS, "expert")
            .only(*RATING_FIELDS, "updated_at", "expert__first_name", "expert__last_name")
        )

    def _own(self) -> dict[str, Any]:
        return {"expert": self.request.user}
