"""Every chart as a reader sees it, in Kyrgyz, Russian and English, on a phone (390 px) and a
laptop (1366 px): no label cut, no text under 12 px; downloads that carry their credits; an
embed page living in another site's iframe; a round's Open Graph picture.

Each chart is saved under artifacts/screenshots/charts/<lang>-<width>-<page>-<chart>.png
(and the cards as og-<lang>.png) to be looked at.
"""

import functools
import http.server
import threading
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from assessments.images import PNG_SIGNATURE, png_size
from assessments.models import Round
from tests.conftest import Snapshot, load_study
from tests.factories import UserFactory
from tests.web.conftest import CHANGES_2025
from tests.web.rounds import copy_round

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

LANGUAGES = ["ky", "ru", "en"]
WIDTHS = [390, 1366]
PAIRS = [
    "citizens-parliament",
    "citizens-executive",
    "citizens-parties",
    "parliament-executive",
    "parties-parliament",
]
PASSWORD = "correct horse battery"  # tests/factories.py

# For every visible chart: the text drawn outside the picture, the smallest text on screen.
MEASURE = """svg => {
  const box = svg.getBoundingClientRect();
  const scale = svg.getScreenCTM().a;
  const outside = [];
  let smallest = Infinity;
  for (const text of svg.querySelectorAll("text")) {
    const r = text.getBoundingClientRect();
    smallest = Math.min(smallest, parseFloat(getComputedStyle(text).fontSize) * scale);
    if (r.left < box.left - 0.5 || r.right > box.right + 0.5 ||
        r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5) {
      outside.push(text.textContent);
    }
  }
  return {outside, smallest, width: box.width};
}"""


@pytest.fixture
def rounds():
    cache.clear()

    def build() -> None:
        load_study()
        study = Round.objects.get(year=2016)
        copy_round(study, year=2025, status=Round.Status.PUBLISHED, changes=CHANGES_2025)

    Snapshot.restore("2016, 2025 published", build)
    yield Round.objects.get(year=2016), Round.objects.get(year=2025)
    cache.clear()


@pytest.fixture
def charts_dir(screenshots):
    folder = screenshots / "charts"
    folder.mkdir(exist_ok=True)
    return folder


def check_charts(page, where: str, folder, name: str, scope: str = "main") -> int:
    """Every visible chart of the page: measured, and saved as a picture."""
    charts = page.locator(f"{scope} figure.chart").all()
    seen = 0
    for figure in charts:
        svg = figure.locator("svg:visible")
        if svg.count() == 0:
            continue
        seen += 1
        measured = svg.evaluate(MEASURE)
        key = figure.get_attribute("data-chart")
        assert measured["outside"] == [], f"{where} {key}: cut labels {measured['outside']}"
        assert measured["smallest"] >= 12, f"{where} {key}: text of {measured['smallest']} px"
        figure.screenshot(path=str(folder / f"{name}-{key}.png"))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), where
    return seen


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_chart_is_readable_on_a_phone_and_a_laptop(
    live_server, page, rounds, charts_dir, lang
):
    staff = UserFactory(username="staff-charts", is_staff=True, is_superuser=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        prefix = f"{lang}-{width}"

        page.goto(f"{live_server.url}/{lang}/")
        assert check_charts(page, f"home {prefix}", charts_dir, f"{prefix}-home") == 4
        page.goto(f"{live_server.url}/{lang}/rounds/2016/")
        assert check_charts(page, f"round {prefix}", charts_dir, f"{prefix}-round-2016") == 3
        for pair in PAIRS:
            page.goto(f"{live_server.url}/{lang}/rounds/2025/pairs/{pair}/")
            assert check_charts(page, f"{pair} {prefix}", charts_dir, f"{prefix}-{pair}") == 1
        page.goto(f"{live_server.url}/{lang}/embed/rounds/2016/dimensions/")
        assert check_charts(page, f"embed {prefix}", charts_dir, f"{prefix}-embed", "body") == 1

        # The ratings table on a phone: each process a block, each rating with its label.
        page.goto(f"{live_server.url}/{lang}/rounds/2025/pairs/citizens-parties/")
        wrap = page.locator("#process-ratings").locator("xpath=..")
        fits = wrap.evaluate("el => el.scrollWidth <= el.clientWidth")
        label = page.locator('#process-ratings td[data-figure="process-score"]').first.evaluate(
            "el => getComputedStyle(el, '::before').content"
        )
        if width == 390:
            assert fits, "the ratings table scrolls sideways on a phone"
            assert label not in ("none", "normal", '""')
        else:
            assert label in ("none", "normal")
        wrap.locator("xpath=..").screenshot(path=str(charts_dir / f"{prefix}-ratings-table.png"))

    # The admin's chart page of the round, logged in as staff.
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/{lang}/admin/login/")
    page.fill("#id_username", staff.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_be_visible()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/{lang}/admin/assessments/tools/rounds/2025-v1/charts/")
        name = f"{lang}-{width}-admin"
        assert check_charts(page, f"admin {lang} {width}", charts_dir, name, "#content") == 4


def test_downloads_carry_their_credits_and_the_card_is_a_png_of_the_chart(
    live_server, page, rounds, screenshots
):
    page.goto(f"{live_server.url}/ru/rounds/2016/")
    figure = page.locator('figure[data-chart="pairs"]')
    with page.expect_download() as download:
        figure.locator("a", has_text="SVG").click()
    assert download.value.suggested_filename == "accountability-2016-v1-pairs.svg"
    svg = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Источник: Development Policy Institute" in svg
    assert "Лицензия: CC BY 4.0." in svg
    with page.expect_download() as download:
        figure.locator("a", has_text="PNG").click()
    png = Path(download.value.path()).read_bytes()
    assert png.startswith(PNG_SIGNATURE)
    (screenshots / "download-ru-pairs.png").write_bytes(png)

    for lang in LANGUAGES:
        page.goto(f"{live_server.url}/{lang}/rounds/2016/")
        card = page.locator('meta[property="og:image"]').get_attribute("content")
        assert card == f"{live_server.url}/{lang}/rounds/2016/card.png"
        response = page.request.get(card)
        assert response.headers["content-type"] == "image/png"
        assert response.body().startswith(PNG_SIGNATURE)
        assert png_size(response.body()) == (1200, 630)
        (screenshots / f"og-{lang}.png").write_bytes(response.body())


@pytest.fixture
def other_site(tmp_path):
    """A second web server, on another port: a page of another origin."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


# A strict policy of the kind django-csp will send: nothing inline, nothing from elsewhere;
# only embed pages may have another origin as their frame's parent.
POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors {ancestors}"
)


def under_policy(route):
    response = route.fetch()
    ancestors = "*" if "/embed/" in route.request.url else "'none'"
    headers = {**response.headers, "content-security-policy": POLICY.format(ancestors=ancestors)}
    route.fulfill(response=response, headers=headers)


def test_an_embed_code_works_on_another_sites_page_and_only_embed_pages_may_be_framed(
    live_server, page, rounds, other_site, screenshots
):
    folder, origin = other_site
    assert not live_server.url.startswith(origin)
    page.route(f"{live_server.url}/**", under_policy)
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    # The embed code as a reader copies it from the page.
    page.goto(f"{live_server.url}/ky/rounds/2016/pairs/citizens-parties/")
    page.locator(".embed-code summary").click()
    code = page.locator(".embed-code textarea").input_value()
    assert code.startswith(f'<iframe src="{live_server.url}/ky/embed/rounds/2016/pairs/')
    # The copy button appears with the script (no inline script: site.js).
    copy = page.locator(".embed-code button.copy")
    expect(copy).to_be_visible()
    not_an_embed = f'<iframe src="{live_server.url}/ky/rounds/2016/" title="x"></iframe>'
    (folder / "host.html").write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>A newsroom</title></head>"
        f"<body><h1>A newsroom's article</h1>{code}{not_an_embed}</body></html>",
        encoding="utf-8",
    )
    # The page with its charts broke no rule of the policy (no inline style or script).
    assert problems == []
    page.set_viewport_size({"width": 1000, "height": 1200})
    page.goto(f"{origin}/host.html")
    embed = page.frame_locator("iframe").first
    expect(embed.locator("svg[role=img]:visible")).to_have_count(1)
    expect(embed.locator("html")).to_have_attribute("lang", "ky")
    expect(embed.locator("figcaption a")).to_have_attribute("target", "_blank")
    refused = page.frame_locator("iframe").nth(1)
    expect(refused.locator("main")).to_have_count(0)
    # The only complaint: the page that is not an embed refused to be framed.
    assert problems and all("frame-ancestors 'none'" in p for p in problems), problems
    page.screenshot(path=str(screenshots / "embed-on-another-site.png"), full_page=True)
