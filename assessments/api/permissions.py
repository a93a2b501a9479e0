"""What each user may see through the API, and the DRF permission classes.

The rules live in assessments/permissions.py and the QuerySet methods that mirror
it; this module only applies them to the API's querysets. Every viewset starts
its queryset here, so what a user may not see is a 404, never a 403 that would
confirm it exists (docs/decisions.md, "Permissions"). Whether a change is allowed is decided by
the service that makes it; the classes below only refuse the anonymous early.

- Published rounds, their assessments, consensus ratings and citations: everyone.
- Unpublished rounds: staff, and panel members for the rounds (and pairs) they work on.
- Experts' own ratings and the panel's discussion: staff, and the members of a
  panel that covers the process (in any round, published or not).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions as drf
from rest_framework.request import Request

from assessments import permissions
from assessments.models import (
    Citation,
    Comment,
    ExpertRating,
    ProcessAssessment,
    Rating,
    Round,
    Thread,
)


def visible_rounds(user: Any) -> QuerySet[Round]:
    return Round.objects.visible_to(user)


def visible_assessments(user: Any) -> QuerySet[ProcessAssessment]:
    return ProcessAssessment.objects.visible_to(user)


def _of_visible_assessments(queryset: QuerySet, user: Any, path: str = "assessment") -> QuerySet:
    if permissions.is_staff_member(user):
        return queryset  # no subquery for those who see everything
    return queryset.filter(**{f"{path}__in": visible_assessments(user).values("pk")})


def visible_ratings(user: Any) -> QuerySet[Rating]:
    return _of_visible_assessments(Rating.objects.all(), user)


def visible_citations(user: Any) -> QuerySet[Citation]:
    return _of_visible_assessments(Citation.objects.all(), user)


def _panel_internal(queryset: QuerySet, user: Any, path: str) -> QuerySet:
    if permissions.is_staff_member(user):
        return queryset
    if not user.is_authenticated:
        return queryset.none()
    return queryset.filter(
        Q(permissions.membership_filter(user, f"{path}__round", f"{path}__process__pair"))
    )


def visible_expert_ratings(user: Any) -> QuerySet[ExpertRating]:
    return _panel_internal(ExpertRating.objects.all(), user, "assessment")


def visible_threads(user: Any) -> QuerySet[Thread]:
    return _panel_internal(Thread.objects.all(), user, "assessment")


def visible_comments(user: Any) -> QuerySet[Comment]:
    return _panel_internal(Comment.objects.all(), user, "thread__assessment")


# Anyone reads what they may see; a change needs a user (the service checks the role).
# DRF's own class, not a subclass: drf-spectacular recognises it and documents that
# reads need no authentication.
IsAuthenticatedOrReadOnly = drf.IsAuthenticatedOrReadOnly


class IsOwnExpertRating(drf.BasePermission):
    """An expert changes her own rating only; others on her panel may read it."""

    message = _("An expert changes only her own ratings.")

    def has_object_permission(self, request: Request, view: Any, obj: ExpertRating) -> bool:
        return request.method in drf.SAFE_METHODS or obj.expert_id == request.user.pk
