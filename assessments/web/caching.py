"""HTTP caching of published pages: ETag and Last-Modified, a 304 before any work is done.

A published round never changes, so its pages can be cached by browsers and
proxies. The ETag is built from what a page depends on (the rounds' pk, version,
status and publication time, the language), from the API cache's generation (which
changes whenever a name shared by every round is corrected) and from SITE_VERSION, which
is bumped when the templates change what a page says. max-age stays modest because
names shared by every round (pairs, subjects, acts) can still be edited.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language

from assessments.api import caching as api_caching

SITE_VERSION = "1"
MAX_AGE = 60 * 60


def etag_for(*parts: object) -> str:
    # The generation changes whenever a name the pages print (a subject's, an act's) is
    # corrected: new bytes, a new ETag, never a 304 for the old copy.
    stamp = api_caching.generation()
    text = "|".join(str(p) for p in (SITE_VERSION, stamp, get_language(), *parts))
    return quote_etag(hashlib.sha256(text.encode()).hexdigest()[:32])


def latest(times: Iterable[datetime.datetime | None]) -> datetime.datetime | None:
    present = [t for t in times if t is not None]
    return max(present) if present else None


def cached_page(
    request: HttpRequest,
    build: Callable[[], HttpResponse],
    *,
    depends_on: Iterable[object],
    last_modified: datetime.datetime | None = None,
) -> HttpResponse:
    """Answer 304 when the client has this version; otherwise build the page, marked cacheable."""
    etag = etag_for(request.path, *depends_on)
    modified = int(last_modified.timestamp()) if last_modified else None
    response = get_conditional_response(request, etag=etag, last_modified=modified)
    if response is None:
        response = build()
    if response.status_code in (200, 304):
        response.headers["ETag"] = etag
        if modified is not None:
            response.headers["Last-Modified"] = http_date(modified)
        patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response
