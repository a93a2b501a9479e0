"""Many consensus ratings at once: set_consensus's rules for each, all or none, history kept."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import services
from assessments.models import Rating, Round
from assessments.services import bulk

from ..factories import AssessmentFactory, PairFactory, ProcessFactory, RoundFactory, rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_round(panel_for, chair, expert):
    round_ = RoundFactory(status=Round.Status.OPEN)
    panel_for(round_, chair=chair, experts=[expert])
    return round_


def _assessments(round_, n: int, pair=None):
    pair = pair or PairFactory()
    return [AssessmentFactory(round=round_, process=ProcessFactory(pair=pair)) for _ in range(n)]


def _writes(assessments, dimension: str = "rules", value: int = 1, **kwargs):
    return [
        bulk.ConsensusWrite(
            assessment=a,
            dimension=a.round.methodology.dimensions.get(code=dimension),
            value=value,
            reason=f"panel meeting on {a.process.code}",
            **kwargs,
        )
        for a in assessments
    ]


def test_new_and_changed_ratings_are_written_with_their_history_and_reasons(open_round, chair):
    first, second = _assessments(open_round, 2)
    (old,) = rate(first, rules=0)
    writes = _writes([first, second], texts={"en": "Art. 5 applies"})
    writes[0].expected_revision = old.revision
    bulk.set_consensus_many(actor=chair, round_=open_round, writes=writes)
    changed = Rating.objects.get(pk=old.pk)
    created = Rating.objects.get(assessment=second)
    assert (changed.value, changed.revision, changed.justification_en) == (1, 2, "Art. 5 applies")
    assert (created.value, created.revision, created.carried_over) == (1, 1, False)
    for rating, kind in ((changed, "~"), (created, "+")):
        record = rating.history.first()
        assert record.history_type == kind
        assert record.history_user == chair
        assert record.history_change_reason == f"panel meeting on {rating.assessment.process.code}"
        assert record.value == 1


def test_every_refused_rating_is_reported_and_nothing_is_written(open_round, chair):
    ratings = _assessments(open_round, 3)
    (stale,) = rate(ratings[1], rules=0)
    writes = _writes(ratings)
    writes[1].expected_revision = stale.revision + 1  # someone changed it since
    writes[2].value = 7  # off the scale
    with pytest.raises(bulk.BulkRefused) as refused:
        bulk.set_consensus_many(actor=chair, round_=open_round, writes=writes)
    kinds = [(i, type(e)) for i, e in refused.value.refusals]
    assert kinds == [(1, services.StaleWrite), (2, services.InvalidInput)]
    assert "outside the scale" in refused.value.refusals[1][1].message
    assert Rating.objects.filter(assessment__round=open_round).count() == 1
    assert not Rating.history.filter(assessment=ratings[0]).exists()


def test_an_expert_may_not_and_a_frozen_round_refuses_all(open_round, chair, expert):
    writes = _writes(_assessments(open_round, 2))
    with pytest.raises(bulk.BulkRefused) as refused:
        bulk.set_consensus_many(actor=expert, round_=open_round, writes=writes)
    assert {type(e) for _i, e in refused.value.refusals} == {services.NotAllowed}
    Round.objects.filter(pk=open_round.pk).update(status=Round.Status.PUBLISHED)
    with pytest.raises(services.RoundFrozen):
        bulk.set_consensus_many(actor=chair, round_=open_round, writes=writes)
    assert not Rating.objects.filter(assessment__round=open_round).exists()


def test_the_queries_do_not_grow_with_the_number_of_ratings(open_round, chair):
    counts = []
    for n in (3, 30):
        writes = _writes(_assessments(open_round, n, pair=PairFactory()))
        actor = type(chair).objects.get(pk=chair.pk)  # her groups read again, as per request
        with CaptureQueriesContext(connection) as queries:
            bulk.set_consensus_many(actor=actor, round_=open_round, writes=writes)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_many_changes_to_the_same_value_each_get_their_revision_and_history(open_round, chair):
    assessments = _assessments(open_round, 5)
    bulk.set_consensus_many(actor=chair, round_=open_round, writes=_writes(assessments))
    writes = _writes(assessments, value=0, expected_revision=1)
    writes[0].texts = {"ru": "Статья 5"}  # one row changes its text too: written apart
    bulk.set_consensus_many(actor=chair, round_=open_round, writes=writes)
    ratings = Rating.objects.filter(assessment__in=assessments).order_by("assessment_id")
    assert [(r.value, r.revision) for r in ratings] == [(0, 2)] * 5
    assert ratings[0].justification_ru == "Статья 5"
    for rating in ratings:
        assert [h.value for h in rating.history.order_by("history_date")] == [1, 0]
        assert rating.history.first().revision == 2
