"""The public results site: server-rendered pages of published rounds only.

Included at the site root inside i18n_patterns: every address starts with /ky/, /ru/ or /en/.
A round is named `2016` (its current version) or `2016-v1` (one version).
"""

from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, register_converter

from . import chart_views, views
from .caching import published_page
from .converters import ImageFormatConverter, RoundRefConverter
from .feeds import RoundsFeed
from .sitemaps import SITEMAPS

register_converter(RoundRefConverter, "roundref")
register_converter(ImageFormatConverter, "imageformat")

# Grouped by their common beginning: Django tries a group's prefix once and skips the
# whole group when it does not match, where a flat list tried every pattern before the
# one asked (15 for the methodology page, a few percent of a cached page's time).
round_patterns = [
    path("", views.round_detail, name="round"),
    path("pairs/<slug:pair>/", views.pair_detail, name="pair"),
    path("package.zip", views.package, name="package"),
    path("scores.csv", views.scores, name="scores"),
    # Charts as files and Open Graph cards.
    path("charts/<slug:chart>.<imageformat:fmt>", chart_views.round_chart, name="round-chart"),
    path("card.png", chart_views.round_card, name="round-card"),
    path("pairs/<slug:pair>/chart.<imageformat:fmt>", chart_views.pair_chart, name="pair-chart"),
    path("pairs/<slug:pair>/card.png", chart_views.pair_card, name="pair-card"),
]
# Pages made to be embedded elsewhere.
embed_patterns = [
    path(
        "rounds/<roundref:ref>/<slug:chart>/",
        chart_views.embed_round_chart,
        name="embed-round-chart",
    ),
    path("rounds/<roundref:ref>/pairs/<slug:pair>/", chart_views.embed_pair, name="embed-pair"),
    path("by-year/", chart_views.embed_series, name="embed-series"),
]

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("rounds/", views.round_list, name="rounds"),
    path("rounds/<roundref:ref>/", include(round_patterns)),
    path("compare/", views.compare, name="compare"),
    path("methodology/", views.methodology, name="methodology"),
    path("downloads/", views.downloads, name="downloads"),
    path("charts/by-year.<imageformat:fmt>", chart_views.series_chart, name="series-chart"),
    path("embed/", include(embed_patterns)),
    # Kept as bytes with an ETag of them, like every page (a new version changes both).
    path("feed/", published_page()(RoundsFeed()), name="feed"),
    path("sitemap.xml", published_page()(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
]
