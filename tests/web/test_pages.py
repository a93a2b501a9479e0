"""The public pages show published rounds as the report computes them, in each language.

Loading the 2016 study is the slow part of these tests, so the checks that only read it
run as subtests of one test per data set: 2016 alone, and 2016 with a 2025 round.
"""

import re

import pytest
from django.utils import translation

from assessments.models import Citation, LegalActEdition, Round
from assessments.selectors import round_report

from ..factories import AssessmentFactory, MethodologyFactory, RoundFactory, rate
from .rounds import copy_round, publish

pytestmark = pytest.mark.django_db

INDICES_2016 = {
    "citizens-parliament": "33%",
    "citizens-executive": "17%",
    "citizens-parties": "22%",
    "parliament-executive": "67%",
    "parties-parliament": "100%",
}


def cells(html: str, figure: str) -> list[str]:
    return re.findall(rf'data-figure="{figure}">([^<]*)<', html)


def run(checks, subtests, *args):
    for check in checks:
        with subtests.test(check=check.__name__):
            check(*args)


# --- 2016 alone --------------------------------------------------------------------------


def the_home_page_shows_each_pair_index_of_the_latest_round_in_each_language(client, study):
    for lang in ["ky", "ru", "en"]:
        response = client.get(f"/{lang}/")
        html = response.content.decode()
        assert response.status_code == 200
        assert f'<html lang="{lang}">' in html
        assert cells(html, "pair-index") == list(INDICES_2016.values())
        assert cells(html, "overall-index") == ["43%"]
        with translation.override(lang):
            names = [p["name"] for p in round_report(study).as_dict()["pairs"]]
        for name in names:
            assert name in html
        assert html.count("<h1") == 1
        # Three diagrams and the series, each laid out for wide screens and for phones.
        assert html.count('role="img"') == 8
        assert html.count('data-layout="narrow"') == 4


def each_page_links_to_itself_in_the_other_languages(client, study):
    html = client.get("/en/rounds/2016/pairs/citizens-parties/").content.decode()
    assert 'href="/ky/rounds/2016/pairs/citizens-parties/"' in html
    assert 'href="/ru/rounds/2016/pairs/citizens-parties/"' in html
    html = client.get("/ru/compare/?a=2016&b=2016").content.decode()
    assert 'href="/ky/compare/?a=2016&amp;b=2016"' in html


def the_round_page_says_where_the_study_disagrees_with_its_ratings(client, study):
    html = client.get("/en/rounds/2016/").content.decode()
    assert "the study printed 11%; its ratings give 22%." in html
    assert "the study printed 25%; its ratings give 33%." in html
    # The appendix's transposed columns: 8 processes, rules and demand each.
    assert "16 ratings reprinted differently" in html
    assert "As published" in html


def a_pair_page_shows_processes_ratings_verdicts_evidence_and_recommendations(client, study):
    response = client.get("/en/rounds/2016/pairs/citizens-parliament/")
    html = response.content.decode()
    page = response.context["page"]
    assert [p.code for p in page.processes] == [
        "jk-elections",
        "jk-direct-interaction",
        "jk-recall",
    ]
    assert cells(html, "pair-index") == ["33%"]
    assert 'data-figure="process-score">67%<' in html
    assert "not assessed" in html  # recall: no demand, excluded
    assert "not used in full" in html  # a verdict
    assert "<cite>Constitution of the Kyrgyz Republic</cite>" in html
    assert "article 2" in html
    assert page.recommendations and page.international_experience


def a_citation_links_to_the_official_text_where_one_is_recorded(client, study):
    edition = LegalActEdition.objects.get(act__code="constitution", code="2010")
    edition.url = "https://cbd.minjust.gov.kg/202913"
    edition.save()
    html = client.get("/en/rounds/2016/pairs/citizens-parliament/").content.decode()
    assert 'href="https://cbd.minjust.gov.kg/202913"' in html


def a_pair_not_assessed_in_the_round_is_a_404(client, study):
    assert client.get("/en/rounds/2016/pairs/no-such-pair/").status_code == 404
    assert client.get("/en/rounds/1999/pairs/citizens-parties/").status_code == 404


def with_one_published_round_the_comparison_says_so(client, study):
    html = client.get("/en/compare/").content.decode()
    assert "Only one round has been published so far" in html


def the_methodology_page_states_the_dimensions_and_the_scale(client, study):
    html = client.get("/en/methodology/").content.decode()
    assert "Motivation of the authorities" in html
    assert "condition: a process without it is not assessed" in html
    assert "Present" in html and "Absent" in html
    assert "rounded half up" in html


def the_scores_download_is_the_csv_of_the_computed_figures(client, study):
    response = client.get("/en/rounds/2016/scores.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="accountability-2016-v1-scores.csv"' in response["Content-Disposition"]
    text = response.content.decode()
    assert "pair_index,citizens-parties,citizens-parties,citizens,3,3,,,2/9,22.22,22," in text


def test_the_pages_of_the_2016_round(client, study_round, subtests):
    run(
        [
            the_home_page_shows_each_pair_index_of_the_latest_round_in_each_language,
            each_page_links_to_itself_in_the_other_languages,
            the_round_page_says_where_the_study_disagrees_with_its_ratings,
            a_pair_page_shows_processes_ratings_verdicts_evidence_and_recommendations,
            a_pair_not_assessed_in_the_round_is_a_404,
            with_one_published_round_the_comparison_says_so,
            the_methodology_page_states_the_dimensions_and_the_scale,
            the_scores_download_is_the_csv_of_the_computed_figures,
            # last: it edits an edition, which changes what the others would see
            a_citation_links_to_the_official_text_where_one_is_recorded,
        ],
        subtests,
        client,
        study_round,
    )


# --- 2016 and 2025 ----------------------------------------------------------------------------


def the_comparison_shows_each_pair_change_between_the_latest_two_rounds(client, later):
    response = client.get("/en/compare/")
    html = response.content.decode()
    assert response.context["chosen"][1] == later
    assert cells(html, "before")[:5] == list(INDICES_2016.values())
    assert cells(html, "after")[:5] == ["22%", "17%", "33%", "67%", "100%"]
    assert cells(html, "change")[:5] == ["−11", "±0", "+11", "±0", "±0"]
    # The overall index moves by less than a point: shown to one decimal, not as "0".
    assert cells(html, "change")[5] == "−0.5"
    assert html.count("<mark>") == 2
    assert 'id="methodology-warning"' not in html


def the_comparison_takes_the_rounds_from_the_query(client, later):
    response = client.get("/en/compare/?a=2025&b=2016")
    before, after = response.context["chosen"]
    assert (before.year, after.year) == (2025, 2016)


def the_home_page_shows_the_latest_round_and_the_series(client, later):
    response = client.get("/en/")
    assert response.context["round"] == later
    series = response.context["series"]
    assert series.years == ["2016", "2025"]
    assert series.rows[0].cells == ["33%", "22%"]


def the_downloads_page_links_each_round_data_and_the_api(client, later):
    html = client.get("/en/downloads/").content.decode()
    for ref in ("2016", "2025"):
        assert f'href="/en/rounds/{ref}/package.zip"' in html
        assert f'href="/en/rounds/{ref}/scores.csv"' in html
    assert 'href="/api/v1/"' in html
    assert 'href="/api/v1/schema/"' in html


def the_feed_and_the_sitemap_list_published_rounds(client, later):
    feed = client.get("/en/feed/").content.decode()
    assert "/en/rounds/2016-v1/" in feed and "/en/rounds/2025-v1/" in feed
    sitemap = client.get("/en/sitemap.xml").content.decode()
    assert "/en/rounds/2016/</loc>" in sitemap
    assert "/en/rounds/2025/pairs/citizens-parties/</loc>" in sitemap
    assert "/en/methodology/</loc>" in sitemap


def test_the_pages_of_two_rounds(client, later_round, subtests):
    run(
        [
            the_comparison_shows_each_pair_change_between_the_latest_two_rounds,
            the_comparison_takes_the_rounds_from_the_query,
            the_home_page_shows_the_latest_round_and_the_series,
            the_downloads_page_links_each_round_data_and_the_api,
            the_feed_and_the_sitemap_list_published_rounds,
        ],
        subtests,
        client,
        later_round,
    )


# --- other data sets -------------------------------------------------------------------------


def test_a_superseded_version_says_so_and_links_to_the_current_one(client, study_round):
    errata = copy_round(study_round, year=2016, version=2, status=Round.Status.PUBLISHED)
    Round.objects.filter(pk=study_round.pk).update(status=Round.Status.SUPERSEDED)
    current = client.get("/en/rounds/2016/")
    assert current.context["round"] == errata
    old = client.get("/en/rounds/2016-v1/").content.decode()
    assert "Superseded." in old
    assert 'href="/en/rounds/2016/"' in old
    assert client.get("/en/").context["round"] == errata


def test_the_comparison_warns_when_the_methodologies_differ(client):
    for year in (2030, 2031):
        round_ = RoundFactory(year=year, methodology=MethodologyFactory())
        rate(AssessmentFactory(round=round_), rules=1, demand=1, motivation=1, enforcement=1)
        publish(round_)
    html = client.get("/en/compare/?a=2030&b=2031").content.decode()
    assert 'id="methodology-warning"' in html
    assert "like is not compared with like" in html


def test_a_round_without_printed_figures_shows_no_printed_column(client):
    round_ = RoundFactory()
    rate(AssessmentFactory(round=round_), rules=1, demand=1, motivation=0, enforcement=1)
    publish(round_)
    html = client.get(f"/en/rounds/{round_.year}/").content.decode()
    assert cells(html, "pair-index") == ["67%"]
    assert "As published" not in html


def test_with_no_published_round_the_home_page_says_so(client):
    RoundFactory(status=Round.Status.DRAFT)
    response = client.get("/en/")
    assert response.status_code == 200
    assert "No round has been published yet." in response.content.decode()


def test_a_pair_page_explains_score_and_verdict_together(client, later_round):
    # In 2025 parties publish rules on reporting (33%); the verdict carried over from 2016
    # still finds the process absent ("процесс жок деп таанылды").
    response = client.get("/en/rounds/2025/pairs/citizens-parties/")
    html = response.content.decode()
    reporting = next(p for p in response.context["page"].processes if p.code == "party-reporting")
    assert (reporting.verdict, reporting.score_text) == ("process absent", "33%")
    section = html.split('id="process-party-reporting"')[1].split("</section>")[0]
    # The score in words beside the verdict, and what each of them is.
    assert "<strong>33%</strong>: 1 of 3 counted dimensions present (" in section
    assert "<strong>process absent</strong>" in section
    assert "The panel's judgement of how the process works in practice." in section
    assert "How the score and the verdict relate." in html
    assert 'data-label="Score" data-figure="process-score"' in html
    # On a phone the ratings table reflows: every cell says which column it is.
    assert 'class="reflow"' in html
    html = client.get("/en/rounds/2016/pairs/citizens-parliament/").content.decode()
    recall = html.split('id="process-jk-recall"')[1].split("</section>")[0]
    assert "not assessed: its condition (demand for accountability) is absent" in recall


def test_a_citation_to_reverify_says_so_in_words_with_a_warning_sign(client, study_round):
    later = copy_round(study_round, year=2025, status=Round.Status.DRAFT)
    Citation.objects.filter(
        assessment__round=later, assessment__process__code="jk-elections"
    ).update(needs_reverification=True)
    publish(later)
    html = client.get("/ru/rounds/2025/pairs/citizens-parliament/").content.decode()
    section = html.split('id="process-jk-elections"')[1].split("</section>")[0]
    assert (
        section.count("Нужно перепроверить")
        == Citation.objects.filter(
            assessment__round=later, assessment__process__code="jk-elections"
        ).count()
    )
    assert '<span aria-hidden="true">⚠</span>' in section
    assert "✓" not in section and "✔" not in section
