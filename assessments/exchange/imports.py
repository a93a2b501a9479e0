"""Imports from CSV and XLSX: check every row, preview, then write all rows or none.

`run_import()` is the one entry point, used alike by the admin's import screen
and `manage.py import_ratings`:

1. The file is read safely: its size is capped and an XLSX (a zip) has its
   member count and uncompressed size checked before openpyxl opens it.
2. Every row is checked against the target round (resources.py reads the
   cells): unknown process, dimension, act, edition; a value outside the
   methodology's scale; no reason; a stale revision; a change the actor's role
   does not allow; a published round. Each problem is reported as
   "row N, column C: reason", where N is the row as a spreadsheet numbers it
   (the header is row 1).
3. A dry run stops there and returns the plan: each row created, changed (old →
   new) or unchanged. Nothing is written, and no lock is taken.
4. A real run plans again inside one transaction and, if no row has an error,
   writes every change through services.py (set_consensus, record_expert_rating,
   add_citation, update_citation, update_assessment): the roles, the frozen-round
   rule, the revision check and the history (with the row's or the import's
   reason) apply exactly as for any other edit. If any write is refused, the
   whole transaction is rolled back: all rows or none.

Legal acts and processes are reference data without a write service: they are
created and changed here, with full_clean(), by institute staff only, and each
change is logged in the admin's LogEntry with the import's reason (the models
keep no history of their own). A process added to a round gets its
ProcessAssessment the same way, with its history record and reason.

Rows from another round. A file exported from round 2016 may be imported into
the draft 2025 round started from it (the way panels work: export last round,
edit, import). The revision in such a row belongs to the 2016 row, so it is not
compared; instead the 2025 row must still be as it was carried over (a rating
still "carried over, not re-examined"; an assessment or citation never changed
since: revision 1). Otherwise the row is refused as stale: someone has worked on
it in 2025 and the file would undo that. An unchanged carried-over rating stays
carried over: that a spreadsheet repeats last round's value is not a panel's
re-examination.
"""

from __future__ import annotations

import csv
import io
import re
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import tablib
from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from .. import permissions, services
from ..bulk import BulkRefused, ConsensusWrite, set_consensus_many
from ..models import (
    Citation,
    Dimension,
    ExpertRating,
    LegalAct,
    LegalActEdition,
    Pair,
    Process,
    ProcessAssessment,
    Rating,
    Round,
)
from .resources import FORMATS, LANGS, RESOURCES, RowsResource

# Limits. A round has a few hundred ratings; 10,000 rows is a large synthetic test.
MAX_UPLOAD_BYTES = getattr(settings, "IMPORT_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
MAX_XLSX_UNCOMPRESSED_BYTES = getattr(settings, "IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES", 100 * 2**20)
MAX_XLSX_MEMBERS = getattr(settings, "IMPORT_MAX_XLSX_MEMBERS", 200)
MAX_ROWS = getattr(settings, "IMPORT_MAX_ROWS", 100_000)

CREATE = "create"
UPDATE = "update"
UNCHANGED = "unchanged"


class ImportFileError(Exception):
    """The file as a whole cannot be read (too big, not CSV/XLSX, a zip bomb)."""


# --- what an import reports -----------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int | None  # as a spreadsheet numbers it: the header is row 1; None: the whole file
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return (
                _("file, column %(column)s: %(message)s")
                % {"column": self.column, "message": self.message}
                if self.column
                else _("file: %(message)s") % {"message": self.message}
            )
        if self.column is None:
            return _("row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return _("row %(row)s, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass(frozen=True)
class FieldChange:
    column: str
    old: Any
    new: Any


@dataclass
class RowChange:
    row: int
    action: str  # CREATE, UPDATE or UNCHANGED
    key: str  # what the row is about, in codes: "jk-elections / rules"
    changes: list[FieldChange] = field(default_factory=list)
    note: str = ""
    # How to write it (not shown): a closure over the objects the check found.
    write: Callable[[], None] | None = field(default=None, repr=False, compare=False)
    # Or, for kinds written in bulk, what to hand the bulk service (importer.write_many).
    bulk: Any = field(default=None, repr=False, compare=False)


@dataclass
class ImportReport:
    kind: str
    round_label: str
    source: str
    dry_run: bool
    rows: int = 0
    changes: list[RowChange] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {a: self.count(a) for a in (CREATE, UPDATE, UNCHANGED)}

    def summary(self) -> str:
        counts = self.counts
        return _(
            "%(rows)s row(s): %(create)s to create, %(update)s to change, %(same)s unchanged, "
            "%(errors)s error(s)."
        ) % {
            "rows": self.rows,
            "create": counts[CREATE],
            "update": counts[UPDATE],
            "same": counts[UNCHANGED],
            "errors": len(self.errors),
        }


# --- progress -------------------------------------------------------------------------

Progress = Callable[[str, int, int], None]  # (phase, done, total)


def _no_progress(phase: str, done: int, total: int) -> None:
    return None


PROGRESS_KEY = "import-export-progress:{token}"
RESULT_KEY = "import-export-result:{token}"
PROGRESS_TIMEOUT = 6 * 3600
# A running import writes its progress a few times a second; this long without news, the
# process that ran it has died (and its transaction, never committed, wrote nothing).
PROGRESS_STALE_SECONDS = 120


class CacheProgress:
    """Progress of a long import or export, kept in the cache for a status endpoint to read.

    The admin's pages poll it. It needs a cache shared by the web workers (Redis
    in production, CACHE_URL); the quick start's in-memory cache serves it within
    one process, which is what runserver is.
    """

    def __init__(self, token: str, *, every: float = 0.3) -> None:
        self.key = PROGRESS_KEY.format(token=token)
        self.every = every
        self._last = 0.0
        self._set({"state": "running", "phase": "start", "done": 0, "total": 0})

    def _set(self, state: dict[str, Any]) -> None:
        cache.set(self.key, {**state, "updated": time.time()}, PROGRESS_TIMEOUT)

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        # A cache write per row would cost more than the row; write a few times a second.
        if done < total and now - self._last < self.every:
            return
        self._last = now
        self._set({"state": "running", "phase": phase, "done": done, "total": total})

    def finish(self, *, failed: bool = False) -> None:
        state = cache.get(self.key) or {}
        self._set({**state, "state": "failed" if failed else "done"})


def read_progress(token: str) -> dict[str, Any] | None:
    """The progress under `token`; a running one that stopped reporting is "interrupted"."""
    state = cache.get(PROGRESS_KEY.format(token=token))
    if (
        state
        and state.get("state") == "running"
        and time.time() - state.get("updated", 0) > PROGRESS_STALE_SECONDS
    ):
        state = {**state, "state": "interrupted"}
    return state


def store_result(token: str, report: ImportReport) -> None:
    """Keep a finished import's report for the page that shows it (imports run in the
    background in the admin when they are long)."""
    cache.set(RESULT_KEY.format(token=token), report, PROGRESS_TIMEOUT)


def read_result(token: str) -> ImportReport | None:
    return cache.get(RESULT_KEY.format(token=token))


# --- reading the file -------------------------------------------------------------------


def check_xlsx_archive(data: bytes) -> None:
    """Refuse a zip bomb before openpyxl opens it: member count and uncompressed size.

    zipfile never inflates a member past the size its header declares, so the
    declared sizes are a real bound.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ImportFileError(_("This is not an XLSX file (it is not a zip archive).")) from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_XLSX_MEMBERS:
            raise ImportFileError(
                _("The XLSX file has %(n)s parts; at most %(max)s are accepted.")
                % {"n": len(members), "max": MAX_XLSX_MEMBERS}
            )
        total = sum(m.file_size for m in members)
        if total > MAX_XLSX_UNCOMPRESSED_BYTES:
            raise ImportFileError(
                _("The XLSX file unpacks to %(mb)s MB; at most %(max)s MB are accepted.")
                % {"mb": total // 2**20, "max": MAX_XLSX_UNCOMPRESSED_BYTES // 2**20}
            )
        if "[Content_Types].xml" not in {m.filename for m in members}:
            raise ImportFileError(_("This zip archive is not an XLSX workbook."))
        for member in members:
            if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
                _check_row_count(_count_sheet_rows(archive, member))


# A row element of a worksheet (SpreadsheetML), with or without a namespace prefix.
SHEET_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
READ_CHUNK = 1 << 20


def _count_sheet_rows(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> int:
    """Count a worksheet's rows while inflating it in chunks: a few hundred KB of zip can
    hold hundreds of thousands of empty rows, which openpyxl would read one by one."""
    count = 0
    carry = b""
    with archive.open(member) as sheet:
        while chunk := sheet.read(READ_CHUNK):
            text = carry + chunk
            # A tag cut at the chunk's end is counted with the next chunk.
            cut = text.rfind(b"<")
            text, carry = (text[:cut], text[cut:]) if cut >= 0 else (text, b"")
            count += len(SHEET_ROW.findall(text))
    return count + len(SHEET_ROW.findall(carry + b" "))


def _check_row_count(rows_with_header: int) -> None:
    rows = max(0, rows_with_header - 1)
    if rows > MAX_ROWS:
        raise ImportFileError(
            _("The file has %(n)s rows; at most %(max)s are accepted.")
            % {"n": rows, "max": MAX_ROWS}
        )


def _count_csv_rows(data: bytes) -> int:
    """Rows of a CSV file, counted as the csv module reads them (a quoted cell may hold line
    breaks), without keeping them; only when its line breaks alone exceed the limit."""
    if data.count(b"\n") <= MAX_ROWS + 1:
        return 0
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    return sum(1 for _row in csv.reader(text))


def file_format(filename: str, data: bytes) -> str:
    name = (filename or "").lower()
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return "xlsx"
    if name.endswith((".csv", ".txt")) or not name:
        return "csv"
    raise ImportFileError(_("Only CSV and XLSX files can be imported."))


def read_table(data: bytes, filename: str) -> tablib.Dataset:
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError(
            _("The file is %(mb)s MB; at most %(max)s MB are accepted.")
            % {"mb": round(len(data) / 2**20, 1), "max": MAX_UPLOAD_BYTES // 2**20}
        )
    fmt = file_format(filename, data)
    try:
        # Rows are counted before the file is parsed: a small file of many rows is refused
        # in a fraction of a second, not after every row has been read.
        if fmt == "xlsx":
            check_xlsx_archive(data)
        else:
            _check_row_count(_count_csv_rows(data))
        dataset = FORMATS[fmt].create_dataset(data)
    except UnicodeDecodeError:
        raise ImportFileError(_("The CSV file is not in UTF-8: save it as “CSV UTF-8”.")) from None
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl and csv raise many kinds; the user needs one message
        raise ImportFileError(
            _("The file cannot be read as %(format)s: %(error)s")
            % {"format": fmt.upper(), "error": exc.__class__.__name__}
        ) from exc
    if len(dataset) > MAX_ROWS:
        raise ImportFileError(
            _("The file has %(n)s rows; at most %(max)s are accepted.")
            % {"n": len(dataset), "max": MAX_ROWS}
        )
    return dataset


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
        # The history says where the change came from, next to why.
        return _("%(reason)s (import of %(source)s, row %(row)s)") % {
            "reason": reason,
            "source": self.source,
            "row": number,
        }

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
                _("%(value)s is outside the scale of %(methodology)s (%(low)s to %(high)s).")
                % {
                    "value": value,
                    "methodology": methodology.label,
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
        self.existing = {
            (r.assessment.process.code, r.dimension.code): r
            for r in Rating.objects.filter(assessment__round=self.round).select_related(
                "assessment__process", "dimension"
            )
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


class _CitationRows(_Rows):
    kind = "citations"
    NOT_ALLOWED_COLUMN = "process"

    def load(self) -> None:
        super().load()
        self.load_assessments()
        self.acts = {a.code: a for a in LegalAct.objects.all()}
        self.editions = {
            (e.act.code, e.code): e for e in LegalActEdition.objects.select_related("act")
        }
        self.existing: dict[tuple, list[Citation]] = {}
        for c in Citation.objects.filter(assessment__round=self.round).select_related(
            "assessment__process", "act", "edition", "dimension"
        ):
            key = (
                c.assessment.process.code,
                c.act.code,
                c.edition.code if c.edition else "",
                c.article,
                c.part,
            )
            self.existing.setdefault(key, []).append(c)

    def check(self, number, values, seen):
        foreign = self.is_foreign(number, values)
        assessment = self.assessment_for(number, values)
        act = self.acts.get(values.get("act") or "")
        if act is None:
            self.error(
                number,
                "act",
                _("Unknown legal act “%(code)s”: import it with the legal acts first.")
                % {"code": values.get("act") or "—"},
            )
        edition = None
        if values.get("edition"):
            edition = self.editions.get((values.get("act"), values["edition"]))
            if edition is None and act is not None:
                self.error(
                    number,
                    "edition",
                    _("%(act)s has no edition “%(code)s”.")
                    % {"act": act.code, "code": values["edition"]},
                )
                act = None
        dimension = self.dimension_for(number, values, required=False)
        if values.get("dimension") and dimension is None:
            return None
        if None in (foreign, assessment, act):
            return None
        key = (
            assessment.process.code,
            act.code,
            edition.code if edition else "",
            values.get("article", ""),
            values.get("part", ""),
        )
        label = " / ".join(k for k in key if k)
        if key in seen:
            self.error(number, "act", _("Row %(row)s already cites this.") % {"row": seen[key]})
            return None
        seen[key] = number
        matches = self.existing.get(key, [])
        if len(matches) > 1:
            self.error(
                number,
                "article",
                _("Round %(year)s cites this %(n)s times; change these citations in the admin.")
                % {"year": self.round.year, "n": len(matches)},
            )
            return None
        citation = matches[0] if matches else None
        changes = self.text_changes(values, citation, "note")
        if "dimension" in values:
            old = citation.dimension.code if citation and citation.dimension else ""
            if (dimension.code if dimension else "") != old:
                changes.insert(
                    0, FieldChange("dimension", _display(old), _display(values["dimension"]))
                )
        if citation is None:
            if not self.allowed(permissions.can_add_evidence, assessment):
                self.error(
                    number,
                    "process",
                    _("Only members of a panel covering “%(pair)s” add its evidence.")
                    % {"pair": assessment.process.pair.code},
                )
                return None
            reason = self.row_reason(number, values)
            if reason is None:
                return None
            changes = [FieldChange("act", "—", label), *changes]
            notes = {lang: values.get(f"note_{lang}", "") for lang in LANGS}

            def add() -> None:
                services.add_citation(
                    actor=self.actor,
                    assessment=assessment,
                    act=act,
                    edition=edition,
                    article=values.get("article", ""),
                    part=values.get("part", ""),
                    dimension=dimension,
                    note=notes,
                    reason=reason,
                )

            return RowChange(number, CREATE, label, changes, write=add)

        # Whether a citation was re-verified is a judgement about this round's row:
        # a row from another round says nothing about it.
        verified = values.get("needs_reverification")
        if not foreign and verified is not None and verified != citation.needs_reverification:
            changes.append(
                FieldChange("needs_reverification", citation.needs_reverification, verified)
            )
        if not changes:
            note = _("to re-verify") if citation.needs_reverification else ""
            return RowChange(number, UNCHANGED, label, note=note)
        reason = self.row_reason(number, values)
        if not self.allowed(permissions.can_edit_assessment, assessment):
            self.error(
                number,
                "process",
                _(
                    "Only the chair of a panel covering “%(pair)s” (or institute staff) changes "
                    "its citations."
                )
                % {"pair": assessment.process.pair.code},
            )
            return None
        expected = self.base_revision(
            number,
            values,
            citation,
            foreign=foreign,
            untouched=citation.revision == 1,
            what=_("this citation"),
        )
        if expected is None or reason is None:
            return None
        update: dict[str, Any] = {}
        for change in changes:
            if change.column == "dimension":
                update["dimension"] = dimension
            elif change.column == "needs_reverification":
                update["needs_reverification"] = verified
            else:
                update[change.column] = values[change.column]

        def write() -> None:
            services.update_citation(
                actor=self.actor,
                citation=citation,
                changes=update,
                reason=reason,
                expected_revision=expected,
            )

        return RowChange(number, UPDATE, label, changes, write=write)


def _log(actor, obj, flag: int, message: str) -> None:
    """Reference data keeps no history of its own: the admin's log says who, when and why."""
    LogEntry.objects.log_actions(
        user_id=actor.pk,
        queryset=[obj],
        action_flag=flag,
        change_message=message,
        single_object=True,
    )


def _full_clean(obj, exclude: Iterable[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise services.InvalidInput(
            "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()),
            errors=exc.message_dict,
        ) from exc


class _ProcessRows(_Rows):
    """The round's processes: names (reference data, staff) and the round's wording."""

    kind = "processes"
    NOT_ALLOWED_COLUMN = "process"
    COLUMN_OF = {**_Rows.COLUMN_OF, "code": "process"}

    def load(self) -> None:
        super().load()
        self.load_assessments()
        self.pairs = {p.code: p for p in Pair.objects.all()}
        self.processes = {p.code: p for p in Process.objects.select_related("pair")}
        self.staff = permissions.can_manage_rounds(self.actor)

    def check(self, number, values, seen):
        foreign = self.is_foreign(number, values)
        pair = self.pairs.get(values.get("pair") or "")
        if pair is None:
            self.error(
                number, "pair", _("Unknown pair “%(code)s”.") % {"code": values.get("pair") or "—"}
            )
        code = values.get("process")
        if not code:
            self.error(number, "process", _("Which process? This cell is empty."))
        if None in (foreign, pair) or not code:
            return None
        if code in seen:
            self.error(
                number,
                "process",
                _("Row %(row)s is about this process already.") % {"row": seen[code]},
            )
            return None
        seen[code] = number
        process = self.processes.get(code)
        assessment = self.assessments.get(code)
        names = self.text_changes(values, process, "name")
        titles = self.text_changes(values, assessment, "title")
        if process is not None and process.pair_id != pair.pk:
            self.error(
                number,
                "pair",
                _(
                    "Process “%(code)s” belongs to pair “%(pair)s”; a process does not move "
                    "between pairs (add a new process instead)."
                )
                % {"code": code, "pair": process.pair.code},
            )
            return None
        if (process is None or assessment is None or names) and not self.staff:
            self.error(
                number,
                "process",
                _(
                    "Only institute staff add processes to a round or rename them; panels change "
                    "the round's wording (title columns)."
                ),
            )
            return None
        if process is not None and assessment is not None and not titles and not names:
            return RowChange(number, UNCHANGED, code)
        reason = self.row_reason(number, values)
        if reason is None:
            return None
        if process is None or assessment is None:
            return self._add(number, values, code, pair, process, names + titles, reason)
        if names and not titles:
            return RowChange(
                number, UPDATE, code, names, write=lambda: self._rename(process, values, reason)
            )
        if not self.allowed(permissions.can_edit_assessment, assessment):
            self.error(
                number,
                "process",
                _(
                    "Only the chair of a panel covering “%(pair)s” (or institute staff) changes "
                    "the wording of its processes."
                )
                % {"pair": pair.code},
            )
            return None
        expected = self.base_revision(
            number,
            values,
            assessment,
            foreign=foreign,
            untouched=assessment.revision == 1,
            what=_("this process's wording"),
        )
        if expected is None:
            return None
        changes = {c.column: values[c.column] for c in titles}

        def write() -> None:
            if names:
                self._rename(process, values, reason)
            services.update_assessment(
                actor=self.actor,
                assessment=assessment,
                changes=changes,
                reason=reason,
                expected_revision=expected,
            )

        return RowChange(number, UPDATE, code, names + titles, write=write)

    def _rename(self, process: Process, values: dict[str, Any], reason: str) -> None:
        process = Process.objects.select_for_update().get(pk=process.pk)
        for lang in LANGS:
            if f"name_{lang}" in values:
                setattr(process, f"name_{lang}", values[f"name_{lang}"])
        _full_clean(process)
        process.save()
        _log(self.actor, process, CHANGE, reason)

    def _add(self, number, values, code, pair, process, changes, reason) -> RowChange | None:
        if process is None and not any(values.get(f"name_{lang}") for lang in LANGS):
            self.error(number, "name_" + LANGS[0], _("A new process needs a name."))
            return None
        position = values.get("position")
        if process is None:
            draft = Process(
                code=code,
                pair=pair,
                position=position or 0,
                **{f"name_{lang}": values.get(f"name_{lang}", "") for lang in LANGS},
            )
            try:
                draft.full_clean(validate_unique=False)
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    self.error(number, self.COLUMN_OF.get(name, name), " ".join(messages))
                return None

        def write() -> None:
            nonlocal process
            if process is None:
                process = Process(
                    code=code,
                    pair=pair,
                    position=position or 0,
                    **{f"name_{lang}": values.get(f"name_{lang}", "") for lang in LANGS},
                )
                _full_clean(process)
                process.save()
                _log(self.actor, process, ADDITION, reason)
            elif any(c.column.startswith("name_") for c in changes):
                self._rename(process, values, reason)
            # No service adds a process to a round. The guards a service would apply are
            # here: staff only (checked), the round locked and not published (run_import),
            # full_clean, and a history record with the reason.
            round_ = Round.objects.get(pk=self.round.pk)
            assessment = ProcessAssessment(
                round=round_,
                process=process,
                position=position if position is not None else process.position,
                **{
                    f"title_{lang}": values.get(f"title_{lang}")
                    or getattr(process, f"name_{lang}")
                    or ""
                    for lang in LANGS
                },
            )
            _full_clean(assessment)
            assessment._change_reason = reason
            assessment._history_user = self.actor
            assessment.save()

        note = (
            _("new process")
            if process is None
            else _("added to round %(year)s") % {"year": self.round.year}
        )
        return RowChange(number, CREATE, code, changes, note=note, write=write)


ACT_COLUMNS = {
    "kind": "kind",
    "number": "number",
    "adopted_on": "adopted_on",
    "url": "url",
    **{f"title_{lang}": f"title_{lang}" for lang in LANGS},
}
EDITION_COLUMNS = {
    "valid_from": "valid_from",
    "valid_until": "valid_until",
    "edition_url": "url",
    **{f"edition_title_{lang}": f"title_{lang}" for lang in LANGS},
    **{f"edition_note_{lang}": f"note_{lang}" for lang in LANGS},
}


class _LegalActRows(_Rows):
    """Legal acts and editions: reference data, by staff, full_clean() and LogEntry."""

    kind = "legal-acts"
    round_bound = False
    NOT_ALLOWED_COLUMN = "act"

    def load(self) -> None:
        self.acts = {a.code: a for a in LegalAct.objects.all()}
        self.editions = {
            (e.act.code, e.code): e for e in LegalActEdition.objects.select_related("act")
        }
        self.first_row: dict[str, tuple[int, dict[str, Any]]] = {}

    def _changes(self, obj, values: dict[str, Any], columns: dict[str, str]) -> list[FieldChange]:
        changes = []
        for column, name in columns.items():
            if column not in values:
                continue
            old = getattr(obj, name) if obj is not None else None
            if _blank(old) != _blank(values[column]):
                changes.append(FieldChange(column, _display(old), _display(values[column])))
        return changes

    def _valid(self, number: int, obj, columns: dict[str, str], exclude=()) -> bool:
        """Model validation now, so that the preview shows what the write would refuse."""
        try:
            obj.full_clean(exclude=list(exclude), validate_unique=False)
        except ValidationError as exc:
            by_field = {name: column for column, name in columns.items()}
            for name, messages in exc.message_dict.items():
                self.error(number, by_field.get(name, name), " ".join(messages))
            return False
        return True

    def check(self, number, values, seen):
        code = values.get("act")
        edition_code = values.get("edition") or ""
        if not code:
            self.error(number, "act", _("Which act? This cell is empty."))
            return None
        if (code, edition_code) in seen:
            self.error(
                number,
                "edition" if edition_code else "act",
                _("Row %(row)s is about this already.") % {"row": seen[code, edition_code]},
            )
            return None
        seen[code, edition_code] = number
        act_values = {c: values[c] for c in ACT_COLUMNS if c in values}
        act = self.acts.get(code)
        changes: list[FieldChange] = []
        write_act = False
        if code in self.first_row:
            # The act's own columns repeat on each of its editions' rows: they must agree.
            first, earlier = self.first_row[code]
            for column, value in act_values.items():
                if _blank(earlier.get(column)) != _blank(value):
                    self.error(
                        number,
                        column,
                        _("Differs from row %(row)s about the same act (“%(old)s”).")
                        % {"row": first, "old": _display(earlier.get(column))},
                    )
                    return None
        else:
            self.first_row[code] = (number, act_values)
            changes = self._changes(act, values, ACT_COLUMNS)
            if act is None:
                changes.insert(0, FieldChange("act", "—", code))
            write_act = bool(changes)
            if write_act:
                draft = (
                    LegalAct(code=code)
                    if act is None
                    else LegalAct(
                        **{
                            f.attname: getattr(act, f.attname)
                            for f in LegalAct._meta.concrete_fields
                        }
                    )
                )
                for column, value in act_values.items():
                    setattr(draft, ACT_COLUMNS[column], value)
                if not self._valid(number, draft, {"act": "code", **ACT_COLUMNS}):
                    return None

        edition_values = {name: values[c] for c, name in EDITION_COLUMNS.items() if c in values}
        write_edition = False
        edition = self.editions.get((code, edition_code)) if edition_code else None
        if edition_code:
            edition_changes = self._changes(edition, values, EDITION_COLUMNS)
            if edition is None:
                edition_changes.insert(0, FieldChange("edition", "—", edition_code))
            changes += edition_changes
            write_edition = bool(edition_changes)
            if write_edition:
                draft = LegalActEdition(code=edition_code, **edition_values)
                if not self._valid(
                    number, draft, {"edition": "code", **EDITION_COLUMNS}, exclude=["act"]
                ):
                    return None
        label = f"{code}@{edition_code}" if edition_code else code
        if not changes:
            return RowChange(number, UNCHANGED, label)
        reason = self.row_reason(number, values)
        if reason is None:
            return None
        is_new = (act is None and write_act) or (edition_code and edition is None)

        def write() -> None:
            current = self.acts.get(code)
            if write_act:
                flag = CHANGE if current is not None else ADDITION
                current = current or LegalAct(code=code)
                for column, value in act_values.items():
                    setattr(current, ACT_COLUMNS[column], value)
                _full_clean(current)
                current.save()
                _log(self.actor, current, flag, reason)
                self.acts[code] = current
            if write_edition:
                row = edition or LegalActEdition(act=current, code=edition_code)
                flag = CHANGE if row.pk else ADDITION
                for name, value in edition_values.items():
                    setattr(row, name, value)
                _full_clean(row)
                row.save()
                _log(self.actor, row, flag, reason)

        return RowChange(number, CREATE if is_new else UPDATE, label, changes, write=write)


IMPORTERS: dict[str, type[_Rows]] = {
    r.kind: r for r in (_ConsensusRows, _ExpertRows, _CitationRows, _ProcessRows, _LegalActRows)
}


# --- the one entry point -------------------------------------------------------------------


class _Rollback(Exception):
    """Leave the import's transaction without writing anything."""


def _file_checks(importer: _Rows, dataset: tablib.Dataset, report: ImportReport) -> bool:
    resource = importer.resource
    headers = set(dataset.headers or [])
    for column in resource.required_columns():
        if column not in headers:
            report.errors.append(RowError(None, column, _("This column is missing.")))
    unknown = sorted(h for h in headers if h and h not in resource.column_names())
    if unknown:
        report.notes.append(_("Columns not used: %(columns)s.") % {"columns": ", ".join(unknown)})
    round_ = importer.round
    if importer.round_bound:
        if round_ is None:
            report.errors.append(RowError(None, None, _("Say which round to import into.")))
        elif round_.is_frozen:
            report.errors.append(
                RowError(
                    None,
                    None,
                    _(
                        "Round %(year)s (version %(version)s) is published and cannot change; "
                        "corrections are published as errata."
                    )
                    % {"year": round_.year, "version": round_.version},
                )
            )
    elif not permissions.can_manage_rounds(importer.actor):
        report.errors.append(
            RowError(
                None,
                None,
                _("Only institute staff import legal acts (reference data shared by every round)."),
            )
        )
    return not report.errors


def _plan(
    importer: _Rows, dataset: tablib.Dataset, report: ImportReport, progress: Progress
) -> None:
    importer.load()
    headers = dataset.headers
    total = len(dataset)
    seen: dict = {}
    for index, cells in enumerate(dataset, start=2):
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue  # blank lines at the end of a sheet
        report.rows += 1
        values, problems = importer.resource.clean_row(dict(zip(headers, cells, strict=False)))
        for column, message in problems:
            importer.error(index, column, message)
        if not problems:
            change = importer.check(index, values, seen)
            if change is not None:
                report.changes.append(change)
        progress("check", index - 1, total)
    report.errors.extend(importer.errors)
    importer.errors = []


def _write(importer: _Rows, report: ImportReport, progress: Progress) -> None:
    many = [c for c in report.changes if c.bulk is not None]
    if many:
        progress("write", 0, len(many))
        importer.write_many(many)  # type: ignore[attr-defined]
        progress("write", len(many), len(many))
    pending = [c for c in report.changes if c.write is not None]
    for done, change in enumerate(pending, start=1):
        try:
            change.write()
        except services.DomainError as exc:
            # The service rolled its own savepoint back; keep going to report every row.
            importer.error_from(change.row, exc)
        progress("write", done, len(pending))
    report.errors.extend(importer.errors)


def run_import(
    *,
    kind: str,
    data: bytes,
    filename: str,
    actor,
    round_: Round | None = None,
    reason: str = "",
    dry_run: bool = True,
    progress: Progress | None = None,
) -> ImportReport:
    """Check a CSV/XLSX file of `kind` rows against `round_`; unless `dry_run`, write it.

    Writes all rows or none. Raises ImportFileError when the file cannot be read;
    every other problem is an error in the returned report.
    """
    if kind not in IMPORTERS:
        raise ImportFileError(_("Unknown kind of rows: %(kind)s.") % {"kind": kind})
    progress = progress or _no_progress
    started = time.perf_counter()
    importer = IMPORTERS[kind](round_=round_, actor=actor, reason=reason, source=filename)
    round_label = f"{round_.year} v{round_.version}" if round_ is not None else ""
    report = ImportReport(kind=kind, round_label=round_label, source=filename, dry_run=dry_run)
    dataset = read_table(data, filename)
    if not _file_checks(importer, dataset, report):
        return report
    if dry_run:
        _plan(importer, dataset, report, progress)
    else:
        try:
            with transaction.atomic():
                if round_ is not None:
                    # Hold the round while writing: it cannot be published half-imported.
                    locked = Round.objects.select_for_update().get(pk=round_.pk)
                    if locked.is_frozen:
                        report.errors.append(
                            RowError(None, None, _("The round was published meanwhile."))
                        )
                        raise _Rollback
                _plan(importer, dataset, report, progress)
                if report.errors:
                    raise _Rollback
                _write(importer, report, progress)
                if report.errors:
                    raise _Rollback
                report.written = True
        except _Rollback:
            report.written = False
    for change in report.changes:
        change.write = None  # the closures hold querysets and users; the report is kept
        change.bulk = None
    report.seconds = time.perf_counter() - started
    return report
