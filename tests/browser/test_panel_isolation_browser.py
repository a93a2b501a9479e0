"""An expert of panel A in the admin, in headless Chromium: she sees her panel's pairs only.

2025 is started from the published 2016 round; panel A covers citizens → parliament,
panel B citizens → executive. Aigul, an expert of panel A, logs in, lists the process
assessments of 2025, reads the round's overview and its threads, and finds another
panel's assessment "not there", in Kyrgyz, Russian and English, on a wide and a
phone-sized screen.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from assessments import permissions, services
from assessments.models import Pair, ProcessAssessment, Round
from assessments.roles import ensure_roles
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"  # tests/factories.py
PAIR_A, PAIR_B = "citizens-parliament", "citizens-executive"
WIDTHS = {"wide": 1366, "phone": 390}


@pytest.fixture(autouse=True)
def roles(transactional_db):
    # A transactional test before this one flushed the groups and their permissions.
    ensure_roles()


@pytest.fixture
def round_2025(study_round, panel_for):
    staff = UserFactory(username="staff")
    staff.groups.add(Group.objects.get(name=permissions.STAFF))
    draft = services.start_next_round(actor=staff, source=study_round, year=2025, reason="Yearly")
    aigul = UserFactory(username="aigul")
    aigul.groups.add(Group.objects.get(name=permissions.EXPERT))
    bakyt = UserFactory(username="bakyt")
    bakyt.groups.add(Group.objects.get(name=permissions.EXPERT))
    panel_for(draft, experts=[aigul], pairs=[Pair.objects.get(code=PAIR_A)])
    panel_for(draft, experts=[bakyt], pairs=[Pair.objects.get(code=PAIR_B)])
    for user, pair in ((aigul, PAIR_A), (bakyt, PAIR_B)):
        services.start_thread(
            actor=user,
            assessment=ProcessAssessment.objects.filter(round=draft, process__pair__code=pair)
            .order_by("position")
            .first(),
            title=f"Thread of {pair}",
            body="Which edition applies?",
        )
    return draft


def log_in(page, live_server, language: str, username: str) -> None:
    page.goto(f"{live_server.url}/{language}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_be_visible()


def shoot(page, screenshots, name: str) -> None:
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(screenshots / f"{name}-{label}.png"), full_page=True)


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_an_expert_of_panel_a_sees_only_her_panels_pairs(
    page, live_server, round_2025, language, screenshots
):
    mine = set(
        ProcessAssessment.objects.filter(round=round_2025, process__pair__code=PAIR_A).values_list(
            "pk", flat=True
        )
    )
    theirs = ProcessAssessment.objects.filter(round=round_2025, process__pair__code=PAIR_B)
    pair_a, pair_b = (Pair.objects.get(code=code) for code in (PAIR_A, PAIR_B))
    log_in(page, live_server, language, "aigul")
    admin = f"{live_server.url}/{language}/admin/assessments"

    # The list of process assessments, filtered to 2025 by the round filter she is offered.
    page.goto(f"{admin}/processassessment/?round__id__exact={round_2025.pk}")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(len(mine))
    links = rows.locator("th a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert {int(href.rstrip("/").split("/")[-3]) for href in links} == mine
    # Her round filter names 2016 (published) and 2025 (hers), no other round.
    filters = page.locator("#changelist-filter").text_content()
    assert "2025" in filters and "2016" in filters
    shoot(page, screenshots, f"admin-panel-a-assessments-{language}")

    # The round's overview: her pair's processes, her thread, no figure of every pair.
    page.goto(f"{admin}/round/{round_2025.pk}/change/")
    captions = page.locator("fieldset.round-overview table caption").all_text_contents()
    with_language = {"ky": pair_a.name_ky, "ru": pair_a.name_ru, "en": pair_a.name_en}
    assert [c.strip() for c in captions] == [with_language[language] or pair_a.name_ky]
    other_names = {pair_b.name_ky, pair_b.name_ru, pair_b.name_en} - {""}
    body = page.locator("body").text_content()
    assert not any(name in body for name in other_names)
    expect(page.locator("fieldset.open-threads")).to_contain_text(f"Thread of {PAIR_A}")
    expect(page.locator("fieldset.open-threads")).not_to_contain_text(f"Thread of {PAIR_B}")
    expect(page.locator("p.partial-report")).to_be_visible()
    shoot(page, screenshots, f"admin-panel-a-round-{language}")

    # Another panel's assessment is not there, and says nothing about itself.
    response = page.goto(f"{admin}/processassessment/{theirs.first().pk}/change/")
    assert response.status == 404
    assert theirs.first().title not in page.content()

    # The threads she lists are her panel's.
    page.goto(f"{admin}/thread/")
    expect(page.locator("#result_list")).to_contain_text(f"Thread of {PAIR_A}")
    expect(page.locator("#result_list")).not_to_contain_text(f"Thread of {PAIR_B}")
    assert Round.objects.get(pk=round_2025.pk).status == Round.Status.DRAFT
