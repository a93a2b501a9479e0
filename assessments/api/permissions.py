"""What each user may see through the API, and the DRF permission classes.

The rules are assessments/permissions.py's, the same as the admin's and the site's;
this module only names them for the API. Every viewset starts its queryset from one
of them, so what a user may not see is a 404, never a 403 that would confirm it exists
(docs/decisions.md, "Permissions"). Whether a change is allowed is decided by the service that makes
it; the classes below only refuse the anonymous early.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions as drf
from rest_framework.request import Request

from assessments.models import ExpertRating
from assessments.permissions import (  # noqa: F401  (the API's names for the rules)
    can_contribute,
    figure_rounds,
    visible_assessments,
    visible_citations,
    visible_comments,
    visible_expert_ratings,
    visible_ratings,
    visible_rounds,
    visible_threads,
)

# Anyone reads what they may see; a change needs a user (the service checks the role).
# DRF's own class, not a subclass: drf-spectacular recognises it and documents that
# reads need no authentication.
IsAuthenticatedOrReadOnly = drf.IsAuthenticatedOrReadOnly


class ContributorOrReadOnly(drf.BasePermission):
    """A change needs a role that writes at all: an API reader's write is a 403 before
    its input is read (who may not comes before what is wrong with the input)."""

    message = _("Your role reads only: it may not change anything.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return (
            request.method in drf.SAFE_METHODS
            or not request.user.is_authenticated  # IsAuthenticatedOrReadOnly answers 401
            or can_contribute(request.user)
        )


class IsOwnExpertRating(drf.BasePermission):
    """An expert changes her own rating only; others on her panel may read it."""

    message = _("An expert changes only her own ratings.")

    def has_object_permission(self, request: Request, view: Any, obj: ExpertRating) -> bool:
        return request.method in drf.SAFE_METHODS or obj.expert_id == request.user.pk
