"""Names as a published round printed them: captured with the round, read by its public reads.

Subjects, pairs, processes, legal acts and their editions are shared by every round and may
be corrected (a renamed ministry, a mistyped act). A published round must not move with
them: at publication (`services.publish_round`, errata included, and `loading` for the
study) every row of those five models is captured in all languages as a `NameAsPublished`
row of the round, frozen with it (freeze.py, and the database triggers of migration 0090).

A public read of a published round (the site, its charts, the API, `package.zip`,
`manage.py scores`) runs inside `as_published(round_)`: while it is active, every instance
of those models the ORM builds carries the captured texts (`post_init`), so templates,
serializers and CSV writers print the names as published without knowing it. Draft rounds,
the admin and anything outside the scope read the current names. A read about several
rounds (the series, a comparison, the home page) names things as the newest of them does.

A correction therefore reaches a published round only through errata: their publication
captures the names again, and `naming_changes` writes what changed into their changelog.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models.signals import post_init, pre_save
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from .freeze import FrozenWithItsRound
from .models.rounds import Round

# model name → its texts a published round prints (each in every language)
NAMED: dict[str, tuple[str, ...]] = {
    "subject": ("name", "description"),
    "pair": ("name",),
    "process": ("name", "description"),
    "legalact": ("title",),
    "legalactedition": ("title", "note"),
}
Snapshot = dict[tuple[str, int], dict[str, Any]]
# The one text that names a row, for the changelog of errata.
NAME_FIELD = {"subject": "name", "pair": "name", "process": "name"}
NAME_FIELD.update(legalact="title", legalactedition="title")


class NameAsPublished(FrozenWithItsRound, models.Model):
    """A subject's, pair's, process's, act's or edition's texts as a published round printed
    them, in every language: the round's pages read these, not the corrected row."""

    class Kind(models.TextChoices):
        SUBJECT = "subject", _("subject")
        PAIR = "pair", _("pair")
        PROCESS = "process", _("process")
        LEGAL_ACT = "legalact", _("legal act")
        EDITION = "legalactedition", _("edition")

    round = models.ForeignKey(
        Round,
        on_delete=models.CASCADE,
        related_name="names_as_published",
        verbose_name=_("round"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    object_id = models.PositiveIntegerField(_("row"))
    # {"name_ky": …, "name_ru": …, "name_en": …, "description_ky": …}: the row's columns.
    texts = models.JSONField(_("texts"))

    class Meta:
        verbose_name = _("name as published")
        verbose_name_plural = _("names as published")
        ordering = ["round", "kind", "object_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "kind", "object_id"], name="name_as_published_once"
            ),
        ]

    def __str__(self) -> str:
        return str(self.texts.get(f"{NAME_FIELD[self.kind]}_{settings.LANGUAGE_CODE}", ""))


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def columns(kind: str) -> list[str]:
    return [f"{field}_{lang}" for field in NAMED[kind] for lang in _languages()]


def current_texts() -> Snapshot:
    """(kind, pk) → the row's texts now: five queries."""
    texts = {}
    for kind in NAMED:
        model = apps.get_model("assessments", kind)
        cols = columns(kind)
        for pk, *values in model._base_manager.order_by("pk").values_list("pk", *cols):
            texts[kind, pk] = dict(zip(cols, values, strict=True))
    return texts


def capture(round_: Round, texts: Snapshot | None = None) -> int:
    """Keep every name as it reads now (or `texts`) with `round_`, about to be published; how
    many rows. Called before its status changes: the database refuses a published round's rows."""
    NameAsPublished.objects.filter(round=round_).delete()  # a round published again after work
    rows = [
        NameAsPublished(round=round_, kind=kind, object_id=pk, texts=row)
        for (kind, pk), row in (current_texts() if texts is None else texts).items()
    ]
    NameAsPublished.objects.bulk_create(rows)
    return len(rows)


def naming_changes(corrected: Round, now: Snapshot) -> list[str]:
    """Lines for the changelog of errata to `corrected`, in the active language: every name
    that reads otherwise than `corrected` printed it ("old" → "new")."""
    lang = _languages()
    before = {
        (kind, pk): texts
        for kind, pk, texts in NameAsPublished.objects.filter(round=corrected).values_list(
            "kind", "object_id", "texts"
        )
    }
    if not before:
        return []
    active = get_language() or lang[0]
    lines = []
    for key in sorted(before, key=lambda k: (list(NAMED).index(k[0]), k[1])):
        new = now.get(key)
        if new is None:
            continue
        if all(before[key].get(c) == new.get(c) for c in columns(key[0])):
            continue
        field = NAME_FIELD[key[0]]
        old_name = before[key].get(f"{field}_{active}") or before[key].get(f"{field}_{lang[0]}")
        new_name = new.get(f"{field}_{active}") or new.get(f"{field}_{lang[0]}")
        if old_name != new_name:
            lines.append(f"«{old_name}» → «{new_name}»")
        else:  # another language's name, or a description or note
            lines.append(gettext("«%(name)s»: other wording corrected") % {"name": new_name})
    return lines


# --- reading ------------------------------------------------------------------------------


class _Scope:
    """A read in progress: the round whose names it prints (None: current names), and whether
    that round is known yet (a public page's is, once its address is resolved). The capture
    is read when a row first needs it: a page that prints no name reads nothing more."""

    def __init__(self, round_: Round | None, fixed: bool) -> None:
        self.round = round_
        self.fixed = fixed
        self._names: Snapshot | None = None
        self._read = False

    @property
    def names(self) -> Snapshot | None:
        if not self._read:
            self._names = snapshot(self.round) if self.round is not None else None
            self._read = True
        return self._names


_active: contextvars.ContextVar[_Scope | None] = contextvars.ContextVar(
    "names_as_published", default=None
)
# A published round's capture never changes: each process keeps the last few it read.
_cache: OrderedDict[tuple, Snapshot | None] = OrderedDict()
_cache_lock = threading.Lock()
CACHED_ROUNDS = 16


def snapshot(round_: Round) -> Snapshot | None:
    """The names `round_` was published with, or None (not published, or nothing captured)."""
    if round_.status not in Round.FROZEN_STATUSES:
        return None
    # updated_at too: a test database may give the same pk to another round.
    key = (round_.pk, round_.published_at, round_.updated_at)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    rows = NameAsPublished.objects.filter(round_id=round_.pk).values_list(
        "kind", "object_id", "texts"
    )
    found: Snapshot | None = {(kind, pk): texts for kind, pk, texts in rows} or None
    with _cache_lock:
        _cache[key] = found
        while len(_cache) > CACHED_ROUNDS:
            _cache.popitem(last=False)
    return found


def newest(rounds: Iterable[Round]) -> Round | None:
    """The round whose names a read about several rounds uses: the newest current version."""
    rounds = list(rounds)
    current = [r for r in rounds if r.status == Round.Status.PUBLISHED] or rounds
    return max(current, key=lambda r: (r.year, r.version), default=None)


@contextmanager
def _scope(scope: _Scope) -> Iterator[None]:
    token = _active.set(scope)
    try:
        yield
    finally:
        _active.reset(token)


def as_published(round_: Round | None) -> contextlib.AbstractContextManager[None]:
    """Inside, names of subjects, pairs, processes, acts and editions read as `round_` was
    published with them (current names for a round in work, or for None)."""
    return _scope(_Scope(round_, fixed=True))


def as_published_unless_named(round_: Round | None) -> contextlib.AbstractContextManager[None]:
    """`as_published(round_)`, unless the read already names its round (a page of 2016 that
    shows a series keeps 2016's names)."""
    scope = _active.get()
    if scope is not None and scope.fixed:
        return contextlib.nullcontext()
    return as_published(round_)


def public_read() -> contextlib.AbstractContextManager[None]:
    """A public read whose round is not known yet: `reading()` names it (the site's views)."""
    return _scope(_Scope(None, fixed=False))


def reading(round_: Round | None) -> None:
    """The round a public read is about, as soon as it is known: the first one named wins
    (a pair's page names its round, then lists every round for its series)."""
    scope = _active.get()
    if scope is not None and not scope.fixed and round_ is not None:
        scope.round, scope.fixed = round_, True


def reading_rounds(rounds: Iterable[Round]) -> None:
    """A public read about several rounds: named as the newest current version names them."""
    scope = _active.get()
    if scope is not None and not scope.fixed:
        reading(newest(rounds))


def active() -> bool:
    scope = _active.get()
    return scope is not None and scope.names is not None


def _overlay(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    scope = _active.get()
    if scope is None or scope.names is None:
        return
    texts = scope.names.get((sender._meta.model_name, instance.pk))
    if texts:
        instance.__dict__.update(texts)
        instance._names_as_published = True  # type: ignore[attr-defined]


def _refuse_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    # A row read with a published round's names must not write them back over a correction.
    if getattr(instance, "_names_as_published", False):
        raise RuntimeError(
            f"{sender._meta.label} {instance.pk} was read with the names a published round "
            "printed; read it again outside names.as_published() to change it."
        )


def connect() -> None:
    """Called from AppConfig.ready()."""
    for kind in NAMED:
        model = apps.get_model("assessments", kind)
        post_init.connect(_overlay, sender=model, dispatch_uid=f"names.overlay.{kind}")
        pre_save.connect(_refuse_save, sender=model, dispatch_uid=f"names.refuse.{kind}")


def names_of(queryset: models.QuerySet, field: str = "name") -> dict[str, str]:
    """code → `field` in the active language, of each row (as published inside a scope)."""
    return {row.code: getattr(row, field) for row in queryset}


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()
