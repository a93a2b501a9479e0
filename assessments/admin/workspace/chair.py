"""The chair's view of a round's sheet: each expert's value side by side with the split,
the consensus with its justification in each language, the discussion inline, the bulk
confirmation of carried-over ratings, and what still blocks publishing.

One page per round (`sheet`), and one POST address per action, each calling one service
function; an action that is refused renders the same page again with the message where
the action was, and what the user typed kept. The page works without JavaScript.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language_info, ngettext
from django.utils.translation import gettext as _

from ... import permissions, scoring, services
from ...models import (
    Comment,
    Dimension,
    ExpertRating,
    Pair,
    ProcessAssessment,
    Rating,
    Round,
    Thread,
)

LANGS = [code for code, _name in settings.LANGUAGES]
SHOW = ("all", "disagree", "carried", "unrated", "threads")
FILTER_KEYS = ("show", "pair", "sort")


# --- reading the sheet ----------------------------------------------------------------


@dataclass
class Cell:
    """One process on one dimension: the experts, their split, the consensus."""

    assessment: ProcessAssessment
    dimension: Dimension
    consensus: Rating | None
    experts: list[dict[str, Any]]
    split: scoring.UnitSplit | None
    split_text: str
    consensus_label: str = ""
    form: dict[str, Any] = field(default_factory=dict)

    @property
    def anchor(self) -> str:
        return f"c{self.assessment.pk}-{self.dimension.pk}"

    @property
    def disagree(self) -> bool:
        return self.split is not None and not self.split.unanimous

    @property
    def carried(self) -> bool:
        return self.consensus is not None and self.consensus.carried_over


def _split_text(split: scoring.UnitSplit | None, labels: dict[int, str]) -> str:
    """'3 of 4 experts say “Present”; 1 of 4 says “Absent”', most common first."""
    if split is None:
        return _("No expert has rated this yet.")
    total = split.experts
    parts = []
    for value, n in sorted(split.counts.items(), key=lambda vn: (-vn[1], vn[0])):
        parts.append(
            ngettext(
                "%(n)s of %(total)s experts says “%(label)s”",
                "%(n)s of %(total)s experts say “%(label)s”",
                n,
            )
            % {"n": n, "total": total, "label": labels.get(value, value)}
        )
    return "; ".join(parts)


def scale_labels(round_: Round) -> dict[int, str]:
    labels = {s.value: s.label for s in round_.methodology.scale_levels.all()}
    m = round_.methodology
    return {v: labels.get(v) or str(v) for v in range(m.scale_min, m.scale_max + 1)}


def language_names() -> list[tuple[str, str]]:
    return [(code, get_language_info(code)["name_local"]) for code in LANGS]


def _chaired(user, round_: Round):
    return (
        permissions.chaired_assessments(user, ProcessAssessment.objects.filter(round=round_))
        .select_related("process__pair")
        .order_by("process__pair__position", "position", "pk")
    )


def sheet_data(user, round_: Round, *, show: str, pair_id: int | None, sort: str) -> dict:
    """The processes the user chairs in the round, as cards of cells, filtered and sorted."""
    dimensions = list(round_.methodology.dimensions.order_by("position", "pk"))
    labels = scale_labels(round_)
    assessments = list(
        _chaired(user, round_).prefetch_related(
            Prefetch("ratings", queryset=Rating.objects.order_by()),
            Prefetch(
                "expert_ratings",
                queryset=ExpertRating.objects.select_related("expert").order_by(
                    "expert__last_name", "expert__username"
                ),
            ),
            Prefetch(
                "threads",
                queryset=permissions.visible_threads(user)
                .select_related("created_by", "resolved_by", "dimension")
                .prefetch_related(
                    Prefetch(
                        "comments",
                        queryset=Comment.objects.select_related("author").order_by(
                            "created_at", "pk"
                        ),
                    )
                )
                .order_by("status", "created_at", "pk"),
            ),
        )
    )
    pairs = {}
    cards = []
    for a in assessments:
        pairs[a.process.pair_id] = a.process.pair
        consensus = {r.dimension_id: r for r in a.ratings.all()}
        by_dimension: dict[int, list[ExpertRating]] = defaultdict(list)
        for e in a.expert_ratings.all():
            by_dimension[e.dimension_id].append(e)
        cells = []
        for d in dimensions:
            rows = by_dimension.get(d.pk, [])
            split = None
            if rows:
                counts: dict[int, int] = defaultdict(int)
                for e in rows:
                    counts[e.value] += 1
                split = scoring.UnitSplit(dict(counts))
            cells.append(
                Cell(
                    assessment=a,
                    dimension=d,
                    consensus=consensus.get(d.pk),
                    experts=[
                        {
                            "name": e.expert.get_full_name() or e.expert.get_username(),
                            "label": labels.get(e.value, e.value),
                            "justification": e.justification,
                            "updated_at": e.updated_at,
                        }
                        for e in rows
                    ],
                    split=split,
                    split_text=_split_text(split, labels),
                    consensus_label=labels.get(consensus[d.pk].value, consensus[d.pk].value)
                    if d.pk in consensus
                    else "",
                )
            )
        threads = list(a.threads.all())
        cards.append(
            {
                "assessment": a,
                "pair": a.process.pair,
                "cells": cells,
                "threads": threads,
                "open_threads": sum(1 for t in threads if t.status == Thread.Status.OPEN),
                "disagreement": max(
                    (c.split.disagreement for c in cells if c.split is not None), default=0
                ),
                "carried": sum(1 for c in cells if c.carried),
                "unrated": sum(1 for c in cells if c.consensus is None),
                "disagreeing": sum(1 for c in cells if c.disagree),
            }
        )
    every = cards
    if pair_id is not None:
        cards = [c for c in cards if c["pair"].pk == pair_id]
    keep = {
        "disagree": lambda c: c["disagreeing"],
        "carried": lambda c: c["carried"],
        "unrated": lambda c: c["unrated"],
        "threads": lambda c: c["open_threads"],
    }.get(show)
    if keep is not None:
        cards = [c for c in cards if keep(c)]
    if sort == "disagreement":
        cards = sorted(cards, key=lambda c: -c["disagreement"])  # stable: study order within
    carried = [r for card in every for r in card["assessment"].ratings.all() if r.carried_over]
    return {
        "dimensions": dimensions,
        "labels": labels,
        "cards": cards,
        "pairs": list(pairs.values()),
        "carried_ratings": carried,
        "counts": {
            "processes": len(every),
            "cells": sum(len(c["cells"]) for c in every),
            "disagree": sum(c["disagreeing"] for c in every),
            "carried": len(carried),
            "unrated": sum(c["unrated"] for c in every),
            "threads": sum(c["open_threads"] for c in every),
        },
    }


# --- the page ---------------------------------------------------------------------------


def _round(request: HttpRequest, round_id: int) -> Round:
    """The round if the user sees it (else 404) and chairs one of its panels (else 403)."""
    round_ = (
        permissions.visible_rounds(request.user)
        .select_related("methodology")
        .filter(pk=round_id)
        .first()
    )
    if round_ is None:
        raise Http404(_("There is nothing here, or it is not yours to see."))
    if not permissions.can_chair_round(request.user, round_):
        raise PermissionDenied(_("Only the panel's chair and institute staff use this page."))
    return round_


def _filters(source) -> dict[str, str]:
    return {k: source.get(k) for k in FILTER_KEYS if source.get(k)}


def _back(round_: Round, source, anchor: str = "") -> HttpResponse:
    url = reverse("panel_chair:sheet", args=[round_.pk])
    query = urlencode(_filters(source))
    return redirect(f"{url}{'?' + query if query else ''}{'#' + anchor if anchor else ''}")


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _render(request: HttpRequest, round_: Round, *, state: dict | None = None, status=200):
    """The sheet; `state` carries a refused action back to where it was made, with the
    user's input: {"cell": (assessment, dimension) | "confirm" | ("thread", id): {...}}."""
    source = request.POST if request.method == "POST" else request.GET
    show = source.get("show") if source.get("show") in SHOW else "all"
    sort = "disagreement" if source.get("sort") == "disagreement" else "study"
    pair_id = _int(source.get("pair"))
    data = sheet_data(request.user, round_, show=show, pair_id=pair_id, sort=sort)
    state = state or {}
    languages = language_names()
    for card in data["cards"]:
        for thread in card["threads"]:
            thread.kept = state.get(("thread", thread.pk), {})
        for cell in card["cells"]:
            refused = state.get((cell.assessment.pk, cell.dimension.pk))
            c = cell.consensus
            cell.form = refused or {
                "value": c.value if c else None,
                "texts": {lang: getattr(c, f"justification_{lang}") or "" for lang in LANGS}
                if c
                else {},
                "revision": c.revision if c else "",
            }
            cell.form["fields"] = [
                (code, name, cell.form["texts"].get(code, "")) for code, name in languages
            ]
    checklist = services.publication_checklist(round_) if not round_.is_frozen else []
    shown_ids = set(_chaired(request.user, round_).values_list("pk", flat=True))
    blockers = [
        blocker_link(round_, b)
        for b in checklist
        if b.assessment_id is None or b.assessment_id in shown_ids
    ]
    context = {
        **admin.site.each_context(request),
        "title": _("Chair's view: %(round)s") % {"round": round_},
        "round": round_,
        "opts": Round._meta,
        "frozen": round_.is_frozen,
        "editable": not round_.is_frozen,
        "languages": languages,
        "scale": list(data["labels"].items()),
        "show": show,
        "sort": sort,
        "pair_id": pair_id,
        "filters": _filters(source),
        "show_choices": [
            ("all", _("every process"), data["counts"]["processes"]),
            ("disagree", _("where the panel disagrees"), data["counts"]["disagree"]),
            ("carried", _("carried over, not re-examined"), data["counts"]["carried"]),
            ("unrated", _("no consensus yet"), data["counts"]["unrated"]),
            ("threads", _("open discussions"), data["counts"]["threads"]),
        ],
        "blockers": blockers,
        "whole_round": permissions.is_staff_member(request.user),
        "can_publish": permissions.can_manage_rounds(request.user)
        and round_.status == Round.Status.REVIEW,
        "state": state,
        "confirm_state": state.get("confirm", {}),
        "page_error": state.get("page", {}).get("error", ""),
        **data,
    }
    return TemplateResponse(
        request, "admin/assessments/workspace/chair_sheet.html", context, status=status
    )


def blocker_link(round_: Round, blocker: services.Blocker) -> dict[str, str]:
    """A blocker of publishing as the checklists show it: its words, and where to fix it."""
    url = reverse("panel_chair:sheet", args=[round_.pk])
    if blocker.kind == "thread":
        anchor, query = f"t{blocker.thread_id}", "?show=threads"
    elif blocker.kind in ("carried", "missing"):
        anchor = f"c{blocker.assessment_id}-{blocker.dimension_id}"
        query = "?show=carried" if blocker.kind == "carried" else "?show=unrated"
    else:
        anchor, query = "", ""
    return {"message": blocker.message, "url": f"{url}{query}#{anchor}" if anchor else ""}


def sheet(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = _round(request, round_id)
    return _render(request, round_)


def _posting(view):
    """Visibility (404) and role (403) come before the method (405), as on every page."""

    def wrapped(request, round_id, *args, **kwargs):
        round_ = _round(request, round_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            # A published round shows no forms: say why at the top of the page.
            services.ensure_open(round_)
        except services.RoundFrozen as exc:
            return _render(request, round_, state={"page": {"error": exc.message}}, status=400)
        return view(request, round_, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@_posting
def consensus(request: HttpRequest, round_: Round, assessment_id: int, dimension_id: int):
    """Set the consensus of one process on one dimension, with its justifications."""
    assessment = _chaired(request.user, round_).filter(pk=assessment_id).first()
    dimension = round_.methodology.dimensions.filter(pk=dimension_id).first()
    if assessment is None or dimension is None:
        raise Http404(_("There is nothing here, or it is not yours to see."))
    texts = {lang: (request.POST.get(f"justification_{lang}") or "").strip() for lang in LANGS}
    value = _int(request.POST.get("value"))
    revision = _int(request.POST.get("expected_revision"))
    kept = {"value": value, "texts": texts, "revision": request.POST.get("expected_revision", "")}
    labels = scale_labels(round_)
    error = None
    if value not in labels:
        error = _("Choose one of: %(labels)s.") % {"labels": ", ".join(labels.values())}
    elif not any(texts.values()):
        error = _("Give the consensus's justification in at least one language.")
    if error is None:
        try:
            services.set_consensus(
                actor=request.user,
                assessment=assessment,
                dimension=dimension,
                value=value,
                justification=texts,
                reason=request.POST.get("reason", ""),
                expected_revision=revision,
            )
        except services.StaleWrite as exc:
            now = exc.current
            error = exc.message
            kept["current"] = {
                "label": labels.get(now.get("value"), now.get("value")),
                "texts": [
                    (name, now.get(f"justification_{code}") or "")
                    for code, name in language_names()
                ],
                "by": exc.changed_by,
                "at": exc.changed_at,
            }
        except services.DomainError as exc:
            error = exc.message
    if error is not None:
        kept["error"] = error
        kept["reason"] = request.POST.get("reason", "")
        return _render(request, round_, state={(assessment.pk, dimension.pk): kept}, status=400)
    messages.success(
        request,
        _("Saved the consensus on %(dimension)s for %(process)s.")
        % {"dimension": dimension.name, "process": assessment.title},
    )
    return _back(round_, request.POST, f"c{assessment.pk}-{dimension.pk}")


@_posting
def confirm(request: HttpRequest, round_: Round):
    """Confirm carried-over ratings as re-examined: the ones ticked, a pair's or all of them."""
    scope = request.POST.get("scope", "selected")
    carried = Rating.objects.filter(
        assessment__in=_chaired(request.user, round_), carried_over=True
    )
    if scope == "round":
        ratings = list(carried)
    elif scope == "pair":
        pair = Pair.objects.filter(pk=_int(request.POST.get("pair_scope"))).first()
        ratings = list(carried.filter(assessment__process__pair=pair)) if pair else []
    else:
        ids = [i for i in map(_int, request.POST.getlist("rating")) if i is not None]
        ratings = list(Rating.objects.filter(pk__in=ids, assessment__round=round_))
    revisions = {
        pk: rev
        for key, value in request.POST.items()
        if key.startswith("rev-")
        and (pk := _int(key[4:])) is not None
        and (rev := _int(value)) is not None
    }
    try:
        if not ratings and scope != "selected":
            raise services.InvalidInput(_("There is no carried-over rating left to confirm here."))
        done = services.confirm_ratings(
            actor=request.user,
            ratings=ratings,
            reason=request.POST.get("reason", ""),
            expected_revisions=revisions,
        )
    except services.DomainError as exc:
        kept = {
            "error": exc.message,
            "reason": request.POST.get("reason", ""),
            "scope": scope,
            "selected": set(request.POST.getlist("rating")),
            "pair_scope": request.POST.get("pair_scope", ""),
        }
        return _render(request, round_, state={"confirm": kept}, status=400)
    messages.success(
        request,
        ngettext(
            "Confirmed %(n)s carried-over rating as re-examined.",
            "Confirmed %(n)s carried-over ratings as re-examined.",
            len(done),
        )
        % {"n": len(done)},
    )
    return _back(round_, request.POST, "confirm")


def _thread(request: HttpRequest, round_: Round, thread_id: int) -> Thread:
    thread = (
        permissions.visible_threads(request.user)
        .filter(pk=thread_id, assessment__round=round_)
        .select_related("assessment__process")
        .first()
    )
    if thread is None:
        raise Http404(_("There is nothing here, or it is not yours to see."))
    return thread


@_posting
def reply(request: HttpRequest, round_: Round, thread_id: int):
    thread = _thread(request, round_, thread_id)
    try:
        services.reply(actor=request.user, thread=thread, body=request.POST.get("body", ""))
    except services.DomainError as exc:
        kept = {"error": exc.message, "body": request.POST.get("body", "")}
        return _render(request, round_, state={("thread", thread.pk): kept}, status=400)
    messages.success(request, _("Your reply is in the thread “%(title)s”.") % {"title": thread})
    return _back(round_, request.POST, f"t{thread.pk}")


@_posting
def resolve(request: HttpRequest, round_: Round, thread_id: int):
    thread = _thread(request, round_, thread_id)
    resolved = request.POST.get("resolved", "1") == "1"
    try:
        services.resolve_thread(actor=request.user, thread=thread, resolved=resolved)
    except services.DomainError as exc:
        kept = {"error": exc.message, "body": ""}
        return _render(request, round_, state={("thread", thread.pk): kept}, status=400)
    if resolved:
        messages.success(request, _("Resolved the thread “%(title)s”.") % {"title": thread})
    else:
        messages.success(request, _("Reopened the thread “%(title)s”.") % {"title": thread})
    return _back(round_, request.POST, f"t{thread.pk}")
