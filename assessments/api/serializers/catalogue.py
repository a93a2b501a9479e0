"""The accountability system: methodologies, subjects, pairs, processes, acts."""

from __future__ import annotations

from rest_framework import serializers

from assessments import models

from .names import (
    TextsSerializer,
)

# --- the accountability system ----------------------------------------------------------


class DimensionSerializer(TextsSerializer):
    class Meta:
        model = models.Dimension
        fields = ["code", "position", "name", "description", "is_scored", "is_gating"]


class ScaleLevelSerializer(TextsSerializer):
    class Meta:
        model = models.ScaleLevel
        fields = ["value", "label"]


class MethodologySerializer(TextsSerializer):
    dimensions = DimensionSerializer(many=True, read_only=True)
    scale = ScaleLevelSerializer(source="scale_levels", many=True, read_only=True)

    class Meta:
        model = models.Methodology
        fields = [
            "code",
            "version",
            "label",
            "title",
            "description",
            "scale_min",
            "scale_max",
            "dimensions",
            "scale",
        ]


class SubjectNameSerializer(TextsSerializer):
    class Meta:
        model = models.SubjectName
        fields = ["name", "valid_from", "valid_until"]


class SubjectSerializer(TextsSerializer):
    names = SubjectNameSerializer(many=True, read_only=True)

    class Meta:
        model = models.Subject
        fields = ["code", "kind", "role", "position", "name", "description", "names"]


class PairSerializer(TextsSerializer):
    principal = serializers.CharField(source="principal.code", read_only=True)
    agent = serializers.CharField(source="agent.code", read_only=True)

    class Meta:
        model = models.Pair
        fields = ["code", "position", "name", "principal", "agent"]


class ProcessSerializer(TextsSerializer):
    pair = serializers.CharField(source="pair.code", read_only=True)

    class Meta:
        model = models.Process
        fields = ["code", "pair", "position", "name", "description"]


class LegalActEditionSerializer(TextsSerializer):
    class Meta:
        model = models.LegalActEdition
        fields = ["code", "title", "valid_from", "valid_until", "url", "note"]


class LegalActSerializer(TextsSerializer):
    editions = LegalActEditionSerializer(many=True, read_only=True)

    class Meta:
        model = models.LegalAct
        fields = ["code", "kind", "title", "number", "adopted_on", "url", "editions"]
