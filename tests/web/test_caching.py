"""Published pages are cacheable: ETag, Last-Modified, public max-age, 304, no cookie."""

import pytest

from assessments.models import Round

from .rounds import copy_round

pytestmark = pytest.mark.django_db

PAGES = [
    "/en/",
    "/en/rounds/",
    "/en/rounds/2016/",
    "/en/rounds/2016/pairs/citizens-parties/",
    "/en/compare/",
    "/en/methodology/",
    "/en/downloads/",
    "/en/rounds/2016/package.zip",
    "/en/rounds/2016/scores.csv",
]


def test_published_pages_are_cacheable_and_answer_304_when_unchanged(
    client, study_round, django_assert_max_num_queries
):
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "public" in response["Cache-Control"], url
        assert "max-age=3600" in response["Cache-Control"], url
        assert response["ETag"].startswith('"'), url
        assert "Last-Modified" in response, url
        # Nothing per reader: no cookie set, no Vary on it.
        assert not response.cookies, url
        assert "Cookie" not in response.get("Vary", ""), url

        # A 304 is decided before the page is built: only the rounds it names are read.
        with django_assert_max_num_queries(2):
            again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304, url
        assert again["ETag"] == response["ETag"], url


def test_the_etag_depends_on_the_language(client, study_round):
    assert client.get("/en/rounds/2016/")["ETag"] != client.get("/ru/rounds/2016/")["ETag"]


def test_the_home_page_changes_its_etag_when_a_round_is_published(client, study_round):
    before = client.get("/en/")["ETag"]
    copy_round(study_round, year=2025, status=Round.Status.PUBLISHED)
    response = client.get("/en/", HTTP_IF_NONE_MATCH=before)
    assert response.status_code == 200
    assert response["ETag"] != before
    assert response.context["round"].year == 2025


def test_a_superseded_round_changes_its_etag(client, study_round):
    before = client.get("/en/rounds/2016-v1/")["ETag"]
    copy_round(study_round, year=2016, version=2, status=Round.Status.PUBLISHED)
    Round.objects.filter(pk=study_round.pk).update(status=Round.Status.SUPERSEDED)
    assert client.get("/en/rounds/2016-v1/")["ETag"] != before
