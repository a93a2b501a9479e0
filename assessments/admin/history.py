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
