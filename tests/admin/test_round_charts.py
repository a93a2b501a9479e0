"""A round's chart page in the admin, beside its figures; and citations to re-verify said in
words, not with the admin's green tick."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import translation

from assessments.images import PNG_SIGNATURE, png_size
from assessments.models import Citation, Round
from tests.web.rounds import copy_round

pytestmark = pytest.mark.django_db

# The chart page of a round: its report once, the series of the published rounds before it.
CHART_PAGE_QUERIES = 21  # one for the experts' own ratings: the whiskers


def url(name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(f"assessment_tools:{name}", kwargs=kwargs)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def drawn_text(content: bytes) -> str:
    root = ET.fromstring(content)
    return " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}tspan"))


def test_the_round_page_links_to_its_charts(staff_client, study_round):
    html = staff_client.get(
        reverse("admin:assessments_round_change", args=[study_round.pk])
    ).content.decode()
    assert f'href="{url("round-charts", key="2016-v1")}"' in html
    assert "How the score and the verdict relate." not in html  # the public site's heading
    assert "The verdict is the panel's judgement" in html


def test_the_chart_page_shows_each_diagram_beside_its_figures(
    staff_client, study_round, django_assert_num_queries
):
    with django_assert_num_queries(CHART_PAGE_QUERIES):
        response = staff_client.get(url("round-charts", key="2016-v1"))
    assert response.status_code == 200
    html = response.content.decode()
    assert [d.key for d in response.context["charts"]] == ["dimensions", "principals", "pairs"]
    for key in ("dimensions", "principals", "pairs", "series"):
        assert f'id="chart-{key}"' in html
    # Each chart in both layouts, its table of figures, and its files.
    assert html.count('data-layout="wide"') == 4 and html.count('data-layout="narrow"') == 4
    assert html.count("<caption>The figures</caption>") == 4
    assert url("round-chart-png", key="2016-v1", chart="pairs") in html
    pairs = response.context["charts"][2]
    assert ("Citizens – political parties", ["22%"]) in pairs.rows
    assert 'href="/en/rounds/2016/"' in html  # published: its public page


def test_a_chart_downloads_as_png_and_svg_with_its_credits(staff_client, study_round):
    png = staff_client.get(url("round-chart-png", key="2016-v1", chart="dimensions"))
    assert png["Content-Type"] == "image/png"
    assert png["Content-Disposition"] == 'attachment; filename="round-2016-v1-dimensions.png"'
    assert png.content.startswith(PNG_SIGNATURE) and png_size(png.content)[0] == 1440
    svg = staff_client.get(url("round-chart", key="2016-v1", chart="dimensions"))
    drawn = drawn_text(svg.content)
    assert "Round 2016, version 1. Methodology: Four-dimension concept" in drawn
    assert "Licence: CC BY 4.0." in drawn
    assert "Source: Development Policy Institute" in drawn
    series = staff_client.get(url("series-chart-png") + "?rounds=2016-v1")
    assert series.content.startswith(PNG_SIGNATURE)


def test_a_draft_round_has_charts_that_say_it_is_not_published(staff_client, study_round):
    copy_round(study_round, year=2031, status=Round.Status.DRAFT)
    response = staff_client.get(url("round-charts", key="2031-v1"))
    assert response.status_code == 200
    assert "This round is not published" in response.content.decode()
    drawn = drawn_text(staff_client.get(url("round-chart", key="2031-v1", chart="pairs")).content)
    assert "Round 2031, version 1. Methodology:" in drawn and "(not published)" in drawn


def test_someone_who_may_not_see_a_round_gets_a_404(client, outsider, study_round):
    copy_round(study_round, year=2031, status=Round.Status.DRAFT)
    outsider.is_staff = True
    outsider.save()
    client.force_login(outsider)
    assert client.get(url("round-charts", key="2031-v1")).status_code == 404
    assert client.get(url("round-chart-png", key="2031-v1", chart="pairs")).status_code == 404


def test_a_citation_to_reverify_reads_to_reverify_not_a_green_tick(staff_client, study_round):
    later = copy_round(study_round, year=2031, status=Round.Status.DRAFT)
    citation = Citation.objects.filter(assessment__round=later).first()
    Citation.objects.filter(pk=citation.pk).update(needs_reverification=True)
    html = staff_client.get(
        reverse("admin:assessments_citation_changelist") + "?assessment__round__id__exact="
        f"{later.pk}"
    ).content.decode()
    assert "to re-verify" in html
    assert "icon-yes" not in html
    # A published round's citations are read-only on their process's page: words there too.
    frozen = Citation.objects.filter(assessment__round=study_round).first()
    html = staff_client.get(
        reverse("admin:assessments_processassessment_change", args=[frozen.assessment_id])
    ).content.decode()
    assert "icon-yes" not in html and "icon-no" not in html


def test_a_process_assessment_says_how_its_verdict_and_score_relate(staff_client, study_round):
    frozen = Citation.objects.filter(assessment__round=study_round).first()
    html = staff_client.get(
        reverse("admin:assessments_processassessment_change", args=[frozen.assessment_id])
    ).content.decode()
    assert "The score is computed from the ratings; the two can differ" in html
