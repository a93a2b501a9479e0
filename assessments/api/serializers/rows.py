"""Rounds and what was assessed in them: assessments, ratings, citations, threads."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from assessments import models
from assessments.models import Round

from .catalogue import (
    LegalActEditionSerializer,
)
from .names import (
    CodeNameSerializer,
    MethodologyNameSerializer,
    PersonField,
    RoundNameSerializer,
    TextsSerializer,
    round_ref,
)

# --- rounds and what was assessed in them ------------------------------------------------


class RoundSerializer(TextsSerializer):
    round = RoundNameSerializer(source="*", read_only=True)
    methodology = MethodologyNameSerializer(read_only=True)
    previous = RoundNameSerializer(read_only=True, allow_null=True)
    corrects = RoundNameSerializer(read_only=True, allow_null=True)
    scores = serializers.SerializerMethodField(help_text="Address of this round's scores.")

    class Meta:
        model = models.Round
        fields = [
            "round",
            "methodology",
            "title",
            "summary",
            "source",
            "changelog",
            "published_at",
            "previous",
            "corrects",
            "revision",
            "scores",
        ]

    def get_scores(self, round_: Round) -> str:
        url = reverse("api:round-scores", kwargs={"round": round_ref(round_)})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class NestedRatingSerializer(TextsSerializer):
    dimension = serializers.CharField(source="dimension.code", read_only=True)

    class Meta:
        model = models.Rating
        fields = ["id", "dimension", "value", "justification", "carried_over", "revision"]


class NestedCitationSerializer(TextsSerializer):
    act = serializers.CharField(source="act.code", read_only=True)
    edition = serializers.CharField(source="edition.code", read_only=True, allow_null=True)
    dimension = serializers.CharField(source="dimension.code", read_only=True, allow_null=True)

    class Meta:
        model = models.Citation
        fields = [
            "id",
            "act",
            "edition",
            "article",
            "part",
            "dimension",
            "note",
            "needs_reverification",
            "revision",
        ]


class AssessmentSerializer(TextsSerializer):
    round = RoundNameSerializer(read_only=True)
    methodology = MethodologyNameSerializer(source="round.methodology", read_only=True)
    process = serializers.CharField(source="process.code", read_only=True)
    pair = serializers.CharField(source="process.pair.code", read_only=True)
    ratings = NestedRatingSerializer(many=True, read_only=True)
    citations = NestedCitationSerializer(many=True, read_only=True)

    class Meta:
        model = models.ProcessAssessment
        fields = [
            "id",
            "round",
            "methodology",
            "process",
            "pair",
            "position",
            "title",
            "verdict",
            "verdict_text",
            "justification",
            "revision",
            "ratings",
            "citations",
        ]


class RatingSerializer(TextsSerializer):
    round = RoundNameSerializer(source="assessment.round", read_only=True)
    methodology = MethodologyNameSerializer(source="assessment.round.methodology", read_only=True)
    process = serializers.CharField(source="assessment.process.code", read_only=True)
    pair = serializers.CharField(source="assessment.process.pair.code", read_only=True)
    dimension = serializers.CharField(source="dimension.code", read_only=True)

    class Meta:
        model = models.Rating
        fields = [
            "id",
            "round",
            "methodology",
            "assessment",
            "process",
            "pair",
            "dimension",
            "value",
            "justification",
            "carried_over",
            "revision",
        ]
        read_only_fields = fields


class ExpertRatingSerializer(TextsSerializer):
    round = RoundNameSerializer(source="assessment.round", read_only=True)
    methodology = MethodologyNameSerializer(source="assessment.round.methodology", read_only=True)
    process = serializers.CharField(source="assessment.process.code", read_only=True)
    pair = serializers.CharField(source="assessment.process.pair.code", read_only=True)
    dimension = serializers.CharField(source="dimension.code", read_only=True)
    expert = PersonField()

    class Meta:
        model = models.ExpertRating
        fields = [
            "id",
            "round",
            "methodology",
            "assessment",
            "process",
            "pair",
            "dimension",
            "expert",
            "value",
            "justification",
            "revision",
            "updated_at",
        ]
        read_only_fields = fields


class CitationSerializer(TextsSerializer):
    round = RoundNameSerializer(source="assessment.round", read_only=True)
    methodology = MethodologyNameSerializer(source="assessment.round.methodology", read_only=True)
    process = serializers.CharField(source="assessment.process.code", read_only=True)
    pair = serializers.CharField(source="assessment.process.pair.code", read_only=True)
    dimension = serializers.CharField(source="dimension.code", read_only=True, allow_null=True)
    act = CodeNameSerializer(read_only=True, help_text="`name` is the act's title.")
    edition = LegalActEditionSerializer(read_only=True, allow_null=True)

    class Meta:
        model = models.Citation
        fields = [
            "id",
            "round",
            "methodology",
            "assessment",
            "process",
            "pair",
            "dimension",
            "act",
            "edition",
            "article",
            "part",
            "note",
            "position",
            "needs_reverification",
            "revision",
        ]
        read_only_fields = fields

    def to_representation(self, instance: models.Citation) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["act"] = {"code": instance.act.code, "name": instance.act.title}
        return data


class CommentSerializer(TextsSerializer):
    author = PersonField()

    class Meta:
        model = models.Comment
        fields = ["id", "thread", "parent", "author", "body", "created_at"]
        read_only_fields = fields


class ThreadSerializer(TextsSerializer):
    round = RoundNameSerializer(source="assessment.round", read_only=True)
    methodology = MethodologyNameSerializer(source="assessment.round.methodology", read_only=True)
    process = serializers.CharField(source="assessment.process.code", read_only=True)
    dimension = serializers.CharField(source="dimension.code", read_only=True, allow_null=True)
    created_by = PersonField()
    resolved_by = PersonField(allow_null=True)
    comments = CommentSerializer(many=True, read_only=True)

    class Meta:
        model = models.Thread
        fields = [
            "id",
            "round",
            "methodology",
            "assessment",
            "process",
            "dimension",
            "title",
            "status",
            "created_by",
            "created_at",
            "resolved_by",
            "resolved_at",
            "comments",
        ]
        read_only_fields = fields


class RoundCommentSerializer(CommentSerializer):
    round = RoundNameSerializer(source="thread.assessment.round", read_only=True)
    methodology = MethodologyNameSerializer(
        source="thread.assessment.round.methodology", read_only=True
    )

    class Meta(CommentSerializer.Meta):
        fields = ["id", "round", "methodology", "thread", "parent", "author", "body", "created_at"]
        read_only_fields = fields
