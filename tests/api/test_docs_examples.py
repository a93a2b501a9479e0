"""docs/api.md's scripts for the common jobs, run as written against a live server."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from rest_framework.throttling import SimpleRateThrottle

from assessments.models import ProcessAssessment, Rating

pytestmark = pytest.mark.django_db(transaction=True)

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def example(title: str) -> str:
    blocks = re.findall(r"```python\n(# example: [^\n]*\n.*?)```", DOC.read_text(), re.S)
    found = [b for b in blocks if b.startswith(f"# example: {title}\n")]
    assert len(found) == 1, f"docs/api.md has no example '{title}'"
    return found[0]


@pytest.fixture
def run(live_server, monkeypatch, tmp_path, capsys):
    """run(title, **env) → what the example printed, run in an empty directory."""
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None, "login": None}
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("API", live_server.url)

    def execute(title: str, **env: str) -> str:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        exec(compile(example(title), f"docs/api.md: {title}", "exec"), {"__name__": "__main__"})
        return capsys.readouterr().out

    return execute


def test_every_published_score_as_one_table(make_world, run, tmp_path):
    make_world(published_rounds=2)
    assert "2 rounds" in run("every published score as one table")
    with open(tmp_path / "all-scores.csv", encoding="utf-8") as table:
        rows = list(csv.DictReader(table))
    assert {r["round"] for r in rows} == {"2030-v1", "2031-v1"}
    assert any(r["figure"] == "overall_index" for r in rows)


def test_a_pairs_index_over_the_years(make_world, run):
    make_world(published_rounds=2)
    printed = run("a pair's index over the years", PAIR="citizens-parliament").splitlines()
    assert [line.split()[1] for line in printed] == ["2030-v1", "2031-v1"]


def test_a_panels_ratings_from_a_spreadsheet(world, chair, run, tmp_path):
    assessment = ProcessAssessment.objects.filter(round=world.open).order_by("pk").first()
    rating = Rating.objects.get(assessment=assessment, dimension__code="rules")
    before = rating.value
    with open(tmp_path / "ratings.csv", "w", newline="", encoding="utf-8") as sheet:
        writer = csv.writer(sheet)
        writer.writerow(["assessment", "dimension", "value", "justification", "reason"])
        writer.writerow([assessment.pk, "rules", 1 - before, "Art. 2", "panel of 12 May"])
        writer.writerow([assessment.pk, "nonsense", 1, "", "panel of 12 May"])
    printed = run(
        "a panel's ratings from a spreadsheet",
        API_USER=chair.username,
        API_PASSWORD="correct horse battery",
    )
    assert "line 2: rules = " in printed and "(revision 2)" in printed
    assert "line 3: 400" in printed
    rating.refresh_from_db()
    assert (rating.value, rating.revision) == (1 - before, 2)
    assert rating.history.latest().history_change_reason == "panel of 12 May"
