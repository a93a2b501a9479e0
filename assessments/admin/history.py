"""A row's recorded versions said in words: field names as the form names them, values as
the scale names them, who by her name, when in local time.

History tables and change messages used to show `carried_over: True → False`, bare
numbers and codes; these helpers are what every history screen of the admin reads.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _

from .workspace.common import person, scale, value_label, when

LANGUAGE_NAMES = dict(settings.LANGUAGES)


def field_label(model: type[models.Model], name: str) -> str:
    """`justification_ru` → "justification (Russian)"; other fields by their verbose name."""
    base, _sep, lang = name.rpartition("_")
    if lang in LANGUAGE_NAMES and base:
        try:
            verbose = model._meta.get_field(base).verbose_name
        except FieldDoesNotExist:
            pass  # not a translated field after all
        else:
            return f"{verbose} ({LANGUAGE_NAMES[lang]})"
    return str(model._meta.get_field(name).verbose_name)


def value_words(
    model: type[models.Model], name: str, value: Any, levels: list[tuple[int, str]]
) -> str:
    """A stored value as a reader says it."""
    if value is None or value == "":
        return "—"
    if name == "value" and levels:
        return value_label(levels, value)
    if name == "carried_over":
        return _("carried over, not re-examined") if value else _("re-examined")
    field = model._meta.get_field(name)
    if isinstance(field, models.BooleanField):
        return _("yes") if value else _("no")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def versions(obj: models.Model, fields: list[str]) -> list[dict[str, Any]]:
    """Every recorded version of `obj`, newest first: who, when, why, and each change in
    words as (what, old, new)."""
    model = type(obj)
    levels: list[tuple[int, str]] = []
    assessment = getattr(obj, "assessment", None)
    if assessment is not None and "value" in fields:
        levels = scale(assessment.round.methodology)
    records = list(obj.history.select_related("history_user").order_by("history_date", "pk"))
    out, previous = [], None
    for record in records:
        changed = []
        if previous is not None:
            for name in fields:
                old, new = getattr(previous, name), getattr(record, name)
                if (old or "") != (new or "") or (isinstance(old, bool) and old != new):
                    changed.append(
                        (
                            field_label(model, name),
                            value_words(model, name, old, levels),
                            value_words(model, name, new, levels),
                        )
                    )
        out.append(
            {
                "record": record,
                "who": person(record.history_user) if record.history_user else "—",
                "when": when(record.history_date),
                "reason": record.history_change_reason or "—",
                "value": value_words(model, "value", getattr(record, "value", None), levels)
                if "value" in fields
                else "",
                "changed": changed,
            }
        )
        previous = record
    return list(reversed(out))


SKIPPED = {"id", "revision", "created_at", "updated_at", "published_at"}


def shown_fields(model: type[models.Model]) -> list[str]:
    """The fields a reader follows in a history: what forms edit, each translation apart,
    not the bookkeeping (revision, timestamps) nor modeltranslation's untranslated copy."""
    names = [f.name for f in model._meta.concrete_fields]
    translated = {
        base
        for name in names
        for base, _sep, lang in [name.rpartition("_")]
        if lang in LANGUAGE_NAMES and base in names
    }
    return [n for n in names if n not in SKIPPED and n not in translated]


class HistoryInWordsMixin:
    """The History page of a model as the rating's: who (by name), when (local time), why,
    and each change as "what: old → new" in words (labels, names, language names)."""

    object_history_template = "admin/assessments/object_history.html"
    history_fields: list[str] | None = None

    def history_view(self, request, object_id, extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_queryset(request).filter(pk=object_id).first()
        if obj is not None:
            fields = self.history_fields or shown_fields(type(obj))
            extra_context["changes"] = versions(obj, fields)
        return super().history_view(request, object_id, extra_context)
