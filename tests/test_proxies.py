"""The client address behind proxies: a spoofed X-Forwarded-For changes nothing."""

import pytest
from django.test import RequestFactory

from accountability.proxies import client_address


def request(forwarded: str | None = None, remote: str = "10.0.0.5"):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request("1.2.3.4")) == "10.0.0.5"


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("203.0.113.7", "203.0.113.7"),
        # The client wrote "1.2.3.4" itself; the proxy appended what it saw.
        ("1.2.3.4, 203.0.113.7", "203.0.113.7"),
        (None, "10.0.0.5"),
    ],
)
def test_one_trusted_proxy_believes_only_the_address_it_appended(settings, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request(forwarded)) == expected


def test_two_trusted_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(request("6.6.6.6, 203.0.113.7, 10.1.1.1")) == "203.0.113.7"


@pytest.mark.django_db
def test_a_spoofed_forwarded_header_does_not_escape_the_login_limit(client, settings):
    from django.core.cache import cache

    cache.clear()
    settings.TRUSTED_PROXY_COUNT = 0
    statuses = [
        client.post(
            "/api/v1/auth/login/",
            {"username": "nobody", "password": "wrong"},
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}",
        ).status_code
        for attempt in range(12)
    ]
    assert statuses[0] == 401  # wrong credentials: who may not
    assert statuses[-1] == 429
    cache.clear()
