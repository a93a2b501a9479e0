"""Draft → open → review (peer review, a reply window) → published: each step checked and
recorded, and publishing waits for the chair's answers and the body's window."""

import datetime

import pytest
from django.utils import timezone

from assessments import services
from assessments.models import Round
from assessments.services import peer_review, replies

from ..factories import (
    AssessmentFactory,
    PairFactory,
    ProcessFactory,
    RoundFactory,
    UserFactory,
    rate,
)

pytestmark = pytest.mark.django_db


def test_a_round_through_peer_review_and_a_reply_window_to_publication(panel_for, staff, chair):
    round_ = RoundFactory(status=Round.Status.DRAFT)
    pair = PairFactory()
    a = AssessmentFactory(round=round_, process=ProcessFactory(pair=pair))
    rate(a, rules=1, demand=1, motivation=1, enforcement=0)
    panel_for(round_, chair=chair)
    reviewer, respondent = UserFactory(username="rev"), UserFactory(username="resp")

    services.transition_round(actor=staff, round_=round_, to="open", reason="panel rates")
    peer_review.assign_reviewer(
        actor=staff, round_=round_, pair=pair, reviewer=reviewer, reason="outside eyes"
    )
    services.transition_round(actor=staff, round_=round_, to="review", reason="panel done")
    comment = peer_review.add_review_comment(actor=reviewer, assessment=a, body="Why 0?")
    window = replies.open_reply_window(
        actor=staff,
        round_=round_,
        pair=pair,
        respondent=respondent,
        deadline=timezone.now() + datetime.timedelta(days=10),
        reason="right of reply",
    )
    replies.submit_reply(actor=respondent, window=window, body="We disagree.", language="en")

    with pytest.raises(services.PublishBlocked) as blocked:
        services.publish_round(actor=staff, round_=round_, reason="go")
    problems = " ".join(blocked.value.problems)
    assert "peer review comment" in problems and "reply window is open" in problems

    peer_review.answer_review_comment(
        actor=chair, comment=comment, answer="accepted", expected_revision=comment.revision
    )
    replies.close_reply_window(actor=staff, window=window, reason="the body replied")
    published = services.publish_round(actor=staff, round_=round_, reason="go")
    assert published.status == Round.Status.PUBLISHED
    steps = list(round_.history.order_by("history_date").values_list("status", flat=True))
    assert steps[-3:] == ["open", "review", "published"]
    with pytest.raises(services.RoundFrozen):
        replies.submit_reply(actor=respondent, window=window, body="Late", language="en")
