"""REST API v1. Views scope what the user may see, speak the request's language and
call the services for every change; they hold no rule of their own.

- Reads start from api/permissions.py, so what one may not see is a 404.
- Writes call assessments/services.py (the admin calls the same functions):
  the service checks the role, the freeze of published rounds, the reason and
  the revision named by `If-Match`, and raises a DomainError that errors.py
  turns into the API's error shape.
- A published round's scores, comparisons and the series are served from
  caching.py as ready bytes: no query on a hit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.db.models import Model, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, QueryDict
from django.template.response import SimpleTemplateResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import quote_etag
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from knox import views as knox_views
from rest_framework import mixins, routers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from assessments import models, services
from assessments.comparison import compare_rounds
from assessments.models import Round

from . import caching, filters, payloads
from . import serializers as s
from .conditional import NO_MATCH, expected_revision, if_match_header, row_etag
from .errors import PROBLEM_JSON, PreconditionFailed
from .i18n import UnknownLanguage, accepted_language, requested_language
from .listcache import PublicListCacheMixin
from .permissions import (
    ContributorOrReadOnly,
    IsAuthenticatedOrReadOnly,
    IsOwnExpertRating,
    figure_rounds,
    visible_assessments,
    visible_citations,
    visible_comments,
    visible_expert_ratings,
    visible_ratings,
    visible_rounds,
    visible_threads,
)
from .renderers import ScoresCSVRenderer
from .selectors import pair_index_series_of
from .throttling import LoginRateThrottle, rate_limit_headers

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
YEAR = OpenApiParameter(
    "year",
    {"type": "integer", "minimum": 1000, "maximum": 9999},
    OpenApiParameter.PATH,
    description="The round's year.",
)
VERSION = OpenApiParameter(
    "version",
    {"type": "integer", "minimum": 1, "maximum": 32767},
    description="The round's version; by default the current one.",
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


def version_param(query: QueryDict) -> int | None:
    """`?version=`, parsed by hand: the published scores are served in well under a
    millisecond, and a serializer would double that (docs/decisions.md, "Speed")."""
    value = query.get("version")
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= 32767:
        raise ValidationError({"version": [_("A version is a whole number from 1.")]})
    return int(value)


def round_param(query: QueryDict, name: str) -> tuple[int, int | None]:
    """A round named in the query as `2016` or `2016-v2`: (year, version or None)."""
    match = s.ROUND_REF.match(query.get(name, ""))
    if match is None:
        raise ValidationError({name: [_("Name a round as YEAR or YEAR-vVERSION, e.g. 2016-v1.")]})
    version = match["version"]
    return int(match["year"]), int(version) if version else None


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
        with translation.override(self.language):
            response = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
            if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
                response.render()
            response = self._conditional(request, response)
        response["Content-Language"] = self.language
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
            raise


@extend_schema(exclude=True)
class ApiRootView(ApiMixin, routers.APIRootView):
    """The entry point: links to every collection and to the schema and its documentation."""

    extra_links = ("compare", "series", "schema", "docs", "redoc", "login")

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().get(request, *args, **kwargs)
        for name in self.extra_links:
            response.data[name] = reverse(f"api:{name}", request=request)
        response.data["scores"] = reverse("api:round-list", request=request) + "{year}/scores/"
        return response


class DocsView(JsonErrors, SpectacularSwaggerView):
    pass


class RedocView(JsonErrors, SpectacularRedocView):
    pass


class SchemaView(JsonErrors, SpectacularAPIView):
    """The OpenAPI schema; in English unless `?lang=` asks otherwise (choice labels)."""

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        with translation.override("en"):
            return super().get(request, *args, **kwargs)


# --- the accountability system ------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Methodologies: dimensions and rating scale"),
    retrieve=extend_schema(summary="A methodology, named code@version (idea-4d@2016)"),
)
class MethodologyViewSet(ReadOnlyViewSet):
    queryset = models.Methodology.objects.prefetch_related("dimensions", "scale_levels")
    serializer_class = s.MethodologySerializer
    filterset_class = filters.MethodologyFilter
    lookup_field = "label"
    lookup_value_regex = r"[-\w]+@[-\w.]+"

    def get_object(self) -> models.Methodology:
        code, _sep, version = self.kwargs["label"].partition("@")
        methodology = self.get_queryset().filter(code=code, version=version).first()
        if methodology is None:
            raise NotFound()
        return methodology


@extend_schema_view(
    list=extend_schema(summary="Subjects: citizens, parliament, parties, ..."),
    retrieve=extend_schema(summary="A subject, with the names it carried over time"),
)
class SubjectViewSet(ReadOnlyViewSet):
    queryset = models.Subject.objects.prefetch_related("names")
    serializer_class = s.SubjectSerializer
    filterset_class = filters.SubjectFilter
    lookup_field = "code"
    lookup_value_regex = r"[-\w]+"


@extend_schema_view(
    list=extend_schema(summary="Pairs: ordered principal → agent relationships"),
    retrieve=extend_schema(summary="A pair"),
)
class PairViewSet(ReadOnlyViewSet):
    queryset = models.Pair.objects.select_related("principal", "agent")
    serializer_class = s.PairSerializer
    filterset_class = filters.PairFilter
    lookup_field = "code"
    lookup_value_regex = r"[-\w]+"


@extend_schema_view(
    list=extend_schema(summary="Processes: accountability mechanisms within a pair"),
    retrieve=extend_schema(summary="A process"),
)
class ProcessViewSet(ReadOnlyViewSet):
    queryset = models.Process.objects.select_related("pair")
    serializer_class = s.ProcessSerializer
    filterset_class = filters.ProcessFilter
    lookup_field = "code"
    lookup_value_regex = r"[-\w]+"


@extend_schema_view(
    list=extend_schema(summary="Legal acts, with their editions"),
    retrieve=extend_schema(summary="A legal act"),
)
class LegalActViewSet(ReadOnlyViewSet):
    queryset = models.LegalAct.objects.prefetch_related("editions")
    serializer_class = s.LegalActSerializer
    filterset_class = filters.LegalActFilter
    lookup_field = "code"
    lookup_value_regex = r"[-\w]+"


# --- rounds -----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Rounds you may see (anonymous clients: published ones)"),
    retrieve=extend_schema(
        summary="A round: its current version, or ?version=", parameters=[YEAR, VERSION]
    ),
)
class RoundViewSet(ReadOnlyViewSet):
    serializer_class = s.RoundSerializer
    filterset_class = filters.RoundFilter
    lookup_field = "year"
    lookup_value_regex = "[0-9]{4}"

    def get_queryset(self) -> QuerySet[Round]:
        return visible_rounds(self.request.user).select_related(
            "methodology", "previous", "corrects"
        )

    def get_object(self) -> Round:
        version = version_param(self.request.query_params)
        round_ = get_round(self.request.user, int(self.kwargs["year"]), version)
        self.check_object_permissions(self.request, round_)
        return round_

    def _round_response(self, round_: Round, status_code: int = status.HTTP_200_OK) -> Response:
        round_ = self.get_queryset().get(pk=round_.pk)
        return Response(self.get_serializer(round_).data, status=status_code)

    @extend_schema(
        summary="Publish the round (staff); errata supersede the version they correct",
        request=s.PublishInput,
        responses=s.RoundSerializer,
        parameters=[YEAR, VERSION],
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, year: str) -> Response:
        data = validated(s.PublishInput, request.data)
        round_ = services.publish_round(
            actor=request.user,
            round_=self.get_object(),
            reason=data["reason"],
            override_open_threads=data["override_open_threads"],
        )
        return self._round_response(round_)

    @extend_schema(
        summary="Move the round between draft, open for rating and in review (staff)",
        request=s.TransitionInput,
        responses=s.RoundSerializer,
        parameters=[YEAR, VERSION],
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, year: str) -> Response:
        data = validated(s.TransitionInput, request.data)
        round_ = services.transition_round(
            actor=request.user, round_=self.get_object(), to=data["to"], reason=data["reason"]
        )
        return self._round_response(round_)

    @extend_schema(
        summary="Start errata: the next version of a published round (staff)",
        request=s.ReasonInput,
        responses={201: s.RoundSerializer},
        parameters=[YEAR, VERSION],
    )
    @action(detail=True, methods=["post"])
    def errata(self, request: Request, year: str) -> Response:
        data = validated(s.ReasonInput, request.data)
        round_ = services.start_errata(
            actor=request.user, round_=self.get_object(), reason=data["reason"]
        )
        return self._round_response(round_, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Start the next year's round from this published one (staff)",
        request=s.NextRoundInput,
        responses={201: s.RoundSerializer},
        parameters=[YEAR, VERSION],
    )
    @action(detail=True, methods=["post"], url_path="next")
    def start_next(self, request: Request, year: str) -> Response:
        data = validated(s.NextRoundInput, request.data)
        round_ = services.start_next_round(
            actor=request.user, source=self.get_object(), year=data["year"], reason=data["reason"]
        )
        return self._round_response(round_, status.HTTP_201_CREATED)


# --- what was assessed ---------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Process assessments: a process as a round assessed it"),
    retrieve=extend_schema(summary="A process assessment with its ratings and citations"),
    partial_update=extend_schema(
        summary="Change the verdict, title or justification (the panel's chair, staff)",
        request=s.AssessmentChangeInput,
        parameters=[IF_MATCH],
        description=(
            "Texts are written in the request's language. If-Match takes the ETag a GET of "
            "the assessment gave."
        ),
    ),
)
class AssessmentViewSet(PublicListCacheMixin, mixins.UpdateModelMixin, RevisionedViewSet):
    serializer_class = s.AssessmentSerializer
    filterset_class = filters.AssessmentFilter
    http_method_names = ["get", "patch", "head"]

    def get_queryset(self) -> QuerySet[models.ProcessAssessment]:
        return (
            visible_assessments(self.request.user)
            .select_related("round__methodology", "process__pair")
            .prefetch_related(
                Prefetch("ratings", queryset=models.Rating.objects.select_related("dimension")),
                Prefetch(
                    "citations",
                    queryset=models.Citation.objects.select_related("act", "edition", "dimension"),
                ),
            )
        )

    def visible_assessments(self) -> QuerySet[models.ProcessAssessment]:
        return visible_assessments(self.request.user)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        assessment = self.get_object()
        data = validated(s.AssessmentChangeInput, request.data)
        changes = {
            # Texts go to the column of the request's language (title_ky, title_en, ...).
            (name if name == "verdict" else f"{name}_{self.language}"): value
            for name, value in data.items()
            if name != "reason"
        }
        row = self.call(
            services.update_assessment,
            lambda: assessment,
            actor=request.user,
            assessment=assessment,
            changes=changes,
            reason=data["reason"],
            expected_revision=self.expected(request, assessment),
        )
        return self.written(row)


RATING_RELATIONS = ("assessment__round__methodology", "assessment__process__pair", "dimension")
# What a rating's representation reads, and no more: the related rows carry long texts
# in three languages, which would only widen the rows the database sorts.
RATING_FIELDS = (
    "value",
    "justification",
    "revision",
    "assessment__round__year",
    "assessment__round__version",
    "assessment__round__status",
    "assessment__round__methodology__code",
    "assessment__round__methodology__version",
    "assessment__process__code",
    "assessment__process__pair__code",
    "dimension__code",
)


@extend_schema_view(
    list=extend_schema(summary="Consensus ratings: the panel's, the ones that are scored"),
    retrieve=extend_schema(summary="A consensus rating; its ETag is its revision"),
    create=extend_schema(
        summary="Set a consensus rating (the panel's chair; staff for errata)",
        request=s.NewRatingInput,
        responses={201: s.RatingSerializer, 200: s.RatingSerializer},
        parameters=[IF_MATCH_CREATE],
        description=(
            "Creates the rating. To change one that exists, send its ETag in If-Match; "
            "without it, an existing rating (someone was quicker) is a 412 with the row as it is."
        ),
    ),
    update=extend_schema(
        summary="Change a consensus rating", request=s.RatingChangeInput, parameters=[IF_MATCH]
    ),
    partial_update=extend_schema(
        summary="Change a consensus rating", request=s.RatingChangeInput, parameters=[IF_MATCH]
    ),
)
class RatingViewSet(
    PublicListCacheMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, RevisionedViewSet
):
    serializer_class = s.RatingSerializer
    filterset_class = filters.RatingFilter
    http_method_names = ["get", "post", "put", "patch", "head"]
    service = staticmethod(services.set_consensus)
    model: type[Model] = models.Rating

    def get_queryset(self) -> QuerySet:
        return (
            visible_ratings(self.request.user)
            .select_related(*RATING_RELATIONS)
            .only(*RATING_FIELDS, "carried_over")
        )

    def visible_assessments(self) -> QuerySet[models.ProcessAssessment]:
        return visible_assessments(self.request.user)

    def _existing(self, assessment: models.ProcessAssessment, dimension: str) -> Model | None:
        return self.model.objects.filter(
            assessment=assessment, dimension__code=dimension, **self._own()
        ).first()

    def _own(self) -> dict[str, Any]:
        return {}

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated(s.NewRatingInput, request.data, context=self.get_serializer_context())

        def existing() -> Model | None:
            return self._existing(data["assessment"], data["dimension"])

        if if_match_header(request) is None:
            # Create only: whoever loses a race to create it gets 412 and the row as it is.
            expected = NO_MATCH
        else:
            row = existing()
            if row is None:
                raise PreconditionFailed(
                    {
                        "If-Match": [
                            _("There is no such rating yet: leave If-Match out to create it.")
                        ]
                    }
                )
            expected = self.expected(request, self.get_queryset().get(pk=row.pk))
        row = self.call(
            self.service,
            existing,
            actor=request.user,
            assessment=data["assessment"],
            dimension=data["dimension"],
            value=data["value"],
            justification=data.get("justification"),
            reason=data["reason"],
            expected_revision=expected,
        )
        # A new row keeps revision 1; a change always bumps it.
        created = row.revision == 1
        return self.written(row, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        row = self.get_object()
        data = validated(s.RatingChangeInput, request.data, partial=kwargs.get("partial", False))
        row = self.call(
            self.service,
            lambda: row,
            actor=request.user,
            assessment=row.assessment,
            dimension=row.dimension,
            value=data.get("value", row.value),
            justification=data.get("justification"),
            reason=data.get("reason", ""),
            expected_revision=self.expected(request, row),
        )
        return self.written(row)


@extend_schema_view(
    list=extend_schema(summary="Experts' own ratings (panel members and staff only)"),
    retrieve=extend_schema(summary="An expert's rating; its ETag is its revision"),
    create=extend_schema(
        summary="Record your own rating (a panel member)",
        request=s.NewRatingInput,
        responses={201: s.ExpertRatingSerializer, 200: s.ExpertRatingSerializer},
        parameters=[IF_MATCH_CREATE],
        description=(
            "Creates your rating. To change it, send its ETag in If-Match; without it, an "
            "existing rating is a 412 with the row as it is."
        ),
    ),
    update=extend_schema(
        summary="Change your own rating", request=s.RatingChangeInput, parameters=[IF_MATCH]
    ),
    partial_update=extend_schema(
        summary="Change your own rating", request=s.RatingChangeInput, parameters=[IF_MATCH]
    ),
)
class ExpertRatingViewSet(RatingViewSet):
    serializer_class = s.ExpertRatingSerializer
    filterset_class = filters.ExpertRatingFilter
    permission_classes = [IsAuthenticatedOrReadOnly, ContributorOrReadOnly, IsOwnExpertRating]
    service = staticmethod(services.record_expert_rating)
    model = models.ExpertRating

    def get_queryset(self) -> QuerySet:
        return (
            visible_expert_ratings(self.request.user)
            .select_related(*RATING_RELATIONS, "expert")
            .only(*RATING_FIELDS, "updated_at", "expert__username")
        )

    def _own(self) -> dict[str, Any]:
        return {"expert": self.request.user}


REASON = OpenApiParameter("reason", str, required=True, description="Why: kept in the history.")


@extend_schema_view(
    list=extend_schema(summary="Citations: the act, edition and article behind an assessment"),
    retrieve=extend_schema(summary="A citation; its ETag is its revision"),
    create=extend_schema(
        summary="Cite an act as evidence (panel members, staff)",
        request=s.NewCitationInput,
        responses={201: s.CitationSerializer},
    ),
    partial_update=extend_schema(
        summary="Change a citation (the panel's chair, staff)",
        request=s.CitationChangeInput,
        parameters=[IF_MATCH],
    ),
    destroy=extend_schema(
        summary="Remove a citation (the panel's chair, staff)", parameters=[IF_MATCH, REASON]
    ),
)
class CitationViewSet(
    PublicListCacheMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    RevisionedViewSet,
):
    serializer_class = s.CitationSerializer
    filterset_class = filters.CitationFilter
    http_method_names = ["get", "post", "patch", "delete", "head"]

    def get_queryset(self) -> QuerySet[models.Citation]:
        return visible_citations(self.request.user).select_related(
            "assessment__round__methodology",
            "assessment__process__pair",
            "act",
            "edition",
            "dimension",
        )

    def visible_assessments(self) -> QuerySet[models.ProcessAssessment]:
        return visible_assessments(self.request.user)

    def _references(
        self,
        data: dict[str, Any],
        assessment: models.ProcessAssessment,
        act: models.LegalAct | None = None,
    ) -> dict[str, Any]:
        """The act, edition and dimension named by code, as rows; a code naming none is a 400.

        `act` is the citation's current act, for an edition named without one.
        """
        found: dict[str, Any] = {}
        errors: dict[str, list[str]] = {}
        if "act" in data:
            act = found["act"] = models.LegalAct.objects.filter(code=data["act"]).first()
            if act is None:
                errors["act"] = [_("No legal act has this code.")]
        if "edition" in data:
            found["edition"] = None
            if data["edition"]:
                found["edition"] = models.LegalActEdition.objects.filter(
                    act=act, code=data["edition"]
                ).first()
                if found["edition"] is None:
                    errors["edition"] = [_("The act has no edition with this code.")]
        if "dimension" in data:
            found["dimension"] = None
            if data["dimension"]:
                found["dimension"] = assessment.round.methodology.dimensions.filter(
                    code=data["dimension"]
                ).first()
                if found["dimension"] is None:
                    errors["dimension"] = [_("The round's methodology has no such dimension.")]
        if errors:
            raise ValidationError(errors)
        return found

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated(s.NewCitationInput, request.data, context=self.get_serializer_context())
        assessment = data["assessment"]
        citation = services.add_citation(
            actor=request.user,
            assessment=assessment,
            reason=data["reason"],
            article=data.get("article", ""),
            part=data.get("part", ""),
            note={self.language: data.get("note", "")},
            **self._references(data, assessment),
        )
        return self.written(citation, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        citation = self.get_object()
        data = validated(s.CitationChangeInput, request.data, partial=True)
        changes = {
            name: value
            for name, value in data.items()
            if name in ("article", "part", "needs_reverification")
        }
        changes.update(self._references(data, citation.assessment, citation.act))
        if "note" in data:
            changes[f"note_{self.language}"] = data["note"]
        row = self.call(
            services.update_citation,
            lambda: citation,
            actor=request.user,
            citation=citation,
            changes=changes,
            reason=data.get("reason", ""),
            expected_revision=self.expected(request, citation),
        )
        return self.written(row)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        citation = self.get_object()
        self.call(
            services.remove_citation,
            lambda: citation,
            actor=request.user,
            citation=citation,
            reason=request.query_params.get("reason", ""),
            expected_revision=self.expected(request, citation),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- discussion -------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Discussion threads (panel members and staff only)"),
    retrieve=extend_schema(summary="A thread with its comments"),
    create=extend_schema(
        summary="Start a thread about an assessment or one of its ratings",
        request=s.NewThreadInput,
        responses={201: s.ThreadSerializer},
    ),
)
class ThreadViewSet(mixins.CreateModelMixin, ReadOnlyViewSet):
    serializer_class = s.ThreadSerializer
    filterset_class = filters.ThreadFilter

    def get_queryset(self) -> QuerySet[models.Thread]:
        return (
            visible_threads(self.request.user)
            .select_related(
                "assessment__round__methodology",
                "assessment__process",
                "dimension",
                "created_by",
                "resolved_by",
            )
            .prefetch_related(
                Prefetch("comments", queryset=models.Comment.objects.select_related("author"))
            )
        )

    def visible_assessments(self) -> QuerySet[models.ProcessAssessment]:
        return visible_assessments(self.request.user)

    def _thread_response(self, thread: models.Thread, status_code: int) -> Response:
        thread = self.get_queryset().get(pk=thread.pk)
        return Response(s.ThreadSerializer(thread).data, status=status_code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated(s.NewThreadInput, request.data, context=self.get_serializer_context())
        thread = services.start_thread(
            actor=request.user,
            assessment=data["assessment"],
            body=data["body"],
            title=data.get("title", ""),
            dimension=data.get("dimension"),
        )
        return self._thread_response(thread, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Reply in a thread", request=s.ReplyInput, responses={201: s.CommentSerializer}
    )
    @action(detail=True, methods=["post"])
    def comments(self, request: Request, pk: str) -> Response:
        thread = self.get_object()
        data = validated(s.ReplyInput, request.data)
        parent = None
        if data.get("parent"):
            parent = visible_comments(request.user).filter(pk=data["parent"]).first()
            if parent is None:
                raise NotFound({"parent": [_("No such comment.")]})
        comment = services.reply(
            actor=request.user, thread=thread, body=data["body"], parent=parent
        )
        comment = models.Comment.objects.select_related("author").get(pk=comment.pk)
        return Response(s.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Resolve a thread, or reopen it",
        request=s.ResolveInput,
        responses=s.ThreadSerializer,
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str) -> Response:
        data = validated(s.ResolveInput, request.data)
        thread = services.resolve_thread(
            actor=request.user, thread=self.get_object(), resolved=data["resolved"]
        )
        return self._thread_response(thread, status.HTTP_200_OK)


@extend_schema_view(
    list=extend_schema(summary="Comments of the discussion (panel members and staff only)"),
    retrieve=extend_schema(summary="A comment"),
)
class CommentViewSet(ReadOnlyViewSet):
    serializer_class = s.RoundCommentSerializer
    filterset_class = filters.CommentFilter

    def get_queryset(self) -> QuerySet[models.Comment]:
        return visible_comments(self.request.user).select_related(
            "thread__assessment__round__methodology", "author"
        )


# --- computed figures ------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """What a figures response is made of: its rounds and the parts of its cache key."""

    rounds: list[Any]  # caching.RoundRef or Round: both have pk, year, version, status
    parts: tuple[Any, ...]
    filename: str = ""  # CSV download name, without the language and extension

    def download_name(self, fmt: str, language: str) -> str | None:
        return f"{self.filename}-{language}.{fmt}" if self.filename and fmt == "csv" else None


def _key(round_: Any) -> str:
    return f"{round_.pk}.{round_.version}.{round_.status}"


def _load(pk: int) -> Round:
    return Round.objects.select_related("methodology").get(pk=pk)


class FiguresView(ApiMixin, APIView):
    """Scores, comparison and series: published rounds' answers come from caching.py.

    A plain anonymous GET of published rounds whose answer is already cached is
    served before DRF runs at all (`from_cache`): at this size DRF's request
    handling costs more than everything else the request needs. Anything else —
    a token, a session, an unusual Accept, a bad parameter, a cold cache, an
    unpublished round — takes the ordinary path below, which computes, caches
    and reports errors in the API's shape.
    """

    permission_classes = [IsAuthenticatedOrReadOnly]
    formats = ("json",)

    def plan(self, query: QueryDict, index: caching.PublishedRounds, **kwargs: Any) -> Plan | None:
        """The published rounds the query names, from the index alone (None: not all are)."""
        raise NotImplementedError

    def plan_from_database(self, query: QueryDict, index: caching.PublishedRounds, **kwargs: Any):
        raise NotImplementedError

    def build(self, plan: Plan, query: QueryDict) -> Any:
        raise NotImplementedError

    def get(self, request: Request, **kwargs: Any) -> HttpResponse:
        index = caching.published_rounds()
        plan = self.plan(request.query_params, index, **kwargs)
        if plan is None:
            plan = self.plan_from_database(request.query_params, index, **kwargs)
        return self.serve(plan, lambda: self.build(plan, request.query_params))

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = self.from_cache(request, **kwargs)
        if response is not None:
            return response
        return super().dispatch(request, *args, **kwargs)

    def from_cache(self, request: HttpRequest, **kwargs: Any) -> HttpResponse | None:
        if (
            request.method != "GET"
            or "HTTP_AUTHORIZATION" in request.META
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        ):
            return None
        fmt = self._plain_format(request)
        try:
            language = requested_language(request)
            plan = self.plan(request.GET, caching.published_rounds(), **kwargs)
        except (UnknownLanguage, ValidationError):
            return None
        if fmt is None or plan is None:
            return None
        entry = caching.peek(caching.body_key(*plan.parts, language, fmt))
        if entry is None or not self._throttles_allow(request):
            return None  # DRF's path computes it, or answers 429
        response = caching.respond(
            request,
            entry,
            last_modified=caching.latest(r.published_at for r in plan.rounds),
            public=True,
            filename=plan.download_name(fmt, language),
        )
        response["Content-Language"] = language
        patch_vary_headers(response, ["Accept", "Accept-Language"])
        return rate_limit_headers(request, response)

    def _plain_format(self, request: HttpRequest) -> str | None:
        """json or csv when the request says so plainly; None leaves it to DRF's negotiation."""
        asked = request.GET.get("format")
        if asked is not None:
            return asked if asked in self.formats else None
        accept = request.META.get("HTTP_ACCEPT", "*/*").strip()
        if accept in ("", "*/*") or accept.startswith("application/json"):
            return "json"
        if accept == "text/csv" and "csv" in self.formats:
            return "csv"
        return None

    def _throttles_allow(self, request: HttpRequest) -> bool:
        # The same throttles DRF would apply; the request is anonymous (no token, no session).
        return all(throttle.allow_request(request, self) for throttle in self.get_throttles())

    def render_bytes(self, data: Any) -> tuple[bytes, str]:
        renderer = self.request.accepted_renderer
        body = renderer.render(data, self.request.accepted_media_type, self.get_renderer_context())
        content_type = renderer.media_type
        if renderer.charset:
            content_type = f"{content_type}; charset={renderer.charset}"
        return body, content_type

    def serve(self, plan: Plan, build: Callable[[], Any]) -> HttpResponse:
        """Bytes from the cache when every round is published; built afresh otherwise."""
        frozen = all(r.status in Round.FROZEN_STATUSES for r in plan.rounds)
        fmt = self.request.accepted_renderer.format
        if frozen:
            key = caching.body_key(*plan.parts, self.language, fmt)
            entry = caching.cached_body(key, lambda: self.render_bytes(build()))
        else:
            entry = caching.make_body(*self.render_bytes(build()))
        return caching.respond(
            self.request,
            entry,
            last_modified=caching.latest(r.published_at for r in plan.rounds),
            public=frozen,
            filename=plan.download_name(fmt, self.language),
        )


class ScoresView(FiguresView):
    renderer_classes = [JSONRenderer, ScoresCSVRenderer]
    formats = ("json", "csv")

    def plan(self, query: QueryDict, index: caching.PublishedRounds, *, year: int) -> Plan | None:
        ref = index.find(year, version_param(query))
        return self._plan(ref, index) if ref is not None else None

    def plan_from_database(self, query: QueryDict, index: caching.PublishedRounds, *, year: int):
        round_ = get_round(self.request.user, year, version_param(query), figures=True)
        return self._plan(round_, index)

    def _plan(self, round_: Any, index: caching.PublishedRounds) -> Plan:
        filename = f"scores-{round_.year}-v{round_.version}"
        return Plan([round_], ("scores", _key(round_), index.stamp), filename)

    def build(self, plan: Plan, query: QueryDict) -> Any:
        return payloads.scores(_load(plan.rounds[0].pk))

    @extend_schema(
        summary="A round's computed figures, with the published ones that disagree",
        description=(
            "Per process, pair, dimension and principal, the overall index, and every printed "
            "figure that disagrees with the computed one: the same JSON as "
            "`manage.py scores YEAR --json`. CSV with `?format=csv` or `Accept: text/csv`. "
            "Published rounds answer with ETag and Last-Modified; a conditional request gets 304."
        ),
        parameters=[
            YEAR,
            VERSION,
            OpenApiParameter("format", str, enum=["json", "csv"], description="Or use Accept."),
        ],
        responses={
            (200, "application/json"): s.ScoresSerializer,
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="One row per figure; see docs/api.md."
            ),
        },
    )
    def get(self, request: Request, year: int) -> HttpResponse:
        return super().get(request, year=year)


class ComparisonView(FiguresView):
    def plan(self, query: QueryDict, index: caching.PublishedRounds) -> Plan | None:
        a, b = (index.find(*round_param(query, name)) for name in ("a", "b"))
        return self._plan(a, b, index) if a is not None and b is not None else None

    def plan_from_database(self, query: QueryDict, index: caching.PublishedRounds) -> Plan:
        a, b = (
            index.find(*named) or get_round(self.request.user, *named, figures=True)
            for named in (round_param(query, "a"), round_param(query, "b"))
        )
        return self._plan(a, b, index)

    def _plan(self, a: Any, b: Any, index: caching.PublishedRounds) -> Plan:
        return Plan([a, b], ("compare", _key(a), _key(b), index.stamp))

    def build(self, plan: Plan, query: QueryDict) -> Any:
        a, b = plan.rounds
        return payloads.comparison(compare_rounds(_load(a.pk), _load(b.pk)))

    @extend_schema(
        summary="Two rounds side by side: what changed, and every figure's delta",
        description=(
            "Each process of either round, matched by its code, rating by rating (with the "
            "reason recorded for the latest change), citations added and removed, and the "
            "deltas (b − a, percentage points) of every pair index, dimension total, principal "
            "share and the overall index. `methodology_warning` says when the rounds were "
            "assessed with different methodologies."
        ),
        parameters=[s.ComparisonQuerySerializer],
        responses=s.ComparisonSerializer,
    )
    def get(self, request: Request) -> HttpResponse:
        return super().get(request)


class SeriesView(FiguresView):
    def plan(self, query: QueryDict, index: caching.PublishedRounds) -> Plan:
        # Published rounds only, for everyone: always known to the index.
        return Plan(index.current(), ("series", index.stamp, query.get("pair")))

    def build(self, plan: Plan, query: QueryDict) -> Any:
        rounds, series = pair_index_series_of([r.pk for r in plan.rounds])
        pair = query.get("pair")
        if pair is not None:
            series = [p for p in series if p.pair == pair]
        return payloads.series(rounds, series)

    @extend_schema(
        summary="Each pair's index over every published round",
        description=(
            "The current version of every published year, oldest first. Each point names "
            "the methodology (code@version) its index was computed with: where it changes, "
            "the series compares unlike with unlike."
        ),
        parameters=[s.SeriesQuerySerializer],
        responses=s.SeriesSerializer,
    )
    def get(self, request: Request) -> HttpResponse:
        return super().get(request)


# --- tokens ------------------------------------------------------------------------------------


class LoginView(ApiMixin, knox_views.LoginView):
    """A token for tools and scripts, in exchange for a username and password."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginRateThrottle]
    throttle_scope = "login"

    @extend_schema(summary="Log in: get a token", request=s.LoginInput, responses=s.TokenSerializer)
    def post(self, request: Request, format: str | None = None) -> Response:
        data = validated(s.LoginInput, request.data)
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None or not user.is_active:
            raise ValidationError(_("Unable to log in with the username and password given."))
        request.user = user
        return super().post(request, format)


class LogoutView(ApiMixin, knox_views.LogoutView):
    @extend_schema(summary="Log out: revoke this token", request=None, responses={204: None})
    def post(self, request: Request, format: str | None = None) -> Response:
        return super().post(request, format)


class LogoutAllView(ApiMixin, knox_views.LogoutAllView):
    @extend_schema(summary="Revoke all your tokens", request=None, responses={204: None})
    def post(self, request: Request, format: str | None = None) -> Response:
        return super().post(request, format)
