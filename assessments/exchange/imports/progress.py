"""How far a long import or export has come, kept in the cache for the admin's pages to poll."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

from .report import ImportReport

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
CANCEL_KEY = "import-cancel:{token}"


class ImportCancelled(Exception):
    """The person who started the import cancelled it; its transaction is rolled back."""


def request_cancel(token: str) -> None:
    """Ask the import under `token` to stop at its next progress report (or before it starts)."""
    cache.set(CANCEL_KEY.format(token=token), True, PROGRESS_TIMEOUT)


def cancel_requested(token: str) -> bool:
    return bool(cache.get(CANCEL_KEY.format(token=token)))


class CacheProgress:
    """Progress of a long import or export, kept in the cache for a status endpoint to read.

    The admin's pages poll it. It needs a cache shared by the web workers (Redis
    in production, CACHE_URL); the quick start's in-memory cache serves it within
    one process, which is what runserver is.
    """

    def __init__(
        self, token: str, *, every: float = 0.3, cancellable: bool = False, state: str = "running"
    ) -> None:
        self.key = PROGRESS_KEY.format(token=token)
        self.cancel_key = CANCEL_KEY.format(token=token)
        self.every = every
        self.cancellable = cancellable
        self._last = 0.0
        self._set({"state": state, "phase": "start", "done": 0, "total": 0})

    def _set(self, state: dict[str, Any]) -> None:
        cache.set(self.key, {**state, "updated": time.time()}, PROGRESS_TIMEOUT)

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        # A cache write per row would cost more than the row; write a few times a second.
        if done < total and now - self._last < self.every:
            return
        self._last = now
        self._set({"state": "running", "phase": phase, "done": done, "total": total})
        # Asked as often as progress is written (not per row): a cancel stops the import
        # between rows or batches, inside its transaction, so nothing is written.
        if self.cancellable and self.cancel_requested():
            raise ImportCancelled

    def cancel_requested(self) -> bool:
        return bool(cache.get(self.cancel_key))

    def finish(self, *, failed: bool = False, cancelled: bool = False) -> None:
        state = cache.get(self.key) or {}
        ending = "cancelled" if cancelled else "failed" if failed else "done"
        self._set({**state, "state": ending})


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
