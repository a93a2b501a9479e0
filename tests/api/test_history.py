"""Each rating, assessment, citation and round has its history: who, when, why, old, new."""

from __future__ import annotations

import pytest

from assessments import services
from assessments.models import Citation, ProcessAssessment, Rating, Round

pytestmark = pytest.mark.django_db


@pytest.fixture
def rating(world) -> Rating:
    assessment = ProcessAssessment.objects.filter(round=world.open).order_by("pk").first()
    return Rating.objects.get(assessment=assessment, dimension__code="rules")


def test_a_ratings_history_says_who_when_why_and_what(rating, as_user, chair):
    chair.first_name, chair.last_name = "Nurlan", "Asanov"
    chair.save()
    with_ = {"value": 1 - rating.value, "justification": {"en": "Art. 2"}, "reason": "panel"}
    assert (
        as_user(chair)
        .patch(f"/api/v1/ratings/{rating.pk}/", with_, format="json", HTTP_IF_MATCH="*")
        .status_code
        == 200
    )
    entries = as_user(chair).get(f"/api/v1/ratings/{rating.pk}/history/").json()
    last = entries[-1]
    assert (last["revision"], last["kind"], last["reason"]) == (2, "changed", "panel")
    assert last["by"]["name"] == "Nurlan Asanov"
    assert last["at"].endswith("Z")
    changes = {(c["field"], c["language"]): (c["old"], c["new"]) for c in last["changes"]}
    assert changes["value", None] == (rating.value, 1 - rating.value)
    # The API's names, never a stored column (justification_en).
    assert changes["justification", "en"][1] == "Art. 2"
    assert all("_" not in field or field == "carried_over" for field, _lang in changes)
    first = entries[0]
    assert first["kind"] == "created"
    assert {"field": "dimension", "language": None, "old": None, "new": "rules"} in first["changes"]


def test_the_public_sees_when_and_why_but_not_who(world, client, staff):
    assessment = ProcessAssessment.objects.filter(round=world.published).first()
    rating = Rating.objects.filter(assessment=assessment).first()
    entries = client.get(f"/api/v1/ratings/{rating.pk}/history/").json()
    assert entries and all(e["by"] is None for e in entries)
    assert client.get(f"/api/v1/assessments/{assessment.pk}/history/").status_code == 200
    citation = Citation.objects.filter(assessment=assessment).first()
    assert client.get(f"/api/v1/citations/{citation.pk}/history/").status_code == 200


def test_a_history_one_may_not_see_is_a_404(rating, client):
    assert client.get(f"/api/v1/ratings/{rating.pk}/history/").status_code == 404


def test_errata_are_completed_through_the_api(world, as_user, staff):
    api = as_user(staff)
    started = api.post(f"/api/v1/rounds/{world.published.year}/errata/", {"reason": "typo"})
    assert started.status_code == 201, started.json()
    ref = started.json()["round"]["ref"]
    assert ref == f"{world.published.year}-v2"
    refused = api.post(f"/api/v1/rounds/{ref}/publish/", {"reason": "errata"}, format="json")
    assert refused.status_code == 409
    assert refused.json()["errors"]["publish"]
    changelog = api.patch(
        f"/api/v1/rounds/{ref}/",
        {"changelog": {"en": "Fixed a typo.", "ru": "Исправлена опечатка."}, "reason": "errata"},
        format="json",
        HTTP_IF_MATCH=started["ETag"],
    )
    assert changelog.status_code == 200, changelog.json()
    published = api.post(f"/api/v1/rounds/{ref}/publish/", {"reason": "errata"}, format="json")
    assert published.status_code == 200, published.json()
    assert published.json()["round"]["status"] == "published"
    assert Round.objects.get(year=world.published.year, version=1).status == "superseded"
    history = api.get(f"/api/v1/rounds/{ref}/history/").json()
    assert any(
        (c["field"], c["language"]) == ("changelog", "en") and c["new"] == "Fixed a typo."
        for e in history
        for c in e["changes"]
    )
    # References are named as everywhere else in the API; timestamps in UTC.
    created = {c["field"]: c["new"] for c in history[0]["changes"]}
    assert created["corrects"] == f"{world.published.year}-v1"
    assert created["methodology"] == world.methodology.label
    published_at = [c["new"] for e in history for c in e["changes"] if c["field"] == "published_at"]
    assert published_at and all(at.endswith("Z") for at in published_at)


def test_only_staff_change_a_round(world, as_user, chair):
    response = as_user(chair).patch(
        f"/api/v1/rounds/{world.open.year}/",
        {"summary": "x", "reason": "x"},
        format="json",
        HTTP_IF_MATCH="*",
    )
    assert response.status_code == 403


def test_every_collection_answers_options(world, as_user, chair):
    api = as_user(chair)
    for url in (
        "/api/v1/ratings/",
        "/api/v1/assessments/",
        "/api/v1/citations/",
        "/api/v1/expert-ratings/",
        "/api/v1/rounds/",
        "/api/v1/pairs/",
    ):
        assert api.options(url).status_code == 200, url


def test_services_keep_the_history_the_api_shows(rating, staff):
    services.set_consensus(
        actor=staff,
        assessment=rating.assessment,
        dimension=rating.dimension,
        value=1 - rating.value,
        reason="errata",
        expected_revision=rating.revision,
    )
    assert rating.history.count() >= 2
