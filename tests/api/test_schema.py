"""The OpenAPI schema: valid, complete, and true to what the API answers.

The last test is schemathesis's own engine — every phase: the schema's examples,
coverage (boundary and invalid values of every parameter), fuzzing (generated
valid and invalid requests) and stateful (sequences of calls linked by the
schema) — in process against the WSGI app, with the schema loaded from its URL,
once per identity (anonymous, an API reader, an expert, a chair, staff: a test
class each, so that xdist's `--dist loadscope` spreads them over the workers).
Every check schemathesis has must pass.

`API_FUZZ_EXAMPLES` sets the examples per operation (fuzzing and each stateful
step); `API_FUZZ_SECONDS` bounds each identity's run: it is stopped there,
and the test fails saying so rather than passing on a partial run. CI's figures
and the full-depth command are in docs/api.md, "Checking the schema".
"""

from __future__ import annotations

import collections
import gzip
import os
import time

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connections
from knox.models import AuthToken
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, StopReason, events, from_schema
from schemathesis.transport.wsgi import WSGITransport

from assessments.api.urls import router
from assessments.models import Citation, Comment, ExpertRating, ProcessAssessment, Rating

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = int(os.environ.get("API_FUZZ_EXAMPLES", "5"))
# Seconds per identity: a bound that fails loudly rather than a run that creeps.
TIME_BUDGET = float(os.environ.get("API_FUZZ_SECONDS", "300"))
# Calls in one stateful scenario: enough to create, read, change and read back a row.
STATEFUL_STEPS = int(os.environ.get("API_FUZZ_STATEFUL_STEPS", "10"))
IDENTITIES = ("anonymous", "reader", "expert", "chair", "staff")


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


@pytest.fixture(autouse=True)
def wsgi_transport_takes_no_socket_settings(monkeypatch):
    """Schemathesis 4.32's WSGI transport drops socket settings (max_redirects, ...) only
    for a requests session; a check that sends its own request without one (ignored_auth,
    on an operation that requires a token) crashed inside werkzeug instead of checking."""
    send = WSGITransport.send

    def without_socket_settings(self, case, *, session=None, **kwargs):
        if session is None:
            for name in ("max_redirects", "verify", "cert", "proxies"):
                kwargs.pop(name, None)
        return send(self, case, session=session, **kwargs)

    monkeypatch.setattr(WSGITransport, "send", without_socket_settings)


@pytest.fixture
def unthrottled(monkeypatch):
    rates = {"anon": None, "user": None, "login": None}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)


@pytest.fixture
def wsgi_app():
    """The WSGI app on the test's own database connection, from whichever thread calls it.

    Schemathesis's engine sends its requests from a worker thread (one: `workers` is 1,
    so never two at once). Django gives each thread its own connection, which would not
    see the test's uncommitted rows; the app is handed the test's connection instead,
    and kept open across requests as Django's test client does.
    """
    connection = connections["default"]
    connection.inc_thread_sharing()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    handler = WSGIHandler()

    def app(environ, start_response):
        connections["default"] = connection
        return _decoded(handler, environ, start_response)

    yield app
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    connection.dec_thread_sharing()


def _decoded(handler, environ, start_response):
    """The answer as an HTTP client reads it: a gzip-encoded body decoded.

    Schemathesis sends `Accept-Encoding: gzip, deflate` (requests' default) but its WSGI
    transport, unlike an HTTP client, does not decode what comes back; the API sends kept
    answers gzip-compressed to clients that accept it (caching.py), which schemathesis
    then failed to parse as JSON.
    """
    started = {}

    def hold(status, headers, exc_info=None):
        started.update(status=status, headers=headers)
        return lambda data: None  # Django answers through the iterable only

    result = handler(environ, hold)
    try:
        body = b"".join(result)
    finally:
        result.close()
    headers = started["headers"]
    if ("Content-Encoding", "gzip") in headers:
        body = gzip.decompress(body)
        headers = [(n, v) for n, v in headers if n not in ("Content-Encoding", "Content-Length")]
        headers.append(("Content-Length", str(len(body))))
    start_response(started["status"], headers)
    return [body]


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


def _config(world, user) -> SchemathesisConfig:
    # Operations on one row address a real one (generated ids are all 404s, which the
    # coverage phase tries anyway); the comparison compares two real rounds.
    operations = [
        {"include-path-regex": f"^/api/v1/{collection}/{{", "parameters": parameters}
        for collection, parameters in _real_path_parameters(world).items()
    ]
    operations.append(
        {
            "include-path": "/api/v1/compare/",
            "parameters": {"a": str(world.published.year), "b": str(world.open.year)},
        }
    )
    headers = {"Authorization": f"Token {AuthToken.objects.create(user=user)[1]}"} if user else {}
    if user is not None:
        # Logging out revokes the token sent (logoutall: all the user's tokens): those two
        # get someone else's, or the rest of the run would go on with a dead token.
        leaving = get_user_model().objects.create_user("leaving", password=None)
        operations.append(
            {
                "include-path-regex": "^/api/v1/auth/logout",
                "headers": {"Authorization": f"Token {AuthToken.objects.create(user=leaving)[1]}"},
            }
        )
    return SchemathesisConfig.from_dict(
        {
            "headers": headers,
            "workers": 1,
            "seed": 1,
            "generation": {
                "max-examples": EXAMPLES_PER_OPERATION,
                "database": "none",
                "deterministic": True,
            },
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": True},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": True, "max-steps": STATEFUL_STEPS},
            },
        }
    )


def test_every_identity_has_its_class():
    assert sorted(c.identity for c in SchemathesisRun.__subclasses__()) == sorted(IDENTITIES)


class SchemathesisRun:
    """One identity's run. A class per identity (below), not a parameter: CI runs with
    `--dist loadscope`, which sends each class to whichever worker is free, so the five
    runs (half a minute to over two minutes each) spread over the workers; functions
    stay grouped by module, as `--dist loadfile` grouped them."""

    identity: str

    def test_every_schemathesis_phase_and_check_passes(self, world, request, unthrottled, wsgi_app):
        _run(self.identity, world, request, wsgi_app)


class TestAnonymous(SchemathesisRun):
    identity = "anonymous"


class TestReader(SchemathesisRun):
    identity = "reader"


class TestExpert(SchemathesisRun):
    identity = "expert"


class TestChair(SchemathesisRun):
    identity = "chair"


class TestStaff(SchemathesisRun):
    identity = "staff"


def _run(identity: str, world, request, wsgi_app) -> None:
    user = None if identity == "anonymous" else request.getfixturevalue(identity)
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/schema/?format=json", wsgi_app, config=_config(world, user)
    )
    assert len(list(schema.get_all_operations())) > 30
    started = time.monotonic()
    calls: collections.Counter[str] = collections.Counter()
    failures: dict[tuple[str, str], str] = {}
    errors: list[str] = []
    stopped = None
    stream = from_schema(schema).execute()
    for event in stream:
        if time.monotonic() - started > TIME_BUDGET:
            # Not schemathesis's max-time: with it, fuzzing and stateful testing run on
            # until the time is up, however many examples they were asked for.
            stream.stop()
            stopped = StopReason.MAX_TIME
            break
        if isinstance(event, events.ScenarioFinished):
            calls[event.phase.value] += len(event.recorder.interactions)
            failures.update(_failures(event))
            if event.status == Status.ERROR:
                errors.append(f"{event.label}: {event.phase.value} errored")
        elif isinstance(event, events.PhaseFinished) and event.status == Status.ERROR:
            errors.append(f"phase {event.phase.name.value} errored")
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            errors.append(str(getattr(event, "info", event)))
        elif isinstance(event, events.EngineFinished):
            stopped = event.stop_reason
    elapsed = time.monotonic() - started
    print(f"{identity}: {elapsed:.0f} s, calls per phase {dict(calls)}")
    assert not failures, "\n".join(f"{op} {check}: {how}" for (op, check), how in failures.items())
    assert not errors, errors
    assert stopped == StopReason.COMPLETED, (
        f"stopped: {stopped} (API_FUZZ_SECONDS={TIME_BUDGET:.0f})"
    )
    assert calls["coverage"] and calls["fuzzing"] and calls["stateful"], dict(calls)


def _failures(event) -> dict[tuple[str, str], str]:
    """Each failed check of a scenario, with the request and answer that show it."""
    found = {}
    for case_id, checks in event.recorder.checks.items():
        for check in checks:
            if check.status != Status.FAILURE:
                continue
            interaction = event.recorder.interactions.get(case_id)
            how = check.failure_info.failure.title if check.failure_info else ""
            if interaction is not None and interaction.response is not None:
                request_, response = interaction.request, interaction.response
                how += (
                    f" | {request_.method} {request_.uri} {request_.body!r:.300}"
                    f" -> {response.status_code} {response.content[:300]!r}"
                )
            case = event.recorder.cases.get(case_id)
            label = case.value.operation.label if case is not None else event.label
            found[(label, check.name)] = how
    return found
