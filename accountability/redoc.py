"""Redoc's script, served from this site without its one request to another host.

Redoc's standalone bundle (drf-spectacular-sidecar) draws a "Redocly" badge in its menu as
an image at https://cdn.redoc.ly/; the site's Content-Security-Policy refuses it (nothing
is loaded from another host) and the browser logs an error on every visit. Redoc has no
option to leave the badge out, so the bundle is served here with that one address
replaced by an empty image (`data:`, which the policy allows): read once per process from
the installed sidecar, so an upgrade of Redoc needs nothing here.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from django.utils.http import quote_etag
from django.views.decorators.http import require_safe

BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
BADGE = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
# A transparent pixel.
EMPTY_IMAGE = b"data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
MAX_AGE = 24 * 60 * 60


@lru_cache(maxsize=1)
def bundle() -> tuple[bytes, str]:
    """The bundle's bytes without the outside address, and their ETag."""
    path = finders.find(BUNDLE)
    if path is None:
        raise ImproperlyConfigured(f"{BUNDLE} is not installed (drf-spectacular-sidecar).")
    body = Path(path).read_bytes().replace(BADGE, EMPTY_IMAGE)
    return body, quote_etag(hashlib.sha256(body).hexdigest()[:32])


@require_safe
def redoc_script(request: HttpRequest) -> HttpResponse:
    body, etag = bundle()
    if request.META.get("HTTP_IF_NONE_MATCH") == etag:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response
