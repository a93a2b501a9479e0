"""What every kind of rows shares: loading the round once, and checking a row's process,
dimension, scale, reason, revision and the actor's role without a query per row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from ... import services
from ...models import (
    Dimension,
    Process,
    ProcessAssessment,
    Round,
)
from ..resources import LANGS, RESOURCES, RowsResource
from .report import FieldChange, RowChange, RowError

# --- checking and writing rows ---------------------------------------------------------


def _blank(value: Any) -> Any:
    """None and "" are the same empty text (translation columns are NULL until written)."""
    return "" if value is None else value


def _display(value: Any) -> Any:
    return "—" if value is None or value == "" else value


class _Rows:
    """Checks the rows of one kind against one round and turns them into RowChanges.

    Subclasses load what they need once (no query per row while checking) and
    implement check(); each RowChange carries a closure that writes it.
    """

    kind: str
    round_bound = True

    def __init__(self, *, round_: Round | None, actor, reason: str, source: str) -> None:
        self.round = round_
        self.actor = actor
        self.reason = (reason or "").strip()
        self.source = source
        self.errors: list[RowError] = []
        self.resource: RowsResource = RESOURCES[self.kind]()
        self._allowed: dict[tuple[str, int], bool] = {}
        self._reason_format: str | None = None

    # -- helpers --

    def error(self, row: int | None, column: str | None, message: str) -> None:
        self.errors.append(RowError(row, column, message))

    def load(self) -> None:
        if self.round is not None:
            self.round_keys = {
                (y, v): pk for pk, y, v in Round.objects.values_list("pk", "year", "version")
            }
            self.dimensions = {d.code: d for d in self.round.methodology.dimensions.all()}

    def row_reason(self, number: int, values: dict[str, Any]) -> str | None:
        reason = values.get("reason") or self.reason
        if not reason:
            self.error(
                number,
                "reason",
                _(
                    "Say why: a reason is required for every change "
                    "(in this column, or for the whole import)."
                ),
            )
            return None
        # The history says where the change came from, next to why. Translated once per import:
        # gettext costs more than the rest of a row's checks.
        if self._reason_format is None:
            self._reason_format = _("%(reason)s (import of %(source)s, row %(row)s)")
        return self._reason_format % {"reason": reason, "source": self.source, "row": number}

    def is_foreign(self, number: int, values: dict[str, Any]) -> bool | None:
        """Whether the row was exported from another round than the target; None on error."""
        year, version = values.get("year"), values.get("version")
        if year is None:
            return False
        version = version or 1
        if (year, version) == (self.round.year, self.round.version):
            return False
        if (year, version) not in self.round_keys:
            self.error(
                number,
                "year",
                _("There is no round %(year)s (version %(version)s).")
                % {"year": year, "version": version},
            )
            return None
        return True

    def base_revision(
        self, number: int, values: dict[str, Any], obj, *, foreign: bool, untouched: bool, what: str
    ) -> int | None:
        """The revision to pass as expected_revision, or None after recording why not."""
        if foreign:
            if untouched:
                return obj.revision
            self.error(
                number,
                "revision",
                _(
                    "This row comes from round %(from)s, but %(what)s was changed in round %(to)s "
                    "after it was carried over (now revision %(now)s). Nothing would be "
                    "overwritten: export round %(to)s and edit that file."
                )
                % {
                    "from": values.get("year"),
                    "what": what,
                    "to": self.round.year,
                    "now": obj.revision,
                },
            )
            return None
        expected = values.get("revision")
        if expected is None:
            self.error(
                number,
                "revision",
                _(
                    "Say which revision you edited (it is %(now)s now): keep the revision "
                    "column of the export."
                )
                % {"now": obj.revision},
            )
            return None
        if expected != obj.revision:
            record = obj.history.order_by("-history_date").select_related("history_user").first()
            by = str(record.history_user) if record and record.history_user else _("someone")
            self.error(
                number,
                "revision",
                _(
                    "Changed by %(by)s since this file was exported (now revision %(now)s, "
                    "the file has %(yours)s): export again and redo the edit."
                )
                % {"by": by, "now": obj.revision, "yours": expected},
            )
            return None
        return expected

    def allowed(
        self, check: Callable[[Any, ProcessAssessment], bool], assessment: ProcessAssessment
    ) -> bool:
        # Roles depend on the round and the pair only: ask once per pair.
        key = (check.__name__, assessment.process.pair_id)
        if key not in self._allowed:
            self._allowed[key] = check(self.actor, assessment)
        return self._allowed[key]

    def assessment_for(self, number: int, values: dict[str, Any]) -> ProcessAssessment | None:
        code = values.get("process")
        if not code:
            self.error(number, "process", _("Which process? This cell is empty."))
            return None
        assessment = self.assessments.get(code)
        if assessment is None:
            if code in self.known_processes:
                self.error(
                    number,
                    "process",
                    _(
                        "Process “%(code)s” is not assessed in round %(year)s: add it with a "
                        "processes import first."
                    )
                    % {"code": code, "year": self.round.year},
                )
            else:
                self.error(number, "process", _("Unknown process “%(code)s”.") % {"code": code})
        return assessment

    def load_assessments(self) -> None:
        self.assessments = {
            a.process.code: a
            for a in ProcessAssessment.objects.filter(round=self.round).select_related(
                "round__methodology", "process__pair"
            )
        }
        self.known_processes = set(Process.objects.values_list("code", flat=True))

    def dimension_for(
        self, number: int, values: dict[str, Any], *, required: bool = True
    ) -> Dimension | None:
        code = values.get("dimension")
        if not code:
            if required:
                self.error(number, "dimension", _("Which dimension? This cell is empty."))
            return None
        dimension = self.dimensions.get(code)
        if dimension is None:
            self.error(
                number,
                "dimension",
                _("Unknown dimension “%(code)s”; %(methodology)s has: %(codes)s.")
                % {
                    "code": code,
                    "methodology": self.round.methodology.label,
                    "codes": ", ".join(self.dimensions),
                },
            )
        return dimension

    def value_on_scale(self, number: int, values: dict[str, Any]) -> int | None:
        value = values.get("value")
        methodology = self.round.methodology
        if value is None:
            self.error(number, "value", _("The rating is empty."))
            return None
        if not methodology.scale_min <= value <= methodology.scale_max:
            self.error(
                number,
                "value",
                _(
                    "%(value)s is outside the scale (%(low)s to %(high)s) of the round's "
                    "methodology."
                )
                % {
                    "value": value,
                    "low": methodology.scale_min,
                    "high": methodology.scale_max,
                },
            )
            return None
        return value

    @staticmethod
    def text_changes(values: dict[str, Any], obj, name: str) -> list[FieldChange]:
        """The changed language columns of a translated field (only columns in the file)."""
        changes = []
        for lang in LANGS:
            column = f"{name}_{lang}"
            if column not in values:
                continue
            old = _blank(getattr(obj, column) if obj is not None else None)
            if values[column] != old:
                changes.append(FieldChange(column, _display(old), _display(values[column])))
        return changes

    def check(self, number: int, values: dict[str, Any], seen: dict) -> RowChange | None:
        raise NotImplementedError

    # -- writes: DomainError → the row's error -----------------------------------

    COLUMN_OF = {
        "value": "value",
        "dimension": "dimension",
        "reason": "reason",
        "act": "act",
        "edition": "edition",
        "justification": "justification",
    }

    def error_from(self, number: int, exc: services.DomainError) -> None:
        column = None
        if isinstance(exc, services.StaleWrite):
            column = "revision"
        elif isinstance(exc, services.NotAllowed):
            column = self.NOT_ALLOWED_COLUMN
        elif exc.errors:
            column = next((self.COLUMN_OF.get(k, k) for k in exc.errors), None)
        self.error(number, column, exc.message)

    NOT_ALLOWED_COLUMN = "process"
