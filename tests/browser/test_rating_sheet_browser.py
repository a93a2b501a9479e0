"""The expert's rating sheet in headless Chromium: rate a process without a page load.

2017 is started from the published 2016 round; Aigul sits on the panel for citizens →
parliament. She opens her sheet from the admin's index, rates one process on every
dimension with a justification, cites the Constitution (act → edition → article) and
sees the progress move, all without the page reloading; then another session changes
one of her ratings and her next save says whose change it was, what it says now, and
keeps her text. In Kyrgyz, Russian and English; screenshots at 1366 and 390 px.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from assessments import permissions, services
from assessments.models import Citation, ExpertRating, LegalAct, Pair, ProcessAssessment
from assessments.roles import ensure_roles
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"  # tests/factories.py
PAIR = "citizens-parliament"
WIDTHS = {"wide": 1366, "phone": 390}
WORDS = {
    "en": {"my": "My ratings", "present": "Present", "absent": "Absent", "now": "It now reads"},
    "ru": {"my": "Мои оценки", "present": "Есть", "absent": "Нет", "now": "Сейчас здесь"},
    "ky": {"my": "Менин баалоолорум", "present": "Бар", "absent": "Жок", "now": "Азыр мындай"},
}
CONSTITUTION = {"en": "Constitution of the", "ru": "Конституция Кырг", "ky": "Конституциясы"}
PROGRESS = {"en": "4 of {n} rated", "ru": "оценено 4 из {n}", "ky": "{n} ичинен 4 бааланды"}


@pytest.fixture(autouse=True)
def roles(transactional_db):
    ensure_roles()  # a transactional test before this one flushed the groups


@pytest.fixture
def round_2017(study_round, panel_for):
    staff = UserFactory(username="staff")
    staff.groups.add(Group.objects.get(name=permissions.STAFF))
    draft = services.start_next_round(actor=staff, source=study_round, year=2017, reason="Yearly")
    aigul = UserFactory(username="aigul", first_name="Айгүл", last_name="Осмонова")
    aigul.groups.add(Group.objects.get(name=permissions.EXPERT))
    panel_for(draft, experts=[aigul], pairs=[Pair.objects.get(code=PAIR)])
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
        # Nothing wider than the screen: the page never scrolls sideways.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} is {overflow}px wider than {width}px"
        page.screenshot(path=str(screenshots / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


@pytest.mark.parametrize("language", ["en", "ky", "ru"])
def test_an_expert_rates_a_process_and_cites_without_a_page_load(
    page, live_server, round_2017, language, screenshots
):
    words = WORDS[language]
    aigul = ExpertRating._meta.get_field("expert").related_model.objects.get(username="aigul")
    mine = list(
        ProcessAssessment.objects.filter(round=round_2017, process__pair__code=PAIR).order_by(
            "position"
        )
    )
    dimensions = list(round_2017.methodology.dimensions.order_by("position"))
    total = len(mine) * len(dimensions)
    first = mine[0]

    log_in(page, live_server, language, "aigul")
    expect(page.locator("#my-ratings caption")).to_contain_text(words["my"])
    page.locator("#my-ratings a").first.click()
    expect(page.locator("#sheet-progress")).to_contain_text(str(total))
    shoot(page, screenshots, f"sheet-{language}-open")

    # From here on, nothing may load a page: a marker on the window would be lost.
    page.evaluate("window.__sameDocument = true")
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))

    for position, dimension in enumerate(dimensions):
        cell = page.locator(f"#cell-{first.pk}-{dimension.pk}")
        value = words["present"] if position % 2 == 0 else words["absent"]
        cell.locator("label.scale-choice", has_text=value).click()
        cell.locator(f"textarea[name$='justification_{language}']").fill(
            f"Justification {position} ({language})"
        )
        cell.get_by_role("button").click()
        expect(page.locator(f"#cell-{first.pk}-{dimension.pk}.saved")).to_be_visible()
    expect(page.locator("#sheet-progress")).to_contain_text(PROGRESS[language].format(n=total))

    evidence = page.locator(f"#evidence-{first.pk}")
    evidence.locator("summary").click()
    constitution = LegalAct.objects.get(code="constitution")
    evidence.locator("input[type=search]").fill(CONSTITUTION[language])
    act_select = evidence.locator("select[name$='-act']")
    # The search narrows the list of acts to those whose title has the words typed.
    expect(act_select.locator("option")).not_to_have_count(len(LegalAct.objects.all()) + 1)
    act_select.select_option(str(constitution.pk))
    edition_select = evidence.locator("select[name$='-edition']")
    expect(edition_select.locator("option")).not_to_have_count(1)
    edition_select.select_option(index=1)
    evidence.locator("input[name$='-article']").fill("52")
    evidence.locator("textarea[name$='-note']").fill("Free elections")
    evidence.scroll_into_view_if_needed()
    shoot(page, screenshots, f"sheet-{language}-cite")
    evidence.locator("button[type=submit]").click()
    added = page.locator(f"#evidence-{first.pk}")
    expect(added.locator("p.cell-status")).to_be_visible()
    expect(added.locator(".evidence-list")).to_contain_text("52")

    assert ExpertRating.objects.filter(expert=aigul, assessment=first).count() == len(dimensions)
    assert Citation.objects.filter(assessment=first, article="52").exists()
    assert page.evaluate("window.__sameDocument === true")
    assert navigations == []
    shoot(page, screenshots, f"sheet-{language}-rated")

    # Another session (hers, in another tab) changes the first rating meanwhile.
    rules = dimensions[0]
    services.record_expert_rating(
        actor=aigul,
        assessment=first,
        dimension=rules,
        value=0,
        justification={language: "Changed in the other tab"},
        reason="other tab",
        expected_revision=1,
    )
    cell = page.locator(f"#cell-{first.pk}-{rules.pk}")
    cell.locator(f"textarea[name$='justification_{language}']").fill("My careful second text")
    cell.locator("input[name$='-reason']").fill("second look")
    cell.get_by_role("button").click()
    conflict = page.locator(f"#cell-{first.pk}-{rules.pk} .cell-conflict")
    expect(conflict).to_contain_text(words["now"])
    expect(conflict).to_contain_text(f"{words['now']}: {words['absent']} — ")
    expect(conflict).to_contain_text("Changed in the other tab")
    expect(conflict).to_contain_text("Айгүл Осмонова")
    expect(cell.locator(f"textarea[name$='justification_{language}']")).to_have_value(
        "My careful second text"
    )
    assert navigations == [] and page.evaluate("window.__sameDocument === true")
    page.locator(f"#cell-{first.pk}-{rules.pk}").scroll_into_view_if_needed()
    shoot(page, screenshots, f"sheet-{language}-conflict")
    rating = ExpertRating.objects.get(expert=aigul, assessment=first, dimension=rules)
    assert (rating.value, rating.revision) == (0, 2)
