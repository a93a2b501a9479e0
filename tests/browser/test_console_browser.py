"""The API's documentation and the public pages log nothing on the browser's console.

Redoc's bundle asked cdn.redoc.ly for its badge; the Content-Security-Policy refused it and
Chromium logged an error on every visit (accountability/redoc.py now serves the bundle
without it). Any error a page logs (a refused load, a failed request, a script error)
fails here.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.conftest import load_study

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PUBLIC_PAGES = (
    "/{lang}/",
    "/{lang}/rounds/",
    "/{lang}/rounds/2016/",
    "/{lang}/rounds/2016/pairs/citizens-parliament/",
    "/{lang}/compare/",
    "/{lang}/methodology/",
    "/{lang}/downloads/",
    "/{lang}/embed/rounds/2016/pairs/",
)


@pytest.fixture
def loaded():
    cache.clear()
    load_study()
    yield
    cache.clear()


def _errors(page) -> list[str]:
    errors: list[str] = []
    page.on(
        "console",
        lambda m: (
            errors.append(f"{m.text} ({m.location.get('url')})") if m.type == "error" else None
        ),
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"failed: {r.url}"))
    # Which address a "Failed to load resource" was.
    page.on(
        "response", lambda r: errors.append(f"{r.status}: {r.url}") if r.status >= 400 else None
    )
    return errors


def test_the_api_docs_log_no_console_error(live_server, page, loaded):
    errors = _errors(page)
    outside: list[str] = []
    # Redoc's search worker is a blob: of the page's own memory, no other host.
    own = (live_server.url, "blob:")
    page.on("request", lambda r: r.url.startswith(own) or outside.append(r.url))
    page.goto(f"{live_server.url}/api/v1/redoc/")
    expect(page.locator("h1").first).to_contain_text("Accountability", timeout=30000)
    # The menu, where the badge was, is drawn.
    expect(page.get_by_text("API docs by Redocly")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert errors == []
    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Accountability")
    page.wait_for_load_state("networkidle")
    assert errors == []
    assert outside == []


@pytest.mark.parametrize("lang", ["ky", "ru", "en"])
def test_the_public_pages_log_no_console_error(live_server, page, loaded, lang):
    errors = _errors(page)
    for path in PUBLIC_PAGES:
        page.goto(f"{live_server.url}{path.format(lang=lang)}")
        page.wait_for_load_state("networkidle")
    assert errors == []
