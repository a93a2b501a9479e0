"""The accountability system: methodologies, subjects, pairs, processes, acts."""

from __future__ import annotations

from drf_spectacular.utils import (
    extend_schema,
    extend_schema_view,
)
from rest_framework.exceptions import NotFound

from assessments import models

from .. import filters
from .. import serializers as s
from .base import (
    ReadOnlyViewSet,
)

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
