"""Every API endpoint × role × method: errors are problem details, refusals are not 400s.

Each address of the API (from the URL configuration, as the matrix), made concrete for
pair A's rows of the round in work and of the published round, is asked with every
method by anonymous, an API reader, expert A, expert B, chair A and staff. Whatever
the answer, it is never a 5xx; an error is `application/problem+json` with the
status in its body; and who may not gets 401/403/404/405, never a 400 about her input.
"""

from __future__ import annotations

import json

import pytest
from rest_framework.throttling import SimpleRateThrottle

from .test_matrix import addresses, concrete
from .world import STATES

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "reader", "expert_a", "expert_b", "chair_a", "staff")
METHODS = ("get", "head", "options", "post", "put", "patch", "delete")
UNSAFE = {"post", "put", "patch", "delete"}
# Logging out would revoke the token the rest of the walk uses; tests/api/test_auth.py
# covers those answers.
SKIPPED_WRITES = {"api:logout", "api:logout-all", "api:login"}


def _api_urls(world) -> list[tuple[str, str]]:
    urls: dict[str, str] = {}
    for address in addresses():
        if not address.route.startswith("api/"):
            continue
        for state in STATES:
            for url, _rule in concrete(address, world, state):
                urls.setdefault(url, address.key)
    return sorted((key, url) for url, key in urls.items())


def assert_problem(response, method: str) -> None:
    assert response["Content-Type"] == "application/problem+json", response.content[:200]
    if method == "head":
        return
    body = json.loads(response.content)
    assert body["type"] == "about:blank"
    assert body["status"] == response.status_code
    assert body["title"] and body["detail"] and body["code"]
    for field, messages in body.get("errors", {}).items():
        assert field != "__all__"
        assert messages and all(isinstance(m, str) and m for m in messages)


@pytest.mark.parametrize("role", ROLES)
def test_every_api_error_is_a_problem_and_every_refusal_names_who(
    world, as_role, role, monkeypatch
):
    # Some 800 requests per role: more than a client may make in a minute.
    rates = {"anon": None, "user": None, "login": None}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    client = as_role(role)
    wrong = []
    for key, url in _api_urls(world):
        for method in METHODS:
            if method in UNSAFE and key in SKIPPED_WRITES:
                continue
            kwargs = {"data": "{}", "content_type": "application/json"} if method in UNSAFE else {}
            where = f"{method.upper()} {url} as {role}"
            try:
                response = getattr(client, method)(url, **kwargs)
            except Exception as exc:
                wrong.append(f"{where}: {exc!r}")
                continue
            status = response.status_code
            where = f"{where}: {status}"
            try:
                assert status < 500
                if status >= 400:
                    assert_problem(response, method)
                if method in UNSAFE and role == "anonymous":
                    assert status in (401, 404, 405)
                if method in UNSAFE and role == "reader":
                    assert status in (403, 404, 405)
            except (AssertionError, ValueError) as exc:
                wrong.append(f"{where} {exc!r}"[:300])
    assert not wrong, f"{len(wrong)} answers are wrong:\n" + "\n".join(wrong[:60])
