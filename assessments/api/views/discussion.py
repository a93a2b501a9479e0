"""Review threads and their comments."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from assessments import models, services

from .. import filters
from .. import serializers as s
from ..permissions import (
    visible_assessments,
    visible_comments,
    visible_threads,
)
from .base import (
    ReadOnlyViewSet,
    validated,
)

# --- discussion -------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Discussion threads (panel members and staff only)"),
    retrieve=extend_schema(summary="A thread with its comments"),
    create=extend_schema(
        summary="Start a thread about an assessment or one of its ratings",
        request=s.NewThreadInput,
        responses={201: s.ThreadSerializer},
    ),
)
class ThreadViewSet(mixins.CreateModelMixin, ReadOnlyViewSet):
    serializer_class = s.ThreadSerializer
    filterset_class = filters.ThreadFilter

    def get_queryset(self) -> QuerySet[models.Thread]:
        return (
            visible_threads(self.request.user)
            .select_related(
                "assessment__round__methodology",
                "assessment__process",
                "dimension",
                "created_by",
                "resolved_by",
            )
            .prefetch_related(
                Prefetch("comments", queryset=models.Comment.objects.select_related("author"))
            )
        )

    def visible_assessments(self) -> QuerySet[models.ProcessAssessment]:
        return visible_assessments(self.request.user)

    def _thread_response(self, thread: models.Thread, status_code: int) -> Response:
        thread = self.get_queryset().get(pk=thread.pk)
        return Response(s.ThreadSerializer(thread).data, status=status_code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated(s.NewThreadInput, request.data, context=self.get_serializer_context())
        thread = services.start_thread(
            actor=request.user,
            assessment=data["assessment"],
            body=data["body"],
            title=data.get("title", ""),
            dimension=data.get("dimension"),
        )
        return self._thread_response(thread, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Reply in a thread", request=s.ReplyInput, responses={201: s.CommentSerializer}
    )
    @action(detail=True, methods=["post"])
    def comments(self, request: Request, pk: str) -> Response:
        thread = self.get_object()
        data = validated(s.ReplyInput, request.data)
        parent = None
        if data.get("parent"):
            parent = visible_comments(request.user).filter(pk=data["parent"]).first()
            if parent is None:
                raise NotFound({"parent": [_("No such comment.")]})
        comment = services.reply(
            actor=request.user, thread=thread, body=data["body"], parent=parent
        )
        comment = models.Comment.objects.select_related("author").get(pk=comment.pk)
        return Response(s.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Resolve a thread, or reopen it",
        request=s.ResolveInput,
        responses=s.ThreadSerializer,
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str) -> Response:
        data = validated(s.ResolveInput, request.data)
        thread = services.resolve_thread(
            actor=request.user, thread=self.get_object(), resolved=data["resolved"]
        )
        return self._thread_response(thread, status.HTTP_200_OK)


@extend_schema_view(
    list=extend_schema(summary="Comments of the discussion (panel members and staff only)"),
    retrieve=extend_schema(summary="A comment"),
)
class CommentViewSet(ReadOnlyViewSet):
    serializer_class = s.RoundCommentSerializer
    filterset_class = filters.CommentFilter

    def get_queryset(self) -> QuerySet[models.Comment]:
        return visible_comments(self.request.user).select_related(
            "thread__assessment__round__methodology", "author"
        )
