"""Rounds: read, change texts, move between states, publish, errata, next year."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from assessments import services
from assessments.models import Round
from assessments.permissions import is_staff_member

from .. import filters
from .. import serializers as s
from ..permissions import (
    visible_rounds,
)
from .base import (
    IF_MATCH,
    ROUND,
    RevisionedViewSet,
    get_round,
    parse_round,
    validated,
)

# --- rounds -----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Rounds you may see (anonymous clients: published ones)"),
    retrieve=extend_schema(
        summary="A round: `2016` (its current version) or `2016-v1`", parameters=[ROUND]
    ),
    partial_update=extend_schema(
        summary="Change a round's title, summary or changelog (staff), before publication",
        description=(
            "Errata need a changelog saying what they correct before they can be published: "
            "`POST errata/`, correct the ratings, `PATCH` the changelog, `POST publish/`."
        ),
        request=s.RoundChangeInput,
        parameters=[ROUND, IF_MATCH],
    ),
    history=extend_schema(parameters=[ROUND]),
)
class RoundViewSet(mixins.UpdateModelMixin, RevisionedViewSet):
    serializer_class = s.RoundSerializer
    filterset_class = filters.RoundFilter
    lookup_field = "round"
    lookup_value_regex = r"[0-9]{4}(?:-v[0-9]{1,4})?"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Round]:
        return visible_rounds(self.request.user).select_related(
            "methodology", "previous", "corrects"
        )

    def get_object(self) -> Round:
        round_ = get_round(self.request.user, *parse_round(self.kwargs["round"]))
        self.check_object_permissions(self.request, round_)
        return round_

    def show_people(self, row: Model) -> bool:
        return is_staff_member(self.request.user)

    def _round_response(self, round_: Round, status_code: int = status.HTTP_200_OK) -> Response:
        return self.written(round_, status_code)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        round_ = self.get_object()
        data = validated(s.RoundChangeInput, request.data)
        row = self.call(
            services.update_round,
            lambda: round_,
            actor=request.user,
            round_=round_,
            texts={name: value for name, value in data.items() if name != "reason"},
            reason=data["reason"],
            expected_revision=self.expected(request, round_),
        )
        return self.written(row)

    @extend_schema(
        summary="Publish the round (staff); errata supersede the version they correct",
        request=s.PublishInput,
        responses=s.RoundSerializer,
        parameters=[ROUND],
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, **kwargs: Any) -> Response:
        data = validated(s.PublishInput, request.data)
        round_ = services.publish_round(
            actor=request.user,
            round_=self.get_object(),
            reason=data["reason"],
            override_open_threads=data["override_open_threads"],
        )
        return self._round_response(round_)

    @extend_schema(
        summary="Move the round between draft, open for rating and in review (staff)",
        request=s.TransitionInput,
        responses=s.RoundSerializer,
        parameters=[ROUND],
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, **kwargs: Any) -> Response:
        data = validated(s.TransitionInput, request.data)
        round_ = services.transition_round(
            actor=request.user, round_=self.get_object(), to=data["to"], reason=data["reason"]
        )
        return self._round_response(round_)

    @extend_schema(
        summary="Start errata: the next version of a published round (staff)",
        request=s.ReasonInput,
        responses={201: s.RoundSerializer},
        parameters=[ROUND],
    )
    @action(detail=True, methods=["post"])
    def errata(self, request: Request, **kwargs: Any) -> Response:
        data = validated(s.ReasonInput, request.data)
        round_ = services.start_errata(
            actor=request.user, round_=self.get_object(), reason=data["reason"]
        )
        return self._round_response(round_, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Start the next year's round from this published one (staff)",
        request=s.NextRoundInput,
        responses={201: s.RoundSerializer},
        parameters=[ROUND],
    )
    @action(detail=True, methods=["post"], url_path="next")
    def start_next(self, request: Request, **kwargs: Any) -> Response:
        data = validated(s.NextRoundInput, request.data)
        round_ = services.start_next_round(
            actor=request.user, source=self.get_object(), year=data["year"], reason=data["reason"]
        )
        return self._round_response(round_, status.HTTP_201_CREATED)
