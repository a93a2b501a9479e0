"""Lists of public rows, asked anonymously, kept as ready bytes.

An anonymous reader sees the rows of published rounds only (permissions.py), and those
never change: the list she gets (ratings, assessments, citations) is a function of the
query, the language, the format, the address asked at (pagination links are absolute)
and the set of published rounds and their shared names, i.e. the index stamp of
caching.py. So the body is kept under all of these and served, while it is there, before
DRF runs: no query, no serializer (docs/decisions.md, "Speed").

Anything else takes DRF's ordinary path: a token or a session (the answer then depends
on who asks), a query parameter the list does not know (it would fill the cache with
variants of one answer), an unusual Accept, a bad language, a cold cache. On that path
a 200 for an anonymous reader is kept for the next one.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from . import caching
from .i18n import UnknownLanguage, requested_language
from .throttling import rate_limit_headers

# Parameters every list understands besides its filters.
COMMON_PARAMETERS = frozenset({"page", "page_size", "format", "lang", "ordering"})


class PublicListCacheMixin:
    """For list endpoints whose rows an anonymous reader sees only in published rounds."""

    filterset_class: Any
    basename: str
    _list_language: str  # of the request whose cache key was made

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = self._public_list_key(request, kwargs)
        if key is not None:
            entry = caching.peek(key)
            if entry is not None and self._throttles_allow(request):
                return self._from_entry(request, entry)
        response = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        user = getattr(getattr(self, "request", None), "user", None)
        if (
            key is not None
            and response.status_code == 200
            and not response.streaming
            and not (user is not None and user.is_authenticated)
        ):
            body = response.content
            entry = caching.make_body(body, response["Content-Type"])
            if response.has_header("ETag"):
                # The view's ETag (per language) is what clients were given: keep it, and
                # the compressed copy (a page of ratings is 16 KB of JSON, 2 KB gzipped).
                entry = caching.CachedBody(
                    body, response["Content-Type"], response["ETag"], gzipped=entry.gzipped
                )
            caching.store(key, entry, size=len(body))
        return response

    def _public_list_key(self, request: HttpRequest, kwargs: dict[str, Any]) -> str | None:
        """The cache key of this request's answer, or None when it may not be shared."""
        if (
            kwargs  # a single row, not the list
            or request.method not in ("GET", "HEAD")
            or "HTTP_AUTHORIZATION" in request.META
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            # DRF's test client signs in this way, without a header.
            or getattr(request, "_force_auth_user", None) is not None
        ):
            return None
        plain = caching.plain_query(request.META.get("QUERY_STRING", ""))
        params = request.GET if plain is None else plain
        known = COMMON_PARAMETERS | set(self.filterset_class.base_filters)
        if any(name not in known for name in params):
            return None
        fmt = params.get("format")
        accept = request.META.get("HTTP_ACCEPT", "*/*").strip()
        if fmt not in (None, "json") or not (
            accept in ("", "*/*") or accept.startswith("application/json")
        ):
            return None
        try:
            language = self._list_language = requested_language(request, params)
        except UnknownLanguage:
            return None
        if plain is not None:  # each name once, nothing to escape: no QueryDict needed
            query = "&".join(f"{k}={v}" for k, v in sorted(plain.items()))
        else:
            query = urlencode(sorted((k, v) for k in params for v in params.getlist(k)))
        return caching.body_key(
            "list",
            type(self).__name__,
            language,
            query,
            request.scheme,
            request.get_host(),
            caching.published_rounds().stamp,
        )

    def _throttles_allow(self, request: HttpRequest) -> bool:
        # The throttles DRF would apply to this anonymous request.
        return all(throttle.allow_request(request, self) for throttle in self.get_throttles())  # type: ignore[attr-defined]

    def _from_entry(self, request: HttpRequest, entry: caching.CachedBody) -> HttpResponse:
        response = caching.respond(
            request, entry, last_modified=None, public=False, vary=("Accept-Language",)
        )
        response["Content-Language"] = self._list_language
        return rate_limit_headers(request, response)
