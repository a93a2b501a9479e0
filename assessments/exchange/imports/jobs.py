"""Imports run outside the request, as tasks of a durable queue (django-tasks).

The admin's upload (the preview) and its confirmation each enqueue `import_job` and
answer at once; a worker (`manage.py db_worker`, the `worker` service of
docker-compose.yml) takes the task from the database and runs run_import(): a preview
checks every row and writes nothing; a confirmed import checks again and writes all
rows or none, in one transaction. Progress and report go to the cache (shared with the
web processes through CACHE_URL), where the status page reads them; a cancel asked
there stops the task between rows or batches and rolls everything back. So no upload,
however large or hostile, is parsed by a web process in production.

A task outlives the web process that enqueued it: if the worker dies mid-import, its
transaction never commits, nothing is written, and the status page says so once the
progress has gone quiet. In development (the quick start) the immediate backend runs
the task inside the request instead (settings.TASKS, docs/import-export.md).
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import translation
from django_tasks import task

from ...models import Round
from .previews import read_kept, remove_kept
from .progress import CacheProgress, store_result
from .report import CREATE, UPDATE, ImportFileError, ImportReport, RowError
from .running import run_import

logger = logging.getLogger(__name__)


@task()
def import_job(
    *,
    token: str,
    user: int,
    file: str,
    sha256: str,
    kind: str,
    filename: str,
    round_pk: int | None,
    reason: str,
    language: str,
    dry_run: bool = False,
) -> dict[str, Any]:
    """Check (`dry_run`: the preview) or write the kept file `file` as user `user`; what
    happened, for the task's record.

    `token` names the progress and the report in the cache (bound to the user by the view).
    A preview with changes to write keeps the file for its confirmation; every other run
    removes it.
    """
    tracker = CacheProgress(token, cancellable=True)
    try:
        round_ = (
            Round.objects.select_related("methodology").get(pk=round_pk)
            if round_pk is not None
            else None
        )
        if tracker.cancel_requested():  # cancelled while it waited in the queue
            report = _cancelled(kind, filename, round_, dry_run)
        else:
            data = read_kept(file)
            if hashlib.sha256(data).hexdigest() != sha256:
                raise ValueError("The kept file is not the one that was previewed.")
            actor = get_user_model().objects.get(pk=user)
            with translation.override(language):
                try:
                    report = run_import(
                        kind=kind,
                        data=data,
                        filename=filename,
                        actor=actor,
                        round_=round_,
                        reason=reason,
                        dry_run=dry_run,
                        progress=tracker,
                    )
                except ImportFileError as exc:
                    report = _refused(kind, filename, round_, dry_run, str(exc))
        store_result(token, report)
        tracker.finish(cancelled=report.cancelled)
    except Exception:
        logger.exception("The import %s failed; nothing was written.", token)
        tracker.finish(failed=True)
        remove_kept(file)
        raise
    # Used: written, refused or cancelled, the file goes (to try again, upload it again);
    # a preview keeps it for the confirmation when there is something to write.
    if not (dry_run and report.ok and not report.cancelled and writes_of(report)):
        remove_kept(file)
    return {
        "dry_run": dry_run,
        "written": report.written,
        "cancelled": report.cancelled,
        "rows": report.rows,
        "errors": len(report.errors),
        "seconds": round(report.seconds, 2),
    }


def writes_of(report: ImportReport) -> int:
    """How many rows the report's file would create or change."""
    return report.count(CREATE) + report.count(UPDATE)


def _label(round_: Round | None) -> str:
    return f"{round_.year} v{round_.version}" if round_ is not None else ""


def _cancelled(kind: str, filename: str, round_: Round | None, dry_run: bool) -> ImportReport:
    return ImportReport(
        kind=kind, round_label=_label(round_), source=filename, dry_run=dry_run, cancelled=True
    )


def _refused(
    kind: str, filename: str, round_: Round | None, dry_run: bool, message: str
) -> ImportReport:
    report = ImportReport(kind=kind, round_label=_label(round_), source=filename, dry_run=dry_run)
    report.file_error = message
    report.errors.append(RowError(None, None, message))
    return report
