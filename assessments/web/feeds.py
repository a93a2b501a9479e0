"""An Atom feed of published rounds, newest first, in the language of its address."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from assessments import permissions
from assessments.models import Round


class RoundsFeed(Feed):
    feed_type = Atom1Feed
    title = _("Accountability assessments: published rounds")
    subtitle = _("Each round of the assessment of the authorities' accountability to the people.")

    def link(self) -> str:
        return reverse("web:rounds")

    def items(self):
        # Published and superseded versions alike: errata are news too.
        return permissions.public_rounds().order_by("-published_at", "-year", "-version")[:50]

    def item_title(self, item: Round) -> str:
        if item.status == Round.Status.SUPERSEDED:
            return _("%(title)s (version %(version)s, superseded)") % {
                "title": item.title,
                "version": item.version,
            }
        if item.version > 1:
            return _("%(title)s (version %(version)s)") % {
                "title": item.title,
                "version": item.version,
            }
        return item.title

    def item_description(self, item: Round) -> str:
        return item.summary

    def item_link(self, item: Round) -> str:
        # Versioned: the feed entry keeps pointing at the version it announced.
        return reverse("web:round", args=[f"{item.year}-v{item.version}"])

    def item_pubdate(self, item: Round) -> datetime.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Round) -> datetime.datetime | None:
        return item.published_at
