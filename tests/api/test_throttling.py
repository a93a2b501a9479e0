"""Fixed-window throttles: one counter per client and window, added to Redis in batches."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import RequestFactory
from rest_framework.request import Request
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from assessments.api import throttling
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


def test_a_plain_request_without_cookie_or_token_is_anonymous_without_loading_a_session():
    # The figures' fast path throttles Django's own request, before DRF: no `user` is asked
    # (a lazy user would load an empty session and mark the answer Vary: Cookie).
    request = RequestFactory().get("/api/v1/series/", REMOTE_ADDR="10.0.0.7")
    anonymous = _throttle(AnonRateThrottle, "5/min", Clock(0.0))
    assert anonymous.get_cache_key(request, None) == "throttle_anon_10.0.0.7"
    assert _throttle(UserRateThrottle, "5/min", Clock(0.0)).get_cache_key(request, None) is None
    assert not hasattr(request, "user")


class FakePipeline:
    """Redis's pipeline as the throttle uses it: INCRBY and EXPIRE, one round trip per execute."""

    def __init__(self, store: dict, calls: list) -> None:
        self.store, self.calls, self.ops = store, calls, []

    def incrby(self, key, amount):
        self.ops.append(("incrby", key, amount))

    def expire(self, key, ttl):
        self.ops.append(("expire", key, ttl))

    def execute(self):
        self.calls.append(self.ops)  # one round trip for the whole pipeline
        results = []
        for op in self.ops:
            if op[0] == "incrby":
                self.store[op[1]] = self.store.get(op[1], 0) + op[2]
                results.append(self.store[op[1]])
            else:
                results.append(True)
        return results


def _redis(monkeypatch, store: dict, calls: list) -> RedisCache:
    backend = RedisCache("redis://127.0.0.1:1", {"KEY_PREFIX": "t"})

    class FakeClient:
        def pipeline(self):
            return FakePipeline(store, calls)

    monkeypatch.setattr(backend._cache, "get_client", lambda key, write=False: FakeClient())
    return backend


def test_on_redis_counts_are_added_in_batches_and_exactly_near_the_limit(monkeypatch):
    store, calls = {}, []
    backend = _redis(monkeypatch, store, calls)
    monkeypatch.setattr(throttling, "FLUSH_SECONDS", 3600.0)  # no flush by time in this test
    counts = throttling.BatchedCounts()
    monkeypatch.setattr(throttling, "batched", counts)
    clock = Clock(120.0)
    results = [
        _throttle(AnonRateThrottle, "100/min", clock, backend).allow_request(_anonymous(), None)
        for _ in range(102)
    ]
    assert results == [True] * 100 + [False, False]
    # A batch is a tenth of the limit: 10 requests a round trip far from the limit, then
    # within a batch of it every request asks the shared count.
    assert len(calls) < 30
    assert all([op[0] for op in ops] == ["incrby", "expire"] for ops in calls)
    ((key, count),) = store.items()
    assert count == 102  # every request is in the shared count
    assert key.startswith("t:") and key.endswith(":2")  # prefixed, window 120 // 60


def test_on_redis_two_processes_together_stay_within_a_batch_of_the_limit(monkeypatch):
    store, calls = {}, []
    backend = _redis(monkeypatch, store, calls)
    monkeypatch.setattr(throttling, "FLUSH_SECONDS", 3600.0)
    processes = [throttling.BatchedCounts(), throttling.BatchedCounts()]
    clock = Clock(0.0)
    allowed = 0
    for i in range(300):
        monkeypatch.setattr(throttling, "batched", processes[i % 2])
        throttle = _throttle(AnonRateThrottle, "100/min", clock, backend)
        allowed += throttle.allow_request(_anonymous(), None)
    assert 100 <= allowed <= 100 + 10


def test_on_redis_every_client_seen_is_added_at_least_each_flush(monkeypatch):
    store, calls = {}, []
    backend = _redis(monkeypatch, store, calls)
    counts = throttling.BatchedCounts()
    monkeypatch.setattr(throttling, "batched", counts)
    clock = Clock(0.0)
    for n in range(50):  # fifty clients, one request each: no batch is full
        _throttle(AnonRateThrottle, "100/min", clock, backend).allow_request(
            _anonymous(f"10.0.1.{n}"), None
        )
    assert calls == []
    monkeypatch.setattr(throttling, "FLUSH_SECONDS", 0.0)
    _throttle(AnonRateThrottle, "100/min", clock, backend).allow_request(_anonymous(), None)
    assert len(calls) == 1  # one round trip for all of them
    assert len(store) == 51 and set(store.values()) == {1}


@pytest.mark.django_db
def test_answers_say_where_the_client_stands_and_a_429_when_to_come_back(monkeypatch):
    caches["default"].clear()
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": None})
    api = APIClient()
    answers = [api.get("/api/v1/pairs/") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a["RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert {a["RateLimit-Limit"] for a in answers} == {"3"}
    assert all(0 <= int(a["RateLimit-Reset"]) <= 60 for a in answers)
    assert 1 <= int(answers[-1]["Retry-After"]) <= 60
