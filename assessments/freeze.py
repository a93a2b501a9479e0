"""The model layer's guard of a published round: on every database, SQLite included.

The services refuse a write to a published round first (`RoundFrozen`, with the
reason); this module is the guard behind them for any other path through the ORM:
an admin form, a shell, a new code path. `Model.clean()` of every row that belongs to
a round reports the refusal as a form error (the admin shows it with the user's input
kept); `pre_save`, `pre_delete` and `m2m_changed` raise `RoundFrozen` for whatever is
left (a `save()`, a `delete()`, a queryset's `delete()`, a cascade).

A published round is also self-contained: the methodology it is scored by (its scale,
its dimensions and whether each is counted) is versioned, not edited. Once a published
round uses it, a change to it, its dimensions or its scale levels is refused
(`MethodologyInUse`), pointing to a new version (`versions.new_methodology_version`), so
no published figure moves. Names of subjects, pairs, processes, acts and editions stay
correctable for rounds in work and the admin; a published round prints them as it captured
them at publication (names.py, `NameAsPublished`, frozen here like its other rows), so a
correction reaches it only through errata.

What the ORM does not signal (`QuerySet.update()`, `bulk_create()`, raw SQL) is
refused by the PostgreSQL triggers (migrations 0003, 0041, 0060, 0072, 0090), which guard the
same tables: `ROUND_PATHS` is the one list of them, and `checks.py` fails when a
trigger is missing.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import m2m_changed, pre_delete, pre_save

from .domain_errors import DomainError, MethodologyInUse, RoundFrozen

FROZEN_STATUSES = ("published", "superseded")

# model label → path from one of its rows to its round
ROUND_PATHS: dict[str, str] = {
    "assessments.processassessment": "round",
    "assessments.recommendation": "round",
    "assessments.developmentinitiative": "round",
    "assessments.publishedfigure": "round",
    "assessments.panel": "round",
    "assessments.passage": "round",
    "assessments.printedname": "round",
    # The names of subjects, pairs, processes, acts and editions it was published with.
    "assessments.nameaspublished": "round",
    "assessments.rating": "assessment__round",
    "assessments.expertrating": "assessment__round",
    "assessments.citation": "assessment__round",
    "assessments.thread": "assessment__round",
    "assessments.justificationflag": "assessment__round",
    "assessments.comment": "thread__assessment__round",
    # Peer review and the right of reply (models/scrutiny.py): published as they stood.
    "assessments.reviewassignment": "round",
    "assessments.reviewcomment": "assessment__round",
    "assessments.replywindow": "round",
    "assessments.reply": "window__round",
}

# simple-history's records of a published round's rows: who changed what, when and why is
# not rewritten afterwards (PostgreSQL: migration 0060 also guards the round's own).
HISTORY_PATHS: dict[str, str] = {
    "assessments.historicalprocessassessment": "round",
    "assessments.historicalrating": "assessment__round",
    "assessments.historicalexpertrating": "assessment__round",
    "assessments.historicalcitation": "assessment__round",
}

# many-to-many fields whose links are part of a round's rows: model label → field
ROUND_M2M: dict[str, str] = {
    "assessments.recommendation": "subjects",
    "assessments.panel": "pairs",
}

# A methodology a published round is scored by is versioned, not edited: model label →
# path from a row to its methodology ("" for the methodology itself).
METHOD_PATHS: dict[str, str] = {
    "assessments.methodology": "",
    "assessments.dimension": "methodology",
    "assessments.scalelevel": "methodology",
}

# What a published round may still change on itself: becoming superseded by errata.
ROUND_MAY_CHANGE = {"status", "updated_at", "revision"}

_KEYS = ("status", "year", "version")


def _refusal(values: dict[str, Any] | None, prefix: str) -> RoundFrozen | None:
    if values is None or values[f"{prefix}status"] not in FROZEN_STATUSES:
        return None
    return RoundFrozen.of(year=values[f"{prefix}year"], version=values[f"{prefix}version"])


def _round_values(model: type[models.Model], pk: Any, path: str) -> dict[str, Any] | None:
    """The status, year and version of the round a row `pk` of `model` reaches by `path`."""
    if pk is None:
        return None
    prefix = f"{path}__" if path else ""
    return model._base_manager.filter(pk=pk).values(*(f"{prefix}{key}" for key in _KEYS)).first()


def _path_to_round(instance: models.Model) -> str | None:
    label = instance._meta.label_lower
    return ROUND_PATHS.get(label) or HISTORY_PATHS.get(label)


def refusal(instance: models.Model) -> DomainError | None:
    """Why `instance` may not be written as it is now, or None when it may.

    A row is refused when the round it is stored in, or the round it would move to,
    is published. One query for a new row, one for a stored row that stays in its round.
    """
    if instance._meta.label_lower == "assessments.round":
        return _round_refusal(instance)
    if instance._meta.label_lower in METHOD_PATHS:
        return methodology_refusal(instance)
    path = _path_to_round(instance)
    if path is None:
        return None
    first, _sep, rest = path.partition("__")
    field = instance._meta.get_field(first)
    new_fk = getattr(instance, field.attname)
    stored = None
    if instance.pk is not None and not instance._state.adding:
        stored = (
            type(instance)
            ._base_manager.filter(pk=instance.pk)
            .values(field.attname, *(f"{path}__{key}" for key in _KEYS))
            .first()
        )
        if stored is not None:
            refused = _refusal(stored, f"{path}__")
            if refused or stored[field.attname] == new_fk:
                return refused
    return _refusal(_round_values(field.related_model, new_fk, rest), f"{rest}__" if rest else "")


def _round_refusal(round_: models.Model) -> RoundFrozen | None:
    if round_.pk is None or round_._state.adding:
        return None
    stored = type(round_)._base_manager.filter(pk=round_.pk).first()
    if stored is None or stored.status not in FROZEN_STATUSES:
        return None
    changed = {
        field.name
        for field in round_._meta.concrete_fields
        if getattr(stored, field.attname) != getattr(round_, field.attname)
    }
    superseded = stored.status == "published" and round_.status == "superseded"
    if superseded and changed <= ROUND_MAY_CHANGE:
        return None  # errata supersede it
    return RoundFrozen.of(year=stored.year, version=stored.version)


def deletion_refusal(instance: models.Model) -> DomainError | None:
    """Why `instance` may not be deleted: its stored round is published."""
    if instance._meta.label_lower in METHOD_PATHS:
        return methodology_refusal(instance, deleting=True)
    if instance._meta.label_lower == "assessments.round":
        return _refusal(_round_values(type(instance), instance.pk, ""), "")
    path = _path_to_round(instance)
    if path is None:
        return None
    return _refusal(_round_values(type(instance), instance.pk, path), f"{path}__")


def _methodology_id(row: models.Model) -> Any:
    return row.pk if row._meta.label_lower == "assessments.methodology" else row.methodology_id


def methodology_refusal(instance: models.Model, *, deleting: bool = False) -> DomainError | None:
    """Why a methodology, one of its dimensions or scale levels may not be written or removed:
    a published round is scored by it. A save that changes nothing passes."""
    ids = set()
    if instance.pk is not None and not instance._state.adding:
        stored = type(instance)._base_manager.filter(pk=instance.pk).first()
        if stored is not None:
            same = all(
                getattr(stored, f.attname) == getattr(instance, f.attname)
                for f in instance._meta.concrete_fields
                if f.name != "created_at"
            )
            if same and not deleting:
                return None
            ids.add(_methodology_id(stored))
    if not deleting:
        ids.add(_methodology_id(instance))
    ids.discard(None)
    if not ids:
        return None
    used = (
        apps.get_model("assessments", "Round")
        ._base_manager.filter(methodology__in=ids, status__in=FROZEN_STATUSES)
        .order_by("year", "version")
        .values("year", "version", "methodology__code", "methodology__version")
        .first()
    )
    if used is None:
        return None
    return MethodologyInUse.of(
        methodology=f"{used['methodology__code']}@{used['methodology__version']}",
        year=used["year"],
        version=used["version"],
    )


def validate_writable(instance: models.Model) -> None:
    """For `Model.clean()`: the refusal as a form error (not tied to a field a form may lack)."""
    refused = refusal(instance)
    if refused is not None:
        raise ValidationError(refused.message, code=refused.code)


class FrozenWithItsRound:
    """Rows of a round, and of a methodology a published round is scored by: a form that
    would write into a published round shows why, and does not write (the signals below
    refuse any other save)."""

    def clean(self) -> None:
        super().clean()  # type: ignore[misc]
        validate_writable(self)  # type: ignore[arg-type]


def _refuse_save(sender, instance, raw=False, **kwargs) -> None:
    if raw:  # loaddata writes fixtures as they are
        return
    refused = refusal(instance)
    if refused is not None:
        raise refused


def _refuse_delete(sender, instance, **kwargs) -> None:
    refused = deletion_refusal(instance)
    if refused is not None:
        raise refused


def _refuse_link(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    if action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    if not reverse:
        owners = [instance]
    elif pk_set:
        owners = list(model._base_manager.filter(pk__in=pk_set))
    else:  # clearing from the other side: every row that links to it
        owners = list(model._base_manager.filter(**{ROUND_M2M[model._meta.label_lower]: instance}))
    for owner in owners:
        refused = deletion_refusal(owner)
        if refused is not None:
            raise refused


def connect() -> None:
    """Called from AppConfig.ready(): one receiver per guarded model."""
    labels = ["assessments.round", *ROUND_PATHS, *HISTORY_PATHS, *METHOD_PATHS]
    for label in labels:
        model = apps.get_model(label)
        uid = f"assessments.freeze.{label}"
        pre_save.connect(_refuse_save, sender=model, dispatch_uid=f"{uid}.save")
        pre_delete.connect(_refuse_delete, sender=model, dispatch_uid=f"{uid}.delete")
    for label, field in ROUND_M2M.items():
        through = apps.get_model(label)._meta.get_field(field).remote_field.through
        m2m_changed.connect(_refuse_link, sender=through, dispatch_uid=f"{label}.{field}")
