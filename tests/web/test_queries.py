"""Each public page reads the database a fixed number of times, whatever the size of the data.

Two counts per page. `cold`: the first request after a round is published or a shared name
changes (the page is built and its bytes kept); it must not depend on how many rounds,
processes or experts there are, which the second test checks on two sizes of data. Then
every request is answered from the kept bytes, without a query.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.api import caching
from assessments.models import Round

from ..factories import UserFactory
from .rounds import copy_round

pytestmark = pytest.mark.django_db

# url: queries of the first (cold) request; every later one reads nothing.
COLD = {
    "/en/": 21,
    "/en/rounds/": 2,
    "/en/rounds/2016/": 14,
    "/en/rounds/2016-v1/": 14,
    "/en/rounds/2016/pairs/citizens-parties/": 29,  # and its reply window
    "/en/compare/": 26,
    "/en/compare/?a=2016&b=2025": 26,
    "/en/methodology/": 5,
    "/en/downloads/": 2,
    # round.json carries the reviewer's findings: claims, links, flags, citations, scale.
    "/en/rounds/2016/package.zip": 36,  # and the reply windows
    "/en/rounds/2016/scores.csv": 16,
    "/en/rounds/2016/charts/pairs.svg": 13,
    "/en/rounds/2016/charts/dimensions.png": 13,
    "/en/rounds/2016/card.png": 13,
    "/en/rounds/2016/pairs/citizens-parties/chart.svg": 20,
    "/en/rounds/2016/pairs/citizens-parties/card.png": 20,
    "/en/charts/by-year.svg": 21,
    "/en/embed/rounds/2016/pairs/": 13,
    "/en/embed/rounds/2016/pairs/citizens-parties/": 20,
    "/en/embed/by-year/": 21,
}
# Not kept as bytes (small, and built by Django's own views): the same count every time.
ALWAYS = {"/en/feed/": 1, "/en/sitemap.xml": 3}


def _forget() -> None:
    cache.clear()
    caching.clear_local()


def test_each_page_reads_a_fixed_number_of_times(
    client, later_round, django_assert_num_queries, subtests
):
    # One data set for every page (loading the study is the slow part); a subtest per page.
    for url, cold in COLD.items():
        with subtests.test(url=url):
            _forget()
            with django_assert_num_queries(cold):
                assert client.get(url).status_code == 200
            with django_assert_num_queries(0):
                assert client.get(url).status_code == 200
            # A browser's request (compressed bytes, kept beside the plain ones) reads nothing.
            with django_assert_num_queries(0):
                assert client.get(url, HTTP_ACCEPT_ENCODING="gzip").status_code == 200
    for url, count in ALWAYS.items():
        with subtests.test(url=url):
            for _ in range(2):
                with django_assert_num_queries(count):
                    assert client.get(url).status_code == 200


def _cold_counts(client, year: str = "2016") -> dict[str, int]:
    counts = {}
    for url in COLD:
        _forget()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url.replace("/2016", f"/{year}")).status_code == 200, url
        counts[url] = len(queries)
    return counts


def _always_counts(client) -> dict[str, int]:
    counts = {}
    for url in ALWAYS:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        counts[url] = len(queries)
    return counts


def test_the_count_does_not_grow_with_rounds_processes_or_experts(client, study_round, later_round):
    small = _cold_counts(client)
    small_always = _always_counts(client)
    # 2025 names the round before it, as 2027 will (one query).
    small_later = _cold_counts(client, year="2025")
    # Two more published rounds, each with three more processes in every pair and three
    # experts' own ratings of everything.
    experts = UserFactory.create_batch(3)
    for year in (2026, 2027):
        copy_round(
            study_round,
            year=year,
            status=Round.Status.PUBLISHED,
            extra_processes=3,
            experts=experts,
        )
    assert _cold_counts(client) == small
    # The feed and the sitemap list every round and pair, still in the same few queries.
    assert _always_counts(client) == small_always
    # The pages of a round with more processes and experts read as much as 2025's.
    assert _cold_counts(client, year="2027") == small_later
