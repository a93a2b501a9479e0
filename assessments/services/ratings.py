"""Ratings: an expert's own, the panel's consensus, restoring and confirming them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..models import (
    Dimension,
    ExpertRating,
    ProcessAssessment,
    Rating,
)
from .base import (
    LANGS,
    InvalidInput,
    PreconditionRequired,
    StaleWrite,
    Texts,
    check_revision,
    ensure_allowed,
    ensure_open,
    fresh_assessment,
    last_change,
    rating_dimension,
    required_reason,
    save_with_history,
    set_texts,
    snapshot,
)

RATING_FIELDS = ("value", *(f"justification_{lang}" for lang in LANGS))


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
        set_texts(row, "justification", justification)
        try:
            with transaction.atomic():
                # The uniqueness of (assessment, dimension[, expert]) is left to the database:
                # checked here, a concurrent creator's row would read as bad input (400)
                # instead of the lost race it is (412 with her row, below).
                save_with_history(row, actor=actor, reason=reason, exclude=("dimension",))
        except IntegrityError as exc:
            # Someone created it between our read and our insert.
            current = model.objects.filter(**lookup).first()
            if current is None:
                raise
            by, at = last_change(current)
            raise StaleWrite(
                _("Someone else rated this at the same moment; nothing was saved."),
                current=snapshot(current, RATING_FIELDS),
                changed_by=by,
                changed_at=at,
            ) from exc
        return row
    check_revision(row, expected_revision, RATING_FIELDS)
    row.value = value
    set_texts(row, "justification", justification)
    for name, v in (extra or {}).items():
        setattr(row, name, v)
    save_with_history(row, actor=actor, reason=reason)
    return row


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
    reason = required_reason(reason)
    with transaction.atomic():
        assessment = fresh_assessment(assessment)
        ensure_open(assessment.round)
        ensure_allowed(
            permissions.can_rate(actor, assessment),
            _("Only members of a panel covering this pair may rate it."),
        )
        dimension = rating_dimension(assessment, dimension)
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
    reason = required_reason(reason)
    with transaction.atomic():
        assessment = fresh_assessment(assessment)
        ensure_open(assessment.round)
        ensure_allowed(
            permissions.can_set_consensus(actor, assessment),
            _("Only the panel's chair sets the consensus rating."),
        )
        dimension = rating_dimension(assessment, dimension)
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
            "reason": required_reason(reason),
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
    reason = required_reason(reason)
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
            ensure_open(round_)
        allowed: dict[int, bool] = {}
        for row in rows:
            a = row.assessment
            if a.pk not in allowed:
                allowed[a.pk] = permissions.can_set_consensus(actor, a)
            ensure_allowed(
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
                    check_revision(row, expected_revisions[row.pk], RATING_FIELDS)
                except StaleWrite as exc:
                    exc.message = f"{a.title}, {row.dimension}: {exc.message}"
                    exc.args = (exc.message,)
                    raise
        confirmed = []
        for row in rows:
            if not row.carried_over:
                continue
            row.carried_over = False
            save_with_history(row, actor=actor, reason=reason)
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
