"""The round's admin page read as staff read it: the 2016 report and what a careful reviewer finds.

Screenshots of the report (ky, ru, en; 1366 and 390 px wide) go to artifacts/screenshots/.
"""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from assessments import permissions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"  # tests/factories.py

HEADINGS = {
    "en": "What a careful reviewer finds besides: 4 places to look at again",
    "ru": "Что находит внимательный рецензент сверх того: 4 места, к которым стоит вернуться",
    "ky": "Кылдат рецензент дагы эмнени табат: кайра карай турган 4 жер",
}
SAME_MECHANISM = {
    "en": "are one mechanism, rated differently on",
    "ru": "— один механизм, но по измерению",
    "ky": "– бир механизм, бирок",
}


@pytest.fixture(autouse=True)
def roles(transactional_db):
    # A transactional test flushes the groups a migration made (see test_compare_browser.py).
    for name in permissions.GROUPS:
        Group.objects.get_or_create(name=name)


@pytest.mark.parametrize("language", ["en", "ru", "ky"])
@pytest.mark.parametrize(("width", "suffix"), [(1366, ""), (390, "-phone")])
def test_staff_read_the_2016_report_with_the_reviewers_findings(
    page, live_server, study_round, staff, screenshots, language, width, suffix
):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/{language}/admin/login/")
    page.fill("#id_username", staff.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_be_visible()

    page.goto(f"{live_server.url}/{language}/admin/assessments/round/{study_round.pk}/change/")
    report = page.locator("fieldset.consistency-report")
    findings = page.locator("h3#findings")
    expect(findings).to_have_text(HEADINGS[language])
    expect(report.locator(".finding")).to_have_count(4)
    expect(report.locator(".finding").first).to_contain_text(SAME_MECHANISM[language])
    # The study's own words are the evidence, whatever the page's language.
    expect(report).to_contain_text("аныкталган процесстердин 67% иштейт")
    # Nothing wider than the screen: the tables scroll inside their own box.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0

    findings.scroll_into_view_if_needed()
    page.locator("section.finding-kind").last.scroll_into_view_if_needed()
    report.locator("h3#findings").evaluate("e => e.scrollIntoView()")
    page.screenshot(path=str(screenshots / f"admin-round-findings-{language}{suffix}.png"))
    report.screenshot(path=str(screenshots / f"admin-round-report-{language}{suffix}.png"))
