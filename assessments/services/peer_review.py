"""Peer review: one function per change (base.py's rules: role, freeze, lock, history).

Staff assign a reviewer to a pair of a round in work; while the round is in review she
comments on its processes; the pair's chair (or staff) answers each comment: accepted,
changed in response, or replied to. A round is not published while a comment is
unanswered (services.publication_problems).
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..models import Pair, ProcessAssessment, ReviewAssignment, ReviewComment, Round
from .base import (
    InvalidInput,
    NotAllowed,
    check_revision,
    ensure_allowed,
    ensure_open,
    fresh_assessment,
    locked_round,
    required_reason,
    save_with_history,
)

ANSWER_NEEDS_TEXT = {ReviewComment.Answer.CHANGED, ReviewComment.Answer.REPLIED}


def _history(row, *, actor, reason: str) -> None:
    row._change_reason = reason
    row._history_user = actor


def assign_reviewer(*, actor, round_: Round, pair: Pair, reviewer, reason: str) -> ReviewAssignment:
    """Staff assign a peer reviewer to one pair of a round in work; she joins the role."""
    reason = required_reason(reason)
    ensure_allowed(
        permissions.can_manage_rounds(actor), _("Only institute staff assign peer reviewers.")
    )
    with transaction.atomic():
        row = locked_round(round_)
        ensure_open(row)
        if not row.assessments.filter(process__pair=pair).exists():
            raise InvalidInput(
                _("The round assesses no process of the pair %(pair)s.") % {"pair": pair},
                errors={"pair": [_("Choose a pair the round assesses.")]},
            )
        if not reviewer.is_active:
            raise InvalidInput(
                _("%(user)s cannot sign in: the account is deactivated.") % {"user": reviewer},
                errors={"reviewer": [_("Choose an active account.")]},
            )
        if permissions.panel_role(reviewer, row.assessments.filter(process__pair=pair).first()):
            raise InvalidInput(
                _("%(user)s sits on the panel of this pair: a peer reviewer comes from outside it.")
                % {"user": reviewer},
                errors={"reviewer": [_("Choose someone outside the pair's panel.")]},
            )
        assignment = ReviewAssignment(round=row, pair=pair, reviewer=reviewer)
        _history(assignment, actor=actor, reason=reason)
        try:
            with transaction.atomic():
                assignment.save()
        except IntegrityError as exc:
            raise InvalidInput(
                _("%(user)s already reviews the pair %(pair)s.") % {"user": reviewer, "pair": pair}
            ) from exc
        reviewer.groups.add(Group.objects.get_or_create(name=permissions.REVIEWER)[0])
        return assignment


def unassign_reviewer(*, actor, assignment: ReviewAssignment, reason: str) -> None:
    """Staff end an assignment; her comments stay, answered or not."""
    reason = required_reason(reason)
    ensure_allowed(
        permissions.can_manage_rounds(actor), _("Only institute staff assign peer reviewers.")
    )
    with transaction.atomic():
        row = locked_round(assignment.round)
        ensure_open(row)
        assignment = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
        _history(assignment, actor=actor, reason=reason)
        assignment.delete()


def add_review_comment(*, actor, assessment: ProcessAssessment, body: str) -> ReviewComment:
    """A peer reviewer's comment on a process of a pair she is assigned, while in review."""
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("A comment cannot be empty."), errors={"body": [_("Required.")]})
    with transaction.atomic():
        assessment = fresh_assessment(assessment)
        ensure_open(assessment.round)
        ensure_allowed(
            permissions.is_assigned_reviewer(actor, assessment),
            _("Only a peer reviewer assigned to this pair comments on it."),
        )
        if assessment.round.status != Round.Status.REVIEW:
            raise InvalidInput(
                _("Peer review comments are taken while the round is in review; it is %(status)s.")
                % {"status": assessment.round.get_status_display()}
            )
        comment = ReviewComment(assessment=assessment, reviewer=actor, body=body)
        _history(comment, actor=actor, reason=_("Peer review comment"))
        comment.save()
        return comment


def answer_review_comment(
    *,
    actor,
    comment: ReviewComment,
    answer: str,
    text: str = "",
    expected_revision: int | None = None,
) -> ReviewComment:
    """The chair (or staff) answers a comment: accepted; changed in response (saying what
    changed); or replied to (saying why not). An answer may be revised until publication."""
    if answer not in ReviewComment.Answer.values:
        raise InvalidInput(_("Choose an answer."), errors={"answer": [_("Required.")]})
    text = (text or "").strip()
    if answer in ANSWER_NEEDS_TEXT and not text:
        raise InvalidInput(
            _("Say what was changed, or why not: this answer needs words."),
            errors={"answer_text": [_("Required.")]},
        )
    with transaction.atomic():
        comment = ReviewComment.objects.select_for_update().get(pk=comment.pk)
        assessment = fresh_assessment(comment.assessment)
        ensure_open(assessment.round)
        if not permissions.can_answer_review(actor, assessment):
            raise NotAllowed(_("Only the pair's chair or staff answer a peer review comment."))
        check_revision(comment, expected_revision, ("answer", "answer_text"))
        comment.answer, comment.answer_text = answer, text
        comment.answered_by, comment.answered_at = actor, timezone.now()
        save_with_history(
            comment,
            actor=actor,
            reason=_("Answered: %(answer)s") % {"answer": ReviewComment.Answer(answer).label},
        )
        return comment


def unanswered_review_comments(round_: Round) -> dict[str, int]:
    """Process title → how many of its peer review comments await the chair's answer."""
    counts: dict[str, int] = {}
    for title in ReviewComment.objects.filter(assessment__round=round_, answer="").values_list(
        "assessment__title", flat=True
    ):
        counts[title] = counts.get(title, 0) + 1
    return counts
