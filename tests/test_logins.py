"""Logins resist guessing; tokens follow the password and are capped (issue 11).

Before: 50 wrong admin passwords in a row, then the right one logged in, and nothing
was recorded; API tokens outlived a password change, and a user could hold any number.
"""

from __future__ import annotations

import logging

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from knox.models import AuthToken
from rest_framework.test import APIClient

from accountability import logins
from assessments.api.throttling import LoginRateThrottle

from .factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # tests.factories.UserFactory's
ADMIN_LOGIN = "/en/admin/login/"
API_LOGIN = "/api/v1/auth/login/"


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()  # the API login throttle's counters
    yield
    cache.clear()


@pytest.fixture
def user(db):
    return UserFactory(username="aizada")


@pytest.fixture
def generous_login_throttle(monkeypatch):
    """The API login's own rate limit (10 a minute per address) would answer first."""
    monkeypatch.setattr(LoginRateThrottle, "THROTTLE_RATES", {"login": "1000/minute"})


def _admin_login(client: Client, password: str, **extra):
    return client.post(
        ADMIN_LOGIN, {"username": "aizada", "password": password, "next": "/en/admin/"}, **extra
    )


def test_fifty_wrong_admin_passwords_lock_the_account_and_are_logged(user, caplog):
    client = Client(REMOTE_ADDR="203.0.113.7")
    with caplog.at_level(logging.WARNING, logger="axes"):
        answers = [_admin_login(client, f"guess-{n}").status_code for n in range(50)]
    limit = logins.settings.LOGIN_FAILURE_LIMIT
    assert answers[: limit - 1] == [200] * (limit - 1)  # the form again, with its error
    assert set(answers[limit - 1 :]) == {429}
    right = _admin_login(client, PASSWORD)
    assert right.status_code == 429  # the right password, refused while locked
    assert "_auth_user_id" not in client.session
    assert "Too many failed logins" in right.content.decode()
    assert right["Retry-After"] == str(logins.settings.LOGIN_COOLOFF_MINUTES * 60)
    # Recorded: the attempts, each failure, and a warning in the log.
    attempt = AccessAttempt.objects.get(username="aizada")
    assert attempt.ip_address == "203.0.113.7" and attempt.failures_since_start >= limit
    assert AccessFailureLog.objects.filter(username="aizada").count() >= limit
    assert any("aizada" in r.getMessage() for r in caplog.records if r.name.startswith("axes"))


def test_the_lockout_page_is_translated(user):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(logins.settings.LOGIN_FAILURE_LIMIT):
        _admin_login(client, f"guess-{n}")
    for language in ("ky", "ru"):
        response = client.post(
            f"/{language}/admin/login/", {"username": "aizada", "password": PASSWORD}
        )
        assert response.status_code == 429
        with translation.override(language):
            assert logins.lockout_message() in response.content.decode()
        assert "Too many failed logins" not in response.content.decode()


def test_a_guesser_elsewhere_does_not_lock_the_user_out(user):
    guesser = Client(REMOTE_ADDR="198.51.100.9")
    for n in range(50):
        _admin_login(guesser, f"guess-{n}")
    owner = Client(REMOTE_ADDR="203.0.113.7")
    assert _admin_login(owner, PASSWORD).status_code == 302
    assert owner.session["_auth_user_id"] == str(user.pk)


def test_a_spoofed_forwarded_for_changes_nothing(user):
    """Without trusted proxies (TRUSTED_PROXY_COUNT = 0) the header is ignored."""
    client = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(50):
        _admin_login(client, f"guess-{n}", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    response = _admin_login(client, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}


def test_behind_a_trusted_proxy_the_client_address_is_the_forwarded_one(user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="10.0.0.2")  # the proxy; two clients behind it
    for n in range(50):
        _admin_login(proxy, f"guess-{n}", HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert _admin_login(proxy, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 302


def test_fifty_wrong_api_passwords_lock_the_api_login_too(user, generous_login_throttle):
    client = APIClient(REMOTE_ADDR="203.0.113.7")
    answers = [
        client.post(API_LOGIN, {"username": "aizada", "password": f"x{n}"}, format="json")
        for n in range(50)
    ]
    limit = logins.settings.LOGIN_FAILURE_LIMIT
    assert {a.status_code for a in answers[: limit - 1]} == {401}
    assert {a.status_code for a in answers[limit - 1 :]} == {429}
    right = client.post(API_LOGIN, {"username": "aizada", "password": PASSWORD}, format="json")
    assert right.status_code == 429
    assert right.json()["code"] == "locked_out"
    assert not AuthToken.objects.filter(user=user).exists()
    assert AccessFailureLog.objects.filter(username="aizada").count() >= limit


def test_a_new_password_revokes_every_token(user):
    for _ in range(3):
        AuthToken.objects.create(user)
    other = UserFactory(username="other")
    AuthToken.objects.create(other)
    user.set_password("a new passphrase, long")
    user.save()
    assert not AuthToken.objects.filter(user=user).exists()
    assert AuthToken.objects.filter(user=other).count() == 1  # hers only


def test_saving_the_user_otherwise_keeps_her_tokens(user):
    AuthToken.objects.create(user)
    user.first_name = "Aizada"
    user.save()
    assert AuthToken.objects.filter(user=user).count() == 1


def test_a_revoked_token_no_longer_opens_the_api(user):
    client = APIClient()
    token = client.post(API_LOGIN, {"username": "aizada", "password": PASSWORD}).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.post("/api/v1/auth/logout/").status_code == 204  # the token worked
    token = client.post(API_LOGIN, {"username": "aizada", "password": PASSWORD}).json()["token"]
    user.set_password("a new passphrase, long")
    user.save()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.post("/api/v1/auth/logout/").status_code == 401


def test_a_user_holds_at_most_ten_tokens_the_oldest_removed(user, generous_login_throttle):
    client = APIClient()
    tokens = [
        client.post(API_LOGIN, {"username": "aizada", "password": PASSWORD}).json()["token"]
        for _ in range(12)
    ]
    assert AuthToken.objects.filter(user=user).count() == logins.settings.API_TOKENS_PER_USER
    for token, works in ((tokens[0], False), (tokens[1], False), (tokens[2], True)):
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert (client.get("/api/v1/rounds/").status_code == 200) == works
    client.credentials(HTTP_AUTHORIZATION=f"Token {tokens[-1]}")
    assert client.get("/api/v1/rounds/").status_code == 200
