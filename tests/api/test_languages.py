"""The API speaks English unless asked, and says truly which languages its texts are in."""

from __future__ import annotations

import pytest

from assessments.models import ExpertRating, ProcessAssessment, Rating

pytestmark = pytest.mark.django_db


@pytest.fixture
def rating(world) -> Rating:
    assessment = ProcessAssessment.objects.filter(round=world.open).order_by("pk").first()
    rating = Rating.objects.get(assessment=assessment, dimension__code="rules")
    Rating.objects.filter(pk=rating.pk).update(
        justification_ky="Мыйзамдын 2-беренеси", justification_ru="", justification_en=""
    )
    return rating


def test_english_is_the_default(world, client):
    def language(**kwargs) -> str:
        # The first language named is the one asked for; the factories' names are English,
        # so other languages fall back to it, and say so.
        return client.get("/api/v1/pairs/", **kwargs)["Content-Language"]

    assert language() == "en"
    assert language(data={"lang": "ky"}) == "ky, en"
    assert language(HTTP_ACCEPT_LANGUAGE="ru") == "ru, en"


def test_a_fallback_text_says_its_language(rating, as_user, chair):
    response = as_user(chair).get(f"/api/v1/ratings/{rating.pk}/", {"lang": "en"})
    body = response.json()
    assert body["justification"] == "Мыйзамдын 2-беренеси"
    assert body["text_languages"] == {"justification": "ky"}
    assert response["Content-Language"] == "en, ky"
    kyrgyz = as_user(chair).get(f"/api/v1/ratings/{rating.pk}/", {"lang": "ky"})
    assert kyrgyz.json()["text_languages"] == {}
    assert kyrgyz["Content-Language"] == "ky", kyrgyz.json()


def test_an_expert_writes_her_justification_in_several_languages(world, as_user, expert):
    assessment = ProcessAssessment.objects.filter(round=world.open).order_by("pk").first()
    api = as_user(expert)
    created = api.post(
        "/api/v1/expert-ratings/",
        {
            "assessment": assessment.pk,
            "dimension": "demand",
            "value": 1,
            "justification": {"ky": "Талап бар", "ru": "Спрос есть"},
            "reason": "first look",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    row = ExpertRating.objects.get(pk=created.json()["id"])
    assert (row.justification_ky, row.justification_ru) == ("Талап бар", "Спрос есть")
    assert not row.justification_en
    # A plain text is in the request's language; the others keep theirs.
    changed = api.patch(
        f"/api/v1/expert-ratings/{row.pk}/?lang=en",
        {"justification": "There is demand", "reason": "translated"},
        format="json",
        HTTP_IF_MATCH=created["ETag"],
    )
    assert changed.status_code == 200, changed.json()
    row.refresh_from_db()
    assert (row.justification_ky, row.justification_en) == ("Талап бар", "There is demand")


def test_a_justification_in_an_unknown_language_is_refused(world, as_user, expert):
    assessment = ProcessAssessment.objects.filter(round=world.open).order_by("pk").first()
    response = as_user(expert).post(
        "/api/v1/expert-ratings/",
        {
            "assessment": assessment.pk,
            "dimension": "demand",
            "value": 1,
            "justification": {"de": "Nachfrage"},
            "reason": "x",
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["justification"]
    assert not ExpertRating.objects.filter(assessment=assessment, dimension__code="demand").exists()


def test_an_assessments_texts_are_written_per_language(world, as_user, chair):
    assessment = ProcessAssessment.objects.filter(round=world.open).order_by("pk").first()
    response = as_user(chair).patch(
        f"/api/v1/assessments/{assessment.pk}/",
        {"justification": {"ru": "Ст. 2", "en": "Art. 2"}, "reason": "both"},
        format="json",
        HTTP_IF_MATCH="*",
    )
    assert response.status_code == 200, response.json()
    assessment.refresh_from_db()
    assert (assessment.justification_ru, assessment.justification_en) == ("Ст. 2", "Art. 2")
