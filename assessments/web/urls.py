"""The public results site: server-rendered pages of published rounds only.

Included at the site root inside i18n_patterns: every address starts with /ky/, /ru/ or /en/.
A round is named `2016` (its current version) or `2016-v1` (one version).
"""

from django.contrib.sitemaps.views import sitemap
from django.urls import path, register_converter

from . import chart_views, views
from .caching import published_page
from .converters import ImageFormatConverter, RoundRefConverter
from .feeds import RoundsFeed
from .sitemaps import SITEMAPS

register_converter(RoundRefConverter, "roundref")
register_converter(ImageFormatConverter, "imageformat")

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("rounds/", views.round_list, name="rounds"),
    path("rounds/<roundref:ref>/", views.round_detail, name="round"),
    path("rounds/<roundref:ref>/pairs/<slug:pair>/", views.pair_detail, name="pair"),
    path("rounds/<roundref:ref>/package.zip", views.package, name="package"),
    path("rounds/<roundref:ref>/scores.csv", views.scores, name="scores"),
    # Charts as files, Open Graph cards, and pages made to be embedded elsewhere.
    path(
        "rounds/<roundref:ref>/charts/<slug:chart>.<imageformat:fmt>",
        chart_views.round_chart,
        name="round-chart",
    ),
    path("rounds/<roundref:ref>/card.png", chart_views.round_card, name="round-card"),
    path(
        "rounds/<roundref:ref>/pairs/<slug:pair>/chart.<imageformat:fmt>",
        chart_views.pair_chart,
        name="pair-chart",
    ),
    path(
        "rounds/<roundref:ref>/pairs/<slug:pair>/card.png", chart_views.pair_card, name="pair-card"
    ),
    path("charts/by-year.<imageformat:fmt>", chart_views.series_chart, name="series-chart"),
    path(
        "embed/rounds/<roundref:ref>/<slug:chart>/",
        chart_views.embed_round_chart,
        name="embed-round-chart",
    ),
    path(
        "embed/rounds/<roundref:ref>/pairs/<slug:pair>/",
        chart_views.embed_pair,
        name="embed-pair",
    ),
    path("embed/by-year/", chart_views.embed_series, name="embed-series"),
    path("compare/", views.compare, name="compare"),
    path("methodology/", views.methodology, name="methodology"),
    path("downloads/", views.downloads, name="downloads"),
    # Kept as bytes with an ETag of them, like every page (a new version changes both).
    path("feed/", published_page()(RoundsFeed()), name="feed"),
    path("sitemap.xml", published_page()(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
]
