"""A row's recorded changes as the API shows them: who, when, why, old and new values.

Read from django-simple-history's records, which every service writes with the
change's reason (docs/decisions.md, "Stack"). Values are as stored, per language
(`justification_ky`, ...); a reference to another row is its code (`dimension`:
`rules`). Who made a change is shown to those who see the panel's work
(assessments/permissions.py); others see when and why, not who.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import ForeignKey, Model

from .serializers import translated_fields

KINDS = {"+": "created", "~": "changed", "-": "deleted"}
# Bookkeeping, not content: the revision has its own key, the rest says nothing.
SKIPPED = {"id", "revision", "updated_at", "created_at"}


@dataclass(frozen=True)
class Change:
    field: str
    old: Any
    new: Any


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
    codes = _codes(fields, records)
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
                changes.append(Change(field.name, old, new))
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


def _value(record: Any, field: Any, codes: dict[str, dict[Any, Any]]) -> Any:
    if isinstance(field, ForeignKey):
        pk = getattr(record, field.attname)
        return codes.get(field.name, {}).get(pk, pk)
    return getattr(record, field.attname)


def _codes(fields: list[Any], records: list[Any]) -> dict[str, dict[Any, Any]]:
    """For each reference to a row with a code (dimension, act, edition): id → code."""
    codes: dict[str, dict[Any, Any]] = {}
    for field in fields:
        if not isinstance(field, ForeignKey):
            continue
        related = field.related_model
        if not any(f.name == "code" for f in related._meta.concrete_fields):
            continue
        ids = {getattr(r, field.attname) for r in records} - {None}
        codes[field.name] = dict(related.objects.filter(pk__in=ids).values_list("pk", "code"))
    return codes
