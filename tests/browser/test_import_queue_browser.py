"""Staff import ratings in headless Chromium, with the production queue: upload (the check
waits for the worker), preview, confirm; the status page waits for the worker, shows the
import's progress and a Cancel button; the worker (django-tasks' own, on the database
backend) writes it or, cancelled, writes nothing. In Kyrgyz, Russian and English, on a
wide and a phone-sized screen; screenshots under artifacts/screenshots/imports/.
"""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connections
from django.utils import translation
from django.utils.translation import gettext
from django_tasks_db.management.commands.db_worker import Worker
from playwright.sync_api import expect

from assessments import permissions, services
from assessments.models import Rating
from assessments.roles import ensure_roles
from tests.factories import UserFactory
from tests.imports.conftest import edit_xlsx, export_xlsx, set_cell

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"  # tests/factories.py
WIDTHS = {"wide": 1366, "phone": 390}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def queue(transactional_db, settings, tmp_path):
    ensure_roles()  # a transactional test before this one flushed the groups
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.IMPORT_PREVIEW_DIR = str(tmp_path / "previews")


@pytest.fixture
def draft(study_round):
    staff = UserFactory(username="staff")
    staff.groups.add(Group.objects.get(name=permissions.STAFF))
    return services.start_next_round(actor=staff, source=study_round, year=2025, reason="Yearly")


@pytest.fixture
def folder(screenshots):
    path = screenshots / "imports"
    path.mkdir(exist_ok=True)
    return path


def run_worker() -> None:
    """The compose `worker` service's loop, until the queue is empty, in a thread of its own."""

    def work() -> None:
        try:
            Worker(
                queue_names=["default"],
                interval=0.1,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id="browser-test",
                excluded_queue_names=[],
            ).run()
        finally:
            connections.close_all()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=120)


def shoot(page, folder, name: str) -> None:
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def confirm_an_edited_file(page, live_server, draft, language: str, folder) -> None:
    page.goto(f"{live_server.url}/{language}/admin/login/")
    page.fill("#id_username", "staff")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_be_visible()

    data = edit_xlsx(
        export_xlsx("ratings", draft),
        lambda header, rows: set_cell(
            header, rows, process="jk-elections", dimension="enforcement", value=1
        ),
    )
    page.goto(f"{live_server.url}/{language}/admin/assessments/tools/import/")
    page.select_option("#id_kind", "ratings")
    page.select_option("#id_round", "2025-v1")
    page.set_input_files("#id_file", {"name": "ratings.xlsx", "mimeType": XLSX, "buffer": data})
    page.fill("#id_reason", "Panel meeting of 12 March")
    page.locator("#import-form input[type=submit]").click()
    # The check of the file waits for the worker too; its page becomes the preview.
    expect(page.locator("#import-running")).to_be_visible()
    if language == "en":
        shoot(page, folder, f"{language}-checking")
    run_worker()
    expect(page.locator("#confirm-form")).to_be_visible()
    page.locator("#confirm-form input[type=submit]").click()
    # The request only queued it: the status page waits for the worker, and offers Cancel.
    expect(page.locator("#import-running")).to_be_visible()
    expect(page.locator("#cancel-import")).to_be_visible()
    with translation.override(language):
        expect(page.locator(".tools-progress-text")).to_have_text(gettext("Waiting for its turn…"))
    shoot(page, folder, f"{language}-queued")


def changed(draft):
    return Rating.objects.filter(assessment__round=draft, carried_over=False)


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_staff_follow_a_queued_import_until_it_is_written(
    page, live_server, draft, language, folder
):
    confirm_an_edited_file(page, live_server, draft, language, folder)
    assert not changed(draft).exists()

    run_worker()

    # The page follows the job and, once the worker is done, shows the import's report.
    with translation.override(language):
        expect(page.locator("#import-report h2")).to_contain_text(gettext("Imported"))
    expect(page.locator("#import-running")).to_have_count(0)
    shoot(page, folder, f"{language}-imported")
    rating = changed(draft).get()
    assert rating.history.first().history_change_reason.startswith("Panel meeting of 12 March")


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_staff_cancel_a_queued_import_and_nothing_is_written(
    page, live_server, draft, language, folder
):
    confirm_an_edited_file(page, live_server, draft, language, folder)
    page.locator("#cancel-import input[type=submit]").click()
    expect(page.locator(".import-cancelling")).to_be_visible()
    expect(page.locator("#cancel-import")).to_have_count(0)
    shoot(page, folder, f"{language}-cancelling")

    run_worker()

    with translation.override(language):
        expect(page.locator("#import-report h2")).to_contain_text(
            gettext("Cancelled: nothing written")
        )
    shoot(page, folder, f"{language}-cancelled")
    assert not changed(draft).exists()
