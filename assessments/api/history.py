"""A row's recorded changes as the API shows them: who, when, why, old and new values.

Read from django-simple-history's records, which every service writes with the
change's reason (docs/decisions.md, "Stack"). Fields carry the names the rest of
the API gives them, never a stored column: a text is its name with its language
(`justification`, `ky`), a reference is what the API names it by elsewhere (a
dimension's code, a round's `2016-v1`, a methodology's `idea-4d@2016`, a person
as {id, name}), timestamps are UTC with `Z`. Who made a change is shown to those
who see the panel's work (assessments/permissions.py); others see when and why,
not who.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import DateTimeField, ForeignKey, Model

from assessments.models import Methodology, Round

from .serializers import PersonField, UTCDateTimeField, round_ref, translated_fields

KINDS = {"+": "created", "~": "changed", "-": "deleted"}
# Bookkeeping, not content: the revision has its own key, the rest says nothing.
SKIPPED = {"id", "revision", "updated_at", "created_at"}


@dataclass(frozen=True)
class Change:
    field: str
    old: Any
    new: Any
    language: str | None = None  # of a text: `justification` in `ky`


@dataclass(frozen=True)
class Entry:
    revision: int
    at: Any
    kind: str
    by: Any  # a user, or None (unknown, or not for the asker to see)
    reason: str
    changes: list[Change]


def history_of(row: Model, *, show_people: bool) -> list[Entry]:
    """The row's changes, oldest first."""
    model = type(row)
    records = list(
        row.history.order_by("history_date", "history_id").select_related("history_user")
    )
    fields = [
        f
        for f in model._meta.concrete_fields
        if f.name not in SKIPPED and f.name not in translated_fields(model)
    ]
    names = _api_names(model, fields)
    codes = _codes(fields, records, show_people=show_people)
    entries: list[Entry] = []
    previous = None
    for record in records:
        changes = []
        for field in fields:
            new = _value(record, field, codes)
            old = _value(previous, field, codes) if previous is not None else None
            if previous is None and new in (None, ""):
                continue
            if previous is None or old != new:
                name, language = names[field.name]
                changes.append(Change(name, old, new, language))
        entries.append(
            Entry(
                revision=getattr(record, "revision", 0),
                at=record.history_date,
                kind=KINDS.get(record.history_type, "changed"),
                by=record.history_user if show_people else None,
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
        previous = record
    return entries


def _api_names(model: type, fields: list[Any]) -> dict[str, tuple[str, str | None]]:
    """Each stored column's API name, and its language for a text (`title_ky`: title, ky)."""
    texts = translated_fields(model)
    languages = [code for code, _name in settings.LANGUAGES]
    names: dict[str, tuple[str, str | None]] = {}
    for field in fields:
        base, _sep, language = field.name.rpartition("_")
        if base in texts and language in languages:
            names[field.name] = (base, language)
        else:
            names[field.name] = (field.name, None)
    return names


def _value(record: Any, field: Any, codes: dict[str, dict[Any, Any]]) -> Any:
    if isinstance(field, ForeignKey):
        pk = getattr(record, field.attname)
        return codes.get(field.name, {}).get(pk, pk)
    value = getattr(record, field.attname)
    if isinstance(field, DateTimeField) and value is not None:
        return UTCDateTimeField().to_representation(value)
    return value


def _codes(fields: list[Any], records: list[Any], *, show_people: bool) -> dict[str, dict]:
    """For each reference, id → how the API names the row: a code, `2016-v1`,
    `idea-4d@2016`, or a person {id, name} (null for who may not see people)."""
    codes: dict[str, dict[Any, Any]] = {}
    for field in fields:
        if not isinstance(field, ForeignKey):
            continue
        related = field.related_model
        ids = {getattr(r, field.attname) for r in records} - {None}
        rows = related.objects.filter(pk__in=ids)
        if related is Round:
            codes[field.name] = {r.pk: round_ref(r) for r in rows.only("year", "version")}
        elif related is Methodology:
            codes[field.name] = {m.pk: m.label for m in rows.only("code", "version")}
        elif related is get_user_model():
            person = PersonField()
            codes[field.name] = {
                u.pk: person.to_representation(u) if show_people else None for u in rows
            }
        elif any(f.name == "code" for f in related._meta.concrete_fields):
            codes[field.name] = dict(rows.values_list("pk", "code"))
    return codes
