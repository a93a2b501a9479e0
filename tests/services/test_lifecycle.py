"""A round's life: draft → open → review → published → errata; the next round from the last."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments import services
from assessments.models import Rating, Round

from ..factories import AssessmentFactory, RoundFactory, rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def complete_round(db):
    round_ = RoundFactory(status=Round.Status.REVIEW)
    assessment = AssessmentFactory(round=round_)
    rate(assessment, rules=1, demand=1, motivation=0, enforcement=0)
    return round_


def test_only_the_next_step_is_allowed(complete_round, staff):
    draft = RoundFactory()
    with pytest.raises(services.InvalidInput, match="cannot go from"):
        services.transition_round(actor=staff, round_=draft, to=Round.Status.REVIEW, reason="skip")
    opened = services.transition_round(
        actor=staff, round_=draft, to=Round.Status.OPEN, reason="start"
    )
    assert opened.status == Round.Status.OPEN


def test_publishing_needs_a_confirmed_rating_on_every_dimension(staff):
    round_ = RoundFactory(status=Round.Status.REVIEW)
    assessment = AssessmentFactory(round=round_)
    rate(assessment, rules=1, demand=1)
    with pytest.raises(services.PublishBlocked) as excinfo:
        services.publish_round(actor=staff, round_=round_, reason="go")
    assert "no consensus rating on motivation, enforcement" in excinfo.value.problems[0]
    assert Round.objects.get(pk=round_.pk).status == Round.Status.REVIEW


def test_carried_over_ratings_block_publication_until_re_examined(complete_round, staff):
    Rating.objects.filter(assessment__round=complete_round).update(carried_over=True)
    with pytest.raises(services.PublishBlocked, match="cannot be published"):
        services.publish_round(actor=staff, round_=complete_round, reason="go")


def test_errata_publish_a_new_version_and_keep_the_old_one_readable(
    complete_round, staff, chair, panel_for
):
    first = services.publish_round(actor=staff, round_=complete_round, reason="v1")
    errata = services.start_errata(actor=staff, round_=first, reason="a typo in 2 ratings")
    assert (errata.year, errata.version, errata.corrects_id) == (first.year, 2, first.pk)
    assert Rating.objects.for_round(errata).count() == 4
    panel_for(errata, chair=chair)
    assessment = errata.assessments.get()
    rating = Rating.objects.get(assessment=assessment, dimension__code="motivation")
    services.set_consensus(
        actor=chair,
        assessment=assessment,
        dimension="motivation",
        value=1,
        reason="typo: the table said present",
        expected_revision=rating.revision,
    )
    with pytest.raises(services.PublishBlocked, match="cannot be published"):
        services.publish_round(actor=staff, round_=errata, reason="fixed")  # no changelog yet
    Round.objects.filter(pk=errata.pk).update(changelog_en="Motivation of process 1: 0 → 1.")
    errata.refresh_from_db()
    services.publish_round(actor=staff, round_=errata, reason="fixed")
    first.refresh_from_db()
    errata.refresh_from_db()
    assert first.status == Round.Status.SUPERSEDED and errata.status == Round.Status.PUBLISHED
    assert Round.objects.latest_published() == errata
    # The old version is still there, unchanged and still frozen.
    assert Rating.objects.get(assessment__round=first, dimension__code="motivation").value == 0
    with pytest.raises(services.RoundFrozen):
        services.start_thread(actor=staff, assessment=first.assessments.get(), body="late")


def test_the_next_round_needs_a_later_year_and_a_published_source(complete_round, staff):
    with pytest.raises(services.InvalidInput, match="from a published one"):
        services.start_next_round(actor=staff, source=complete_round, year=2099, reason="x")
    services.publish_round(actor=staff, round_=complete_round, reason="v1")
    with pytest.raises(services.InvalidInput, match="must come after"):
        services.start_next_round(
            actor=staff, source=complete_round, year=complete_round.year, reason="x"
        )


def test_the_round_command_uses_the_same_rules(complete_round, staff, chair):
    out = StringIO()
    call_command(
        "round",
        "publish",
        str(complete_round.year),
        "--user",
        "staff",
        "--reason",
        "board",
        stdout=out,
    )
    assert "Published" in out.getvalue() or "published" in out.getvalue()
    with pytest.raises(CommandError, match="published and cannot change"):
        call_command(
            "round", "reopen", str(complete_round.year), "--user", "staff", "--reason", "oops"
        )
    with pytest.raises(CommandError, match="Only institute staff"):
        call_command(
            "round",
            "next",
            str(complete_round.year),
            "--to-year",
            "2099",
            "--user",
            "chair",
            "--reason",
            "x",
        )
