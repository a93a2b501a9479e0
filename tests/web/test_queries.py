"""Each public page reads the database a fixed number of times, whatever the size of the round.

With 2016 and a 2025 round loaded. A new N+1 shows here as a failure. Two counts per page:
`cold`, the first request after a round is published (the site then computes and caches
each published round's pair indices for the series over the years, a few queries per
round); `warm`, every request after that.
"""

import pytest
from django.core.cache import cache

from assessments.models import Round

from .rounds import copy_round

pytestmark = pytest.mark.django_db

QUERIES = {
    # url: (cold, warm)
    "/en/": (22, 15),
    "/en/rounds/": (1, 1),
    "/en/rounds/2016/": (13, 13),
    "/en/rounds/2016-v1/": (13, 13),
    "/en/rounds/2016/pairs/citizens-parties/": (31, 24),  # and its reply window
    "/en/compare/": (27, 20),
    "/en/compare/?a=2016&b=2025": (27, 20),
    "/en/methodology/": (4, 4),
    "/en/downloads/": (1, 1),
    "/en/feed/": (1, 1),
    "/en/sitemap.xml": (3, 3),
    # round.json carries the reviewer's findings: claims, links, flags, citations, scale.
    # The experts' own ratings, for the intervals and the agreement: one query more.
    "/en/rounds/2016/package.zip": (35, 35),  # and the reply windows
    "/en/rounds/2016/scores.csv": (15, 15),
    # Charts as files and cards: once drawn, their bytes are kept by their ETag, so a warm
    # request reads only the rounds it names. Embed pages are pages.
    "/en/rounds/2016/charts/pairs.svg": (12, 1),
    "/en/rounds/2016/charts/dimensions.png": (12, 1),
    "/en/rounds/2016/card.png": (12, 1),
    "/en/rounds/2016/pairs/citizens-parties/chart.svg": (21, 2),
    "/en/rounds/2016/pairs/citizens-parties/card.png": (21, 2),
    "/en/charts/by-year.svg": (22, 1),
    "/en/embed/rounds/2016/pairs/": (12, 12),
    "/en/embed/rounds/2016/pairs/citizens-parties/": (21, 14),
    "/en/embed/by-year/": (22, 15),
}


def test_each_page_reads_a_fixed_number_of_times(
    client, later_round, django_assert_num_queries, subtests
):
    # One data set for every page (loading the study is the slow part); a subtest per page.
    for url, (cold, warm) in QUERIES.items():
        with subtests.test(url=url):
            cache.clear()
            with django_assert_num_queries(cold):
                assert client.get(url).status_code == 200
            with django_assert_num_queries(warm):
                assert client.get(url).status_code == 200


def test_the_count_does_not_grow_with_the_number_of_published_rounds(
    client, study_round, later_round, django_assert_num_queries
):
    pages = ["/en/", "/en/rounds/2016/pairs/citizens-parties/", "/en/compare/"]
    for url in pages:
        client.get(url)
    copy_round(study_round, year=2026, status=Round.Status.PUBLISHED)
    copy_round(study_round, year=2027, status=Round.Status.PUBLISHED)
    for url in pages:
        client.get(url)  # computes the two new rounds' indices once
        with django_assert_num_queries(QUERIES[url][1]):
            assert client.get(url).status_code == 200
