"""What a careful reviewer finds besides the printed figures: the method (pure) and the report.

The scoring tests need no database; the report tests read the 2016 round through
`scores --json`, the API and the round's admin page, in Kyrgyz, Russian and English.
"""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from assessments import review, scoring, services
from assessments.models import Citation, Rating

BINARY = scoring.Method(
    dimensions=[
        scoring.DimensionSpec("rules"),
        scoring.DimensionSpec("demand", scored=False, gating=True),
        scoring.DimensionSpec("motivation"),
        scoring.DimensionSpec("enforcement"),
    ]
)


def item(process, pair, principal, rules, demand, motivation, enforcement):
    ratings = {"rules": rules, "demand": demand, "motivation": motivation}
    return scoring.ProcessInput(process, pair, principal, ratings | {"enforcement": enforcement})


def ratings_of(items):
    return {i.process: dict(i.ratings) for i in items}


# --- The method --------------------------------------------------------------------------


def test_linked_processes_rated_apart_are_found_per_dimension():
    items = [
        item("a", "p1", "citizens", 1, 1, 1, 0),
        item("b", "p2", "citizens", 1, 1, 0, 0),
        item("c", "p2", "citizens", 1, 1, 0, 0),
    ]
    scores = scoring.score_round(BINARY, items)
    found = review.review(
        BINARY,
        scores,
        ratings_of(items),
        links=[review.Link("a", "b"), review.Link("b", "c"), review.Link("a", "gone")],
    )
    assert found == [
        review.Finding(review.SAME_MECHANISM, ("a", "b", "motivation"), {"a": 1, "b": 0})
    ]


def test_a_working_share_that_is_really_an_index_is_found():
    items = [
        item("x1", "pair", "parliament", 0, 1, 0, 0),
        item("x2", "pair", "parliament", 1, 1, 0, 0),
        *(item(f"x{n}", "pair", "parliament", 1, 1, 1, 1) for n in (3, 4, 5)),
    ]
    scores = scoring.score_round(BINARY, items)
    claim = review.Claim("working_share", "pair_real", (), "pair", Decimal(67), "67% иштейт")
    (finding,) = review.review(BINARY, scores, ratings_of(items), claims=[claim])
    assert finding.kind == review.SHARE_WORDING
    assert finding.values["full"] == 3 and finding.values["full_share"] == Decimal(60)
    assert finding.values["partly"] == 4 and finding.values["partly_share"] == Decimal(80)
    assert finding.values["index"] == Decimal(67)
    # A printed share that is one of the two shares is not a finding.
    right = review.Claim("working_share", "pair_real", (), "pair", Decimal(80))
    assert review.review(BINARY, scores, ratings_of(items), claims=[right]) == []


def test_a_principals_index_that_mixes_in_other_principals_is_found():
    items = [
        item("c1", "p1", "citizens", 1, 1, 0, 0),
        item("c2", "p1", "citizens", 0, 1, 0, 0),
        item("k1", "p2", "parliament", 1, 1, 1, 1),
    ]
    scores = scoring.score_round(BINARY, items)
    claim = review.Claim("principal_index", "overall_index", (), "citizens", Decimal(44))
    (finding,) = review.review(BINARY, scores, ratings_of(items), claims=[claim])
    assert finding.values["principal_index"] == Decimal(17)
    assert finding.values["overall"] == Decimal(44)
    assert finding.values["processes"] == 2


def test_a_flag_stands_while_the_rating_it_reads_against_holds():
    items = [item("f", "p", "parties", 1, 1, 1, 1)]
    scores = scoring.score_round(BINARY, items)
    flag = review.Flag("f", "rules", 1)
    assert review.review(BINARY, scores, ratings_of(items), flags=[flag]) == [
        review.Finding(review.JUSTIFICATION, ("f", "rules"), {"value": 1})
    ]
    rerated = {"f": {**items[0].ratings, "rules": 0}}
    assert review.review(BINARY, scores, rerated, flags=[flag]) == []


def test_an_article_its_edition_does_not_have_is_found_only_where_the_articles_are_known():
    def cite(article, known):
        return review.CitedArticle("p", "constitution", "2010", article, known)

    found = review.review(
        BINARY,
        scoring.score_round(BINARY, []),
        {},
        citations=[
            cite("112", "1-114"),
            cite("85-88", "1-114"),
            cite("113-116", "1-114"),
            cite("200", ""),
            cite("", "1-114"),
        ],
    )
    assert found == [
        review.Finding(
            review.MISSING_ARTICLE,
            ("p", "constitution", "2010", "113-116"),
            {"missing": [115, 116], "known": "1-114"},
        )
    ]


@pytest.mark.parametrize(
    ("text", "numbers"),
    [("1-3, 7", {1, 2, 3, 7}), ("151–152", {151, 152}), ("", set()), ("4-", None), ("a", None)],
)
def test_article_numbers_read_ranges_and_refuse_anything_else(text, numbers):
    assert review.article_numbers(text) == numbers


def test_the_appendixs_absent_shares_are_computed_beside_the_totals():
    items = [item("a", "p", "c", 1, 1, 0, 0), item("b", "p", "c", 0, 1, 0, 1)]
    figures = scoring.computed_figures(scoring.score_round(BINARY, items))
    assert figures["dimension_absent", ("rules",)] == 1 - figures["dimension_total", ("rules",)]


# --- The 2016 report ------------------------------------------------------------------------


def scores_json(language="en"):
    out = StringIO()
    call_command("scores", "2016", "--json", "--language", language, stdout=out)
    return json.loads(out.getvalue())


def by_kind(report):
    found = {}
    for f in report["findings"]:
        found.setdefault(f["kind"], []).append(f)
    return found


@pytest.mark.django_db
def test_the_2016_report_lists_each_new_kind_of_finding_with_its_evidence(study_round):
    report = scores_json()
    found = by_kind(report)
    (election,) = found[review.SAME_MECHANISM]
    assert election["key"] == ["jk-elections", "party-jk-elections", "motivation"]
    assert "«Present» and «Absent»" in election["summary"]
    assert "motivated to respond" in election["evidence"][0]

    shares = {tuple(f["key"]): f for f in found[review.SHARE_WORDING]}
    six_four = shares["working_share", "parliament-executive"]
    assert "3 work in full (60%) and 4 at least in part (80%)" in six_four["summary"]
    assert "67% иштейт" in six_four["evidence"][0]
    headline = shares["principal_index", "citizens"]
    assert headline["values"] == {
        "printed": 43,
        "processes": 11,
        "principal_index": 21,
        "overall": 43,
        "source": headline["evidence"][0],
    }

    (flag,) = found[review.JUSTIFICATION]
    assert flag["key"] == ["factions-central-committees", "rules"]
    assert "not directly provided for by law" in flag["summary"]
    assert "a flag for the panel, not a verdict" in flag["label"]

    kinds = {k["kind"]: k for k in report["finding_kinds"]}
    assert list(kinds) == list(review.FINDING_KINDS)
    assert kinds[review.MISSING_ARTICLE]["found"] == 0
    assert "the articles of 1 cited edition are known" in kinds[review.MISSING_ARTICLE]["checked"]


@pytest.mark.django_db
def test_the_findings_speak_kyrgyz_and_russian(study_round):
    for language, words in [
        ("ky", ("Бир эле механизм", "«Бар»", "«Жок»")),
        ("ru", ("Один и тот же механизм", "«Есть»", "«Нет»")),
    ]:
        report = scores_json(language)
        (election,) = by_kind(report)[review.SAME_MECHANISM]
        assert election["label"].startswith(words[0])
        assert words[1] in election["summary"] and words[2] in election["summary"]
        assert election["evidence"][0] != scores_json("en")["findings"][0]["evidence"][0]


@pytest.fixture
def errata(study_round, staff):
    """2016's errata, in review: the same publication, its rows open to correction."""
    return services.start_errata(actor=staff, round_=study_round, reason="a reviewer's reading")


@pytest.mark.django_db
def test_errata_keep_the_findings_and_a_panel_that_rerates_answers_the_flag(
    errata, study_round, staff
):
    from assessments.models import Passage, PrintedName, Recommendation

    for model in (Passage, PrintedName, Recommendation):
        assert (
            model.objects.filter(round=errata).count()
            == model.objects.filter(round=study_round).count()
        )
    observers = Recommendation.objects.filter(round=errata, subjects__code="media")
    assert observers.count() == 1
    kinds = {k["kind"]: k["found"] for k in scores_json()["finding_kinds"]}
    assert kinds == {
        review.SAME_MECHANISM: 1,
        review.SHARE_WORDING: 2,
        review.JUSTIFICATION: 1,
        review.MISSING_ARTICLE: 0,
    }
    rating = Rating.objects.get(
        assessment__round=errata,
        assessment__process__code="factions-central-committees",
        dimension__code="rules",
    )
    services.set_consensus(
        actor=staff,
        assessment=rating.assessment,
        dimension=rating.dimension,
        value=0,
        reason="the laws do not provide for it",
        expected_revision=rating.revision,
    )
    kinds = {k["kind"]: k["found"] for k in scores_json()["finding_kinds"]}
    assert kinds[review.JUSTIFICATION] == 0


@pytest.mark.django_db
def test_the_api_report_carries_the_findings(study_round, client):
    body = client.get("/api/v1/rounds/2016/scores/", HTTP_ACCEPT_LANGUAGE="ru").json()
    assert [k["found"] for k in body["finding_kinds"]] == [1, 2, 1, 0]
    assert body["findings"][0]["label"] == "Один и тот же механизм оценён в двух парах по-разному"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "checked"),
    [
        ("en", "What a careful reviewer finds besides: 4 places to look at again", "Checked"),
        ("ru", "Что находит внимательный рецензент сверх того: 4 места", "Проверено"),
        ("ky", "Кылдат рецензент дагы эмнени табат: кайра карай турган 4 жер", "Текшерилди"),
    ],
)
def test_the_round_page_of_the_admin_lists_the_findings(
    study_round, admin_client, language, heading, checked
):
    page = admin_client.get(f"/{language}/admin/assessments/round/{study_round.pk}/change/")
    html = page.content.decode()
    assert heading in html
    assert html.count('class="finding"') == 4
    assert html.count(f"{checked}:") == 4
    assert "style=" not in html.split('class="module consistency-report"')[1]


@pytest.mark.django_db
def test_a_citation_of_an_article_the_2010_constitution_lacks_is_found_and_named(errata):
    citation = Citation.objects.filter(
        assessment__round=errata,
        assessment__process__code="jk-elections",
        act__code="constitution",
        article="5",
    )
    assert citation.update(article="120") == 1  # a typo, past the services
    (finding,) = by_kind(scores_json("ru"))[review.MISSING_ARTICLE]
    assert finding["key"] == ["jk-elections", "constitution", "2010", "120"]
    assert finding["values"] == {"missing": [120], "known": "1-114"}
    assert "«Конституция Кыргызской Республики» (редакция 2010)" in finding["summary"]


@pytest.mark.django_db
def test_a_finding_names_pairs_in_the_language_asked(study_round):
    (election,) = by_kind(scores_json("ky"))[review.SAME_MECHANISM]
    assert "(Жарандар – саясий партиялар)" in election["summary"]
    assert "Citizens" not in election["summary"]
