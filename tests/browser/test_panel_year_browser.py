"""A whole year through the screens, in headless Chromium, as the roles that do it.

Staff start 2017 from the published 2016 round and onboard a panel (a chair and two
experts, new accounts whose role alone lets them into the admin) and open the round.
The experts rate one process on one dimension apart from each other on their rating
sheets; one cites the article her rating rests on there and starts a discussion. The
chair reads the split on her view of the round, sets the consensus with justifications
in English and Russian, replies to the thread, and confirms every carried-over rating
in one action. Publishing is blocked by the open thread; the chair follows the
checklist's link, resolves it, and staff publish. The published figures on the public
site equal `manage.py scores 2017 --json`, and the changed rating's history
shows who, when, why, and the old and new justification.

Screenshots of the chair's view, the onboarding form and the next-round form in ky, ru
and en at 1366 and 390 px go to artifacts/screenshots/ (test_screens_in_every_language).
"""

from __future__ import annotations

import io
import json
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from assessments import permissions, services
from assessments.models import LegalAct, ProcessAssessment, Rating, Round, Thread
from assessments.roles import ensure_roles
from assessments.services import onboarding
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long enough passphrase"
WIDTHS = {"1366": 1366, "390": 390}


@pytest.fixture(autouse=True)
def roles(transactional_db):
    ensure_roles()  # a transactional test before this one flushed the groups
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff_user(study_round):
    # No "Staff status": the role alone opens the admin.
    user = UserFactory(username="staff", is_staff=False, password=PASSWORD)
    user.groups.add(Group.objects.get(name=permissions.STAFF))
    return user


def log_in(browser, live_server, username: str, lang: str = "en"):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/{lang}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_be_visible()
    return page


# The innermost elements that reach past the screen's right edge (what makes it scroll).
WIDER_THAN_THE_SCREEN = """() => {
  if (document.documentElement.scrollWidth <= window.innerWidth) return [];
  return [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
    .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > innerWidth + 1))
    .slice(0, 8)
    .map(e => `${e.tagName}.${e.className}#${e.id} ${Math.round(e.getBoundingClientRect().right)}`);
}"""


def shoot(page, screenshots, name: str) -> None:
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(screenshots / f"k-{name}-{label}.png"), full_page=True)
        if width == 390:
            wide = page.evaluate(WIDER_THAN_THE_SCREEN)
            assert not wide, f"{name} scrolls sideways at 390 px: {wide}"
    page.set_viewport_size({"width": 1366, "height": 900})


def shown(percent) -> str:
    if percent is None:
        return "–"
    return f"{Decimal(str(percent)).quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


def lifecycle(page, live_server, round_, action: str, reason: str) -> None:
    page.goto(
        f"{live_server.url}/en/admin/assessments/round/{round_.pk}/lifecycle/?action={action}"
    )
    page.fill("textarea[name=reason]", reason)
    page.click("form button[type=submit].default")


def test_a_whole_year_through_the_screens(
    browser, live_server, study_round, staff_user, screenshots
):
    base = f"{live_server.url}/en/admin"

    # Staff start 2017 from 2016: the form is filled in and says what comes over.
    staff = log_in(browser, live_server, "staff")
    staff.goto(f"{base}/assessments/round/{study_round.pk}/change/")
    staff.get_by_role("link", name="Start the next round from this one").click()
    expect(staff.locator("input[name=year]")).to_have_value("2017")
    expect(staff.locator(".carried-summary")).to_contain_text("carried over, not re-examined")
    staff.fill("textarea[name=reason]", "yearly round")
    staff.click("form button[type=submit].default")
    expect(staff.locator(".messagelist")).to_contain_text("draft")
    y2017 = Round.objects.get(year=2017)

    # ... onboard the panel in one form: a chair and two experts, all new ...
    staff.get_by_role("link", name="Onboard a panel").click()
    staff.fill("#id_name", "Panel 2017")
    for n, (username, name, role) in enumerate(
        [
            ("nurlan", "Nurlan Asanov", "chair"),
            ("aida", "Aida Bekova", "expert"),
            ("bakyt", "Bakyt Osmonov", "expert"),
        ]
    ):
        staff.fill(f"#id_members-{n}-username", username)
        staff.fill(f"#id_members-{n}-full_name", name)
        staff.fill(f"#id_members-{n}-password", PASSWORD)
        staff.check(f'input[name="members-{n}-role"][value="{role}"]')
    staff.click("input[value='Create the panel']")
    expect(staff.locator(".messagelist")).to_contain_text("its members can log in now")

    # ... and open it for rating.
    lifecycle(staff, live_server, y2017, "open", "panel assigned")
    expect(staff.locator(".messagelist")).to_contain_text("open for rating")

    recall = (
        ProcessAssessment.objects.filter(round=y2017)
        .order_by("process__pair__position", "position")
        .first()
    )
    rules = y2017.methodology.dimensions.get(code="rules")
    constitution = LegalAct.objects.get(code="constitution")

    # The experts rate the same process apart from each other, each on her rating sheet
    # (opened from the admin's index, as experts open it); Aida cites the article her
    # rating rests on there, then starts a discussion.
    for username, value, why in (("aida", 1, "Art. 52 provides it"), ("bakyt", 0, "No law")):
        expert = log_in(browser, live_server, username)
        expert.locator("#my-ratings a", has_text="2017").click()
        expect(expert).to_have_url(f"{base}/assessments/round/{y2017.pk}/sheet/")
        cell = expert.locator(f"#cell-{recall.pk}-{rules.pk}")
        cell.locator("label.scale-choice", has_text="Present" if value else "Absent").click()
        cell.locator("textarea[name$='justification_en']").fill(why)
        cell.get_by_role("button").click()
        expect(expert.locator(f"#cell-{recall.pk}-{rules.pk}.saved")).to_be_visible()
        if username == "aida":
            evidence = expert.locator(f"#evidence-{recall.pk}")
            evidence.locator("summary").click()
            evidence.locator("select[name$='-act']").select_option(str(constitution.pk))
            edition = evidence.locator("select[name$='-edition']")
            expect(edition.locator("option")).not_to_have_count(1)
            edition.select_option(index=1)
            evidence.locator("input[name$='-article']").fill("52")
            evidence.locator("select[name$='-dimension']").select_option(str(rules.pk))
            evidence.locator("button[type=submit]").click()
            # The sheet says so in place, once the new list has come back.
            added = expert.locator(f"#evidence-{recall.pk}")
            expect(added.locator("p.cell-status")).to_be_visible()
            expect(added.locator(".evidence-list")).to_contain_text("article 52")
            assert recall.citations.filter(act=constitution, article="52").exists()
            # ... and asks the panel.
            expert.goto(f"{base}/assessments/thread/add/?assessment={recall.pk}")
            expert.select_option("#id_dimension", str(rules.pk))
            expert.fill("#id_title", "Does art. 52 make recall real?")
            expert.fill("#id_body", "Art. 52 names recall, but is there a procedure law?")
            expert.click("input[name=_save]")
            expect(expert.locator(".messagelist")).to_be_visible()
        expert.context.close()
    assert {
        (r.expert.username, r.value, r.justification_en)
        for r in recall.expert_ratings.filter(dimension=rules).select_related("expert")
    } == {("aida", 1, "Art. 52 provides it"), ("bakyt", 0, "No law")}
    thread = Thread.objects.get(assessment=recall)

    # The chair reads the split on her view of the round ...
    chair = log_in(browser, live_server, "nurlan")
    chair.goto(f"{base}/assessments/round/{y2017.pk}/change/")
    chair.get_by_role("link", name="Chair's view").click()
    cell = chair.locator(f"#c{recall.pk}-{rules.pk}")
    expect(cell.locator(".split")).to_contain_text("1 of 2 experts says “Absent”")
    chair.select_option("select[name=show]", "disagree")
    chair.click(".sheet-filters input[type=submit]")
    expect(chair.locator(".process-card")).to_have_count(1)

    # ... sets the consensus with justifications in two languages ...
    cell.locator("summary").click()
    cell.locator('input[name=value][value="0"]').check()
    cell.locator("textarea[name=justification_en]").fill("A right without a procedure law")
    cell.locator("textarea[name=justification_ru]").fill("Право без закона о процедуре")
    cell.locator("textarea[name=reason]").fill("the panel found no procedure law")
    cell.locator("input[type=submit]").click()
    expect(chair.locator(".messagelist")).to_contain_text("Saved the consensus")

    # ... replies to the thread, and confirms the carried-over ratings in one action.
    chair.fill(f"#reply-{thread.pk}", "Agreed: no procedure law, so absent.")
    chair.click(f"#t{thread.pk} .reply-form input[type=submit]")
    expect(chair.locator(f"#t{thread.pk} .comments li")).to_have_count(2)
    # On second thought she words the English justification more precisely.
    cell = chair.locator(f"#c{recall.pk}-{rules.pk}")
    cell.locator("summary").click()
    cell.locator("textarea[name=justification_en]").fill(
        "Art. 52 names recall, but no law sets its procedure"
    )
    cell.locator("textarea[name=reason]").fill("cite the article, as the thread asked")
    cell.locator("input[type=submit]").click()
    expect(chair.locator(".messagelist")).to_contain_text("Saved the consensus")
    chair.goto(f"{base}/assessments/chair/{y2017.pk}/")  # 1: open the page
    chair.fill("#confirm-reason", "the panel re-examined every rating")  # 2: say why
    chair.click("#confirm-form input[type=submit]")  # 3: confirm
    expect(chair.locator(".messagelist")).to_contain_text("as re-examined")
    assert not Rating.objects.filter(assessment__round=y2017, carried_over=True).exists()

    # Publishing is blocked by the open thread, named and linked on the chair's checklist.
    lifecycle(staff, live_server, y2017, "review", "ratings entered")
    lifecycle(staff, live_server, y2017, "publish", "board approved")
    expect(staff.locator(".errornote, .errorlist").first).to_contain_text("still open")
    chair.reload()
    chair.get_by_role("link", name="Open discussion on").click()
    chair.click(f"#t{thread.pk} .resolve-form input[type=submit]")
    expect(chair.locator(".messagelist")).to_contain_text("Resolved the thread")
    lifecycle(staff, live_server, y2017, "publish", "board approved")
    expect(staff.locator(".messagelist")).to_contain_text("published")

    # The published figures are those `manage.py scores 2017 --json` computes.
    out = io.StringIO()
    call_command("scores", "2017", "--json", stdout=out)
    expected = json.loads(out.getvalue())
    public = browser.new_page()
    public.goto(f"{live_server.url}/en/rounds/2017/")
    overall = public.locator('[data-figure="overall-index"]').inner_text()
    assert overall == shown(expected["overall_index"])
    for pair in expected["pairs"]:
        row = public.locator(f'#pair-indices tr[data-pair="{pair["pair"]}"]')
        assert row.locator('[data-figure="pair-index"]').inner_text() == shown(pair["index"])
    for dimension in expected["dimensions"]:
        cell_total = public.locator(
            f'#dimension-totals tr[data-dimension="{dimension["dimension"]}"] '
            '[data-figure="dimension-total"]'
        )
        assert cell_total.inner_text() == shown(dimension["total"])

    # The changed rating's history: who, when, why, the old and new justification.
    chair.goto(f"{base}/assessments/chair/{y2017.pk}/")
    expect(chair.locator(".frozen-note")).to_contain_text("read-only")
    chair.locator(f"#c{recall.pk}-{rules.pk} a.history").click()
    history = chair.locator("#change-history")
    shoot(chair, screenshots, "rating-history-en")
    expect(history).to_contain_text("Nurlan Asanov")
    expect(history).to_contain_text("the panel found no procedure law")
    expect(history).to_contain_text("cite the article, as the thread asked")
    expect(history).to_contain_text("A right without a procedure law")  # old
    expect(history).to_contain_text("Art. 52 names recall, but no law sets its procedure")  # new
    expect(history).to_contain_text(f"{timezone.localtime().year}")  # when


@pytest.fixture
def y2017(study_round, staff_user):
    """2017 started from 2016 with its panel, a split and a thread, through the services."""
    y2017 = services.start_next_round(
        actor=staff_user, source=study_round, year=2017, reason="yearly round"
    )
    chair = UserFactory(username="nurlan", first_name="Nurlan", last_name="Asanov")
    aida = UserFactory(username="aida", first_name="Aida", last_name="Bekova")
    bakyt = UserFactory(username="bakyt", first_name="Bakyt", last_name="Osmonov")
    onboarding.onboard_panel(
        actor=staff_user,
        round_=y2017,
        name="Panel 2017",
        members=[
            onboarding.Member(role="chair", user=chair),
            onboarding.Member(role="expert", user=aida),
            onboarding.Member(role="expert", user=bakyt),
        ],
    )
    services.transition_round(actor=staff_user, round_=y2017, to="open", reason="panel assigned")
    recall = (
        ProcessAssessment.objects.filter(round=y2017)
        .order_by("process__pair__position", "position")
        .first()
    )
    for who, value in ((aida, 1), (bakyt, 0), (chair, 1)):
        services.record_expert_rating(
            actor=who,
            assessment=recall,
            dimension="rules",
            value=value,
            justification={"ky": "Негиздеме", "ru": "Обоснование", "en": "Justification"},
            reason="first reading",
        )
    services.start_thread(
        actor=aida, assessment=recall, dimension="rules", body="Is there a procedure law?"
    )
    return y2017


@pytest.mark.parametrize("lang", ["ky", "ru", "en"])
def test_screens_in_every_language(browser, live_server, y2017, study_round, screenshots, lang):
    base = f"{live_server.url}/{lang}/admin"
    staff = log_in(browser, live_server, "staff", lang)
    staff.goto(f"{base}/assessments/staff/{y2017.pk}/onboard/")
    shoot(staff, screenshots, f"onboard-{lang}")
    staff.goto(f"{base}/assessments/round/{study_round.pk}/lifecycle/?action=next")
    shoot(staff, screenshots, f"next-round-{lang}")
    staff.goto(f"{base}/assessments/chair/{y2017.pk}/?show=disagree")
    staff.locator(".cell.disagree summary").first.click()
    shoot(staff, screenshots, f"chair-sheet-{lang}")
    text = staff.locator("#content").inner_text()
    for english in ("Chair's view", "Confirm as re-examined", "experts say", "Consensus"):
        assert lang == "en" or english not in text, f"{english!r} untranslated in {lang}"
    staff.goto(f"{base}/assessments/chair/{study_round.pk}/")
    shoot(staff, screenshots, f"chair-published-{lang}")
