"""Request rates: anonymous clients by address, signed-in users by account.

Each client has a counter per fixed window (`<scope>:<client>:<window number>`).
DRF's own throttles read and write back a list of request times on every request
(two round trips to the shared cache); even one round trip per request cost a
cached published answer half its speed (docs/decisions.md, "Throttling").

So on Redis (production) each process counts by itself and adds its counts to the
shared counters in batches (`BatchedCounts`): one pipelined round trip per
FLUSH_SECONDS for all the clients a process saw, plus one whenever a client has made
`batch` requests here since the last, or comes within `batch` of its limit, where
every request then asks the shared count. A client is refused once the shared count
plus what this process holds reaches its limit; what the other processes hold and
have not added yet is the overshoot, at most (processes - 1) x batch requests a
window. Elsewhere (per-process memory in development and tests) a counter is raised
on every request, which costs nothing.

A fixed window lets a client spend its allowance at the end of one window and
again at the start of the next; for limits meant to stop scraping and abuse,
not to meter, that is fine.

Every throttled answer says where the client stands (`rate_limit_headers`):
`RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (seconds), the fields
of the IETF draft, and a 429 has `Retry-After`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache as default_cache
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from rest_framework import throttling
from rest_framework.request import Request

from accountability.proxies import client_address


class FixedWindowMixin:
    cache: Any
    duration: int
    num_requests: int
    rate: str | None
    timer: Any

    def allow_request(self, request: Any, view: Any) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)  # type: ignore[attr-defined]
        if key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        count = self._count(f"{key}:{window}")
        note_rate(
            request,
            limit=self.num_requests,
            remaining=max(0, self.num_requests - count),
            reset=self.wait(),
        )
        return count <= self.num_requests

    def wait(self) -> float:
        return max(0.0, self.window_ends - self.now)

    def _count(self, key: str) -> int:
        ttl = self.duration + 1
        # DRF's `cache` is Django's proxy to the default cache; the backend is behind it.
        backend = caches["default"] if self.cache is default_cache else self.cache
        if isinstance(backend, RedisCache):
            return batched.count(backend, key, ttl=ttl, limit=self.num_requests)
        # Other backends: add() creates the counter atomically, incr() raises it.
        if self.cache.add(key, 1, ttl):
            return 1
        try:
            return self.cache.incr(key)
        except ValueError:  # expired between add() and incr()
            self.cache.add(key, 1, ttl)
            return 1


class ClientAddressMixin:
    """Key by the real client address: X-Forwarded-For only as far as TRUSTED_PROXY_COUNT."""

    def get_ident(self, request: Any) -> str:
        return client_address(request)


def signed_in(request: Any) -> bool:
    """Whether a signed-in user (session or token) sent the request.

    The figures' fast path throttles a plain Django request that has neither a session
    cookie nor a token; asking its `user` would load an empty session for nothing and mark
    the answer `Vary: Cookie`, which public caches then keep per visitor.
    """
    if not isinstance(request, Request) and not (
        "HTTP_AUTHORIZATION" in request.META or settings.SESSION_COOKIE_NAME in request.COOKIES
    ):
        return False
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated)


class AnonRateThrottle(FixedWindowMixin, ClientAddressMixin, throttling.AnonRateThrottle):
    """Anonymous clients, by their real address (accountability/proxies.py)."""

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if signed_in(request):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class UserRateThrottle(FixedWindowMixin, throttling.UserRateThrottle):
    """Signed-in users only: DRF's own would count anonymous clients a second time."""

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if not signed_in(request):
            return None
        return super().get_cache_key(request, view)


class LoginRateThrottle(FixedWindowMixin, ClientAddressMixin, throttling.ScopedRateThrottle):
    """Login attempts, by the real client address (the view's `throttle_scope` rate)."""

    def allow_request(self, request: Any, view: Any) -> bool:
        # ScopedRateThrottle learns its rate from the view here, before counting.
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


# --- counting in the process, adding to Redis in batches ------------------------------

# Each process adds what it counted to the shared counters at least this often.
FLUSH_SECONDS = 1.0
# A client's requests counted here before they are added at once (a tenth of its limit).
MAX_BATCH = 20


@dataclass
class _Count:
    backend: RedisCache
    full_key: str
    ttl: int
    shared: int = 0  # the shared counter when last read
    pending: int = 0  # counted here, not yet added
    flushed_at: float = 0.0


class BatchedCounts:
    """Per-process counters, added to Redis's in one pipelined round trip per batch."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, _Count] = {}
        self._flushed_at = time.monotonic()

    def count(self, backend: RedisCache, key: str, *, ttl: int, limit: int) -> int:
        """This request counted: the client's count in the window, as far as known."""
        now = time.monotonic()
        full_key = backend.make_and_validate_key(key)
        batch = max(1, min(MAX_BATCH, limit // 10))
        with self._lock:
            entry = self._counts.get(full_key)
            if entry is None:
                entry = self._counts[full_key] = _Count(backend, full_key, ttl, flushed_at=now)
            entry.pending += 1
            estimate = entry.shared + entry.pending
            due = now - self._flushed_at >= FLUSH_SECONDS
            if not due and estimate + batch <= limit and entry.pending < batch:
                return estimate
            flush = [e for e in self._counts.values() if e.pending] if due else [entry]
            amounts = [(e, e.pending) for e in flush]
            for e, amount in amounts:
                e.pending -= amount
            if due:
                self._flushed_at = now
                # Windows that are over: their keys expire in Redis too.
                for k in [k for k, e in self._counts.items() if not e.pending and e is not entry]:
                    if now - self._counts[k].flushed_at > self._counts[k].ttl:
                        del self._counts[k]
        try:
            results = self._add(amounts)
        except Exception:
            # Redis unreachable: give the counts back and decide on what this process knows.
            with self._lock:
                for e, amount in amounts:
                    e.pending += amount
                return entry.shared + entry.pending
        with self._lock:
            for (e, _amount), total in zip(amounts, results, strict=True):
                e.shared = max(e.shared, total)
                e.flushed_at = now
            return entry.shared + entry.pending

    def _add(self, amounts: list[tuple[_Count, int]]) -> list[int]:
        # Django's Redis cache writes to its first server only: one round trip per backend.
        results: dict[int, int] = {}
        by_backend: dict[int, list[int]] = {}
        for i, (e, _amount) in enumerate(amounts):
            by_backend.setdefault(id(e.backend), []).append(i)
        for indices in by_backend.values():
            first = amounts[indices[0]][0]
            pipe = first.backend._cache.get_client(first.full_key, write=True).pipeline()
            for i in indices:
                e, amount = amounts[i]
                pipe.incrby(e.full_key, amount)
                pipe.expire(e.full_key, e.ttl)
            replies = pipe.execute()
            for n, i in enumerate(indices):
                results[i] = int(replies[2 * n])
        return [results[i] for i in range(len(amounts))]

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()
            self._flushed_at = time.monotonic()


batched = BatchedCounts()


# --- where the client stands --------------------------------------------------------


def note_rate(request: Any, *, limit: int, remaining: int, reset: float) -> None:
    """Remember the tightest limit a throttle found for this request, for its headers."""
    target = getattr(request, "_request", request)
    current = getattr(target, "_rate_limit", None)
    if current is None or remaining < current[1]:
        target._rate_limit = (limit, remaining, reset)


def rate_limit_headers(request: Any, response: Any) -> Any:
    """RateLimit-Limit, -Remaining and -Reset on the answer; Retry-After on a 429."""
    target = getattr(request, "_request", request)
    state = getattr(target, "_rate_limit", None)
    if state is not None:
        limit, remaining, reset = state
        seconds = max(0, int(-(-reset // 1)))  # whole seconds, rounded up
        response["RateLimit-Limit"] = str(limit)
        response["RateLimit-Remaining"] = str(remaining)
        response["RateLimit-Reset"] = str(seconds)
        if response.status_code == 429 and not response.has_header("Retry-After"):
            response["Retry-After"] = str(max(1, seconds))
    return response
