"""A round (one year's assessment, in versions: errata supersede what they correct)
and its assessment of each process."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..freeze import FrozenWithItsRound
from ..querysets import (
    ProcessAssessmentQuerySet,
    RoundQuerySet,
)
from .methodology import Methodology
from .subjects import Process


class Round(FrozenWithItsRound, models.Model):
    """One assessment of the whole system: a year's round, in a published version."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open for rating")
        REVIEW = "review", _("in review")
        PUBLISHED = "published", _("published")
        SUPERSEDED = "superseded", _("published, superseded by errata")

    FROZEN_STATUSES = (Status.PUBLISHED, Status.SUPERSEDED)

    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(
        _("version"), default=1, help_text=_("Errata publish a new version of the same year.")
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    source = models.TextField(_("source"), blank=True)
    methodology = models.ForeignKey(
        Methodology,
        on_delete=models.PROTECT,
        related_name="rounds",
        verbose_name=_("methodology"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_rounds",
        verbose_name=_("started from"),
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="errata",
        verbose_name=_("corrects"),
        help_text=_("The published version these errata correct."),
    )
    changelog = models.TextField(_("changelog"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["-year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "version"],
                name="round_year_version",
                violation_error_message=_("This year already has a round of this version."),
            ),
        ]

    def __str__(self) -> str:
        suffix = f" v{self.version}" if self.version > 1 else ""
        return f"{self.year}{suffix}: {self.title}"

    @property
    def is_frozen(self) -> bool:
        return self.status in self.FROZEN_STATUSES


class ProcessAssessment(FrozenWithItsRound, models.Model):
    """A process as a round assessed it: its wording then, the verdict, the justification."""

    class Verdict(models.TextChoices):
        WORKS = "works", _("works")
        PARTIAL = "partial", _("not used in full")
        NOT_WORKING = "not_working", _("does not work")
        # "процесс жок деп таанылды": the process is found not to exist, which is not the
        # same as a process that exists and does not work.
        ABSENT = "absent", _("process absent")
        IMPOSSIBLE = "impossible", _("impossible: not included in the assessment")

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("round")
    )
    process = models.ForeignKey(
        Process, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("process")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title in this round"), max_length=500)
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices, blank=True)
    verdict_text = models.TextField(_("verdict as worded"), blank=True)
    justification = models.TextField(_("justification"), blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)

    objects = ProcessAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("process assessment")
        verbose_name_plural = _("process assessments")
        ordering = ["round", "process__pair__position", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "process"],
                name="assessment_round_process",
                violation_error_message=_("This process is already assessed in this round."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round.year}: {self.title}"
