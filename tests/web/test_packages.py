"""A round's data package: complete enough to recompute every figure, and the same bytes
for the same round."""

import contextlib
import csv
import io
import json
import os
import re
import zipfile

import pytest
from django.utils import translation

from assessments.exchange import packages
from assessments.models import Citation, Round
from assessments.selectors import round_report

from ..factories import AssessmentFactory, LegalActFactory, RoundFactory, rate

pytestmark = pytest.mark.django_db

FILES = {
    "README.md",
    "README.ky.md",
    "README.ru.md",
    "README.en.md",
    "round.json",
    "subjects.csv",
    "pairs.csv",
    "dimensions.csv",
    "processes.csv",
    "ratings.csv",
    "citations.csv",
    "legal_acts.csv",
    "legal_act_editions.csv",
    "recommendations.csv",
    "initiatives.csv",
    "published_figures.csv",
    "scores.csv",
}


def unpack(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist()}


def rows(files, name):
    return list(csv.DictReader(io.StringIO(files[name].decode())))


@pytest.fixture
def package(study_round):
    """The 2016 package, built once per test (loading the study is the slow part)."""
    data = packages.build_round_package(study_round)
    return study_round, data, unpack(data)


def test_the_2016_package(package, tmp_path, subtests):
    study_round, data, files = package
    for check in (
        same_bytes_for_the_same_round,
        every_file_the_readme_lists,
        the_readme_recipe_recomputes_the_pair_indices,
        round_json_holds_the_report_and_the_exact_figures,
        printed_figures_stand_beside_the_computed_ones,
        the_scores_csv_is_the_one_in_the_package,
        the_readme_is_in_the_language_asked_for_with_every_language_beside_it,
    ):
        with subtests.test(check=check.__name__):
            check(study_round, data, files, tmp_path)


def same_bytes_for_the_same_round(study_round, data, files, tmp_path):
    with translation.override("ru"):  # only the language asked for counts, not the active one
        again = packages.build_round_package(study_round)
    assert again == data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    assert {i.filename.split("/")[0] for i in infos} == {"accountability-2016-v1"}
    assert len({i.date_time for i in infos}) == 1


def every_file_the_readme_lists(study_round, data, files, tmp_path):
    assert set(files) == FILES
    readme = files["README.md"].decode()
    for name in FILES:
        assert f"`{name}`" in readme
    assert len(rows(files, "ratings.csv")) == 19 * 4
    assert len(rows(files, "processes.csv")) == 19
    assert {r["act"] for r in rows(files, "citations.csv")} <= {
        r["act"] for r in rows(files, "legal_acts.csv")
    }


def the_readme_recipe_recomputes_the_pair_indices(study_round, data, files, tmp_path):
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    recipe = re.search(r"```python\n(.*?)```", files["README.md"].decode(), re.S).group(1)
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        with contextlib.redirect_stdout(out):
            exec(recipe, {})
    finally:
        os.chdir(cwd)
    printed = {
        pair: round(float(value), 2)
        for pair, value in (line.split() for line in out.getvalue().splitlines())
    }
    expected = {p["pair"]: p["index"] for p in round_report(study_round).as_dict()["pairs"]}
    assert printed == expected


def round_json_holds_the_report_and_the_exact_figures(study_round, data, files, tmp_path):
    content = json.loads(files["round.json"])
    with translation.override("en"):
        report = round_report(study_round).as_dict(with_uncertainty=True)
    assert content["report"] == json.loads(json.dumps(report))
    # 2016 was rated by a consensus alone: its figures say so, never a false 0–0.
    overall = content["report"]["overall_interval"]
    assert (overall["status"], overall["low"], overall["high"]) == ("no_expert_ratings", None, None)
    assert "consensus alone" in content["report"]["uncertainty"]["note"]
    assert content["exact"]["pairs"]["citizens-parties"] == "2/9"
    assert content["exact"]["overall_index"] == "23/54"
    assert [d["code"] for d in content["methodology"]["dimensions"]] == [
        "rules",
        "demand",
        "motivation",
        "enforcement",
    ]
    assert set(content["names"]["pair"]["citizens-parties"]) == {"ky", "ru", "en"}


def printed_figures_stand_beside_the_computed_ones(study_round, data, files, tmp_path):
    figures = rows(files, "published_figures.csv")
    parties = next(
        f for f in figures if f["kind"] == "pair_index" and f["pair"] == "citizens-parties"
    )
    assert (parties["printed"], parties["computed"], parties["agrees"]) == ("11", "22", "false")
    overall = next(f for f in figures if f["kind"] == "overall_index")
    assert (overall["printed"], overall["computed"], overall["agrees"]) == ("43", "43", "true")
    assert sum(f["agrees"] == "false" for f in figures) == 19


def the_scores_csv_is_the_one_in_the_package(study_round, data, files, tmp_path):
    assert files["scores.csv"] == packages.scores_csv(study_round)
    indices = {
        r["code"]: r["percent_rounded"]
        for r in rows(files, "scores.csv")
        if r["figure"] == "pair_index"
    }
    assert indices == {
        "citizens-parliament": "33",
        "citizens-executive": "17",
        "citizens-parties": "22",
        "parliament-executive": "67",
        "parties-parliament": "100",
    }
    statuses = {
        r["interval_status"] for r in rows(files, "scores.csv") if r["figure"] != "process_score"
    }
    assert statuses == {"no_expert_ratings"}


def the_readme_is_in_the_language_asked_for_with_every_language_beside_it(
    study_round, data, files, tmp_path
):
    assert files["README.md"] == files["README.en.md"]
    readmes = {lang: files[f"README.{lang}.md"].decode() for lang in ("ky", "ru", "en")}
    assert "## Files" in readmes["en"]
    assert "## Файлы" in readmes["ru"]
    assert "## Файлдар" in readmes["ky"]
    for lang, text in readmes.items():
        with translation.override(lang):
            title = study_round.title
        assert text.startswith(f"# {title}\n")
        assert "CC BY 4.0" in text
    kyrgyz = packages.build_round_package(study_round, language="ky")
    assert kyrgyz == packages.build_round_package(study_round, language="ky")
    kyrgyz_files = unpack(kyrgyz)
    assert kyrgyz_files["README.md"] == files["README.ky.md"]
    # Only README.md differs between the languages' packages.
    assert {n for n in files if files[n] != kyrgyz_files[n]} == {"README.md"}


def test_the_site_serves_the_package_with_the_readme_of_the_page_language(client, study_round):
    for lang, heading in (("ky", "## Файлдар"), ("ru", "## Файлы"), ("en", "## Files")):
        response = client.get(f"/{lang}/rounds/2016/package.zip")
        assert response.status_code == 200
        assert heading in unpack(response.content)["README.md"].decode()
    again = client.get("/ru/rounds/2016/package.zip")
    assert again.content == client.get("/ru/rounds/2016/package.zip").content


def test_free_text_cannot_become_a_spreadsheet_formula():
    round_ = RoundFactory(status=Round.Status.DRAFT)
    assessment = AssessmentFactory(round=round_, title_en='=HYPERLINK("http://x")')
    rate(assessment, rules=1, demand=1, motivation=1, enforcement=0)
    Citation.objects.create(assessment=assessment, act=LegalActFactory(), note_en="+1 note")
    files = unpack(packages.build_round_package(round_))
    (process,) = rows(files, "processes.csv")
    assert process["title_en"] == '\'=HYPERLINK("http://x")'
    assert rows(files, "citations.csv")[0]["note_en"] == "'+1 note"
    # Numbers are numbers: only text is defused.
    assert rows(files, "ratings.csv")[0]["value"] == "1"
    assert "(draft)" in files["README.md"].decode()
