"""The entry point, the OpenAPI schema and its documentation pages."""

from __future__ import annotations

from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils import translation
from drf_spectacular.utils import (
    extend_schema,
)
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework import routers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from .base import (
    ApiMixin,
    JsonErrors,
)


@extend_schema(exclude=True)
class ApiRootView(ApiMixin, routers.APIRootView):
    """The entry point: links to every collection and to the schema and its documentation."""

    extra_links = ("compare", "series", "schema", "docs", "redoc", "login")

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().get(request, *args, **kwargs)
        for name in self.extra_links:
            response.data[name] = reverse(f"api:{name}", request=request)
        # A template, not an address: built from the bare path, so that a `?format=` of
        # this request is not spliced into its middle.
        rounds = request.build_absolute_uri(reverse("api:round-list"))
        response.data["scores"] = rounds + "{round}/scores/"
        return response


class DocsView(JsonErrors, SpectacularSwaggerSplitView):
    """Swagger UI; the split view serves its start-up script as a file (?script): CSP."""


class RedocView(JsonErrors, SpectacularRedocView):
    pass


# The schema, generated once per process and language: it is a function of the code
# alone (it is served public, the same to everyone), and generating it takes about a
# second of CPU, which an anonymous request must not be able to ask for again and again.
_schemas: dict[tuple[str | None, str | None], dict[str, Any]] = {}


@receiver(setting_changed)
def _forget_schemas(**kwargs: Any) -> None:
    _schemas.clear()  # a test that changes a setting may change the schema


class SchemaView(JsonErrors, SpectacularAPIView):
    """The OpenAPI schema; in English unless `?lang=` asks otherwise (choice labels)."""

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        with translation.override("en"):
            return super().get(request, *args, **kwargs)

    def _get_schema_response(self, request: Request) -> Response:
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (translation.get_language(), version)
        if key not in _schemas:
            _schemas[key] = super()._get_schema_response(request).data
        return Response(
            data=_schemas[key],
            headers={
                "Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'
            },
        )
