"""How the API names things: rounds, methodologies, people, texts in three languages."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.conf import settings
from django.db import models as django_models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from modeltranslation.translator import NotRegistered, translator
from rest_framework import serializers

from assessments.models import Round

# A round in a query: `2016` (the current published version) or `2016-v2` (one version).
ROUND_REF_PATTERN = "^[0-9]{4}(-v[0-9]{1,4})?$"  # portable, for the schema
ROUND_REF = re.compile(r"^(?P<year>[0-9]{4})(?:-v(?P<version>[0-9]{1,4}))?\Z")  # \Z: no "\n"
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
        # What the answer's Content-Language names (api/views/base.py, ApiMixin.dispatch).
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
