"""Every error under /api/ is problem details (RFC 9457), whatever layer answers it."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

pytestmark = pytest.mark.django_db


def _shape(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert set(body) >= {"type", "title", "status", "code", "detail"}
    assert (body["type"], body["status"], body["code"]) == ("about:blank", status, code)
    assert body["detail"] and body["title"]
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
    _shape(client.get("/api/v2/pairs/"), 404, "not_found")


def test_an_encoded_newline_in_the_path_is_the_apis_404(world, client):
    _shape(client.get("/api/v1/pairs/%0A/"), 404, "not_found")
    _shape(client.get("/api/v1/%0A"), 404, "not_found")
    _shape(client.get("/api/%0Av1/"), 404, "not_found")


def test_an_unsafe_method_on_an_unknown_address_is_a_404_not_a_csrf_page(world, chair):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(chair)  # a session cookie: what makes Django check CSRF
    _shape(browser.post("/api/v1/rounds/10000/errata/", {}), 404, "not_found")
    _shape(browser.delete("/api/v1/nowhere/"), 404, "not_found")


def test_a_session_write_without_its_csrf_token_is_a_problem(world, chair):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(chair)
    body = _shape(browser.post("/api/v1/ratings/", {}, format="json"), 403, "permission_denied")
    assert "CSRF" in body["detail"]


def test_the_csrf_failure_of_a_plain_django_view_is_a_problem_under_the_api(rf):
    from accountability.views import csrf_failure

    _shape(csrf_failure(rf.post("/api/v1/anything/"), reason="no"), 403, "csrf_failed")
    assert csrf_failure(rf.post("/en/admin/"), reason="no")["Content-Type"].startswith("text/html")


def test_a_server_error_is_a_problem(world, monkeypatch):
    from assessments.api.views import PairViewSet

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(PairViewSet, "list", broken)
    response = APIClient(raise_request_exception=False).get("/api/v1/pairs/")
    body = _shape(response, 500, "error")
    assert "bug" not in body["detail"]  # nothing of the server's insides


def test_options_with_a_csv_format_describes_the_endpoint_in_json(world, client):
    response = client.options("/api/v1/rounds/2030/scores/", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "text/csv" in response.json()["renders"]


def test_format_and_accept_refuse_an_unserved_format_alike(world, client):
    _shape(client.get("/api/v1/pairs/", {"format": "csv"}), 406, "not_acceptable")
    _shape(client.get("/api/v1/pairs/", HTTP_ACCEPT="text/csv"), 406, "not_acceptable")


def test_a_method_an_endpoint_lacks_is_a_405(world, as_user, staff):
    _shape(as_user(staff).delete("/api/v1/pairs/citizens-parliament/"), 405, "method_not_allowed")


def test_a_body_that_is_not_json_is_a_415(world, as_user, chair):
    response = as_user(chair).post("/api/v1/ratings/", "value=1", content_type="text/plain")
    _shape(response, 415, "unsupported_media_type")


def test_field_errors_are_listed_by_field(world, as_user, chair):
    body = _shape(as_user(chair).post("/api/v1/ratings/", {}, format="json"), 400, "invalid")
    assert set(body["errors"]) == {"assessment", "dimension", "value", "reason"}


def test_an_api_reader_writing_is_refused_for_her_role_not_her_input(world, as_user, reader):
    for url in ("/api/v1/ratings/", "/api/v1/citations/", "/api/v1/threads/"):
        _shape(as_user(reader).post(url, {}, format="json"), 403, "permission_denied")


def test_an_expert_naming_an_assessment_outside_her_panel_gets_a_404(world, as_user, outsider):
    from assessments.models import ProcessAssessment

    assessment = ProcessAssessment.objects.filter(round=world.open).first()
    body = {"assessment": assessment.pk, "dimension": "rules", "value": 1, "reason": "panel"}
    refused = _shape(as_user(outsider).post("/api/v1/expert-ratings/", body), 404, "not_found")
    assert list(refused["errors"]) == ["assessment"]
    # The same answer as for an assessment that does not exist: nothing leaks.
    body["assessment"] = 10**9
    missing = _shape(as_user(outsider).post("/api/v1/expert-ratings/", body), 404, "not_found")
    assert missing["errors"] == refused["errors"]


def test_errors_speak_the_requests_language(world, client):
    def detail(**headers) -> str:
        return client.get("/api/v1/pairs/no-such-pair/", **headers).json()["detail"]

    assert detail(HTTP_ACCEPT_LANGUAGE="en") == "Not found."
    assert detail(HTTP_ACCEPT_LANGUAGE="ru") == "Не найдено."


def test_anonymous_clients_are_throttled(world, client, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/minute", "user": None})
    assert client.get("/api/v1/pairs/").status_code == 200
    assert client.get("/api/v1/pairs/").status_code == 200
    response = client.get("/api/v1/pairs/")
    _shape(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


@pytest.mark.parametrize(
    "query",
    [
        {"carried_over": "null"},
        {"carried_over": ""},
        {"carried_over": "1"},
        {"year": "-1"},
        {"round": "2016\n"},
        {"round": " 2016"},
        {"round": ""},
        {"pair": ""},
        {"process": "a\x00b"},
        {"dimension": "é"},
    ],
)
def test_a_filter_value_the_schema_refuses_is_a_400(world, client, query):
    body = _shape(client.get("/api/v1/ratings/", query), 400, "invalid")
    assert list(body["errors"]) == list(query)


def test_an_empty_pair_in_the_series_is_a_400(world, client):
    body = _shape(client.get("/api/v1/series/", {"pair": ""}), 400, "invalid")
    assert list(body["errors"]) == ["pair"]


def test_a_page_past_the_last_is_a_404_naming_the_page(world, client):
    body = _shape(client.get("/api/v1/pairs/", {"page": "99"}), 404, "not_found")
    assert list(body["errors"]) == ["page"]


@pytest.mark.parametrize(
    ("url", "name", "value"),
    [
        ("/api/v1/ratings/", "ordering", ""),
        ("/api/v1/processes/", "ordering", ","),
        ("/api/v1/pairs/", "ordering", "code,"),
        ("/api/v1/rounds/", "ordering", ""),
        ("/api/v1/rounds/", "status", ""),
        ("/api/v1/threads/", "status", ""),
        ("/api/v1/assessments/", "verdict", ""),
        ("/api/v1/subjects/", "kind", ""),
        ("/api/v1/ratings/", "year", ""),
    ],
)
def test_an_empty_filter_is_a_400_naming_it_not_an_ignored_filter(world, client, url, name, value):
    body = _shape(client.get(url, {name: value}), 400, "invalid")
    assert list(body["errors"]) == [name]


def test_an_empty_format_is_a_400_naming_it(world, client):
    body = _shape(client.get("/api/v1/pairs/", {"format": ""}), 400, "invalid")
    assert list(body["errors"]) == ["format"]
    body = _shape(client.get("/api/v1/rounds/2016/scores/", {"format": ""}), 400, "invalid")
    assert list(body["errors"]) == ["format"]


@pytest.mark.parametrize("number", ["0.0", "1e0", "1.5", "+1"])
def test_an_integer_filter_takes_digits_only(world, as_user, chair, number):
    refused = as_user(chair).get("/api/v1/expert-ratings/", {"expert": number})
    assert list(_shape(refused, 400, "invalid")["errors"]) == ["expert"]
    assert as_user(chair).get("/api/v1/expert-ratings/", {"expert": "0"}).status_code == 200


def test_a_locked_out_login_is_a_problem_saying_when_to_come_back(world, client, settings):
    settings.LOGIN_FAILURE_LIMIT = settings.AXES_FAILURE_LIMIT = 3
    rates = {"anon": None, "user": None, "login": None}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
        answers = [
            client.post("/api/v1/auth/login/", {"username": "nobody", "password": f"x{n}"})
            for n in range(4)
        ]
    assert [a.status_code for a in answers[:2]] == [401, 401]
    body = _shape(answers[-1], 429, "locked_out")
    assert "Too many failed logins" in body["detail"]  # English, the API's default
    assert answers[-1]["Content-Language"] == "en"
    assert int(answers[-1]["Retry-After"]) == settings.LOGIN_COOLOFF_MINUTES * 60
