"""The admin's comparison of 2016 and 2025 in headless Chromium: log in, choose, read.

2025 is made as staff and panels make it (tests/imports/scenario.py): 2016 exported to
XLSX, three ratings edited with reasons, imported by the chair, the rest confirmed, published.
"""

import pytest
from django.contrib.auth.models import Group
from django.utils import translation
from playwright.sync_api import expect

from assessments import permissions
from assessments.models import Round
from tests.factories import UserFactory
from tests.imports.scenario import EDITS, publish_2025

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"  # tests/factories.py


@pytest.fixture(autouse=True)
def roles(transactional_db):
    """The roles (groups) that a migration creates.

    A transactional test flushes every table when it ends, roles included. Django's
    serialized_rollback should put them back, but it did not when this module's first
    test followed another transactional test and set up Playwright's page first; the
    screens tested here need the groups only (not their model permissions).
    """
    for name in permissions.GROUPS:
        Group.objects.get_or_create(name=name)


@pytest.fixture
def rounds(study_round, staff, chair, panel_for):
    later = publish_2025(study_round, staff=staff, chair=chair, panel_for=panel_for)
    return study_round, later


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/en/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_be_visible()


def test_staff_compare_2016_and_2025_and_see_changes_reasons_and_deltas(
    page, live_server, rounds, staff, screenshots
):
    _study, later = rounds
    assert later.status == Round.Status.PUBLISHED
    log_in(page, live_server, staff.username)
    page.goto(f"{live_server.url}/en/admin/assessments/tools/compare/")
    page.select_option("#id_before", "2016-v1")
    page.select_option("#id_after", "2025-v1")
    page.click("input[type=submit][value=Compare]")

    expect(page.locator("h2#compared")).to_contain_text("2016")
    changed = page.locator("td.rating.changed")
    expect(changed).to_have_count(len(EDITS))
    for process, dimension, value, reason in EDITS:
        cell = page.locator(f'tr[data-process="{process}"] td.rating[data-dimension="{dimension}"]')
        expect(cell).to_have_class("rating changed")
        expect(cell).to_contain_text(f"{1 - value} → {value}")
        expect(cell).to_contain_text(reason)
        # Highlighted: the cell's background is not the table's.
        background = cell.evaluate("el => getComputedStyle(el).backgroundColor")
        assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    unchanged = page.locator('tr[data-process="jk-recall"] td.rating.changed')
    expect(unchanged).to_have_count(0)

    deltas = page.locator("#pair-deltas")
    expect(deltas.locator('tr[data-pair="citizens-parliament"]')).to_contain_text("+17 pp")
    expect(deltas.locator('tr[data-pair="citizens-parties"]')).to_contain_text("+11 pp")
    expect(deltas.locator('tr[data-pair="citizens-executive"]')).to_contain_text("−6 pp")
    expect(deltas.locator('tr[data-pair="parliament-executive"]')).to_contain_text("±0 pp")
    expect(page.locator("#dimension-deltas tr")).to_have_count(1 + 3)  # the scored dimensions
    expect(page.locator(".methodology-warning")).to_have_count(0)

    # The charts are drawn in the page (one layout shown) and each can be exported.
    expect(page.locator("figure.chart svg:visible")).to_have_count(7)
    links = page.locator('figure[data-chart="pairs"][data-round="2025-v1"] a')
    with page.expect_download() as download:
        links.filter(has_text="SVG").click()
    assert download.value.suggested_filename == "round-2025-v1-pairs.svg"
    with page.expect_download() as download:
        links.filter(has_text="PNG").click()
    assert download.value.suggested_filename == "round-2025-v1-pairs.png"

    page.set_viewport_size({"width": 1280, "height": 900})
    with translation.override("en"):
        page.screenshot(path=str(screenshots / "admin-compare-2016-2025.png"), full_page=True)


def test_a_panel_member_sees_only_rounds_she_may(page, live_server, rounds, panel_for):
    study, _later = rounds
    draft = Round.objects.create(
        year=2031, title_en="Draft", methodology=study.methodology, status=Round.Status.DRAFT
    )
    member = UserFactory(username="reader")
    log_in(page, live_server, member.username)
    page.goto(f"{live_server.url}/en/admin/assessments/tools/compare/")
    options = page.locator("#id_before option").all_inner_texts()
    assert any("2016" in o for o in options) and any("2025" in o for o in options)
    assert not any(str(draft.year) in o for o in options)


def test_a_chair_imports_a_spreadsheet_with_a_preview_that_catches_a_bad_row(
    page, live_server, study_round, staff, chair, panel_for, screenshots
):
    from assessments import services
    from assessments.models import Rating
    from tests.imports.conftest import edit_xlsx
    from tests.imports.scenario import edited_2016_ratings

    draft = services.start_next_round(actor=staff, source=study_round, year=2025, reason="Go")
    panel_for(draft, chair=chair)
    good = edited_2016_ratings(study_round)

    def add_bad_row(header, rows):
        bad = list(rows[0])
        bad[header.index("value")] = 7
        rows.append(bad)

    bad = edit_xlsx(good, add_bad_row)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    log_in(page, live_server, chair.username)
    page.goto(f"{live_server.url}/en/admin/assessments/tools/import/")
    page.select_option("#id_kind", "ratings")
    page.select_option("#id_round", "2025-v1")
    page.fill("#id_reason", "Panel meeting of 3 March 2025")
    page.set_input_files("#id_file", {"name": "ratings.xlsx", "mimeType": xlsx, "buffer": bad})
    page.click("#import-form input[type=submit]")
    error = page.locator("tr.import-error")
    expect(error).to_have_count(1)
    expect(error).to_contain_text("78")  # the header, 76 ratings, then the bad row
    expect(error).to_contain_text("7 is outside the scale")
    expect(page.locator("#confirm-form")).to_have_count(0)
    page.screenshot(path=str(screenshots / "admin-import-preview-errors.png"), full_page=True)

    page.select_option("#id_round", "2025-v1")
    page.set_input_files("#id_file", {"name": "ratings.xlsx", "mimeType": xlsx, "buffer": good})
    page.click("#import-form input[type=submit]")
    expect(page.locator("tr.change.update")).to_have_count(len(EDITS))
    page.screenshot(path=str(screenshots / "admin-import-preview.png"), full_page=True)
    page.click("#confirm-form input[type=submit]")
    expect(page.locator(".messagelist .success")).to_contain_text("Imported ratings.xlsx")
    assert Rating.objects.filter(assessment__round=draft, carried_over=False).count() == 3
