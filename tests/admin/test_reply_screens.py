"""The right of reply screens: staff open a window; the representative replies on her
pair's page; after the deadline the page refuses with the deadline named, the text kept."""

import datetime

import pytest
from django.utils import timezone

from assessments.models import Reply, ReplyWindow, Round

from ..factories import AssessmentFactory, PairFactory, ProcessFactory, RoundFactory, UserFactory

pytestmark = pytest.mark.django_db

ROUND = "/en/admin/assessments/tools/reply/2042-v1/"


@pytest.fixture
def setting(panel_for, chair):
    round_ = RoundFactory(status=Round.Status.REVIEW, year=2042)
    a = AssessmentFactory(round=round_, process=ProcessFactory(pair=PairFactory(code="pair-a")))
    AssessmentFactory(round=round_, process=ProcessFactory(pair=PairFactory(code="pair-b")))
    panel_for(round_, chair=chair)
    return round_, a


def test_a_window_from_opening_to_a_late_reply(client, setting, staff):
    _round, a = setting
    respondent = UserFactory(username="ministry")
    client.force_login(staff)
    form = {"action": "open", "pair": a.process.pair_id, "respondent": respondent.pk}
    page = client.post(ROUND, {**form, "deadline": "2000-01-01 10:00", "reason": "invite"})
    assert page.status_code == 200 and "must be in the future" in page.content.decode()
    assert not ReplyWindow.objects.exists()
    deadline = (timezone.now() + datetime.timedelta(days=3)).strftime("%Y-%m-%d %H:%M")
    assert client.post(ROUND, {**form, "deadline": deadline, "reason": "x"}).status_code == 302

    client.force_login(respondent)
    assert client.get(ROUND + "pair-b/").status_code == 404
    page = client.post(
        ROUND + "pair-a/", {"assessment": a.pk, "language": "ru", "body": "Закон изменён"}
    )
    assert page.status_code == 302
    assert Reply.objects.get().language == "ru"
    ReplyWindow.objects.update(deadline=timezone.now() - datetime.timedelta(hours=1))
    page = client.post(ROUND + "pair-a/", {"language": "en", "body": "One more thing"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "The deadline for replies was" in html and "One more thing" in html
    assert Reply.objects.count() == 1
