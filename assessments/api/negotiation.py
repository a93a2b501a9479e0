"""Content negotiation: `?format=` and `Accept` refuse alike.

DRF answers an unknown `?format=` with 404 (as if the address did not exist) and an
unknown `Accept` with 406; a client asking for CSV where there is none should hear
the same thing either way: 406, the format is not served here.
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation


class ContentNegotiation(DefaultContentNegotiation):
    def filter_renderers(self, renderers: list[Any], format: str) -> list[Any]:
        chosen = [renderer for renderer in renderers if renderer.format == format]
        if not chosen:
            raise exceptions.NotAcceptable(available_renderers=renderers)
        return chosen
