"""Evidence: the legal acts, their editions, and the citations of them an assessment
gives (which act, which edition, which article)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..freeze import FrozenWithItsRound
from ..querysets import (
    CitationQuerySet,
)
from .methodology import Dimension
from .rounds import ProcessAssessment


class LegalAct(models.Model):
    class Kind(models.TextChoices):
        CONSTITUTION = "constitution", _("constitution")
        CONSTITUTIONAL_LAW = "constitutional_law", _("constitutional law")
        LAW = "law", _("law")
        CODE = "code", _("code")
        DECREE = "decree", _("decree")
        RESOLUTION = "resolution", _("government resolution")
        ORDER = "order", _("order")
        DECISION = "decision", _("court decision")
        # Documents that are not statutes: a publication cites them as evidence too.
        PARLIAMENT_RESOLUTION = "parliament_resolution", _("resolution of the parliament")
        LOCAL_COUNCIL_RESOLUTION = "local_council_resolution", _("resolution of local councils")
        DRAFT = "draft", _("draft document, not adopted")

    code = models.SlugField(_("code"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=500)
    number = models.CharField(_("number"), max_length=50, blank=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    url = models.URLField(_("official text"), blank=True)
    recurring = models.BooleanField(
        _("a series"),
        default=False,
        help_text=_(
            "A kind of document issued again and again (the yearly budget law), cited as a "
            "whole rather than one act."
        ),
    )

    class Meta:
        verbose_name = _("legal act")
        verbose_name_plural = _("legal acts")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.title


class LegalActEdition(models.Model):
    """One edition of an act; citations say which edition they meant."""

    act = models.ForeignKey(
        LegalAct, on_delete=models.CASCADE, related_name="editions", verbose_name=_("legal act")
    )
    code = models.CharField(_("code"), max_length=30)
    title = models.CharField(_("title"), max_length=300, blank=True)
    valid_from = models.DateField(_("in force from"), null=True, blank=True)
    valid_until = models.DateField(_("in force until"), null=True, blank=True)
    url = models.URLField(_("official text"), blank=True)
    note = models.TextField(_("note"), blank=True)
    inferred = models.BooleanField(
        _("inferred"),
        default=False,
        help_text=_(
            "The publication does not name this edition: which edition it is, and its dates, "
            "are the project's inference."
        ),
    )
    articles = models.CharField(
        _("articles it has"),
        max_length=200,
        blank=True,
        help_text=_(
            "The article numbers this edition is known to have, as ranges (1-114). "
            "Empty: not known, and citations are not checked against it."
        ),
    )

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["act", "valid_from", "code"]
        constraints = [
            models.UniqueConstraint(fields=["act", "code"], name="edition_code_per_act"),
        ]

    def __str__(self) -> str:
        return f"{self.act} ({self.code})"

    @property
    def is_superseded(self) -> bool:
        return self.valid_until is not None


class Citation(FrozenWithItsRound, models.Model):
    """Evidence for a process's assessment in a round: which act, which edition, which article."""

    assessment = models.ForeignKey(
        ProcessAssessment,
        on_delete=models.CASCADE,
        related_name="citations",
        verbose_name=_("process assessment"),
    )
    act = models.ForeignKey(
        LegalAct, on_delete=models.PROTECT, related_name="citations", verbose_name=_("legal act")
    )
    edition = models.ForeignKey(
        LegalActEdition,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="citations",
        verbose_name=_("edition"),
    )
    article = models.CharField(_("article"), max_length=50, blank=True)
    part = models.CharField(_("part or item"), max_length=100, blank=True)
    dimension = models.ForeignKey(
        Dimension,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="citations",
        verbose_name=_("supports dimension"),
    )
    note = models.TextField(_("what it provides"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    needs_reverification = models.BooleanField(
        _("re-verify"),
        default=False,
        help_text=_("Carried over from an earlier round and not yet checked again."),
    )
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)

    objects = CitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        ordering = ["assessment", "position", "pk"]

    def __str__(self) -> str:
        where = f", {self.article}" if self.article else ""
        return f"{self.act}{where}"

    @property
    def edition_superseded(self) -> bool:
        """The cited edition was replaced before the round's year ended.

        The 2010 text of the Constitution, amended from January 2017, is superseded for a
        2017 round and not for the 2016 one.
        """
        if self.edition is None or self.edition.valid_until is None:
            return False
        return self.edition.valid_until < datetime.date(self.assessment.round.year, 12, 31)

    def clean(self) -> None:
        super().clean()
        if self.edition_id and self.act_id and self.edition.act_id != self.act_id:
            raise ValidationError({"edition": _("This edition belongs to another act.")})
