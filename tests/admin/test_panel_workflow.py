"""The panel's work in the admin: reasons, stale edits, history and restore, lifecycle, scoping."""

import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from assessments import services
from assessments.models import Round

from ..factories import AssessmentFactory, PairFactory, RoundFactory, rate


def url(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


@pytest.fixture
def open_round(db, panel_for, chair, expert):
    round_ = RoundFactory(status=Round.Status.OPEN)
    assessment = AssessmentFactory(round=round_)
    (rating,) = rate(assessment, rules=1)
    panel_for(round_, chair=chair, experts=[expert])
    return round_, assessment, rating


def post_rating(client, rating, value, reason="checked", revision=None):
    return client.post(
        url("admin:assessments_rating_change", rating.pk),
        {
            "value": value,
            "justification_ky": "",
            "justification_ru": "",
            "justification_en": "x",
            "reason": reason,
            "expected_revision": rating.revision if revision is None else revision,
        },
    )


@pytest.mark.django_db
def test_the_chair_changes_a_rating_with_a_reason_and_the_history_shows_it(open_round, chair):
    _round, _assessment, rating = open_round
    client = Client()
    client.force_login(chair)
    response = post_rating(client, rating, 0, reason="the by-law was repealed")
    assert response.status_code == 302, response.content.decode()[:2000]
    rating.refresh_from_db()
    assert (rating.value, rating.revision) == (0, 2)
    history = client.get(url("admin:assessments_rating_history", rating.pk))
    html = history.content.decode()
    assert "the by-law was repealed" in html
    assert "rating: 1 → 0" in html
    assert "chair" in html


@pytest.mark.django_db
def test_a_change_without_a_reason_is_refused_on_the_form(open_round, chair):
    _round, _assessment, rating = open_round
    client = Client()
    client.force_login(chair)
    response = post_rating(client, rating, 0, reason="")
    assert response.status_code == 200
    assert "reason" in response.context["adminform"].form.errors
    rating.refresh_from_db()
    assert rating.value == 1


@pytest.mark.django_db
def test_a_stale_form_is_refused_and_shows_the_other_change(open_round, chair, staff):
    _round, assessment, rating = open_round
    services.set_consensus(
        actor=staff,
        assessment=assessment,
        dimension="rules",
        value=0,
        reason="staff correction",
        expected_revision=1,
    )
    client = Client()
    client.force_login(chair)
    response = post_rating(client, rating, 1, revision=1)  # the chair opened revision 1
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "Someone else saved this" in errors and "staff correction" in errors
    rating.refresh_from_db()
    assert (rating.value, rating.revision) == (0, 2)


@pytest.mark.django_db
def test_an_expert_cannot_change_the_consensus(open_round, expert):
    _round, _assessment, rating = open_round
    client = Client()
    client.force_login(expert)
    response = post_rating(client, rating, 0)
    assert response.status_code == 403
    rating.refresh_from_db()
    assert rating.value == 1


@pytest.mark.django_db
def test_an_earlier_value_can_be_restored_with_a_reason(open_round, chair):
    _round, assessment, rating = open_round
    first = rating.history.get()
    services.set_consensus(
        actor=chair,
        assessment=assessment,
        dimension="rules",
        value=0,
        reason="mistake",
        expected_revision=1,
    )
    client = Client()
    client.force_login(chair)
    restore = url("admin:assessments_rating_restore", rating.pk, first.history_id)
    assert client.post(restore, {"reason": ""}).status_code == 200  # a reason is required
    response = client.post(restore, {"reason": "undo the mistake"})
    assert response.status_code == 302
    rating.refresh_from_db()
    assert (rating.value, rating.revision) == (1, 3)
    assert "undo the mistake" in rating.history.latest("history_date").history_change_reason


@pytest.mark.django_db
def test_members_see_only_the_rounds_and_pairs_they_work_on(panel_for, expert, outsider):
    mine, theirs = PairFactory(), PairFactory()
    round_ = RoundFactory(status=Round.Status.OPEN)
    panel_for(round_, experts=[expert], pairs=[mine])
    covered = AssessmentFactory(round=round_, process__pair=mine)
    hidden = AssessmentFactory(round=round_, process__pair=theirs)
    client = Client()
    client.force_login(expert)
    listing = client.get(url("admin:assessments_processassessment_changelist"))
    shown = {a.pk for a in listing.context["cl"].queryset}
    assert covered.pk in shown and hidden.pk not in shown
    assert client.get(url("admin:assessments_processassessment_change", hidden.pk)).status_code in (
        302,
        404,
    )
    client.force_login(outsider)
    assert client.get(url("admin:assessments_round_change", round_.pk)).status_code in (302, 404)


@pytest.mark.django_db
def test_staff_publish_from_the_round_page_and_blocks_are_explained(open_round, staff, chair):
    round_, assessment, _rating = open_round
    client = Client()
    client.force_login(staff)
    lifecycle = url("admin:assessments_round_lifecycle", round_.pk)
    client.post(lifecycle, {"action": "review", "reason": "done rating"})
    response = client.post(lifecycle, {"action": "publish", "reason": "approved"})
    assert response.status_code == 200
    assert "no consensus rating on demand, motivation, enforcement" in response.content.decode()
    rate(assessment, demand=1, motivation=0, enforcement=0)
    thread = services.start_thread(actor=chair, assessment=assessment, body="Sure?")
    response = client.post(lifecycle, {"action": "publish", "reason": "approved"})
    assert "still open" in response.content.decode()
    response = client.post(
        lifecycle, {"action": "publish", "reason": "approved", "override_open_threads": "on"}
    )
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.status == Round.Status.PUBLISHED
    last = round_.history.latest("history_date")
    assert "published over 1 open thread" in last.history_change_reason
    # Frozen now: the rating form is read-only; a POST sent from a page opened before is
    # refused on that page with the reason; the thread stays as it was.
    response = post_rating(client, _rating, 0)
    assert response.status_code == 200
    assert "is published and cannot change" in response.content.decode()
    _rating.refresh_from_db()
    assert (_rating.value, _rating.revision) == (1, 1)
    with pytest.raises(services.RoundFrozen):
        services.resolve_thread(actor=staff, thread=thread)


@pytest.mark.django_db
def test_chairs_cannot_publish(open_round, chair):
    round_, _a, _r = open_round
    client = Client()
    client.force_login(chair)
    response = client.post(
        url("admin:assessments_round_lifecycle", round_.pk), {"action": "review", "reason": "x"}
    )
    assert response.status_code == 403


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_admin_saves_one_wins_the_other_is_told(panel_for, chair, staff):
    round_ = RoundFactory(status=Round.Status.OPEN)
    assessment = AssessmentFactory(round=round_)
    (rating,) = rate(assessment, rules=1)
    panel_for(round_, chair=chair)
    clients = []
    for user in (chair, staff):
        c = Client()
        c.force_login(user)
        c.get(url("admin:assessments_rating_change", rating.pk))  # both open revision 1
        clients.append(c)
    barrier = threading.Barrier(2)
    responses = [None, None]

    def save(i, value):
        try:
            barrier.wait(timeout=10)
            responses[i] = post_rating(clients[i], rating, value, reason=f"edit {i}", revision=1)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(i, v)) for i, v in ((0, 0), (1, 1))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    rating.refresh_from_db()
    assert rating.revision == 2  # exactly one save landed
    assert rating.history.count() == 2
    refused = []
    for response in responses:
        if response.status_code == 200:  # caught by the form's early check
            refused.append(" ".join(response.context["adminform"].form.non_field_errors()))
        else:
            text = " ".join(str(m) for m in get_messages(response.wsgi_request))
            if "Someone else" in text:  # caught by the service under the row lock
                refused.append(text)
    assert len(refused) == 1 and "Someone else" in refused[0]
