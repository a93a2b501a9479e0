"""Admin tools beside the model pages: compare rounds, their charts, import and export.

Mounted by admin_urls.py at /<lang>/admin/assessments/tools/, every view behind
admin.site.admin_view (an active admin user). The views are thin: reads come
from comparison.py, selectors.py and charts.py, writes from imports.py (which
calls services.py), files from resources.py and packages.py. What a user may
see or change is decided by permissions.py and the services, as everywhere.

A round is named in query strings as `2016-v1` (year and version), or `2016`
for the latest version of a year the user may see.

Progress of long imports and exports: the request does the work and writes its
progress to the cache (imports.CacheProgress) a few times a second; the page
that submitted the form polls `progress/<token>/` and draws a progress bar until
the response arrives. This needs a cache shared by the web workers (Redis via
CACHE_URL in production); with the quick start's in-memory cache it works under
runserver, a single process.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core import signing
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

from . import charts, comparison, imports, packages, permissions, resources, scoring, selectors
from .models import Dimension, Pair, Round

logger = logging.getLogger(__name__)

# --- rounds by name ------------------------------------------------------------------------

ROUND_KEY = re.compile(r"^(?P<year>[0-9]{4})(?:-v(?P<version>[0-9]{1,4}))?$")


def round_key(round_: Round) -> str:
    return f"{round_.year}-v{round_.version}"


def visible_rounds(user) -> list[Round]:
    """The rounds this user may see, newest first (staff: all; others: published and their own)."""
    rounds = Round.objects.select_related("methodology").order_by("-year", "-version")
    if permissions.is_staff_member(user):
        return list(rounds)
    mine = set(Round.objects.filter(panels__memberships__user=user).values_list("pk", flat=True))
    return [r for r in rounds if r.is_frozen or r.pk in mine]


def find_round(rounds: list[Round], key: str | None) -> Round | None:
    match = ROUND_KEY.match((key or "").strip())
    if match is None:
        return None
    year, version = int(match["year"]), match["version"]
    for round_ in rounds:  # newest first: "2016" finds the latest version
        if round_.year == year and (version is None or round_.version == int(version)):
            return round_
    return None


def round_choices(rounds: list[Round]) -> list[tuple[str, str]]:
    return [(round_key(r), f"{r} — {r.get_status_display()}") for r in rounds]


# --- comparison -------------------------------------------------------------------------------


class CompareForm(forms.Form):
    before = forms.ChoiceField(label=gettext_lazy("earlier round"), required=False)
    after = forms.ChoiceField(label=gettext_lazy("later round"), required=False)
    year_from = forms.IntegerField(
        label=gettext_lazy("or years from"), required=False, min_value=1900, max_value=2200
    )
    year_to = forms.IntegerField(
        label=gettext_lazy("to"), required=False, min_value=1900, max_value=2200
    )

    def __init__(self, *args, rounds: list[Round], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rounds = rounds
        choices = [("", "—"), *round_choices(rounds)]
        self.fields["before"].choices = choices
        self.fields["after"].choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        before, after = (
            find_round(self.rounds, data.get("before")),
            find_round(self.rounds, data.get("after")),
        )
        if after is not None and before is None and not data.get("before"):
            # "Compare with…" from a round's page names the later round only: take the round
            # it was started from, else the latest earlier one.
            earlier = [r for r in self.rounds if (r.year, r.version) < (after.year, after.version)]
            before = next((r for r in earlier if r.pk == after.previous_id), None) or next(
                iter(earlier), None
            )
            if before is not None:
                data["before"] = round_key(before)
        if before is not None and after is not None:
            if before.pk == after.pk:
                raise forms.ValidationError(_("Choose two different rounds."))
            data["pair"] = (before, after)
            data["series"] = _series_between(self.rounds, before, after)
            return data
        year_from, year_to = data.get("year_from"), data.get("year_to")
        if year_from and year_to:
            low, high = sorted((year_from, year_to))
            in_range = _current_versions(r for r in self.rounds if low <= r.year <= high)
            if len(in_range) < 2:
                raise forms.ValidationError(
                    _("There are fewer than two rounds from %(low)s to %(high)s.")
                    % {"low": low, "high": high}
                )
            data["pair"] = (in_range[0], in_range[-1])
            data["series"] = in_range
            return data
        if any(data.get(k) for k in ("before", "after", "year_from", "year_to")):
            raise forms.ValidationError(_("Choose two rounds, or a first and a last year."))
        data["pair"] = None
        return data


def _current_versions(rounds) -> list[Round]:
    """The latest version of each year (errata replace what they correct), oldest first."""
    latest: dict[int, Round] = {}
    for r in rounds:
        if r.status == Round.Status.SUPERSEDED:
            continue
        if r.year not in latest or r.version > latest[r.year].version:
            latest[r.year] = r
    return [latest[y] for y in sorted(latest)]


def _series_between(rounds: list[Round], before: Round, after: Round) -> list[Round]:
    """Each pair's index across the years: the published rounds between the two, and both."""
    low, high = sorted((before.year, after.year))
    between = [r for r in rounds if r.is_frozen and low < r.year < high]
    series = _current_versions(between)
    return sorted([before, after, *series], key=lambda r: (r.year, r.version))


def _pct(value: Fraction | None) -> Decimal | None:
    return scoring.percent(value)


@dataclass
class DeltaRow:
    key: str
    name: str
    before: Decimal | None
    after: Decimal | None
    delta: Decimal | None

    @property
    def before_text(self) -> str:
        return "–" if self.before is None else f"{self.before}%"

    @property
    def after_text(self) -> str:
        return "–" if self.after is None else f"{self.after}%"

    @property
    def delta_text(self) -> str:
        if self.delta is None:
            return "–"
        sign = "+" if self.delta > 0 else "−" if self.delta < 0 else "±"
        return _("%(sign)s%(points)s pp") % {"sign": sign, "points": abs(self.delta)}

    @property
    def direction(self) -> str:
        if self.delta is None or self.delta == 0:
            return "same"
        return "up" if self.delta > 0 else "down"


def _delta_rows(deltas: list[comparison.Delta], names: dict[str, str]) -> list[DeltaRow]:
    return [
        DeltaRow(d.key, names.get(d.key, d.key), _pct(d.before), _pct(d.after), _pct(d.delta))
        for d in deltas
    ]


def comparison_context(before: Round, after: Round, series_rounds: list[Round]) -> dict[str, Any]:
    """Everything the comparison screen shows; no query depends on the number of processes."""
    result = comparison.compare_rounds(before, after)
    dimension_names: dict[str, str] = {}
    for d in Dimension.objects.filter(
        methodology_id__in={before.methodology_id, after.methodology_id}
    ).order_by("methodology_id", "position"):
        dimension_names.setdefault(d.code, d.name)
    pair_names = dict(Pair.objects.values_list("code", "name"))
    principal_names = comparison.principal_names()
    # compare_rounds gives every process the same dimensions, in the same order.
    codes = [r.dimension for r in result.processes[0].ratings] if result.processes else []
    dimensions = [(code, dimension_names.get(code, code)) for code in codes]

    pairs: OrderedDict[str, dict[str, Any]] = OrderedDict()
    for p in result.processes:
        entry = pairs.setdefault(
            p.pair, {"pair": p.pair, "name": pair_names.get(p.pair, p.pair), "processes": []}
        )
        entry["processes"].append(
            {
                "row": p,
                "score_before": _pct(p.score_before) if p.included_before else None,
                "score_after": _pct(p.score_after) if p.included_after else None,
            }
        )

    round_charts = []
    for r in (before, after):
        titles = chart_titles(r)
        svgs = charts.round_charts(selectors.round_report(r).as_dict(), titles)
        round_charts.append(
            {
                "round": r,
                "key": round_key(r),
                "charts": [(name, titles[name], svgs[name]) for name in ROUND_CHARTS],
            }
        )

    return {
        "before": before,
        "after": after,
        "before_key": round_key(before),
        "after_key": round_key(after),
        "comparison": result,
        "methodology_warning": _methodology_warning(result),
        "dimensions": dimensions,
        "pairs": list(pairs.values()),
        "added": [p for p in result.processes if p.status == comparison.ADDED],
        "dropped": [p for p in result.processes if p.status == comparison.DROPPED],
        "renamed": [p for p in result.processes if p.renamed],
        "changed_ratings": sum(
            1
            for p in result.processes
            for r in p.ratings
            if r.changed and p.title_before and p.title_after
        ),
        "pair_deltas": _delta_rows(result.pairs, pair_names),
        "dimension_deltas": _delta_rows(result.dimensions, dimension_names),
        "principal_deltas": _delta_rows(result.principals, principal_names),
        "overall": _delta_rows([result.overall], {"overall": _("overall index")})[0],
        "round_charts": round_charts,
        "series": series_chart(series_rounds),
        "series_keys": ",".join(round_key(r) for r in series_rounds),
    }


ROUND_CHARTS = ("dimensions", "principals", "pairs")


def chart_titles(round_: Round) -> dict[str, str]:
    """The study's three diagrams, titled in the active language."""
    return {
        "dimensions": _("Dimension totals, %(round)s") % {"round": round_.year},
        "principals": _("Share of working processes by principal, %(round)s")
        % {"round": round_.year},
        "pairs": _("Real vs ideal, per pair, %(round)s") % {"round": round_.year},
    }


def _methodology_warning(result: comparison.RoundComparison) -> str | None:
    # comparison.methodology_warning says the same in English only; this one is translated.
    if result.same_methodology:
        return None
    return _(
        "The rounds use different methodologies (%(before)s and %(after)s): like is not "
        "compared with like. Ratings are normalised to 0–100%%, but dimensions and scales differ."
    ) % {"before": result.before.methodology.label, "after": result.after.methodology.label}


def series_chart(rounds: list[Round]) -> dict[str, Any]:
    """Each pair's index across the rounds given, as one line chart (SVG) and a table."""
    series = comparison.pair_index_series(rounds)
    columns = [(r.year, r.version) for r in rounds]
    labels = [str(y) if v == 1 else f"{y} v{v}" for y, v in columns]
    rows = []
    for s in series:
        by_round = {(p.year, p.version): p for p in s.points}
        values = [
            _pct(by_round[c].index) if c in by_round and by_round[c].index is not None else None
            for c in columns
        ]
        rows.append({"pair": s.pair, "name": s.name, "values": values})
    methodologies = []
    for r in rounds:
        if r.methodology.label not in methodologies:
            methodologies.append(r.methodology.label)
    title = _("Each pair's index across the years")
    svg = charts.line_chart(
        title,
        labels,
        [
            (row["name"], [float(v) if v is not None else None for v in row["values"]])
            for row in rows
        ],
    )
    warning = None
    if len(methodologies) > 1:
        warning = _("The series changes methodology (%(labels)s): read it with care.") % {
            "labels": ", ".join(methodologies)
        }
    return {"title": title, "labels": labels, "rows": rows, "svg": svg, "warning": warning}


def compare(request: HttpRequest) -> TemplateResponse:
    rounds = visible_rounds(request.user)
    form = CompareForm(request.GET or None, rounds=rounds)
    if not request.GET:
        current = _current_versions(r for r in rounds if r.is_frozen) or _current_versions(rounds)
        if len(current) >= 2:
            form.initial = {"before": round_key(current[-2]), "after": round_key(current[-1])}
    context = {
        **admin.site.each_context(request),
        "title": _("Compare rounds"),
        "form": form,
    }
    if form.is_bound and form.is_valid() and form.cleaned_data["pair"]:
        before, after = form.cleaned_data["pair"]
        context.update(comparison_context(before, after, form.cleaned_data["series"]))
    return TemplateResponse(request, "admin/assessments/tools/compare.html", context)


def _svg_download(svg: str, filename: str) -> HttpResponse:
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def round_chart(request: HttpRequest, key: str, chart: str) -> HttpResponse:
    """One of the study's three diagrams for a round, as an SVG file to download."""
    round_ = find_round(visible_rounds(request.user), key)
    if round_ is None or chart not in ROUND_CHARTS:
        raise Http404
    svg = charts.round_charts(selectors.round_report(round_).as_dict(), chart_titles(round_))[chart]
    return _svg_download(svg, f"round-{round_key(round_)}-{chart}.svg")


@require_GET
def series_chart_svg(request: HttpRequest) -> HttpResponse:
    """Each pair's index across the rounds named in ?rounds=2016-v1,2025-v1, as an SVG file."""
    visible = visible_rounds(request.user)
    keys = [k for k in (request.GET.get("rounds") or "").split(",") if k]
    rounds = [find_round(visible, k) for k in keys]
    if not rounds or None in rounds or len(rounds) > 50:
        raise Http404
    rounds = sorted(set(rounds), key=lambda r: (r.year, r.version))
    return _svg_download(series_chart(rounds)["svg"], "pair-index-series.svg")


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
PENDING_MAX_AGE = 6 * 3600  # seconds a preview may wait for its confirmation
PENDING_PREFIX = "accountability-import-"
PENDING_NAME = re.compile(r"^accountability-import-[0-9a-f]{32}$")


class PendingFile(TempFolderStorage):
    """import-export's temporary folder storage, as its admin uses between preview and
    confirmation; written in binary (its own save() opens a named file as text)."""

    def save(self, data: bytes) -> None:
        with open(self.get_full_path(), "wb") as file:
            file.write(data)


def _keep_file(data: bytes) -> str:
    """Keep the uploaded file until the confirmation; return its name (signed into the
    confirm form). Files of previews never confirmed are removed once they have expired."""
    folder = Path(tempfile.gettempdir())
    for stale in folder.glob(PENDING_PREFIX + "*"):
        with contextlib.suppress(OSError):
            if time.time() - stale.stat().st_mtime > PENDING_MAX_AGE:
                stale.unlink()
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
    if report.written:
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
                if report.written:
                    PendingFile(name=file_name, read_mode="rb").remove()
                tracker.finish()
        except Exception:
            logger.exception("The background import %s failed; nothing was written.", key)
            tracker.finish(failed=True)
        finally:
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

    def __init__(self, *args, rounds: list[Round], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rounds = rounds
        self.fields["round"].choices = [("", "—"), *round_choices(rounds)]
        self.fields["kind"].choices = [
            *resources.kind_labels(),
            (self.PACKAGE, _("the whole round as a data package (zip: CSV + JSON + method note)")),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["round_obj"] = find_round(self.rounds, data.get("round"))
        if data.get("kind") != "legal-acts" and data["round_obj"] is None:
            self.add_error("round", _("Choose a round."))
        return data


@require_GET
def export_rows(request: HttpRequest) -> HttpResponse:
    rounds = visible_rounds(request.user)
    # Links may preselect a round or a kind; the form's own submission carries the format.
    form = ExportForm(
        request.GET if "file_format" in request.GET else None,
        rounds=rounds,
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
            data = packages.build_round_package(round_)
            filename, content_type = f"{packages.package_name(round_)}.zip", "application/zip"
        else:
            data = resources.export_rows(kind, round_, fmt, progress=tracker)
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
