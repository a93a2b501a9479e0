"""A published round's intervals and the experts' agreement, as a reader sees them.

Screenshots: artifacts/screenshots/intervals-<lang>-<width>.png.
"""

import pytest
from django.core.cache import cache

from assessments.models import Round
from tests.conftest import load_study
from tests.web.rounds import copy_round, publish
from tests.web.test_uncertainty_shown import rate_by_experts

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

WIDTHS = {1366: 900, 390: 844}


@pytest.fixture
def rated_round():
    cache.clear()
    load_study()
    study = Round.objects.get(year=2016)
    round_ = copy_round(study, year=2026, status=Round.Status.DRAFT)
    rate_by_experts(round_)
    yield publish(round_)
    cache.clear()


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_each_figure_shows_its_interval_and_the_charts_their_whiskers(
    rated_round, live_server, page, screenshots, language
):
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/{language}/rounds/2026/")
        cells = page.locator('[data-interval="pair-index"]')
        assert cells.count() == 5
        assert all("%" in text for text in cells.all_inner_texts())
        assert page.locator('[data-interval="overall-index"]').is_visible()
        # The layout that fits this width draws the whiskers.
        assert page.locator("svg.chart-svg .error-bar:visible").count() >= 5
        page.screenshot(path=str(screenshots / f"intervals-{language}-{width}.png"))
        page.locator('section[aria-labelledby="pairs-heading"]').screenshot(
            path=str(screenshots / f"intervals-chart-{language}-{width}.png")
        )
