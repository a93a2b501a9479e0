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
   writes every change through services/ (set_consensus, record_expert_rating,
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

from .progress import (
    PROGRESS_KEY,
    PROGRESS_STALE_SECONDS,
    CacheProgress,
    ImportCancelled,
    Progress,
    cancel_requested,
    read_progress,
    read_result,
    request_cancel,
    store_result,
)
from .reading import (
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    MAX_XLSX_MEMBERS,
    MAX_XLSX_UNCOMPRESSED_BYTES,
    check_xlsx_archive,
    file_format,
    read_table,
)
from .report import (
    CREATE,
    UNCHANGED,
    UPDATE,
    FieldChange,
    ImportFileError,
    ImportReport,
    RowChange,
    RowError,
)
from .running import IMPORTERS, run_import

__all__ = [
    "CREATE",
    "IMPORTERS",
    "MAX_ROWS",
    "MAX_UPLOAD_BYTES",
    "MAX_XLSX_MEMBERS",
    "MAX_XLSX_UNCOMPRESSED_BYTES",
    "PROGRESS_KEY",
    "PROGRESS_STALE_SECONDS",
    "UNCHANGED",
    "UPDATE",
    "CacheProgress",
    "FieldChange",
    "ImportCancelled",
    "ImportFileError",
    "ImportReport",
    "Progress",
    "RowChange",
    "RowError",
    "cancel_requested",
    "check_xlsx_archive",
    "file_format",
    "read_progress",
    "read_result",
    "read_table",
    "request_cancel",
    "run_import",
    "store_result",
]
