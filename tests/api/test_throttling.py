"""Fixed-window throttles: one counter per client and window, added to Redis in batches."""

from __future__ import annotations

import os
import uuid

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


class FakeScript:
    """The throttle's script as Redis runs it: INCRBY and EXPIRE per key, one round trip."""

    def __init__(self, store: dict, calls: list) -> None:
        self.store, self.calls = store, calls

    def __call__(self, keys, args):
        # ARGV: the amounts, then the seconds to live, each joined by commas; the answer
        # is the totals joined the same way (bytes, as Redis sends a string).
        amounts, ttls = ([int(n) for n in joined.split(",")] for joined in args)
        assert len(keys) == len(amounts) == len(ttls)
        self.calls.append(list(zip(keys, amounts, ttls, strict=True)))
        totals = []
        for key, amount in zip(keys, amounts, strict=True):
            self.store[key] = self.store.get(key, 0) + amount
            totals.append(self.store[key])
        return ",".join(map(str, totals)).encode()


def _redis(monkeypatch, store: dict, calls: list) -> RedisCache:
    backend = RedisCache("redis://127.0.0.1:1", {"KEY_PREFIX": "t"})

    class FakeClient:
        def register_script(self, script):
            assert "INCRBY" in script and "EXPIRE" in script
            return FakeScript(store, calls)

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
    assert all(len(added) == 1 and added[0][2] == 61 for added in calls)  # expires with it
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


def test_a_window_that_is_over_is_forgotten_by_the_process(monkeypatch):
    store, calls = {}, []
    backend = _redis(monkeypatch, store, calls)
    counts = throttling.BatchedCounts()
    monkeypatch.setattr(throttling, "batched", counts)
    for n in range(20):
        _throttle(AnonRateThrottle, "100/min", Clock(0.0), backend).allow_request(
            _anonymous(f"10.0.2.{n}"), None
        )
    assert len(counts._counts) == 20
    monkeypatch.setattr(throttling, "FLUSH_SECONDS", 0.0)
    _throttle(AnonRateThrottle, "100/min", Clock(60.0), backend).allow_request(_anonymous(), None)
    # Their counts are added (with the new request's), then only the new window is held.
    assert sum(len(added) for added in calls) == 21
    assert list(counts._counts) == ["t:1:throttle_anon_10.0.0.1:1"]


@pytest.mark.django_db
def test_a_throttled_cached_answer_costs_no_query_and_no_round_trip_to_redis(
    study_round, monkeypatch, django_assert_num_queries
):
    store, calls = {}, []
    backend = _redis(monkeypatch, store, calls)
    monkeypatch.setattr(AnonRateThrottle, "cache", backend)
    monkeypatch.setattr(throttling, "FLUSH_SECONDS", 3600.0)
    monkeypatch.setattr(throttling, "batched", throttling.BatchedCounts())
    url = "/api/v1/rounds/2016/scores/?lang=en"
    api = APIClient()
    assert api.get(url).status_code == 200  # computed and kept
    calls.clear()
    with django_assert_num_queries(0):
        answers = [api.get(url, REMOTE_ADDR=f"10.0.3.{n}") for n in range(5)]
    assert [a.status_code for a in answers] == [200] * 5
    assert {a["RateLimit-Remaining"] for a in answers} == {"119"}
    assert calls == []  # counted in the process
    monkeypatch.setattr(throttling, "FLUSH_SECONDS", 0.0)
    api.get(url, REMOTE_ADDR="10.0.3.9")
    # The flush: one round trip adds every client seen.
    assert len(calls) == 1 and len(calls[0]) == 7 and sum(store.values()) == 7


def _live_redis() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.2).ping())
    except redis.RedisError:
        return False


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.mark.skipif(not _live_redis(), reason="no Redis at TEST_REDIS_URL")
def test_on_a_real_redis_the_script_adds_the_counts_and_sets_their_expiry(monkeypatch):
    prefix = f"throttle-test-{uuid.uuid4().hex[:8]}"
    backend = RedisCache(REDIS_URL, {"KEY_PREFIX": prefix})
    processes = [throttling.BatchedCounts(), throttling.BatchedCounts()]
    monkeypatch.setattr(throttling, "FLUSH_SECONDS", 3600.0)
    try:
        allowed = 0
        for i in range(60):
            monkeypatch.setattr(throttling, "batched", processes[i % 2])
            throttle = _throttle(AnonRateThrottle, "40/min", Clock(0.0), backend)
            allowed += throttle.allow_request(_anonymous(), None)
        assert 40 <= allowed <= 40 + 4  # a batch is a tenth of the limit
        client = backend._cache.get_client(None)
        (key,) = client.keys(f"{prefix}:*")
        assert key.decode().endswith("throttle_anon_10.0.0.1:0")
        # Every request is in the shared count, save what the processes hold.
        held = sum(e.pending for p in processes for e in p._counts.values())
        assert int(client.get(key)) + held == 60
        assert 0 < client.ttl(key) <= 61
    finally:
        client = backend._cache.get_client(None, write=True)
        for key in client.keys(f"{prefix}:*"):
            client.delete(key)


@pytest.mark.skipif(not _live_redis(), reason="no Redis at TEST_REDIS_URL")
def test_on_a_real_redis_one_flush_adds_every_clients_count(monkeypatch):
    prefix = f"throttle-test-{uuid.uuid4().hex[:8]}"
    backend = RedisCache(REDIS_URL, {"KEY_PREFIX": prefix})
    counts = throttling.BatchedCounts()
    monkeypatch.setattr(throttling, "batched", counts)
    monkeypatch.setattr(throttling, "FLUSH_SECONDS", 3600.0)
    try:
        for n in range(5):
            for _ in range(n + 1):  # client n asks n + 1 times
                _throttle(AnonRateThrottle, "100/min", Clock(0.0), backend).allow_request(
                    _anonymous(f"10.0.4.{n}"), None
                )
        monkeypatch.setattr(throttling, "FLUSH_SECONDS", 0.0)
        throttle = _throttle(AnonRateThrottle, "100/min", Clock(0.0), backend)
        throttle.allow_request(_anonymous("10.0.4.0"), None)
        client = backend._cache.get_client(None)
        stored = {
            key.decode().split("_")[-1]: int(client.get(key)) for key in client.keys(f"{prefix}:*")
        }
        assert stored == {
            "10.0.4.0:0": 2,
            "10.0.4.1:0": 2,
            "10.0.4.2:0": 3,
            "10.0.4.3:0": 4,
            "10.0.4.4:0": 5,
        }
        assert all(0 < client.ttl(key) <= 61 for key in client.keys(f"{prefix}:*"))
        assert all(e.shared == stored[k.split("_")[-1]] for k, e in counts._counts.items())
    finally:
        client = backend._cache.get_client(None, write=True)
        for key in client.keys(f"{prefix}:*"):
            client.delete(key)
