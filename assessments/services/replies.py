"""The right of reply: one function per change (base.py's rules: role, freeze, history).

Staff open a reply window for a pair of a round in work, naming the rated body's
representative and a deadline; she submits replies, on the pair or one of its
processes, in Kyrgyz, Russian or English, until the deadline (after it: refused, the
deadline named); staff may close a window early. A round is not published while a
window is open (services.publication_problems). Published, the replies stand beside
the findings they answer, marked as the body's own words; a window that received none
is published as a missed deadline.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..models import Pair, ProcessAssessment, Reply, ReplyWindow, Round
from .base import InvalidInput, ensure_allowed, ensure_open, locked_round, required_reason

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _history(row, *, actor, reason: str) -> None:
    row._change_reason = reason
    row._history_user = actor


def deadline_text(window: ReplyWindow) -> str:
    """The deadline as a reader of the active language reads a date and time."""
    return formats.date_format(timezone.localtime(window.deadline), "DATETIME_FORMAT")


def open_reply_window(
    *,
    actor,
    round_: Round,
    pair: Pair,
    respondent,
    deadline: datetime.datetime,
    reason: str,
) -> ReplyWindow:
    """Staff invite the rated body's representative to answer a pair's draft findings."""
    reason = required_reason(reason)
    ensure_allowed(
        permissions.can_manage_rounds(actor), _("Only institute staff open a reply window.")
    )
    if deadline <= timezone.now():
        raise InvalidInput(
            _("The deadline must be in the future."),
            errors={"deadline": [_("Give a date and time to come.")]},
        )
    with transaction.atomic():
        row = locked_round(round_)
        ensure_open(row)
        # The body answers the panel's findings, so they must be there: the round is in
        # review (draft → open → review → published).
        if row.status != Round.Status.REVIEW:
            raise InvalidInput(
                _("A reply window opens once the round is in review; it is %(status)s.")
                % {"status": row.get_status_display()}
            )
        first = row.assessments.filter(process__pair=pair).select_related("process").first()
        if first is None:
            raise InvalidInput(
                _("The round assesses no process of the pair %(pair)s.") % {"pair": pair},
                errors={"pair": [_("Choose a pair the round assesses.")]},
            )
        if not respondent.is_active:
            raise InvalidInput(
                _("%(user)s cannot sign in: the account is deactivated.") % {"user": respondent},
                errors={"respondent": [_("Choose an active account.")]},
            )
        if permissions.panel_role(respondent, first) or permissions.is_staff_member(respondent):
            raise InvalidInput(
                _("%(user)s works on the assessment: the body's representative comes from outside.")
                % {"user": respondent},
                errors={"respondent": [_("Choose the rated body's representative.")]},
            )
        window = ReplyWindow(round=row, pair=pair, respondent=respondent, deadline=deadline)
        _history(window, actor=actor, reason=reason)
        try:
            with transaction.atomic():
                window.save()
        except IntegrityError as exc:
            raise InvalidInput(
                _("This pair already has a reply window in this round."),
                errors={"pair": [_("Choose another pair.")]},
            ) from exc
        respondent.groups.add(Group.objects.get_or_create(name=permissions.RESPONDENT)[0])
        return window


def close_reply_window(*, actor, window: ReplyWindow, reason: str) -> ReplyWindow:
    """Staff close a window before its deadline (the body has said what it wanted to)."""
    reason = required_reason(reason)
    ensure_allowed(
        permissions.can_manage_rounds(actor), _("Only institute staff close a reply window.")
    )
    with transaction.atomic():
        row = locked_round(window.round)
        ensure_open(row)
        window = ReplyWindow.objects.select_for_update().get(pk=window.pk)
        if window.closed_at is None:
            window.closed_at = timezone.now()
            _history(window, actor=actor, reason=reason)
            window.save(update_fields=["closed_at"])
        return window


def submit_reply(
    *,
    actor,
    window: ReplyWindow,
    body: str,
    language: str,
    assessment: ProcessAssessment | None = None,
) -> Reply:
    """The representative's reply, before the deadline; after it, refused with the deadline."""
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("A reply cannot be empty."), errors={"body": [_("Required.")]})
    if language not in LANGUAGES:
        raise InvalidInput(
            _("Choose the language the reply is written in."),
            errors={"language": [_("Required.")]},
        )
    with transaction.atomic():
        window = ReplyWindow.objects.select_for_update().select_related("round").get(pk=window.pk)
        ensure_open(window.round)
        ensure_allowed(
            permissions.can_reply(actor, window),
            _("Only the representative the window names replies for the body."),
        )
        if not window.is_open(timezone.now()):
            raise InvalidInput(
                _("The deadline for replies was %(deadline)s; replies are no longer taken.")
                % {"deadline": deadline_text(window)}
                if window.closed_at is None
                else _("The reply window was closed on %(date)s; replies are no longer taken.")
                % {"date": formats.date_format(timezone.localtime(window.closed_at))}
            )
        if assessment is not None and not (
            assessment.round_id == window.round_id and assessment.process.pair_id == window.pair_id
        ):
            raise InvalidInput(
                _("The process is not one of this pair's."),
                errors={"assessment": [_("Choose a process of the pair.")]},
            )
        reply = Reply(
            window=window, assessment=assessment, language=language, body=body, author=actor
        )
        _history(reply, actor=actor, reason=_("The body's reply"))
        reply.save()
        return reply


def open_windows(round_: Round) -> list[ReplyWindow]:
    """Windows still taking replies: the round waits for them before it is published."""
    now = timezone.now()
    windows = ReplyWindow.objects.filter(round=round_).select_related("pair")
    return [w for w in windows if w.is_open(now)]
