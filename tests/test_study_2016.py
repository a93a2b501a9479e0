"""The 2016 study, loaded faithfully: its structure, its figures, and where its print disagrees."""

import json
import shutil
from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments.loading import STUDY_2016, SafeLoader
from assessments.models import (
    Citation,
    DevelopmentInitiative,
    Pair,
    Process,
    ProcessAssessment,
    Rating,
    Recommendation,
    Round,
    Subject,
)

pytestmark = pytest.mark.django_db

SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

# The ratings of the section tables 6.1.1 to 6.5.1: rules, demand, motivation, enforcement.
SECTION_TABLES = {
    "jk-elections": (1, 1, 1, 0),
    "jk-direct-interaction": (0, 1, 0, 0),
    "jk-recall": (0, 0, 0, 0),
    "priority-based-planning": (0, 1, 0, 0),
    "public-monitoring": (0, 1, 0, 0),
    "information-transparency": (1, 1, 1, 1),
    "information-usability": (0, 1, 0, 0),
    "performance-evaluation": (0, 1, 0, 0),
    "local-head-elections": (0, 1, 0, 0),
    "party-jk-elections": (1, 1, 0, 0),
    "party-local-council-elections": (1, 1, 0, 0),
    "party-reporting": (0, 1, 0, 0),
    "committee-development-directions": (0, 1, 0, 0),
    "law-implementation-oversight": (1, 1, 0, 0),
    "audit-and-prosecution-oversight": (1, 1, 1, 1),
    "government-development-report": (1, 1, 1, 1),
    "government-performance-evaluation": (1, 1, 1, 1),
    "deputies-party-discipline": (1, 1, 1, 1),
    "factions-central-committees": (1, 1, 1, 1),
}
DIMENSIONS = ("rules", "demand", "motivation", "enforcement")


def scores_json(year=2016, language="en"):
    out = StringIO()
    call_command("scores", str(year), "--json", "--language", language, stdout=out)
    return json.loads(out.getvalue())


def test_it_loads_every_subject_pair_process_and_rating(study_round):
    assert study_round.status == Round.Status.PUBLISHED
    assert Pair.objects.count() == 5
    assert Process.objects.count() == 19
    assert ProcessAssessment.objects.filter(round=study_round).count() == 19
    assert Rating.objects.for_round(study_round).count() == 19 * 4
    assert set(
        Subject.objects.filter(role=Subject.Role.OBSERVER).values_list("kind", flat=True)
    ) == {
        Subject.Kind.CONTROL_BODY,
        Subject.Kind.MEDIA,
    }
    held = {
        (r.assessment.process.code, r.dimension.code): r.value
        for r in Rating.objects.for_round(study_round).select_related(
            "assessment__process", "dimension"
        )
    }
    for process, values in SECTION_TABLES.items():
        for dimension, value in zip(DIMENSIONS, values, strict=True):
            assert held[process, dimension] == value, (process, dimension)


def test_every_process_has_a_verdict_a_justification_and_evidence(study_round):
    for a in ProcessAssessment.objects.filter(round=study_round).select_related("process"):
        assert a.verdict, a.process.code
        assert a.justification_ky.strip(), a.process.code
        assert a.justification_ru.strip() and a.justification_en.strip(), a.process.code
    # The only process the experts declared impossible is the one without demand.
    impossible = ProcessAssessment.objects.filter(
        round=study_round, verdict=ProcessAssessment.Verdict.IMPOSSIBLE
    )
    assert list(impossible.values_list("process__code", flat=True)) == ["jk-recall"]


def test_citations_name_the_act_and_the_edition_the_study_meant(study_round):
    citations = Citation.objects.filter(assessment__round=study_round).select_related(
        "act", "edition", "assessment__process"
    )
    assert citations.count() >= 19
    constitution = [c for c in citations if c.act.code == "constitution"]
    assert constitution, "the study cites the Constitution"
    assert {c.edition.code for c in constitution} == {"2010"}
    # The 2010 edition has been replaced (2021): a later round must re-verify these.
    assert all(c.edition.is_superseded for c in constitution)
    elections = {
        (c.act.code, c.article) for c in citations if c.assessment.process.code == "jk-elections"
    }
    assert ("constitution", "2") in elections
    assert ("law-jk-rules", "151-152") in elections


def test_recommendations_and_initiatives_are_kept(study_round):
    assert (
        Recommendation.objects.filter(
            round=study_round, kind=Recommendation.Kind.RECOMMENDATION
        ).count()
        >= 5
    )
    assert (
        Recommendation.objects.filter(
            round=study_round, kind=Recommendation.Kind.INTERNATIONAL_EXPERIENCE
        ).count()
        == 5
    )
    assert DevelopmentInitiative.objects.filter(round=study_round).count() == 9


def test_scores_reproduce_the_studys_figures(study_round):
    data = scores_json()
    assert data["round"] == {
        "ref": "2016-v1",
        "year": 2016,
        "version": 1,
        "title": study_round.title_en,
        "status": "published",
    }
    assert data["methodology"] == {"ref": "idea-4d@2016", "code": "idea-4d", "version": "2016"}
    pairs = {p["pair"]: p["index"] for p in data["pairs"]}
    assert pairs == {
        "citizens-parliament": 33.33,
        "citizens-executive": 16.67,
        "citizens-parties": 22.22,
        "parliament-executive": 66.67,
        "parties-parliament": 100.0,
    }
    dims = {d["dimension"]: (d["total"], d["assessed"]) for d in data["dimensions"]}
    assert dims == {"rules": (55.56, 18), "motivation": (38.89, 18), "enforcement": (33.33, 18)}
    principals = {p["principal"]: (p["working"], p["processes"]) for p in data["principals"]}
    assert principals == {"citizens": (4, 12), "parliament": (4, 5), "parties": (2, 2)}
    assert data["overall_index"] == 42.59
    excluded = [p["process"] for p in data["processes"] if not p["included"]]
    assert excluded == ["jk-recall"]


def test_scores_list_exactly_the_figures_the_study_misprinted(study_round):
    mismatches = scores_json()["mismatches"]
    figures = {
        (m["kind"], tuple(m["key"])): (m["printed"], m["computed"])
        for m in mismatches
        if m["kind"] != "printed_rating"
    }
    assert figures == {
        # 6.3 prints 11%; its own table gives 1/3, 1/3 and 0: 22%.
        ("pair_index", ("citizens-parties",)): (11, 22),
        ("pair_real", ("citizens-parties",)): (11, 22),
        # Diagram 2: 25% of citizens' processes work; the ratings give 4 of 12.
        ("principal_share", ("citizens",)): (25, 33),
    }
    # The appendix swaps rules and demand for every process rated "absent, present" there.
    swapped = {tuple(m["key"]) for m in mismatches if m["kind"] == "printed_rating"}
    rows = [p for p, v in SECTION_TABLES.items() if v[:2] == (0, 1)]
    assert swapped == {(p, d) for p in rows for d in ("rules", "demand")}
    assert len(rows) == 8


def test_scores_names_things_in_the_language_asked(study_round):
    ky = {p["pair"]: p["name"] for p in scores_json(language="ky")["pairs"]}
    en = {p["pair"]: p["name"] for p in scores_json(language="en")["pairs"]}
    ru = {p["pair"]: p["name"] for p in scores_json(language="ru")["pairs"]}
    assert "Жогорку Кеңеш" in ky["citizens-parliament"]
    assert "Jogorku Kenesh" in en["citizens-parliament"]
    assert "Жогорку Кенеш" in ru["citizens-parliament"]


def test_scores_of_an_unknown_year_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No round for 1999"):
        call_command("scores", "1999", "--json")


def test_loading_twice_is_refused_and_changes_nothing(study_round):
    before = Rating.objects.count()
    with pytest.raises(CommandError, match="exists already"):
        call_command("load_study")
    assert Rating.objects.count() == before
    call_command("load_study", if_missing=True, stdout=StringIO())
    assert Rating.objects.count() == before


@pytest.fixture
def study_copy(tmp_path):
    folder = tmp_path / "study"
    shutil.copytree(STUDY_2016, folder)
    return folder


def edit(folder, name, change):
    path = folder / name
    doc = yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader)
    change(doc)
    path.write_text(yaml.dump(doc, Dumper=SafeDumper, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "change", "message"),
    [
        (
            "pair-5-parties-parliament.yaml",
            lambda d: d["pair"]["processes"][1]["flags"][0]["quote"].update(ky="жок сөз"),
            "processes[1].flags[0]: the ky quote is not in the process's justification",
        ),
        (
            "conclusion.yaml",
            lambda d: d["printed_names"][0].update(subject="nobody"),
            "printed_names[0]: unknown subject `nobody`",
        ),
        (
            "legal_acts.yaml",
            lambda d: d["acts"][0]["editions"][0].update(articles="1 to 114"),
            "acts[0].editions[0]: `articles` must be numbers and ranges",
        ),
        (
            "pair-2-citizens-executive.yaml",
            lambda d: d["pair"]["processes"][1].update(verdict="missing"),
            "processes[1]: verdict `missing` is not one of works, partial, not_working, absent",
        ),
        (
            "pair-1-citizens-parliament.yaml",
            lambda d: d["pair"]["processes"][0]["ratings"].update(rules=2),
            "processes[0].ratings.rules: value: 2 is outside the scale",
        ),
        (
            "pair-1-citizens-parliament.yaml",
            lambda d: d["pair"]["processes"][0]["citations"][0].update(act="law-nowhere"),
            "processes[0].citations[0]: unknown act `law-nowhere`",
        ),
        (
            "pair-1-citizens-parliament.yaml",
            lambda d: d["pair"]["processes"][0]["citations"][0].update(
                act="constitution", edition="1993"
            ),
            "act `constitution` has no edition `1993`",
        ),
        (
            "pair-1-citizens-parliament.yaml",
            lambda d: d["pair"].update(agent="citizens"),
            "A pair's principal and agent must differ",
        ),
        (
            "pair-1-citizens-parliament.yaml",
            lambda d: d["pair"]["processes"][1].update(code=d["pair"]["processes"][0]["code"]),
            "This process is already assessed in this round",
        ),
        (
            "pair-1-citizens-parliament.yaml",
            lambda d: d["pair"]["processes"][0]["ratings"].update(courage=1),
            "unknown dimension `courage`",
        ),
    ],
    ids=[
        "flag-quote-not-in-justification",
        "printed-name-of-an-unknown-subject",
        "articles-not-ranges",
        "unknown-verdict",
        "outside-scale",
        "unknown-act",
        "unknown-edition",
        "principal-is-agent",
        "process-twice",
        "unknown-dimension",
    ],
)
def test_a_bad_study_file_is_refused_with_its_place_and_nothing_is_loaded(
    db, study_copy, name, change, message
):
    edit(study_copy, name, change)
    with pytest.raises(CommandError) as excinfo:
        call_command("load_study", str(study_copy))
    assert message in str(excinfo.value)
    assert name in str(excinfo.value)
    assert not Round.objects.exists()
    assert not Process.objects.exists()
    assert not Subject.objects.exists()


def test_a_file_that_is_not_yaml_is_refused(db, study_copy):
    (study_copy / "broken.yaml").write_text("pair: [unclosed", encoding="utf-8")
    with pytest.raises(CommandError, match=r"broken\.yaml: not valid YAML"):
        call_command("load_study", str(study_copy))
    assert not Round.objects.exists()
