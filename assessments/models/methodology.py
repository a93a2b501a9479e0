"""A methodology: its dimensions and the scale each is rated on, versioned (a
published round's methodology never changes; versions.py makes the next one)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..freeze import FrozenWithItsRound


class Methodology(FrozenWithItsRound, models.Model):
    """A versioned assessment method: its dimensions and its rating scale."""

    code = models.SlugField(_("code"), max_length=50)
    version = models.CharField(_("version"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    # The scale's bounds; ScaleLevel gives each value its label. A rating is
    # scored as (value - scale_min) / (scale_max - scale_min).
    scale_min = models.SmallIntegerField(_("lowest rating"), default=0)
    scale_max = models.SmallIntegerField(_("highest rating"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("methodology")
        verbose_name_plural = _("methodologies")
        ordering = ["code", "version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="methodology_code_version"),
            models.CheckConstraint(
                condition=Q(scale_max__gt=models.F("scale_min")),
                name="methodology_scale_not_empty",
                violation_error_message=_("The highest rating must be above the lowest."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"

    @property
    def label(self) -> str:
        return f"{self.code}@{self.version}"


class Dimension(FrozenWithItsRound, models.Model):
    methodology = models.ForeignKey(
        Methodology,
        on_delete=models.CASCADE,
        related_name="dimensions",
        verbose_name=_("methodology"),
    )
    code = models.SlugField(_("code"), max_length=50)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    is_scored = models.BooleanField(_("counted in the score"), default=True)
    is_gating = models.BooleanField(
        _("gating condition"),
        default=False,
        help_text=_("A process rated absent here is excluded from the assessment."),
    )

    class Meta:
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        ordering = ["methodology", "position"]
        constraints = [
            models.UniqueConstraint(fields=["methodology", "code"], name="dimension_code"),
            models.UniqueConstraint(
                fields=["methodology"],
                condition=Q(is_gating=True),
                name="dimension_one_gating_per_methodology",
                violation_error_message=_("A methodology has at most one gating dimension."),
            ),
            models.CheckConstraint(
                condition=~Q(is_gating=True, is_scored=True),
                name="dimension_gating_not_scored",
                violation_error_message=_("The gating dimension is not counted in the score."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ScaleLevel(FrozenWithItsRound, models.Model):
    methodology = models.ForeignKey(
        Methodology,
        on_delete=models.CASCADE,
        related_name="scale_levels",
        verbose_name=_("methodology"),
    )
    value = models.SmallIntegerField(_("value"))
    label = models.CharField(_("label"), max_length=100)

    class Meta:
        verbose_name = _("scale level")
        verbose_name_plural = _("scale levels")
        ordering = ["methodology", "value"]
        constraints = [
            models.UniqueConstraint(fields=["methodology", "value"], name="scale_level_value"),
        ]

    def __str__(self) -> str:
        return f"{self.value}: {self.label}"
