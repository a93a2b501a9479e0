"""The SQL form of the method (querysets.py) must agree with the pure one (scoring.py)."""

import random

import pytest

from assessments import scoring
from assessments.models import Pair, PanelMembership, ProcessAssessment
from assessments.selectors import round_inputs

from .factories import (
    AssessmentFactory,
    MethodologyFactory,
    PairFactory,
    PanelFactory,
    RoundFactory,
    UserFactory,
    rate,
)

pytestmark = pytest.mark.django_db


def assert_db_agrees_with_pure(round_):
    method, inputs = round_inputs(round_)
    pure = scoring.score_round(method, inputs)
    expected = {p.process: p for p in pure.processes}
    for a in ProcessAssessment.objects.for_round(round_).with_scores().select_related("process"):
        want = expected[a.process.code]
        assert a.is_included == want.included, a.process.code
        if want.score is None:
            assert a.score is None
        else:
            assert a.score == pytest.approx(float(want.score))
    indices = {p.pair: p.index for p in pure.pairs}
    for pair in Pair.objects.filter(code__in=indices).with_index(round_):
        want = indices[pair.code]
        assert (pair.index is None) == (want is None), pair.code
        if want is not None:
            assert pair.index == pytest.approx(float(want))


def test_the_2016_round_scores_the_same_in_sql_and_in_python(study_round):
    assert_db_agrees_with_pure(study_round)


@pytest.mark.parametrize("seed", range(5))
def test_random_rounds_score_the_same_in_sql_and_in_python(seed):
    rng = random.Random(seed)
    methodology = MethodologyFactory(scale_max=rng.choice([1, 3]))
    round_ = RoundFactory(methodology=methodology)
    for _ in range(3):
        pair = PairFactory()
        for _ in range(rng.randint(1, 4)):
            assessment = AssessmentFactory(round=round_, process__pair=pair)
            codes = ["rules", "demand", "motivation", "enforcement"]
            # Now and then a rating is missing: such a process is not scored.
            rated = [c for c in codes if rng.random() > 0.1]
            rate(assessment, **{c: rng.randint(0, methodology.scale_max) for c in rated})
    assert_db_agrees_with_pure(round_)


def test_the_round_s_expert_ratings_feed_agreement_and_intervals(study_round, expert, other_expert):
    from assessments import selectors, services
    from assessments.models import ExpertRating, Rating

    assert selectors.round_uncertainty(study_round)[1].overall.status == "no_expert_ratings"
    draft = services.start_next_round(
        actor=UserFactory(is_superuser=True), source=study_round, year=2031, reason="next"
    )
    panel = PanelFactory(round=draft)
    for member in (expert, other_expert):
        PanelMembership.objects.create(panel=panel, user=member)
    ExpertRating.objects.bulk_create(
        ExpertRating(
            assessment_id=rating.assessment_id,
            dimension_id=rating.dimension_id,
            expert=who,
            value=value,
        )
        for rating in Rating.objects.filter(assessment__round=draft)
        for who, value in ((expert, rating.value), (other_expert, 1))
    )
    agreement, intervals = selectors.round_uncertainty(draft)
    assert agreement.overall.experts == 2 and agreement.overall.units == 76
    assert intervals.overall.status == "computed" and intervals.overall.exact
    assert intervals.overall.low <= intervals.overall.high
