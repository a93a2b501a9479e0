"""Comparison and series over the API: the same figures as comparison.py computes."""

from __future__ import annotations

import pytest

from assessments import scoring, services
from assessments.api.selectors import pair_index_series_of
from assessments.comparison import compare_rounds, pair_index_series
from assessments.models import Round

pytestmark = pytest.mark.django_db


def _pct(value):
    percent = scoring.percent(value, 2)
    return None if percent is None else float(percent)


def test_the_series_is_comparisons_series_read_at_once(make_world):
    make_world(processes=5, published_rounds=3)
    rounds = Round.objects.filter(status=Round.Status.PUBLISHED)
    _rounds, series = pair_index_series_of([r.pk for r in rounds])
    assert series == pair_index_series()


def test_the_series_names_every_round_and_methodology(make_world, client):
    world = make_world(processes=5, published_rounds=3)
    data = client.get("/api/v1/series/", {"lang": "en"}).json()
    label = world.methodology.label
    assert [r["round"]["year"] for r in data["rounds"]] == [2030, 2031, 2032]
    assert {r["methodology"]["version"] for r in data["rounds"]} == {world.methodology.version}
    expected = {
        s.pair: [(p.year, p.version, p.methodology, _pct(p.index)) for p in s.points]
        for s in pair_index_series()
    }
    got = {
        s["pair"]: [(p["year"], p["version"], p["methodology"], p["index"]) for p in s["points"]]
        for s in data["pairs"]
    }
    assert got == expected
    assert all(p[2] == label for points in got.values() for p in points)
    only = client.get("/api/v1/series/", {"pair": "citizens-parliament"}).json()
    assert [s["pair"] for s in only["pairs"]] == ["citizens-parliament"]


def test_the_comparison_gives_comparisons_deltas(make_world, client):
    make_world(processes=5, published_rounds=2)
    before, after = Round.objects.get(year=2030), Round.objects.get(year=2031)
    c = compare_rounds(before, after)
    data = client.get("/api/v1/compare/", {"a": "2030", "b": "2031-v1"}).json()
    assert data["a"]["round"] == {
        "ref": "2030-v1",
        "year": 2030,
        "version": 1,
        "status": "published",
    }
    assert data["a"]["methodology"]["ref"] == before.methodology.label
    assert data["b"]["methodology"]["code"] == after.methodology.code
    assert data["same_methodology"] is True
    assert {p["pair"]: p["delta"] for p in data["pairs"]} == {d.key: _pct(d.delta) for d in c.pairs}
    assert data["overall"] == {
        "a": _pct(c.overall.before),
        "b": _pct(c.overall.after),
        "delta": _pct(c.overall.delta),
    }
    changed = {p["process"] for p in data["processes"] if p["status"] == "changed"}
    assert changed == {p.process for p in c.processes if p.status == "changed"}
    assert changed  # the world rates each year differently


def test_errata_become_the_current_version_and_the_old_one_stays_addressable(world, staff, client):
    errata = services.start_errata(actor=staff, round_=world.published, reason="typo in 2030")
    Round.objects.filter(pk=errata.pk).update(changelog="Fixed a typo.")
    services.publish_round(actor=staff, round_=errata, reason="errata")
    url = "/api/v1/rounds/2030/scores/"
    assert client.get(url).json()["round"] == {
        "ref": "2030-v2",
        "year": 2030,
        "version": 2,
        "title": "Round 2030",
        "status": "published",
    }
    old = client.get("/api/v1/rounds/2030-v1/scores/").json()["round"]
    assert (old["version"], old["status"]) == (1, "superseded")
    assert [r["round"]["version"] for r in client.get("/api/v1/series/").json()["rounds"]] == [2]
    rounds = client.get("/api/v1/rounds/", {"year": 2030}).json()["results"]
    assert sorted(r["round"]["version"] for r in rounds) == [1, 2]
    assert (
        client.get("/api/v1/ratings/", {"round": "2030"}).json()["results"][0]["round"]["version"]
        == 2
    )
    assert (
        client.get("/api/v1/ratings/", {"round": "2030-v1"}).json()["results"][0]["round"][
            "version"
        ]
        == 1
    )
