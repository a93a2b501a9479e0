"""Fixed-window throttles: one counter per client and window, one round trip on Redis."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import RequestFactory
from rest_framework.request import Request

from assessments.api.throttling import AnonRateThrottle, UserRateThrottle


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _anonymous(address: str = "10.0.0.1") -> Request:
    request = RequestFactory().get("/api/v1/pairs/", REMOTE_ADDR=address)
    request.user = AnonymousUser()
    return Request(request)


def _throttle(cls, rate: str, clock: Clock, cache=None):
    throttle = cls()
    throttle.rate = rate
    throttle.num_requests, throttle.duration = throttle.parse_rate(rate)
    throttle.timer = clock
    if cache is not None:
        throttle.cache = cache
    return throttle


def test_a_client_is_refused_past_its_rate_until_the_window_ends():
    caches["default"].clear()
    clock = Clock(600.0)  # the start of a one-minute window
    allowed = [
        _throttle(AnonRateThrottle, "3/min", clock).allow_request(_anonymous(), None)
        for _ in range(4)
    ]
    assert allowed == [True, True, True, False]
    refused = _throttle(AnonRateThrottle, "3/min", Clock(615.0))
    assert not refused.allow_request(_anonymous(), None)
    assert refused.wait() == 45.0
    other = _throttle(AnonRateThrottle, "3/min", clock)
    assert other.allow_request(_anonymous("10.0.0.2"), None)  # another client counts alone
    later = _throttle(AnonRateThrottle, "3/min", Clock(660.0))
    assert later.allow_request(_anonymous(), None)  # the next window


def test_signed_in_users_are_not_counted_as_anonymous_and_vice_versa():
    throttle = _throttle(UserRateThrottle, "1/min", Clock(0.0))
    assert throttle.get_cache_key(_anonymous(), None) is None


class FakePipeline:
    def __init__(self, store: dict, calls: list) -> None:
        self.store, self.calls, self.ops = store, calls, []

    def incr(self, key):
        self.ops.append(("incr", key))

    def expire(self, key, ttl):
        self.ops.append(("expire", key, ttl))

    def execute(self):
        self.calls.append(self.ops)  # one round trip for the whole pipeline
        results = []
        for op in self.ops:
            if op[0] == "incr":
                self.store[op[1]] = self.store.get(op[1], 0) + 1
                results.append(self.store[op[1]])
            else:
                results.append(True)
        return results


def test_on_redis_each_request_is_one_pipelined_round_trip(monkeypatch):
    store, calls = {}, []
    backend = RedisCache("redis://127.0.0.1:1", {"KEY_PREFIX": "t"})

    class FakeClient:
        def pipeline(self):
            return FakePipeline(store, calls)

    monkeypatch.setattr(backend._cache, "get_client", lambda key, write=False: FakeClient())
    clock = Clock(120.0)
    results = [
        _throttle(AnonRateThrottle, "2/min", clock, backend).allow_request(_anonymous(), None)
        for _ in range(3)
    ]
    assert results == [True, True, False]
    assert len(calls) == 3
    assert all([op[0] for op in ops] == ["incr", "expire"] for ops in calls)
    ((key, count),) = store.items()
    assert count == 3
    assert key.startswith("t:") and key.endswith(":2")  # prefixed, window 120 // 60
