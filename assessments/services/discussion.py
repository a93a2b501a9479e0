"""Discussion threads on an assessment: started, replied to, closed."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..models import (
    Comment,
    Dimension,
    ProcessAssessment,
    Thread,
)
from .base import (
    InvalidInput,
    ensure_allowed,
    ensure_open,
    fresh_assessment,
    rating_dimension,
)


def start_thread(
    *,
    actor,
    assessment: ProcessAssessment,
    body: str,
    title: str = "",
    dimension: Dimension | str | None = None,
) -> Thread:
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("A comment cannot be empty."), errors={"body": [_("Required.")]})
    with transaction.atomic():
        assessment = fresh_assessment(assessment)
        ensure_open(assessment.round)
        ensure_allowed(
            permissions.can_discuss(actor, assessment),
            _("Only panel members and staff take part in the discussion."),
        )
        if dimension is not None:
            dimension = rating_dimension(assessment, dimension)
        thread = Thread.objects.create(
            assessment=assessment,
            dimension=dimension,
            title=(title or body)[:200],
            created_by=actor,
        )
        Comment.objects.create(thread=thread, author=actor, body=body)
        return thread


def reply(*, actor, thread: Thread, body: str, parent: Comment | None = None) -> Comment:
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("A comment cannot be empty."), errors={"body": [_("Required.")]})
    with transaction.atomic():
        thread = Thread.objects.select_for_update().get(pk=thread.pk)
        assessment = fresh_assessment(thread.assessment)
        ensure_open(assessment.round)
        ensure_allowed(
            permissions.can_discuss(actor, assessment),
            _("Only panel members and staff take part in the discussion."),
        )
        if parent is not None and parent.thread_id != thread.pk:
            raise InvalidInput(_("The comment replied to is in another thread."))
        return Comment.objects.create(thread=thread, parent=parent, author=actor, body=body)


def resolve_thread(*, actor, thread: Thread, resolved: bool = True) -> Thread:
    with transaction.atomic():
        thread = Thread.objects.select_for_update().select_related("assessment").get(pk=thread.pk)
        assessment = fresh_assessment(thread.assessment)
        ensure_open(assessment.round)
        ensure_allowed(
            permissions.can_resolve(actor, thread),
            _("Only the chair, staff or whoever started the thread may close it."),
        )
        if resolved:
            thread.status, thread.resolved_by, thread.resolved_at = (
                Thread.Status.RESOLVED,
                actor,
                timezone.now(),
            )
        else:
            thread.status, thread.resolved_by, thread.resolved_at = Thread.Status.OPEN, None, None
        thread.save(update_fields=["status", "resolved_by", "resolved_at"])
        return thread
