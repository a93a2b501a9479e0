"""The sitemap of the public site: static pages, every published round and its pairs.

Served per language (/ky/sitemap.xml lists /ky/ addresses), because a sitemap may
only list addresses under its own path and the site lives under language prefixes.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from assessments import permissions
from assessments.models import ProcessAssessment, Round

from .converters import RoundRef


class StaticPages(Sitemap):
    changefreq = "monthly"

    def items(self) -> list[str]:
        return ["web:home", "web:rounds", "web:compare", "web:methodology", "web:downloads"]

    def location(self, item: str) -> str:
        return reverse(item)


class Rounds(Sitemap):
    changefreq = "yearly"

    def items(self):
        return permissions.public_rounds().order_by("-year", "-version")

    def location(self, item: Round) -> str:
        return reverse("web:round", args=[item])

    def lastmod(self, item: Round):
        return item.published_at


class PairPages(Sitemap):
    changefreq = "yearly"

    def items(self):
        # One query: each (round, pair) that a published round assessed.
        return list(
            ProcessAssessment.objects.filter(round__in=permissions.public_rounds())
            .values_list("round__year", "round__version", "round__status", "process__pair__code")
            .order_by("-round__year", "-round__version", "process__pair__position")
            .distinct()
        )

    def location(self, item) -> str:
        year, version, status, pair = item
        ref = RoundRef(year) if status == Round.Status.PUBLISHED else RoundRef(year, version)
        return reverse("web:pair", args=[ref, pair])


SITEMAPS = {"pages": StaticPages, "rounds": Rounds, "pairs": PairPages}
