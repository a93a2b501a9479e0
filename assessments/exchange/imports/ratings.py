"""Rows of ratings: the consensus (written in bulk) and each expert's own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from ... import permissions, services
from ...models import (
    ExpertRating,
    Rating,
)
from ...services.bulk import BulkRefused, ConsensusWrite, set_consensus_many
from .checking import _blank, _display, _Rows
from .report import CREATE, UNCHANGED, UPDATE, FieldChange, RowChange


def _write_translated_rating(
    write: Callable[..., Any],
    *,
    value: int,
    texts: dict[str, str],
    expected_revision: int | None,
    **kwargs,
) -> None:
    """One service call per changed language: the services set the justification in the
    active language only. The first call carries the value; each later one the revision
    the previous call left."""
    langs = list(texts) or [None]
    for lang in langs:
        if lang is None:
            row = write(
                value=value, justification=None, expected_revision=expected_revision, **kwargs
            )
        else:
            with translation.override(lang):
                row = write(
                    value=value,
                    justification=texts[lang],
                    expected_revision=expected_revision,
                    **kwargs,
                )
        expected_revision = row.revision


class _ConsensusRows(_Rows):
    kind = "ratings"

    def load(self) -> None:
        super().load()
        self.load_assessments()
        # Keyed by the codes of the assessments and dimensions loaded already: no join, and
        # one model instance per rating instead of four (10,000 rows: a second less).
        process_of = {a.pk: code for code, a in self.assessments.items()}
        dimension_of = {d.pk: code for code, d in self.dimensions.items()}
        self.existing = {
            (process_of[r.assessment_id], dimension_of[r.dimension_id]): r
            for r in Rating.objects.filter(assessment__round=self.round)
        }

    def check(self, number, values, seen):
        foreign = self.is_foreign(number, values)
        assessment = self.assessment_for(number, values)
        dimension = self.dimension_for(number, values)
        value = self.value_on_scale(number, values)
        if None in (foreign, assessment, dimension, value):
            return None
        key = (assessment.process.code, dimension.code)
        if key in seen:
            self.error(
                number,
                "dimension",
                _("Row %(row)s already rates %(key)s.")
                % {"row": seen[key], "key": " / ".join(key)},
            )
            return None
        seen[key] = number
        rating = self.existing.get(key)
        changes = self.text_changes(values, rating, "justification")
        if rating is None or rating.value != value:
            changes.insert(
                0, FieldChange("value", _display(rating.value if rating else None), value)
            )
        label = " / ".join(key)
        if rating is not None and not changes:
            note = _("still carried over, not re-examined") if rating.carried_over else ""
            return RowChange(number, UNCHANGED, label, note=note)
        reason = self.row_reason(number, values)
        if not self.allowed(permissions.can_set_consensus, assessment):
            self.error(
                number,
                "process",
                _(
                    "Only the chair of a panel covering “%(pair)s” (or institute staff) sets its "
                    "consensus ratings."
                )
                % {"pair": assessment.process.pair.code},
            )
            return None
        expected = None
        if rating is not None:
            expected = self.base_revision(
                number,
                values,
                rating,
                foreign=foreign,
                untouched=rating.carried_over,
                what=_("this rating"),
            )
            if expected is None:
                return None
        if reason is None:
            return None
        texts = {
            c.column.rsplit("_", 1)[1]: values[c.column]
            for c in changes
            if c.column.startswith("justification_")
        }

        # Written with the other rows by bulk.set_consensus_many: the same checks as
        # services.set_consensus, under one lock on the round, in a few queries.
        bulk = ConsensusWrite(
            assessment=assessment,
            dimension=dimension,
            value=value,
            reason=reason,
            expected_revision=expected,
            texts=texts,
        )
        return RowChange(number, UPDATE if rating else CREATE, label, changes, bulk=bulk)

    def write_many(self, changes: list[RowChange]) -> None:
        try:
            set_consensus_many(
                actor=self.actor, round_=self.round, writes=[c.bulk for c in changes]
            )
        except BulkRefused as refused:
            for index, exc in refused.refusals:
                self.error_from(changes[index].row, exc)


class _ExpertRows(_Rows):
    kind = "expert-ratings"
    NOT_ALLOWED_COLUMN = "expert"

    def load(self) -> None:
        super().load()
        self.load_assessments()
        self.existing = {
            (r.assessment.process.code, r.dimension.code, r.expert.username): r
            for r in ExpertRating.objects.filter(assessment__round=self.round).select_related(
                "assessment__process", "dimension", "expert"
            )
        }

    def check(self, number, values, seen):
        foreign = self.is_foreign(number, values)
        assessment = self.assessment_for(number, values)
        dimension = self.dimension_for(number, values)
        value = self.value_on_scale(number, values)
        expert = values.get("expert")
        if expert != self.actor.get_username():
            # The service records the rating as the actor's own: nobody imports another's.
            self.error(
                number,
                "expert",
                _("This row is %(expert)s's rating; you can import only your own (%(me)s).")
                % {"expert": expert or "—", "me": self.actor.get_username()},
            )
            return None
        if None in (foreign, assessment, dimension, value):
            return None
        key = (assessment.process.code, dimension.code, expert)
        if key in seen:
            self.error(
                number,
                "dimension",
                _("Row %(row)s already rates %(key)s.")
                % {"row": seen[key], "key": " / ".join(key)},
            )
            return None
        seen[key] = number
        rating = self.existing.get(key)
        changes = []
        if rating is None or rating.value != value:
            changes.append(FieldChange("value", _display(rating.value if rating else None), value))
        # An expert's own justification is one text, not one per language.
        justification = values.get("justification")
        old = _blank(rating.justification if rating is not None else None)
        if justification is not None and justification != old:
            changes.append(FieldChange("justification", _display(old), _display(justification)))
        label = " / ".join(key)
        if rating is not None and not changes:
            return RowChange(number, UNCHANGED, label)
        reason = self.row_reason(number, values)
        if not self.allowed(permissions.can_rate, assessment):
            self.error(
                number,
                "process",
                _("Only members of a panel covering “%(pair)s” rate its processes.")
                % {"pair": assessment.process.pair.code},
            )
            return None
        expected = None
        if rating is not None:
            # Expert ratings are never carried over: a row from another round cannot change one.
            expected = self.base_revision(
                number, values, rating, foreign=foreign, untouched=False, what=_("your rating")
            )
            if expected is None:
                return None
        if reason is None:
            return None

        def write() -> None:
            services.record_expert_rating(
                actor=self.actor,
                assessment=assessment,
                dimension=dimension,
                value=value,
                justification=justification,
                reason=reason,
                expected_revision=expected,
            )

        return RowChange(number, UPDATE if rating else CREATE, label, changes, write=write)
