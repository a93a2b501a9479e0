"""One error format for everything under /api/: problem details (RFC 9457).

Every error answers `Content-Type: application/problem+json` with

    {"type": "about:blank", "title": "Precondition Failed", "status": 412,
     "detail": "<a sentence for people>", "code": "stale",
     "errors": {"value": ["message", ...]}}          # when the input is at fault

`type` is always `about:blank` (the status says what kind of problem it is);
`code` tells apart the problems of one status (a 409 is `round_frozen` or
`publish_blocked`). `errors` maps the request's parameter at fault (a body
field, `a.b.0` inside nested input, a query parameter, a header such as
`If-Match`) to its messages; what is not one parameter's fault is under
`non_field_errors`, Django's `__all__` included. A stale write adds `current`
(the row as it is now), `changed_by` (a person, {id, name}, as everywhere in the
API) and `changed_at` (UTC).

DRF's errors pass through `exception_handler`; what Django answers before or
outside DRF (an unmatched address, a CSRF failure, a 500) through
`problem_response`, by accountability/views.py's handlers.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.http import quote_etag
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from assessments import services

from .i18n import UnknownLanguage, accepted_language, requested_language
from .serializers import PersonField, UTCDateTimeField

PROBLEM_JSON = "application/problem+json"
NON_FIELD = "non_field_errors"

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

# The titles of the statuses this API answers, translated (RFC 9457: the title is the
# same for every occurrence of a type, except for localization).
TITLES = {
    400: _("Bad Request"),
    401: _("Unauthorized"),
    403: _("Forbidden"),
    404: _("Not Found"),
    405: _("Method Not Allowed"),
    406: _("Not Acceptable"),
    409: _("Conflict"),
    412: _("Precondition Failed"),
    413: _("Content Too Large"),
    415: _("Unsupported Media Type"),
    428: _("Precondition Required"),
    429: _("Too Many Requests"),
    500: _("Internal Server Error"),
}
GENERAL_DETAILS = {
    403: _("You do not have permission to perform this action."),
    404: _("Not found."),
    500: _("The server failed to answer. The error is logged; please try again later."),
    400: _("The request is malformed."),
}
GENERAL_CODES = {400: "bad_request", 403: "permission_denied", 404: "not_found", 500: "error"}


class ErrorSerializer(serializers.Serializer):
    """The problem details body (documentation only: errors are built by `problem`)."""

    type = serializers.CharField(help_text="Always `about:blank`: the status is the type.")
    title = serializers.CharField(help_text="The status's name, in the request's language.")
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField(help_text="Which problem of this status; see docs/api.md.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Per parameter at fault (body field, query parameter or header): messages.",
    )
    current = serializers.DictField(
        required=False, help_text="412 only: the row as it is now, with its revision."
    )
    changed_by = PersonField(
        required=False, allow_null=True, help_text="412 only: who changed the row last."
    )
    changed_at = UTCDateTimeField(required=False, allow_null=True, help_text="412 only: when.")


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = _("The resource has changed since you read it.")
    default_code = "stale"


def title(status: int) -> str:
    if status in TITLES:
        return str(TITLES[status])
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return str(status)


def problem(
    status: int, code: str, detail: Any, errors: Mapping[str, list[Any]] | None = None
) -> dict[str, Any]:
    """A problem details body (strings are rendered in the active language)."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title(status),
        "status": status,
        "detail": str(detail),
        "code": str(code),
    }
    if errors:
        body["errors"] = {
            (NON_FIELD if field == "__all__" else field): [str(m) for m in messages]
            for field, messages in errors.items()
        }
    return body


# The name the rest of the code base has used.
error_body = problem


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    if isinstance(exc, services.DomainError):
        set_rollback()
        return _as_problem(_domain_error_response(exc))
    if isinstance(exc, Http404):
        # Django's message names the model ("No Rating matches..."); the status says enough.
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a bug: Django's 500 handling logs it, and answers through server_error
    response = drf_exception_handler(exc, context)  # adds WWW-Authenticate and Retry-After
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = flatten(exc.detail)
        only_general = set(fields) == {NON_FIELD}
        detail = fields[NON_FIELD][0] if only_general else _("Invalid input.")
        response.data = problem(response.status_code, "invalid", detail, fields)
    else:
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        detail = exc.detail
        errors = None
        if isinstance(detail, Mapping):  # NotFound raised for a field of the input
            errors = flatten(detail)
            detail = next(iter(errors.values()))[0]
        response.data = problem(response.status_code, code, detail, errors)
    return _as_problem(response)


def _as_problem(response: Response) -> Response:
    response.content_type = PROBLEM_JSON
    return response


def _domain_error_response(exc: services.DomainError) -> Response:
    status = next(s for cls, s in DOMAIN_STATUSES if isinstance(exc, cls))
    body = problem(status, exc.code, exc.message, exc.errors)
    headers = {}
    if isinstance(exc, services.StaleWrite):
        # The view attaches the serialized row when it can; the service's snapshot otherwise.
        current = getattr(exc, "representation", None) or _plain(exc.current)
        body.update(
            current=current,
            changed_by=getattr(exc, "person", None),
            changed_at=UTCDateTimeField().to_representation(exc.changed_at)
            if exc.changed_at
            else None,
        )
        etag = getattr(exc, "etag", None)
        if etag is None and "revision" in current:
            etag = quote_etag(str(current["revision"]))
        if etag is not None:
            headers["ETag"] = etag
    return Response(body, status=status, headers=headers)


def _plain(values: Mapping[str, Any]) -> dict[str, Any]:
    """Model instances in a service's snapshot become their primary keys."""
    return {name: getattr(value, "pk", value) for name, value in values.items()}


def flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field.sub.0": [messages]}."""
    key = prefix or NON_FIELD
    if isinstance(detail, Mapping):
        flat: dict[str, list[str]] = {}
        for name, value in detail.items():
            name = NON_FIELD if name == "__all__" else name
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


def problem_response(
    request: HttpRequest, status: int, code: str | None = None, detail: Any = None
) -> HttpResponse:
    """A problem details answer outside DRF, in the request's language."""
    try:
        language = requested_language(request)
    except UnknownLanguage:
        language = accepted_language(request)
    with translation.override(language):
        body = problem(
            status,
            code or GENERAL_CODES.get(status, "error"),
            detail if detail is not None else GENERAL_DETAILS.get(status, title(status)),
        )
    response = JsonResponse(
        body,
        status=status,
        content_type=PROBLEM_JSON,
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )
    response["Content-Language"] = language
    response["Vary"] = "Accept-Language"
    return response


@csrf_exempt  # an address that exists for no method: a CSRF page would say otherwise
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any /api/ address that matches no endpoint: the API's 404, not the HTML one."""
    return problem_response(request, 404, "not_found")


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")
