"""One error shape for the whole API, and the HTTP status of every domain error.

Every error body is
    {"status": 412, "code": "stale", "detail": "<a sentence for people>",
     "errors": {"field": ["message", ...]}}            # when fields are at fault
plus, for a stale write, "current" (the row as it is now), "changed_by" and
"changed_at", so a client can show what it would overwrite.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.http import quote_etag
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from assessments import services

# Most specific first: StaleWrite is checked before the DomainError it extends.
DOMAIN_STATUSES: list[tuple[type[services.DomainError], int]] = [
    (services.StaleWrite, 412),
    (services.PreconditionRequired, 428),
    (services.RoundFrozen, 409),
    (services.PublishBlocked, 409),
    (services.NotAllowed, 403),
    (services.InvalidInput, 400),
    (services.DomainError, 400),
]


class ErrorSerializer(serializers.Serializer):
    """The error body (documentation only: errors are built by `error_body`)."""

    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )
    current = serializers.DictField(
        required=False, help_text="412 only: the row as it is now, with its revision."
    )
    changed_by = serializers.CharField(required=False)
    changed_at = serializers.DateTimeField(required=False, allow_null=True)


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = _("The resource has changed since you read it.")
    default_code = "stale"


def error_body(
    status: int, code: str, detail: Any, errors: Mapping[str, list[str]] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"status": status, "code": str(code), "detail": str(detail)}
    if errors:
        body["errors"] = {field: [str(m) for m in messages] for field, messages in errors.items()}
    return body


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    if isinstance(exc, services.DomainError):
        set_rollback()
        return _domain_error_response(exc)
    if isinstance(exc, Http404):
        # Django's message names the model ("No Rating matches..."); the status says enough.
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a bug: Django's 500 handling logs and reports it
    response = drf_exception_handler(exc, context)  # adds WWW-Authenticate and Retry-After
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = flatten(exc.detail)
        only_general = set(fields) == {"non_field_errors"}
        detail = fields["non_field_errors"][0] if only_general else _("Invalid input.")
        response.data = error_body(response.status_code, "invalid", detail, fields)
    else:
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        response.data = error_body(response.status_code, code, exc.detail)
    return response


def _domain_error_response(exc: services.DomainError) -> Response:
    status = next(s for cls, s in DOMAIN_STATUSES if isinstance(exc, cls))
    body = error_body(status, exc.code, exc.message, exc.errors)
    headers = {}
    if isinstance(exc, services.StaleWrite):
        # The view attaches the serialized row when it can; the service's snapshot otherwise.
        current = getattr(exc, "representation", None) or _plain(exc.current)
        body.update(current=current, changed_by=exc.changed_by, changed_at=exc.changed_at)
        if "revision" in current:
            headers["ETag"] = quote_etag(str(current["revision"]))
    return Response(body, status=status, headers=headers)


def _plain(values: Mapping[str, Any]) -> dict[str, Any]:
    """Model instances in a service's snapshot become their primary keys."""
    return {name: getattr(value, "pk", value) for name, value in values.items()}


def flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field.sub.0": [messages]}."""
    key = prefix or "non_field_errors"
    if isinstance(detail, Mapping):
        flat: dict[str, list[str]] = {}
        for name, value in detail.items():
            for field, messages in flatten(value, f"{prefix}.{name}" if prefix else name).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    if isinstance(detail, list):
        if all(not isinstance(item, Mapping | list) for item in detail):
            return {key: [str(item) for item in detail]}
        flat = {}
        for index, item in enumerate(detail):
            if item:
                flat.update(flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    return {key: [str(detail)]}


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any /api/v1/ address that matches no endpoint: the API's 404, not the HTML one."""
    detail = exceptions.NotFound.default_detail
    return JsonResponse(
        error_body(404, "not_found", detail),
        status=404,
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )
