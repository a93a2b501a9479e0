"""The 2016 scores over the API: the figures of `manage.py scores 2016 --json`, as JSON and CSV."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

URL = "/api/v1/rounds/2016/scores/"


def _command(language: str = "en") -> dict:
    out = io.StringIO()
    call_command("scores", "2016", "--json", "--language", language, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def expected(study_round) -> dict:
    return _command("en")


def test_the_json_is_the_commands_json(expected, client):
    response = client.get(URL, {"lang": "en"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == expected
    assert expected["overall_index"] == 42.59  # 23 of 54 scored ratings present: the study's 43%


def test_the_json_in_kyrgyz_is_the_commands_kyrgyz(study_round, client):
    assert client.get(URL, HTTP_ACCEPT_LANGUAGE="ky").json() == _command("ky")
    assert client.get(URL, {"lang": "ru"}).json() == _command("ru")


def test_the_csv_holds_the_same_figures(expected, client):
    response = client.get(URL, {"format": "csv", "lang": "en"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="scores-2016-v1-en.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert {(r["year"], r["version"], r["methodology"]) for r in rows} == {
        ("2016", "1", f"{expected['methodology']['code']}@{expected['methodology']['version']}")
    }

    def figures(kind: str) -> dict[str, str]:
        return {r["key"]: r["value"] for r in rows if r["figure"] == kind}

    def text(value) -> str:
        return "" if value is None else str(value)

    assert figures("process_score") == {
        p["process"]: text(p["score"]) for p in expected["processes"]
    }
    assert figures("pair_index") == {p["pair"]: text(p["index"]) for p in expected["pairs"]}
    assert figures("dimension_total") == {
        d["dimension"]: text(d["total"]) for d in expected["dimensions"]
    }
    assert figures("principal_share") == {
        p["principal"]: text(p["share"]) for p in expected["principals"]
    }
    assert figures("overall_index") == {"": text(expected["overall_index"])}
    mismatches = {
        (r["kind"], r["key"]): (r["printed"], r["value"]) for r in rows if r["figure"] == "mismatch"
    }
    assert mismatches == {
        (m["kind"], "/".join(m["key"])): (text(m["printed"]), text(m["computed"]))
        for m in expected["mismatches"]
    }
    # The study's known slip: citizens → parties printed 11%, computed 22%.
    assert mismatches["pair_index", "citizens-parties"] == ("11", "22")


WORLD_URL = "/api/v1/rounds/2030/scores/"


def test_csv_is_also_chosen_by_the_accept_header(world, client):
    response = client.get(WORLD_URL, HTTP_ACCEPT="text/csv")
    assert response["Content-Type"].startswith("text/csv")


def test_a_format_it_does_not_speak_is_refused_in_json(world, client):
    response = client.get(WORLD_URL, HTTP_ACCEPT="application/xml")
    assert response.status_code == 406
    assert response.json()["code"] == "not_acceptable"


def test_a_version_is_named_in_the_path_as_everywhere(world, client):
    url = WORLD_URL.replace("/scores/", "-v1/scores/")
    assert client.get(url).json()["round"]["ref"] == url.split("/")[-3]
    assert client.get(url.replace("-v1/", "-v2/")).status_code == 404
    assert client.get(url.replace("-v1/", "-vx/")).status_code == 404
