"""What a reader sees on the public site, in Kyrgyz, Russian and English, in headless Chromium.

The figures on screen are checked against selectors.round_report() and
comparison.compare_rounds(), the same reads the API and `manage.py scores` use.
Each page is saved as a screenshot, at desktop and at phone width, under
artifacts/screenshots/<page>-<lang>[-phone].png.
"""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.cache import cache
from django.utils import translation

from assessments import scoring
from assessments.comparison import compare_rounds
from assessments.models import Round
from assessments.selectors import round_report
from tests.conftest import Snapshot, load_study
from tests.web.conftest import CHANGES_2025
from tests.web.rounds import copy_round

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

LANGUAGES = ["ky", "ru", "en"]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
# 2016 as its ratings give it (docs/method.md): citizens → parties is 22%, not the printed 11%.
INDICES_2016 = {
    "citizens-parliament": "33%",
    "citizens-executive": "17%",
    "citizens-parties": "22%",
    "parliament-executive": "67%",
    "parties-parliament": "100%",
}


@pytest.fixture
def rounds():
    cache.clear()

    def build() -> None:
        load_study()
        study = Round.objects.get(year=2016)
        copy_round(study, year=2025, status=Round.Status.PUBLISHED, changes=CHANGES_2025)
        copy_round(study, year=2031, status=Round.Status.DRAFT)  # must never show

    Snapshot.restore("2016, 2025 published, 2031 draft", build)
    yield Round.objects.get(year=2016), Round.objects.get(year=2025)
    cache.clear()


def shown(percent: float | None) -> str:
    """A report percentage (two places) as the site prints it: whole, half up."""
    if percent is None:
        return "–"
    return f"{Decimal(str(percent)).quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


def report(round_, lang):
    with translation.override(lang):
        return round_report(round_).as_dict()


def check_page_basics(page, lang):
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").count() == 1
    current = page.locator(".languages a[aria-current]")
    assert current.get_attribute("hreflang") == lang
    for table in page.locator("main table").all():
        assert table.locator("caption").count() == 1
    for svg in page.locator("main svg").all():
        assert svg.get_attribute("role") == "img"
        # Its own title (the labels' tooltips are titles of their groups).
        assert svg.locator(":scope > title").count() == 1
        assert svg.locator(":scope > desc").count() == 1


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def screenshot(page, screenshots, name):
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)
    page.set_viewport_size(PHONE)
    assert no_sideways_scroll(page), f"{name} scrolls sideways at phone width"
    page.screenshot(path=str(screenshots / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_home_shows_the_latest_round_as_the_report_computes_it(
    live_server, page, rounds, screenshots, lang
):
    _study, later = rounds
    page.goto(f"{live_server.url}/{lang}/")
    check_page_basics(page, lang)
    expected = report(later, lang)

    table = page.locator("#pair-indices")
    for pair in expected["pairs"]:
        row = table.locator(f'tr[data-pair="{pair["pair"]}"]')
        assert row.locator("th").inner_text().strip() == pair["name"]
        assert row.locator('[data-figure="pair-index"]').inner_text() == shown(pair["index"])
    for dimension in expected["dimensions"]:
        cell = page.locator(
            f'#dimension-totals tr[data-dimension="{dimension["dimension"]}"] td.num'
        )
        assert cell.inner_text() == shown(dimension["total"])
    for principal in expected["principals"]:
        cell = page.locator(
            f'#principal-shares tr[data-principal="{principal["principal"]}"] td.num'
        )
        assert cell.inner_text() == shown(principal["share"])
    overall = page.locator('[data-figure="overall-index"]').inner_text()
    assert overall == shown(expected["overall_index"])

    # The three diagrams and the series over the years, each with its table.
    assert page.locator("main figure.chart svg:visible").count() == 4
    series = page.locator("#index-series")
    for code, index in INDICES_2016.items():
        assert series.locator(f'tr[data-pair="{code}"] td').first.inner_text() == index
    assert "2031" not in page.content()
    screenshot(page, screenshots, f"home-{lang}")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_pair_page_shows_processes_ratings_evidence_and_the_printed_disagreement(
    live_server, page, rounds, screenshots, lang
):
    study, _later = rounds
    page.goto(f"{live_server.url}/{lang}/rounds/2016/pairs/citizens-parties/")
    check_page_basics(page, lang)
    expected = report(study, lang)
    pair = next(p for p in expected["pairs"] if p["pair"] == "citizens-parties")
    assert page.locator("h1").inner_text().strip() == pair["name"]
    assert page.locator('.lead [data-figure="pair-index"]').inner_text() == "22%"
    assert shown(pair["index"]) == "22%"
    # The study printed 11% for this pair; the page says so, with the figure its ratings give.
    notice = page.locator(".notice").first.inner_text()
    assert "11%" in notice and "22%" in notice

    rows = page.locator("#process-ratings tbody tr")
    processes = [p for p in expected["processes"] if p["pair"] == "citizens-parties"]
    assert rows.count() == len(processes)
    for process in processes:
        row = page.locator(f'#process-ratings tr[data-process="{process["process"]}"]')
        assert row.locator("th").inner_text().strip() == process["name"]
        if process["included"]:
            assert row.locator('[data-figure="process-score"]').inner_text() == shown(
                process["score"]
            )
    assert page.locator("ul.citations li cite").count() > 0
    screenshot(page, screenshots, f"pair-{lang}")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_comparison_page_shows_each_change_between_the_latest_two_rounds(
    live_server, page, rounds, screenshots, lang
):
    study, later = rounds
    page.goto(f"{live_server.url}/{lang}/compare/")
    check_page_basics(page, lang)
    comparison = compare_rounds(study, later)
    for delta in comparison.pairs:
        row = page.locator(f'#pair-deltas tr[data-pair="{delta.key}"]')
        assert row.locator('[data-figure="before"]').inner_text() == INDICES_2016[delta.key]
        assert row.locator('[data-figure="after"]').inner_text() == (
            f"{scoring.percent(delta.after)}%"
        )
    # citizens → parliament: recall now has demand and enters the assessment with score 0:
    # (⅔ + 0 + 0) / 3 = 22% after (⅔ + 0) / 2 = 33%, 11 points down.
    change = page.locator('#pair-deltas tr[data-pair="citizens-parliament"] [data-figure="change"]')
    assert change.inner_text() == "−11"
    # Each changed rating is marked, not only coloured.
    assert page.locator(".process-changes .changed mark").count() == len(CHANGES_2025)
    assert page.locator("#methodology-warning").count() == 0
    assert page.locator("#compare-a").input_value() == "2016"
    assert page.locator("#compare-b").input_value() == "2025"
    assert "2031" not in page.content()
    screenshot(page, screenshots, f"compare-{lang}")


def test_the_language_switcher_keeps_the_reader_on_the_same_page(live_server, page, rounds):
    page.goto(f"{live_server.url}/en/rounds/2016/pairs/citizens-parties/")
    page.locator('.languages a[hreflang="ky"]').click()
    page.wait_for_url("**/ky/rounds/2016/pairs/citizens-parties/")
    assert page.locator("html").get_attribute("lang") == "ky"
