"""What an import reports: each row created, changed or unchanged, and each error by row and
column."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

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
    cancelled: bool = False  # stopped by the person who started it: nothing written
    file_error: str = ""  # the file as a whole could not be read (ImportFileError), if so
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
