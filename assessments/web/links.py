"""Absolute addresses of the site's pages, for what leaves the site: embed codes, Open
Graph tags and the credit line drawn into chart images."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def origin(request: HttpRequest) -> str:
    """The site's own address (settings.SITE_URL), else the one this request came to."""
    return settings.SITE_URL or f"{request.scheme}://{request.get_host()}"


def absolute(request: HttpRequest, path: str) -> str:
    return origin(request) + path
