"""Every error has one shape: {"status", "code", "detail"[, "errors"]}."""

from __future__ import annotations

import pytest
from rest_framework.throttling import SimpleRateThrottle

pytestmark = pytest.mark.django_db


def _shape(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) >= {"status", "code", "detail"}
    assert (body["status"], body["code"]) == (status, code)
    assert body["detail"]
    return body


def test_an_unknown_language_is_a_400_naming_the_parameter(world, client):
    body = _shape(client.get("/api/v1/pairs/", {"lang": "de"}), 400, "invalid")
    assert list(body["errors"]) == ["lang"]


def test_a_filter_of_the_wrong_type_is_a_400(world, client):
    body = _shape(client.get("/api/v1/ratings/", {"year": "soon"}), 400, "invalid")
    assert "year" in body["errors"]
    body = _shape(client.get("/api/v1/ratings/", {"round": "2016v2"}), 400, "invalid")
    assert "round" in body["errors"]


def test_an_invalid_token_is_a_401_even_for_reads(world, client):
    response = client.get("/api/v1/pairs/", HTTP_AUTHORIZATION="Token nonsense")
    _shape(response, 401, "authentication_failed")
    assert response["WWW-Authenticate"] == "Token"


def test_an_anonymous_write_is_a_401(world, client):
    _shape(client.post("/api/v1/ratings/", {}, format="json"), 401, "not_authenticated")


def test_an_unknown_address_is_the_apis_404(world, client):
    _shape(client.get("/api/v1/no-such-thing/"), 404, "not_found")
    _shape(client.get("/api/v1/pairs/no-such-pair/"), 404, "not_found")


def test_a_method_an_endpoint_lacks_is_a_405(world, as_user, staff):
    _shape(as_user(staff).delete("/api/v1/pairs/citizens-parliament/"), 405, "method_not_allowed")


def test_a_body_that_is_not_json_is_a_415(world, as_user, chair):
    response = as_user(chair).post("/api/v1/ratings/", "value=1", content_type="text/plain")
    _shape(response, 415, "unsupported_media_type")


def test_field_errors_are_listed_by_field(world, as_user, chair):
    body = _shape(as_user(chair).post("/api/v1/ratings/", {}, format="json"), 400, "invalid")
    assert set(body["errors"]) == {"assessment", "dimension", "value", "reason"}


def test_errors_speak_the_requests_language(world, client):
    def detail(**headers) -> str:
        return client.get("/api/v1/pairs/no-such-pair/", **headers).json()["detail"]

    assert detail(HTTP_ACCEPT_LANGUAGE="en") == "Not found."
    assert detail(HTTP_ACCEPT_LANGUAGE="ru") == "Страница не найдена."  # DRF's own Russian


def test_anonymous_clients_are_throttled(world, client, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/minute", "user": None})
    assert client.get("/api/v1/pairs/").status_code == 200
    assert client.get("/api/v1/pairs/").status_code == 200
    response = client.get("/api/v1/pairs/")
    _shape(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
