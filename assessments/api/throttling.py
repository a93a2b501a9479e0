"""Request rates: anonymous clients by address, signed-in users by account.

Each client has a counter per fixed window (`<scope>:<client>:<window number>`).
DRF's own throttles read and write back a list of request times on every request
(two round trips to the shared cache); even one round trip per request cost a
cached published answer half its speed (docs/decisions.md, "Throttling").

So on Redis (production) each process counts by itself and adds its counts to the
shared counters in batches (`BatchedCounts`): one round trip per FLUSH_SECONDS for all
the clients a process saw (one script call: INCRBY and EXPIRE of every counter, inside
Redis, so a client costs the process a few µs, not the 30-40 µs of two pipelined
commands), plus one whenever a client has made
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

import functools
import threading
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache as default_cache
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.signals import setting_changed
from django.dispatch import receiver
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

    def parse_rate(self, rate: str | None) -> tuple[int | None, int | None]:
        # DRF makes the throttles anew for every request: each rate is parsed once.
        return _parse_rate(rate)

    def _count(self, key: str) -> int:
        ttl = self.duration + 1
        # DRF's `cache` is Django's proxy to the default cache; the backend is behind it.
        backend = _default_backend() if self.cache is default_cache else self.cache
        if isinstance(backend, RedisCache):
            return batched.count(
                backend,
                key,
                ttl=ttl,
                limit=self.num_requests,
                now=self.now,
                window_ends=self.window_ends,
            )
        # Other backends: add() creates the counter atomically, incr() raises it.
        if self.cache.add(key, 1, ttl):
            return 1
        try:
            return self.cache.incr(key)
        except ValueError:  # expired between add() and incr()
            self.cache.add(key, 1, ttl)
            return 1


# The default cache's backend, per thread as Django keeps it: `caches["default"]` goes
# through asgiref's Local, 5 µs on every throttled request, a third of the throttle.
_backends = threading.local()
_backends_generation = 0


def _default_backend() -> Any:
    held = getattr(_backends, "default", None)
    if held is None or held[0] != _backends_generation:
        held = _backends.default = (_backends_generation, caches["default"])
    return held[1]


@receiver(setting_changed)
def _caches_changed(*, setting: str, **kwargs: Any) -> None:
    global _backends_generation
    if setting == "CACHES":
        _backends_generation += 1


@functools.cache
def _parse_rate(rate: str | None) -> tuple[int | None, int | None]:
    return throttling.SimpleRateThrottle.parse_rate(None, rate)  # type: ignore[arg-type]


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
# Counters added by one script call: a flush does not hold Redis up for long.
SCRIPT_KEYS = 1000

# One call adds every count of a flush and sets each counter's expiry: KEYS are the
# counters; ARGV[1] their amounts and ARGV[2] their seconds to live, each one string of
# numbers joined by commas; the answer is the new totals, joined the same way.
# A pipeline of INCRBY and EXPIRE per client cost the worker 30-40 µs of Python per
# client (packing and reading two commands, and MULTI/EXEC's QUEUED answers); with each
# anonymous reader a client of her own, that was a throttled request's largest cost.
# Two numbers per key as arguments of their own, and a number per key in the answer,
# still cost 10 µs per client to pack and read: as two strings and one, it is 2 µs.
ADD_SCRIPT = """
local amounts, ttls, totals = {}, {}, {}
for n in string.gmatch(ARGV[1], '[^,]+') do amounts[#amounts + 1] = n end
for n in string.gmatch(ARGV[2], '[^,]+') do ttls[#ttls + 1] = n end
for i, key in ipairs(KEYS) do
  totals[i] = redis.call('INCRBY', key, amounts[i])
  redis.call('EXPIRE', key, ttls[i])
end
return table.concat(totals, ',')
"""


class _Count:
    __slots__ = ("backend", "dirty", "key", "pending", "shared", "ttl")

    def __init__(self, backend: RedisCache, key: str, ttl: int) -> None:
        self.backend = backend
        self.key = key  # the backend's full key (prefix and version)
        self.ttl = ttl
        self.shared = 0  # the shared counter when last read
        self.pending = 0  # counted here, not yet added
        self.dirty = False  # in the list of counts to add at the next flush


class BatchedCounts:
    """Per-process counters, added to Redis's by one script call per flush."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, _Count] = {}
        # The counts with something to add (a flush touches these, not every client seen).
        self._dirty: list[_Count] = []
        # Keys by the end of their window: a window that is over is dropped whole.
        self._windows: dict[float, list[str]] = {}
        self._flushed_at = time.monotonic()

    def count(
        self,
        backend: RedisCache,
        key: str,
        *,
        ttl: int,
        limit: int,
        now: float,
        window_ends: float,
    ) -> int:
        """This request counted: the client's count in the window, as far as known.

        `now` and `window_ends` are the throttle's clock (the key's window ends then).
        """
        monotonic = time.monotonic()
        # Not make_and_validate_key: its memcached warnings do not apply to Redis.
        full_key = backend.make_key(key)
        batch = max(1, min(MAX_BATCH, limit // 10))
        with self._lock:
            entry = self._counts.get(full_key)
            if entry is None:
                entry = self._counts[full_key] = _Count(backend, full_key, ttl)
                self._windows.setdefault(window_ends, []).append(full_key)
            entry.pending += 1
            if not entry.dirty:
                entry.dirty = True
                self._dirty.append(entry)
            estimate = entry.shared + entry.pending
            due = monotonic - self._flushed_at >= FLUSH_SECONDS
            if not due and estimate + batch <= limit and entry.pending < batch:
                return estimate
            if due:
                flush = [e for e in self._dirty if e.pending]
                for e in self._dirty:
                    e.dirty = False
                self._dirty = []
                self._flushed_at = monotonic
                # Windows that are over (their keys expire in Redis too): no request asks
                # for their counts again.
                for ended in [end for end in self._windows if end <= now]:
                    for k in self._windows.pop(ended):
                        self._counts.pop(k, None)
            else:
                flush = [entry]
            amounts = [(e, e.pending) for e in flush]
            for e, amount in amounts:
                e.pending -= amount
        try:
            totals = self._add(amounts)
        except Exception:
            # Redis unreachable: give the counts back and decide on what this process knows.
            with self._lock:
                for e, amount in amounts:
                    e.pending += amount
                    if not e.dirty:
                        e.dirty = True
                        self._dirty.append(e)
                return entry.shared + entry.pending
        with self._lock:
            for (e, _amount), total in zip(amounts, totals, strict=True):
                e.shared = max(e.shared, total)
            return entry.shared + entry.pending

    def _add(self, amounts: list[tuple[_Count, int]]) -> list[int]:
        """Add the amounts in Redis: one script call per backend (and SCRIPT_KEYS keys)."""
        # Django's Redis cache writes to its first server only.
        totals: dict[int, int] = {}
        by_backend: dict[int, list[int]] = {}
        for i, (e, _amount) in enumerate(amounts):
            by_backend.setdefault(id(e.backend), []).append(i)
        for indices in by_backend.values():
            first = amounts[indices[0]][0]
            client = first.backend._cache.get_client(first.key, write=True)
            add = client.register_script(ADD_SCRIPT)  # EVALSHA; loaded when Redis lacks it
            for start in range(0, len(indices), SCRIPT_KEYS):
                chunk = indices[start : start + SCRIPT_KEYS]
                reply = add(
                    keys=[amounts[i][0].key for i in chunk],
                    args=[
                        ",".join(str(amounts[i][1]) for i in chunk),
                        ",".join(str(amounts[i][0].ttl) for i in chunk),
                    ],
                )
                for i, total in zip(chunk, reply.split(b","), strict=True):
                    totals[i] = int(total)
        return [totals[i] for i in range(len(amounts))]

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()
            self._dirty = []
            self._windows.clear()
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
