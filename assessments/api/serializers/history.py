"""History entries, and a round's texts."""

from __future__ import annotations

from rest_framework import serializers

from .inputs import (
    ReasonField,
    TextsField,
)
from .names import (
    LANGUAGE_CODES,
    PersonField,
    UTCDateTimeField,
)

# --- history and rounds' texts -------------------------------------------------------------


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField(
        help_text="The name the API gives the field elsewhere (`value`, `justification`)."
    )
    language = serializers.ChoiceField(
        choices=LANGUAGE_CODES,
        allow_null=True,
        help_text="For a text: the language of the one that changed; null for other fields.",
    )
    old = serializers.JSONField(allow_null=True, help_text="null when the row was created.")
    new = serializers.JSONField(
        allow_null=True,
        help_text=(
            "Named as elsewhere in the API: a code, a round `2016-v1`, a methodology "
            "`code@version`, a person {id, name}; timestamps in UTC."
        ),
    )


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
