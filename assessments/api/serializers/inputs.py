"""Input: what a write takes; the services decide whether it is allowed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments import models
from assessments.models import Round

from .names import (
    LANGUAGE_CODES,
    MAX_ID,
    ROUND_REF,
    ROUND_REF_PATTERN,
    UTCDateTimeField,
)

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
        match = ROUND_REF.match(str(data))
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
