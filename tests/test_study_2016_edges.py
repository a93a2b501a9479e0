"""The 2016 round complete at its edges: each item an independent reading found missing or wrong.

One test per item of issue 14's list, named after it: texts, citations, names,
categories, figures, editions and initiatives.
"""

import datetime
from decimal import Decimal

import pytest

from assessments.models import (
    Citation,
    DevelopmentInitiative,
    JustificationFlag,
    LegalAct,
    LegalActEdition,
    Passage,
    PrintedName,
    ProcessAssessment,
    ProcessLink,
    PublishedFigure,
    Recommendation,
    Subject,
)

pytestmark = pytest.mark.django_db


def passages(round_, kind, section=None):
    rows = Passage.objects.filter(round=round_, kind=kind)
    if section is not None:
        rows = rows.filter(section=section)
    return list(rows.order_by("position"))


# --- Missing texts ---------------------------------------------------------------------


def test_the_opening_paragraph_of_6_5_1_is_kept(study_round):
    (opening,) = passages(study_round, Passage.Kind.SECTION_TEXT, "6.5.1")
    assert opening.pair.code == "parties-parliament"
    assert opening.text_ky.startswith(
        "Юридикалык жак жана башкаруунун жогорку органы катары Жогорку Кеңеш саясий "
        "партияларга отчет бере албайт."
    )
    assert opening.text_ky.endswith("тийиштүү коалициялар (эгерде кирсе) алдында да отчеттуу.")
    assert opening.text_ru and opening.text_en


def test_the_first_sentence_of_6_5_3_is_kept(study_round):
    (first,) = passages(study_round, Passage.Kind.SECTION_TEXT, "6.5.3")
    assert first.text_ky == (
        "Бул жупта отчеттуулук өтө күчтүү болгондуктан аны күчтөндүрүү боюнча сунуштамаларды "
        "берүү зарылчылыгы жок."
    )


def test_the_conclusions_recommendations_on_the_observers_are_kept(study_round):
    conclusion = Recommendation.objects.filter(round=study_round, pair__isnull=True)
    assert conclusion.count() == 3
    concerns = {
        r.text_ky.split()[0]: sorted(r.subjects.values_list("code", flat=True)) for r in conclusion
    }
    assert concerns == {
        "Системадагы": [],
        "Мисалы,": ["accounts-chamber", "prosecutor"],
        "Массалык": ["media"],
    }
    for r in conclusion:
        assert r.section == "Корутунду" and r.text_ru and r.text_en


def test_the_three_open_questions_are_kept(study_round):
    questions = passages(study_round, Passage.Kind.OPEN_QUESTION)
    assert len(questions) == 3
    ombudsman, consumers, president = questions
    assert "Акыйкатчы институтунун ролу" in ombudsman.text_ky
    assert ombudsman.subject.code == "ombudsman"
    assert "керектөөчүлөрдүн укуктарын коргоо боюнча уюмдар" in consumers.text_ky
    assert "президенттик институттун ролу" in president.text_ky
    assert all(q.text_ky.rstrip().endswith(("?", "жок.")) for q in questions)


def test_the_first_attempt_caveat_is_kept(study_round):
    (caveat,) = passages(study_round, Passage.Kind.CAVEAT)
    assert "алгачкы аракет болгонун" in caveat.text_ky
    assert "first attempt" in caveat.text_en


def test_the_individual_and_collective_models_of_section_6_are_kept(study_round):
    models = passages(study_round, Passage.Kind.MODEL)
    assert [m.section for m in models] == ["6", "6", "6"]
    assert "Биринчи модель – жеке" in models[0].text_ky
    assert models[1].text_ky.startswith("Экинчи модель – жамааттык.")
    assert "экинчи модель дагы да көбүрөөк актуалдуу" in models[2].text_ky


# --- Missing citations -------------------------------------------------------------------


def cited(round_, process):
    return {
        c.act.code: c
        for c in Citation.objects.filter(
            assessment__round=round_, assessment__process__code=process
        ).select_related("act")
    }


def test_the_budget_execution_documents_of_6_2_2_are_cited(study_round):
    acts = cited(study_round, "public-monitoring")
    jk = acts["jk-budget-execution-resolutions"].act
    councils = acts["local-council-budget-execution-resolutions"].act
    yearly = acts["law-republican-budget-yearly"].act
    assert jk.kind == LegalAct.Kind.PARLIAMENT_RESOLUTION and jk.recurring
    assert councils.kind == LegalAct.Kind.LOCAL_COUNCIL_RESOLUTION and councils.recurring
    assert yearly.kind == LegalAct.Kind.LAW and yearly.recurring
    assert yearly.title_ky == "республикалык бюджет жөнүндө жыл сайын чыкчу мыйзамдар"


def test_the_parliaments_draft_development_strategy_is_cited_in_6_3_3(study_round):
    citation = cited(study_round, "party-reporting")["draft-jk-development-strategy"]
    assert citation.act.kind == LegalAct.Kind.DRAFT
    assert citation.act.title_ky == "парламенттин өнүгүү стратегиясынын долбоору"
    assert "стратегиясынын долбоору да тастыктап турат" in citation.note_ky


# --- Names ----------------------------------------------------------------------------------

# The nine section headings that print a process's name otherwise than its table row.
HEADING_VARIANTS = {
    "jk-direct-interaction": "Жарандар менен регламенттештирилген түз өз ара аракеттенүү. "
    "Бул болсо аярлуу топторду дискриминациялоодон оолак болууга жардам берет",
    "jk-recall": "Жазалоо, же чакыртып алуу, шайлоодон баш тартуу механизми",
    "public-monitoring": "Кызмат көрсөтүүлөргө жана мамлекеттик чыгашаларга коомдук мониторинг "
    "жүргүзүү маселелери",
    "information-transparency": "Мамлекеттик органдардын жана жергиликтүү өз алдынча башкаруу "
    "органдарынын карамагында турган маалыматтын айкындуулугу жана ага жеткиликтүүлүк процесси",
    "performance-evaluation": "Жарандардын ЖӨБ органдарынын жана мамлекеттик органдардын ишин "
    "баалоо системасы",
    "local-head-elections": "Жергиликтүү өз алдынча башкаруунун аткаруучу органдарынын "
    "жетекчилерин шайлоо",
    "party-reporting": "Саясий партиялардын шайлоочулар алдындагы отчету",
    "audit-and-prosecution-oversight": "Эсеп палатасы жана прокуратура органдары аркылуу "
    "колдонуудагы мыйзамдардын жана мамлекеттик чыгашалардын аткарылышын көзөмөлдөө",
    "government-development-report": "Өнүктүрүү саясатынын, программаларынын ишке ашырылышы "
    "тууралуу өкмөттүн отчету",
}


def test_the_nine_section_heading_variants_of_process_names_are_kept_as_printed(study_round):
    differing = {
        n.assessment.process.code: n.text
        for n in PrintedName.objects.filter(
            round=study_round, place=PrintedName.Place.HEADING, assessment__isnull=False
        ).select_related("assessment__process")
        if n.text != n.assessment.title_ky
    }
    assert differing == HEADING_VARIANTS
    # Every process has its heading kept except 6.2's fourth, which the study gives none.
    headed = PrintedName.objects.filter(round=study_round, place=PrintedName.Place.HEADING)
    assert headed.filter(assessment__isnull=False).count() == 18
    assert not headed.filter(assessment__process__code="information-usability").exists()


def test_the_appendixs_variant_of_a_process_name_is_kept_as_printed(study_round):
    appendix = PrintedName.objects.filter(
        round=study_round, place=PrintedName.Place.APPENDIX
    ).select_related("assessment__process")
    assert appendix.count() == 19
    differing = [n for n in appendix if n.text != n.assessment.title_ky]
    assert [n.assessment.process.code for n in differing] == ["information-usability"]
    (variant,) = differing
    assert "алардын толук, түшүнүктүү" in variant.text
    assert "алардын толукт, түшүнүктүү" in variant.assessment.title_ky


def test_subject_names_are_quoted_not_edited(study_round):
    names = dict(Subject.objects.values_list("code", "name_ky"))
    assert names["citizens"] == "Жарандар"
    assert names["media"] == "массалык маалымат каражаттары"
    assert names["courts"] == "сот бийлиги"
    assert names["executive"].startswith("бийликтин аткаруу органдары")
    for name in names.values():
        assert "(" not in name, name
    # Each name is one that a place of the study prints, and the data says which.
    quoted = {
        (n.subject.code, n.text)
        for n in PrintedName.objects.filter(round=study_round, subject__isnull=False)
    }
    for code, name in names.items():
        assert (code, name) in quoted, code


def test_the_constitutional_chamber_is_named_as_section_5_2_names_it(study_round):
    chamber = Subject.objects.get(code="constitutional-chamber")
    assert chamber.name_ky == "конституциялык сот"
    printed = dict(PrintedName.objects.filter(subject=chamber).values_list("section", "text"))
    assert printed == {"5.2": "конституциялык сот", "6.3.1": "Конституциялык палатанын"}


def test_two_act_titles_are_the_studys_wording_not_the_projects(study_round):
    order = LegalAct.objects.get(code="order-gamsumo-2014-01-24-19")
    assert order.title_ky.endswith("2014-жылдын 4-мартындагы №01-24/19 буйругу")
    decision = LegalAct.objects.get(code="decision-constitutional-chamber-2015")
    assert decision.title_ky == "2015-жылы Конституциялык палатанын чечими"


# --- Categories and tags ------------------------------------------------------------------


def test_the_four_processes_the_study_calls_absent_are_not_stored_as_not_working(study_round):
    verdicts = dict(
        ProcessAssessment.objects.filter(round=study_round).values_list("process__code", "verdict")
    )
    absent = {code for code, verdict in verdicts.items() if verdict == "absent"}
    assert absent == {
        "public-monitoring",
        "local-head-elections",
        "party-reporting",
        "committee-development-directions",
    }
    for a in ProcessAssessment.objects.filter(round=study_round, verdict="absent"):
        assert "процесс жок деп таанылды" in a.verdict_text_ky.lower()
    not_working = {code for code, verdict in verdicts.items() if verdict == "not_working"}
    assert not_working == {
        "jk-direct-interaction",
        "priority-based-planning",
        "information-usability",
        "performance-evaluation",
    }


def test_citations_are_tied_to_processes_not_to_dimensions(study_round):
    citations = Citation.objects.filter(assessment__round=study_round)
    assert citations.count() == 56
    # Fifteen were tagged to the rules dimension of processes whose rules are rated absent.
    assert not citations.filter(dimension__isnull=False).exists()


# --- Figures ----------------------------------------------------------------------------------


def figures(round_, kind, **where):
    return PublishedFigure.objects.filter(round=round_, kind=kind, **where)


def test_no_100_of_6_5_is_recorded_as_printed_in_the_conclusion(study_round):
    # The conclusion says "the highest level" and "both processes work"; it prints no number.
    real = figures(study_round, "pair_real")
    assert not real.filter(pair__code="parties-parliament").exists()
    assert real.count() == 4
    assert figures(study_round, "pair_index", pair__code="parties-parliament").get().value == 100


def test_no_figure_cites_a_diagram_the_text_lacks(study_round):
    for f in PublishedFigure.objects.filter(round=study_round):
        assert not f.source.rstrip().endswith("diagram 1"), f.source
        assert "; diagram 1" not in f.source, f.source


def test_80_and_100_percent_are_two_figures_from_one_printed_sentence(study_round):
    parliament, parties = (
        figures(study_round, "principal_share", principal__code=code).get()
        for code in ("parliament", "parties")
    )
    assert (parliament.value, parties.value) == (80, 100)
    sentence = "80 жана 100 пайызды түзөт"
    assert sentence in parliament.source and sentence in parties.source


def test_the_appendixs_absent_totals_are_stored(study_round):
    absent = {
        f.dimension.code: f.value
        for f in figures(study_round, "dimension_absent").select_related("dimension")
    }
    assert absent == {"rules": 44, "motivation": 61, "enforcement": 67}


# --- Editions ---------------------------------------------------------------------------------


def test_the_2010_constitution_is_superseded_by_the_2016_amendments_not_only_in_2021(
    study_round,
):
    editions = {e.code: e for e in LegalActEdition.objects.filter(act__code="constitution")}
    assert editions["2010"].valid_until == datetime.date(2017, 1, 14)
    assert editions["2016"].valid_from == datetime.date(2017, 1, 15)
    assert editions["2016"].valid_until == datetime.date(2021, 5, 4)
    # Not superseded for the round the study is, superseded for the next year's.
    citation = Citation.objects.filter(assessment__round=study_round, edition__code="2010").first()
    assert not citation.edition_superseded
    citation.assessment.round.year = 2017
    assert citation.edition_superseded


def test_the_2021_edition_starts_when_its_note_says_it_came_into_force(study_round):
    edition = LegalActEdition.objects.get(act__code="constitution", code="2021")
    assert edition.valid_from == datetime.date(2021, 5, 5)
    assert "2021-жылдын 5-майында" in edition.note_ky


def test_inferred_editions_are_marked_inferred(study_round):
    editions = LegalActEdition.objects.filter(act__code="constitution")
    assert {e.code: e.inferred for e in editions} == {"2010": True, "2016": True, "2021": True}
    assert editions.get(code="2010").articles == "1-114"


# --- Initiatives ----------------------------------------------------------------------------


def test_the_two_rows_of_the_same_structure_get_the_same_status(study_round):
    statuses = dict(
        DevelopmentInitiative.objects.filter(
            round=study_round, process__code__in=["jk-direct-interaction", "party-reporting"]
        ).values_list("process__code", "status")
    )
    assert statuses == {
        "jk-direct-interaction": DevelopmentInitiative.Status.PROPOSALS,
        "party-reporting": DevelopmentInitiative.Status.PROPOSALS,
    }


# --- What the reviewer's report reads ------------------------------------------------------


def test_the_jogorku_kenesh_election_is_linked_as_one_mechanism_in_two_pairs(study_round):
    link = ProcessLink.objects.get()
    assert {link.process.code, link.other.code} == {"jk-elections", "party-jk-elections"}
    assert "мотивация бар" in link.note_ky and "мотивациясы да болбойт" in link.note_ky


def test_6_5_2s_justification_is_flagged_against_its_rules_rating(study_round):
    flag = JustificationFlag.objects.select_related("assessment__process", "dimension").get()
    assert (flag.assessment.process.code, flag.dimension.code, flag.value) == (
        "factions-central-committees",
        "rules",
        1,
    )
    for lang in ("ky", "ru", "en"):
        assert getattr(flag, f"quote_{lang}") in getattr(flag.assessment, f"justification_{lang}")


def test_the_figures_whose_words_say_something_else_carry_their_claim(study_round):
    claims = {
        (f.kind, f.claim): f.value
        for f in PublishedFigure.objects.filter(round=study_round).exclude(claim="")
    }
    assert claims == {
        ("pair_real", "working_share"): Decimal(67),
        ("overall_index", "principal_index"): Decimal(43),
    }
