"""Confirming carried-over ratings as re-examined: a selection, a pair or a round, one reason."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments import services
from assessments.models import Rating, Round

from ..factories import AssessmentFactory, PairFactory, ProcessFactory, RoundFactory, rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def carried(panel_for, chair, expert):
    """A round in review with two pairs, every rating carried over; the chair's panel
    covers the first pair only."""
    round_ = RoundFactory(status=Round.Status.REVIEW)
    first, second = PairFactory(code="parliament-government"), PairFactory(code="citizens-local")
    for pair in (first, first, second):
        a = AssessmentFactory(round=round_, process=ProcessFactory(pair=pair))
        rate(a, rules=1, demand=1, motivation=0, enforcement=1)
    Rating.objects.filter(assessment__round=round_).update(carried_over=True)
    panel_for(round_, chair=chair, experts=[expert], pairs=[first])
    round_.first_pair, round_.second_pair = first, second
    return round_


def ratings_of(round_, pair=None):
    rows = Rating.objects.filter(assessment__round=round_)
    if pair is not None:
        rows = rows.filter(assessment__process__pair=pair)
    return rows


def test_the_chair_confirms_her_pairs_ratings_each_with_its_own_history_entry(carried, chair):
    mine = list(ratings_of(carried, carried.first_pair))
    confirmed = services.confirm_ratings(actor=chair, ratings=mine, reason="panel re-read the acts")
    assert len(confirmed) == 8
    for rating in ratings_of(carried, carried.first_pair):
        assert (rating.carried_over, rating.revision) == (False, 2)
        last = rating.history.order_by("-history_date").first()
        assert (last.history_user, last.history_change_reason) == (chair, "panel re-read the acts")
        assert last.carried_over is False
    assert all(r.carried_over for r in ratings_of(carried, carried.second_pair))


def test_a_selection_with_one_rating_outside_her_panel_writes_nothing(carried, chair):
    selection = [*ratings_of(carried, carried.first_pair)[:2], ratings_of(carried).last()]
    with pytest.raises(services.NotAllowed, match="Only the chair"):
        services.confirm_ratings(actor=chair, ratings=selection, reason="all of them")
    assert ratings_of(carried).filter(carried_over=False).count() == 0


def test_an_expert_cannot_confirm(carried, expert):
    with pytest.raises(services.NotAllowed):
        services.confirm_ratings(
            actor=expert, ratings=ratings_of(carried, carried.first_pair), reason="done"
        )
    assert ratings_of(carried).filter(carried_over=False).count() == 0


def test_staff_confirm_the_whole_round(carried, staff):
    confirmed = services.confirm_ratings(actor=staff, ratings=ratings_of(carried), reason="ok")
    assert len(confirmed) == 12
    assert not ratings_of(carried).filter(carried_over=True).exists()


def test_a_reason_is_required(carried, chair):
    with pytest.raises(services.InvalidInput, match="reason is required"):
        services.confirm_ratings(
            actor=chair, ratings=ratings_of(carried, carried.first_pair), reason=" "
        )


def test_a_published_round_is_refused(carried, staff):
    rows = list(ratings_of(carried))
    services.confirm_ratings(actor=staff, ratings=rows, reason="ok")
    services.publish_round(actor=staff, round_=carried, reason="go")
    with pytest.raises(services.RoundFrozen, match="errata"):
        services.confirm_ratings(actor=staff, ratings=rows, reason="again")


def test_a_rating_changed_since_the_page_was_read_refuses_the_selection(carried, chair):
    rows = list(ratings_of(carried, carried.first_pair))
    seen = {r.pk: r.revision for r in rows}
    changed = rows[0]
    services.set_consensus(
        actor=chair,
        assessment=changed.assessment,
        dimension=changed.dimension,
        value=0,
        reason="re-rated",
        expected_revision=changed.revision,
    )
    with pytest.raises(services.StaleWrite, match="Someone else changed this"):
        services.confirm_ratings(
            actor=chair, ratings=rows, reason="confirm", expected_revisions=seen
        )
    assert ratings_of(carried, carried.first_pair).filter(carried_over=False).count() == 1


def test_already_confirmed_ratings_are_left_alone(carried, chair):
    rows = list(ratings_of(carried, carried.first_pair))
    services.confirm_ratings(actor=chair, ratings=rows[:3], reason="first three")
    confirmed = services.confirm_ratings(actor=chair, ratings=rows, reason="the rest")
    assert len(confirmed) == 5
    assert rows[0].history.count() == 2  # created, confirmed once; not again


def test_the_command_confirms_a_pair_then_the_round(carried, staff):
    out = StringIO()
    call_command(
        "round",
        "confirm",
        str(carried.year),
        user="staff",
        reason="re-examined",
        pair=["citizens-local"],
        stdout=out,
    )
    assert "Confirmed 4 carried-over rating(s)" in out.getvalue()
    call_command("round", "confirm", str(carried.year), user="staff", reason="rest", stdout=out)
    assert "Confirmed 8 carried-over rating(s)" in out.getvalue()
    assert not ratings_of(carried).filter(carried_over=True).exists()
    services.publish_round(actor=staff, round_=carried, reason="go")


def test_the_command_names_an_unknown_pair_and_writes_nothing(carried, staff):
    with pytest.raises(CommandError, match="No pair nowhere; the round's pairs are: "):
        call_command(
            "round", "confirm", str(carried.year), user="staff", reason="x", pair=["nowhere"]
        )
    assert not ratings_of(carried).filter(carried_over=False).exists()


def test_the_command_refuses_an_expert_with_the_reason(carried, expert):
    with pytest.raises(CommandError, match="Only the chair"):
        call_command("round", "confirm", str(carried.year), user="aigul", reason="x")
