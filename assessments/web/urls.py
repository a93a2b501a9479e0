"""The public results site: server-rendered pages of published rounds only.

Included at the site root inside i18n_patterns: every address starts with /ky/, /ru/ or /en/.
A round is named `2016` (its current version) or `2016-v1` (one version).
"""

from django.contrib.sitemaps.views import sitemap
from django.urls import path, register_converter
from django.views.decorators.cache import cache_control

from . import views
from .caching import MAX_AGE
from .converters import RoundRefConverter
from .feeds import RoundsFeed
from .sitemaps import SITEMAPS

register_converter(RoundRefConverter, "roundref")

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("rounds/", views.round_list, name="rounds"),
    path("rounds/<roundref:ref>/", views.round_detail, name="round"),
    path("rounds/<roundref:ref>/pairs/<slug:pair>/", views.pair_detail, name="pair"),
    path("rounds/<roundref:ref>/package.zip", views.package, name="package"),
    path("rounds/<roundref:ref>/scores.csv", views.scores, name="scores"),
    path("compare/", views.compare, name="compare"),
    path("methodology/", views.methodology, name="methodology"),
    path("downloads/", views.downloads, name="downloads"),
    path("feed/", cache_control(public=True, max_age=MAX_AGE)(RoundsFeed()), name="feed"),
    path(
        "sitemap.xml",
        cache_control(public=True, max_age=MAX_AGE)(sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
]
