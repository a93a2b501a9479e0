"""Import and export screens: upload → preview (a dry run) → confirm; exports and data packages.

The confirmed import is not written by the request: it is enqueued as a task
(imports.jobs.import_job) that a worker runs, and the request answers with the
import's status page, which follows its progress and offers to cancel it.

Progress of previews, imports and exports is written to the cache (imports.CacheProgress)
a few times a second; the pages poll `progress/<token>/` and draw a progress bar. This
needs a cache shared by the web processes and the worker (Redis via CACHE_URL in
production); with the quick start's in-memory cache it works under runserver, a single
process that also runs the task (the immediate backend)."""

from __future__ import annotations

import hashlib
import logging
import uuid
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core import signing
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from ... import permissions
from ...exchange import imports, packages, resources
from ...exchange.imports.jobs import import_job, writes_of
from ...exchange.imports.previews import PENDING_MAX_AGE, keep_file, read_kept
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


JOB_KEY = "import-job:{token}"  # what a queued import was asked to do, for its status page


def _enqueue(request: HttpRequest, token: str, job: dict[str, Any]) -> str:
    """Queue `job` (import_job's arguments but the token) under the user's `token`; the key
    of its progress and report."""
    key = _progress_token(request, token)
    # "queued" before the status page first looks; the worker says "running" when it starts.
    imports.CacheProgress(key, state="queued")
    cache.set(JOB_KEY.format(token=key), job, imports.progress.PROGRESS_TIMEOUT)
    import_job.enqueue(token=key, language=translation.get_language(), **job)
    return key


def _ticket(request: HttpRequest, job: dict[str, Any], report: imports.ImportReport) -> str | None:
    """A signed ticket for the confirmation of a preview with something to write: this user,
    this file, this round, this reason."""
    writes = writes_of(report)
    if not (report.ok and writes and not report.cancelled):
        return None
    fields = ("file", "kind", "round_pk", "reason", "filename", "sha256")
    return signing.dumps(
        {"user": request.user.pk, **{f: job[f] for f in fields}, "writes": writes},
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
    round_ = form.cleaned_data["round_obj"]
    token = _token_of(request) or str(uuid.uuid4())
    job = {
        "user": request.user.pk,
        "file": keep_file(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "kind": form.cleaned_data["kind"],
        "filename": form.cleaned_data["file"].name,
        "round_pk": round_.pk if round_ else None,
        "reason": form.cleaned_data["reason"],
        "dry_run": True,
    }
    key = _enqueue(request, token, job)
    report = imports.read_result(key)
    if report is None:  # a worker will check it: its status page follows
        return redirect("assessment_tools:import-status", token=token)
    # Checked already (the immediate backend): the preview, on the page that was posted.
    return _preview_page(request, form, report, job)


def _round_of(request: HttpRequest, pk: int | None) -> Round | None:
    return next((r for r in visible_rounds(request.user) if r.pk == pk), None)


def _preview_page(
    request: HttpRequest, form: ImportForm, report: imports.ImportReport, job: dict[str, Any]
) -> TemplateResponse:
    if report.file_error:
        if not form.is_bound:  # the status page's form: shown again with the file's error
            form.full_clean()
            form.cleaned_data = {}
        form.add_error("file", report.file_error)
        return _import_page(request, {"form": form})
    return _import_page(
        request,
        {
            "form": form,
            "report": report,
            "ticket": _ticket(request, job, report),
            "round": _round_of(request, job["round_pk"]),
            "shown_changes": _shown(report),
        },
    )


def _shown(report: imports.ImportReport) -> list[imports.RowChange]:
    changed = [c for c in report.changes if c.action != imports.UNCHANGED]
    return changed[:PREVIEW_LIMIT]


@require_http_methods(["POST"])
def import_confirm(request: HttpRequest) -> HttpResponse:
    """Write the previewed file: enqueue it (the same checks again, then all rows or none)
    and show its status page. Under the immediate backend (development) the task has run
    by the time enqueue returns, and its report is shown at once."""
    try:
        pending = signing.loads(
            request.POST.get("ticket", ""), salt=PENDING_SALT, max_age=PENDING_MAX_AGE
        )
    except signing.BadSignature:
        messages.error(request, _("This preview has expired: upload the file again."))
        return redirect("assessment_tools:import")
    if pending["user"] != request.user.pk:
        raise Http404
    try:
        data = read_kept(pending["file"])
    except FileNotFoundError:
        messages.error(request, _("This preview has expired: upload the file again."))
        return redirect("assessment_tools:import")
    if hashlib.sha256(data).hexdigest() != pending["sha256"]:
        raise Http404
    if (
        pending["round_pk"] is not None
        and not Round.objects.filter(pk=pending["round_pk"]).exists()
    ):
        raise Http404
    token = _token_of(request) or str(uuid.uuid4())
    fields = ("user", "file", "sha256", "kind", "filename", "round_pk", "reason")
    _enqueue(request, token, {**{f: pending[f] for f in fields}, "dry_run": False})
    return redirect("assessment_tools:import-status", token=token)


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


@require_GET
def import_status(request: HttpRequest, token: uuid.UUID) -> TemplateResponse:
    """An import in the queue: its progress while it waits or runs (with a Cancel button),
    its report when it is done."""
    key = _progress_token(request, str(token))
    report = imports.read_result(key)
    job = cache.get(JOB_KEY.format(token=key))
    if report is not None and report.dry_run and job is not None:
        form = ImportForm(
            rounds=visible_rounds(request.user),
            initial={
                "kind": job["kind"],
                "round": round_key(round_)
                if (round_ := _round_of(request, job["round_pk"]))
                else "",
                "reason": job["reason"],
            },
        )
        return _preview_page(request, form, report, job)
    if report is not None:
        round_ = None
        if report.round_label:
            round_ = find_round(visible_rounds(request.user), report.round_label.replace(" ", "-"))
        return _import_result(request, report, report.kind, round_)
    state = imports.read_progress(key)
    if state is None:
        raise Http404
    if state.get("state") in ("failed", "interrupted"):
        # Its transaction never committed: say so, and offer the form to try again.
        return _import_page(
            request,
            {"form": ImportForm(rounds=visible_rounds(request.user)), "stopped": state["state"]},
        )
    return _import_page(
        request,
        {
            "form": None,
            "running": state,
            "running_token": str(token),
            "previewing": bool(job and job.get("dry_run")),
            "cancelling": imports.cancel_requested(key),
        },
    )


@require_http_methods(["POST"])
def import_cancel(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    """Stop the user's own import between rows or batches: nothing of it is written."""
    key = _progress_token(request, str(token))
    state = imports.read_progress(key)
    if state is None:
        raise Http404
    if state.get("state") in ("queued", "running"):
        imports.request_cancel(key)
    return redirect("assessment_tools:import-status", token=token)


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
