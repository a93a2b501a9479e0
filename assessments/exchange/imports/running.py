"""The one entry point: read the file, check every row, and unless it is a preview write all
rows or none under one lock on the round."""

from __future__ import annotations

import time

import tablib
from django.db import transaction
from django.utils.translation import gettext as _

from ... import permissions, services
from ...models import Round
from .checking import _Rows
from .progress import ImportCancelled, Progress, _no_progress
from .ratings import _ConsensusRows, _ExpertRows
from .reading import read_table
from .reference import _CitationRows, _LegalActRows, _ProcessRows
from .report import ImportFileError, ImportReport, RowError

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
    try:
        if dry_run:
            _plan(importer, dataset, report, progress)
        else:
            _plan_and_write(importer, dataset, report, progress, round_)
    except ImportCancelled:
        # Raised between rows or batches; leaving the transaction rolled every write back.
        report.written = False
        report.cancelled = True
    for change in report.changes:
        change.write = None  # the closures hold querysets and users; the report is kept
        change.bulk = None
    report.seconds = time.perf_counter() - started
    return report


def _plan_and_write(
    importer: _Rows,
    dataset: tablib.Dataset,
    report: ImportReport,
    progress: Progress,
    round_: Round | None,
) -> None:
    """Check again and write, in one transaction: all rows or none."""
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
