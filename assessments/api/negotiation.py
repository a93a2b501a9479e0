"""Content negotiation: `?format=` and `Accept` refuse alike.

DRF answers an unknown `?format=` with 404 (as if the address did not exist) and an
unknown `Accept` with 406; a client asking for CSV where there is none should hear
the same thing either way: 406, the format is not served here. An empty `?format=`
names no format at all: a 400 naming the parameter, as an empty filter is (filters.py).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request


class ContentNegotiation(DefaultContentNegotiation):
    def select_renderer(
        self, request: Request, renderers: list[Any], format_suffix: str | None = None
    ) -> tuple[Any, str]:
        name = self.settings.URL_FORMAT_OVERRIDE
        if name and not format_suffix and request.query_params.get(name) == "":
            # DRF would ignore it and negotiate by Accept; the schema's enum refuses it.
            raise exceptions.ValidationError({name: [_("Name a format, or leave it out.")]})
        return super().select_renderer(request, renderers, format_suffix)

    def filter_renderers(self, renderers: list[Any], format: str) -> list[Any]:
        chosen = [renderer for renderer in renderers if renderer.format == format]
        if not chosen:
            raise exceptions.NotAcceptable(available_renderers=renderers)
        return chosen
