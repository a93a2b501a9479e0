"""Writes go through the services: a reason, the revision in If-Match, no lost update."""

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


def test_a_ratings_etag_is_its_revision(rating, as_user, chair):
    response = as_user(chair).get(_url(rating))
    assert response["ETag"] == '"1"'
    assert response.json()["revision"] == 1


def test_a_change_naming_the_current_revision_is_saved_with_its_reason(rating, as_user, chair):
    response = as_user(chair).put(
        _url(rating),
        {"value": 1 - rating.value, "justification": "Art. 2", "reason": "panel agreed"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 200, response.json()
    assert response["ETag"] == '"2"'
    assert response.json()["value"] == 1 - rating.value
    rating.refresh_from_db()
    assert rating.revision == 2
    assert rating.history.latest().history_change_reason == "panel agreed"
    assert rating.history.latest().history_user == chair


def test_a_change_without_if_match_is_refused_with_428(rating, as_user, chair):
    response = as_user(chair).patch(_url(rating), {"value": 0, "reason": "x"}, format="json")
    assert response.status_code == 428
    assert response.json()["code"] == "precondition_required"
    rating.refresh_from_db()
    assert rating.revision == 1


def test_a_stale_change_is_refused_with_412_and_the_current_row(rating, as_user, chair, staff):
    first = as_user(staff).patch(
        _url(rating),
        {"value": 1 - rating.value, "reason": "errata"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert first.status_code == 200
    late = as_user(chair).patch(
        _url(rating),
        {"value": rating.value, "reason": "I saw revision 1"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert late.status_code == 412
    body = late.json()
    assert body["code"] == "stale"
    assert body["current"]["revision"] == 2
    assert body["current"]["value"] == 1 - rating.value
    assert body["current"]["round"] == {"year": 2040, "version": 1, "status": "open"}
    assert body["changed_by"] == "staff"
    assert late["ETag"] == '"2"'
    rating.refresh_from_db()
    assert (rating.value, rating.revision) == (body["current"]["value"], 2)


def test_a_change_without_a_reason_is_refused(rating, as_user, chair):
    response = as_user(chair).patch(
        _url(rating), {"value": 0, "reason": "  "}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]


def test_an_if_match_that_is_no_revision_is_refused(rating, as_user, chair):
    response = as_user(chair).patch(
        _url(rating), {"value": 0, "reason": "x"}, format="json", HTTP_IF_MATCH="*"
    )
    assert response.status_code == 400
    assert "If-Match" in response.json()["errors"]


def test_a_value_outside_the_scale_is_refused_by_the_service(rating, as_user, chair):
    response = as_user(chair).patch(
        _url(rating), {"value": 7, "reason": "typo"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 400
    assert "value" in response.json()["errors"]


def test_posting_an_existing_consensus_without_if_match_is_428(rating, as_user, chair):
    response = as_user(chair).post(
        "/api/v1/ratings/",
        {"assessment": rating.assessment_id, "dimension": "rules", "value": 1, "reason": "x"},
        format="json",
    )
    assert response.status_code == 428


def test_a_justification_is_written_in_the_requests_language(rating, as_user, chair):
    response = as_user(chair).patch(
        f"{_url(rating)}?lang=ru",
        {"justification": "Ст. 2", "reason": "перевод"},
        format="json",
        HTTP_IF_MATCH='"1"',
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
    assert created["ETag"] == '"1"'
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
    assert changed["ETag"] == '"2"'
    stale = api.delete(f"/api/v1/citations/{citation.pk}/?reason=gone", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    assert stale.json()["current"]["article"] == "53"
    removed = api.delete(f"/api/v1/citations/{citation.pk}/?reason=gone", HTTP_IF_MATCH='"2"')
    assert removed.status_code == 204
    assert not Citation.objects.filter(pk=citation.pk).exists()
