"""Reads for peer review and the right of reply: a pair's draft findings as an outsider
reads them, with the comments and replies on each process.

Every read starts from permissions.py: the caller passes the user, and rows she may not
see are not there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from . import permissions
from .models import (
    Citation,
    Pair,
    ProcessAssessment,
    Rating,
    ReviewComment,
    Round,
)


@dataclass
class ProcessFindings:
    """One process of the pair: what the panel concluded, and what was said about it."""

    assessment: ProcessAssessment
    ratings: list[Rating]
    citations: list[Citation]
    comments: list[ReviewComment] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def pair_findings(
    user, round_: Round, pair: Pair, *, comments: bool = True
) -> list[ProcessFindings]:
    """The pair's processes in the round with their consensus ratings (and justifications),
    citations and, with `comments`, the peer review comments the user may see."""
    assessments = (
        permissions.visible_assessments(user)
        .filter(round=round_, process__pair=pair)
        .select_related("process")
        .prefetch_related(
            Prefetch("ratings", queryset=Rating.objects.select_related("dimension")),
            Prefetch("citations", queryset=Citation.objects.select_related("act", "edition")),
        )
        .order_by("position", "pk")
    )
    rows = [ProcessFindings(a, list(a.ratings.all()), list(a.citations.all())) for a in assessments]
    if comments and rows:
        by_assessment: dict[int, list[ReviewComment]] = {}
        for c in (
            permissions.visible_review_comments(user)
            .filter(assessment__in=[r.assessment.pk for r in rows])
            .select_related("reviewer", "answered_by")
            .order_by("created_at", "pk")
        ):
            by_assessment.setdefault(c.assessment_id, []).append(c)
        for r in rows:
            r.comments = by_assessment.get(r.assessment.pk, [])
    return rows


def review_pairs(user, round_: Round) -> QuerySet[Pair]:
    """The pairs of the round the user takes part in the peer review of: staff all; a
    reviewer those she is assigned; a panel member those her panel covers."""
    pairs = Pair.objects.filter(processes__assessments__round=round_).distinct()
    if permissions.is_staff_member(user):
        return pairs.order_by("position", "code")
    assigned = permissions.review_assignments(user).filter(round=round_).values("pair")
    mine = permissions.seats(user).filter(panel__round=round_)
    if mine.filter(panel__pairs__isnull=True).exists():  # a panel naming no pairs: all
        return pairs.order_by("position", "code")
    covered = Pair.objects.filter(panels__memberships__in=mine).values("pk")
    return pairs.filter(Q(pk__in=assigned) | Q(pk__in=covered)).order_by("position", "code")
