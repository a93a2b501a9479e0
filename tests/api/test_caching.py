"""A published round's answers carry ETag, Last-Modified and cache headers; a fresh copy is 304."""

from __future__ import annotations

import gzip

import pytest
from django.http import QueryDict
from django.utils.http import http_date

from assessments import services
from assessments.api import caching
from assessments.models import Pair

pytestmark = pytest.mark.django_db


def _scores(world) -> str:
    return f"/api/v1/rounds/{world.published.year}/scores/"


def test_published_scores_are_publicly_cacheable_with_validators(world, client):
    response = client.get(_scores(world))
    assert response.status_code == 200
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"] == http_date(world.published.published_at.timestamp())
    assert "public" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]
    assert "Accept-Language" in response["Vary"]
    assert response["Content-Language"] == "en"


def test_a_client_with_the_current_copy_gets_304(world, client):
    first = client.get(_scores(world))
    again = client.get(_scores(world), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    since = client.get(_scores(world), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    other = client.get(_scores(world), HTTP_IF_NONE_MATCH='"something-else"')
    assert other.status_code == 200


def test_each_language_and_format_is_its_own_representation(world, client):
    etags = {
        client.get(_scores(world), {"lang": "ky"})["ETag"],
        client.get(_scores(world), {"lang": "en"})["ETag"],
        client.get(_scores(world), {"format": "csv", "lang": "en"})["ETag"],
    }
    assert len(etags) == 3


def test_comparison_and_series_of_published_rounds_are_cacheable(world, client):
    for url in (f"/api/v1/compare/?a=2030&b={world.published.year}", "/api/v1/series/"):
        first = client.get(url)
        assert "public" in first["Cache-Control"]
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_an_unpublished_rounds_scores_are_private_and_not_kept(world, as_user, chair):
    api = as_user(chair)
    url = f"/api/v1/rounds/{world.open.year}/scores/"
    first = api.get(url)
    assert first.status_code == 200
    assert "private" in first["Cache-Control"] and "no-cache" in first["Cache-Control"]
    assert "Last-Modified" not in first
    assert api.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_a_change_to_the_open_round_shows_at_once(world, as_user, chair):
    from assessments.models import ProcessAssessment

    api = as_user(chair)
    url = f"/api/v1/rounds/{world.open.year}/scores/"
    before = api.get(url).json()["overall_index"]
    assessment = ProcessAssessment.objects.filter(round=world.open).order_by("pk").first()
    services.set_consensus(
        actor=chair,
        assessment=assessment,
        dimension="enforcement",
        value=1 - assessment.ratings.get(dimension__code="enforcement").value,
        reason="test",
        expected_revision=1,
    )
    assert api.get(url).json()["overall_index"] != before


def test_publishing_a_round_makes_it_appear_at_once(world, as_user, staff, client):
    assert client.get("/api/v1/series/").json()["rounds"][-1]["round"]["year"] == 2030
    services.publish_round(
        actor=staff, round_=world.open, reason="done", override_open_threads=True
    )
    rounds = client.get("/api/v1/series/").json()["rounds"]
    assert [r["round"]["year"] for r in rounds] == [2030, 2040]
    assert client.get(f"/api/v1/rounds/{world.open.year}/scores/").status_code == 200


def test_a_corrected_name_replaces_the_cached_answer(world, client):
    first = client.get(_scores(world), {"lang": "en"})
    pair = Pair.objects.get(code="citizens-parliament")
    pair.name_en = "Citizens and their parliament"
    pair.save()
    second = client.get(_scores(world), {"lang": "en"})
    assert second["ETag"] != first["ETag"]
    names = {p["pair"]: p["name"] for p in second.json()["pairs"]}
    assert names["citizens-parliament"] == "Citizens and their parliament"


def test_other_reads_get_an_etag_and_304_too(world, client):
    first = client.get("/api/v1/ratings/", {"year": world.published.year})
    assert first["ETag"]
    assert "no-cache" in first["Cache-Control"]
    again = client.get(
        "/api/v1/ratings/", {"year": world.published.year}, HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert again.status_code == 304


def test_the_cached_answer_is_throttled_like_any_other(world, client, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": None})
    for _ in range(3):  # the first computes and caches, the next come from the cache
        assert client.get(_scores(world)).status_code == 200
    refused = client.get(_scores(world))
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"


def test_a_bad_token_is_refused_even_for_a_cached_answer(world, client):
    assert client.get(_scores(world)).status_code == 200
    assert client.get(_scores(world), HTTP_AUTHORIZATION="Token nonsense").status_code == 401


def test_the_cached_answer_names_its_language_and_csv_file(world, client):
    client.get(_scores(world), {"format": "csv", "lang": "ru"})
    cached = client.get(_scores(world), {"format": "csv", "lang": "ru"})
    assert cached["Content-Language"] == "ru"
    assert cached["Content-Disposition"] == 'attachment; filename="scores-2030-v1-ru.csv"'
    assert cached["Content-Type"] == "text/csv; charset=utf-8"
    assert "Accept-Language" in cached["Vary"]


def test_a_cached_answer_is_sent_compressed_to_a_client_that_accepts_gzip(
    client, study_round, django_assert_max_num_queries
):
    url = "/api/v1/rounds/2016/scores/?lang=en"
    plain = client.get(url)
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert "Accept-Encoding" in packed["Vary"] and "Content-Encoding" not in plain
    with django_assert_max_num_queries(0):
        again = client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=packed["ETag"])
    assert again.status_code == 304


@pytest.mark.parametrize(
    "accept, compressed",
    [
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.5", True),
        ("*", True),
        ("gzip;q=0", False),  # a weight of zero refuses it
        ("*, gzip;q=0", False),
        ("deflate, identity", False),
    ],
)
def test_gzip_is_sent_only_where_accept_encoding_takes_it(client, study_round, accept, compressed):
    response = client.get("/api/v1/rounds/2016/scores/?lang=en", HTTP_ACCEPT_ENCODING=accept)
    assert (response.get("Content-Encoding") == "gzip") is compressed


@pytest.mark.parametrize("who", ["anonymous", "signed in"])
def test_a_public_answer_does_not_vary_on_the_cookie(world, client, chair, who):
    # Through DRF (an Accept it negotiates), where authentication reads the session.
    if who == "signed in":
        client.force_login(chair)
    response = client.get(_scores(world), HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert "Cookie" not in response["Vary"]


@pytest.mark.parametrize(
    "query, plain",
    [
        ("", True),
        ("a=2016&b=2025-v2&lang=en", True),
        ("format=csv&lang=ky", True),
        ("lang=en&lang=ru", False),  # QueryDict keeps both; the last one wins
        ("pair=", False),  # an empty value is the API's 400, from the ordinary path
        ("lang", False),
        ("a=2016&&b=2025", False),
        ("pair=a+b", False),
        ("pair=%D0%B0", False),
        ("l%61ng=en", False),
    ],
)
def test_a_plain_query_is_read_as_querydict_reads_it_and_any_other_is_left_to_it(query, plain):
    read = caching.plain_query(query)
    assert (read is not None) is plain
    if read is not None:
        assert read == QueryDict(query).dict() == read.dict()
