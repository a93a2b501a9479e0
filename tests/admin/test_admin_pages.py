"""The admin shows the whole 2016 round, in each language, with a fixed number of queries."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from assessments import selectors, services
from assessments.models import LegalActEdition, ProcessAssessment, Rating, Round

from ..factories import AssessmentFactory, LegalActFactory, RoundFactory

pytestmark = pytest.mark.django_db

# Queries per changelist page, with the 2016 round loaded. Independent of the
# number of rows: a new N+1 shows up here as a failure.
CHANGELIST_QUERIES = {
    "methodology": 5,
    "dimension": 6,
    "scalelevel": None,
    "subject": 5,
    "subjectname": None,
    "pair": 7,
    "process": 6,
    "round": 6,
    "processassessment": 9,  # + the scale's labels, shown instead of numbers
    "rating": 10,
    "citation": 7,
    "legalact": 5,
    "legalactedition": 6,
    "recommendation": 7,
    "developmentinitiative": 6,
    "publishedfigure": 6,
    "expertrating": 10,
    "panel": 7,
    "thread": 7,
}


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


def registered_models():
    return sorted(
        m._meta.model_name for m in admin.site._registry if m._meta.app_label == "assessments"
    )


def test_every_model_of_the_domain_is_in_the_admin():
    from django.apps import apps

    domain = {
        m._meta.model_name
        for m in apps.get_app_config("assessments").get_models()
        if not m._meta.model_name.startswith("historical")
    }
    # Edited inline: scale levels on their methodology, former names on their subject,
    # memberships on their panel, comments on their thread. Peer review and the right of
    # reply have their own screens (Tools → Peer review, Right of reply), where every
    # write goes through their services. The names a round was published with are
    # written by publication alone and read on the round's own pages.
    assert domain - set(registered_models()) == {
        "scalelevel",
        "subjectname",
        "panelmembership",
        "comment",
        "reviewassignment",
        "reviewcomment",
        "replywindow",
        "reply",
        "nameaspublished",
    }


@pytest.fixture
def panel_work(study_round, panel_for, chair, expert, other_expert):
    """A draft round beside 2016 with a panel at work: expert ratings and discussion."""
    round_ = RoundFactory(methodology=study_round.methodology, status=Round.Status.OPEN)
    panel_for(round_, chair=chair, experts=[expert, other_expert])
    for _ in range(3):
        assessment = AssessmentFactory(round=round_)
        for user, value in ((expert, 1), (other_expert, 0), (chair, 1)):
            services.record_expert_rating(
                actor=user,
                assessment=assessment,
                dimension="rules",
                value=value,
                reason="first reading",
            )
        thread = services.start_thread(actor=expert, assessment=assessment, body="Why 0?")
        services.reply(actor=other_expert, thread=thread, body="No by-law.")
    return round_


@pytest.mark.parametrize("model", [m for m, n in CHANGELIST_QUERIES.items() if n is not None])
def test_changelists_open_with_a_fixed_number_of_queries(
    staff_client, panel_work, django_assert_num_queries, model
):
    url = reverse(f"admin:assessments_{model}_changelist")
    with django_assert_num_queries(CHANGELIST_QUERIES[model]):
        response = staff_client.get(url)
    assert response.status_code == 200


def test_the_round_page_shows_each_pair_its_processes_ratings_and_citations(
    staff_client, study_round
):
    with translation.override("en"):
        url = reverse("admin:assessments_round_change", args=[study_round.pk])
    response = staff_client.get(url)
    assert response.status_code == 200
    overview = response.context["overview"]
    assert len(overview) == 5
    assert sum(len(entry["assessments"]) for entry in overview) == 19
    for entry in overview:
        for row in entry["assessments"]:
            assert [r.dimension.code for r in row["ratings"]] == [
                "rules",
                "demand",
                "motivation",
                "enforcement",
            ]
    html = response.content.decode()
    assert "Law on the Rules of Procedure" in html or "Rules of Procedure" in html
    assert "3 published figures disagree" not in html  # the appendix mismatches count too
    # The disagreeing index is named, not coded: "Citizens – political parties", 11 vs 22.
    assert "citizens-parties" not in html.split('class="mismatches"')[1]
    assert "<td>pair index</td><td>Citizens – political parties</td><td>11</td><td>22</td>" in html


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ky", "Жогорку Кеңеш"), ("ru", "Жогорку Кенеш"), ("en", "Jogorku Kenesh")],
)
def test_the_round_reads_in_each_language(staff_client, study_round, language, expected):
    url = f"/{language}/admin/assessments/round/{study_round.pk}/change/"
    response = staff_client.get(url)
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_a_process_assessment_page_shows_its_four_ratings_and_citations(staff_client, study_round):
    assessment = ProcessAssessment.objects.get(round=study_round, process__code="jk-elections")
    response = staff_client.get(
        reverse("admin:assessments_processassessment_change", args=[assessment.pk])
    )
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.queryset.count() == 4
    assert response.context["inline_admin_formsets"][1].formset.queryset.count() >= 2


def test_a_published_round_is_read_only_in_the_admin(staff_client, study_round):
    rating = Rating.objects.for_round(study_round).first()
    url = reverse("admin:assessments_rating_change", args=[rating.pk])
    assert 'name="_save"' not in staff_client.get(url).content.decode()
    # A save sent anyway (from a page opened before publication) is refused on the page.
    response = staff_client.post(url, {"value": 1 - rating.value, "dimension": rating.dimension_id})
    assert response.status_code == 200
    assert "is published and cannot change" in response.content.decode()
    rating.refresh_from_db()
    assert rating.revision == 1


def test_the_list_scores_each_process_as_the_round_page_does(staff_client, study_round):
    # Counting citations and threads by a join once multiplied each score by their number
    # (jk-elections, six citations: 400 % instead of 67 %).
    url = reverse("admin:assessments_processassessment_changelist")
    response = staff_client.get(url, {"round__id__exact": study_round.pk})
    listed = {a.process.code: a for a in response.context["cl"].result_list}
    report = selectors.round_report(study_round).report.scores.processes
    computed = {p.process: p.score for p in report}
    assert len(listed) == len(computed) == 19
    for code, assessment in listed.items():
        expected = computed[code]
        if expected is None:
            assert assessment.score is None, code
        else:
            assert assessment.score == pytest.approx(float(expected)), code
    assert listed["jk-elections"].citation_count == 6


def _process_page(client, assessment) -> tuple[int, str]:
    url = reverse("admin:assessments_processassessment_change", args=[assessment.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize(("role", "queries"), [("staff", 20), ("expert", 31)])
def test_a_process_page_reads_its_rows_once_however_many_it_has(
    client, admin_user, expert, panel_work, chair, role, queries
):
    """A process with one citation and one with many open with the same queries, for staff
    (who may change its rows) and for an expert of its panel (who reads them): each row of
    the ratings and citations is drawn from what the page read once (the options of its
    selects, the names of the chosen acts and editions, the row's own label), and the
    process itself, with its scores computed in SQL, is read once."""
    client.force_login(admin_user if role == "staff" else expert)
    assessment = ProcessAssessment.objects.filter(round=panel_work).first()
    acts = LegalActFactory.create_batch(3)
    editions = [
        LegalActEdition.objects.create(act=act, code="2010", title_en=f"{act} (2010)")
        for act in acts
    ]
    services.add_citation(
        actor=chair, assessment=assessment, act=acts[0], edition=editions[0], reason="evidence"
    )
    _process_page(client, assessment)  # the content types the admin caches, read
    few, _html = _process_page(client, assessment)
    for act, edition in zip(acts, editions, strict=True):
        for article in ("12", "13"):
            services.add_citation(
                actor=chair,
                assessment=assessment,
                act=act,
                edition=edition,
                article=article,
                reason="evidence",
            )
    for dimension in panel_work.methodology.dimensions.all():
        services.set_consensus(
            actor=chair, assessment=assessment, dimension=dimension, value=1, reason="agreed"
        )
    many, html = _process_page(client, assessment)
    assert many == few == queries
    if role == "staff":
        # Every citation still names its own act, chosen, in its select.
        for act in acts:
            assert html.count(f'<option value="{act.pk}" selected>{act}</option>') == (
                3 if act == acts[0] else 2
            )
