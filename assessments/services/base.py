"""What every change shares: the errors it raises and the guards it runs (the actor's
role, the round still open, the revision the caller saw, a reason), and the save that
records who, when and why."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..domain_errors import DomainError, RoundFrozen
from ..models import (
    Dimension,
    ProcessAssessment,
    Round,
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


def required_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            _("Say why: a reason is required for every change."),
            errors={"reason": [_("This field is required.")]},
        )
    return reason


def ensure_open(round_: Round) -> None:
    if round_.is_frozen:
        raise RoundFrozen.of(year=round_.year, version=round_.version)


def ensure_allowed(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def ensure_known_fields(changes: Iterable[str], allowed: Iterable[str]) -> None:
    """A change names only the fields its service may write (a typo is not ignored)."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed here: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))}
        )


def snapshot(obj, fields: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in (*fields, "revision")}


def last_change(obj) -> tuple[str, Any]:
    record = obj.history.order_by("-history_date").select_related("history_user").first()
    if record is None:
        return "", None
    user = record.history_user
    # Her name where she has one: a username is half of a login, not a name to show.
    return ((user.get_full_name() or str(user)) if user else ""), record.history_date


def check_revision(obj, expected: int | None, fields: Iterable[str]) -> None:
    if expected is None:
        raise PreconditionRequired(
            _("Say which revision you edited (it is %(revision)s now).")
            % {"revision": obj.revision}
        )
    if int(expected) != obj.revision:
        by, at = last_change(obj)
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
            current=snapshot(obj, fields),
            changed_by=by,
            changed_at=at,
        )


def save_with_history(
    obj, *, actor, reason: str, bump: bool = True, exclude: Iterable[str] = ()
) -> None:
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


def fresh_assessment(assessment: ProcessAssessment) -> ProcessAssessment:
    """Re-read the assessment and its round inside the transaction: the round may have moved on."""
    return ProcessAssessment.objects.select_related("round__methodology", "process__pair").get(
        pk=assessment.pk
    )


def rating_dimension(assessment: ProcessAssessment, dimension: Dimension | str) -> Dimension:
    if isinstance(dimension, Dimension):
        return dimension
    try:
        return assessment.round.methodology.dimensions.get(code=dimension)
    except Dimension.DoesNotExist as exc:
        raise InvalidInput(
            _("Unknown dimension %(code)s.") % {"code": dimension},
            errors={"dimension": [_("Unknown dimension.")]},
        ) from exc


Texts = str | Mapping[str, str] | None


def set_texts(row, name: str, texts: Texts) -> None:
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


def locked_round(round_: Round) -> Round:
    return Round.objects.select_for_update().select_related("methodology").get(pk=round_.pk)


def save_round(round_: Round, *, actor, reason: str, fields: list[str]) -> None:
    round_.revision += 1
    round_._change_reason = reason
    round_._history_user = actor
    round_.save(update_fields=[*fields, "revision", "updated_at"])
