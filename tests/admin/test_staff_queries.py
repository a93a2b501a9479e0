"""Staff's onboarding form and the next round's form read a fixed number of times, whatever
the size of the round: more pairs, processes, ratings, citations, users or member rows
cost no query more."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Citation, Round

from ..factories import (
    AssessmentFactory,
    LegalActFactory,
    PairFactory,
    ProcessFactory,
    RoundFactory,
    UserFactory,
    rate,
)

pytestmark = pytest.mark.django_db


def _grow(round_, pairs: int, processes: int) -> None:
    """Add `pairs` pairs of `processes` processes each, rated and cited."""
    act = LegalActFactory()
    for _ in range(pairs):
        pair = PairFactory()
        for _ in range(processes):
            assessment = AssessmentFactory(round=round_, process=ProcessFactory(pair=pair))
            rate(assessment, rules=1, demand=1, motivation=0, enforcement=1)
            Citation.objects.create(assessment=assessment, act=act, article="1")


def _queries(client, method: str, url: str, data=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data)
        assert response.status_code in (200, 400), response.status_code
    return len(captured)


def _members(rows: int) -> dict:
    """A member formset of `rows` rows, each naming nobody: the form is shown again."""
    data = {
        "name": "",  # missing: the form comes back with its error
        "members-TOTAL_FORMS": str(rows),
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
    }
    for n in range(rows):
        data[f"members-{n}-role"] = "expert"
    return data


def test_the_onboarding_form_reads_as_often_for_a_large_round_as_for_a_small_one(client, staff):
    round_ = RoundFactory(status=Round.Status.OPEN)
    _grow(round_, pairs=1, processes=1)
    client.force_login(staff)
    url = reverse("panel_staff:onboard", args=[round_.pk])
    client.get(url)  # sessions and caches warmed
    small = _queries(client, "get", url)
    _grow(round_, pairs=4, processes=3)
    for n in range(8):
        UserFactory(username=f"candidate{n}")
    assert _queries(client, "get", url) == small


def test_the_onboarding_form_shown_again_reads_as_often_for_eight_members_as_for_two(client, staff):
    round_ = RoundFactory(status=Round.Status.OPEN)
    _grow(round_, pairs=2, processes=1)
    client.force_login(staff)
    url = reverse("panel_staff:onboard", args=[round_.pk])
    client.post(url, _members(2))
    small = _queries(client, "post", url, _members(2))
    assert _queries(client, "post", url, _members(8)) == small


def test_the_next_round_form_reads_as_often_for_a_large_round_as_for_a_small_one(client, staff):
    # Both grown while in work: on PostgreSQL the database refuses rows added to a
    # published round.
    small, large = RoundFactory(year=2030), RoundFactory(year=2040)
    _grow(small, pairs=1, processes=1)
    _grow(large, pairs=4, processes=3)
    Round.objects.filter(pk__in=[small.pk, large.pk]).update(status=Round.Status.PUBLISHED)
    client.force_login(staff)

    def url(round_) -> str:
        return reverse("admin:assessments_round_lifecycle", args=[round_.pk]) + "?action=next"

    client.get(url(small))  # sessions and caches warmed
    assert _queries(client, "get", url(large)) == _queries(client, "get", url(small))
