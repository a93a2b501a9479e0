"""Request rates: anonymous clients by address, signed-in users by account.

DRF's throttles keep, per client, the list of its request times, read and
written back whole on every request: two round trips to the shared cache, and a
pickled list each way. Here each client has a counter per fixed window
(`<scope>:<client>:<window number>`), raised with one atomic INCR: on Redis
(production) one round trip, pipelined with the key's expiry. That is most of
what a cached published answer costs, so it matters (docs/decisions.md, "Speed").

A fixed window lets a client spend its allowance at the end of one window and
again at the start of the next; for limits meant to stop scraping and abuse,
not to meter, that is fine.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache as default_cache
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from rest_framework import throttling

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
        return self._count(f"{key}:{window}") <= self.num_requests

    def wait(self) -> float:
        return max(0.0, self.window_ends - self.now)

    def _count(self, key: str) -> int:
        ttl = self.duration + 1
        # DRF's `cache` is Django's proxy to the default cache; the backend is behind it.
        backend = caches["default"] if self.cache is default_cache else self.cache
        if isinstance(backend, RedisCache):
            full_key = backend.make_and_validate_key(key)
            client = backend._cache.get_client(full_key, write=True)
            pipe = client.pipeline()
            pipe.incr(full_key)
            pipe.expire(full_key, ttl)
            count, _expiry_set = pipe.execute()
            return int(count)
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


class AnonRateThrottle(FixedWindowMixin, ClientAddressMixin, throttling.AnonRateThrottle):
    """Anonymous clients, by their real address (accountability/proxies.py)."""


class UserRateThrottle(FixedWindowMixin, throttling.UserRateThrottle):
    """Signed-in users only: DRF's own would count anonymous clients a second time."""

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if not (request.user and request.user.is_authenticated):
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
