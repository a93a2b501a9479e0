"""Bad data is refused by the database itself, and by validation with a clear message."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from assessments.models import Citation, Dimension, Pair, Rating

from .factories import (
    AssessmentFactory,
    LegalActFactory,
    MethodologyFactory,
    PairFactory,
    RatingFactory,
    SubjectFactory,
)

pytestmark = pytest.mark.django_db


def test_a_pair_whose_principal_is_its_agent_is_refused():
    subject = SubjectFactory()
    pair = Pair(code="self", principal=subject, agent=subject, name_en="self")
    with pytest.raises(ValidationError, match="principal and agent must differ"):
        pair.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        pair.save()


def test_the_same_ordered_pair_cannot_exist_twice_but_its_reverse_can():
    pair = PairFactory()
    PairFactory(principal=pair.agent, agent=pair.principal)
    with pytest.raises(IntegrityError), transaction.atomic():
        PairFactory(principal=pair.principal, agent=pair.agent)


def test_a_process_is_rated_once_per_dimension_in_a_round():
    rating = RatingFactory()
    twice = Rating(assessment=rating.assessment, dimension=rating.dimension, value=0)
    with pytest.raises(ValidationError, match="already rated on this dimension"):
        twice.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        twice.save()


@pytest.mark.parametrize("value", [2, 7])
def test_a_rating_above_the_scale_is_refused_with_the_scale_named(value):
    rating = RatingFactory.build(assessment=AssessmentFactory(), value=value)
    rating.dimension = rating.assessment.round.methodology.dimensions.get(code="rules")
    with pytest.raises(
        ValidationError,
        match=rf"{value} is outside the scale \(0 to 1\) of the round.s methodology",
    ):
        rating.full_clean()


def test_a_negative_rating_is_refused_by_the_database():
    rating = RatingFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.filter(pk=rating.pk).update(value=-1)


def test_a_rating_on_another_methodologys_dimension_is_refused():
    assessment = AssessmentFactory()
    foreign = MethodologyFactory().dimensions.get(code="rules")
    rating = Rating(assessment=assessment, dimension=foreign, value=1)
    with pytest.raises(ValidationError, match="another methodology"):
        rating.full_clean()


def test_a_methodology_has_at_most_one_gating_dimension():
    methodology = MethodologyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Dimension.objects.create(
            methodology=methodology, code="second-gate", is_scored=False, is_gating=True
        )


def test_the_gating_dimension_is_not_scored():
    methodology = MethodologyFactory(dimensions=[("rules", True, False)])
    with pytest.raises(IntegrityError), transaction.atomic():
        Dimension.objects.create(
            methodology=methodology, code="gate", is_scored=True, is_gating=True
        )


def test_a_citation_must_point_to_a_known_act():
    assessment = AssessmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Citation.objects.create(assessment=assessment, act_id=999_999, article="1")
        # PostgreSQL defers foreign keys to commit; ask for the check now.
        connection.check_constraints(table_names=[Citation._meta.db_table])


def test_a_citations_edition_must_belong_to_its_act():
    act, other = LegalActFactory(), LegalActFactory()
    edition = other.editions.create(code="2010")
    citation = Citation(assessment=AssessmentFactory(), act=act, edition=edition, article="2")
    with pytest.raises(ValidationError, match="another act"):
        citation.full_clean()
