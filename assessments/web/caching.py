"""Published pages as ready bytes: built once per round version and language, then served
without a query, with an ETag computed from the bytes, Last-Modified and 304.

A published round never changes (services refuse, and the database too), so a page
about published rounds is a function of: the set of published rounds and their
versions (and the shared names they show: pairs, subjects, acts, methodologies), the
language, the address the page was asked at (its path and the query parameters it
reads), and the site's own address (Open Graph tags and embed codes are absolute).
All of it is in the key of `published_page`; the first part is the API cache's index
stamp (`assessments.api.caching`), which changes when a round is published, superseded
by errata or a watched name is saved. The bytes live where the API's do: the shared
cache (Redis in production) and a small per-process LRU, so that a hit costs neither a
query nor, usually, a round trip.

What can lag: another process sees a publication up to INDEX_LOCAL_TTL (2 s) later. A
part of a page that may change after publication must call
`assessments.api.caching.forget_published_rounds()` when it changes (or be a watched
model there).
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, QueryDict
from django.utils.cache import patch_cache_control
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from django.utils.translation import get_language

from assessments import names
from assessments.api import caching as shared

from .links import origin

# Bump when the templates change what a page says: every cached page is then rebuilt.
SITE_VERSION = "3"
MAX_AGE = 60 * 60
# Headers of the built response that a cached answer repeats.
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Last-Modified", "Content-Language")


def etag_for(*parts: object) -> str:
    """A key from what something depends on (chart images are kept under it).

    The API cache's generation is part of it: a corrected shared name (an act's title, a
    subject's name) is drawn into images too, so their key and ETag change with it.
    """
    stamp = shared.generation()
    text = "|".join(str(p) for p in (SITE_VERSION, stamp, get_language(), *parts))
    return quote_etag(hashlib.sha256(text.encode()).hexdigest()[:32])


def latest(times: Iterable[datetime.datetime | None]) -> datetime.datetime | None:
    present = [t for t in times if t is not None]
    return max(present) if present else None


def cached_page(
    request: HttpRequest,
    build: Callable[[], HttpResponse],
    *,
    depends_on: Iterable[object] = (),
    last_modified: datetime.datetime | None = None,
) -> HttpResponse:
    """Build the page and say when its rounds were published; `published_page` around the view
    keeps the bytes, derives the ETag from them and answers 304."""
    response = build()
    if response.status_code == 200 and last_modified is not None:
        response.headers["Last-Modified"] = http_date(int(last_modified.timestamp()))
    return response


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    etag: str
    headers: tuple[tuple[str, str], ...]
    # Attributes later middleware reads (X-Frame-Options exemption, CSP changes of embeds).
    attributes: tuple[tuple[str, Any], ...]
    # The body gzip-compressed once (None: an image, an archive, or too small), sent to
    # the clients that accept it: a page is 50-270 KB, a tenth of that compressed.
    gzipped: bytes | None = None


# Response attributes set by view decorators below `published_page` that middleware reads.
KEPT_ATTRIBUTES = ("xframe_options_exempt", "_csp_replace", "_csp_update", "_csp_exempt")


def published_page(*, query: Sequence[str] = ()) -> Callable:
    """Serve the view's 200 answers from bytes cached under everything they depend on.

    `query` names the query parameters the view reads; any other is dropped before the view
    runs (so it cannot reach the page, and a stranger cannot fill the cache with variants).
    Put it below decorators that set response attributes (`embeddable`): they then apply to
    cached answers too.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            canonical = _keep_only(request, query)
            index = shared.published_rounds()
            key = shared.body_key(
                "page",
                SITE_VERSION,
                get_language(),
                request.path,
                canonical,
                origin(request),
                index.stamp,
            )
            entry = shared.peek(key)
            if entry is None:
                # Names as the round the page is about was published with (names.py).
                with names.public_read():
                    response = view(request, *args, **kwargs)
                if response.status_code != 200 or response.streaming:
                    return response
                entry = _entry(response)
                shared.store(key, entry, size=len(entry.body) + len(entry.gzipped or b""))
            return _answer(request, entry)

        return wrapped

    return decorator


# A query value that urlencode() writes as it is.
_PLAIN_VALUE = re.compile(r"[A-Za-z0-9._~-]+")


def _keep_only(request: HttpRequest, names: Sequence[str]) -> str:
    """Drop the query parameters the view does not read; the canonical query string."""
    query = request.META.get("QUERY_STRING", "")
    if _is_canonical(query, names):
        # As links and the compare form write it: no QueryDict to parse nor string to
        # rebuild on a cached answer (they cost the compare page a few percent).
        return query
    kept = [(name, request.GET[name]) for name in sorted(names) if request.GET.get(name)]
    canonical = urlencode(kept)
    if canonical != request.META.get("QUERY_STRING", ""):
        request.META["QUERY_STRING"] = canonical
        request.GET = QueryDict(canonical)
    return canonical


def _is_canonical(query: str, names: Sequence[str]) -> bool:
    """Whether `query` is already what `_keep_only` would make of it: names the view reads,
    each once, in order, with a non-empty value that needs no escaping."""
    if not query:
        return True
    previous = ""
    for part in query.split("&"):
        name, equals, value = part.partition("=")
        if not equals or name <= previous or name not in names or not _PLAIN_VALUE.fullmatch(value):
            return False
        previous = name
    return True


def _entry(response: HttpResponse) -> CachedPage:
    if hasattr(response, "render"):  # a TemplateResponse (the sitemap's)
        response.render()
    body = response.content
    return CachedPage(
        body=body,
        etag=quote_etag(hashlib.sha256(body).hexdigest()[:32]),
        headers=tuple((h, response[h]) for h in KEPT_HEADERS if h in response),
        attributes=tuple(
            (name, getattr(response, name)) for name in KEPT_ATTRIBUTES if hasattr(response, name)
        ),
        gzipped=shared.compress(body, response.get("Content-Type", "")),
    )


def _answer(request: HttpRequest, entry: CachedPage) -> HttpResponse:
    headers = dict(entry.headers)
    last_modified = headers.get("Last-Modified")
    gzipped = getattr(entry, "gzipped", None)  # pages kept before it existed have none
    body, etag, compressed = shared.representation(request, entry.body, entry.etag, gzipped)
    if _not_modified(request, etag, last_modified):
        response: HttpResponse = HttpResponseNotModified()
        for name in ("Last-Modified", "Content-Language"):
            if name in headers:
                response.headers[name] = headers[name]
    else:
        response = HttpResponse(body)
        for name, value in entry.headers:
            response.headers[name] = value
    shared.mark_encoding(response, compressed and response.status_code == 200, gzipped is not None)
    for name, value in entry.attributes:
        setattr(response, name, value)
    response.headers["ETag"] = etag
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


def _not_modified(request: HttpRequest, etag: str, last_modified: str | None) -> bool:
    modified = parse_http_date_safe(last_modified) if last_modified else None
    return shared.is_not_modified(
        request,
        etag,
        datetime.datetime.fromtimestamp(modified, tz=datetime.UTC) if modified else None,
    )
