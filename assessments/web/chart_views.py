"""Charts that leave the site: SVG and PNG downloads, Open Graph cards, embeddable pages.

Every one is built from the same `pages` reads as the pages (published rounds only), in
the language of its address, and cached like a page (caching.py): an ETag per round
version and language, a 304 when unchanged. PNGs cost a render (cairosvg), so their bytes
are also kept in the cache under that ETag.

Embed pages are the only pages another site may put in an iframe (`embeddable`):
everywhere else X_FRAME_OPTIONS is DENY.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from assessments import diagrams, images, permissions
from assessments.models import Round

from . import pages
from .caching import cached_page, etag_for, latest, published_page
from .converters import RoundRef
from .links import absolute, origin

# A published round's images never change; keep rendered PNGs a day.
IMAGE_CACHE_SECONDS = 24 * 60 * 60
CONTENT_TYPES = {"svg": "image/svg+xml; charset=utf-8", "png": "image/png"}


def embeddable(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let any site frame this view's pages, and no other view's."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.xframe_options_exempt = True
        # What django-csp's csp_replace() decorator sets: with a site-wide policy, these
        # pages alone let any origin be their frame's parent.
        response._csp_replace = {"frame-ancestors": ["*"]}  # type: ignore[attr-defined]
        return response

    return wrapped


# --- what a chart shows ----------------------------------------------------------------


def round_diagram(request: HttpRequest, round_: Round, key: str) -> diagrams.Diagram:
    """One of a round's three diagrams, with the credit lines it carries alone."""
    if key not in diagrams.ROUND_DIAGRAMS:
        raise Http404("No such chart.")
    figures = pages.round_figures(round_)
    diagram = figures.diagrams[key]
    diagram.credits = diagrams.round_credits(
        round_, round_.methodology.title, absolute(request, reverse("web:round", args=[round_]))
    )
    return diagram


def series_diagram(
    request: HttpRequest, round_: Round | None, pair: str | None
) -> tuple[pages.IndexSeries, diagrams.Diagram]:
    """Each pair's index over the years (or one pair's, named in a round), with its credits."""
    rounds = pages.published_rounds()
    if round_ is not None and pair is not None:
        names = pages.round_figures(round_).names["pair"]
        if pair not in names:
            raise Http404("No such pair.")
        series = pages.index_series(rounds, names, only=pair)
        url = reverse("web:pair", args=[round_, pair])
    else:
        latest_round = permissions.public_rounds().latest_published()
        if latest_round is None:
            raise Http404("No round has been published yet.")
        names = pages.round_figures(latest_round).names["pair"]
        series = pages.index_series(rounds, names)
        url = reverse("web:home")
    if series.diagram is None:
        raise Http404("This pair has no published index.")
    series.diagram.credits = diagrams.series_credits(
        series.rounds, series.methodologies, absolute(request, url)
    )
    return series, series.diagram


# --- images ------------------------------------------------------------------------------


def _image(
    request: HttpRequest,
    build: Callable[[], bytes],
    *,
    content_type: str,
    filename: str | None,
    depends_on: list[object],
    last_modified,
) -> HttpResponse:
    def response() -> HttpResponse:
        key = "web:image:" + etag_for(request.path, *depends_on)
        data = cache.get(key)
        if data is None:
            data = build()
            cache.set(key, data, IMAGE_CACHE_SECONDS)
        result = HttpResponse(data, content_type=content_type)
        if filename:
            result.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        return result

    # The credit line names the site's address: another host, another image.
    depends_on = [*depends_on, origin(request)]
    return cached_page(request, response, depends_on=depends_on, last_modified=last_modified)


def _encode(svg: Callable[[], str], fmt: str) -> Callable[[], bytes]:
    if fmt == "png":
        return lambda: images.svg_to_png(svg())
    return lambda: svg().encode()


@require_safe
@published_page()
def round_chart(request: HttpRequest, ref: RoundRef, chart: str, fmt: str) -> HttpResponse:
    """One of a round's diagrams as a file, with its credit lines drawn in."""
    round_ = pages.published_round(ref)
    if chart not in diagrams.ROUND_DIAGRAMS:
        raise Http404("No such chart.")
    return _image(
        request,
        _encode(lambda: round_diagram(request, round_, chart).standalone(), fmt),
        content_type=CONTENT_TYPES[fmt],
        filename=f"accountability-{round_.year}-v{round_.version}-{chart}.{fmt}",
        depends_on=[pages.signature([round_])],
        last_modified=round_.published_at,
    )


@require_safe
@published_page()
def round_card(request: HttpRequest, ref: RoundRef) -> HttpResponse:
    """The round's Open Graph / Twitter card: diagram 3 (each pair's level), 1200 × 630."""
    round_ = pages.published_round(ref)
    return _image(
        request,
        lambda: images.svg_to_png(round_diagram(request, round_, "pairs").card(), scale=1),
        content_type="image/png",
        filename=None,
        depends_on=[pages.signature([round_])],
        last_modified=round_.published_at,
    )


@require_safe
@published_page()
def pair_chart(request: HttpRequest, ref: RoundRef, pair: str, fmt: str) -> HttpResponse:
    """A pair's index over the years as a file, with its credit lines drawn in."""
    round_ = pages.published_round(ref)
    rounds = pages.published_rounds()
    return _image(
        request,
        _encode(lambda: series_diagram(request, round_, pair)[1].standalone(), fmt),
        content_type=CONTENT_TYPES[fmt],
        filename=f"accountability-{pair}-by-year.{fmt}",
        depends_on=[pages.signature([round_]), pages.signature(rounds)],
        last_modified=latest(r.published_at for r in rounds),
    )


@require_safe
@published_page()
def pair_card(request: HttpRequest, ref: RoundRef, pair: str) -> HttpResponse:
    """The pair page's Open Graph / Twitter card: its index over the years, 1200 × 630."""
    round_ = pages.published_round(ref)
    rounds = pages.published_rounds()
    return _image(
        request,
        lambda: images.svg_to_png(series_diagram(request, round_, pair)[1].card(), scale=1),
        content_type="image/png",
        filename=None,
        depends_on=[pages.signature([round_]), pages.signature(rounds)],
        last_modified=latest(r.published_at for r in rounds),
    )


@require_safe
@published_page()
def series_chart(request: HttpRequest, fmt: str) -> HttpResponse:
    """Each pair's index over the years as a file, with its credit lines drawn in."""
    rounds = pages.published_rounds()
    return _image(
        request,
        _encode(lambda: series_diagram(request, None, None)[1].standalone(), fmt),
        content_type=CONTENT_TYPES[fmt],
        filename=f"accountability-by-year.{fmt}",
        depends_on=[pages.signature(rounds)],
        last_modified=latest(r.published_at for r in rounds),
    )


# --- embeds ------------------------------------------------------------------------------


def _embed(
    request: HttpRequest, diagram: diagrams.Diagram, link: str, link_text: str
) -> HttpResponse:
    return render(
        request,
        "web/embed.html",
        {"diagram": diagram, "link": absolute(request, link), "link_text": link_text},
    )


@embeddable
@require_safe
@published_page()
def embed_round_chart(request: HttpRequest, ref: RoundRef, chart: str) -> HttpResponse:
    """One of a round's diagrams, alone on a small page made to live in an iframe."""
    round_ = pages.published_round(ref)

    def build() -> HttpResponse:
        return _embed(
            request,
            round_diagram(request, round_, chart),
            reverse("web:round", args=[round_]),
            round_.title,
        )

    return cached_page(
        request,
        build,
        depends_on=[pages.signature([round_]), origin(request)],
        last_modified=round_.published_at,
    )


@embeddable
@require_safe
@published_page()
def embed_pair(request: HttpRequest, ref: RoundRef, pair: str) -> HttpResponse:
    """A pair's index over the years, alone on a small page made to live in an iframe."""
    round_ = pages.published_round(ref)
    rounds = pages.published_rounds()

    def build() -> HttpResponse:
        series, diagram = series_diagram(request, round_, pair)
        return _embed(
            request, diagram, reverse("web:pair", args=[round_, pair]), series.rows[0].name
        )

    return cached_page(
        request,
        build,
        depends_on=[pages.signature([round_]), pages.signature(rounds), origin(request)],
        last_modified=latest(r.published_at for r in rounds),
    )


@embeddable
@require_safe
@published_page()
def embed_series(request: HttpRequest) -> HttpResponse:
    """Each pair's index over the years, alone on a small page made to live in an iframe."""
    rounds = pages.published_rounds()

    def build() -> HttpResponse:
        _series, diagram = series_diagram(request, None, None)
        return _embed(request, diagram, reverse("web:home"), diagram.title)

    return cached_page(
        request,
        build,
        depends_on=[pages.signature(rounds), origin(request)],
        last_modified=latest(r.published_at for r in rounds),
    )
