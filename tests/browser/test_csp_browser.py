"""Under the site's real Content-Security-Policy, every kind of page still works (issue 11).

The policy is the one the server sends (settings.CONTENT_SECURITY_POLICY); Chromium
reports anything it blocks on the console. Pages: the public site, an embed page, the
admin (its login, a round, the import tool with its progress script), Swagger UI and
Redoc, which must render from this site's own files (Redoc's fonts no longer come from
another host). Screenshots: artifacts/screenshots/csp-<page>[-phone].png.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.conftest import load_study
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

REDOC_BADGE = "https://cdn.redoc.ly/redoc/logo-mini.svg"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def loaded():
    cache.clear()
    load_study()
    user = UserFactory(username="root", is_superuser=True)
    yield user
    cache.clear()


def _watch(page) -> list[str]:
    blocked: list[str] = []
    page.on(
        "console",
        lambda m: (
            blocked.append(m.text)
            if "Content Security Policy" in m.text or "Refused to" in m.text
            else None
        ),
    )
    # A request the browser abandons because the next page opened (net::ERR_ABORTED, e.g.
    # an icon a stylesheet asked for late) was not refused; every other failure counts.
    page.on(
        "requestfailed",
        lambda r: (
            blocked.append(f"failed: {r.url} ({r.failure})")
            if r.failure != "net::ERR_ABORTED"
            else None
        ),
    )
    return blocked


def _shoot(page, screenshots, name: str) -> None:
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=screenshots / f"csp-{name}.png", full_page=False)
    page.set_viewport_size(PHONE)
    page.screenshot(path=screenshots / f"csp-{name}-phone.png", full_page=False)
    page.set_viewport_size(DESKTOP)


def test_the_public_site_and_the_api_docs_work_under_the_policy(
    live_server, page, loaded, screenshots
):
    blocked = _watch(page)
    hosts: list[str] = []
    page.on(
        "request",
        lambda r: hosts.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    for path in ("/ky/", "/ru/rounds/2016/", "/en/embed/rounds/2016/pairs/"):
        response = page.goto(f"{live_server.url}{path}")
        assert "frame-ancestors" in response.headers["content-security-policy"]
    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Accountability")
    _shoot(page, screenshots, "swagger")
    page.goto(f"{live_server.url}/api/v1/redoc/")
    expect(page.locator("h1").first).to_contain_text("Accountability", timeout=15000)
    _shoot(page, screenshots, "redoc")
    # Redoc's bundle points its "Redocly" badge at its makers' server: the policy refuses it,
    # and nothing else is asked of another host.
    assert [b for b in blocked if REDOC_BADGE not in b] == []
    assert [h for h in hosts if not h.startswith(("data:", "blob:", REDOC_BADGE))] == []


def test_the_admin_works_under_the_policy(live_server, page, loaded, screenshots):
    blocked = _watch(page)
    page.goto(f"{live_server.url}/en/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "correct horse battery")
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_be_visible()
    page.goto(f"{live_server.url}/en/admin/assessments/round/")
    page.get_by_role("link", name="2016").first.click()
    expect(page.locator("#content h1, #content h2").first).to_be_visible()
    page.wait_for_load_state("load")
    page.goto(f"{live_server.url}/ky/admin/assessments/tools/import/")
    page.wait_for_load_state("networkidle")
    _shoot(page, screenshots, "admin-import")
    assert blocked == []


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_a_locked_out_login_says_why_in_the_readers_language(
    live_server, page, loaded, screenshots, language, settings
):
    settings.AXES_FAILURE_LIMIT = 3
    for attempt in range(3):
        page.goto(f"{live_server.url}/{language}/admin/login/")
        page.fill("#id_username", "root")
        page.fill("#id_password", f"guess-{attempt}")
        page.click("input[type=submit]")
    expect(page.locator(".errornote")).to_be_visible()
    text = page.locator(".errornote").inner_text()
    assert ("Too many failed logins" in text) == (language == "en")
    assert "Django" not in page.locator("#header").inner_text()  # the product's own name
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=screenshots / f"locked-out-{language}.png")
    page.set_viewport_size(PHONE)
    page.screenshot(path=screenshots / f"locked-out-{language}-phone.png")
