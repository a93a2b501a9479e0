"""The admin's comparison screen: two rounds side by side, deltas, charts; its query count."""

import pytest
from django.urls import reverse
from django.utils import translation

from assessments import permissions, services
from assessments.exchange import imports
from assessments.models import Citation, LegalAct, PanelMembership, ProcessAssessment, Round
from tests.conftest import load_study, rolled_back, user_in_role
from tests.factories import MethodologyFactory, PanelFactory, RoundFactory, UserFactory
from tests.imports.conftest import edit_xlsx, export_xlsx
from tests.imports.scenario import EDITS, confirm_carried_over, edited_2016_ratings

pytestmark = pytest.mark.django_db

# Queries for the whole screen comparing two rounds, with the series and six diagrams.
# Independent of the number of processes and ratings: an N+1 shows up here as a failure.
COMPARE_QUERIES = 49


def url(**params) -> str:
    with translation.override("en"):
        path = reverse("assessment_tools:compare")
    if not params:
        return path
    return path + "?" + "&".join(f"{k}={v}" for k, v in params.items())


@pytest.fixture(scope="module")
def year_2025(django_db_blocker):
    """2016 and the 2025 made from it, built once for the module's tests (each test's own
    writes are rolled back after it, and the whole at the module's end)."""
    with rolled_back(django_db_blocker):
        load_study()
        study_round = Round.objects.get(year=2016)
        staff = user_in_role("staff", permissions.STAFF)
        chair = user_in_role("chair", permissions.CHAIR)
        yield study_round, build_2025(study_round, staff, chair), staff


@pytest.fixture
def study_round(year_2025, db) -> Round:
    return year_2025[0]


@pytest.fixture
def rounds(year_2025, db) -> tuple[Round, Round]:
    return year_2025[0], year_2025[1]


@pytest.fixture
def staff(year_2025, db):
    return year_2025[2]


def build_2025(study_round, staff, chair) -> Round:
    """2025 from 2016 the way panels work: ratings edited in a spreadsheet and imported, a
    citation added and one dropped, one process reworded, one process added; published."""
    draft = services.start_next_round(
        actor=staff, source=study_round, year=2025, reason="The 2025 assessment starts"
    )
    PanelMembership.objects.create(panel=PanelFactory(round=draft), user=chair, role="chair")
    report = imports.run_import(
        kind="ratings",
        data=edited_2016_ratings(study_round),
        filename="r.xlsx",
        actor=chair,
        round_=draft,
        reason="Panel meeting",
        dry_run=False,
    )
    assert report.written
    elections = ProcessAssessment.objects.get(round=draft, process__code="jk-elections")
    services.add_citation(
        actor=chair,
        assessment=elections,
        act=LegalAct.objects.get(code="constitution"),
        edition=LegalAct.objects.get(code="constitution").editions.get(code="2021"),
        article="2",
        reason="The 2021 Constitution",
    )
    dropped = Citation.objects.filter(assessment=elections).order_by("position").first()
    services.remove_citation(
        actor=chair,
        citation=dropped,
        reason="Replaced by the 2021 text",
        expected_revision=dropped.revision,
    )
    recall = ProcessAssessment.objects.get(round=draft, process__code="jk-recall")
    services.update_assessment(
        actor=chair,
        assessment=recall,
        changes={"title_en": "Recall of the Jogorku Kenesh"},
        reason="Reworded in 2025",
        expected_revision=recall.revision,
    )

    def add_process(header, rows):
        new = [None] * len(header)
        for column, value in {
            "year": 2025,
            "version": 1,
            "pair": "citizens-parliament",
            "process": "jk-petitions",
            "position": 4,
            "name_en": "Electronic petitions",
            "name_ky": "Электрондук петициялар",
        }.items():
            new[header.index(column)] = value
        rows.append(new)

    processes = edit_xlsx(export_xlsx("processes", draft), add_process)
    report = imports.run_import(
        kind="processes",
        data=processes,
        filename="p.xlsx",
        actor=staff,
        round_=draft,
        reason="Petitions are assessed from 2025",
        dry_run=False,
    )
    assert report.written, [str(e) for e in report.errors]
    petitions = ProcessAssessment.objects.get(round=draft, process__code="jk-petitions")
    for code, value in {"rules": 1, "demand": 1, "motivation": 0, "enforcement": 0}.items():
        services.set_consensus(
            actor=chair, assessment=petitions, dimension=code, value=value, reason="First assessed"
        )
    confirm_carried_over(draft, chair)
    services.transition_round(actor=staff, round_=draft, to="open", reason="Rating opens")
    services.transition_round(actor=staff, round_=draft, to="review", reason="Review")
    return services.publish_round(actor=staff, round_=draft, reason="2025 published")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_changed_ratings_are_highlighted_with_the_reason_for_the_change(rounds, staff_client):
    html = staff_client.get(url(before="2016-v1", after="2025-v1")).content.decode()
    assert html.count('class="rating changed"') == len(EDITS)
    for _process, _dimension, value, reason in EDITS:
        assert f"<del>{1 - value}</del> → <ins>{value}</ins>" in html
        assert reason in html


def test_evidence_added_and_removed_is_listed_per_process(rounds, staff_client):
    response = staff_client.get(url(before="2016-v1", after="2025-v1"))
    rows = {p.process: p for p in response.context["comparison"].processes}
    assert rows["jk-elections"].citations_added == ["constitution@2021 art. 2"]
    assert rows["jk-elections"].citations_removed == ["constitution@2010 art. 2"]
    html = response.content.decode()
    assert "+ constitution@2021 art. 2" in html and "− constitution@2010 art. 2" in html


def test_processes_added_dropped_and_renamed_are_named(rounds, staff_client):
    response = staff_client.get(url(before="2016-v1", after="2025-v1"))
    context = response.context
    assert [p.process for p in context["added"]] == ["jk-petitions"]
    assert context["dropped"] == []
    assert [p.process for p in context["renamed"]] == ["jk-recall"]
    html = response.content.decode()
    assert 'class="process added"' in html and "Recall of the Jogorku Kenesh" in html


def test_index_deltas_per_pair_dimension_and_principal(rounds, staff_client):
    response = staff_client.get(url(before="2016-v1", after="2025-v1"))
    pairs = {d.key: d for d in response.context["pair_deltas"]}
    # citizens → parliament: 2016 (2/3 + 0) / 2; 2025 (1 + 0 + 1/3) / 3 with petitions.
    assert (pairs["citizens-parliament"].before_text, pairs["citizens-parliament"].after_text) == (
        "33%",
        "44%",
    )
    assert pairs["citizens-parliament"].delta_text == "+11 pp"
    assert {d.key for d in response.context["dimension_deltas"]} == {
        "rules",
        "motivation",
        "enforcement",
    }
    assert {d.key for d in response.context["principal_deltas"]} == {
        "citizens",
        "parliament",
        "parties",
    }
    html = response.content.decode()
    assert 'id="pair-deltas"' in html and 'id="dimension-deltas"' in html
    assert 'id="principal-deltas"' in html


def test_charts_for_each_round_and_the_series_are_drawn_and_exportable(rounds, staff_client):
    response = staff_client.get(url(before="2016-v1", after="2025-v1"))
    html = response.content.decode()
    assert html.count('<figure class="chart"') == 7
    assert [rc["round"].year for rc in response.context["round_charts"]] == [2016, 2025]
    series = response.context["series"]
    assert series["labels"] == ["2016", "2025"]
    chart = staff_client.get(
        reverse("assessment_tools:round-chart", kwargs={"key": "2025-v1", "chart": "pairs"})
    )
    assert chart["Content-Type"].startswith("image/svg+xml")
    assert chart["Content-Disposition"] == 'attachment; filename="round-2025-v1-pairs.svg"'
    assert chart.content.startswith(b"<svg")
    whole = staff_client.get(reverse("assessment_tools:series-chart") + "?rounds=2016-v1,2025-v1")
    assert whole["Content-Disposition"] == 'attachment; filename="pair-index-series.svg"'
    assert b"2025" in whole.content


def test_a_year_range_compares_its_first_and_last_round(rounds, staff_client):
    response = staff_client.get(url(year_from=2010, year_to=2030))
    assert (response.context["before"].year, response.context["after"].year) == (2016, 2025)


def test_different_methodologies_are_warned_about(rounds, staff_client):
    RoundFactory(
        year=2040, methodology=MethodologyFactory(version="2040"), status=Round.Status.PUBLISHED
    )
    response = staff_client.get(url(before="2016-v1", after="2040-v1"))
    html = response.content.decode()
    assert 'class="errornote methodology-warning"' in html
    warning = response.context["methodology_warning"]
    # Each named as people read it, by title and version, never by its code.
    assert str(response.context["before"].methodology) in warning
    assert "(2040)" in warning and "@" not in warning


def test_the_same_methodology_gives_no_warning(rounds, staff_client):
    response = staff_client.get(url(before="2016-v1", after="2025-v1"))
    assert response.context["methodology_warning"] is None
    assert 'class="errornote methodology-warning"' not in response.content.decode()


def test_the_screen_takes_a_fixed_number_of_queries(
    rounds, staff_client, django_assert_num_queries
):
    staff_client.get(url(before="2016-v1", after="2025-v1"))  # sessions, caches warm
    with django_assert_num_queries(COMPARE_QUERIES):
        response = staff_client.get(url(before="2016-v1", after="2025-v1"))
    assert response.status_code == 200


def test_a_panel_member_cannot_compare_a_draft_she_does_not_work_on(rounds, client):
    study, _later = rounds
    Round.objects.create(year=2031, title_en="Draft", methodology=study.methodology)
    client.force_login(UserFactory(username="reader"))
    response = client.get(url(before="2016-v1", after="2031-v1"))
    assert response.status_code == 200
    assert "comparison" not in response.context
    assert response.context["form"].errors
    chart = client.get(
        reverse("assessment_tools:round-chart", kwargs={"key": "2031-v1", "chart": "pairs"})
    )
    assert chart.status_code == 404


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(url())
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_compare_with_from_a_round_page_takes_the_round_it_started_from(rounds, staff_client):
    response = staff_client.get(url(after="2025-v1"))
    assert (response.context["before"].year, response.context["after"].year) == (2016, 2025)


def test_the_round_and_rating_lists_link_to_the_tools(study_round, staff_client):
    with translation.override("en"):
        rounds_page = staff_client.get(reverse("admin:assessments_round_changelist"))
        ratings_page = staff_client.get(reverse("admin:assessments_rating_changelist"))
        compare, importer, exporter = (
            reverse(f"assessment_tools:{name}") for name in ("compare", "import", "export")
        )
    assert compare in rounds_page.content.decode()
    assert f"{importer}?kind=ratings" in ratings_page.content.decode()
    assert f"{exporter}?kind=ratings" in ratings_page.content.decode()


def test_a_round_page_links_to_its_comparison(study_round, staff_client):
    with translation.override("en"):
        page = staff_client.get(reverse("admin:assessments_round_change", args=[study_round.pk]))
        link = reverse("assessment_tools:compare") + "?after=2016-v1"
    assert link in page.content.decode()
