"""Every endpoint reads with a fixed number of queries, however many processes or rounds.

Each case runs on a small world and on a larger one (three times the processes,
three published rounds instead of one) and must take the same, pinned, number of
queries on both. A published round's figures take none once cached.
"""

from __future__ import annotations

import gzip

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from assessments import names
from assessments.api import caching
from assessments.models import Citation, Comment, ExpertRating, ProcessAssessment, Rating

from .conftest import assert_kept_answer

pytestmark = pytest.mark.django_db

SIZES = {
    "small": dict(processes=3, published_rounds=1),
    "large": dict(processes=9, published_rounds=3),
}


def _fresh_client(user) -> APIClient:
    # A fresh user instance per request: its groups are read again, as in production.
    api = APIClient()
    if user is not None:
        api.force_authenticate(get_user_model().objects.get(pk=user.pk))
    return api


def _urls(world) -> dict[str, str]:
    open_assessment = ProcessAssessment.objects.filter(round=world.open).first()
    published_assessment = ProcessAssessment.objects.filter(round=world.published).first()
    year = world.published.year
    rating = Rating.objects.filter(assessment=published_assessment).first()
    citation = Citation.objects.get(assessment=published_assessment)
    return {
        "methodologies": "/api/v1/methodologies/",
        "methodology": f"/api/v1/methodologies/{world.methodology.label}/",
        "subjects": "/api/v1/subjects/",
        "subject": "/api/v1/subjects/citizens/",
        "pairs": "/api/v1/pairs/",
        "pair": "/api/v1/pairs/citizens-parliament/",
        "processes": "/api/v1/processes/",
        "process": f"/api/v1/processes/{open_assessment.process.code}/",
        "legal-acts": "/api/v1/legal-acts/",
        "legal-act": "/api/v1/legal-acts/constitution/",
        "rounds": "/api/v1/rounds/",
        "round": f"/api/v1/rounds/{year}/",
        "assessments": "/api/v1/assessments/",
        "assessments of a round": f"/api/v1/assessments/?round={year}",
        "assessment": f"/api/v1/assessments/{published_assessment.pk}/",
        "ratings": "/api/v1/ratings/",
        "ratings filtered": (
            f"/api/v1/ratings/?year={year}&pair=citizens-parliament&dimension=rules"
        ),
        "rating": f"/api/v1/ratings/{rating.pk}/",
        "expert-ratings": "/api/v1/expert-ratings/",
        "expert-rating": f"/api/v1/expert-ratings/{ExpertRating.objects.first().pk}/",
        "citations": "/api/v1/citations/",
        "citation": f"/api/v1/citations/{citation.pk}/",
        "threads": "/api/v1/threads/",
        "thread": f"/api/v1/threads/{world.thread.pk}/",
        "comments": "/api/v1/comments/",
        "comment": f"/api/v1/comments/{Comment.objects.first().pk}/",
        "scores (cold)": f"/api/v1/rounds/{year}/scores/",
        "scores of an open round": f"/api/v1/rounds/{world.open.year}/scores/",
        "comparison of published rounds (cold)": f"/api/v1/compare/?a=2030&b={year}",
        "comparison with an open round": f"/api/v1/compare/?a={year}&b={world.open.year}",
        "series (cold)": "/api/v1/series/",
    }


# Pinned counts: (anonymous, chair). None: the anonymous client gets a 404 (not visible).
# The chair's extra query reads her groups (is she staff?), and one more for the pairs of
# rounds her seats cover (with her peer reviews and reply windows: permissions.py), which
# the rows are then filtered on as plain values; a list of rounds' rows asks once more
# whether what she sees of them can still change (listcache.py: if not, it is kept, see
# below), and reads the index of published rounds. A list of what the anonymous may not
# see at all costs nothing (an empty queryset). An anonymous list of rows that are
# public once published reads the index of published rounds first (one query), then is
# kept as bytes: the next anonymous request reads nothing (test below).
# Lists of rounds' rows read the page's ids, then those rows (pagination.py): one more
# query than a plain page, and a sort over narrow rows instead of wide ones.
EXPECTED = {
    "methodologies": (4, 4),
    "methodology": (3, 3),
    "subjects": (3, 3),
    "subject": (2, 2),
    "pairs": (2, 2),
    "pair": (1, 1),
    "processes": (2, 2),
    "process": (1, 1),
    "legal-acts": (3, 3),
    "legal-act": (2, 2),
    "rounds": (2, 3),
    "round": (1, 2),
    "assessments": (6, 9),
    "assessments of a round": (8, 11),  # and the names it was published with
    "assessment": (3, 5),
    "ratings": (4, 7),
    "ratings filtered": (4, 7),
    "rating": (1, 3),
    "expert-ratings": (1, 7),
    "expert-rating": (None, 3),
    "citations": (4, 7),
    "citation": (1, 3),
    "threads": (0, 5),
    "thread": (None, 4),
    "comments": (0, 4),
    "comment": (None, 3),
    # The reviewer's findings read five more tables: claims, links, flags, citations, scale;
    # the intervals and the experts' agreement one: the experts' own ratings; a published
    # round's one more: the rated bodies' reply windows; and the names it was published with.
    "scores (cold)": (19, 19),
    "scores of an open round": (None, 20),
    "comparison of published rounds (cold)": (22, 22),
    "comparison with an open round": (None, 25),
    "series (cold)": (7, 7),
}


def _count(api: APIClient, url: str) -> tuple[int, int]:
    cache.clear()  # cold: as the first request after a publication
    caching.clear_local()
    names.clear_cache()
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url)
    return response.status_code, len(queries)


@pytest.mark.parametrize("size", SIZES)
def test_each_endpoint_takes_a_fixed_number_of_queries(size, make_world, chair):
    world = make_world(**SIZES[size])
    counts, statuses = {}, {}
    for endpoint, url in _urls(world).items():
        anonymous = _count(_fresh_client(None), url)
        as_chair = _count(_fresh_client(chair), url)
        statuses[endpoint] = (anonymous[0], as_chair[0])
        counts[endpoint] = (anonymous[1] if anonymous[0] == 200 else None, as_chair[1])
    assert statuses == {
        e: (200 if anon is not None else 404, 200) for e, (anon, _chair) in EXPECTED.items()
    }
    assert counts == EXPECTED


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("endpoint", ["scores", "csv", "comparison", "series"])
def test_a_published_rounds_figures_take_no_query_once_cached(
    endpoint, size, make_world, django_assert_num_queries
):
    world = make_world(**SIZES[size])
    year = world.published.year
    url = {
        "scores": f"/api/v1/rounds/{year}/scores/",
        "csv": f"/api/v1/rounds/{year}/scores/?format=csv",
        "comparison": f"/api/v1/compare/?a=2030&b={year}",
        "series": "/api/v1/series/",
    }[endpoint]
    api = APIClient()
    assert api.get(url).status_code == 200
    with django_assert_num_queries(0):
        response = api.get(url)
    assert response.status_code == 200
    with django_assert_num_queries(0):
        assert api.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    "endpoint", ["ratings", "ratings of a pair", "assessments", "citations", "expert-ratings"]
)
def test_an_anonymous_list_takes_no_query_once_cached(
    endpoint, size, make_world, chair, django_assert_num_queries
):
    world = make_world(**SIZES[size])
    year = world.published.year
    url = {
        "ratings": f"/api/v1/ratings/?year={year}&lang=en",
        "ratings of a pair": f"/api/v1/ratings/?year={year}&pair=citizens-parliament&page=1",
        "assessments": f"/api/v1/assessments/?round={year}",
        "citations": "/api/v1/citations/",
        "expert-ratings": "/api/v1/expert-ratings/",
    }[endpoint]
    api = APIClient()
    first = api.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = api.get(url)
    assert_kept_answer(again, first)
    with django_assert_num_queries(0):
        assert api.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    if endpoint == "ratings":  # kept compressed too (a list under a kilobyte is not)
        packed = api.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert packed["Content-Encoding"] == "gzip"
        assert gzip.decompress(packed.content) == first.content
        assert packed["ETag"] != first["ETag"] and "Accept-Encoding" in packed["Vary"]
    # Someone signed in is answered for who she is, never from the anonymous copy.
    as_chair = _fresh_client(chair).get(url)
    assert as_chair.status_code == 200
    if endpoint == "expert-ratings":
        assert as_chair.json()["count"] > first.json()["count"]


def test_an_anonymous_list_with_an_unknown_parameter_is_built_and_not_kept(make_world):
    world = make_world(**SIZES["small"])
    url = f"/api/v1/ratings/?year={world.published.year}&utm_source=x"
    api = APIClient()
    first = api.get(url)
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        again = api.get(url)
    assert again.content == first.content
    assert len(queries) > 0
