"""Many consensus ratings of one round in one go: the rules of services.set_consensus, at
the cost of a few queries for the lot instead of about eighteen a rating.

What set_consensus checks for one rating is checked here for every one, in bulk: the
round is open (read under one lock on the round, so it cannot be published half
written), the actor is the chair of a panel covering each pair (or staff), every value
lies on the methodology's scale on one of its dimensions, and every existing rating is
still at the revision the caller read (the ratings are read locked, in one query). Then
new ratings are inserted and changed ones updated in bulk, each with its revision bumped,
and each change gets its history row with its own reason and the actor (simple-history's
bulk helpers: `save()` is not called, so the history is written here, explicitly).

If any rating is refused, nothing is written and `BulkRefused` lists every refusal by the
caller's index, so that an import can report each row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from .. import permissions
from ..models import Dimension, ProcessAssessment, Rating, Round, validate_rating
from .base import (
    LANGS,
    DomainError,
    InvalidInput,
    NotAllowed,
    check_revision,
    ensure_open,
    required_reason,
)
from .ratings import RATING_FIELDS

BATCH_SIZE = 500


@dataclass
class ConsensusWrite:
    """One consensus rating to create or change. `texts`: {language: justification} for the
    languages that change (the others keep theirs)."""

    assessment: ProcessAssessment
    dimension: Dimension
    value: int
    reason: str
    expected_revision: int | None = None
    texts: dict[str, str] = field(default_factory=dict)


class BulkRefused(DomainError):
    """Some ratings were refused; nothing was written. `refusals`: [(index, error)]."""

    def __init__(self, refusals: list[tuple[int, DomainError]]) -> None:
        super().__init__(refusals[0][1].message)
        self.refusals = refusals


def set_consensus_many(*, actor, round_: Round, writes: Sequence[ConsensusWrite]) -> list[Rating]:
    """Create or change the consensus ratings of `writes`, all in `round_`: all or none."""
    with transaction.atomic():
        locked = Round.objects.select_for_update().select_related("methodology").get(pk=round_.pk)
        ensure_open(locked)
        refusals: list[tuple[int, DomainError]] = []
        allowed: dict[int, bool] = {}
        assessment_ids = {w.assessment.pk for w in writes}
        current = {
            (r.assessment_id, r.dimension_id): r
            for r in Rating.objects.select_for_update()
            .filter(assessment_id__in=assessment_ids)
            .order_by("pk")
        }
        created: list[Rating] = []
        changed: list[Rating] = []
        seen: set[tuple[int, int]] = set()
        for index, write in enumerate(writes):
            try:
                rating = _apply(actor, locked, write, current, allowed, seen)
            except DomainError as exc:
                refusals.append((index, exc))
                continue
            (changed if rating.pk else created).append(rating)
        if refusals:
            raise BulkRefused(refusals)
        user = actor if getattr(actor, "is_authenticated", False) else None
        try:
            with transaction.atomic():
                if created:
                    bulk_create_with_history(
                        created, Rating, batch_size=BATCH_SIZE, default_user=user
                    )
        except IntegrityError as exc:
            # Someone created one of them between our read and our insert.
            message = _("Someone else rated this at the same moment; nothing was saved.")
            raise BulkRefused([(0, InvalidInput(message))]) from exc
        if changed:
            _update(changed)
            Rating.history.bulk_history_create(
                changed, batch_size=BATCH_SIZE, update=True, default_user=user
            )
        return created + changed


TEXTS = tuple(f"justification_{lang}" for lang in LANGS)


def _update(changed: list[Rating]) -> None:
    """Write the changed ratings: one UPDATE per distinct new content (a value and its texts),
    which is a handful for a typical file; Django's bulk_update (a CASE per column and row)
    for what is left. Revisions were read under lock, so the database's +1 is ours."""
    groups: dict[tuple, list[int]] = {}
    for rating in changed:
        # Only the texts this write changes: the others are left as they are.
        texts = tuple((name, getattr(rating, name)) for name in sorted(rating._texts_changed))
        groups.setdefault((rating.value, texts), []).append(rating.pk)
    alone = {pk for pks in groups.values() if len(pks) == 1 for pk in pks}
    for (value, texts), pks in groups.items():
        if len(pks) == 1:
            continue
        for start in range(0, len(pks), BATCH_SIZE):
            Rating.objects.filter(pk__in=pks[start : start + BATCH_SIZE]).update(
                value=value, carried_over=False, revision=F("revision") + 1, **dict(texts)
            )
    rest = [r for r in changed if r.pk in alone]
    if rest:
        Rating.objects.bulk_update(
            rest, ["value", "carried_over", "revision", *TEXTS], batch_size=BATCH_SIZE
        )


def _apply(
    actor,
    round_: Round,
    write: ConsensusWrite,
    current: dict[tuple[int, int], Rating],
    allowed: dict[int, bool],
    seen: set[tuple[int, int]],
) -> Rating:
    """The rating `write` makes, checked as set_consensus checks it; not saved."""
    assessment = write.assessment
    if assessment.round_id != round_.pk:
        raise InvalidInput(_("This process is not assessed in this round."))
    # The assessment's round is the locked one: its status is the one read under the lock.
    assessment.round = round_
    pair = assessment.process.pair_id
    if pair not in allowed:
        allowed[pair] = permissions.can_set_consensus(actor, assessment)
    if not allowed[pair]:
        raise NotAllowed(_("Only the panel's chair sets the consensus rating."))
    key = (assessment.pk, write.dimension.pk)
    if key in seen:
        raise InvalidInput(_("This process is already rated on this dimension in this round."))
    seen.add(key)
    reason = required_reason(write.reason)
    rating = current.get(key)
    if rating is None:
        rating = Rating(assessment=assessment, dimension=write.dimension, value=write.value)
    else:
        check_revision(rating, write.expected_revision, RATING_FIELDS)
        rating.assessment = assessment
        rating.dimension = write.dimension
        rating.value = write.value
        rating.revision += 1
    rating.carried_over = False
    rating._texts_changed = set()
    for lang, text in write.texts.items():
        if lang not in LANGS:
            raise InvalidInput(_("Unknown language: %(codes)s.") % {"codes": lang})
        setattr(rating, f"justification_{lang}", (text or "").strip())
        rating._texts_changed.add(f"justification_{lang}")
    try:
        validate_rating(rating)
    except ValidationError as exc:
        errors = exc.message_dict
        raise InvalidInput(
            "; ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items()),
            errors=errors,
        ) from exc
    rating._change_reason = reason
    return rating
