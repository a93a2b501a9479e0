"""The rating sheet's views: the page, one cell, one process's evidence, and the pickers.

Every form posts to a real address and works without JavaScript (the page comes back,
at the cell); sheet.js sends the same forms with fetch and swaps in the fragment the
view answers, so a cell saves without a page load. A refused save (stale, published,
not hers, bad input) comes back in the same cell with the reason and her input.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ... import permissions, services
from ...models import Dimension, ExpertRating, LegalAct, LegalActEdition, ProcessAssessment
from ...review import article_numbers
from . import sheet as sheets
from .common import person, round_or_404, screen_context, value_label, when
from .forms import CellForm, EvidenceForm

LOOKUP_LIMIT = 20


def _is_fetch(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _show(request: HttpRequest) -> str:
    show = request.GET.get("show") or request.POST.get("show") or "all"
    return show if show in sheets.FILTERS else "all"


def _acts(user):
    return permissions.visible(user, LegalAct.objects.order_by("title", "pk"))


def _editions(user):
    return permissions.visible(
        user, LegalActEdition.objects.select_related("act").order_by("act__title", "valid_from")
    )


def _cell_form(cell: sheets.Cell, data: Any = None) -> CellForm:
    initial: dict[str, Any] = {}
    if cell.mine is not None:
        initial = {
            "value": str(cell.mine.value),
            "expected_revision": cell.mine.revision,
            **{
                f"justification_{lang}": getattr(cell.mine, f"justification_{lang}") or ""
                for lang in services.LANGS
            },
        }
    return CellForm(
        data, initial=initial, levels=cell.levels, existing=cell.mine is not None, prefix=cell.key
    )


def _evidence_form(request, row: sheets.Row, round_, data: Any = None) -> EvidenceForm:
    return EvidenceForm(
        data,
        acts=_acts(request.user),
        editions=_editions(request.user),
        dimensions=round_.methodology.dimensions.order_by("position"),
        prefix=f"evidence-{row.assessment.pk}",
    )


def _sheet_context(request: HttpRequest, sheet: sheets.Sheet, show: str) -> dict[str, Any]:
    acts = list(_acts(request.user))
    editions = list(_editions(request.user))
    for row in sheet.rows:
        for cell in row.cells:
            if cell.form is None:
                cell.form = _cell_form(cell)
        if row.evidence_form is None:
            row.evidence_form = _evidence_form(request, row, sheet.round)
        # One list of acts and editions for every process's picker (no query per row).
        row.evidence_form.fields["act"].choices = [("", "—")] + [(a.pk, str(a)) for a in acts]
        row.evidence_form.fields["edition"].choices = _edition_choices(editions)
        row.evidence_form.fields["dimension"].choices = [("", _("all dimensions"))] + [
            (d.pk, d.name) for d in sheet.dimensions
        ]
    return {
        **screen_context(request, sheet.round, _("My rating sheet")),
        "sheet": sheet,
        "show": show,
        "filters": [
            ("all", _("everything")),
            ("unrated", _("not yet rated")),
            ("carried", _("carried over")),
            ("split", _("where the panel disagrees")),
        ],
        "previous": sheet.round.previous,
        "seated": permissions.seats(request.user).filter(panel__round=sheet.round).exists(),
    }


def _edition_choices(editions: list[LegalActEdition]) -> list:
    grouped: dict[str, list] = {}
    for e in editions:
        grouped.setdefault(str(e.act), []).append((e.pk, e.title or e.code))
    return [("", _("not named")), *list(grouped.items())]


@require_GET
def sheet_view(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = round_or_404(request, round_id)
    show = _show(request)
    sheet = sheets.build(request.user, round_, show=show)
    return TemplateResponse(
        request,
        "admin/assessments/workspace/sheet.html",
        _sheet_context(request, sheet, show),
    )


def _assessment_or_404(request: HttpRequest, round_, assessment_id: int) -> ProcessAssessment:
    assessment = (
        permissions.visible_assessments(request.user)
        .filter(round=round_, pk=assessment_id)
        .select_related("round__methodology", "process__pair")
        .first()
    )
    if assessment is None:
        raise Http404(_("There is nothing here, or it is not yours to see."))
    return assessment


def _conflict(current: ExpertRating, levels) -> str:
    record = current.history.order_by("-history_date").select_related("history_user").first()
    return _(
        "This rating was changed after you opened the page: by %(who)s at %(when)s, saying "
        "“%(reason)s”. It now reads: %(value)s — “%(text)s”. Nothing was saved; what you "
        "typed is kept below. Save again to replace it with yours."
    ) % {
        "who": person(record.history_user if record else None),
        "when": when(record.history_date) if record else "",
        "reason": (record.history_change_reason if record else "") or "—",
        "value": value_label(levels, current.value),
        "text": current.justification or "—",
    }


@require_http_methods(["GET", "POST"])
def cell_view(
    request: HttpRequest, round_id: int, assessment_id: int, dimension_id: int
) -> HttpResponse:
    round_ = round_or_404(request, round_id)
    assessment = _assessment_or_404(request, round_, assessment_id)
    dimension = Dimension.objects.filter(methodology=round_.methodology, pk=dimension_id).first()
    if dimension is None:
        raise Http404(_("There is nothing here, or it is not yours to see."))
    if not permissions.can_see_panel_work(request.user, assessment):
        raise Http404(_("There is nothing here, or it is not yours to see."))
    sheet = sheets.build(request.user, round_, only=assessment)
    if not sheet.rows:  # she sees the process but rates on no panel covering it
        raise PermissionDenied
    cell = next(c for c in sheet.rows[0].cells if c.dimension.pk == dimension.pk)
    status = 200
    if request.method == "POST":
        status = _save_cell(request, cell, assessment, dimension)
        if status == 200:
            sheet = sheets.build(request.user, round_, only=assessment)
            saved = next(c for c in sheet.rows[0].cells if c.dimension.pk == dimension.pk)
            saved.saved = True
            cell = saved
        if not _is_fetch(request):
            if status == 200:
                address = reverse("workspace:sheet", args=[round_.pk])
                return redirect(f"{address}?show={_show(request)}#{cell.key}")
            full = sheets.build(request.user, round_, show="all")
            for row in full.rows:
                row.cells = [cell if c.key == cell.key else c for c in row.cells]
            return TemplateResponse(
                request,
                "admin/assessments/workspace/sheet.html",
                _sheet_context(request, full, "all"),
                status=status,
            )
    if cell.form is None:
        cell.form = _cell_form(cell)
    return TemplateResponse(
        request,
        "admin/assessments/workspace/_cell.html",
        {"cell": cell, "sheet": sheet, "round": round_, "show": _show(request), "fragment": True},
        status=status,
    )


def _save_cell(request, cell: sheets.Cell, assessment, dimension) -> int:
    """Save the posted cell; 200, or the status of the refusal (the cell then carries it)."""
    form = _cell_form(cell, request.POST)
    cell.form = form
    if not form.is_valid():
        return 400
    data = form.cleaned_data
    reason = (data.get("reason") or "").strip() or _("First rating, entered on the rating sheet")
    try:
        services.record_expert_rating(
            actor=request.user,
            assessment=assessment,
            dimension=dimension,
            value=data["value"],
            justification=data["justifications"],
            reason=reason,
            expected_revision=data.get("expected_revision") if cell.mine else None,
        )
    except (services.StaleWrite, services.PreconditionRequired):
        current = ExpertRating.objects.get(
            assessment=assessment, dimension=dimension, expert=request.user
        )
        cell.mine = current
        cell.conflict = _conflict(current, cell.levels)
        posted = request.POST.copy()
        posted[f"{cell.key}-expected_revision"] = str(current.revision)
        cell.form = _cell_form(cell, posted)
        return 409
    except services.DomainError as exc:
        form.add_error(None, exc.message)
        return 403 if isinstance(exc, (services.RoundFrozen, services.NotAllowed)) else 400
    return 200


def evidence_view(request: HttpRequest, round_id: int, assessment_id: int) -> HttpResponse:
    round_ = round_or_404(request, round_id)
    assessment = _assessment_or_404(request, round_, assessment_id)
    if request.method != "POST":  # after the 404, so that the answer leaks nothing
        return HttpResponseNotAllowed(["POST"])
    sheet = sheets.build(request.user, round_, only=assessment)
    if not sheet.rows:
        raise PermissionDenied
    row = sheet.rows[0]
    form = _evidence_form(request, row, round_, request.POST)
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_citation(
                actor=request.user,
                assessment=assessment,
                act=data["act"],
                edition=data.get("edition"),
                article=data.get("article", ""),
                part=data.get("part", ""),
                dimension=data.get("dimension"),
                note={form.language: data.get("note", "")},
                reason=_("Cited on the rating sheet"),
            )
        except services.DomainError as exc:
            form.add_error(None, exc.message)
            status = 403 if isinstance(exc, (services.RoundFrozen, services.NotAllowed)) else 400
    else:
        status = 400
    if status == 200:
        sheet = sheets.build(request.user, round_, only=assessment)
        row = sheet.rows[0]
        row.added = True
    else:
        row.evidence_form = form
    if not _is_fetch(request):
        if status == 200:
            address = reverse("workspace:sheet", args=[round_.pk])
            return redirect(f"{address}?show={_show(request)}#evidence-{assessment.pk}")
        full = sheets.build(request.user, round_, show="all")
        full.rows = [row if r.assessment.pk == assessment.pk else r for r in full.rows]
        return TemplateResponse(
            request,
            "admin/assessments/workspace/sheet.html",
            _sheet_context(request, full, "all"),
            status=status,
        )
    context = _sheet_context(request, sheet, "all")
    context["row"] = row
    return TemplateResponse(
        request, "admin/assessments/workspace/_evidence.html", context, status=status
    )


# --- pickers: act → edition → article -------------------------------------------------


@require_GET
def act_lookup(request: HttpRequest) -> JsonResponse:
    """Legal acts whose title (in any language), number or code contains the query."""
    term = (request.GET.get("q") or "").strip()
    acts = _acts(request.user)
    if term:
        query = Q(number__icontains=term)
        for lang in services.LANGS:
            query |= Q(**{f"title_{lang}__icontains": term})
        acts = acts.filter(query)
    return JsonResponse({"results": [{"id": a.pk, "text": str(a)} for a in acts[:LOOKUP_LIMIT]]})


@require_GET
def edition_lookup(request: HttpRequest) -> JsonResponse:
    """The editions of one act, oldest first, with the articles each is known to have."""
    act = request.GET.get("act") or ""
    editions = _editions(request.user)
    editions = editions.filter(act_id=int(act)) if act.isdigit() else editions.none()
    return JsonResponse(
        {
            "results": [
                {
                    "id": e.pk,
                    "text": e.title or e.code,
                    "articles": e.articles,
                }
                for e in editions[:LOOKUP_LIMIT]
            ]
        }
    )


@require_GET
def article_lookup(request: HttpRequest) -> JsonResponse:
    """Article numbers of an edition that begin with the query (where the edition lists them)."""
    edition_id = request.GET.get("edition") or ""
    term = (request.GET.get("q") or "").strip()
    edition = (
        _editions(request.user).filter(pk=int(edition_id)).first() if edition_id.isdigit() else None
    )
    numbers = sorted(article_numbers(edition.articles) or ()) if edition else []
    found = [str(n) for n in numbers if str(n).startswith(term)][:LOOKUP_LIMIT]
    return JsonResponse({"results": [{"id": n, "text": n} for n in found]})
