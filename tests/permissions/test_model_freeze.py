"""The model layer refuses every write to a published round, on SQLite as on PostgreSQL.

Issue 11: on SQLite, the quick start, rows were written into the published 2016 round
(the database triggers exist on PostgreSQL only). Now a `save()`, a `delete()`, a
queryset's `delete()` and a many-to-many link of a published round's row raise
`RoundFrozen` with the reason before any SQL is sent, and a form (the admin's or any
ModelForm) reports it as a form error and writes nothing.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import modelform_factory
from django.utils import translation

from assessments import freeze, services
from assessments.models import Recommendation, Round

from .world import DRAFT, PUBLISHED

pytestmark = pytest.mark.django_db

GUARDED = sorted(freeze.ROUND_PATHS)
REASON = (
    "Round 2030 (version 1) is published and cannot change; corrections are published as errata."
)


def _owner_field(label: str) -> str:
    return freeze.ROUND_PATHS[label].partition("__")[0]


@pytest.mark.parametrize("label", GUARDED)
def test_saving_a_published_rounds_row_is_refused_with_the_reason(world, label):
    row = world.rows[label][PUBLISHED]
    with pytest.raises(services.RoundFrozen, match="is published and cannot change"):
        row.save()


@pytest.mark.parametrize("label", GUARDED)
def test_deleting_a_published_rounds_row_is_refused(world, label):
    row = world.rows[label][PUBLISHED]
    with pytest.raises(services.RoundFrozen) as refused, transaction.atomic():
        row.delete()
    assert refused.value.message == REASON
    with pytest.raises(services.RoundFrozen), transaction.atomic():
        type(row).objects.filter(pk=row.pk).delete()
    assert type(row).objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("label", GUARDED)
def test_a_new_row_in_a_published_round_is_refused(world, label):
    row = type(world.rows[label][PUBLISHED]).objects.get(pk=world.rows[label][PUBLISHED].pk)
    count = type(row).objects.count()
    row.pk = None
    row._state.adding = True
    with pytest.raises(services.RoundFrozen):
        row.save()
    assert type(row).objects.count() == count


@pytest.mark.parametrize("label", GUARDED)
def test_a_row_in_work_cannot_move_into_the_published_round(world, label):
    field = _owner_field(label)
    row = type(world.rows[label][DRAFT]).objects.get(pk=world.rows[label][DRAFT].pk)
    target = (
        world.rounds[PUBLISHED]
        if field == "round"
        else world.rows[f"assessments.{'thread' if field == 'thread' else 'processassessment'}"][
            PUBLISHED
        ]
    )
    setattr(row, field, target)
    with pytest.raises(ValidationError) as invalid:
        row.full_clean(validate_unique=False, validate_constraints=False)
    assert REASON in invalid.value.messages
    with pytest.raises(services.RoundFrozen):
        row.save()


@pytest.mark.parametrize("label", GUARDED)
def test_a_row_in_work_still_saves(world, label):
    row = world.rows[label][DRAFT]
    row.save()  # nothing refused: the guard is for published rounds only


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_a_model_form_shows_the_refusal_and_writes_nothing(world, language):
    """Any ModelForm (not only the admin's, which offers rounds in work only) refuses."""
    form_class = modelform_factory(Recommendation, fields=["round", "pair", "kind", "text"])
    before = Recommendation.objects.count()
    with translation.override(language):
        form = form_class(
            {
                "round": world.rounds[PUBLISHED].pk,
                "pair": world.pairs["A"].pk,
                "kind": "recommendation",
                "text": "Late",
            }
        )
        assert not form.is_valid()
        expected = services.RoundFrozen.of(year=2030, version=1).message
    assert form.non_field_errors() == [expected]
    assert form.data["text"] == "Late"  # the user's input is kept
    assert Recommendation.objects.count() == before
    if language != "en":
        assert expected != REASON  # translated


def test_linking_a_published_recommendation_to_a_subject_is_refused(world):
    recommendation = world.rows["assessments.recommendation"][PUBLISHED]
    subject = world.rows["assessments.subject"][PUBLISHED]
    with pytest.raises(services.RoundFrozen), transaction.atomic():
        recommendation.subjects.add(subject)
    with pytest.raises(services.RoundFrozen), transaction.atomic():
        recommendation.subjects.clear()
    with pytest.raises(services.RoundFrozen), transaction.atomic():
        subject.recommendations.add(recommendation)  # from the other side
    draft = world.rows["assessments.recommendation"][DRAFT]
    draft.subjects.add(subject)
    assert list(draft.subjects.all()) == [subject]


def test_a_published_rounds_panel_keeps_its_pairs(world):
    panel = world.rows["assessments.panel"][PUBLISHED]
    with pytest.raises(services.RoundFrozen), transaction.atomic():
        panel.pairs.clear()
    with pytest.raises(services.RoundFrozen), transaction.atomic():
        world.pairs["B"].panels.add(panel)
    assert list(panel.pairs.all()) == [world.pairs["A"]]


def test_a_published_round_itself_cannot_change_or_go(world):
    published = Round.objects.get(pk=world.rounds[PUBLISHED].pk)
    published.title_en = "Rewritten"
    with pytest.raises(services.RoundFrozen):
        published.save()
    published.refresh_from_db()
    published.status = Round.Status.DRAFT
    with pytest.raises(services.RoundFrozen):
        published.save()
    published.refresh_from_db()
    with pytest.raises(services.RoundFrozen), transaction.atomic():
        published.delete()
    with pytest.raises(services.RoundFrozen), transaction.atomic():
        Round.objects.filter(pk=published.pk).delete()
    published.refresh_from_db()
    with pytest.raises(services.RoundFrozen):
        published.save()  # even unchanged: only errata move it (to superseded)


def test_errata_may_still_supersede_a_published_round(world):
    published = Round.objects.get(pk=world.rounds[PUBLISHED].pk)
    published.status = Round.Status.SUPERSEDED
    published.save(update_fields=["status", "updated_at"])
    published.refresh_from_db()
    assert published.status == Round.Status.SUPERSEDED
    published.status = Round.Status.PUBLISHED
    with pytest.raises(services.RoundFrozen):
        published.save()  # never back


def test_a_round_in_work_may_be_deleted_with_its_rows(world):
    draft = world.rounds[DRAFT]
    Round.objects.filter(pk=draft.pk).delete()
    assert not Round.objects.filter(pk=draft.pk).exists()
    assert Round.objects.filter(pk=world.rounds[PUBLISHED].pk).exists()
