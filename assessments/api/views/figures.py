"""Computed figures: scores, comparison, series; published answers from the cache."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from assessments.comparison import compare_rounds
from assessments.models import Round

from .. import caching, payloads
from .. import serializers as s
from ..i18n import UnknownLanguage, requested_language
from ..permissions import (
    IsAuthenticatedOrReadOnly,
)
from ..renderers import ScoresCSVRenderer
from ..selectors import pair_index_series_of
from ..throttling import UserRateThrottle, rate_limit_headers
from .base import (
    ROUND,
    ApiMixin,
    get_round,
    parse_round,
    round_param,
    validated,
)

# --- computed figures ------------------------------------------------------------------------

# A request's parameters: DRF's QueryDict, or on the fast path the plain ones (caching.py).
Query = QueryDict | caching.PlainQuery


@dataclass(frozen=True)
class Plan:
    """What a figures response is made of: its rounds and the parts of its cache key."""

    rounds: list[Any]  # caching.RoundRef or Round: both have pk, year, version, status
    parts: tuple[Any, ...]
    filename: str = ""  # CSV download name, without the language and extension

    def download_name(self, fmt: str, language: str) -> str | None:
        return f"{self.filename}-{language}.{fmt}" if self.filename and fmt == "csv" else None


def _key(round_: Any) -> str:
    return f"{round_.pk}.{round_.version}.{round_.status}"


def _load(pk: int) -> Round:
    return Round.objects.select_related("methodology").get(pk=pk)


class FiguresView(ApiMixin, APIView):
    """Scores, comparison and series: published rounds' answers come from caching.py.

    A plain anonymous GET of published rounds whose answer is already cached is
    served before DRF runs at all (`from_cache`): at this size DRF's request
    handling costs more than everything else the request needs. Anything else —
    a token, a session, an unusual Accept, a bad parameter, a cold cache, an
    unpublished round — takes the ordinary path below, which computes, caches
    and reports errors in the API's shape.
    """

    permission_classes = [IsAuthenticatedOrReadOnly]
    formats = ("json",)

    def plan(self, query: Query, index: caching.PublishedRounds, **kwargs: Any) -> Plan | None:
        """The published rounds the query names, from the index alone (None: not all are)."""
        raise NotImplementedError

    def plan_from_database(self, query: Query, index: caching.PublishedRounds, **kwargs: Any):
        raise NotImplementedError

    def build(self, plan: Plan, query: Query) -> Any:
        raise NotImplementedError

    def get(self, request: Request, **kwargs: Any) -> HttpResponse:
        index = caching.published_rounds()
        plan = self.plan(request.query_params, index, **kwargs)
        if plan is None:
            plan = self.plan_from_database(request.query_params, index, **kwargs)
        return self.serve(plan, lambda: self.build(plan, request.query_params))

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = self.from_cache(request, **kwargs)
        if response is not None:
            return response
        return super().dispatch(request, *args, **kwargs)

    def from_cache(self, request: HttpRequest, **kwargs: Any) -> HttpResponse | None:
        if (
            request.method != "GET"
            or "HTTP_AUTHORIZATION" in request.META
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        ):
            return None
        query = caching.plain_query(request.META.get("QUERY_STRING", ""))
        if query is None:
            query = request.GET
        fmt = self._plain_format(request, query)
        try:
            language = requested_language(request, query)
            plan = self.plan(query, caching.published_rounds(), **kwargs)
        except (UnknownLanguage, ValidationError):
            return None
        if fmt is None or plan is None:
            return None
        entry = caching.peek(caching.body_key(*plan.parts, language, fmt))
        if entry is None or not self._throttles_allow(request):
            return None  # DRF's path computes it, or answers 429
        response = caching.respond(
            request,
            entry,
            last_modified=caching.latest(r.published_at for r in plan.rounds),
            public=True,
            filename=plan.download_name(fmt, language),
            vary=("Accept", "Accept-Language"),
        )
        response["Content-Language"] = language
        return rate_limit_headers(request, response)

    def _plain_format(self, request: HttpRequest, query: Query) -> str | None:
        """json or csv when the request says so plainly; None leaves it to DRF's negotiation."""
        asked = query.get("format")
        if asked is not None:
            return asked if asked in self.formats else None
        accept = request.META.get("HTTP_ACCEPT", "*/*").strip()
        if accept in ("", "*/*") or accept.startswith("application/json"):
            return "json"
        if accept == "text/csv" and "csv" in self.formats:
            return "csv"
        return None

    def _throttles_allow(self, request: HttpRequest) -> bool:
        # The throttles DRF would apply, less those that count signed-in users only: the
        # request is anonymous (no token, no session), and they would let it pass.
        return all(
            throttle().allow_request(request, self)
            for throttle in self.throttle_classes
            if not issubclass(throttle, UserRateThrottle)
        )

    def render_bytes(self, data: Any) -> tuple[bytes, str]:
        renderer = self.request.accepted_renderer
        body = renderer.render(data, self.request.accepted_media_type, self.get_renderer_context())
        content_type = renderer.media_type
        if renderer.charset:
            content_type = f"{content_type}; charset={renderer.charset}"
        return body, content_type

    def serve(self, plan: Plan, build: Callable[[], Any]) -> HttpResponse:
        """Bytes from the cache when every round is published; built afresh otherwise."""
        frozen = all(r.status in Round.FROZEN_STATUSES for r in plan.rounds)
        fmt = self.request.accepted_renderer.format
        if frozen:
            key = caching.body_key(*plan.parts, self.language, fmt)
            entry = caching.cached_body(key, lambda: self.render_bytes(build()))
        else:
            entry = caching.make_body(*self.render_bytes(build()))
        return caching.respond(
            self.request,
            entry,
            last_modified=caching.latest(r.published_at for r in plan.rounds),
            public=frozen,
            filename=plan.download_name(fmt, self.language),
        )


class ScoresView(FiguresView):
    renderer_classes = [JSONRenderer, ScoresCSVRenderer]
    formats = ("json", "csv")

    def plan(self, query: Query, index: caching.PublishedRounds, *, round: str) -> Plan | None:
        ref = index.find(*parse_round(round))
        return self._plan(ref, index) if ref is not None else None

    def plan_from_database(self, query: Query, index: caching.PublishedRounds, *, round: str):
        round_ = get_round(self.request.user, *parse_round(round), figures=True)
        return self._plan(round_, index)

    def _plan(self, round_: Any, index: caching.PublishedRounds) -> Plan:
        filename = f"scores-{round_.year}-v{round_.version}"
        return Plan([round_], ("scores", _key(round_), index.stamp), filename)

    def build(self, plan: Plan, query: Query) -> Any:
        return payloads.scores(_load(plan.rounds[0].pk))

    @extend_schema(
        summary="A round's computed figures, with the published ones that disagree",
        description=(
            "Per process, pair, dimension and principal, the overall index, and every printed "
            "figure that disagrees with the computed one: the same JSON as "
            "`manage.py scores YEAR --json`. CSV with `?format=csv` or `Accept: text/csv`. "
            "Published rounds answer with ETag and Last-Modified; a conditional request gets 304."
        ),
        parameters=[
            ROUND,
            OpenApiParameter("format", str, enum=["json", "csv"], description="Or use Accept."),
        ],
        responses={
            (200, "application/json"): s.ScoresSerializer,
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="One row per figure; see docs/api.md."
            ),
        },
    )
    def get(self, request: Request, round: str) -> HttpResponse:
        return super().get(request, round=round)


class ComparisonView(FiguresView):
    def plan(self, query: Query, index: caching.PublishedRounds) -> Plan | None:
        a, b = (index.find(*round_param(query, name)) for name in ("a", "b"))
        return self._plan(a, b, index) if a is not None and b is not None else None

    def plan_from_database(self, query: Query, index: caching.PublishedRounds) -> Plan:
        a, b = (
            index.find(*named) or get_round(self.request.user, *named, figures=True)
            for named in (round_param(query, "a"), round_param(query, "b"))
        )
        return self._plan(a, b, index)

    def _plan(self, a: Any, b: Any, index: caching.PublishedRounds) -> Plan:
        return Plan([a, b], ("compare", _key(a), _key(b), index.stamp))

    def build(self, plan: Plan, query: Query) -> Any:
        a, b = plan.rounds
        return payloads.comparison(compare_rounds(_load(a.pk), _load(b.pk)))

    @extend_schema(
        summary="Two rounds side by side: what changed, and every figure's delta",
        description=(
            "Each process of either round, matched by its code, rating by rating (with the "
            "reason recorded for the latest change), citations added and removed, and the "
            "deltas (b − a, percentage points) of every pair index, dimension total, principal "
            "share and the overall index. `methodology_warning` says when the rounds were "
            "assessed with different methodologies."
        ),
        parameters=[s.ComparisonQuerySerializer],
        responses=s.ComparisonSerializer,
    )
    def get(self, request: Request) -> HttpResponse:
        return super().get(request)


class SeriesView(FiguresView):
    def plan(self, query: Query, index: caching.PublishedRounds) -> Plan:
        # Published rounds only, for everyone: always known to the index.
        if "pair" in query:
            validated(s.SeriesQuerySerializer, query.dict())  # `?pair=` names no pair: 400
        return Plan(index.current(), ("series", index.stamp, query.get("pair")))

    def build(self, plan: Plan, query: Query) -> Any:
        rounds, series = pair_index_series_of([r.pk for r in plan.rounds])
        pair = query.get("pair")
        if pair is not None:
            series = [p for p in series if p.pair == pair]
        return payloads.series(rounds, series)

    @extend_schema(
        summary="Each pair's index over every published round",
        description=(
            "The current version of every published year, oldest first. Each point names "
            "the methodology (code@version) its index was computed with: where it changes, "
            "the series compares unlike with unlike."
        ),
        parameters=[s.SeriesQuerySerializer],
        responses=s.SeriesSerializer,
    )
    def get(self, request: Request) -> HttpResponse:
        return super().get(request)
