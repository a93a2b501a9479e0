"""A round through peer review and a reply window to publication, in headless Chromium.

A 2026 round copied from 2016 is rated by four experts of its own (the intervals come from
them) and sent to review. Staff assign a peer reviewer and open a reply window for
citizens → political parties on their screens; the reviewer comments, the chair answers,
the parties' representative replies in the page's language; staff close the window and
publish. The published pair page, the API's scores and the data package then show the
reply, marked as the body's own words, and the intervals. In ky, ru and en; screenshots
at 1366 and 390 px: artifacts/screenshots/scrutiny-<step>-<lang>-<width>.png.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from assessments import permissions, services
from assessments.models import Pair, ProcessAssessment, Reply, ReviewComment, Round
from assessments.roles import ensure_roles
from tests.factories import UserFactory
from tests.web.rounds import copy_round
from tests.web.test_uncertainty_shown import rate_by_experts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"  # tests/factories.py
PAIR = "citizens-parties"
WIDTHS = {1366: 900, 390: 844}
REPLY = {
    "ky": "Партиялар мыйзамы 2025-жылы өзгөртүлгөн.",
    "ru": "Закон о партиях изменён в 2025 году.",
    "en": "The law on parties was amended in 2025.",
}
TOOLS = "/{lang}/admin/assessments/tools"


@pytest.fixture(autouse=True)
def roles(transactional_db):
    ensure_roles()  # a transactional test before this one flushed the groups


@pytest.fixture
def world(study_round, panel_for):
    cache.clear()
    staff = UserFactory(username="staff", first_name="Staff")
    staff.groups.add(Group.objects.get(name=permissions.STAFF))
    chair = UserFactory(username="chair")
    chair.groups.add(Group.objects.get(name=permissions.CHAIR))
    round_ = copy_round(study_round, year=2026, status=Round.Status.DRAFT)
    rate_by_experts(round_)
    panel_for(round_, chair=chair)
    services.transition_round(actor=staff, round_=round_, to="open", reason="rating")
    services.transition_round(actor=staff, round_=round_, to="review", reason="review")
    users = {
        "staff": staff,
        "chair": chair,
        "reviewer": UserFactory(username="reviewer"),
        "respondent": UserFactory(username="parties"),
    }
    yield round_, users
    cache.clear()


def log_in(browser, live_server, language: str, username: str):
    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/{language}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_be_visible()
    return page


def shoot(page, screenshots, step: str, language: str) -> None:
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(
            path=str(screenshots / f"scrutiny-{step}-{language}-{width}.png"), full_page=True
        )


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_a_round_through_peer_review_and_a_reply_window_to_publication(
    browser, live_server, world, language, screenshots
):
    round_, users = world
    pair = Pair.objects.get(code=PAIR)
    first = ProcessAssessment.objects.filter(round=round_, process__pair=pair).order_by("position")[
        0
    ]
    tools = live_server.url + TOOLS.format(lang=language)

    # Staff assign the reviewer and open the reply window, on their screens.
    staff = log_in(browser, live_server, language, "staff")
    staff.goto(f"{tools}/review/2026-v1/")
    form = staff.locator("form.assign-form")
    form.locator("select[name=pair]").select_option(str(pair.pk))
    form.locator("select[name=reviewer]").select_option(str(users["reviewer"].pk))
    form.locator("input[type=submit]").click()
    # Without a reason the form says so, its choices kept; with one, it is done.
    expect(form.locator("select[name=reviewer]")).to_have_value(str(users["reviewer"].pk))
    form.locator("input[name=reason]").fill("Independent reading")
    form.locator("input[type=submit]").click()
    expect(staff.locator(f'tr[data-pair="{PAIR}"] .reviewer')).to_contain_text("reviewer")
    staff.goto(f"{tools}/reply/2026-v1/")
    form = staff.locator("form.open-window-form")
    form.locator("select[name=pair]").select_option(str(pair.pk))
    form.locator("select[name=respondent]").select_option(str(users["respondent"].pk))
    deadline = timezone.localtime() + datetime.timedelta(days=14)
    form.locator("input[name=deadline]").fill(deadline.strftime("%Y-%m-%d %H:%M"))
    form.locator("input[name=reason]").fill("Right of reply")
    form.locator("input[type=submit]").click()
    expect(staff.locator(f'tr[data-pair="{PAIR}"] form.inline-form')).to_be_visible()

    # The reviewer reads the pair's draft and comments; another pair is not there.
    reviewer = log_in(browser, live_server, language, "reviewer")
    # She has no rating sheet: the admin's index leads her to the peer review.
    reviewer.locator("#my-scrutiny a").click()
    expect(reviewer).to_have_url(f"{tools}/review/")
    assert reviewer.goto(f"{tools}/review/2026-v1/citizens-parliament/").status == 404
    reviewer.goto(f"{tools}/review/2026-v1/{PAIR}/")
    section = reviewer.locator(f"#process-{first.pk}")
    section.locator("textarea[name=body]").fill("The 2025 amendment is not cited.")
    section.locator("input[type=submit]").click()
    expect(reviewer.locator(".review-comment")).to_contain_text("2025 amendment")
    shoot(reviewer, screenshots, "review", language)

    # The chair answers it.
    chair = log_in(browser, live_server, language, "chair")
    chair.goto(f"{tools}/review/2026-v1/{PAIR}/")
    answer = chair.locator("form.answer-form")
    answer.locator("input[value=changed]").check()
    answer.locator("textarea[name=answer_text]").fill("Cited the 2025 edition.")
    answer.locator("input[type=submit]").click()
    expect(chair.locator(".review-answer")).to_contain_text("Cited the 2025 edition.")
    shoot(chair, screenshots, "answer", language)
    assert ReviewComment.objects.get().answer == "changed"

    # The parties' representative sees her pair only, and replies in the page's language.
    respondent = log_in(browser, live_server, language, "parties")
    respondent.locator("#my-scrutiny a").click()
    expect(respondent).to_have_url(f"{tools}/reply/")
    assert respondent.goto(f"{tools}/reply/2026-v1/citizens-parliament/").status == 404
    assert respondent.goto(f"{tools}/review/2026-v1/{PAIR}/").status == 404
    respondent.goto(f"{tools}/reply/2026-v1/{PAIR}/")
    form = respondent.locator("form.reply-form")
    form.locator("select[name=assessment]").select_option(str(first.pk))
    form.locator("select[name=language]").select_option(language)
    form.locator("textarea[name=body]").fill(REPLY[language])
    form.locator("input[type=submit]").click()
    expect(respondent.locator(f"#process-{first.pk} blockquote.reply")).to_have_text(
        REPLY[language]
    )
    shoot(respondent, screenshots, "reply", language)
    assert Reply.objects.get().language == language

    # Staff close the window and publish (the checklist is clear).
    staff.goto(f"{tools}/reply/2026-v1/")
    row = staff.locator(f'tr[data-pair="{PAIR}"]')
    row.locator("input[name=reason]").fill("The parties replied")
    row.locator("form.inline-form input[type=submit]").click()
    expect(staff.locator(f'tr[data-pair="{PAIR}"] form.inline-form')).to_have_count(0)
    services.publish_round(actor=users["staff"], round_=round_, reason="Published")

    # The published pair page: the reply beside the finding it answers, and the interval.
    public = browser.new_context().new_page()
    for width, height in WIDTHS.items():
        public.set_viewport_size({"width": width, "height": height})
        public.goto(f"{live_server.url}/{language}/rounds/2026/pairs/{PAIR}/")
        quote = public.locator(f'blockquote[data-reply-on="{first.process.code}"]')
        expect(quote).to_have_text(REPLY[language])
        expect(quote).to_have_attribute("lang", language)
        expect(public.locator('[data-interval="pair-index"]')).to_contain_text("%")
        public.screenshot(path=str(screenshots / f"scrutiny-published-{language}-{width}.png"))
        quote.scroll_into_view_if_needed()
        public.screenshot(
            path=str(screenshots / f"scrutiny-published-reply-{language}-{width}.png")
        )

    # The API's scores and the data package carry the reply and the intervals.
    scores = json.loads(public.request.get(f"{live_server.url}/api/v1/rounds/2026/scores/").text())
    (entry,) = scores["replies"]
    assert (entry["pair"], entry["status"]) == (PAIR, "replied")
    assert entry["replies"][0]["text"] == REPLY[language] and entry["replies"][0]["own_words"]
    assert all(p["interval"]["status"] == "computed" for p in scores["pairs"])
    package = public.request.get(f"{live_server.url}/{language}/rounds/2026/package.zip").body()
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        files = {n.split("/", 1)[1]: archive.read(n) for n in archive.namelist()}
    (reply,) = csv.DictReader(io.StringIO(files["replies.csv"].decode()))
    assert (reply["text"], reply["language"], reply["status"]) == (
        REPLY[language],
        language,
        "replied",
    )
    report = json.loads(files["round.json"])["report"]
    assert report["overall_interval"]["status"] == "computed"
