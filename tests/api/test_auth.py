"""Tokens for tools and people: log in, use the token, log out."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.models import AuthToken

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # tests.factories.UserFactory's


def _login(client, username: str, password: str = PASSWORD):
    return client.post(
        "/api/v1/auth/login/", {"username": username, "password": password}, format="json"
    )


def test_a_token_opens_what_its_user_may_see(world, client, expert):
    response = _login(client, "aigul")
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    assert response.json()["expiry"]
    url = f"/api/v1/rounds/{world.open.year}/"
    assert client.get(url).status_code == 404
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(url).status_code == 200


def test_a_wrong_password_gets_no_token(world, client, expert):
    response = _login(client, "aigul", "guess")
    # Who may not is a 401: the request itself was well formed.
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert response["WWW-Authenticate"] == "Token"
    assert not AuthToken.objects.exists()


def test_logging_out_revokes_the_token(world, client, expert):
    token = _login(client, "aigul").json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert client.get("/api/v1/pairs/").status_code == 401


def test_logging_out_everywhere_revokes_every_token(world, client, expert):
    first = _login(client, "aigul").json()["token"]
    _login(client, "aigul")
    client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert client.post("/api/v1/auth/logoutall/").status_code == 204
    assert not AuthToken.objects.filter(user=expert).exists()


def test_a_token_writes_as_its_user(world, client, chair):
    from assessments.models import ProcessAssessment, Rating

    token = _login(client, "chair").json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assessment = ProcessAssessment.objects.filter(round=world.open).order_by("pk").first()
    rating = Rating.objects.get(assessment=assessment, dimension__code="rules")
    response = client.patch(
        f"/api/v1/ratings/{rating.pk}/",
        {"value": 1 - rating.value, "reason": "by token"},
        format="json",
        HTTP_IF_MATCH="*",
    )
    assert response.status_code == 200, response.content
    assert rating.history.latest().history_user == chair


def test_a_token_is_checked_in_one_query_and_expired_ones_go_at_the_next_login(
    world, client, expert
):
    old, older, live = (_login(client, "aigul").json()["token"] for _ in range(3))
    past = timezone.now() - datetime.timedelta(minutes=1)
    AuthToken.objects.filter(token_key__in=[old[:15], older[:15]]).update(expiry=past)
    client.credentials(HTTP_AUTHORIZATION=f"Token {live}")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/").status_code == 200
    # One query for the token presented, however many others she holds.
    assert sum("knox_authtoken" in q["sql"] for q in queries.captured_queries) == 1
    client.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert client.get("/api/v1/pairs/").status_code == 401  # and it is deleted
    assert AuthToken.objects.filter(user=expert).count() == 2
    client.credentials()
    _login(client, "aigul")  # her other expired token goes now
    assert AuthToken.objects.filter(user=expert).count() == 2  # the live one and the new one
    client.credentials(HTTP_AUTHORIZATION=f"Token {older}")
    assert client.get("/api/v1/pairs/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {live}")
    assert client.get("/api/v1/pairs/").status_code == 200


def test_a_token_is_refused_when_forged_or_when_its_user_is_deactivated(world, client, expert):
    token = _login(client, "aigul").json()["token"]
    forged = token[:15] + ("0" if token[15] != "0" else "1") + token[16:]  # same key, other secret
    for presented in (forged, "no-such-token", token[:15]):
        client.credentials(HTTP_AUTHORIZATION=f"Token {presented}")
        assert client.get("/api/v1/pairs/").status_code == 401, presented
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/pairs/").status_code == 200
    expert.is_active = False
    expert.save()
    answer = client.get("/api/v1/pairs/")
    assert answer.status_code == 401
    assert answer.json()["detail"] == "User inactive or deleted."
