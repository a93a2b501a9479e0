"""Computed figures (documentation of the payloads built in views/figures.py)."""

from __future__ import annotations

from rest_framework import serializers

from assessments import review

from .names import (
    MethodologyNameSerializer,
    NamedSerializer,
    RoundNameSerializer,
)

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
