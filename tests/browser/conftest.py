"""Headless Chromium for the browser tests.

Playwright's browser downloads do not work on these machines; Debian's chromium does.
Playwright's sync API runs an event loop, which Django would otherwise refuse to
touch the database from.
"""

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
# Screenshots saved to artifacts/ are for a person to look at; CI has none, and encoding
# them was a sixth of the browser tests' time (129 full pages and 120 elements a run).
# BROWSER_SCREENSHOTS=0 (.ci/run) skips saving them; a test that reads a screenshot's
# bytes still gets them.
SAVE_SCREENSHOTS = os.environ.get("BROWSER_SCREENSHOTS", "1") != "0"


def pytest_collection_modifyitems(config, items):
    if CHROMIUM is not None:
        return
    skip = pytest.mark.skip(reason="no `chromium` on PATH: apt-get install chromium (CI does)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session", autouse=True)
def screenshots_saved_only_when_wanted():
    if SAVE_SCREENSHOTS:
        yield
        return
    from playwright.sync_api import Locator, Page

    originals = {cls: cls.screenshot for cls in (Page, Locator)}

    def unsaved(original):
        def screenshot(self, *args, path=None, **kwargs):
            return None if path is not None else original(self, *args, **kwargs)

        return screenshot

    for cls, original in originals.items():
        cls.screenshot = unsaved(original)
    yield
    for cls, original in originals.items():
        cls.screenshot = original


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
