"""Process assessments: what a round assessed."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Prefetch, QuerySet
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins
from rest_framework.request import Request
from rest_framework.response import Response

from assessments import models, services
from assessments.permissions import can_see_panel_work

from .. import filters
from .. import serializers as s
from ..listcache import PublicListCacheMixin
from ..permissions import (
    visible_assessments,
)
from .base import (
    IF_MATCH,
    RevisionedViewSet,
    validated,
)

# --- what was assessed ---------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Process assessments: a process as a round assessed it"),
    retrieve=extend_schema(summary="A process assessment with its ratings and citations"),
    partial_update=extend_schema(
        summary="Change the verdict, title or justification (the panel's chair, staff)",
        request=s.AssessmentChangeInput,
        parameters=[IF_MATCH],
        description=(
            "Texts are written in the request's language. If-Match takes the ETag a GET of "
            "the assessment gave."
        ),
    ),
)
class AssessmentViewSet(PublicListCacheMixin, mixins.UpdateModelMixin, RevisionedViewSet):
    deferred_page = True  # pagination.py: the page's ids first, then its rows
    serializer_class = s.AssessmentSerializer
    filterset_class = filters.AssessmentFilter
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[models.ProcessAssessment]:
        return (
            visible_assessments(self.request.user)
            .select_related("round__methodology", "process__pair")
            .prefetch_related(
                Prefetch("ratings", queryset=models.Rating.objects.select_related("dimension")),
                Prefetch(
                    "citations",
                    queryset=models.Citation.objects.select_related("act", "edition", "dimension"),
                ),
            )
        )

    def visible_assessments(self) -> QuerySet[models.ProcessAssessment]:
        return visible_assessments(self.request.user)

    def show_people(self, row: Model) -> bool:
        return can_see_panel_work(self.request.user, row)  # type: ignore[arg-type]

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        assessment = self.get_object()
        data = validated(s.AssessmentChangeInput, request.data)
        changes: dict[str, Any] = {}
        for name, value in data.items():
            if name == "verdict":
                changes[name] = value
            elif name != "reason":
                # Texts go to the column of their language (title_ky, title_en, ...): the
                # request's, or each of those named.
                texts = value if isinstance(value, dict) else {self.language: value}
                changes.update({f"{name}_{code}": text for code, text in texts.items()})
        row = self.call(
            services.update_assessment,
            lambda: assessment,
            actor=request.user,
            assessment=assessment,
            changes=changes,
            reason=data["reason"],
            expected_revision=self.expected(request, assessment),
        )
        return self.written(row)
