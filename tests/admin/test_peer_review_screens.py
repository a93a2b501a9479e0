"""The peer review screens: staff assign, the reviewer comments, the chair answers; a
refused write says why on the same page, with the input kept and nothing written."""

import pytest

from assessments import services
from assessments.models import ReviewAssignment, ReviewComment, Round

from ..factories import AssessmentFactory, PairFactory, ProcessFactory, RoundFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(panel_for, chair, expert):
    round_ = RoundFactory(status=Round.Status.OPEN, year=2040)
    pair_a, pair_b = PairFactory(code="pair-a"), PairFactory(code="pair-b")
    a = AssessmentFactory(
        round=round_, process=ProcessFactory(pair=pair_a), justification_en="Art. 5 applies"
    )
    AssessmentFactory(round=round_, process=ProcessFactory(pair=pair_b))
    panel_for(round_, chair=chair, experts=[expert], pairs=[pair_a])
    return round_, a


ROUND = "/en/admin/assessments/tools/review/2040-v1/"
PAIR_A = ROUND + "pair-a/"


def test_a_peer_review_from_assignment_to_answer(client, setting, staff, chair):
    round_, a = setting
    reviewer = UserFactory(username="reviewer")
    client.force_login(staff)
    # Without a reason: refused on the page, the choice kept, nothing written.
    page = client.post(
        ROUND, {"action": "assign", "pair": a.process.pair_id, "reviewer": reviewer.pk}
    )
    assert page.status_code == 200 and "This field is required" in page.content.decode()
    assert not ReviewAssignment.objects.exists()
    page = client.post(
        ROUND,
        {"action": "assign", "pair": a.process.pair_id, "reviewer": reviewer.pk, "reason": "x"},
    )
    assert page.status_code == 302 and ReviewAssignment.objects.count() == 1
    services.transition_round(actor=staff, round_=round_, to="review", reason="review")

    client.force_login(reviewer)
    page = client.get(PAIR_A).content.decode()
    assert "Art. 5 applies" in page and 'name="body"' in page
    assert client.get(ROUND + "pair-b/").status_code == 404
    page = client.post(PAIR_A, {"action": "comment", "assessment": a.pk, "body": "Art. 5 is gone"})
    assert page.status_code == 302
    comment = ReviewComment.objects.get()

    client.force_login(chair)
    page = client.post(
        PAIR_A, {"action": "answer", "comment": comment.pk, "answer": "replied", "revision": 1}
    )
    html = page.content.decode()
    assert page.status_code == 200 and "needs words" in html
    comment.refresh_from_db()
    assert comment.answer == ""
    page = client.post(
        PAIR_A,
        {
            "action": "answer",
            "comment": comment.pk,
            "answer": "replied",
            "answer_text": "It is in force",
            "revision": 1,
        },
    )
    assert page.status_code == 302
    comment.refresh_from_db()
    assert (comment.answer, comment.answer_text) == ("replied", "It is in force")


def test_someone_outside_the_review_finds_nothing_there(client, setting, outsider):
    client.force_login(outsider)
    assert client.get(ROUND).status_code == 404
    assert client.get(PAIR_A).status_code == 404
