"""The accountability system: subjects (state bodies and the people), the ordered
principal → agent pairs between them, and each pair's accountability processes."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..querysets import (
    PairQuerySet,
)


class Subject(models.Model):
    class Role(models.TextChoices):
        PRINCIPAL = "principal", _("principal")
        AGENT = "agent", _("agent")
        BOTH = "both", _("principal and agent")
        OBSERVER = "observer", _("observer")

    class Kind(models.TextChoices):
        CITIZENS = "citizens", _("citizens")
        PARTY = "party", _("political parties")
        PARLIAMENT = "parliament", _("parliament")
        EXECUTIVE = "executive", _("executive and local bodies")
        CONTROL_BODY = "control_body", _("control and oversight body")
        MEDIA = "media", _("mass media")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class SubjectName(models.Model):
    """A name a subject carried for a time (the Government became the Cabinet of Ministers)."""

    subject = models.ForeignKey(
        Subject, on_delete=models.CASCADE, related_name="names", verbose_name=_("subject")
    )
    name = models.CharField(_("name"), max_length=300)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("former or later name")
        verbose_name_plural = _("names over time")
        ordering = ["subject", "valid_from"]

    def __str__(self) -> str:
        return self.name


class Pair(models.Model):
    """An ordered principal → agent relationship."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    principal = models.ForeignKey(
        Subject,
        on_delete=models.PROTECT,
        related_name="pairs_as_principal",
        verbose_name=_("principal"),
    )
    agent = models.ForeignKey(
        Subject,
        on_delete=models.PROTECT,
        related_name="pairs_as_agent",
        verbose_name=_("agent"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=300)

    objects = PairQuerySet.as_manager()

    class Meta:
        verbose_name = _("pair")
        verbose_name_plural = _("pairs")
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(principal=models.F("agent")),
                name="pair_principal_is_not_agent",
                violation_error_message=_("A pair's principal and agent must differ."),
            ),
            models.UniqueConstraint(
                fields=["principal", "agent"],
                name="pair_principal_agent",
                violation_error_message=_("This principal → agent pair exists already."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Process(models.Model):
    """An accountability mechanism inside one pair; its identity outlives its wording."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    pair = models.ForeignKey(
        Pair, on_delete=models.PROTECT, related_name="processes", verbose_name=_("pair")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=500)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("process")
        verbose_name_plural = _("processes")
        ordering = ["pair__position", "position", "code"]

    def __str__(self) -> str:
        return self.name
