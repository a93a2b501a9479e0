"""What every API view does: the error shape, language, ETags, revisions, history."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, QueryDict
from django.template.response import SimpleTemplateResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import quote_etag
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from assessments import names, services
from assessments.models import Round
from assessments.permissions import can_see_panel_work

from .. import caching, filters
from .. import serializers as s
from ..conditional import expected_revision, row_etag
from ..errors import PROBLEM_JSON
from ..history import history_of
from ..i18n import UnknownLanguage, accepted_language, requested_language
from ..permissions import (
    ContributorOrReadOnly,
    IsAuthenticatedOrReadOnly,
    figure_rounds,
    visible_rounds,
)
from ..throttling import rate_limit_headers

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description=(
        "The ETag of the row as you read it (a GET, POST or PATCH answer gave it), e.g. "
        '`"3-en-5d41402abc4b2a76"`; `*` for whatever it is now. Compared strongly: a weak '
        "tag never matches. Missing: 428; not current: 412 with the row as it is now."
    ),
)
IF_MATCH_CREATE = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description=(
        "Leave it out to create: if the row exists already (someone was quicker), the answer "
        "is 412 with the row as it is now. Send the row's ETag to change it instead."
    ),
)
ROUND = OpenApiParameter(
    "round",
    {"type": "string", "pattern": s.ROUND_REF_PATTERN},
    OpenApiParameter.PATH,
    description=(
        "The round, named as everywhere in the API: `2016` (the year's current version) "
        "or `2016-v2` (that version)."
    ),
)


def validated(serializer_class: type[serializers.Serializer], data: Any, **kwargs: Any) -> Any:
    """The input, validated; a row named in it that the user may not see is a 404.

    A 404 and not a 400: an expert naming another panel's assessment is refused for
    who she is, not for what she typed, and the answer must not say whether it exists.
    """
    serializer = serializer_class(data=data, **kwargs)
    if not serializer.is_valid():
        unseen = {
            name: serializer.errors[name]
            for name, codes in ValidationError(serializer.errors).get_codes().items()
            if isinstance(codes, list) and "does_not_exist" in codes
        }
        if unseen:
            raise NotFound(unseen)
        raise ValidationError(serializer.errors)
    return serializer.validated_data


def parse_round(value: str, name: str = "round") -> tuple[int, int | None]:
    """A round named `2016` or `2016-v2`: (year, version or None)."""
    match = s.ROUND_REF.match(value or "")
    if match is None:
        raise ValidationError({name: [_("Name a round as YEAR or YEAR-vVERSION, e.g. 2016-v1.")]})
    version = match["version"]
    return int(match["year"]), int(version) if version else None


def round_param(query: QueryDict, name: str) -> tuple[int, int | None]:
    """A round named in the query as `2016` or `2016-v2`: (year, version or None)."""
    return parse_round(query.get(name, ""), name)


def get_round(user: Any, year: int, version: int | None, *, figures: bool = False) -> Round:
    """The round named, among those the user may see (`figures`: whose figures she may see)."""
    rounds = figure_rounds(user) if figures else visible_rounds(user)
    round_ = filters.current_round(
        rounds.select_related("methodology", "previous", "corrects"), year, version
    )
    if round_ is None:
        raise NotFound(_("No round of %(year)s that you may see.") % {"year": year})
    return round_


class JsonErrors:
    """Errors as problem details, and OPTIONS as JSON, whatever renderer the view has."""

    def finalize_response(
        self, request: Request, response: HttpResponse, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        # Errors, and what OPTIONS describes, are JSON whatever format was asked for: a
        # CSV renderer can say neither what failed nor what an endpoint takes.
        if isinstance(response, Response) and (
            response.status_code >= 400 or request.method == "OPTIONS"
        ):
            accepted = getattr(request, "accepted_renderer", None)
            if accepted is not None and not isinstance(accepted, JSONRenderer):
                request.accepted_renderer = JSONRenderer()
                request.accepted_media_type = JSONRenderer.media_type
            if response.status_code >= 400:
                response.content_type = PROBLEM_JSON
        return super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]


class ApiMixin(JsonErrors):
    """What every API view does: speak the request's language, answer 304 to a fresh copy.

    The response is rendered inside the language, so that lazily translated
    messages (errors, choices) come out in it too.
    """

    language: str
    _language_error: str | None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            self.language, self._language_error = requested_language(request), None
        except UnknownLanguage as exc:
            self.language, self._language_error = accepted_language(request), str(exc)
        # A read naming a published round prints its names as published (names.py).
        with translation.override(self.language), names.public_read():
            response = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
            if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
                response.render()
            response = self._conditional(request, response)
        # True to the texts served: a text missing in the language asked for falls back
        # to another, and the answer then names that one too (RFC 9110 §8.5: a list).
        fallbacks = getattr(request, "text_languages", set()) - {self.language}
        response["Content-Language"] = ", ".join([self.language, *sorted(fallbacks)])
        patch_vary_headers(response, ["Accept-Language"])
        return rate_limit_headers(request, response)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if self._language_error is not None:
            raise ValidationError(
                {
                    "lang": [
                        _("%(lang)s is not a language of this service: use ky, ru or en.")
                        % {"lang": self._language_error}
                    ]
                }
            )

    def _conditional(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        """ETag every successful read; 304 when the client's copy is current.

        Views that know a better validator (a row's revision, a published
        round's cached body) set the ETag themselves.
        """
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if not response.has_header("ETag"):
            # Each language is its own representation, even where the bytes are the same.
            digest = hashlib.sha256(self.language.encode() + response.content).hexdigest()[:32]
            caching.mark(response, etag=quote_etag(digest), public=False)
        if not caching.is_not_modified(request, response["ETag"]):
            return response
        not_modified = HttpResponseNotModified()
        for header in ("ETag", "Last-Modified", "Cache-Control", "Vary"):
            if response.has_header(header):
                not_modified[header] = response[header]
        return not_modified


class ReadOnlyViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsAuthenticatedOrReadOnly, ContributorOrReadOnly]
    # Ids up to 18 digits, codes as slugs: anything else is the catch-all 404, never a
    # database error (SQLite overflows on huge integers, PostgreSQL refuses NUL).
    lookup_value_regex = "[0-9]{1,18}"


class RevisionedViewSet(ReadOnlyViewSet):
    """Rows changed through a service with a revision check; ETags from conditional.py."""

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.written(self.get_object(), fresh=True)

    def written(
        self, row: Model, status_code: int = status.HTTP_200_OK, *, fresh: bool = False
    ) -> Response:
        """The row with its ETag; read again (with its relations) unless `fresh`."""
        if not fresh:
            row = self.get_queryset().get(pk=row.pk)
        data = self.get_serializer(row).data
        response = Response(data, status=status_code)
        caching.mark(response, etag=row_etag(row.revision, self.language, data), public=False)
        return response

    def expected(self, request: Request, row: Model | None) -> int | None:
        """The revision If-Match vouches for (see conditional.expected_revision)."""
        if row is None:
            return expected_revision(request, None, dict)
        return expected_revision(request, row.revision, lambda: self.get_serializer(row).data)

    def show_people(self, row: Model) -> bool:
        """Whether the asker sees who made each change: the panel's and staff's to know."""
        return can_see_panel_work(self.request.user, row.assessment)  # type: ignore[attr-defined]

    @extend_schema(
        summary="The row's history: who, when, why, the old and the new values",
        responses=s.HistoryEntrySerializer(many=True),
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request: Request, **kwargs: Any) -> Response:
        row = self.get_object()
        entries = history_of(row, show_people=self.show_people(row))
        return Response(s.HistoryEntrySerializer(entries, many=True).data)

    def call(self, service: Callable[..., Model], current: Callable[[], Model | None], **kwargs):
        """Call a service; a stale write is answered with the row as it is now, and its ETag."""
        try:
            return service(**kwargs)
        except services.StaleWrite as exc:
            row = current()
            if row is not None:
                row = self.get_queryset().filter(pk=row.pk).first() or row
                data = self.get_serializer(row).data
                exc.representation = data  # type: ignore[attr-defined]
                exc.etag = row_etag(row.revision, self.language, data)  # type: ignore[attr-defined]
                exc.person = last_changed_by(row)  # type: ignore[attr-defined]
            raise


def last_changed_by(row: Model) -> dict[str, Any] | None:
    """Who changed the row last, as the API names a person: {id, name}."""
    record = row.history.order_by("-history_date").select_related("history_user").first()  # type: ignore[attr-defined]
    user = record.history_user if record is not None else None
    return s.PersonField().to_representation(user) if user is not None else None
