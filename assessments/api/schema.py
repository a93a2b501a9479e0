"""The OpenAPI description: every operation takes `lang` and documents the errors it can give.

The error statuses are documented on every operation (not only where a view
happens to raise them) because they come from layers every view shares:
authentication (401 for a bad token, on reads too), throttling (429), content
negotiation (406), the `lang` parameter (400) and conditional requests (304).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.plumbing import get_doc
from drf_spectacular.utils import OpenApiParameter

from .errors import PROBLEM_JSON, ErrorSerializer
from .i18n import LANGUAGES

LANG_PARAMETER = OpenApiParameter(
    "lang",
    str,
    OpenApiParameter.QUERY,
    enum=LANGUAGES,
    description=(
        "Language of names and texts. Without it the Accept-Language header decides, then English."
    ),
)

READ_ERRORS = {
    "400": "The query is invalid (an unknown `lang`, a filter of the wrong type).",
    "401": "The token is invalid or expired.",
    "403": "Not allowed.",
    "404": "Not found, or not visible to you.",
    "406": "The Accept header names no format this operation serves.",
    "429": "Too many requests; retry after the Retry-After seconds.",
}
WRITE_ERRORS = {
    **READ_ERRORS,
    "400": "The input is invalid; `errors` names the fields.",
    "401": "Authentication is required: send `Authorization: Token <token>`.",
    "403": "Your role does not allow this change.",
    "409": "The round is published and frozen, or cannot be published yet.",
    "412": "Stale write: the row changed since you read it; `current` has it now.",
    "415": "Send JSON.",
    "428": 'Say which revision you edited: send `If-Match: "<revision>"`.',
}


class AutoSchema(openapi.AutoSchema):
    def get_description(self) -> str:
        # Class docstrings here are written for developers; clients read the summaries
        # and descriptions given with @extend_schema.
        action = getattr(self.view, "action", None) or self.method.lower()
        return get_doc(getattr(self.view, action, None))

    def get_override_parameters(self) -> list[Any]:
        return [*super().get_override_parameters(), LANG_PARAMETER]

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        if self.method in ("GET", "HEAD"):
            responses.setdefault("304", {"description": "Not modified (If-None-Match matched)."})
            errors = READ_ERRORS
        else:
            errors = WRITE_ERRORS
        for status, description in errors.items():
            if status not in responses:
                response = self._get_response_for_code(
                    ErrorSerializer, status, media_types=[PROBLEM_JSON], direction=direction
                )
                response["description"] = description
                responses[status] = response
        return responses
