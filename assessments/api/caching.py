"""Published rounds' responses as ready bytes, with ETag, Last-Modified and 304.

A published round never changes (services refuse, and the database too), so what
the API says about it — its scores, a comparison, the time series — can be
computed once per language and format and then served without a query: at this
service's size a single query per request halves throughput (docs/decisions.md, "Speed").

Two levels:
- The index of published rounds (year, version → pk, status, publication time,
  methodology): one query to build, kept in the shared cache (Redis in
  production) for INDEX_TTL seconds. Saving a round or a row whose names appear
  in the responses (pairs, subjects, processes, dimensions, methodologies, acts)
  drops it and changes the generation, so the index's `stamp` changes.
- Response bodies, keyed by everything they depend on (the rounds' pk, version
  and status, language, format, the stamp): in the shared cache, and in a small
  per-process LRU. The index is also kept in each process for INDEX_LOCAL_TTL
  seconds, so that a hit usually costs neither a query nor a cache round trip.

What can lag: another process sees a publication up to INDEX_LOCAL_TTL seconds
later; a change made by a process that never imported this module (a management
command run on its own) is seen after at most INDEX_TTL seconds.
"""

from __future__ import annotations

import datetime
import functools
import gzip
import hashlib
import re
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe, quote_etag

from assessments import permissions
from assessments.models import Round

# Bump when the shape of a cached payload changes, so old bodies are not served.
PAYLOAD_VERSION = "1"
INDEX_KEY = f"api:v{PAYLOAD_VERSION}:published-rounds"
GENERATION_KEY = f"api:v{PAYLOAD_VERSION}:generation"
INDEX_TTL = 60
# Each process also keeps the index this long, sparing a round trip to the shared cache
# on every request; a publication elsewhere is seen at most this much later.
INDEX_LOCAL_TTL = 2.0
BODY_TTL = 24 * 60 * 60
LOCAL_ENTRIES = 256
# Public pages are larger than API bodies (a pair page with its charts is 100-300 KB):
# the per-process copy is bounded in bytes too.
LOCAL_BYTES = 48 * 1024 * 1024
# Browsers and proxies may reuse a published round's response for this long without
# asking; after that a conditional request costs a 304. Modest, because shared names
# (a pair's, a subject's) can still be corrected.
MAX_AGE = 5 * 60

# Rows whose names or codes appear in cached responses.
WATCHED_MODELS = (
    "Round",
    "Methodology",
    "Dimension",
    "ScaleLevel",
    "Subject",
    "SubjectName",
    "Pair",
    "Process",
    "ProcessLink",
    "LegalAct",
    "LegalActEdition",
)


@dataclass(frozen=True)
class RoundRef:
    """A published round as the index knows it: enough to name it and key its responses."""

    pk: int
    year: int
    version: int
    status: str
    published_at: datetime.datetime | None
    methodology_code: str
    methodology_version: str

    @property
    def key(self) -> str:
        return f"{self.pk}.{self.version}.{self.status}"

    def named(self) -> dict[str, dict[str, object]]:
        return {
            "round": {"year": self.year, "version": self.version, "status": self.status},
            "methodology": {"code": self.methodology_code, "version": self.methodology_version},
        }


@dataclass(frozen=True)
class PublishedRounds:
    stamp: str
    rounds: tuple[RoundRef, ...]

    def find(self, year: int, version: int | None = None) -> RoundRef | None:
        """The round of `year` in `version`, or by default its current published version."""
        return self._by_name.get((year, version))

    @functools.cached_property
    def _by_name(self) -> dict[tuple[int, int | None], RoundRef]:
        # Looked up on every cached answer (two for a comparison): a dict, made once per
        # index, instead of a scan of every round.
        named: dict[tuple[int, int | None], RoundRef] = {}
        for year in {r.year for r in self.rounds}:
            of_year = [r for r in self.rounds if r.year == year]
            named.update(((year, r.version), r) for r in of_year)
            current = [r for r in of_year if r.status == Round.Status.PUBLISHED] or of_year
            named[(year, None)] = max(current, key=lambda r: r.version)
        return named

    def current(self) -> list[RoundRef]:
        """The current published version of every year, oldest first."""
        return [r for r in self.rounds if r.status == Round.Status.PUBLISHED]


_index_local: tuple[float, PublishedRounds] | None = None


def published_rounds() -> PublishedRounds:
    global _index_local
    now = time.monotonic()
    local = _index_local
    if local is not None and now - local[0] < INDEX_LOCAL_TTL:
        return local[1]
    index = cache.get(INDEX_KEY)
    if index is None:
        index = _build_index()
        cache.set(INDEX_KEY, index, INDEX_TTL)
    _index_local = (now, index)
    return index


def _build_index() -> PublishedRounds:
    rows = tuple(
        RoundRef(*row)
        for row in permissions.public_rounds()
        .order_by("year", "version")
        .values_list(
            "pk",
            "year",
            "version",
            "status",
            "published_at",
            "methodology__code",
            "methodology__version",
        )
    )
    stamp = hashlib.sha256(repr((generation(), rows)).encode()).hexdigest()[:16]
    return PublishedRounds(stamp=stamp, rounds=rows)


def generation() -> str:
    """Changes whenever a row whose names the answers print is saved (WATCHED_MODELS): one
    read of the shared cache, no query. The site's ETags include it (web/caching.py)."""
    current = cache.get(GENERATION_KEY)
    if current is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        current = cache.get(GENERATION_KEY, "")
    return current


def forget_published_rounds() -> None:
    """Drop the index and start a new generation: every cached body is then rebuilt."""
    global _index_local
    _index_local = None
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
    cache.delete(INDEX_KEY)


def _on_change(sender: type, **kwargs: object) -> None:
    # Now, and again after the commit: a request rebuilding the index between the
    # save and the commit would otherwise cache what is about to change.
    forget_published_rounds()
    transaction.on_commit(forget_published_rounds)


for _model in WATCHED_MODELS:
    for _signal in (post_save, post_delete):
        _signal.connect(
            _on_change,
            sender=f"assessments.{_model}",
            dispatch_uid=f"api-cache-{_signal is post_save}-{_model}",
        )


# --- plain query strings ------------------------------------------------------------

# A name or value that needs no decoding (what urlencode() writes as it is).
_PLAIN = re.compile(r"[A-Za-z0-9._~-]+")


class PlainQuery(dict):
    """A query string's parameters, each given once: what its QueryDict would hold."""

    def dict(self) -> dict[str, str]:
        return dict(self)


def plain_query(query_string: str) -> PlainQuery | None:
    """The parameters of a query string as clients send it (`a=2016&b=2025&lang=en`), without
    a QueryDict: building one cost a cached answer about as much as its throttles. None for
    anything else (escapes, a name given twice, an empty value), which QueryDict then reads.
    """
    query = PlainQuery()
    if not query_string:
        return query
    for part in query_string.split("&"):
        name, equals, value = part.partition("=")
        if not equals or name in query or not (_PLAIN.fullmatch(name) and _PLAIN.fullmatch(value)):
            return None
        query[name] = value
    return query


# --- bodies ------------------------------------------------------------------------


@dataclass(frozen=True)
class CachedBody:
    body: bytes
    content_type: str
    etag: str
    # The body gzip-compressed once when kept (None: not worth it), for the clients that
    # accept it — every browser. Sent as is: nothing is compressed per request.
    gzipped: bytes | None = None


_local: OrderedDict[str, tuple[object, int]] = OrderedDict()
_local_bytes = 0
_local_lock = threading.Lock()


def body_key(*parts: object) -> str:
    # Hashed: parts may hold client-chosen text, and cache backends limit key characters.
    try:
        return _hashed_key(parts)
    except TypeError:  # a part that cannot be a dictionary key
        return _hash_key(parts)


@functools.lru_cache(maxsize=1024)
def _hashed_key(parts: tuple[object, ...]) -> str:
    # Every cached answer hashes its key again on each request: the same few keys.
    return _hash_key(parts)


def _hash_key(parts: tuple[object, ...]) -> str:
    text = "|".join(str(p) for p in (PAYLOAD_VERSION, *parts))
    return f"api:v{PAYLOAD_VERSION}:body:{hashlib.sha256(text.encode()).hexdigest()}"


def cached_body(key: str, build: Callable[[], tuple[bytes, str]]) -> CachedBody:
    entry = peek(key)
    if entry is None:
        entry = make_body(*build())
        store(key, entry, size=len(entry.body))
    return entry


def store(key: str, entry: Any, *, size: int = 0) -> None:
    """Keep `entry` in the shared cache and in this process."""
    cache.set(key, entry, BODY_TTL)
    _remember(key, entry, size)


def peek(key: str) -> Any:
    """The entry under `key`, from this process or the shared cache; None if not cached."""
    with _local_lock:
        held = _local.get(key)
        if held is not None:
            _local.move_to_end(key)
            return held[0]
    entry = cache.get(key)
    if entry is not None:
        body = getattr(entry, "body", b"")
        _remember(key, entry, len(body) if isinstance(body, bytes) else 0)
    return entry


def _remember(key: str, entry: object, size: int = 0) -> None:
    global _local_bytes
    with _local_lock:
        previous = _local.pop(key, None)
        if previous is not None:
            _local_bytes -= previous[1]
        _local[key] = (entry, size)
        _local_bytes += size
        while _local and (len(_local) > LOCAL_ENTRIES or _local_bytes > LOCAL_BYTES):
            _key, (_entry, dropped) = _local.popitem(last=False)
            _local_bytes -= dropped


def make_body(body: bytes, content_type: str) -> CachedBody:
    return CachedBody(
        body,
        content_type,
        quote_etag(hashlib.sha256(body).hexdigest()[:32]),
        gzipped=compress(body, content_type),
    )


# --- compressed once ------------------------------------------------------------------

# Smaller bodies gain little; images and archives are compressed already.
COMPRESS_MIN_BYTES = 1024
COMPRESSIBLE = (
    "text/",
    "application/json",
    "image/svg+xml",
    "application/xml",
    "application/rss+xml",
)
# "gzip" or "*" in Accept-Encoding, unless its weight is zero ("gzip;q=0" refuses it).
_accepts_gzip = re.compile(r"^\s*(?P<coding>gzip|\*)\s*(?:;\s*q\s*=\s*(?P<q>[0-9.]+))?\s*$", re.I)


def compress(body: bytes, content_type: str) -> bytes | None:
    """gzip of a body about to be kept, when its type compresses and it is worth it.

    A page of a published round is 50-270 KB of HTML and SVG and about a tenth of it
    compressed; sending it is most of what a cached answer costs. The pages hold no
    secret (no session, no CSRF token), so compression reveals nothing (BREACH).
    """
    if len(body) < COMPRESS_MIN_BYTES or not content_type.startswith(COMPRESSIBLE):
        return None
    # mtime=0: the same bytes every time, so every process agrees on them.
    packed = gzip.compress(body, compresslevel=6, mtime=0)
    return packed if len(packed) < len(body) else None


def accepts_gzip(request: HttpRequest) -> bool:
    """Whether the client takes gzip: named with a weight above zero, or by "*" when unnamed."""
    weights = {}
    for coding in request.META.get("HTTP_ACCEPT_ENCODING", "").split(","):
        match = _accepts_gzip.match(coding)
        if match:
            try:
                weights[match["coding"].lower()] = float(match["q"] or 1)
            except ValueError:
                weights[match["coding"].lower()] = 0
    return weights.get("gzip", weights.get("*", 0)) > 0


def gzip_etag(etag: str) -> str:
    """The compressed representation's own ETag (a strong one names exact bytes)."""
    return f'{etag[:-1]}-gz"'


def representation(
    request: HttpRequest, body: bytes, etag: str, gzipped: bytes | None
) -> tuple[bytes, str, bool]:
    """(bytes, ETag, compressed) of what this client is sent."""
    if gzipped is not None and accepts_gzip(request):
        return gzipped, gzip_etag(etag), True
    return body, etag, False


def mark_encoding(response: HttpResponse, compressed: bool, variants: bool) -> None:
    if compressed:
        response["Content-Encoding"] = "gzip"
    if variants:
        patch_vary_headers(response, ["Accept-Encoding"])


def clear_local() -> None:
    global _index_local, _local_bytes
    _index_local = None
    with _local_lock:
        _local.clear()
        _local_bytes = 0


# --- conditional responses ---------------------------------------------------------


def latest(times: Iterable[datetime.datetime | None]) -> datetime.datetime | None:
    present = [t for t in times if t is not None]
    return max(present) if present else None


def is_not_modified(
    request: HttpRequest, etag: str, last_modified: datetime.datetime | None = None
) -> bool:
    """RFC 9110 §13.2.2: If-None-Match (weak comparison) wins over If-Modified-Since."""
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        if if_none_match.strip() == "*":
            return True
        wanted = _opaque(etag)
        return any(_opaque(tag) == wanted for tag in parse_etags(if_none_match))
    if_modified_since = request.META.get("HTTP_IF_MODIFIED_SINCE")
    if if_modified_since is None or last_modified is None:
        return False
    since = parse_http_date_safe(if_modified_since)
    return since is not None and int(last_modified.timestamp()) <= since


def _opaque(etag: str) -> str:
    return etag.removeprefix("W/")


def respond(
    request: HttpRequest,
    entry: CachedBody,
    *,
    last_modified: datetime.datetime | None,
    public: bool,
    filename: str | None = None,
    vary: tuple[str, ...] = (),
) -> HttpResponse:
    """The body (compressed when the client accepts it and it was kept so), or 304 when the
    client has it; marked cacheable when every round is published. `vary`: the request
    headers besides Accept-Encoding the answer depends on."""
    gzipped = getattr(entry, "gzipped", None)  # bodies kept before it existed have none
    body, etag, compressed = representation(request, entry.body, entry.etag, gzipped)
    if is_not_modified(request, etag, last_modified):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type=entry.content_type)
        if filename:
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if compressed and response.status_code == 200:
        response["Content-Encoding"] = "gzip"
    if gzipped is not None:
        vary = ("Accept-Encoding", *vary)
    if vary:
        patch_vary_headers(response, vary)
    mark(response, etag=etag, last_modified=last_modified, public=public)
    session = getattr(request, "session", None)
    if public and session is not None:
        # The same bytes for everyone, signed in or not: no `Vary: Cookie` (which the
        # session middleware adds once authentication has looked at the session), or
        # shared caches would keep a copy per visitor.
        session.accessed = False
    return response


def mark(
    response: HttpResponse,
    *,
    etag: str,
    last_modified: datetime.datetime | None = None,
    public: bool,
) -> None:
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = _http_date(int(last_modified.timestamp()))
    if response.has_header("Cache-Control"):
        _patch_cache_control(response, public)
    else:
        response["Cache-Control"] = _cache_control(public)


def _patch_cache_control(response: HttpResponse, public: bool) -> None:
    if public:
        patch_cache_control(response, public=True, max_age=MAX_AGE)
    else:
        # Not published, or depends on who asks: keep it, but ask before reusing it.
        patch_cache_control(response, private=True, no_cache=True)


# Computed once: every cached answer sends one of the two (and a published round's date).
@functools.cache
def _cache_control(public: bool) -> str:
    probe = HttpResponse()
    _patch_cache_control(probe, public)
    return probe["Cache-Control"]


@functools.lru_cache(maxsize=256)
def _http_date(timestamp: int) -> str:
    return http_date(timestamp)
