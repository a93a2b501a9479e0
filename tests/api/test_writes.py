"""Writes go through the services: a reason, the ETag read in If-Match, no lost update."""

from __future__ import annotations

import pytest

from assessments.models import ExpertRating, ProcessAssessment, Rating, Thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def rating(world) -> Rating:
    assessment = ProcessAssessment.objects.filter(round=world.open).order_by("pk").first()
    return Rating.objects.get(assessment=assessment, dimension__code="rules")


def _url(rating: Rating) -> str:
    return f"/api/v1/ratings/{rating.pk}/"


def _etag(api, url: str, **headers) -> str:
    response = api.get(url, **headers)
    assert response.status_code == 200
    return response["ETag"]


def test_a_ratings_etag_names_its_revision_and_differs_by_language(rating, as_user, chair):
    api = as_user(chair)
    english = api.get(_url(rating))
    kyrgyz = api.get(_url(rating), HTTP_ACCEPT_LANGUAGE="ky")
    assert english.json()["revision"] == 1
    assert english["ETag"].startswith('"1-en-') and kyrgyz["ETag"].startswith('"1-ky-')
    # The Kyrgyz copy is no copy of the English representation.
    again = api.get(_url(rating), HTTP_IF_NONE_MATCH=kyrgyz["ETag"])
    assert again.status_code == 200
    assert api.get(_url(rating), HTTP_IF_NONE_MATCH=english["ETag"]).status_code == 304


def test_the_etag_a_get_gives_is_what_a_change_takes(rating, as_user, chair):
    api = as_user(chair)
    response = api.put(
        _url(rating),
        {"value": 1 - rating.value, "justification": "Art. 2", "reason": "panel agreed"},
        format="json",
        HTTP_IF_MATCH=_etag(api, _url(rating)),
    )
    assert response.status_code == 200, response.json()
    assert response["ETag"] == _etag(api, _url(rating))  # the answer's ETag is the new one
    assert response.json()["value"] == 1 - rating.value
    rating.refresh_from_db()
    assert rating.revision == 2
    assert rating.history.latest().history_change_reason == "panel agreed"
    assert rating.history.latest().history_user == chair


def test_an_etag_of_any_language_of_the_current_revision_matches(rating, as_user, chair):
    api = as_user(chair)
    kyrgyz = _etag(api, _url(rating), HTTP_ACCEPT_LANGUAGE="ky")
    response = api.patch(
        f"{_url(rating)}?lang=en", {"value": 0, "reason": "x"}, format="json", HTTP_IF_MATCH=kyrgyz
    )
    assert response.status_code == 200, response.json()


def test_a_change_without_if_match_is_refused_with_428(rating, as_user, chair):
    response = as_user(chair).patch(_url(rating), {"value": 0, "reason": "x"}, format="json")
    assert response.status_code == 428
    assert response.json()["code"] == "precondition_required"
    rating.refresh_from_db()
    assert rating.revision == 1


def test_a_stale_change_is_refused_with_412_and_the_current_row(rating, as_user, chair, staff):
    staff.first_name, staff.last_name = "Ainura", "Toktosunova"
    staff.save()
    seen = _etag(as_user(chair), _url(rating))
    first = as_user(staff).patch(
        _url(rating),
        {"value": 1 - rating.value, "reason": "errata"},
        format="json",
        HTTP_IF_MATCH=seen,
    )
    assert first.status_code == 200
    late = as_user(chair).patch(
        _url(rating),
        {"value": rating.value, "reason": "I saw revision 1"},
        format="json",
        HTTP_IF_MATCH=seen,
    )
    assert late.status_code == 412
    body = late.json()
    assert body["code"] == "stale"
    assert body["current"]["revision"] == 2
    assert body["current"]["value"] == 1 - rating.value
    assert body["current"]["round"] == {
        "ref": "2040-v1",
        "year": 2040,
        "version": 1,
        "status": "open",
    }
    # A person, as everywhere in the API: {id, name}, never a bare string.
    assert body["changed_by"] == {"id": staff.pk, "name": "Ainura Toktosunova"}
    assert body["changed_at"].endswith("Z")
    assert late["ETag"] == first["ETag"] == _etag(as_user(chair), _url(rating))
    rating.refresh_from_db()
    assert (rating.value, rating.revision) == (body["current"]["value"], 2)


def test_a_weak_etag_never_matches(rating, as_user, chair):
    api = as_user(chair)
    weak = "W/" + _etag(api, _url(rating))
    response = api.patch(
        _url(rating), {"value": 0, "reason": "x"}, format="json", HTTP_IF_MATCH=weak
    )
    assert response.status_code == 412
    assert response.json()["current"]["revision"] == 1


def test_an_etag_of_another_row_never_matches(rating, as_user, chair):
    api = as_user(chair)
    other = Rating.objects.filter(assessment=rating.assessment).exclude(pk=rating.pk).first()
    response = api.patch(
        _url(rating),
        {"value": 0, "reason": "x"},
        format="json",
        HTTP_IF_MATCH=_etag(api, _url(other)),
    )
    assert response.status_code == 412


def test_if_match_star_changes_the_row_as_it_is(rating, as_user, chair):
    response = as_user(chair).patch(
        _url(rating), {"value": 0, "reason": "x"}, format="json", HTTP_IF_MATCH="*"
    )
    assert response.status_code == 200
    assert response.json()["revision"] == 2


def test_an_if_match_that_is_no_etag_is_refused(rating, as_user, chair):
    response = as_user(chair).patch(
        _url(rating), {"value": 0, "reason": "x"}, format="json", HTTP_IF_MATCH="1"
    )
    assert response.status_code == 400
    assert "If-Match" in response.json()["errors"]


def test_a_change_without_a_reason_is_refused(rating, as_user, chair):
    response = as_user(chair).patch(
        _url(rating), {"value": 0, "reason": "  "}, format="json", HTTP_IF_MATCH="*"
    )
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]


def test_a_value_outside_the_scale_is_refused_by_the_service(rating, as_user, chair):
    response = as_user(chair).patch(
        _url(rating), {"value": 7, "reason": "typo"}, format="json", HTTP_IF_MATCH="*"
    )
    assert response.status_code == 400
    assert "value" in response.json()["errors"]


def test_creating_a_rating_that_exists_is_412_with_the_row(rating, as_user, chair):
    body = {"assessment": rating.assessment_id, "dimension": "rules", "value": 1, "reason": "x"}
    response = as_user(chair).post("/api/v1/ratings/", body, format="json")
    assert response.status_code == 412
    assert response.json()["current"]["id"] == rating.pk
    assert response["ETag"] == _etag(as_user(chair), _url(rating))
    # With its ETag, the same request changes it.
    changed = as_user(chair).post(
        "/api/v1/ratings/", body, format="json", HTTP_IF_MATCH=response["ETag"]
    )
    assert changed.status_code == 200
    assert changed.json()["revision"] == 2


def test_an_assessments_etag_is_what_its_change_takes(world, as_user, chair):
    assessment = ProcessAssessment.objects.filter(round=world.open).order_by("pk").first()
    api = as_user(chair)
    url = f"/api/v1/assessments/{assessment.pk}/"
    seen = _etag(api, url)
    changed = api.patch(
        url, {"justification": "Art. 2", "reason": "x"}, format="json", HTTP_IF_MATCH=seen
    )
    assert changed.status_code == 200, changed.json()
    assert changed["ETag"] == _etag(api, url) != seen
    stale = api.patch(
        url, {"justification": "Art. 3", "reason": "x"}, format="json", HTTP_IF_MATCH=seen
    )
    assert stale.status_code == 412
    assert stale["ETag"] == changed["ETag"]


def test_a_justification_is_written_in_the_requests_language(rating, as_user, chair):
    response = as_user(chair).patch(
        f"{_url(rating)}?lang=ru",
        {"justification": "Ст. 2", "reason": "перевод"},
        format="json",
        HTTP_IF_MATCH="*",
    )
    assert response.status_code == 200
    rating.refresh_from_db()
    assert rating.justification_ru == "Ст. 2"
    assert not rating.justification_en


def test_an_expert_records_then_changes_her_rating(world, as_user, expert):
    assessment = ProcessAssessment.objects.filter(round=world.open).order_by("pk").first()
    api = as_user(expert)
    created = api.post(
        "/api/v1/expert-ratings/",
        {"assessment": assessment.pk, "dimension": "demand", "value": 1, "reason": "first look"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created["ETag"].startswith('"1-en-')
    changed = api.patch(
        f"/api/v1/expert-ratings/{created.json()['id']}/",
        {"value": 0, "reason": "on reflection"},
        format="json",
        HTTP_IF_MATCH=created["ETag"],
    )
    assert changed.status_code == 200
    assert ExpertRating.objects.get(pk=created.json()["id"]).value == 0


def test_a_discussion_is_started_answered_and_resolved(world, as_user, expert, chair):
    assessment = ProcessAssessment.objects.filter(round=world.open).order_by("pk").first()
    started = as_user(expert).post(
        "/api/v1/threads/",
        {"assessment": assessment.pk, "dimension": "rules", "body": "Which edition?"},
        format="json",
    )
    assert started.status_code == 201, started.json()
    thread = started.json()
    assert (thread["dimension"], thread["status"], len(thread["comments"])) == ("rules", "open", 1)
    reply = as_user(chair).post(
        f"/api/v1/threads/{thread['id']}/comments/",
        {"body": "2010.", "parent": thread["comments"][0]["id"]},
        format="json",
    )
    assert reply.status_code == 201
    assert reply.json()["parent"] == thread["comments"][0]["id"]
    resolved = as_user(chair).post(f"/api/v1/threads/{thread['id']}/resolve/", {}, format="json")
    assert resolved.json()["status"] == "resolved"
    assert Thread.objects.get(pk=thread["id"]).resolved_by == chair


def test_publishing_is_blocked_by_an_open_thread_unless_overridden(world, as_user, staff):
    api = as_user(staff)
    url = f"/api/v1/rounds/{world.open.year}/publish/"
    blocked = api.post(url, {"reason": "done"}, format="json")
    assert blocked.status_code == 409
    assert blocked.json()["code"] == "publish_blocked"
    assert blocked.json()["errors"]["publish"]
    published = api.post(url, {"reason": "done", "override_open_threads": True}, format="json")
    assert published.status_code == 200, published.json()
    assert published.json()["round"]["status"] == "published"
    # Now everyone reads it.
    assert as_user(None).get(f"/api/v1/rounds/{world.open.year}/scores/").status_code == 200


def test_a_citation_is_added_changed_and_removed_with_reasons(world, as_user, chair):
    from assessments.models import Citation

    assessment = ProcessAssessment.objects.filter(round=world.open).order_by("pk").first()
    api = as_user(chair)
    added = api.post(
        "/api/v1/citations/?lang=en",
        {
            "assessment": assessment.pk,
            "act": "constitution",
            "article": "52",
            "dimension": "enforcement",
            "note": "Recall of deputies",
            "reason": "new evidence",
        },
        format="json",
    )
    assert added.status_code == 201, added.json()
    citation = Citation.objects.get(pk=added.json()["id"])
    assert (citation.note_en, citation.dimension.code) == ("Recall of deputies", "enforcement")
    unknown = api.patch(
        f"/api/v1/citations/{citation.pk}/",
        {"edition": "1993", "reason": "x"},
        format="json",
        HTTP_IF_MATCH=added["ETag"],
    )
    assert unknown.status_code == 400
    assert "edition" in unknown.json()["errors"]
    changed = api.patch(
        f"/api/v1/citations/{citation.pk}/",
        {"needs_reverification": False, "article": "53", "reason": "checked"},
        format="json",
        HTTP_IF_MATCH=added["ETag"],
    )
    assert changed.status_code == 200, changed.json()
    assert changed["ETag"].startswith('"2-en-')
    gone = f"/api/v1/citations/{citation.pk}/?reason=gone"
    stale = api.delete(gone, HTTP_IF_MATCH=added["ETag"])
    assert stale.status_code == 412
    assert stale.json()["current"]["article"] == "53"
    removed = api.delete(gone, HTTP_IF_MATCH=changed["ETag"])
    assert removed.status_code == 204
    assert not Citation.objects.filter(pk=citation.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_creates_of_one_rating_get_one_201_and_nineteen_412s(world, expert):
    import threading

    from django.db import connection
    from rest_framework.test import APIClient

    if connection.vendor != "postgresql":
        pytest.skip("SQLite's shared in-memory test database holds one writer at a time")
    assessment = ProcessAssessment.objects.filter(round=world.open).order_by("pk").first()
    body = {"assessment": assessment.pk, "dimension": "demand", "value": 1, "reason": "mine"}
    barrier = threading.Barrier(20)
    answers: list = [None] * 20

    def create(i: int) -> None:
        api = APIClient()
        api.force_authenticate(expert)
        try:
            barrier.wait(timeout=10)
            answers[i] = api.post("/api/v1/expert-ratings/", body, format="json")
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] + [412] * 19
    created = next(a for a in answers if a.status_code == 201).json()
    for lost in (a for a in answers if a.status_code == 412):
        assert lost.json()["current"]["id"] == created["id"]
    assert ExpertRating.objects.filter(assessment=assessment, dimension__code="demand").count() == 1
