"""Every change to a round's data goes through one of these functions.

Admin, API, imports and management commands call them alike. Each one:
- checks the actor's role (permissions.py) and that the round is not published;
- runs in one transaction, locks the row it changes (select_for_update) and
  compares the revision the caller saw, so that no edit silently overwrites
  another (on SQLite, IMMEDIATE transactions serialise writers instead);
- requires a reason, and records who, when, what and why (django-simple-history);
- raises a DomainError subclass with a translated message, never a bare error.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from simple_history.utils import bulk_create_with_history

from . import names, permissions
from .domain_errors import DomainError, RoundFrozen
from .models import (
    Citation,
    Comment,
    DevelopmentInitiative,
    Dimension,
    ExpertRating,
    JustificationFlag,
    LegalAct,
    LegalActEdition,
    Passage,
    PrintedName,
    ProcessAssessment,
    PublishedFigure,
    Rating,
    Recommendation,
    Round,
    Thread,
)

LANGS = [code for code, _name in settings.LANGUAGES]


class NotAllowed(DomainError):
    code = "not_allowed"


class InvalidInput(DomainError):
    code = "invalid"


class PreconditionRequired(DomainError):
    """An update must say which revision it was based on."""

    code = "precondition_required"


class StaleWrite(DomainError):
    """Someone else changed the row since the caller read it; nothing was written."""

    code = "stale"

    def __init__(self, message: str, *, current: Mapping[str, Any], changed_by: str, changed_at):
        super().__init__(message)
        self.current = dict(current)
        self.changed_by = changed_by
        self.changed_at = changed_at


class PublishBlocked(DomainError):
    code = "publish_blocked"

    def __init__(self, message: str, *, problems: list[str]):
        super().__init__(message, errors={"publish": problems})
        self.problems = problems


# --- helpers ----------------------------------------------------------------


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            _("Say why: a reason is required for every change."),
            errors={"reason": [_("This field is required.")]},
        )
    return reason


def _ensure_open(round_: Round) -> None:
    if round_.is_frozen:
        raise RoundFrozen.of(year=round_.year, version=round_.version)


def _allow(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def _snapshot(obj, fields: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in (*fields, "revision")}


def _last_change(obj) -> tuple[str, Any]:
    record = obj.history.order_by("-history_date").select_related("history_user").first()
    if record is None:
        return "", None
    user = record.history_user
    # Her name where she has one: a username is half of a login, not a name to show.
    return ((user.get_full_name() or str(user)) if user else ""), record.history_date


def _check_revision(obj, expected: int | None, fields: Iterable[str]) -> None:
    if expected is None:
        raise PreconditionRequired(
            _("Say which revision you edited (it is %(revision)s now).")
            % {"revision": obj.revision}
        )
    if int(expected) != obj.revision:
        by, at = _last_change(obj)
        if int(expected) == 0:  # the caller meant to create it (revision 0: no row yet)
            message = _(
                "This exists already (revision %(now)s, last changed by %(by)s). Nothing "
                "was saved: review it, and change it if you still need to."
            )
        else:
            message = _(
                "Someone else changed this since you opened it (now revision %(now)s, "
                "yours %(yours)s; last changed by %(by)s). Nothing was saved: "
                "review their change and try again."
            )
        raise StaleWrite(
            message % {"now": obj.revision, "yours": expected, "by": by or _("an unknown user")},
            current=_snapshot(obj, fields),
            changed_by=by,
            changed_at=at,
        )


def _save(obj, *, actor, reason: str, bump: bool = True, exclude: Iterable[str] = ()) -> None:
    try:
        obj.full_clean(exclude=list(exclude) or None)
    except ValidationError as exc:
        errors = exc.message_dict
        raise InvalidInput(
            "; ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items()),
            errors=errors,
        ) from exc
    if bump and obj.pk:
        obj.revision += 1
    obj._change_reason = reason
    obj._history_user = actor if getattr(actor, "is_authenticated", False) else None
    obj.save()


def _assessment(assessment: ProcessAssessment) -> ProcessAssessment:
    """Re-read the assessment and its round inside the transaction: the round may have moved on."""
    return ProcessAssessment.objects.select_related("round__methodology", "process__pair").get(
        pk=assessment.pk
    )


def _rating_dimension(assessment: ProcessAssessment, dimension: Dimension | str) -> Dimension:
    if isinstance(dimension, Dimension):
        return dimension
    try:
        return assessment.round.methodology.dimensions.get(code=dimension)
    except Dimension.DoesNotExist as exc:
        raise InvalidInput(
            _("Unknown dimension %(code)s.") % {"code": dimension},
            errors={"dimension": [_("Unknown dimension.")]},
        ) from exc


RATING_FIELDS = ("value", *(f"justification_{lang}" for lang in LANGS))

Texts = str | Mapping[str, str] | None


def _set_texts(row, name: str, texts: Texts) -> None:
    """Set a translated field: a plain string is in the active language; a mapping gives
    {language: text} for the languages it names and leaves the others as they are."""
    if texts is None:
        return
    if isinstance(texts, str):
        setattr(row, name, texts)
        return
    unknown = set(texts) - set(LANGS)
    if unknown:
        raise InvalidInput(
            _("Unknown language: %(codes)s.") % {"codes": ", ".join(sorted(unknown))},
            errors={name: [_("Unknown language.")]},
        )
    for lang, text in texts.items():
        setattr(row, f"{name}_{lang}", (text or "").strip())


def _write_rating(
    model,
    lookup: dict,
    *,
    actor,
    value,
    justification: Texts,
    reason,
    expected_revision,
    extra: dict | None = None,
):
    row = model.objects.select_for_update().filter(**lookup).first()
    if row is None:
        row = model(**lookup, value=value, **(extra or {}))
        _set_texts(row, "justification", justification)
        try:
            with transaction.atomic():
                # The uniqueness of (assessment, dimension[, expert]) is left to the database:
                # checked here, a concurrent creator's row would read as bad input (400)
                # instead of the lost race it is (412 with her row, below).
                _save(row, actor=actor, reason=reason, exclude=("dimension",))
        except IntegrityError as exc:
            # Someone created it between our read and our insert.
            current = model.objects.filter(**lookup).first()
            if current is None:
                raise
            by, at = _last_change(current)
            raise StaleWrite(
                _("Someone else rated this at the same moment; nothing was saved."),
                current=_snapshot(current, RATING_FIELDS),
                changed_by=by,
                changed_at=at,
            ) from exc
        return row
    _check_revision(row, expected_revision, RATING_FIELDS)
    row.value = value
    _set_texts(row, "justification", justification)
    for name, v in (extra or {}).items():
        setattr(row, name, v)
    _save(row, actor=actor, reason=reason)
    return row


# --- ratings ------------------------------------------------------------------


def record_expert_rating(
    *,
    actor,
    assessment: ProcessAssessment,
    dimension: Dimension | str,
    value: int,
    justification: Texts = None,
    reason: str,
    expected_revision: int | None = None,
) -> ExpertRating:
    """An expert's own rating of one process on one dimension (created, or changed).

    `justification` is a text in the active language, or {language: text}; languages not
    given keep what they had.
    """
    reason = _reason(reason)
    with transaction.atomic():
        assessment = _assessment(assessment)
        _ensure_open(assessment.round)
        _allow(
            permissions.can_rate(actor, assessment),
            _("Only members of a panel covering this pair may rate it."),
        )
        dimension = _rating_dimension(assessment, dimension)
        return _write_rating(
            ExpertRating,
            {"assessment": assessment, "dimension": dimension, "expert": actor},
            actor=actor,
            value=value,
            justification=justification,
            reason=reason,
            expected_revision=expected_revision,
        )


def set_consensus(
    *,
    actor,
    assessment: ProcessAssessment,
    dimension: Dimension | str,
    value: int,
    justification: Texts = None,
    reason: str,
    expected_revision: int | None = None,
) -> Rating:
    """The panel's rating, the one that is scored; set by its chair with its own justification
    (a text in the active language, or {language: text})."""
    reason = _reason(reason)
    with transaction.atomic():
        assessment = _assessment(assessment)
        _ensure_open(assessment.round)
        _allow(
            permissions.can_set_consensus(actor, assessment),
            _("Only the panel's chair sets the consensus rating."),
        )
        dimension = _rating_dimension(assessment, dimension)
        return _write_rating(
            Rating,
            {"assessment": assessment, "dimension": dimension},
            actor=actor,
            value=value,
            justification=justification,
            reason=reason,
            expected_revision=expected_revision,
            extra={"carried_over": False},
        )


def restore_rating(*, actor, rating: Rating, history_id: int, reason: str) -> Rating:
    """Put back an earlier value of a consensus rating; the restore is itself a recorded change."""
    record = rating.history.filter(history_id=history_id).first()
    if record is None:
        raise InvalidInput(_("That version is not in this rating's history."))
    return set_consensus(
        actor=actor,
        assessment=rating.assessment,
        dimension=rating.dimension,
        value=record.value,
        justification={lang: getattr(record, f"justification_{lang}") or "" for lang in LANGS},
        reason=_("Restored the version of %(date)s: %(reason)s")
        % {
            # Local time, as the history beside it shows it (not UTC).
            "date": timezone.localtime(record.history_date).strftime("%Y-%m-%d %H:%M"),
            "reason": _reason(reason),
        },
        expected_revision=Rating.objects.get(pk=rating.pk).revision,
    )


def confirm_ratings(
    *,
    actor,
    ratings: Iterable[Rating],
    reason: str,
    expected_revisions: Mapping[int, int] | None = None,
) -> list[Rating]:
    """Confirm carried-over consensus ratings as re-examined, all with one reason.

    The value and justification stay; `carried_over` goes to False and each rating gets
    its own history entry (who, when, this reason). All or nothing: one rating the actor
    may not confirm, one in a published round, or one changed since the caller read it
    (`expected_revisions`: {rating id: revision seen}) refuses the whole selection. A
    caller that reads and confirms in one go (the command) passes no revisions: what is
    locked here is what gets confirmed. Ratings already confirmed are left as they are.
    """
    reason = _reason(reason)
    ids = sorted({r.pk for r in ratings})
    if not ids:
        raise InvalidInput(
            _("Choose at least one rating to confirm."), errors={"ratings": [_("Required.")]}
        )
    with transaction.atomic():
        # Locked in id order, so two bulk confirms of overlapping selections cannot deadlock.
        rows = list(
            Rating.objects.select_for_update(of=("self",))
            .filter(pk__in=ids)
            .select_related("assessment__round__methodology", "assessment__process", "dimension")
            .order_by("pk")
        )
        if len(rows) != len(ids):
            raise InvalidInput(_("Some of the chosen ratings no longer exist; nothing was saved."))
        for round_ in {r.assessment.round_id: r.assessment.round for r in rows}.values():
            _ensure_open(round_)
        allowed: dict[int, bool] = {}
        for row in rows:
            a = row.assessment
            if a.pk not in allowed:
                allowed[a.pk] = permissions.can_set_consensus(actor, a)
            _allow(
                allowed[a.pk],
                _(
                    "Only the chair of a panel covering %(process)s may confirm its ratings; "
                    "nothing was saved."
                )
                % {"process": a.title},
            )
            if expected_revisions is not None:
                if row.pk not in expected_revisions:
                    raise PreconditionRequired(
                        _("Say which revision of each rating you confirm; nothing was saved.")
                    )
                try:
                    _check_revision(row, expected_revisions[row.pk], RATING_FIELDS)
                except StaleWrite as exc:
                    exc.message = f"{a.title}, {row.dimension}: {exc.message}"
                    exc.args = (exc.message,)
                    raise
        confirmed = []
        for row in rows:
            if not row.carried_over:
                continue
            row.carried_over = False
            _save(row, actor=actor, reason=reason)
            confirmed.append(row)
        return confirmed


def rating_disagreements(assessment_ids: Iterable[int]) -> dict[tuple[int, int], dict[int, int]]:
    """(assessment, dimension) → {value: how many experts}, where experts rated differently."""
    counts: dict[tuple[int, int], dict[int, int]] = {}
    rows = (
        ExpertRating.objects.filter(assessment_id__in=list(assessment_ids))
        .values("assessment_id", "dimension_id", "value")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts.setdefault((row["assessment_id"], row["dimension_id"]), {})[row["value"]] = row["n"]
    return {key: values for key, values in counts.items() if len(values) > 1}


# --- the assessment's text and evidence ---------------------------------------

ASSESSMENT_FIELDS = ["verdict"] + [
    f"{name}_{lang}" for name in ("title", "verdict_text", "justification") for lang in LANGS
]


def update_assessment(
    *,
    actor,
    assessment: ProcessAssessment,
    changes: Mapping[str, Any],
    reason: str,
    expected_revision: int | None,
) -> ProcessAssessment:
    """Change the verdict, its wording, the justification or the title of a process assessment."""
    reason = _reason(reason)
    unknown = set(changes) - set(ASSESSMENT_FIELDS)
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed here: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        row = ProcessAssessment.objects.select_for_update().get(pk=assessment.pk)
        row = _assessment(row)
        _ensure_open(row.round)
        _allow(
            permissions.can_edit_assessment(actor, row),
            _("Only the panel's chair may change the verdict and justification."),
        )
        _check_revision(row, expected_revision, ASSESSMENT_FIELDS)
        for name, value in changes.items():
            setattr(row, name, value)
        _save(row, actor=actor, reason=reason)
        return row


CITATION_FIELDS = ["act", "edition", "article", "part", "dimension", "needs_reverification"] + [
    f"note_{lang}" for lang in LANGS
]


def add_citation(
    *,
    actor,
    assessment: ProcessAssessment,
    act: LegalAct,
    reason: str,
    edition: LegalActEdition | None = None,
    article: str = "",
    part: str = "",
    dimension: Dimension | None = None,
    note: Mapping[str, str] | None = None,
) -> Citation:
    reason = _reason(reason)
    with transaction.atomic():
        assessment = _assessment(assessment)
        _ensure_open(assessment.round)
        _allow(
            permissions.can_add_evidence(actor, assessment),
            _("Only members of a panel covering this pair may add evidence."),
        )
        citation = Citation(
            assessment=assessment,
            act=act,
            edition=edition,
            article=article,
            part=part,
            dimension=dimension,
            position=assessment.citations.count() + 1,
            **{f"note_{lang}": (note or {}).get(lang, "") for lang in LANGS},
        )
        _save(citation, actor=actor, reason=reason)
        return citation


def update_citation(
    *,
    actor,
    citation: Citation,
    changes: Mapping[str, Any],
    reason: str,
    expected_revision: int | None,
) -> Citation:
    """Change a citation; saving it with needs_reverification=False records that it was checked."""
    reason = _reason(reason)
    unknown = set(changes) - set(CITATION_FIELDS)
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed here: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        row = Citation.objects.select_for_update().get(pk=citation.pk)
        assessment = _assessment(row.assessment)
        _ensure_open(assessment.round)
        _allow(
            permissions.can_edit_assessment(actor, assessment),
            _("Only the panel's chair may change a citation."),
        )
        _check_revision(row, expected_revision, CITATION_FIELDS)
        for name, value in changes.items():
            setattr(row, name, value)
        _save(row, actor=actor, reason=reason)
        return row


def remove_citation(
    *, actor, citation: Citation, reason: str, expected_revision: int | None
) -> None:
    reason = _reason(reason)
    with transaction.atomic():
        row = Citation.objects.select_for_update().get(pk=citation.pk)
        assessment = _assessment(row.assessment)
        _ensure_open(assessment.round)
        _allow(
            permissions.can_edit_assessment(actor, assessment),
            _("Only the panel's chair may remove a citation."),
        )
        _check_revision(row, expected_revision, CITATION_FIELDS)
        row._change_reason = reason
        row._history_user = actor
        row.delete()


# --- discussion -----------------------------------------------------------------


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
        assessment = _assessment(assessment)
        _ensure_open(assessment.round)
        _allow(
            permissions.can_discuss(actor, assessment),
            _("Only panel members and staff take part in the discussion."),
        )
        if dimension is not None:
            dimension = _rating_dimension(assessment, dimension)
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
        assessment = _assessment(thread.assessment)
        _ensure_open(assessment.round)
        _allow(
            permissions.can_discuss(actor, assessment),
            _("Only panel members and staff take part in the discussion."),
        )
        if parent is not None and parent.thread_id != thread.pk:
            raise InvalidInput(_("The comment replied to is in another thread."))
        return Comment.objects.create(thread=thread, parent=parent, author=actor, body=body)


def resolve_thread(*, actor, thread: Thread, resolved: bool = True) -> Thread:
    with transaction.atomic():
        thread = Thread.objects.select_for_update().select_related("assessment").get(pk=thread.pk)
        assessment = _assessment(thread.assessment)
        _ensure_open(assessment.round)
        _allow(
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


# --- the round's lifecycle ---------------------------------------------------------

TRANSITIONS = {
    Round.Status.DRAFT: {Round.Status.OPEN},
    Round.Status.OPEN: {Round.Status.DRAFT, Round.Status.REVIEW},
    Round.Status.REVIEW: {Round.Status.OPEN},
}


def _locked_round(round_: Round) -> Round:
    return Round.objects.select_for_update().select_related("methodology").get(pk=round_.pk)


def _round_save(round_: Round, *, actor, reason: str, fields: list[str]) -> None:
    round_.revision += 1
    round_._change_reason = reason
    round_._history_user = actor
    round_.save(update_fields=[*fields, "revision", "updated_at"])


def transition_round(*, actor, round_: Round, to: str, reason: str) -> Round:
    """draft → open for rating → in review (and back a step). Publishing is publish_round."""
    reason = _reason(reason)
    _allow(permissions.can_manage_rounds(actor), _("Only institute staff move a round along."))
    with transaction.atomic():
        row = _locked_round(round_)
        _ensure_open(row)
        if to not in TRANSITIONS.get(row.status, set()):
            raise InvalidInput(
                _("A round cannot go from %(from)s to %(to)s.")
                % {"from": row.get_status_display(), "to": Round.Status(to).label}
            )
        row.status = to
        _round_save(row, actor=actor, reason=reason, fields=["status"])
        return row


ROUND_TEXTS = ("title", "summary", "changelog")


def update_round(
    *,
    actor,
    round_: Round,
    texts: Mapping[str, Texts],
    reason: str,
    expected_revision: int | None,
) -> Round:
    """Change a round's title, summary or changelog (staff), before it is published: the
    changelog of errata says what they correct, and publishing them needs it."""
    reason = _reason(reason)
    unknown = set(texts) - set(ROUND_TEXTS)
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed here: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))}
        )
    _allow(permissions.can_manage_rounds(actor), _("Only institute staff change a round."))
    with transaction.atomic():
        row = _locked_round(round_)
        _ensure_open(row)
        _check_revision(
            row, expected_revision, [f"{n}_{lang}" for n in ROUND_TEXTS for lang in LANGS]
        )
        for name, value in texts.items():
            _set_texts(row, name, value)
        fields = [field for name in texts for field in (name, *(f"{name}_{ln}" for ln in LANGS))]
        _round_save(row, actor=actor, reason=reason, fields=fields)
        return row


def scrutiny_problems(round_: Round) -> list[str]:
    """Peer review comments the chair has not answered (peer_review.py), and reply windows
    still open to the rated body (replies.py)."""
    from .peer_review import unanswered_review_comments
    from .replies import deadline_text, open_windows

    return [
        *(
            _("%(process)s: %(n)s peer review comment(s) await the chair's answer.")
            % {"process": title, "n": n}
            for title, n in unanswered_review_comments(round_).items()
        ),
        *(
            _(
                "%(pair)s: the reply window is open until %(deadline)s; wait for it, or close "
                "it early."
            )
            % {"pair": w.pair.name, "deadline": deadline_text(w)}
            for w in open_windows(round_)
        ),
    ]


@dataclass(frozen=True)
class Blocker:
    """One thing that stands in the way of publishing, said in words, with where it is."""

    kind: str  # "empty", "carried", "missing", "thread" or "scrutiny" (review, reply)
    message: str
    assessment_id: int | None = None
    dimension_id: int | None = None
    thread_id: int | None = None


def publication_checklist(round_: Round) -> list[Blocker]:
    """Every blocker of publishing a round, in the order of the study: per process its
    carried-over ratings and missing ones, then each open discussion thread."""
    dimensions = list(round_.methodology.dimensions.all())
    assessments = list(
        ProcessAssessment.objects.for_round(round_)
        .select_related("process__pair")
        .prefetch_related("ratings")
        .order_by("process__pair__position", "position", "pk")
    )
    if not assessments:
        return [Blocker("empty", _("The round has no processes."))]
    blockers = []
    for a in assessments:
        ratings = {r.dimension_id: r for r in a.ratings.all()}
        carried = [d for d in dimensions if d.pk in ratings and ratings[d.pk].carried_over]
        missing = [d for d in dimensions if d.pk not in ratings]
        if carried:
            blockers.append(
                Blocker(
                    "carried",
                    ngettext(
                        "%(process)s: %(n)s rating carried over and not re-examined.",
                        "%(process)s: %(n)s ratings carried over and not re-examined.",
                        len(carried),
                    )
                    % {"process": a.title, "n": len(carried)},
                    assessment_id=a.pk,
                    dimension_id=carried[0].pk,
                )
            )
        if missing:
            blockers.append(
                Blocker(
                    "missing",
                    _("%(process)s: no consensus rating on %(dimensions)s.")
                    % {"process": a.title, "dimensions": ", ".join(d.name for d in missing)},
                    assessment_id=a.pk,
                    dimension_id=missing[0].pk,
                )
            )
    threads = (
        Thread.objects.filter(assessment__round=round_, status=Thread.Status.OPEN)
        .select_related("assessment")
        .order_by("created_at", "pk")
    )
    for t in threads:
        blockers.append(
            Blocker(
                "thread",
                _("Open discussion on %(process)s: “%(title)s”.")
                % {"process": t.assessment.title, "title": t.title},
                assessment_id=t.assessment_id,
                dimension_id=t.dimension_id,
                thread_id=t.pk,
            )
        )
    blockers.extend(Blocker("scrutiny", message) for message in scrutiny_problems(round_))
    return blockers


def publication_problems(round_: Round) -> tuple[list[str], int]:
    """What stands in the way of publishing: missing or unconfirmed ratings, in words; and
    how many discussion threads are open (staff may publish over them)."""
    checklist = publication_checklist(round_)
    problems = [b.message for b in checklist if b.kind != "thread"]
    return problems, sum(1 for b in checklist if b.kind == "thread")


def publish_round(
    *,
    actor,
    round_: Round,
    reason: str,
    override_open_threads: bool = False,
) -> Round:
    """Publish a round (or its errata, which then supersede the version they correct).

    Checks: every process has a confirmed consensus rating on every dimension;
    no open discussion thread unless staff override it (the override is recorded).
    """
    reason = _reason(reason)
    _allow(permissions.can_manage_rounds(actor), _("Only institute staff publish a round."))
    with transaction.atomic():
        row = _locked_round(round_)
        _ensure_open(row)
        problems, open_threads = publication_problems(row)
        if open_threads and not override_open_threads:
            problems.append(
                _(
                    "%(n)s discussion thread(s) are still open: close them, or publish with "
                    "the override."
                )
                % {"n": open_threads}
            )
        if row.corrects_id and not (row.changelog or "").strip():
            problems.append(_("Errata need a changelog saying what was corrected."))
        if problems:
            raise PublishBlocked(_("The round cannot be published yet."), problems=problems)
        if open_threads:
            reason = (
                f"{reason} [" + _("published over %(n)s open thread(s)") % {"n": open_threads} + "]"
            )
        if row.corrects_id:
            corrected = _locked_round(row.corrects)
            if corrected.status == Round.Status.PUBLISHED:
                corrected.status = Round.Status.SUPERSEDED
                _round_save(
                    corrected,
                    actor=actor,
                    reason=_("Superseded by version %(v)s: %(r)s")
                    % {"v": row.version, "r": reason},
                    fields=["status"],
                )
        # The names it prints, as they read now: later corrections reach it only by errata.
        texts = names.current_texts()
        fields = ["status", "published_at"]
        if row.corrects_id and _note_renamings(row, texts):
            fields += [f"changelog_{lang}" for lang in LANGS]
        names.capture(row, texts)
        row.status = Round.Status.PUBLISHED
        row.published_at = timezone.now()
        _round_save(row, actor=actor, reason=reason, fields=fields)
        return row


def _note_renamings(row: Round, texts: names.Snapshot) -> bool:
    """Errata say which names they correct: each changed name, old → new, at the end of the
    changelog in every language. False when no name changed since the corrected version."""
    noted = False
    for lang in LANGS:
        with translation.override(lang):
            lines = names.naming_changes(row.corrects, texts)
            if not lines:
                continue
            heading = _("Names corrected since version %(v)s:") % {"v": row.corrects.version}
            current = (getattr(row, f"changelog_{lang}") or "").rstrip()
            text = "\n".join([heading, *(f"- {line}" for line in lines)])
            setattr(row, f"changelog_{lang}", f"{current}\n\n{text}" if current else text)
            noted = True
    return noted


def _copy_round(source: Round, target: Round, *, actor, reason: str, carried_over: bool) -> None:
    """Copy the structure, consensus ratings and evidence of `source` into `target`."""
    assessments = list(
        ProcessAssessment.objects.for_round(source).prefetch_related("ratings", "citations")
    )
    copies = []
    for a in assessments:
        copy = ProcessAssessment(
            round=target,
            process_id=a.process_id,
            position=a.position,
            verdict=a.verdict,
            **{
                f"{name}_{lang}": getattr(a, f"{name}_{lang}")
                for name in ("title", "verdict_text", "justification")
                for lang in LANGS
            },
        )
        copies.append(copy)
    copies = bulk_create_with_history(
        copies, ProcessAssessment, default_user=actor, default_change_reason=reason
    )
    by_process = {c.process_id: c for c in ProcessAssessment.objects.for_round(target)}
    ratings, citations = [], []
    for a in assessments:
        copy = by_process[a.process_id]
        for r in a.ratings.all():
            ratings.append(
                Rating(
                    assessment=copy,
                    dimension_id=r.dimension_id,
                    value=r.value,
                    carried_over=carried_over,
                    **{
                        f"justification_{lang}": getattr(r, f"justification_{lang}")
                        for lang in LANGS
                    },
                )
            )
        for c in a.citations.all():
            citations.append(
                Citation(
                    assessment=copy,
                    act_id=c.act_id,
                    edition_id=c.edition_id,
                    article=c.article,
                    part=c.part,
                    dimension_id=c.dimension_id,
                    position=c.position,
                    needs_reverification=carried_over or c.needs_reverification,
                    **{f"note_{lang}": getattr(c, f"note_{lang}") for lang in LANGS},
                )
            )
    bulk_create_with_history(ratings, Rating, default_user=actor, default_change_reason=reason)
    bulk_create_with_history(citations, Citation, default_user=actor, default_change_reason=reason)


def _in_every_language(field: str, message, **values) -> dict[str, str]:
    """A translated message as the field's value in each language: {field_ky: ..., ...}."""
    texts = {}
    for lang in LANGS:
        with translation.override(lang):
            texts[f"{field}_{lang}"] = str(message) % values
    return texts


def start_next_round(
    *,
    actor,
    source: Round,
    year: int,
    reason: str,
    title: Mapping[str, str] | None = None,
) -> Round:
    """Next year's round from a published one: its structure, and its consensus ratings as
    proposals marked "carried over, not re-examined"; citations to re-verify."""
    reason = _reason(reason)
    _allow(permissions.can_manage_rounds(actor), _("Only institute staff start a round."))
    source = Round.objects.select_related("methodology").get(pk=source.pk)
    if not source.is_frozen:
        raise InvalidInput(_("A new round starts from a published one."))
    if year <= source.year:
        raise InvalidInput(
            _("The new round's year must come after %(year)s.") % {"year": source.year},
            errors={"year": [_("Too early.")]},
        )
    with transaction.atomic():
        if Round.objects.filter(year=year).exists():
            raise InvalidInput(
                _("A round for %(year)s exists already.") % {"year": year},
                errors={"year": [_("Taken.")]},
            )
        titles = dict(title or {})
        new = Round(
            year=year,
            version=1,
            methodology=source.methodology,
            previous=source,
            status=Round.Status.DRAFT,
            **_in_every_language(
                "source", gettext_lazy("Started from round %(year)s."), year=source.year
            ),
            **{
                f"title_{lang}": titles.get(lang)
                or (getattr(source, f"title_{lang}") or "").replace(str(source.year), str(year))
                for lang in LANGS
            },
        )
        _save(new, actor=actor, reason=reason, bump=False)
        _copy_round(source, new, actor=actor, reason=reason, carried_over=True)
        return new


def start_errata(*, actor, round_: Round, reason: str) -> Round:
    """A correctable copy of a published round: its next version, to be published as errata."""
    reason = _reason(reason)
    _allow(permissions.can_manage_rounds(actor), _("Only institute staff issue errata."))
    with transaction.atomic():
        source = _locked_round(round_)
        if source.status != Round.Status.PUBLISHED:
            raise InvalidInput(_("Errata correct the current published version of a round."))
        if Round.objects.filter(corrects=source).exclude(status__in=Round.FROZEN_STATUSES).exists():
            raise InvalidInput(_("Errata to this version are already being prepared."))
        version = (Round.objects.filter(year=source.year).order_by("-version").first().version) + 1
        new = Round(
            year=source.year,
            version=version,
            methodology=source.methodology,
            previous=source.previous,
            corrects=source,
            status=Round.Status.REVIEW,
            **{
                f"{name}_{lang}": getattr(source, f"{name}_{lang}")
                for name in ("title", "summary", "source")
                for lang in LANGS
            },
        )
        _save(new, actor=actor, reason=reason, bump=False)
        _copy_round(source, new, actor=actor, reason=reason, carried_over=False)
        for model in (DevelopmentInitiative, PublishedFigure, Passage):
            rows = list(model.objects.filter(round=source))
            for row in rows:
                row.pk = None
                row.round = new
            model.objects.bulk_create(rows)
        _copy_publication(source, new)
        return new


def _copy_publication(source: Round, target: Round) -> None:
    """Errata correct the same publication: its recommendations (with the observers they
    concern), the names as each place printed them, and the flags on its justifications."""
    for rec in Recommendation.objects.filter(round=source).prefetch_related("subjects"):
        subjects = list(rec.subjects.all())
        rec.pk, rec.round = None, target
        rec._prefetched_objects_cache = {}  # else the copy would seem to have them already
        rec.save()
        rec.subjects.add(*subjects)
    assessment_of = dict(
        ProcessAssessment.objects.for_round(target).values_list("process_id", "pk")
    )
    names = list(PrintedName.objects.filter(round=source).select_related("assessment"))
    for name in names:
        name.pk, name.round = None, target
        if name.assessment_id:
            name.assessment_id = assessment_of[name.assessment.process_id]
    PrintedName.objects.bulk_create(names)
    flags = list(
        JustificationFlag.objects.filter(assessment__round=source).select_related("assessment")
    )
    for flag in flags:
        flag.pk = None
        flag.assessment_id = assessment_of[flag.assessment.process_id]
    JustificationFlag.objects.bulk_create(flags)


def superseded_editions_before(year: int) -> Q:
    """Citations whose edition was replaced before `year` began (for filters and reports)."""
    return Q(edition__valid_until__lt=datetime.date(year, 1, 1))
