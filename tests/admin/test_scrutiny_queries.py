"""The peer review and reply screens read a fixed number of times, whatever the size of the
pair: more processes, comments and replies cost no query more."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import Round
from assessments.services import peer_review, replies

from ..factories import AssessmentFactory, PairFactory, ProcessFactory, RoundFactory, UserFactory

pytestmark = pytest.mark.django_db

REVIEW = "/en/admin/assessments/tools/review/2044-v1/pair-a/"
REPLY = "/en/admin/assessments/tools/reply/2044-v1/pair-a/"


@pytest.fixture
def pair_in_review(panel_for, chair, staff):
    round_ = RoundFactory(status=Round.Status.OPEN, year=2044)
    pair = PairFactory(code="pair-a")
    panel_for(round_, chair=chair, pairs=[pair])
    AssessmentFactory(round=round_, process=ProcessFactory(pair=pair))
    reviewer = UserFactory(username="reviewer")
    respondent = UserFactory(username="ministry")
    peer_review.assign_reviewer(
        actor=staff, round_=round_, pair=pair, reviewer=reviewer, reason="assigned"
    )
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.REVIEW)
    round_.refresh_from_db()
    window = replies.open_reply_window(
        actor=staff,
        round_=round_,
        pair=pair,
        respondent=respondent,
        deadline=timezone.now() + datetime.timedelta(days=7),
        reason="invited",
    )
    return round_, pair, reviewer, respondent, window


def _add_processes(round_, pair, reviewer, respondent, window, n: int) -> None:
    for _ in range(n):
        assessment = AssessmentFactory(round=round_, process=ProcessFactory(pair=pair))
        peer_review.add_review_comment(actor=reviewer, assessment=assessment, body="Which act?")
        replies.submit_reply(
            actor=respondent, window=window, body="Our answer", language="en", assessment=assessment
        )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["reviewer", "chair", "respondent"])
def test_the_screens_read_as_often_for_one_process_as_for_six(client, pair_in_review, chair, who):
    round_, pair, reviewer, respondent, window = pair_in_review
    user, url = {
        "reviewer": (reviewer, REVIEW),
        "chair": (chair, REVIEW),
        "respondent": (respondent, REPLY),
    }[who]
    _add_processes(round_, pair, reviewer, respondent, window, 1)
    client.force_login(user)
    client.get(url)  # sessions and caches warmed
    small = _queries(client, url)
    _add_processes(round_, pair, reviewer, respondent, window, 5)
    assert _queries(client, url) == small
