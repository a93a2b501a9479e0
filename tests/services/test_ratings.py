"""Ratings: each expert's own, the chair's consensus, reasons, history, restore, no lost update."""

import pytest
from django.db import IntegrityError, connection, transaction

from assessments import services
from assessments.models import ExpertRating, Rating, Round

from ..factories import AssessmentFactory, PairFactory, RoundFactory, rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(panel_for, chair, expert, other_expert):
    round_ = RoundFactory(status=Round.Status.OPEN)
    assessment = AssessmentFactory(round=round_)
    panel_for(round_, chair=chair, experts=[expert, other_expert])
    return assessment


def test_each_expert_records_her_own_rating_with_a_reason(assessment, expert, other_expert):
    services.record_expert_rating(
        actor=expert,
        assessment=assessment,
        dimension="rules",
        value=1,
        justification="Art. 2",
        reason="first reading",
    )
    services.record_expert_rating(
        actor=other_expert, assessment=assessment, dimension="rules", value=0, reason="no by-law"
    )
    assert set(ExpertRating.objects.values_list("expert__username", "value")) == {
        ("aigul", 1),
        ("bakyt", 0),
    }
    disagreements = services.rating_disagreements([assessment.pk])
    ((_key, counts),) = disagreements.items()
    assert counts == {1: 1, 0: 1}


def test_only_the_chair_sets_the_consensus(assessment, chair, expert):
    with pytest.raises(services.NotAllowed):
        services.set_consensus(
            actor=expert, assessment=assessment, dimension="rules", value=1, reason="I think so"
        )
    rating = services.set_consensus(
        actor=chair,
        assessment=assessment,
        dimension="rules",
        value=1,
        justification="Panel agreed",
        reason="consensus",
    )
    assert (rating.value, rating.revision, rating.carried_over) == (1, 1, False)


def test_a_change_without_a_reason_is_refused(assessment, chair):
    with pytest.raises(services.InvalidInput, match="reason is required"):
        services.set_consensus(
            actor=chair, assessment=assessment, dimension="rules", value=1, reason="  "
        )
    assert not Rating.objects.exists()


def test_a_rating_outside_the_scale_is_refused_and_nothing_saved(assessment, chair):
    with pytest.raises(services.InvalidInput, match="outside the scale"):
        services.set_consensus(
            actor=chair, assessment=assessment, dimension="rules", value=5, reason="typo"
        )
    assert not Rating.objects.exists()


def test_an_outsider_cannot_rate(assessment, outsider):
    with pytest.raises(services.NotAllowed):
        services.record_expert_rating(
            actor=outsider, assessment=assessment, dimension="rules", value=1, reason="x"
        )


def test_a_panel_limited_to_some_pairs_rates_only_those(panel_for, expert):
    round_ = RoundFactory(status=Round.Status.OPEN)
    mine, theirs = PairFactory(), PairFactory()
    panel_for(round_, experts=[expert], pairs=[mine])
    allowed = AssessmentFactory(round=round_, process__pair=mine)
    refused = AssessmentFactory(round=round_, process__pair=theirs)
    services.record_expert_rating(
        actor=expert, assessment=allowed, dimension="rules", value=1, reason="ok"
    )
    with pytest.raises(services.NotAllowed):
        services.record_expert_rating(
            actor=expert, assessment=refused, dimension="rules", value=1, reason="not mine"
        )


def test_every_change_keeps_who_when_old_new_and_why(assessment, chair):
    rating = services.set_consensus(
        actor=chair, assessment=assessment, dimension="rules", value=1, reason="first"
    )
    services.set_consensus(
        actor=chair,
        assessment=assessment,
        dimension="rules",
        value=0,
        reason="law repealed",
        expected_revision=1,
    )
    history = list(Rating.objects.get(pk=rating.pk).history.order_by("history_date"))
    assert [(h.value, h.history_change_reason, h.history_user.username) for h in history] == [
        (1, "first", "chair"),
        (0, "law repealed", "chair"),
    ]
    delta = history[1].diff_against(history[0])
    assert [(c.field, c.old, c.new) for c in delta.changes if c.field == "value"] == [
        ("value", 1, 0)
    ]


def test_a_stale_update_is_refused_and_shows_the_other_change(assessment, chair):
    services.set_consensus(
        actor=chair, assessment=assessment, dimension="rules", value=1, reason="first"
    )
    services.set_consensus(
        actor=chair,
        assessment=assessment,
        dimension="rules",
        value=0,
        reason="second",
        expected_revision=1,
    )
    with pytest.raises(services.StaleWrite) as excinfo:
        services.set_consensus(
            actor=chair,
            assessment=assessment,
            dimension="rules",
            value=1,
            reason="based on revision 1",
            expected_revision=1,
        )
    assert excinfo.value.current["value"] == 0
    assert excinfo.value.current["revision"] == 2
    assert excinfo.value.changed_by == "chair"
    assert Rating.objects.get().value == 0


def test_an_update_must_name_the_revision_it_is_based_on(assessment, chair):
    services.set_consensus(
        actor=chair, assessment=assessment, dimension="rules", value=1, reason="first"
    )
    with pytest.raises(services.PreconditionRequired):
        services.set_consensus(
            actor=chair, assessment=assessment, dimension="rules", value=0, reason="blind"
        )


def test_restoring_an_earlier_value_is_itself_a_recorded_change(assessment, chair):
    rating = services.set_consensus(
        actor=chair,
        assessment=assessment,
        dimension="rules",
        value=1,
        justification="as in 2016",
        reason="first",
    )
    first = rating.history.get()
    services.set_consensus(
        actor=chair,
        assessment=assessment,
        dimension="rules",
        value=0,
        justification="mistake",
        reason="oops",
        expected_revision=1,
    )
    restored = services.restore_rating(
        actor=chair, rating=rating, history_id=first.history_id, reason="the change was a mistake"
    )
    assert (restored.value, restored.justification, restored.revision) == (1, "as in 2016", 3)
    latest = restored.history.order_by("-history_date").first()
    assert "Restored the version of" in latest.history_change_reason
    assert "the change was a mistake" in latest.history_change_reason


def test_a_published_round_refuses_every_rating_write(assessment, chair, expert):
    rate(assessment, rules=1)
    Round.objects.filter(pk=assessment.round_id).update(status=Round.Status.PUBLISHED)
    with pytest.raises(services.RoundFrozen):
        services.set_consensus(
            actor=chair,
            assessment=assessment,
            dimension="rules",
            value=0,
            reason="late",
            expected_revision=1,
        )
    with pytest.raises(services.RoundFrozen):
        services.record_expert_rating(
            actor=expert, assessment=assessment, dimension="rules", value=0, reason="late"
        )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_itself_refuses_writes_to_a_published_round(assessment):
    (rating,) = rate(assessment, rules=1)
    Round.objects.filter(pk=assessment.round_id).update(status=Round.Status.PUBLISHED)
    with pytest.raises(IntegrityError, match="published and frozen"), transaction.atomic():
        Rating.objects.filter(pk=rating.pk).update(value=0)
    with pytest.raises(IntegrityError, match="published and frozen"), transaction.atomic():
        Round.objects.filter(pk=assessment.round_id).update(year=1999)
