"""The OpenAPI description: every operation takes `lang` and documents the errors it can give.

The error statuses are documented on every operation (not only where a view
happens to raise them) because they come from layers every view shares:
authentication (401 for a bad token, on reads too), throttling (429), content
negotiation (406), the `lang` parameter (400) and conditional requests (304).
"""

from __future__ import annotations

from typing import Any

from django.core.validators import RegexValidator
from drf_spectacular import openapi
from drf_spectacular.plumbing import get_doc
from drf_spectacular.utils import OpenApiParameter

from .errors import PROBLEM_JSON, ErrorSerializer
from .filters import CODE_PATTERN, CodeField
from .i18n import LANGUAGES
from .serializers import ROUND_REF, ROUND_REF_PATTERN

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
    "404": "Not found, or not visible to you.",
    "406": "Neither `?format=` nor Accept names a format this operation serves.",
    "429": "Too many requests; retry after the Retry-After seconds.",
}
WRITE_ERRORS = {
    **READ_ERRORS,
    "400": "The input is invalid; `errors` names the parameters.",
    "401": "Authentication is required: send `Authorization: Token <token>`.",
    "403": "Your role does not allow this change.",
    "409": "The round is published and frozen, or cannot be published yet.",
}
BODY_ERRORS = {"415": "Send JSON."}
IF_MATCH_ERRORS = {
    "412": "Stale write: the row changed since you read it; `current` has it now.",
    "428": "Say which revision you changed: send the row's ETag in `If-Match`.",
}
# Logging in and out changes no round: no 403 for a role, no 409.
AUTH_PATHS = ("/auth/",)


class AutoSchema(openapi.AutoSchema):
    def get_description(self) -> str:
        # Class docstrings here are written for developers; clients read the summaries
        # and descriptions given with @extend_schema.
        action = getattr(self.view, "action", None) or self.method.lower()
        return get_doc(getattr(self.view, action, None))

    def get_override_parameters(self) -> list[Any]:
        return [*super().get_override_parameters(), LANG_PARAMETER]

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            if parameter["name"] == "ordering" and parameter["in"] == "query":
                self._ordering_enum(parameter)
            elif parameter["in"] == "query":
                self._filter_bounds(parameter)
            if parameter["name"] == "If-Match" and parameter["in"] == "header":
                # A create takes If-Match only to change a row that exists: never a 428.
                required = parameter.get("required", False)
                errors = IF_MATCH_ERRORS if required else {"412": IF_MATCH_ERRORS["412"]}
                self._add_errors(operation["responses"], errors)
        return operation

    def _add_errors(self, responses: dict[str, Any], errors: dict[str, str]) -> None:
        for status, description in errors.items():
            if status not in responses:
                response = self._get_response_for_code(
                    ErrorSerializer, status, media_types=[PROBLEM_JSON], direction="response"
                )
                response["description"] = description
                responses[status] = response

    def _filter_bounds(self, parameter: dict[str, Any]) -> None:
        """What a filter checks, in its schema: a number's bounds, a round's pattern."""
        filterset = getattr(self.view, "filterset_class", None)
        found = filterset.base_filters.get(parameter["name"]) if filterset else None
        if found is None:
            return
        schema = parameter.setdefault("schema", {})
        for name, key in (("min_value", "minimum"), ("max_value", "maximum")):
            if found.extra.get(name) is not None:
                schema[key] = found.extra[name]
        patterns = [
            v.regex.pattern
            for v in found.extra.get("validators", [])
            if isinstance(v, RegexValidator)
        ]
        if ROUND_REF.pattern in patterns:
            schema["pattern"] = ROUND_REF_PATTERN
        elif issubclass(found.field_class, CodeField):
            schema.update(type="string", pattern=CODE_PATTERN)

    def _ordering_enum(self, parameter: dict[str, Any]) -> None:
        """The names a list orders by, `-` first for descending, several by commas."""
        filterset = getattr(self.view, "filterset_class", None)
        ordering = filterset.base_filters.get("ordering") if filterset else None
        if ordering is None:
            return
        names = list(ordering.param_map)
        parameter["schema"] = {
            "type": "array",
            "items": {"type": "string", "enum": [*names, *(f"-{n}" for n in names)]},
            "minItems": 1,  # `?ordering=` (no name) is refused, as every empty filter is
        }
        parameter["style"] = "form"
        parameter["explode"] = False

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        if self.method in ("GET", "HEAD"):
            responses.setdefault("304", {"description": "Not modified (If-None-Match matched)."})
            errors = dict(READ_ERRORS)
        else:
            errors = dict(WRITE_ERRORS)
            if any(part in self.path for part in AUTH_PATHS):
                errors.pop("403")
                errors.pop("409")
            if self.method in ("POST", "PUT", "PATCH"):
                errors.update(BODY_ERRORS)
        self._add_errors(responses, errors)
        return responses
