"""Reads for peer review and the right of reply: a pair's draft findings as an outsider
reads them, with the comments and replies on each process.

Every read starts from permissions.py: the caller passes the user, and rows she may not
see are not there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from .. import permissions
from ..models import (
    Citation,
    Pair,
    ProcessAssessment,
    Rating,
    Reply,
    ReplyWindow,
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
    labels = dict(round_.methodology.scale_levels.values_list("value", "label"))
    for row in rows:
        for rating in row.ratings:
            # "present (1)": the scale's word for the value, as the round's pages show it.
            label = labels.get(rating.value)
            rating.label = f"{label} ({rating.value})" if label else str(rating.value)
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
    return _pairs(user, round_, permissions.review_assignments(user))


def reply_pairs(user, round_: Round) -> QuerySet[Pair]:
    """The pairs of the round whose right of reply the user takes part in: staff all; the
    body's representative the pairs she is invited to answer; the panel its pairs."""
    return _pairs(user, round_, permissions.reply_windows(user))


def _pairs(user, round_: Round, invitations: QuerySet) -> QuerySet[Pair]:
    pairs = Pair.objects.filter(processes__assessments__round=round_).distinct()
    if permissions.is_staff_member(user):
        return pairs.order_by("position", "code")
    assigned = invitations.filter(round=round_).values("pair")
    mine = permissions.seats(user).filter(panel__round=round_)
    if mine.filter(panel__pairs__isnull=True).exists():  # a panel naming no pairs: all
        return pairs.order_by("position", "code")
    covered = Pair.objects.filter(panels__memberships__in=mine).values("pk")
    return pairs.filter(Q(pk__in=assigned) | Q(pk__in=covered)).order_by("position", "code")


@dataclass
class PairReply:
    """What the rated body of a pair said, published with the round: its replies, or that
    its deadline passed without one."""

    window: ReplyWindow
    general: list[Reply] = field(default_factory=list)
    by_process: dict[str, list[Reply]] = field(default_factory=dict)

    @property
    def replies(self) -> list[Reply]:
        return [*self.general, *(r for rs in self.by_process.values() for r in rs)]

    @property
    def status(self) -> str:
        """ "replied", or "missed": the deadline passed (or the window closed) without one."""
        return "replied" if self.replies else "missed"


def published_replies(round_: Round) -> dict[str, PairReply]:
    """Pair code → the body's replies, for a published round only (two queries); in work,
    replies are read on the right of reply screens by those permissions.py allows."""
    if not round_.is_frozen:
        return {}
    windows = {
        w.pk: PairReply(w)
        for w in ReplyWindow.objects.filter(round=round_).select_related("pair__agent")
    }
    for r in (
        Reply.objects.filter(window__in=list(windows))
        .select_related("assessment__process")
        .order_by("submitted_at", "pk")
    ):
        entry = windows[r.window_id]
        if r.assessment is None:
            entry.general.append(r)
        else:
            entry.by_process.setdefault(r.assessment.process.code, []).append(r)
    return {e.window.pair.code: e for e in windows.values()}


def replies_as_dict(round_: Round) -> list[dict[str, Any]]:
    """The published replies as JSON-ready data: the body's own words, unedited."""
    out = []
    for code, entry in published_replies(round_).items():
        out.append(
            {
                "pair": code,
                "body": entry.window.pair.agent.name,
                "deadline": entry.window.deadline.isoformat(),
                "status": entry.status,
                "replies": [
                    {
                        "process": r.assessment.process.code if r.assessment else None,
                        "language": r.language,
                        "text": r.body,
                        "submitted_at": r.submitted_at.isoformat(),
                        "own_words": True,
                    }
                    for r in entry.replies
                ],
            }
        )
    return out
