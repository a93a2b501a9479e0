"""Peer review: staff assign a reviewer to a pair; she comments while the round is in review;
the pair's chair answers each comment before the round can be published."""

import pytest

from assessments import permissions, services
from assessments.models import ReviewComment, Round
from assessments.services import peer_review

from ..factories import AssessmentFactory, PairFactory, ProcessFactory, RoundFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(panel_for, chair, expert):
    round_ = RoundFactory(status=Round.Status.OPEN)
    pair_a, pair_b = PairFactory(), PairFactory()
    a = AssessmentFactory(round=round_, process=ProcessFactory(pair=pair_a))
    b = AssessmentFactory(round=round_, process=ProcessFactory(pair=pair_b))
    panel_for(round_, chair=chair, experts=[expert], pairs=[pair_a])
    return round_, a, b


@pytest.fixture
def reviewer(db):
    return UserFactory(username="reviewer")


def review(round_, staff):
    return services.transition_round(actor=staff, round_=round_, to="review", reason="to review")


def test_staff_assign_a_reviewer_who_then_reads_only_her_pair(setting, staff, reviewer):
    round_, a, _b = setting
    assignment = peer_review.assign_reviewer(
        actor=staff, round_=round_, pair=a.process.pair, reviewer=reviewer, reason="independent"
    )
    assert reviewer.groups.filter(name=permissions.REVIEWER).exists()
    assert assignment.history.first().history_change_reason == "independent"
    reviewer = type(reviewer).objects.get(pk=reviewer.pk)
    assert set(permissions.visible_assessments(reviewer).filter(round=round_)) == {a}
    assert permissions.visible_rounds(reviewer).filter(pk=round_.pk).exists()
    # The panel's own work is not hers to read.
    assert not permissions.visible_expert_ratings(reviewer).exists()
    assert not permissions.visible_threads(reviewer).exists()


def test_only_staff_assign_and_never_a_member_of_the_pairs_panel(setting, staff, chair, expert):
    round_, a, _b = setting
    with pytest.raises(services.NotAllowed):
        peer_review.assign_reviewer(
            actor=chair, round_=round_, pair=a.process.pair, reviewer=expert, reason="x"
        )
    with pytest.raises(services.InvalidInput, match="sits on the panel"):
        peer_review.assign_reviewer(
            actor=staff, round_=round_, pair=a.process.pair, reviewer=expert, reason="x"
        )


def test_a_reviewer_comments_on_her_pair_only_and_only_in_review(setting, staff, reviewer):
    round_, a, b = setting
    peer_review.assign_reviewer(
        actor=staff, round_=round_, pair=a.process.pair, reviewer=reviewer, reason="r"
    )
    with pytest.raises(services.InvalidInput, match="while the round is in review"):
        peer_review.add_review_comment(actor=reviewer, assessment=a, body="Too generous")
    review(round_, staff)
    with pytest.raises(services.NotAllowed):
        peer_review.add_review_comment(actor=reviewer, assessment=b, body="Not mine")
    with pytest.raises(services.InvalidInput, match="cannot be empty"):
        peer_review.add_review_comment(actor=reviewer, assessment=a, body="  ")
    comment = peer_review.add_review_comment(actor=reviewer, assessment=a, body="Too generous")
    assert comment.history.count() == 1
    assert ReviewComment.objects.count() == 1


def test_an_unanswered_comment_blocks_publication_until_the_chair_answers(
    setting, staff, chair, expert, reviewer
):
    round_, a, _b = setting
    peer_review.assign_reviewer(
        actor=staff, round_=round_, pair=a.process.pair, reviewer=reviewer, reason="r"
    )
    review(round_, staff)
    comment = peer_review.add_review_comment(actor=reviewer, assessment=a, body="Art. 5 is gone")
    problems, _open = services.publication_problems(round_)
    assert any("peer review comment" in p and "await the chair's answer" in p for p in problems)
    with pytest.raises(services.PublishBlocked):
        services.publish_round(actor=staff, round_=round_, reason="done")
    # An expert of the panel may not answer; a reply or a change needs words.
    with pytest.raises(services.NotAllowed):
        peer_review.answer_review_comment(
            actor=expert, comment=comment, answer="accepted", expected_revision=1
        )
    with pytest.raises(services.InvalidInput, match="needs words"):
        peer_review.answer_review_comment(
            actor=chair, comment=comment, answer="replied", expected_revision=1
        )
    answered = peer_review.answer_review_comment(
        actor=chair,
        comment=comment,
        answer="changed",
        text="Cited the 2021 edition instead",
        expected_revision=1,
    )
    assert (answered.answer, answered.answered_by, answered.revision) == ("changed", chair, 2)
    assert answered.history.order_by("-history_date").first().history_user == chair
    # A stale answer (revision 1 again) is refused, nothing overwritten.
    with pytest.raises(services.StaleWrite):
        peer_review.answer_review_comment(
            actor=chair, comment=comment, answer="accepted", expected_revision=1
        )
    problems, _open = services.publication_problems(round_)
    assert not any("peer review" in p for p in problems)


def test_comments_stay_with_the_panel_reviewers_and_staff_after_publication(
    setting, staff, chair, reviewer, outsider
):
    round_, a, _b = setting
    peer_review.assign_reviewer(
        actor=staff, round_=round_, pair=a.process.pair, reviewer=reviewer, reason="r"
    )
    review(round_, staff)
    peer_review.add_review_comment(actor=reviewer, assessment=a, body="Look again")
    for user in (staff, chair, reviewer):
        assert permissions.visible_review_comments(user).count() == 1
    from django.contrib.auth.models import AnonymousUser

    for user in (outsider, AnonymousUser()):
        assert not permissions.visible_review_comments(user).exists()
