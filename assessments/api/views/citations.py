"""Citations: the act, edition and article behind an assessment."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from assessments import models, services

from .. import filters
from .. import serializers as s
from ..listcache import PublicListCacheMixin
from ..permissions import (
    visible_assessments,
    visible_citations,
)
from .base import (
    IF_MATCH,
    RevisionedViewSet,
    validated,
)

REASON = OpenApiParameter("reason", str, required=True, description="Why: kept in the history.")


@extend_schema_view(
    list=extend_schema(summary="Citations: the act, edition and article behind an assessment"),
    retrieve=extend_schema(summary="A citation; its ETag is its revision"),
    create=extend_schema(
        summary="Cite an act as evidence (panel members, staff)",
        request=s.NewCitationInput,
        responses={201: s.CitationSerializer},
    ),
    partial_update=extend_schema(
        summary="Change a citation (the panel's chair, staff)",
        request=s.CitationPatchInput,
        parameters=[IF_MATCH],
    ),
    destroy=extend_schema(
        summary="Remove a citation (the panel's chair, staff)", parameters=[IF_MATCH, REASON]
    ),
)
class CitationViewSet(
    PublicListCacheMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    RevisionedViewSet,
):
    deferred_page = True  # pagination.py: the page's ids first, then its rows
    serializer_class = s.CitationSerializer
    filterset_class = filters.CitationFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[models.Citation]:
        return visible_citations(self.request.user).select_related(
            "assessment__round__methodology",
            "assessment__process__pair",
            "act",
            "edition",
            "dimension",
        )

    def visible_assessments(self) -> QuerySet[models.ProcessAssessment]:
        return visible_assessments(self.request.user)

    def _references(
        self,
        data: dict[str, Any],
        assessment: models.ProcessAssessment,
        act: models.LegalAct | None = None,
    ) -> dict[str, Any]:
        """The act, edition and dimension named by code, as rows; a code naming none is a 400.

        `act` is the citation's current act, for an edition named without one.
        """
        found: dict[str, Any] = {}
        errors: dict[str, list[str]] = {}
        if "act" in data:
            act = found["act"] = models.LegalAct.objects.filter(code=data["act"]).first()
            if act is None:
                errors["act"] = [_("No legal act has this code.")]
        if "edition" in data:
            found["edition"] = None
            if data["edition"]:
                found["edition"] = models.LegalActEdition.objects.filter(
                    act=act, code=data["edition"]
                ).first()
                if found["edition"] is None:
                    errors["edition"] = [_("The act has no edition with this code.")]
        if "dimension" in data:
            found["dimension"] = None
            if data["dimension"]:
                found["dimension"] = assessment.round.methodology.dimensions.filter(
                    code=data["dimension"]
                ).first()
                if found["dimension"] is None:
                    errors["dimension"] = [_("The round's methodology has no such dimension.")]
        if errors:
            raise ValidationError(errors)
        return found

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated(s.NewCitationInput, request.data, context=self.get_serializer_context())
        assessment = data["assessment"]
        citation = services.add_citation(
            actor=request.user,
            assessment=assessment,
            reason=data["reason"],
            article=data.get("article", ""),
            part=data.get("part", ""),
            note={self.language: data.get("note", "")},
            **self._references(data, assessment),
        )
        return self.written(citation, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        citation = self.get_object()
        data = validated(s.CitationPatchInput, request.data)
        changes = {
            name: value
            for name, value in data.items()
            if name in ("article", "part", "needs_reverification")
        }
        changes.update(self._references(data, citation.assessment, citation.act))
        if "note" in data:
            changes[f"note_{self.language}"] = data["note"]
        row = self.call(
            services.update_citation,
            lambda: citation,
            actor=request.user,
            citation=citation,
            changes=changes,
            reason=data.get("reason", ""),
            expected_revision=self.expected(request, citation),
        )
        return self.written(row)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        citation = self.get_object()
        self.call(
            services.remove_citation,
            lambda: citation,
            actor=request.user,
            citation=citation,
            reason=request.query_params.get("reason", ""),
            expected_revision=self.expected(request, citation),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
