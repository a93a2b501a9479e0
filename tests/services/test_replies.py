"""The right of reply: staff open a window for a pair; its body's representative replies
before the deadline, in ky, ru or en; published, the replies stand beside the findings,
and a missed deadline is published as such."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from assessments import permissions, services
from assessments.models import Reply, ReplyWindow, Round
from assessments.services import replies

from ..factories import AssessmentFactory, PairFactory, ProcessFactory, RoundFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(panel_for, chair, expert):
    round_ = RoundFactory(status=Round.Status.REVIEW, year=2041)
    pair_a = PairFactory(code="pair-a", agent__name_en="The Ministry")
    pair_b = PairFactory(code="pair-b")
    a = AssessmentFactory(round=round_, process=ProcessFactory(pair=pair_a, code="proc-a"))
    b = AssessmentFactory(round=round_, process=ProcessFactory(pair=pair_b))
    panel_for(round_, chair=chair, experts=[expert])
    return round_, a, b


@pytest.fixture
def respondent(db):
    return UserFactory(username="ministry")


def soon(days: int = 7) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def test_the_representative_replies_in_her_language_and_sees_only_her_pair(
    setting, staff, respondent
):
    round_, a, b = setting
    window = replies.open_reply_window(
        actor=staff,
        round_=round_,
        pair=a.process.pair,
        respondent=respondent,
        deadline=soon(),
        reason="invited",
    )
    assert window.history.first().history_change_reason == "invited"
    respondent = type(respondent).objects.get(pk=respondent.pk)
    assert set(permissions.visible_assessments(respondent).filter(round=round_)) == {a}
    assert not permissions.visible_expert_ratings(respondent).exists()
    reply = replies.submit_reply(
        actor=respondent, window=window, body="Бул туура эмес", language="ky", assessment=a
    )
    assert (reply.language, reply.assessment) == ("ky", a)
    with pytest.raises(services.InvalidInput, match="not one of this pair"):
        replies.submit_reply(actor=respondent, window=window, body="x", language="en", assessment=b)
    with pytest.raises(services.NotAllowed):
        replies.submit_reply(actor=staff, window=window, body="x", language="en")


def test_a_window_opens_only_once_the_panels_findings_are_in_review(setting, staff, respondent):
    round_, a, _b = setting
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.OPEN)
    with pytest.raises(services.InvalidInput, match="once the round is in review"):
        replies.open_reply_window(
            actor=staff,
            round_=round_,
            pair=a.process.pair,
            respondent=respondent,
            deadline=soon(),
            reason="too early",
        )
    assert not ReplyWindow.objects.exists()


def test_a_reply_after_the_deadline_is_refused_with_the_deadline_named(setting, staff, respondent):
    round_, a, _b = setting
    window = replies.open_reply_window(
        actor=staff,
        round_=round_,
        pair=a.process.pair,
        respondent=respondent,
        deadline=soon(),
        reason="r",
    )
    passed = timezone.now() - datetime.timedelta(days=2)
    ReplyWindow.objects.filter(pk=window.pk).update(deadline=passed)
    with pytest.raises(services.InvalidInput, match=rf"deadline for replies was .*{passed.year}"):
        replies.submit_reply(actor=respondent, window=window, body="Late", language="en")
    assert not Reply.objects.exists()


def test_an_open_window_blocks_publication_until_it_closes(setting, staff, respondent):
    round_, a, _b = setting
    window = replies.open_reply_window(
        actor=staff,
        round_=round_,
        pair=a.process.pair,
        respondent=respondent,
        deadline=soon(),
        reason="r",
    )
    problems, _open = services.publication_problems(round_)
    assert any("reply window is open until" in p for p in problems)
    replies.close_reply_window(actor=staff, window=window, reason="the body has said enough")
    problems, _open = services.publication_problems(round_)
    assert not any("reply window" in p for p in problems)


def test_published_replies_stand_beside_the_findings_and_a_missed_deadline_says_so(
    setting, staff, respondent
):
    round_, a, b = setting
    window = replies.open_reply_window(
        actor=staff,
        round_=round_,
        pair=a.process.pair,
        respondent=respondent,
        deadline=soon(),
        reason="r",
    )
    replies.submit_reply(
        actor=respondent, window=window, body="The law was amended.", language="en", assessment=a
    )
    silent = UserFactory(username="silent")
    missed = replies.open_reply_window(
        actor=staff,
        round_=round_,
        pair=b.process.pair,
        respondent=silent,
        deadline=soon(),
        reason="r",
    )
    for w in (window, missed):
        replies.close_reply_window(actor=staff, window=w, reason="deadline")
    Round.objects.filter(pk=round_.pk).update(
        status=Round.Status.PUBLISHED, published_at=timezone.now()
    )
    page = Client().get("/en/rounds/2041/pairs/pair-a/").content.decode()
    assert "The law was amended." in page and "in its own words" in page
    assert 'data-reply-on="proc-a"' in page
    other = Client().get("/en/rounds/2041/pairs/pair-b/").content.decode()
    assert "was invited to reply to these findings (deadline:" in other and "and did not" in other
    data = APIClient().get("/api/v1/rounds/2041/scores/").json()
    by_pair = {r["pair"]: r for r in data["replies"]}
    assert by_pair["pair-a"]["status"] == "replied"
    assert by_pair["pair-a"]["replies"][0] == {
        **by_pair["pair-a"]["replies"][0],
        "process": "proc-a",
        "language": "en",
        "text": "The law was amended.",
        "own_words": True,
    }
    assert by_pair["pair-b"]["status"] == "missed"
