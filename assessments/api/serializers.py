"""Representations (read) and input validation (write); no domain work happens here.

Every representation of something that belongs to a round names the round and
the methodology it was assessed with: {"round": {"year", "version", "status"},
"methodology": {"code", "version"}}. Names and texts are in the request's
language (modeltranslation reads the active language's column, falling back
ky → ru → en). Write serializers only check the shape of the input; the
services decide whether the change is allowed and valid.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models as django_models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from modeltranslation.translator import NotRegistered, translator
from rest_framework import serializers

from assessments import models, review
from assessments.models import Round

# A round in a query: `2016` (the current published version) or `2016-v2` (one version).
ROUND_REF_PATTERN = "^[0-9]{4}(-v[0-9]{1,4})?$"  # portable, for the schema
ROUND_REF = re.compile(r"^(?P<year>[0-9]{4})(?:-v(?P<version>[0-9]{1,4}))?$")
# Largest primary key a lookup accepts: a bigger number cannot name a row, and some
# databases fail on it instead of finding nothing.
MAX_ID = 2**63 - 1
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


# --- names of a round and its methodology ------------------------------------------


def round_ref(round_: Any) -> str:
    """How the API names a round in paths, filters and bodies: `2016-v1`."""
    return f"{round_.year}-v{round_.version}"


class RoundNameSerializer(serializers.Serializer):
    ref = serializers.SerializerMethodField(
        help_text="How paths and filters name this round: `2016-v1`."
    )
    year = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    status = serializers.ChoiceField(choices=Round.Status.choices, read_only=True)

    def get_ref(self, round_: Any) -> str:
        return round_ref(round_)


class MethodologyNameSerializer(serializers.Serializer):
    ref = serializers.CharField(
        source="label", read_only=True, help_text="How paths name it: `idea-4d@2016`."
    )
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


# --- people ----------------------------------------------------------------------------------


def person_name(user: Any) -> str:
    """How answers name a person: her full name, never her username (half of a login)."""
    if user is None:
        return ""
    return user.get_full_name() or str(_("Panel member %(id)s") % {"id": user.pk})


@extend_schema_field(
    {
        "type": "object",
        "nullable": True,
        "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
        "required": ["id", "name"],
    }
)
class PersonField(serializers.Field):
    """A person as {"id", "name"}: the id filters by her (`?expert=12`)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, user: Any) -> dict[str, Any] | None:
        return {"id": user.pk, "name": person_name(user)}


# --- texts in three languages -------------------------------------------------------------


def translated_fields(model: type) -> frozenset[str]:
    """The model's fields with a column per language (django-modeltranslation)."""
    try:
        return frozenset(translator.get_options_for_model(model).fields)
    except NotRegistered:
        return frozenset()


def served_language(instance: Any, name: str) -> str | None:
    """The language of the text `instance.<name>` serves now: the active language's, or
    the first fallback that has one (the order modeltranslation falls back in)."""
    active = get_language()
    for language in dict.fromkeys([active, *settings.MODELTRANSLATION_FALLBACK_LANGUAGES]):
        if getattr(instance, f"{name}_{language}", None):
            return language
    return None


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "string", "enum": LANGUAGE_CODES},
        "description": (
            "The texts of this item that are not in the language asked for (none was "
            'written in it), with the language they are in: {"justification": "ky"}.'
        ),
    }
)
class TextLanguagesField(serializers.Field):
    def __init__(self, names: frozenset[str], **kwargs: Any) -> None:
        self.names = names
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance: Any) -> dict[str, str]:
        served = {name: served_language(instance, name) for name in self.names}
        # What the answer's Content-Language names (api/views.py, ApiMixin.dispatch).
        request = self.context.get("request")
        if request is not None:
            used = request._request.__dict__.setdefault("text_languages", set())
            used.update(language for language in served.values() if language)
        active = get_language()
        return {
            name: language
            for name, language in sorted(served.items())
            if language not in (None, active)
        }


class UTCDateTimeField(serializers.DateTimeField):
    """Every timestamp of the API in UTC, written with `Z` (not the server's +06:00)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("default_timezone", datetime.UTC)
        super().__init__(**kwargs)


class TextsSerializer(serializers.ModelSerializer):
    """The API's model serializer: timestamps in UTC; for a row whose texts come in
    ky/ru/en, `text_languages` says which are not in the language asked for, and the
    answer's Content-Language names every language served."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        django_models.DateTimeField: UTCDateTimeField,
    }

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        names = translated_fields(self.Meta.model) & {
            name
            for name, field in fields.items()
            if isinstance(field, serializers.CharField) and field.source in (None, name)
        }
        if names:
            fields["text_languages"] = TextLanguagesField(frozenset(names))
        return fields


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


class ReplyTextSerializer(serializers.Serializer):
    process = serializers.CharField(allow_null=True, help_text="Null: on the pair as a whole.")
    language = serializers.CharField(help_text="ky, ru or en: the language it was written in.")
    text = serializers.CharField(help_text="The body's own words, unedited.")
    submitted_at = serializers.DateTimeField()
    own_words = serializers.BooleanField(help_text="Always true: not the panel's words.")


class PairReplySerializer(serializers.Serializer):
    """The right of reply of a pair's rated body (published rounds only)."""

    pair = serializers.CharField()
    body = serializers.CharField(help_text="The body the pair holds to account, by name.")
    deadline = serializers.DateTimeField()
    status = serializers.CharField(help_text="replied, or missed (no reply by the deadline).")
    replies = ReplyTextSerializer(many=True)


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
    replies = PairReplySerializer(many=True)
    mismatches = MismatchSerializer(many=True)
    unmatched_printed = UnmatchedPrintedSerializer(many=True)
    findings = FindingSerializer(many=True)
    finding_kinds = FindingKindSerializer(many=True)


class DeltaSerializer(serializers.Serializer):
    a = serializers.FloatField(allow_null=True, help_text="Percent in round a.")
    b = serializers.FloatField(allow_null=True, help_text="Percent in round b.")
    delta = serializers.FloatField(allow_null=True, help_text="b − a, percentage points.")


class PairDeltaSerializer(DeltaSerializer):
    pair = serializers.CharField()
    name = serializers.CharField()


class DimensionDeltaSerializer(DeltaSerializer):
    dimension = serializers.CharField()
    name = serializers.CharField()


class PrincipalDeltaSerializer(DeltaSerializer):
    principal = serializers.CharField()
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
    pairs = PairDeltaSerializer(many=True)
    dimensions = DimensionDeltaSerializer(many=True)
    principals = PrincipalDeltaSerializer(many=True)
    overall = DeltaSerializer()


class SeriesPointSerializer(serializers.Serializer):
    round = serializers.CharField(help_text="The round, as paths and filters name it: `2016-v1`.")
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


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string"},
            {
                "type": "object",
                "properties": {code: {"type": "string"} for code in LANGUAGE_CODES},
                "additionalProperties": False,
                "minProperties": 1,
            },
        ]
    }
)
class TextsField(serializers.Field):
    """A text in the request's language, or {"ky": ..., "ru": ..., "en": ...}: the
    languages named are written, the others keep what they had."""

    default_error_messages = {
        "invalid": _("Send a text, or an object of texts by language (ky, ru, en)."),
        "language": _("%(codes)s: not a language of this service; use ky, ru or en."),
    }

    def to_internal_value(self, data: Any) -> str | dict[str, str]:
        if isinstance(data, str):
            return data.strip()
        if not isinstance(data, dict) or not data:
            self.fail("invalid")
        unknown = sorted(str(code) for code in data if code not in LANGUAGE_CODES)
        if unknown:
            self.fail("language", codes=", ".join(unknown))
        if not all(isinstance(text, str) for text in data.values()):
            self.fail("invalid")
        return {code: text.strip() for code, text in data.items()}

    def to_representation(self, value: Any) -> Any:
        return value


class RatingChangeInput(serializers.Serializer):
    value = serializers.IntegerField(min_value=0, max_value=32767)
    justification = TextsField(
        required=False,
        help_text="In the request's language, or {language: text} for several.",
    )
    reason = ReasonField()


class RatingPatchInput(RatingChangeInput):
    """PATCH: what is sent changes; the reason is required all the same."""

    value = serializers.IntegerField(min_value=0, max_value=32767, required=False)


class NewRatingInput(RatingChangeInput):
    assessment = _AssessmentField(help_text="The process assessment's id.")
    dimension = serializers.SlugField(help_text="The dimension's code.")


class AssessmentChangeInput(serializers.Serializer):
    verdict = serializers.ChoiceField(
        choices=models.ProcessAssessment.Verdict.choices, required=False, allow_blank=True
    )
    title = TextsField(required=False, help_text="In the request's language, or {language: text}.")
    verdict_text = TextsField(required=False, help_text="As `title`.")
    justification = TextsField(required=False, help_text="As `title`.")
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


class CitationPatchInput(CitationChangeInput):
    """PATCH: what is sent changes; the reason is required all the same."""

    act = serializers.SlugField(required=False, help_text="The legal act's code.")


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
    expiry = UTCDateTimeField(allow_null=True)


# --- history and rounds' texts -------------------------------------------------------------


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="As stored: texts per language (`justification_ky`).")
    old = serializers.JSONField(allow_null=True, help_text="null when the row was created.")
    new = serializers.JSONField(allow_null=True)


class HistoryEntrySerializer(serializers.Serializer):
    revision = serializers.IntegerField()
    at = UTCDateTimeField()
    kind = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    by = PersonField(
        allow_null=True, help_text="Who; shown to the panel and staff only (null for others)."
    )
    reason = serializers.CharField(allow_blank=True)
    changes = ChangeSerializer(many=True)


class RoundChangeInput(serializers.Serializer):
    title = TextsField(required=False, help_text="In the request's language, or {language: text}.")
    summary = TextsField(required=False, help_text="As `title`.")
    changelog = TextsField(
        required=False, help_text="What errata correct; publishing errata needs it. As `title`."
    )
    reason = ReasonField()
