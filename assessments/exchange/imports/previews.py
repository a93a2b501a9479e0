"""Uploaded files between their preview and their import: kept privately, used once.

The file waits in a folder only this service's user may open (0700; each file 0600),
never the world-readable temporary folder itself. It is removed when its import has run
(written, refused or cancelled) and, if never confirmed, once it is older than an hour.
The web process writes it and the worker that runs the import reads it: in production
both mount the same private volume as IMPORT_PREVIEW_DIR (docker-compose.yml).
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from import_export.tmp_storages import TempFolderStorage

PENDING_MAX_AGE = 3600  # seconds a preview may wait for its confirmation
PENDING_PREFIX = "accountability-import-"
PENDING_NAME = re.compile(r"^accountability-import-[0-9a-f]{32}$")


def preview_folder() -> Path:
    """The private folder: IMPORT_PREVIEW_DIR, or by default a folder of the user's own in the
    temporary one."""
    configured = getattr(settings, "IMPORT_PREVIEW_DIR", "")
    folder = (
        Path(configured)
        if configured
        else Path(tempfile.gettempdir()) / f"accountability-imports-{os.getuid()}"
    )
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = folder.stat()
    if info.st_uid != os.getuid():
        raise ImproperlyConfigured(f"{folder} belongs to another user: not a private folder.")
    if info.st_mode & 0o077:
        folder.chmod(0o700)
    return folder


class PendingFile(TempFolderStorage):
    """import-export's temporary folder storage, as its admin uses between preview and
    confirmation, in the private folder; written in binary, readable by this user only."""

    def get_full_path(self) -> str:
        return str(preview_folder() / self.name)

    def save(self, data: bytes) -> None:
        descriptor = os.open(self.get_full_path(), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)


def remove_stale_previews() -> int:
    """Remove the files of previews older than PENDING_MAX_AGE; how many were removed."""
    removed = 0
    for stale in preview_folder().glob(PENDING_PREFIX + "*"):
        with contextlib.suppress(OSError):
            if time.time() - stale.stat().st_mtime > PENDING_MAX_AGE:
                stale.unlink()
                removed += 1
    return removed


def keep_file(data: bytes) -> str:
    """Keep the uploaded file until the confirmation; return its name. Files of previews
    never confirmed are removed once they have expired."""
    remove_stale_previews()
    name = f"{PENDING_PREFIX}{uuid.uuid4().hex}"
    PendingFile(name=name, read_mode="rb").save(data)
    return name


def read_kept(name: str) -> bytes:
    """The kept file `name`; FileNotFoundError when it has expired or was used."""
    if not PENDING_NAME.match(name):
        raise FileNotFoundError(name)
    return PendingFile(name=name, read_mode="rb").read()


def remove_kept(name: str) -> None:
    if PENDING_NAME.match(name):
        with contextlib.suppress(OSError):
            PendingFile(name=name, read_mode="rb").remove()
