"""A change names only the fields its service may write: a misspelt or forbidden field is
refused with its name, never dropped in silence, and nothing is saved."""

import pytest

from assessments import services
from assessments.models import Round

from ..factories import AssessmentFactory, LegalActFactory, RoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(db):
    return AssessmentFactory(round=RoundFactory(status=Round.Status.OPEN))


def test_an_assessment_refuses_a_field_it_does_not_have(staff, assessment):
    with pytest.raises(services.InvalidInput, match="cannot be changed here: round, verdikt"):
        services.update_assessment(
            actor=staff,
            assessment=assessment,
            changes={"verdikt": "x", "round": 1, "justification_en": "kept?"},
            reason="typo",
            expected_revision=None,
        )
    assessment.refresh_from_db()
    assert not assessment.justification_en


def test_a_citation_refuses_a_field_it_does_not_have(staff, assessment):
    citation = services.add_citation(
        actor=staff, assessment=assessment, act=LegalActFactory(), article="5", reason="cite"
    )
    with pytest.raises(services.InvalidInput, match="cannot be changed here: assessment"):
        services.update_citation(
            actor=staff,
            citation=citation,
            changes={"assessment": 1, "article": "6"},
            reason="move",
            expected_revision=None,
        )
    citation.refresh_from_db()
    assert citation.article == "5"


def test_a_round_refuses_a_text_it_does_not_have(staff, assessment):
    round_ = assessment.round
    with pytest.raises(services.InvalidInput, match="cannot be changed here: status"):
        services.update_round(
            actor=staff,
            round_=round_,
            texts={"status": {"en": "published"}, "title": {"en": "New"}},
            reason="sneak",
            expected_revision=None,
        )
    round_.refresh_from_db()
    assert round_.status == Round.Status.OPEN and round_.title_en != "New"
