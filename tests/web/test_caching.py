"""Published pages are cacheable: ETag, Last-Modified, public max-age, 304, no cookie."""

import gzip
import hashlib
from urllib.parse import urlencode

import pytest
from django.test import RequestFactory
from django.utils.http import quote_etag

from assessments.models import Pair, Round
from assessments.web.caching import _is_canonical, _keep_only

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

        # The page is kept as bytes, and its ETag is theirs: a 304 reads nothing.
        assert response["ETag"] == quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
        with django_assert_max_num_queries(0):
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


def test_a_query_parameter_the_page_does_not_read_changes_nothing(client, study_round):
    plain = client.get("/en/compare/?b=2016&a=2016")
    odd = client.get('/en/compare/?a=2016&b=2016&utm="><script>x</script>')
    assert odd.status_code == 200
    assert odd["ETag"] == plain["ETag"]
    assert odd.content == plain.content
    assert b"utm" not in odd.content


@pytest.mark.parametrize(
    "query, canonical",
    [
        ("a=2016&b=2016", True),  # as links and the form write it: used as it is
        ("a=2016-v2&b=2016", True),
        ("b=2016", True),
        ("", True),
        ("b=2016&a=2016", False),
        ("a=2015&a=2016&b=2016", False),
        ("a=2016&b=2016&utm=x", False),
        ("a=&b=2016", False),
        ("a=%32016&b=2016", False),
        ("a=2016+&b=2016", False),
        ("a&b=2016", False),
    ],
)
def test_a_canonical_query_is_used_as_it_is_and_any_other_rebuilt_alike(query, canonical):
    request = RequestFactory().get("/en/compare/", QUERY_STRING=query)
    rebuilt = urlencode([(n, request.GET[n]) for n in ("a", "b") if request.GET.get(n)])
    assert _is_canonical(query, ("a", "b")) is canonical
    assert _keep_only(request, ("a", "b")) == rebuilt
    assert request.META["QUERY_STRING"] == rebuilt


def test_a_renamed_pair_waits_for_errata_on_the_published_round(client, study_round):
    url = "/en/rounds/2016/pairs/citizens-parties/"
    before = client.get(url)
    pair = Pair.objects.get(code="citizens-parties")
    pair.name_en = "Citizens and the parties they vote for"
    pair.save()
    response = client.get(url)
    # The page is built again (a name changed), to the same bytes: names as published.
    assert response.context is not None
    assert response.content == before.content
    assert response["ETag"] == before["ETag"]


def test_errata_published_replace_the_cached_round_page(client, study_round):
    before = client.get("/en/rounds/2016/")
    assert before.context is not None  # built
    assert client.get("/en/rounds/2016/").context is None  # kept bytes, nothing rendered
    errata = copy_round(study_round, year=2016, version=2, status=Round.Status.PUBLISHED)
    Round.objects.filter(pk=study_round.pk).update(status=Round.Status.SUPERSEDED)
    after = client.get("/en/rounds/2016/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after.context["round"].pk == errata.pk
    assert after["ETag"] != before["ETag"]


def test_a_browser_that_accepts_gzip_gets_the_same_page_compressed_once(
    client, study_round, django_assert_max_num_queries
):
    for url in ("/en/rounds/2016/", "/en/rounds/2016/pairs/citizens-parties/", "/en/compare/"):
        plain = client.get(url)
        packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert packed["Content-Encoding"] == "gzip", url
        assert gzip.decompress(packed.content) == plain.content, url
        assert len(packed.content) < len(plain.content), url
        # Caches keep the two apart; each has its own ETag and its own 304.
        assert "Accept-Encoding" in plain["Vary"] and "Accept-Encoding" in packed["Vary"]
        assert "Content-Encoding" not in plain
        assert packed["ETag"] != plain["ETag"]
        with django_assert_max_num_queries(0):
            again = client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=packed["ETag"])
        assert again.status_code == 304, url
        assert again["ETag"] == packed["ETag"]


def test_images_and_archives_are_not_compressed_again(client, study_round):
    for url in ("/en/rounds/2016/package.zip", "/en/rounds/2016/card.png"):
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200, url
        assert "Content-Encoding" not in response, url
