"""The public results site: server-rendered pages of published rounds only.

Every view starts from `permissions.public_rounds()` (through pages/rounds.py): a round in
draft, open for rating or in review is a 404 here for everyone, staff included
(they use the admin). Pages read no session and set no cookie, so that browsers
and proxies may cache them (caching.py).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse, translate_url
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from assessments import permissions
from assessments.exchange import packages
from assessments.models import Round

from . import pages
from .caching import cached_page, latest, published_page
from .converters import RoundRef, parse_ref, ref_of
from .links import absolute, origin

# Open Graph locales of the site's languages.
OG_LOCALES = {"ky": "ky_KG", "ru": "ru_RU", "en": "en_GB"}


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], section: str
) -> HttpResponse:
    """Render with what every page needs: the same page in the other languages, the section."""
    current = get_language()
    languages = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        languages.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": translate_url(request.get_full_path(), code),
                "current": code == current,
            }
        )
    return render(
        request,
        template,
        {**context, "languages": languages, "section": section, "site_url": origin(request)},
    )


def _og(request: HttpRequest, *, title: str, description: str, image: str, image_alt: str):
    """Open Graph and Twitter card tags: what a shared link shows (its chart as the image)."""
    return {
        "title": title,
        "description": description,
        "url": absolute(request, request.path),
        "locale": OG_LOCALES.get(get_language(), "ky_KG"),
        "image": absolute(request, image),
        "image_alt": image_alt,
    }


def _round_og(request: HttpRequest, round_: Round, figures: pages.RoundFigures):
    return _og(
        request,
        title=round_.title,
        description=_("Overall index %(overall)s. %(finding)s")
        % {"overall": figures.overall.text, "finding": figures.diagrams["pairs"].finding},
        image=reverse("web:round-card", args=[round_]),
        image_alt=figures.diagrams["pairs"].finding,
    )


def _pair_url(round_: Round, pair: str) -> str:
    return reverse("web:pair", args=[round_, pair])


def _round_context(round_: Round) -> dict[str, Any]:
    scale = pages.scale_labels(round_.methodology)
    return {
        "round": round_,
        "figures": pages.round_figures(round_, pair_url=_pair_url, scale=scale),
        "current_version": pages.current_version_of(round_),
    }


@require_safe
@published_page()
def home(request: HttpRequest) -> HttpResponse:
    """The latest published round: each pair's index and the study's three diagrams."""
    round_ = permissions.public_rounds().latest_published()
    rounds = pages.published_rounds()

    def build() -> HttpResponse:
        context: dict[str, Any] = {"rounds": rounds}
        if round_ is not None:
            context.update(_round_context(round_))
            context["series"] = pages.index_series(rounds, context["figures"].names["pair"])
            context["og"] = _round_og(request, round_, context["figures"])
        return _page(request, "web/home.html", context, "home")

    return cached_page(
        request,
        build,
        depends_on=["home", pages.signature(rounds), origin(request)],
        last_modified=latest(r.published_at for r in rounds),
    )


@require_safe
@published_page()
def round_list(request: HttpRequest) -> HttpResponse:
    rounds = pages.published_rounds()
    return cached_page(
        request,
        lambda: _page(request, "web/round_list.html", {"rounds": rounds}, "rounds"),
        depends_on=[pages.signature(rounds)],
        last_modified=latest(r.published_at for r in rounds),
    )


@require_safe
@published_page()
def round_detail(request: HttpRequest, ref: RoundRef) -> HttpResponse:
    round_ = pages.published_round(ref)

    def build() -> HttpResponse:
        context = _round_context(round_)
        context["og"] = _round_og(request, round_, context["figures"])
        return _page(request, "web/round.html", context, "rounds")

    return cached_page(
        request,
        build,
        depends_on=[pages.signature([round_]), origin(request)],
        last_modified=round_.published_at,
    )


@require_safe
@published_page()
def pair_detail(request: HttpRequest, ref: RoundRef, pair: str) -> HttpResponse:
    round_ = pages.published_round(ref)
    rounds = pages.published_rounds()

    def build() -> HttpResponse:
        scale = pages.scale_labels(round_.methodology)
        figures = pages.round_figures(round_, pair_url=_pair_url, scale=scale)
        page = pages.pair_page(round_, pair, figures, scale)
        series = pages.index_series(rounds, figures.names["pair"], only=pair)
        context = {
            "round": round_,
            "page": page,
            "figures": figures,
            "pair_agreement": figures.pair_agreement_note(pair),
            "series": series,
            "current_version": pages.current_version_of(round_),
        }
        if series.diagram is not None:
            context["og"] = _og(
                request,
                title=f"{page.pair.name} · {round_.year}",
                description=_("Accountability index in %(year)s: %(index)s.")
                % {"year": round_.year, "index": page.figure.text},
                image=reverse("web:pair-card", args=[round_, pair]),
                image_alt=series.diagram.finding,
            )
        return _page(request, "web/pair.html", context, "rounds")

    return cached_page(
        request,
        build,
        depends_on=[pair, pages.signature([round_]), pages.signature(rounds), origin(request)],
        last_modified=latest(r.published_at for r in rounds),
    )


@require_safe
@published_page(query=("a", "b"))
def compare(request: HttpRequest) -> HttpResponse:
    """Two published rounds side by side (?a=2016&b=2025); by default the latest two."""
    rounds = pages.published_rounds()
    a, b = parse_ref(request.GET.get("a")), parse_ref(request.GET.get("b"))
    chosen: tuple[Round, Round] | None
    if a is None and b is None:
        chosen = pages.default_pair(rounds)
    else:
        before = pages.find(rounds, a) if a else None
        after = pages.find(rounds, b) if b else None
        # A round that is not published is as absent as one that does not exist.
        if before is None or after is None:
            raise Http404("Choose two published rounds.")
        chosen = (before, after)

    def build() -> HttpResponse:
        context: dict[str, Any] = {"rounds": rounds, "chosen": chosen}
        if chosen is not None and chosen[0].pk != chosen[1].pk:
            context["page"] = pages.comparison_page(*chosen)
            context["series"] = pages.index_series(
                rounds, {row.code: row.name for row in context["page"].pairs}
            )
        return _page(request, "web/compare.html", context, "compare")

    return cached_page(
        request,
        build,
        depends_on=[
            "compare",
            [ref_of(r) for r in chosen] if chosen else None,
            pages.signature(rounds),
            origin(request),
        ],
        last_modified=latest(r.published_at for r in rounds),
    )


@require_safe
@published_page()
def methodology(request: HttpRequest) -> HttpResponse:
    rounds = pages.published_rounds()
    return cached_page(
        request,
        lambda: _page(
            request,
            "web/methodology.html",
            {"methodologies": pages.methodologies(rounds)},
            "methodology",
        ),
        depends_on=[pages.signature(rounds)],
        last_modified=latest(r.published_at for r in rounds),
    )


@require_safe
@published_page()
def downloads(request: HttpRequest) -> HttpResponse:
    rounds = pages.published_rounds()
    return cached_page(
        request,
        lambda: _page(request, "web/downloads.html", {"rounds": rounds}, "downloads"),
        depends_on=[pages.signature(rounds)],
        last_modified=latest(r.published_at for r in rounds),
    )


def _download(request: HttpRequest, round_: Round, body, filename: str, content_type: str):
    def build() -> HttpResponse:
        response = HttpResponse(body(), content_type=content_type)
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    return cached_page(
        request,
        build,
        depends_on=pages.signature([round_]),
        last_modified=round_.published_at,
    )


@require_safe
@published_page()
def package(request: HttpRequest, ref: RoundRef) -> HttpResponse:
    """The round's data package (zip): its rows as CSV, the report as JSON, READMEs (README.md
    in the page's language; the ETag depends on the language, as every page's)."""
    round_ = pages.published_round(ref)
    return _download(
        request,
        round_,
        lambda: packages.build_round_package(round_, language=get_language()),
        f"{packages.package_name(round_)}.zip",
        "application/zip",
    )


@require_safe
@published_page()
def scores(request: HttpRequest, ref: RoundRef) -> HttpResponse:
    """The round's computed figures as CSV."""
    round_ = pages.published_round(ref)
    return _download(
        request,
        round_,
        lambda: packages.scores_csv(round_),
        f"{packages.package_name(round_)}-scores.csv",
        "text/csv; charset=utf-8",
    )
