"""A round's charts in the admin: the study's three diagrams and each pair's index over the
years, each beside its figures, to look at and to download as SVG or PNG.

Any round whose figures the user may see (permissions.figure_rounds), drafts included (the
credit line then says "not published"): staff check a round's pictures before they publish
it. A draft's charts are drawn from every pair, so a panel covering some of them sees none.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ... import diagrams, images, selectors
from ...models import Round
from ...web.converters import ref_of
from .compare import ROUND_CHARTS, _current_versions, series_chart
from .rounds import figure_rounds, find_round, round_key

CONTENT_TYPES = {"svg": "image/svg+xml; charset=utf-8", "png": "image/png"}


def _round_or_404(request: HttpRequest, key: str) -> Round:
    round_ = find_round(figure_rounds(request.user), key)
    if round_ is None:
        raise Http404
    return round_


def _credits_url(request: HttpRequest, round_: Round) -> str:
    """Where a picture of this round points: its public page once published, else the admin."""
    if round_.is_frozen:
        path = reverse("web:round", args=[ref_of(round_)])
    else:
        path = reverse("admin:assessments_round_change", args=[round_.pk])
    return request.build_absolute_uri(path)


def round_diagrams(request: HttpRequest, round_: Round) -> dict[str, diagrams.Diagram]:
    rr = selectors.round_report(round_)
    # Whiskers from the experts' own ratings: these charts are only for those who see the
    # round's figures (figure_rounds), and intervals are aggregates.
    drawn = diagrams.round_diagrams(rr.report.scores, rr.names, rr.uncertainty[1])
    credits = diagrams.round_credits(
        round_, round_.methodology.title, _credits_url(request, round_)
    )
    for diagram in drawn.values():
        diagram.credits = credits
    return drawn


def _series_rounds(rounds: list[Round], round_: Round) -> list[Round]:
    """The current version of each published year up to this round's, and this round."""
    earlier = [r for r in rounds if r.is_frozen and r.year < round_.year]
    return [*_current_versions(earlier), round_]


def series_of(request: HttpRequest, rounds: list[Round]) -> dict[str, Any]:
    series = series_chart(rounds)
    series["diagram"].credits = diagrams.series_credits(
        rounds,
        [r.methodology.title for r in rounds],
        _credits_url(request, rounds[-1]),
    )
    return series


def round_charts(request: HttpRequest, key: str) -> TemplateResponse:
    """The round's charts page, linked from the round's admin page."""
    round_ = _round_or_404(request, key)
    rounds = figure_rounds(request.user)
    drawn = round_diagrams(request, round_)
    series_rounds = _series_rounds(rounds, round_)
    context = {
        **admin.site.each_context(request),
        "title": _("Charts of the round %(round)s") % {"round": round_},
        "round": round_,
        "key": round_key(round_),
        "charts": [drawn[name] for name in ROUND_CHARTS],
        "series": series_of(request, series_rounds),
        "series_keys": ",".join(round_key(r) for r in series_rounds),
        "public_url": reverse("web:round", args=[ref_of(round_)]) if round_.is_frozen else None,
    }
    return TemplateResponse(request, "admin/assessments/tools/charts.html", context)


def _download(body: str, fmt: str, filename: str) -> HttpResponse:
    data = images.svg_to_png(body) if fmt == "png" else body.encode()
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


@require_GET
def round_chart(request: HttpRequest, key: str, chart: str, fmt: str = "svg") -> HttpResponse:
    """One of the study's three diagrams for a round, as a file with its credits drawn in."""
    round_ = _round_or_404(request, key)
    if chart not in ROUND_CHARTS:
        raise Http404
    diagram = round_diagrams(request, round_)[chart]
    return _download(diagram.standalone(), fmt, f"round-{round_key(round_)}-{chart}")


@require_GET
def series_chart_file(request: HttpRequest, fmt: str = "svg") -> HttpResponse:
    """Each pair's index across the rounds named in ?rounds=2016-v1,2025-v1, as a file."""
    visible = figure_rounds(request.user)
    keys = [k for k in (request.GET.get("rounds") or "").split(",") if k]
    rounds = [find_round(visible, k) for k in keys]
    if not rounds or None in rounds or len(rounds) > 50:
        raise Http404
    rounds = sorted(set(rounds), key=lambda r: (r.year, r.version))
    series = series_of(request, rounds)
    return _download(series["diagram"].standalone(), fmt, "pair-index-series")
