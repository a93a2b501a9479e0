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

from assessments import names
from assessments.api import caching
from assessments.models import Round

from ..factories import UserFactory
from .rounds import copy_round

pytestmark = pytest.mark.django_db

# url: queries of the first (cold) request; every later one reads nothing. A page that prints
# names reads the names its round was published with (one query, names.py).
COLD = {
    "/en/": 22,
    "/en/rounds/": 2,
    "/en/rounds/2016/": 15,
    "/en/rounds/2016-v1/": 15,
    "/en/rounds/2016/pairs/citizens-parties/": 30,  # and its reply window
    "/en/compare/": 27,
    "/en/compare/?a=2016&b=2025": 27,
    "/en/methodology/": 5,
    "/en/downloads/": 2,
    # round.json carries the reviewer's findings: claims, links, flags, citations, scale.
    "/en/rounds/2016/package.zip": 37,  # and the reply windows
    "/en/rounds/2016/scores.csv": 17,
    "/en/rounds/2016/charts/pairs.svg": 14,
    "/en/rounds/2016/charts/dimensions.png": 14,
    "/en/rounds/2016/card.png": 14,
    "/en/rounds/2016/pairs/citizens-parties/chart.svg": 21,
    "/en/rounds/2016/pairs/citizens-parties/card.png": 21,
    "/en/charts/by-year.svg": 22,
    "/en/embed/rounds/2016/pairs/": 14,
    "/en/embed/rounds/2016/pairs/citizens-parties/": 21,
    "/en/embed/by-year/": 22,
    "/en/feed/": 2,  # and the index of published rounds, as every kept page
    "/en/sitemap.xml": 4,
}


def _forget() -> None:
    cache.clear()
    caching.clear_local()
    names.clear_cache()


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


def _cold_counts(client, year: str = "2016") -> dict[str, int]:
    counts = {}
    for url in COLD:
        _forget()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url.replace("/2016", f"/{year}")).status_code == 200, url
        counts[url] = len(queries)
    return counts


def test_the_count_does_not_grow_with_rounds_processes_or_experts(client, study_round, later_round):
    small = _cold_counts(client)
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
    # The pages of a round with more processes and experts read as much as 2025's.
    assert _cold_counts(client, year="2027") == small_later
