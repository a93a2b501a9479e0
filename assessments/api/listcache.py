"""Lists of public rows, asked anonymously, kept as ready bytes.

An anonymous reader sees the rows of published rounds only (permissions.py), and those
never change: the list she gets (ratings, assessments, citations) is a function of the
query, the language, the format, the address asked at (pagination links are absolute)
and the set of published rounds and their shared names, i.e. the index stamp of
caching.py. So the body is kept under all of these and served, while it is there, before
DRF runs: no query, no serializer (docs/decisions.md, "Speed").

Someone signed in (a token or a session) is answered for who she is: DRF authenticates
her, checks permissions and throttles, and only then may her list come from the cache,
when it names rounds (`year`, `round`, `version`) whose rows she sees can no longer
change. It is kept under what decides her rows (permissions.unchanging_view: a published
round's public rows are everyone's but staff's; its experts' own ratings, the pairs her
seats cover) besides everything an anonymous list is kept under, so that it is never
served to anyone who may see other rows. What decides her rows is itself remembered
until a seat, panel, round or group changes (`remembered_view`): a panel member reading
her panel's ratings of a published round then costs her authentication alone.

Anything else takes DRF's ordinary path: a query parameter the list does not know (it
would fill the cache with variants of one answer), an unusual Accept, a bad language,
a round still in work, a cold cache. On that path a 200 is kept for the next request
under its key.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from rest_framework.request import Request

from assessments.models import Panel
from assessments.permissions import unchanging_view

from . import caching
from .filters import named_rounds
from .i18n import UnknownLanguage, requested_language
from .throttling import rate_limit_headers

# Parameters every list understands besides its filters.
COMMON_PARAMETERS = frozenset({"page", "page_size", "format", "lang", "ordering"})

# --- who sees what, remembered until it changes -------------------------------------------
# unchanging_view costs a signed-in reader two queries (her groups, her seats), as much as
# the rest of a kept list's request. Its answer is kept per user, list and rounds under
# the access generation, which changes whenever a row it reads is saved or deleted: a
# seat, a panel or its pairs, a peer review assignment, a reply window, a round, a user,
# her groups or a group. Each process reads the generation at most every caching.INDEX_LOCAL_TTL
# seconds, so another process sees such a change that much later, as it sees a publication.
ACCESS_KEY = f"api:v{caching.PAYLOAD_VERSION}:access"
ACCESS_MODELS = ("PanelMembership", "Panel", "ReviewAssignment", "ReplyWindow", "Round")
_access_local: tuple[float, str] | None = None


def access_generation() -> str:
    global _access_local
    now = time.monotonic()
    local = _access_local
    if local is not None and now - local[0] < caching.INDEX_LOCAL_TTL:
        return local[1]
    current = cache.get(ACCESS_KEY)
    if current is None:
        cache.add(ACCESS_KEY, uuid.uuid4().hex, None)
        current = cache.get(ACCESS_KEY, "")
    _access_local = (now, current)
    return current


def forget_access() -> None:
    global _access_local
    _access_local = None
    cache.set(ACCESS_KEY, uuid.uuid4().hex, None)


def _access_changed(sender: type, **kwargs: object) -> None:
    if kwargs.get("update_fields") == frozenset({"last_login"}):
        return  # signing in (update_last_login) changes nobody's access
    # Now, and again after the commit (a request between the two would remember the old).
    forget_access()
    transaction.on_commit(forget_access)


for _sender in (
    *(f"assessments.{m}" for m in ACCESS_MODELS),
    settings.AUTH_USER_MODEL,
    "auth.Group",
):
    for _signal in (post_save, post_delete):
        _signal.connect(
            _access_changed,
            sender=_sender,
            dispatch_uid=f"api-access-{_signal is post_save}-{_sender}",
        )
for _through in (Panel.pairs.through, get_user_model().groups.through):
    m2m_changed.connect(_access_changed, sender=_through, dispatch_uid=f"api-access-{_through}")


def remembered_view(user: Any, model: type, rounds: dict[str, int]) -> str | None:
    """permissions.unchanging_view, kept until the access generation changes."""
    key = caching.body_key(
        "view", user.pk, model._meta.label, sorted(rounds.items()), access_generation()
    )
    kept = caching.peek(key)
    if kept is None:
        kept = (unchanging_view(user, model, rounds),)
        caching.store(key, kept)
    return kept[0]


@dataclass(frozen=True)
class KeptList:
    """A signed-in reader's list as kept: the body, and the languages its texts came in."""

    entry: caching.CachedBody
    languages: frozenset[str]

    @property
    def body(self) -> bytes:  # what caching's per-process LRU counts
        return self.entry.body


class PublicListCacheMixin:
    """For list endpoints whose rows an anonymous reader sees only in published rounds."""

    filterset_class: Any
    basename: str
    _member_list_key: str | None = None  # set by list() for a signed-in reader
    _list_language: str  # of the request whose cache key was made

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = self._public_list_key(request, kwargs)
        if key is not None:
            entry = caching.peek(key)
            if entry is not None and self._throttles_allow(request):
                return self._from_entry(request, entry)
        response = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        user = getattr(getattr(self, "request", None), "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in:
            key = self._member_list_key
        if key is not None and response.status_code == 200 and not response.streaming:
            body = response.content
            entry = caching.make_body(body, response["Content-Type"])
            if response.has_header("ETag"):
                # The view's ETag (per language) is what clients were given: keep it, and
                # the compressed copy (a page of ratings is 16 KB of JSON, 2 KB gzipped).
                entry = caching.CachedBody(
                    body, response["Content-Type"], response["ETag"], gzipped=entry.gzipped
                )
            if signed_in:
                # With the languages its texts fell back to (ApiMixin: Content-Language).
                languages = frozenset(response.get("Content-Language", "").split(", "))
                caching.store(key, KeptList(entry, languages), size=len(body))
            else:
                caching.store(key, entry, size=len(body))
        return response

    def list(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        # Authenticated, allowed and not throttled (DRF's initial()): her own key, if any.
        if request.user.is_authenticated:
            key = self._signed_in_list_key(request)
            kept = caching.peek(key) if key is not None else None
            if isinstance(kept, KeptList):
                request._request.text_languages = set(kept.languages)
                return caching.respond(request, kept.entry, last_modified=None, public=False)
            self._member_list_key = key  # kept once answered (dispatch)
        return super().list(request, *args, **kwargs)  # type: ignore[misc]

    def _signed_in_list_key(self, request: Request) -> str | None:
        """The key of a signed-in reader's list, or None when it may change or not be kept."""
        parts = self._list_key_parts(request._request)
        rounds = named_rounds(request.query_params) if parts is not None else None
        if rounds is None:
            return None
        rows = remembered_view(request.user, self.filterset_class._meta.model, rounds)
        if rows is None:
            return None
        return caching.body_key("list-signed-in", type(self).__name__, rows, *parts)

    def _public_list_key(self, request: HttpRequest, kwargs: dict[str, Any]) -> str | None:
        """The cache key of this request's answer, or None when it may not be shared."""
        if (
            kwargs  # a single row, not the list
            or "HTTP_AUTHORIZATION" in request.META
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            # DRF's test client signs in this way, without a header.
            or getattr(request, "_force_auth_user", None) is not None
        ):
            return None
        parts = self._list_key_parts(request)
        return None if parts is None else caching.body_key("list", type(self).__name__, *parts)

    def _list_key_parts(self, request: HttpRequest) -> tuple[str, ...] | None:
        """What a list's answer depends on besides who asks; None when it is not kept."""
        if request.method not in ("GET", "HEAD"):
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
        return (
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
