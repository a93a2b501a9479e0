"""Representations (read) and input validation (write); no domain work happens here.

Every representation of something that belongs to a round names the round and
the methodology it was assessed with: {"round": {"year", "version", "status"},
"methodology": {"code", "version"}}. Names and texts are in the request's
language (modeltranslation reads the active language's column, falling back
ky → ru → en). Write serializers only check the shape of the input; the
services decide whether the change is allowed and valid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments import models, review
from assessments.models import Round

# A round in a query: `2016` (the current published version) or `2016-v2` (one version).
ROUND_REF_PATTERN = "^[0-9]{4}(-v[0-9]{1,4})?$"  # portable, for the schema
ROUND_REF = re.compile(r"^(?P<year>[0-9]{4})(?:-v(?P<version>[0-9]{1,4}))?$")
# Largest primary key a lookup accepts: a bigger number cannot name a row, and some
# databases fail on it instead of finding nothing.
MAX_ID = 2**63 - 1


# --- names of a round and its methodology ------------------------------------------


class RoundNameSerializer(serializers.Serializer):
    year = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    status = serializers.ChoiceField(choices=Round.Status.choices, read_only=True)


class MethodologyNameSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    version = serializers.CharField(read_only=True)


class NamedSerializer(serializers.Serializer):
    """What every round-scoped response starts with."""

    round = RoundNameSerializer(read_only=True)
    methodology = MethodologyNameSerializer(read_only=True)


def _round_fields(path: str) -> dict[str, serializers.Field]:
    """`round` and `methodology` fields read through `path` (e.g. "assessment.round")."""
    return {
        "round": RoundNameSerializer(source=path, read_only=True),
        "methodology": MethodologyNameSerializer(source=f"{path}.methodology", read_only=True),
    }


class CodeNameSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


# --- the accountability system ----------------------------------------------------------


class DimensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Dimension
        fields = ["code", "position", "name", "description", "is_scored", "is_gating"]


class ScaleLevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.ScaleLevel
        fields = ["value", "label"]


class MethodologySerializer(serializers.ModelSerializer):
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


class SubjectNameSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.SubjectName
        fields = ["name", "valid_from", "valid_until"]


class SubjectSerializer(serializers.ModelSerializer):
    names = SubjectNameSerializer(many=True, read_only=True)

    class Meta:
        model = models.Subject
        fields = ["code", "kind", "role", "position", "name", "description", "names"]


class PairSerializer(serializers.ModelSerializer):
    principal = CodeNameSerializer(read_only=True)
    agent = CodeNameSerializer(read_only=True)

    class Meta:
        model = models.Pair
        fields = ["code", "position", "name", "principal", "agent"]


class ProcessSerializer(serializers.ModelSerializer):
    pair = serializers.CharField(source="pair.code", read_only=True)

    class Meta:
        model = models.Process
        fields = ["code", "pair", "position", "name", "description"]


class LegalActEditionSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.LegalActEdition
        fields = ["code", "title", "valid_from", "valid_until", "url", "note"]


class LegalActSerializer(serializers.ModelSerializer):
    editions = LegalActEditionSerializer(many=True, read_only=True)

    class Meta:
        model = models.LegalAct
        fields = ["code", "kind", "title", "number", "adopted_on", "url", "editions"]


# --- rounds and what was assessed in them ------------------------------------------------


class RoundSerializer(serializers.ModelSerializer):
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
        url = reverse("api:round-scores", kwargs={"year": round_.year})
        url = f"{url}?version={round_.version}"
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class NestedRatingSerializer(serializers.ModelSerializer):
    dimension = serializers.CharField(source="dimension.code", read_only=True)

    class Meta:
        model = models.Rating
        fields = ["id", "dimension", "value", "justification", "carried_over", "revision"]


class NestedCitationSerializer(serializers.ModelSerializer):
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


class AssessmentSerializer(serializers.ModelSerializer):
    round = RoundNameSerializer(read_only=True)
    methodology = MethodologyNameSerializer(source="round.methodology", read_only=True)
    process = CodeNameSerializer(read_only=True)
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


class RatingSerializer(serializers.ModelSerializer):
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


class ExpertRatingSerializer(serializers.ModelSerializer):
    round = RoundNameSerializer(source="assessment.round", read_only=True)
    methodology = MethodologyNameSerializer(source="assessment.round.methodology", read_only=True)
    process = serializers.CharField(source="assessment.process.code", read_only=True)
    pair = serializers.CharField(source="assessment.process.pair.code", read_only=True)
    dimension = serializers.CharField(source="dimension.code", read_only=True)
    expert = serializers.CharField(source="expert.username", read_only=True)

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


class CitationSerializer(serializers.ModelSerializer):
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


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)

    class Meta:
        model = models.Comment
        fields = ["id", "thread", "parent", "author", "body", "created_at"]
        read_only_fields = fields


class ThreadSerializer(serializers.ModelSerializer):
    round = RoundNameSerializer(source="assessment.round", read_only=True)
    methodology = MethodologyNameSerializer(source="assessment.round.methodology", read_only=True)
    process = serializers.CharField(source="assessment.process.code", read_only=True)
    dimension = serializers.CharField(source="dimension.code", read_only=True, allow_null=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    resolved_by = serializers.CharField(
        source="resolved_by.username", read_only=True, allow_null=True
    )
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


# --- computed figures (documentation of the payloads built in views) ----------------------


class ProcessScoreSerializer(serializers.Serializer):
    process = serializers.CharField()
    name = serializers.CharField()
    pair = serializers.CharField()
    included = serializers.BooleanField()
    excluded_because = serializers.CharField(allow_null=True)
    score = serializers.FloatField(allow_null=True, help_text="Percent, two places.")
    score_exact = serializers.CharField(allow_null=True, help_text="The exact fraction of 1.")


class IntervalSerializer(serializers.Serializer):
    """How far a figure could move with another draw of the experts (docs/method.md)."""

    status = serializers.CharField(
        help_text="computed, too_few or no_expert_ratings. no_expert_ratings: the round was "
        "rated by a consensus alone (no interval, never 0–0); too_few: a pair the figure "
        "depends on had fewer than two experts.",
    )
    low = serializers.FloatField(allow_null=True, help_text="Percent, two places.")
    high = serializers.FloatField(allow_null=True, help_text="Percent, two places.")
    experts = serializers.IntegerField(help_text="The fewest experts behind a pair it uses.")
    exact = serializers.BooleanField(
        allow_null=True, help_text="Enumerated exactly (true) or sampled (false)."
    )
    text = serializers.CharField(help_text='As shown on the site: "45–60%"; empty if none.')
    note = serializers.CharField(help_text="Why there is no interval, in words; else empty.")


class AgreementSerializer(serializers.Serializer):
    """Krippendorff's alpha over the experts' own ratings, with plain counts."""

    status = serializers.CharField(
        help_text="computed, too_few, no_variation (every expert rated alike: alpha undefined) "
        "or no_expert_ratings."
    )
    alpha = serializers.FloatField(allow_null=True)
    units = serializers.IntegerField(help_text="Process ratings rated by two experts or more.")
    unanimous = serializers.IntegerField(help_text="Of those, rated alike by every expert.")
    experts = serializers.IntegerField()
    note = serializers.CharField(help_text="The same in words.")


class PairAgreementSerializer(AgreementSerializer):
    pair = serializers.CharField()
    name = serializers.CharField()


class DimensionAgreementSerializer(AgreementSerializer):
    dimension = serializers.CharField()
    name = serializers.CharField()


class ProcessAgreementSerializer(AgreementSerializer):
    process = serializers.CharField()
    name = serializers.CharField()


class RoundAgreementSerializer(serializers.Serializer):
    measurement = serializers.CharField(help_text="nominal (present/absent) or ordinal.")
    overall = AgreementSerializer()
    pairs = PairAgreementSerializer(many=True)
    dimensions = DimensionAgreementSerializer(many=True)
    processes = ProcessAgreementSerializer(many=True)


class UncertaintySerializer(serializers.Serializer):
    """Aggregates only: how each expert rated stays with the panel."""

    level = serializers.FloatField(help_text="The intervals' level (0.95).")
    expert_ratings = serializers.BooleanField(
        help_text="False for a round rated by a consensus alone."
    )
    note = serializers.CharField()
    agreement = RoundAgreementSerializer()


class PairIndexSerializer(serializers.Serializer):
    pair = serializers.CharField()
    name = serializers.CharField()
    principal = serializers.CharField()
    processes = serializers.IntegerField()
    included = serializers.IntegerField()
    index = serializers.FloatField(allow_null=True)
    ideal = serializers.FloatField(allow_null=True)
    interval = IntervalSerializer()


class DimensionTotalSerializer(serializers.Serializer):
    dimension = serializers.CharField()
    name = serializers.CharField()
    assessed = serializers.IntegerField()
    total = serializers.FloatField(allow_null=True)
    interval = IntervalSerializer(allow_null=True)


class PrincipalShareSerializer(serializers.Serializer):
    principal = serializers.CharField()
    name = serializers.CharField()
    processes = serializers.IntegerField()
    working = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)
    interval = IntervalSerializer()


class MismatchSerializer(serializers.Serializer):
    kind = serializers.CharField()
    key = serializers.ListField(child=serializers.CharField())
    label = serializers.CharField(help_text="The kind of figure, in words.")
    measures = serializers.CharField(help_text="What it measures, by name.")
    printed = serializers.FloatField()
    computed = serializers.FloatField(allow_null=True)
    source = serializers.CharField(allow_blank=True)


class UnmatchedPrintedSerializer(serializers.Serializer):
    kind = serializers.CharField()
    key = serializers.ListField(child=serializers.CharField())
    printed = serializers.FloatField()
    source = serializers.CharField(allow_blank=True)


class FindingSerializer(serializers.Serializer):
    """What a careful reviewer finds besides the printed figures (docs/method.md)."""

    kind = serializers.CharField(help_text="One of: " + ", ".join(review.FINDING_KINDS) + ".")
    label = serializers.CharField()
    key = serializers.ListField(child=serializers.CharField(), help_text="What it is about.")
    summary = serializers.CharField(help_text="The finding in words, with its figures.")
    evidence = serializers.ListField(
        child=serializers.CharField(), help_text="The words of the study that show it."
    )
    values = serializers.DictField(help_text="The figures the summary quotes.")


class FindingKindSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="One of: " + ", ".join(review.FINDING_KINDS) + ".")
    label = serializers.CharField()
    found = serializers.IntegerField()
    checked = serializers.CharField(help_text="What was checked to find them.")


class ScoredRoundNameSerializer(RoundNameSerializer):
    title = serializers.CharField(read_only=True)


class ScoresSerializer(serializers.Serializer):
    """selectors.round_report(round).as_dict(): the same JSON as `manage.py scores --json`."""

    round = ScoredRoundNameSerializer()
    methodology = MethodologyNameSerializer()
    processes = ProcessScoreSerializer(many=True)
    pairs = PairIndexSerializer(many=True)
    dimensions = DimensionTotalSerializer(many=True)
    principals = PrincipalShareSerializer(many=True)
    overall_index = serializers.FloatField(allow_null=True)
    overall_interval = IntervalSerializer()
    uncertainty = UncertaintySerializer()
    mismatches = MismatchSerializer(many=True)
    unmatched_printed = UnmatchedPrintedSerializer(many=True)
    findings = FindingSerializer(many=True)
    finding_kinds = FindingKindSerializer(many=True)


class DeltaSerializer(serializers.Serializer):
    a = serializers.FloatField(allow_null=True, help_text="Percent in round a.")
    b = serializers.FloatField(allow_null=True, help_text="Percent in round b.")
    delta = serializers.FloatField(allow_null=True, help_text="b − a, percentage points.")


class KeyedDeltaSerializer(DeltaSerializer):
    key = serializers.CharField()
    name = serializers.CharField()


class RatingChangeSerializer(serializers.Serializer):
    dimension = serializers.CharField()
    a = serializers.IntegerField(allow_null=True)
    b = serializers.IntegerField(allow_null=True)
    changed = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True)


class ProcessChangeSerializer(serializers.Serializer):
    process = serializers.CharField()
    pair = serializers.CharField()
    status = serializers.ChoiceField(choices=["same", "changed", "added", "dropped"])
    renamed = serializers.BooleanField()
    title_a = serializers.CharField(allow_null=True)
    title_b = serializers.CharField(allow_null=True)
    included_a = serializers.BooleanField()
    included_b = serializers.BooleanField()
    score = DeltaSerializer()
    ratings = RatingChangeSerializer(many=True)
    citations_added = serializers.ListField(child=serializers.CharField())
    citations_removed = serializers.ListField(child=serializers.CharField())


class ComparisonSerializer(serializers.Serializer):
    a = NamedSerializer()
    b = NamedSerializer()
    same_methodology = serializers.BooleanField()
    methodology_warning = serializers.CharField(allow_null=True)
    processes = ProcessChangeSerializer(many=True)
    pairs = KeyedDeltaSerializer(many=True)
    dimensions = KeyedDeltaSerializer(many=True)
    principals = KeyedDeltaSerializer(many=True)
    overall = DeltaSerializer()


class SeriesPointSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    version = serializers.IntegerField()
    methodology = serializers.CharField(help_text="code@version the index was computed with.")
    index = serializers.FloatField(allow_null=True)


class PairSeriesSerializer(serializers.Serializer):
    pair = serializers.CharField()
    name = serializers.CharField()
    principal = serializers.CharField()
    points = SeriesPointSerializer(many=True)


class SeriesSerializer(serializers.Serializer):
    rounds = NamedSerializer(many=True, help_text="The rounds in the series, oldest first.")
    pairs = PairSeriesSerializer(many=True)


# --- input ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundChoice:
    year: int
    version: int | None = None


@extend_schema_field({"type": "string", "pattern": ROUND_REF_PATTERN, "example": "2016"})
class RoundRefField(serializers.Field):
    """A round named as `2016` (its current published version) or `2016-v2` (one version)."""

    default_error_messages = {"invalid": "Name a round as YEAR or YEAR-vVERSION, e.g. 2016-v1."}

    def to_internal_value(self, data: Any) -> RoundChoice:
        match = ROUND_REF.match(str(data).strip())
        if not match:
            self.fail("invalid")
        version = match["version"]
        return RoundChoice(int(match["year"]), int(version) if version else None)

    def to_representation(self, value: RoundChoice) -> str:
        return str(value.year) if value.version is None else f"{value.year}-v{value.version}"


class ComparisonQuerySerializer(serializers.Serializer):
    a = RoundRefField(help_text="The first round: `2016`, or `2016-v1` for one version.")
    b = RoundRefField(help_text="The second round; deltas are b − a.")


class SeriesQuerySerializer(serializers.Serializer):
    pair = serializers.CharField(required=False, help_text="Only this pair (its code).")


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class _AssessmentField(serializers.PrimaryKeyRelatedField):
    """An assessment the requesting user may see; others read as 'does not exist'."""

    default_error_messages = {
        "does_not_exist": _("No process assessment with this id that you may see."),
    }

    def get_queryset(self) -> Any:
        return self.context["view"].visible_assessments()

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not str(data).isdigit() or not 0 < int(data) <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(int(data))


class ReasonField(serializers.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "Why: recorded in the history with the change.")
        super().__init__(**kwargs)


class RatingChangeInput(serializers.Serializer):
    value = serializers.IntegerField(min_value=0, max_value=32767)
    justification = serializers.CharField(
        required=False, allow_blank=True, help_text="In the request's language."
    )
    reason = ReasonField()


class NewRatingInput(RatingChangeInput):
    assessment = _AssessmentField(help_text="The process assessment's id.")
    dimension = serializers.SlugField(help_text="The dimension's code.")


class AssessmentChangeInput(serializers.Serializer):
    verdict = serializers.ChoiceField(
        choices=models.ProcessAssessment.Verdict.choices, required=False, allow_blank=True
    )
    title = serializers.CharField(required=False, max_length=500)
    verdict_text = serializers.CharField(required=False, allow_blank=True)
    justification = serializers.CharField(required=False, allow_blank=True)
    reason = ReasonField()


class CitationChangeInput(serializers.Serializer):
    act = serializers.SlugField(help_text="The legal act's code.")
    edition = serializers.CharField(
        required=False, allow_null=True, max_length=30, help_text="The edition's code, if one."
    )
    article = serializers.CharField(required=False, allow_blank=True, max_length=50)
    part = serializers.CharField(required=False, allow_blank=True, max_length=100)
    dimension = serializers.SlugField(
        required=False, allow_null=True, help_text="The dimension it supports, if one."
    )
    note = serializers.CharField(
        required=False, allow_blank=True, help_text="What it provides, in the request's language."
    )
    needs_reverification = serializers.BooleanField(
        required=False, help_text="False records that it was checked again."
    )
    reason = ReasonField()


class NewCitationInput(CitationChangeInput):
    assessment = _AssessmentField(help_text="The process assessment's id.")


class NewThreadInput(serializers.Serializer):
    assessment = _AssessmentField(help_text="The process assessment's id.")
    dimension = serializers.SlugField(
        required=False, allow_null=True, help_text="The rating discussed, if one."
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    body = serializers.CharField()


class ReplyInput(serializers.Serializer):
    body = serializers.CharField()
    parent = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )


class ResolveInput(serializers.Serializer):
    resolved = serializers.BooleanField(default=True)


class PublishInput(serializers.Serializer):
    reason = ReasonField()
    override_open_threads = serializers.BooleanField(default=False)


class TransitionInput(serializers.Serializer):
    to = serializers.ChoiceField(
        choices=[Round.Status.DRAFT, Round.Status.OPEN, Round.Status.REVIEW]
    )
    reason = ReasonField()


class NextRoundInput(serializers.Serializer):
    year = serializers.IntegerField(min_value=1900, max_value=9999)
    reason = ReasonField()


class ReasonInput(serializers.Serializer):
    reason = ReasonField()


class LoginInput(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")
    expiry = serializers.DateTimeField(allow_null=True)
