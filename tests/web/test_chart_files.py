"""Charts that leave the site: downloads that say where they come from, cards that show a
shared link's chart, and embed pages that other sites may frame (and no other page)."""

import re
import xml.etree.ElementTree as ET

import pytest

from assessments.images import PNG_SIGNATURE, png_size

pytestmark = pytest.mark.django_db

ROUND_CHARTS = ["pairs", "dimensions", "principals"]
METHODOLOGY_EN = "Four-dimension concept of accountability"


def svg_text(content: bytes) -> str:
    """Every piece of text drawn in an SVG, joined, as a reader of the picture sees it."""
    root = ET.fromstring(content)
    return " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}tspan"))


def meta(html: str, key: str) -> str:
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', html)
    assert match, key
    return match.group(1)


def test_the_chart_files_of_the_2016_round(client, study_round, subtests):
    for check in (
        each_diagram_downloads_as_svg_with_its_credits_drawn_in,
        each_diagram_downloads_as_png,
        the_credits_are_in_the_language_of_the_address,
        the_series_of_a_pair_and_of_every_pair_download_too,
        the_cards_are_1200_by_630_pngs_of_the_chart,
        the_round_pair_and_home_pages_name_their_card_for_a_shared_link,
        only_embed_pages_may_be_framed_by_another_site,
        an_embed_page_holds_the_chart_its_figures_and_a_link_back,
        each_chart_on_a_page_offers_its_files_and_an_embed_code,
        a_file_answers_304_when_unchanged,
    ):
        with subtests.test(check=check.__name__):
            check(client)


def each_diagram_downloads_as_svg_with_its_credits_drawn_in(client):
    for chart in ROUND_CHARTS:
        response = client.get(f"/en/rounds/2016/charts/{chart}.svg")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
        assert response["Content-Disposition"] == (
            f'attachment; filename="accountability-2016-v1-{chart}.svg"'
        )
        drawn = svg_text(response.content)
        assert "Round 2016, version 1." in drawn
        assert METHODOLOGY_EN.split()[0] in drawn and "idea-4d" not in drawn
        assert "Source: Development Policy Institute" in drawn
        assert "Licence: CC BY 4.0." in drawn
        assert "http://testserver/en/rounds/2016/" in drawn


def each_diagram_downloads_as_png(client):
    for chart in ROUND_CHARTS:
        response = client.get(f"/ru/rounds/2016/charts/{chart}.png")
        assert response["Content-Type"] == "image/png"
        assert response.content.startswith(PNG_SIGNATURE)
        width, height = png_size(response.content)
        assert width == 1440 and height > 300  # the 720 px drawing at twice its size


def the_credits_are_in_the_language_of_the_address(client):
    drawn = svg_text(client.get("/ru/rounds/2016/charts/dimensions.svg").content)
    assert "Раунд 2016, версия 1." in drawn
    assert "Концепция четырёх измерений подотчётности" in drawn
    assert "Диаграмма 1." in drawn
    drawn = svg_text(client.get("/ky/rounds/2016/charts/dimensions.svg").content)
    assert "Отчеттуулуктун төрт өлчөмүнүн концепциясы" in drawn


def the_series_of_a_pair_and_of_every_pair_download_too(client):
    pair = client.get("/en/rounds/2016/pairs/citizens-parties/chart.svg")
    drawn = svg_text(pair.content)
    assert "22%" in drawn and "Licence: CC BY 4.0." in drawn
    assert "http://testserver/en/rounds/2016/pairs/citizens-parties/" in drawn
    every = client.get("/en/charts/by-year.png")
    assert every.content.startswith(PNG_SIGNATURE)
    assert client.get("/en/rounds/2016/pairs/no-such-pair/chart.svg").status_code == 404
    assert client.get("/en/rounds/2016/charts/nothing.svg").status_code == 404


def the_cards_are_1200_by_630_pngs_of_the_chart(client):
    for url in ("/ky/rounds/2016/card.png", "/en/rounds/2016/pairs/citizens-parties/card.png"):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert "Content-Disposition" not in response  # shown, not downloaded
        assert png_size(response.content) == (1200, 630)
    # Two languages, two pictures.
    assert (
        client.get("/ru/rounds/2016/card.png").content
        != client.get("/ky/rounds/2016/card.png").content
    )


def the_round_pair_and_home_pages_name_their_card_for_a_shared_link(client):
    for url, card in (
        ("/en/", "http://testserver/en/rounds/2016/card.png"),
        ("/ru/rounds/2016/", "http://testserver/ru/rounds/2016/card.png"),
        (
            "/ky/rounds/2016/pairs/citizens-parties/",
            "http://testserver/ky/rounds/2016/pairs/citizens-parties/card.png",
        ),
    ):
        html = client.get(url).content.decode()
        assert meta(html, "og:image") == card
        assert meta(html, "twitter:image") == card
        assert meta(html, "twitter:card") == "summary_large_image"
        assert meta(html, "og:url") == f"http://testserver{url}"
        assert meta(html, "og:image:alt")
    html = client.get("/en/rounds/2016/").content.decode()
    assert meta(html, "og:description").startswith("Overall index 43%.")


def only_embed_pages_may_be_framed_by_another_site(client):
    for url in (
        "/en/embed/rounds/2016/pairs/",
        "/ky/embed/rounds/2016/dimensions/",
        "/ru/embed/rounds/2016/pairs/citizens-parties/",
        "/en/embed/by-year/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "X-Frame-Options" not in response, url
        assert response._csp_replace == {"frame-ancestors": ["*"]}, url
    for url in ("/en/", "/en/rounds/2016/", "/en/rounds/2016/pairs/citizens-parties/"):
        assert client.get(url)["X-Frame-Options"] == "DENY", url


def an_embed_page_holds_the_chart_its_figures_and_a_link_back(client):
    html = client.get("/ky/embed/rounds/2016/pairs/").content.decode()
    assert '<html lang="ky">' in html
    assert html.count('role="img"') == 2  # wide and narrow
    assert "3-диаграмма" in html
    assert 'href="http://testserver/ky/rounds/2016/" target="_blank" rel="noopener"' in html
    assert "<table>" in html and "33%" in html
    assert "<script" not in html and "style=" not in html
    html = client.get("/en/embed/rounds/2016/pairs/citizens-parties/").content.decode()
    assert "Citizens – political parties" in html and "22%" in html


def each_chart_on_a_page_offers_its_files_and_an_embed_code(client):
    html = client.get("/en/rounds/2016/").content.decode()
    for chart in ROUND_CHARTS:
        assert f'href="/en/rounds/2016/charts/{chart}.svg" download' in html
        assert f'href="/en/rounds/2016/charts/{chart}.png" download' in html
        assert f'&lt;iframe src="http://testserver/en/embed/rounds/2016/{chart}/"' in html
    pair = client.get("/en/rounds/2016/pairs/citizens-parties/").content.decode()
    assert "http://testserver/en/embed/rounds/2016/pairs/citizens-parties/" in pair
    assert 'href="/en/rounds/2016/pairs/citizens-parties/chart.png" download' in pair


def a_file_answers_304_when_unchanged(client):
    for url in ("/en/rounds/2016/charts/pairs.png", "/en/embed/rounds/2016/pairs/"):
        response = client.get(url)
        again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304, url


def test_the_site_address_setting_names_the_site_in_codes_tags_and_pictures(
    client, study_round, settings
):
    settings.SITE_URL = "https://accountability.example.kg"
    html = client.get("/en/rounds/2016/").content.decode()
    assert meta(html, "og:image") == "https://accountability.example.kg/en/rounds/2016/card.png"
    assert "https://accountability.example.kg/en/embed/rounds/2016/pairs/" in html
    drawn = svg_text(client.get("/en/rounds/2016/charts/pairs.svg").content)
    assert "https://accountability.example.kg/en/rounds/2016/" in drawn
