"""The admin screens that name things in words, in headless Chromium, as people read them.

Staff read the reference lists and forms (names, not codes; the code field labelled in
words where she edits it), the round's overview and the comparison (dimensions by name),
a justification flag and a printed figure (its place in three languages); an expert
reads a reference row she may not change (no code at all); a peer reviewer opens the
admin with her role alone and finds her screen, with no model page. In Kyrgyz, Russian
and English, at 1366 and 390 px: nothing scrolls sideways on a phone. Screenshots go
to artifacts/screenshots/ (admin-*).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from playwright.sync_api import expect

from assessments import permissions, services
from assessments.models import Dimension, JustificationFlag, Process, PublishedFigure
from assessments.roles import ensure_roles
from assessments.services import peer_review
from tests.factories import UserFactory

from .test_panel_year_browser import WIDER_THAN_THE_SCREEN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"  # tests/factories.py
WIDTHS = {"1366": 1366, "390": 390}
CODE_LABEL = {
    "en": "Identifier in addresses and data files",
    "ru": "Идентификатор в адресах и файлах данных",
    "ky": "Даректердеги жана маалымат файлдарындагы идентификатор",
}


@pytest.fixture(autouse=True)
def roles(transactional_db):
    ensure_roles()  # a transactional test before this one flushed the groups
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def year(study_round):
    staff = UserFactory(username="staff")
    staff.groups.add(Group.objects.get(name=permissions.STAFF))
    expert = UserFactory(username="expert")
    expert.groups.add(Group.objects.get(name=permissions.EXPERT))
    draft = services.start_next_round(actor=staff, source=study_round, year=2017, reason="yearly")
    pair = draft.assessments.order_by("pk").first().process.pair
    # No "Staff status": the reviewer's role alone opens the admin.
    reviewer = UserFactory(username="reviewer", is_staff=False)
    peer_review.assign_reviewer(
        actor=staff, round_=draft, pair=pair, reviewer=reviewer, reason="assigned"
    )
    return study_round, draft


def log_in(browser, live_server, username: str, lang: str):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/{lang}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_be_visible()
    return page


def shoot(page, screenshots, name: str) -> None:
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(screenshots / f"admin-{name}-{label}.png"), full_page=True)
        if width == 390:
            wide = page.evaluate(WIDER_THAN_THE_SCREEN)
            assert not wide, f"{name} scrolls sideways at 390 px: {wide}"
    page.set_viewport_size({"width": 1366, "height": 900})


@pytest.mark.parametrize("lang", ["ky", "ru", "en"])
def test_admin_screens_name_things_in_words(browser, live_server, year, screenshots, lang):
    published, _draft = year
    base = f"{live_server.url}/{lang}/admin/assessments"
    rules = Dimension.objects.get(methodology=published.methodology, code="rules")
    recall = Process.objects.get(code="jk-recall")

    staff = log_in(browser, live_server, "staff", lang)
    for model in ("dimension", "process", "subject", "pair", "methodology", "legalact"):
        staff.goto(f"{base}/{model}/")
        # Rows by name (or title); no column of codes.
        expect(staff.locator("#result_list thead th")).not_to_have_count(0)
        expect(staff.locator("#result_list th.column-code")).to_have_count(0)
        shoot(staff, screenshots, f"{model}-list-{lang}")

    staff.goto(f"{base}/process/{recall.pk}/change/")
    expect(staff.locator(".field-code label")).to_contain_text(CODE_LABEL[lang])
    shoot(staff, screenshots, f"process-form-{lang}")

    staff.goto(f"{base}/round/{published.pk}/change/")
    header = staff.locator(f'.round-overview th[data-dimension="{rules.code}"]').first
    expect(header).not_to_have_text("rules")
    shoot(staff, screenshots, f"round-2016-{lang}")

    staff.goto(f"{base}/tools/compare/?before=2016-v1&after=2017-v1")
    expect(staff.locator(f'th[data-dimension="{rules.code}"]').first).not_to_have_text("rules")
    shoot(staff, screenshots, f"compare-{lang}")

    flag = JustificationFlag.objects.first()
    staff.goto(f"{base}/justificationflag/{flag.pk}/change/")
    expect(staff.locator("h2").first).not_to_contain_text("/ rules")
    shoot(staff, screenshots, f"flag-{lang}")

    figure = PublishedFigure.objects.filter(round=published).order_by("pk").first()
    staff.goto(f"{base}/publishedfigure/{figure.pk}/change/")
    for column in ("source_ky", "source_ru", "source_en"):
        expect(staff.locator(f".field-{column}")).to_be_visible()
    shoot(staff, screenshots, f"figure-{lang}")
    staff.context.close()

    # An expert reads a reference row she may not change: no code at all.
    expert = log_in(browser, live_server, "expert", lang)
    expert.goto(f"{base}/process/{recall.pk}/change/")
    expect(expert.locator(".field-name_ky")).to_be_visible()
    expect(expert.locator(".field-code")).to_have_count(0)
    assert "jk-recall" not in expert.locator("#content").inner_text()
    shoot(expert, screenshots, f"process-read-{lang}")
    expert.context.close()

    # A peer reviewer: her screen from the index, and no model page anywhere.
    reviewer = log_in(browser, live_server, "reviewer", lang)
    expect(reviewer.locator("#my-scrutiny a")).to_have_count(1)
    expect(reviewer.locator(".app-assessments")).to_have_count(0)
    shoot(reviewer, screenshots, f"reviewer-index-{lang}")
    reviewer.locator("#my-scrutiny a").click()
    expect(reviewer.locator("#nav-sidebar")).to_have_count(0)
    shoot(reviewer, screenshots, f"reviewer-review-{lang}")
