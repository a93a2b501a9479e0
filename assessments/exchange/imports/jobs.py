"""Imports run outside the request, as a task of a durable queue (django-tasks).

The admin's confirmation enqueues `import_job` and answers at once; a worker
(`manage.py db_worker`, the `worker` service of docker-compose.yml) takes it from the
database and runs it: the same run_import() as a preview, in one transaction, writing
all rows or none. Its progress and its report go to the cache (shared with the web
processes through CACHE_URL), where the status page reads them; a cancel asked there
stops it between rows or batches and rolls everything back.

A task outlives the web process that enqueued it: if the worker dies mid-import, its
transaction never commits, nothing is written, and the status page says so once the
progress has gone quiet. In development (the quick start) the immediate backend runs
the task inside the confirming request instead (settings.TASKS, docs/import-export.md).
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
from .report import ImportReport
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
) -> dict[str, Any]:
    """Write the previewed file `file` as user `user`; what happened, for the task's record.

    `token` names the progress and the report in the cache (bound to the user by the view).
    """
    tracker = CacheProgress(token, cancellable=True)
    try:
        round_ = (
            Round.objects.select_related("methodology").get(pk=round_pk)
            if round_pk is not None
            else None
        )
        if tracker.cancel_requested():  # cancelled while it waited in the queue
            report = _cancelled(kind, filename, round_)
        else:
            data = read_kept(file)
            if hashlib.sha256(data).hexdigest() != sha256:
                raise ValueError("The kept file is not the one that was previewed.")
            actor = get_user_model().objects.get(pk=user)
            with translation.override(language):
                report = run_import(
                    kind=kind,
                    data=data,
                    filename=filename,
                    actor=actor,
                    round_=round_,
                    reason=reason,
                    dry_run=False,
                    progress=tracker,
                )
        store_result(token, report)
        tracker.finish(cancelled=report.cancelled)
    except Exception:
        logger.exception("The import %s failed; nothing was written.", token)
        tracker.finish(failed=True)
        raise
    finally:
        # Used: written, refused or cancelled, the file goes (to try again, upload it again).
        remove_kept(file)
    return {
        "written": report.written,
        "cancelled": report.cancelled,
        "rows": report.rows,
        "errors": len(report.errors),
        "seconds": round(report.seconds, 2),
    }


def _cancelled(kind: str, filename: str, round_: Round | None) -> ImportReport:
    label = f"{round_.year} v{round_.version}" if round_ is not None else ""
    return ImportReport(
        kind=kind, round_label=label, source=filename, dry_run=False, cancelled=True
    )
