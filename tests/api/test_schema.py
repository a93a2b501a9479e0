"""The OpenAPI schema: valid, complete, and true to what the API answers.

The last test is a bounded schemathesis run, in process against the WSGI app, with
the schema loaded from its URL: the schema's examples, then valid and invalid
generated requests for every operation, once per identity (anonymous, an API
reader, an expert, a chair, staff: one test each, so that xdist spreads them); no
answer may be a 5xx, and every answer must match the schema (status, content type,
body). `API_FUZZ_EXAMPLES` sets the examples per operation and mode: 5 by default,
which keeps the suite within CI's budget on 2 cores; `API_FUZZ_EXAMPLES=100` is
the thorough run (docs/api.md, "Checking the schema").
"""

from __future__ import annotations

import os
import time

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from knox.models import AuthToken
from rest_framework.throttling import SimpleRateThrottle
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from assessments.api.urls import router
from assessments.models import Citation, Comment, ExpertRating, ProcessAssessment, Rating

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = int(os.environ.get("API_FUZZ_EXAMPLES", "5"))
# Seconds per identity: a bound that fails loudly rather than a run that creeps.
TIME_BUDGET = float(os.environ.get("API_FUZZ_SECONDS", "240"))
IDENTITIES = ("anonymous", "reader", "expert", "chair", "staff")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_the_schema_is_valid_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "s.yaml")


def test_every_endpoint_is_in_the_schema(client):
    paths = set(client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()["paths"])
    expected = {
        "/api/v1/rounds/{round}/scores/",
        "/api/v1/compare/",
        "/api/v1/series/",
        "/api/v1/auth/login/",
        "/api/v1/auth/logout/",
        "/api/v1/auth/logoutall/",
        "/api/v1/rounds/{round}/publish/",
        "/api/v1/rounds/{round}/transition/",
        "/api/v1/rounds/{round}/errata/",
        "/api/v1/rounds/{round}/next/",
        "/api/v1/threads/{id}/comments/",
        "/api/v1/threads/{id}/resolve/",
        "/api/v1/rounds/{round}/history/",
        "/api/v1/assessments/{id}/history/",
        "/api/v1/ratings/{id}/history/",
        "/api/v1/expert-ratings/{id}/history/",
        "/api/v1/citations/{id}/history/",
    }
    for prefix, viewset, _basename in router.registry:
        expected.add(f"/api/v1/{prefix}/")
        lookup = "id" if viewset.lookup_field == "pk" else viewset.lookup_field
        expected.add(f"/api/v1/{prefix}/{{{lookup}}}/")
    assert paths == expected


def test_the_docs_are_served(client):
    assert client.get("/api/v1/docs/").status_code == 200
    assert client.get("/api/v1/redoc/").status_code == 200


@pytest.fixture
def unthrottled(monkeypatch):
    rates = {"anon": None, "user": None, "login": None}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)


@pytest.fixture
def wsgi_app():
    """The WSGI app, keeping the test's database connection open as Django's test client does.

    A real request ends by closing a connection that is inside a transaction; here that
    transaction is the test's, so the connection must survive the request.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _real_path_parameters(world) -> dict[str, dict[str, object]]:
    """Path parameters that name existing rows, by the collection they address."""
    assessment = ProcessAssessment.objects.filter(round=world.open).order_by("pk").first()
    return {
        "assessments": {"id": assessment.pk},
        "ratings": {"id": Rating.objects.filter(assessment=assessment).first().pk},
        "expert-ratings": {"id": ExpertRating.objects.first().pk},
        "citations": {"id": Citation.objects.filter(assessment=assessment).first().pk},
        "threads": {"id": world.thread.pk},
        "comments": {"id": Comment.objects.first().pk},
        "subjects": {"code": "citizens"},
        "pairs": {"code": "citizens-parliament"},
        "processes": {"code": assessment.process.code},
        "legal-acts": {"code": "constitution"},
        "methodologies": {"label": world.methodology.label},
        "rounds": {"round": f"{world.open.year}-v1"},
    }


@pytest.mark.parametrize("identity", IDENTITIES)
def test_generated_requests_get_no_5xx_and_answers_match_the_schema(
    world, identity, request, unthrottled, wsgi_app
):
    user = None if identity == "anonymous" else request.getfixturevalue(identity)
    started = time.monotonic()
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30
    real = _real_path_parameters(world)
    compare = {"a": str(world.published.year), "b": str(world.open.year)}
    for operation in operations:
        collection = operation.path.split("/")[3]
        # A fresh token each time: the logout operations revoke the one they are sent.
        headers = (
            {"Authorization": f"Token {AuthToken.objects.create(user=user)[1]}"} if user else {}
        )
        for mode in GenerationMode:
            _fuzz(operation, mode, headers=headers)  # everything generated: mostly 400s, 404s
            if "{" in operation.path:
                _fuzz(operation, mode, headers=headers, path_parameters=real[collection])
            elif collection == "compare":
                _fuzz(operation, mode, headers=headers, query=compare)
    assert time.monotonic() - started < TIME_BUDGET


def _fuzz(operation, mode, **fixed) -> None:
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(mode, **fixed))
    def run(case) -> None:
        case.call_and_validate(checks=CHECKS)

    run()
