"""The same names for the same things: one round reference, codes, UTC, people by name."""

from __future__ import annotations

import pytest

from assessments.models import ExpertRating, ProcessAssessment

pytestmark = pytest.mark.django_db


def test_a_round_is_named_the_same_in_paths_filters_and_bodies(world, client):
    rating = client.get("/api/v1/ratings/", {"round": "2030-v1"}).json()["results"][0]
    ref = rating["round"]["ref"]
    assert ref == "2030-v1"
    assert client.get(f"/api/v1/rounds/{ref}/").json()["round"]["ref"] == ref
    scores = client.get(f"/api/v1/rounds/{ref}/scores/").json()
    assert scores["round"]["ref"] == ref
    assert scores["methodology"]["ref"] == world.methodology.label
    assert client.get(f"/api/v1/methodologies/{scores['methodology']['ref']}/").status_code == 200
    detail = client.get(f"/api/v1/rounds/{ref}/").json()
    assert detail["scores"].endswith(f"/api/v1/rounds/{ref}/scores/")
    point = client.get("/api/v1/series/").json()["pairs"][0]["points"][0]
    assert point["round"] == ref


def test_principals_agents_and_processes_are_codes(world, client):
    pair = client.get("/api/v1/pairs/citizens-parliament/").json()
    assert (pair["principal"], pair["agent"]) == ("citizens", "parliament")
    assessment = client.get("/api/v1/assessments/").json()["results"][0]
    assert isinstance(assessment["process"], str)


def test_the_comparison_names_a_pair_as_pair(world, client):
    data = client.get("/api/v1/compare/", {"a": "2030", "b": "2030"}).json()
    assert data["pairs"] and all("pair" in p and "key" not in p for p in data["pairs"])
    assert all("dimension" in d for d in data["dimensions"])


def test_timestamps_are_utc_with_z(world, as_user, expert):
    rating = as_user(expert).get("/api/v1/expert-ratings/").json()["results"][0]
    assert rating["updated_at"].endswith("Z")
    thread = as_user(expert).get(f"/api/v1/threads/{world.thread.pk}/").json()
    assert thread["created_at"].endswith("Z")


def test_experts_are_named_by_name_not_username(world, as_user, expert, chair):
    expert.first_name, expert.last_name = "Aigul", "Bekova"
    expert.save()
    rating = as_user(chair).get("/api/v1/expert-ratings/").json()["results"][0]
    assert rating["expert"] == {"id": expert.pk, "name": "Aigul Bekova"}
    assert expert.username not in str(as_user(chair).get("/api/v1/expert-ratings/").content)
    mine = as_user(chair).get("/api/v1/expert-ratings/", {"expert": expert.pk}).json()
    assert mine["count"] == ExpertRating.objects.filter(expert=expert).count()


@pytest.mark.parametrize("size", ["201", "0", "-1", "ten", "1.5"])
def test_a_page_size_out_of_bounds_is_a_400(world, client, size):
    response = client.get("/api/v1/pairs/", {"page_size": size})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["page_size"]


def test_the_api_roots_links_work_with_a_format(world, client):
    links = client.get("/api/v1/", {"format": "json"}).json()
    assert links["scores"].endswith("/api/v1/rounds/{round}/scores/")
    assert "?" not in links["scores"]
    assert client.get(links["pairs"]).status_code == 200


def test_an_assessment_names_its_process_by_code(world, client):
    assessment = ProcessAssessment.objects.filter(round=world.published).first()
    body = client.get(f"/api/v1/assessments/{assessment.pk}/").json()
    assert body["process"] == assessment.process.code


@pytest.mark.parametrize("page", ["0", "-1", "two", "1.5", "last"])
def test_an_invalid_page_is_a_400_naming_it_not_a_404(world, client, page):
    response = client.get("/api/v1/pairs/", {"page": page})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == ["page"]


def test_a_page_past_the_last_says_how_many_there_are(world, client):
    response = client.get("/api/v1/pairs/", {"page": "3", "page_size": "1"})
    assert response.status_code == 404
    assert "2" in response.json()["errors"]["page"][0]
    assert client.get("/api/v1/pairs/", {"page": "2", "page_size": "1"}).status_code == 200
