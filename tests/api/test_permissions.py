"""Role × endpoint: who sees what, and who may change what.

Roles: anonymous, an API reader (a token, no panel), an outsider (an expert on no
panel of the open round), the expert and the chair of the open round's panel, and
institute staff. What a role may not see is a 404 (or, where it is named in a body,
"does not exist"): never a 403 that would confirm it exists.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from assessments.models import (
    Citation,
    Comment,
    ExpertRating,
    ProcessAssessment,
    Rating,
    Round,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "reader", "outsider", "expert", "chair", "staff"]


@pytest.fixture
def users(reader, outsider, expert, chair, staff):
    return {
        "anonymous": None,
        "reader": reader,
        "outsider": outsider,
        "expert": expert,
        "chair": chair,
        "staff": staff,
    }


def _open(world):
    assessment = ProcessAssessment.objects.filter(round=world.open).order_by("pk").first()
    return {
        "round": f"/api/v1/rounds/{world.open.year}/",
        "scores": f"/api/v1/rounds/{world.open.year}/scores/",
        "comparison": f"/api/v1/compare/?a={world.published.year}&b={world.open.year}",
        "assessment": f"/api/v1/assessments/{assessment.pk}/",
        "rating": f"/api/v1/ratings/{Rating.objects.filter(assessment=assessment).first().pk}/",
        "citation": f"/api/v1/citations/{Citation.objects.get(assessment=assessment).pk}/",
        "expert rating": f"/api/v1/expert-ratings/{ExpertRating.objects.first().pk}/",
        "thread": f"/api/v1/threads/{world.thread.pk}/",
        "comment": f"/api/v1/comments/{Comment.objects.first().pk}/",
    }


# What each role gets for the open round's objects (200 or 404).
OPEN_ROUND_READS = {
    #                 anonymous reader outsider expert chair staff
    "round": (404, 404, 404, 200, 200, 200),
    "scores": (404, 404, 404, 200, 200, 200),
    "comparison": (404, 404, 404, 200, 200, 200),
    "assessment": (404, 404, 404, 200, 200, 200),
    "rating": (404, 404, 404, 200, 200, 200),
    "citation": (404, 404, 404, 200, 200, 200),
    "expert rating": (404, 404, 404, 200, 200, 200),
    "thread": (404, 404, 404, 200, 200, 200),
    "comment": (404, 404, 404, 200, 200, 200),
}


def test_the_open_round_is_visible_to_its_panel_and_staff_only(world, users, as_user):
    urls = _open(world)
    seen = {
        name: tuple(as_user(users[role]).get(url).status_code for role in ROLES)
        for name, url in urls.items()
    }
    assert seen == OPEN_ROUND_READS


@pytest.mark.parametrize("role", ROLES)
def test_everyone_reads_the_published_round(world, users, as_user, role):
    api = as_user(users[role])
    year = world.published.year
    assessment = ProcessAssessment.objects.filter(round=world.published).first()
    for url in (
        f"/api/v1/rounds/{year}/",
        f"/api/v1/rounds/{year}/scores/",
        f"/api/v1/rounds/{year}/scores/?format=csv",
        f"/api/v1/compare/?a={year}&b={year}",
        "/api/v1/series/",
        f"/api/v1/assessments/{assessment.pk}/",
        f"/api/v1/ratings/?year={year}",
        f"/api/v1/citations/?year={year}",
    ):
        assert api.get(url).status_code == 200, url


# How many rows of each list a role sees: (published round, open round).
LIST_COUNTS = {
    #                    anonymous reader  outsider expert   chair    staff
    "assessments": ((3, 0), (3, 0), (3, 0), (3, 3), (3, 3), (3, 3)),
    "ratings": ((12, 0), (12, 0), (12, 0), (12, 12), (12, 12), (12, 12)),
    "citations": ((3, 0), (3, 0), (3, 0), (3, 3), (3, 3), (3, 3)),
    "expert-ratings": ((0, 0), (0, 0), (0, 0), (0, 1), (0, 1), (0, 1)),
    "threads": ((0, 0), (0, 0), (0, 0), (0, 1), (0, 1), (0, 1)),
    "comments": ((0, 0), (0, 0), (0, 0), (0, 2), (0, 2), (0, 2)),
}


def test_lists_hold_only_what_each_role_may_see(world, users, as_user):
    seen = {}
    for name in LIST_COUNTS:
        row = []
        for role in ROLES:
            api = as_user(users[role])
            counts = tuple(
                api.get(f"/api/v1/{name}/", {"year": r.year}).json()["count"]
                for r in (world.published, world.open)
            )
            row.append(counts)
        seen[name] = tuple(row)
    assert seen == LIST_COUNTS


def test_a_panel_limited_to_one_pair_sees_only_that_pairs_assessments(
    world, panel_for, other_expert, as_user
):
    panel_for(world.open, experts=[other_expert], pairs=[world.pairs[0]])
    data = as_user(other_expert).get("/api/v1/assessments/", {"year": world.open.year}).json()
    assert {a["pair"] for a in data["results"]} == {world.pairs[0].code}


def test_rounds_list_names_only_visible_rounds(world, users, as_user):
    def years(role):
        results = as_user(users[role]).get("/api/v1/rounds/").json()["results"]
        return sorted(r["round"]["year"] for r in results)

    assert years("anonymous") == [2030]
    assert years("outsider") == [2030]
    assert years("expert") == [2030, 2040]
    assert years("staff") == [2030, 2040]


# --- writes ----------------------------------------------------------------------------------


def _writes(world):
    assessment = ProcessAssessment.objects.filter(round=world.open).order_by("pk").last()
    rated = ProcessAssessment.objects.filter(round=world.open).order_by("pk").first()
    citation = Citation.objects.get(assessment=rated)
    # A consensus still to set, so that a chair's POST creates it.
    Rating.objects.filter(assessment=assessment, dimension__code="rules").delete()
    return {
        "consensus rating": (
            "post",
            "/api/v1/ratings/",
            {
                "assessment": assessment.pk,
                "dimension": "rules",
                "value": 1,
                "reason": "panel agreed",
            },
            {},
        ),
        "expert rating": (
            "post",
            "/api/v1/expert-ratings/",
            {"assessment": assessment.pk, "dimension": "motivation", "value": 0, "reason": "mine"},
            {},
        ),
        "assessment text": (
            "patch",
            f"/api/v1/assessments/{rated.pk}/",
            {"justification": "Art. 2", "reason": "evidence"},
            {"HTTP_IF_MATCH": "*"},
        ),
        "cite an act": (
            "post",
            "/api/v1/citations/",
            {
                "assessment": assessment.pk,
                "act": "constitution",
                "article": "5",
                "reason": "art. 5",
            },
            {},
        ),
        "change a citation": (
            "patch",
            f"/api/v1/citations/{citation.pk}/",
            {"article": "6", "reason": "renumbered"},
            {"HTTP_IF_MATCH": "*"},
        ),
        "remove a citation": (
            "delete",
            f"/api/v1/citations/{citation.pk}/?reason=irrelevant",
            None,
            {"HTTP_IF_MATCH": "*"},
        ),
        "start a thread": (
            "post",
            "/api/v1/threads/",
            {"assessment": assessment.pk, "body": "Which edition?"},
            {},
        ),
        "reply": ("post", f"/api/v1/threads/{world.thread.pk}/comments/", {"body": "2010."}, {}),
        "resolve": ("post", f"/api/v1/threads/{world.thread.pk}/resolve/", {}, {}),
        "move the round": (
            "post",
            f"/api/v1/rounds/{world.open.year}/transition/",
            {"to": "review", "reason": "ratings done"},
            {},
        ),
    }


# 401: log in first; 403 for an API reader: her role writes nothing, whatever she names;
# 404: the object in the address, or the assessment named in the body, is not visible
# (the same answer as for one that does not exist); 403: visible, but the role may not.
WRITES = {
    #                   anonymous reader outsider expert chair staff
    "consensus rating": (401, 403, 404, 403, 201, 201),
    "expert rating": (401, 403, 404, 201, 201, 403),
    "assessment text": (401, 403, 404, 403, 200, 200),
    "cite an act": (401, 403, 404, 201, 201, 201),
    "change a citation": (401, 403, 404, 403, 200, 200),
    "remove a citation": (401, 403, 404, 403, 204, 204),
    "start a thread": (401, 403, 404, 201, 201, 201),
    "reply": (401, 403, 404, 201, 201, 201),
    "resolve": (401, 403, 404, 200, 200, 200),
    "move the round": (401, 403, 404, 403, 403, 200),
}


@pytest.mark.parametrize("action", WRITES)
def test_each_role_may_change_only_what_its_role_allows(make_world, users, as_user, action):
    statuses = []
    for role in ROLES:
        # A fresh world for each role: one role's change must not decide the next one's.
        with transaction.atomic():
            sid = transaction.savepoint()
            world = make_world()
            method, url, body, headers = _writes(world)[action]
            response = getattr(as_user(users[role]), method)(url, body, format="json", **headers)
            statuses.append(response.status_code)
            if response.status_code >= 400:
                assert response["Content-Type"] == "application/problem+json"
                assert set(response.json()) >= {"type", "title", "status", "code", "detail"}
            transaction.savepoint_rollback(sid)
    assert tuple(statuses) == WRITES[action]


def test_nobody_changes_a_published_round(world, staff, as_user):
    assessment = ProcessAssessment.objects.filter(round=world.published).first()
    rating = Rating.objects.filter(assessment=assessment).first()
    api = as_user(staff)
    response = api.put(
        f"/api/v1/ratings/{rating.pk}/",
        {"value": 1 - rating.value, "reason": "typo"},
        format="json",
        HTTP_IF_MATCH="*",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "round_frozen"
    response = api.post(
        f"/api/v1/rounds/{world.published.year}/publish/", {"reason": "again"}, format="json"
    )
    assert response.status_code == 409
    rating.refresh_from_db()
    assert rating.revision == 1
    assert Round.objects.get(pk=world.published.pk).status == Round.Status.PUBLISHED


def test_an_expert_changes_only_her_own_rating(world, chair, expert, as_user):
    rating = ExpertRating.objects.get(expert=expert)
    body = {"value": 0, "reason": "second thoughts"}
    headers = {"HTTP_IF_MATCH": "*"}
    url = f"/api/v1/expert-ratings/{rating.pk}/"
    assert as_user(chair).put(url, body, format="json", **headers).status_code == 403
    assert as_user(expert).put(url, body, format="json", **headers).status_code == 200
