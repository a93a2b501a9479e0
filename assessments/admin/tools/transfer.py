"""Import and export screens: upload → preview (a dry run) → confirm; exports and data packages.

Progress of long imports and exports: the request does the work and writes its
progress to the cache (imports.CacheProgress) a few times a second; the page
that submitted the form polls `progress/<token>/` and draws a progress bar until
the response arrives. This needs a cache shared by the web workers (Redis via
CACHE_URL in production); with the quick start's in-memory cache it works under
runserver, a single process."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from import_export.tmp_storages import TempFolderStorage

from ... import permissions
from ...exchange import imports, packages, resources
from ...models import Round
from .rounds import figure_rounds, find_round, round_choices, round_key, visible_rounds

logger = logging.getLogger(__name__)

# --- progress ---------------------------------------------------------------------------------


def _progress_token(request: HttpRequest, token: str) -> str:
    # Bound to the user: nobody reads another user's progress by guessing a token.
    return f"{request.user.pk}-{token}"


def _token_of(request: HttpRequest) -> str | None:
    token = request.POST.get("progress") or request.GET.get("progress")
    try:
        return str(uuid.UUID(token or ""))  # the form's spelling → the status URL's
    except ValueError:
        return None


def _new_progress(request: HttpRequest) -> imports.CacheProgress | None:
    token = _token_of(request)
    return imports.CacheProgress(_progress_token(request, token)) if token else None


@require_GET
def progress(request: HttpRequest, token: uuid.UUID) -> JsonResponse:
    state = imports.read_progress(_progress_token(request, str(token)))
    response = JsonResponse(state or {"state": "unknown"})
    response["Cache-Control"] = "no-store"
    return response


# --- import -----------------------------------------------------------------------------------


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("rows"))
    round = forms.ChoiceField(
        label=gettext_lazy("into round"),
        required=False,
        help_text=gettext_lazy("Not needed for legal acts, which every round shares."),
    )
    file = forms.FileField(
        label=gettext_lazy("file"),
        help_text=gettext_lazy("CSV (UTF-8) or XLSX, with the columns of an export."),
    )
    reason = forms.CharField(
        label=gettext_lazy("reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Recorded in the history of every change, for rows without a reason of their own."
        ),
    )

    def __init__(self, *args, rounds: list[Round], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rounds = [r for r in rounds if not r.is_frozen]
        self.fields["kind"].choices = resources.kind_labels()
        self.fields["round"].choices = [("", "—"), *round_choices(self.rounds)]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["round_obj"] = find_round(self.rounds, data.get("round"))
        if data.get("kind") != "legal-acts" and data["round_obj"] is None:
            self.add_error("round", _("Choose the round to import into."))
        upload = data.get("file")
        if upload is not None and upload.size > imports.MAX_UPLOAD_BYTES:
            self.add_error(
                "file",
                _("The file is too big: at most %(mb)s MB.")
                % {"mb": imports.MAX_UPLOAD_BYTES // 2**20},
            )
        return data


PENDING_SALT = "assessments.import.pending"
PENDING_MAX_AGE = 3600  # seconds a preview may wait for its confirmation
PENDING_PREFIX = "accountability-import-"
PENDING_NAME = re.compile(r"^accountability-import-[0-9a-f]{32}$")


def preview_folder() -> Path:
    """Where uploaded files wait between preview and confirmation: a folder only this
    service's user may open (0700), never the world-readable temporary folder itself.
    IMPORT_PREVIEW_DIR names it; by default a folder of the user's own in the temporary one."""
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


def _keep_file(data: bytes) -> str:
    """Keep the uploaded file until the confirmation; return its name (signed into the
    confirm form). Files of previews never confirmed are removed once they have expired."""
    remove_stale_previews()
    name = f"{PENDING_PREFIX}{uuid.uuid4().hex}"
    PendingFile(name=name, read_mode="rb").save(data)
    return name


def _pending(
    request: HttpRequest,
    *,
    name: str,
    kind: str,
    round_: Round | None,
    reason: str,
    filename: str,
    data: bytes,
    writes: int,
) -> str:
    """A signed ticket for the confirmation: this user, this file, this round, this reason."""
    return signing.dumps(
        {
            "user": request.user.pk,
            "name": name,
            "kind": kind,
            "round": round_.pk if round_ else None,
            "reason": reason,
            "filename": filename,
            "sha256": hashlib.sha256(data).hexdigest(),
            "writes": writes,
        },
        salt=PENDING_SALT,
    )


def _import_page(request: HttpRequest, context: dict[str, Any]) -> TemplateResponse:
    return TemplateResponse(
        request,
        "admin/assessments/tools/import.html",
        {
            **admin.site.each_context(request),
            "title": _("Import rows"),
            "progress_token": uuid.uuid4().hex,
            "limits": {
                "mb": imports.MAX_UPLOAD_BYTES // 2**20,
                "rows": imports.MAX_ROWS,
            },
            **context,
        },
    )


PREVIEW_LIMIT = 500  # rows of changes shown; the counts cover all


@require_http_methods(["GET", "POST"])
def import_rows(request: HttpRequest) -> TemplateResponse:
    """Upload → preview (a dry run: every row checked, nothing written) → confirm."""
    rounds = visible_rounds(request.user)
    initial = {"kind": request.GET.get("kind", "ratings"), "round": request.GET.get("round", "")}
    form = ImportForm(request.POST or None, request.FILES or None, rounds=rounds, initial=initial)
    if request.method != "POST" or not form.is_valid():
        return _import_page(request, {"form": form})
    data = form.cleaned_data["file"].read()
    round_, kind = form.cleaned_data["round_obj"], form.cleaned_data["kind"]
    reason = form.cleaned_data["reason"]
    tracker = _new_progress(request)
    try:
        report = imports.run_import(
            kind=kind,
            data=data,
            filename=form.cleaned_data["file"].name,
            actor=request.user,
            round_=round_,
            reason=reason,
            dry_run=True,
            progress=tracker,
        )
    except imports.ImportFileError as exc:
        form.add_error("file", str(exc))
        return _import_page(request, {"form": form})
    finally:
        if tracker is not None:
            tracker.finish()
    ticket = None
    writes = report.count(imports.CREATE) + report.count(imports.UPDATE)
    if report.ok and writes:
        name = _keep_file(data)
        ticket = _pending(
            request,
            name=name,
            kind=kind,
            round_=round_,
            reason=reason,
            filename=report.source,
            data=data,
            writes=writes,
        )
    return _import_page(
        request,
        {
            "form": form,
            "report": report,
            "ticket": ticket,
            "round": round_,
            "shown_changes": _shown(report),
        },
    )


def _shown(report: imports.ImportReport) -> list[imports.RowChange]:
    changed = [c for c in report.changes if c.action != imports.UNCHANGED]
    return changed[:PREVIEW_LIMIT]


@require_http_methods(["POST"])
def import_confirm(request: HttpRequest) -> HttpResponse:
    """Write the previewed file: the same checks again, then all rows or none.

    A file with more than BACKGROUND_ROWS changes is written in the background
    (a web request would time out): the page then follows its progress.
    """
    try:
        pending = signing.loads(
            request.POST.get("ticket", ""), salt=PENDING_SALT, max_age=PENDING_MAX_AGE
        )
    except signing.BadSignature:
        messages.error(request, _("This preview has expired: upload the file again."))
        return redirect("assessment_tools:import")
    if pending["user"] != request.user.pk or not PENDING_NAME.match(pending["name"]):
        raise Http404
    storage = PendingFile(name=pending["name"], read_mode="rb")
    try:
        data = storage.read()
    except FileNotFoundError:
        messages.error(request, _("This preview has expired: upload the file again."))
        return redirect("assessment_tools:import")
    if hashlib.sha256(data).hexdigest() != pending["sha256"]:
        raise Http404
    round_ = None
    if pending["round"] is not None:
        round_ = Round.objects.select_related("methodology").filter(pk=pending["round"]).first()
        if round_ is None:
            raise Http404
    run = {
        "kind": pending["kind"],
        "data": data,
        "filename": pending["filename"],
        "round_": round_,
        "reason": pending["reason"],
        "dry_run": False,
    }
    if pending.get("writes", 0) > BACKGROUND_ROWS:
        token = _token_of(request) or str(uuid.uuid4())
        _write_in_background(request, token, pending["name"], run)
        return redirect("assessment_tools:import-status", token=token)
    tracker = _new_progress(request)
    try:
        report = imports.run_import(actor=request.user, progress=tracker, **run)
    finally:
        if tracker is not None:
            tracker.finish()
        # Used: written or refused, the file goes (to try again, upload it again).
        with contextlib.suppress(OSError):
            storage.remove()
    return _import_result(request, report, pending["kind"], round_)


def _import_result(
    request: HttpRequest, report: imports.ImportReport, kind: str, round_: Round | None
) -> TemplateResponse:
    if report.written:
        messages.success(
            request,
            _("Imported %(file)s: %(summary)s Written in %(seconds).1f s.")
            % {"file": report.source, "summary": report.summary(), "seconds": report.seconds},
        )
    form = ImportForm(
        rounds=visible_rounds(request.user),
        initial={"kind": kind, "round": round_key(round_) if round_ else ""},
    )
    return _import_page(
        request,
        {
            "form": form,
            "report": report,
            "round": round_,
            "ticket": None,
            "shown_changes": _shown(report),
            "confirmed": True,
        },
    )


# Imports with more changes than this are written in a thread of the web process, after
# the response: a request would outlast gunicorn's timeout (the services cost a few ms
# per row). If the process dies meanwhile, its transaction never commits: nothing is
# written, and the status page says the import was interrupted.
BACKGROUND_ROWS = getattr(settings, "IMPORT_BACKGROUND_ROWS", 500)
background_imports: list[threading.Thread] = []  # tests join them


def _write_in_background(request: HttpRequest, token: str, file_name: str, run: dict) -> None:
    key = _progress_token(request, token)
    user_pk, language = request.user.pk, translation.get_language()
    tracker = imports.CacheProgress(key)  # "running" before the status page first looks

    def work() -> None:
        try:
            with translation.override(language):
                actor = get_user_model().objects.get(pk=user_pk)
                report = imports.run_import(actor=actor, progress=tracker, **run)
                imports.store_result(key, report)
                tracker.finish()
        except Exception:
            logger.exception("The background import %s failed; nothing was written.", key)
            tracker.finish(failed=True)
        finally:
            with contextlib.suppress(OSError):
                PendingFile(name=file_name, read_mode="rb").remove()
            connections.close_all()  # this thread's own connections

    thread = threading.Thread(target=work, name=f"import-{token}", daemon=True)
    background_imports[:] = [t for t in background_imports if t.is_alive()]
    background_imports.append(thread)
    thread.start()


@require_GET
def import_status(request: HttpRequest, token: uuid.UUID) -> TemplateResponse:
    """A background import: its progress while it runs, its report when it is done."""
    key = _progress_token(request, str(token))
    report = imports.read_result(key)
    if report is not None:
        round_ = None
        if report.round_label:
            round_ = find_round(visible_rounds(request.user), report.round_label.replace(" ", "-"))
        return _import_result(request, report, report.kind, round_)
    state = imports.read_progress(key)
    if state is None:
        raise Http404
    return _import_page(
        request,
        {
            "form": None,
            "running": state,
            "running_token": str(token),
        },
    )


# --- export -----------------------------------------------------------------------------------


class ExportForm(forms.Form):
    round = forms.ChoiceField(label=gettext_lazy("round"), required=False)
    kind = forms.ChoiceField(label=gettext_lazy("what"))
    file_format = forms.ChoiceField(
        label=gettext_lazy("format"), choices=[("xlsx", "XLSX"), ("csv", "CSV")], initial="xlsx"
    )

    PACKAGE = "package"

    def __init__(self, *args, rounds: list[Round], whole: list[Round], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rounds = rounds
        self.whole = {r.pk for r in whole}
        self.fields["round"].choices = [("", "—"), *round_choices(rounds)]
        self.fields["kind"].choices = [
            *resources.kind_labels(),
            (self.PACKAGE, _("the whole round as a data package (zip: CSV + JSON + method note)")),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        round_ = data["round_obj"] = find_round(self.rounds, data.get("round"))
        if data.get("kind") != "legal-acts" and round_ is None:
            self.add_error("round", _("Choose a round."))
        elif data.get("kind") == self.PACKAGE and round_.pk not in self.whole:
            # A package holds the round's figures, computed from every pair.
            self.add_error(
                "kind",
                _(
                    "The data package holds the whole round, and you see only the pairs "
                    "your panel covers: export its rows instead."
                ),
            )
        return data


# What each kind of rows is narrowed to: the rows the exporting user may see.
EXPORT_VISIBILITY = {
    "ratings": permissions.visible_ratings,
    "expert-ratings": permissions.visible_expert_ratings,
    "processes": permissions.visible_assessments,
    "citations": permissions.visible_citations,
}


@require_GET
def export_rows(request: HttpRequest) -> HttpResponse:
    rounds = visible_rounds(request.user)
    # Links may preselect a round or a kind; the form's own submission carries the format.
    form = ExportForm(
        request.GET if "file_format" in request.GET else None,
        rounds=rounds,
        whole=figure_rounds(request.user),
        initial={"round": request.GET.get("round", ""), "kind": request.GET.get("kind", "")},
    )
    if not form.is_bound or not form.is_valid():
        return TemplateResponse(
            request,
            "admin/assessments/tools/export.html",
            {
                **admin.site.each_context(request),
                "title": _("Export rows"),
                "form": form,
                "progress_token": uuid.uuid4().hex,
            },
        )
    round_, kind, fmt = (
        form.cleaned_data["round_obj"],
        form.cleaned_data["kind"],
        form.cleaned_data["file_format"],
    )
    tracker = _new_progress(request)
    try:
        if kind == ExportForm.PACKAGE:
            # README.md in the admin's language; the other languages' beside it.
            data = packages.build_round_package(round_, language=translation.get_language())
            filename, content_type = f"{packages.package_name(round_)}.zip", "application/zip"
        else:
            visible = EXPORT_VISIBILITY.get(kind)
            within = visible(request.user) if visible is not None else None
            data = resources.export_rows(kind, round_, fmt, progress=tracker, within=within)
            filename = resources.export_filename(kind, round_, fmt)
            content_type = resources.FORMATS[fmt].get_content_type()
    finally:
        if tracker is not None:
            tracker.finish()
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def tools_index(request: HttpRequest) -> HttpResponse:
    return redirect(reverse("assessment_tools:compare"))
