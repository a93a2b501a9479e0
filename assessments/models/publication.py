"""What a round's publication printed beyond its ratings, and what a careful reading adds.

- `Passage`: text kept as printed that belongs to no process (a section's opening, a
  caveat, an open question, a model of accountability systems);
- `PrintedName`: a name as one place of the publication printed it (a section heading,
  the appendix, the running text), beside the name its table gives;
- `ProcessLink`: two processes that are the same mechanism, seen from two pairs;
- `JustificationFlag`: a place where a process's justification reads against one of its
  ratings: a question for the panel, not a verdict.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..freeze import FrozenWithItsRound
from .methodology import Dimension
from .rounds import ProcessAssessment, Round
from .subjects import Pair, Process, Subject


class Passage(FrozenWithItsRound, models.Model):
    class Kind(models.TextChoices):
        SECTION_TEXT = "section_text", _("text of a section")
        MODEL = "model", _("model of accountability systems")
        CAVEAT = "caveat", _("caveat")
        OPEN_QUESTION = "open_question", _("open question")

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="passages", verbose_name=_("round")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    section = models.CharField(_("section"), max_length=30)
    pair = models.ForeignKey(
        Pair,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="passages",
        verbose_name=_("pair"),
    )
    subject = models.ForeignKey(
        Subject,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="passages",
        verbose_name=_("subject it concerns"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("passage")
        verbose_name_plural = _("passages")
        ordering = ["round", "position"]

    def __str__(self) -> str:
        return f"{self.section}: {self.text[:60]}"


class PrintedName(FrozenWithItsRound, models.Model):
    """A process's or a subject's name as one place printed it: kept, never tidied."""

    class Place(models.TextChoices):
        HEADING = "heading", _("section heading")
        APPENDIX = "appendix", _("appendix table")
        TEXT = "text", _("running text")

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="printed_names", verbose_name=_("round")
    )
    assessment = models.ForeignKey(
        ProcessAssessment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="printed_names",
        verbose_name=_("process assessment"),
    )
    subject = models.ForeignKey(
        Subject,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="printed_names",
        verbose_name=_("subject"),
    )
    place = models.CharField(_("place"), max_length=20, choices=Place.choices)
    section = models.CharField(_("section"), max_length=30)
    # In the publication's language, exactly as printed: it is a quotation.
    text = models.CharField(_("as printed"), max_length=500)

    class Meta:
        verbose_name = _("name as printed")
        verbose_name_plural = _("names as printed")
        ordering = ["round", "section", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(assessment__isnull=False, subject__isnull=True)
                | Q(assessment__isnull=True, subject__isnull=False),
                name="printed_name_of_a_process_or_a_subject",
                violation_error_message=_("A printed name belongs to a process or a subject."),
            ),
        ]

    def __str__(self) -> str:
        return self.text


class ProcessLink(models.Model):
    """Two processes of different pairs that are one mechanism (the parliament's election)."""

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="links", verbose_name=_("process")
    )
    other = models.ForeignKey(
        Process,
        on_delete=models.CASCADE,
        related_name="links_from",
        verbose_name=_("the same mechanism in another pair"),
    )
    note = models.TextField(_("why they are one mechanism"), blank=True)

    class Meta:
        verbose_name = _("link between processes")
        verbose_name_plural = _("links between processes")
        ordering = ["process", "other"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(process=models.F("other")),
                name="process_link_joins_two_processes",
                violation_error_message=_("A process is not linked to itself."),
            ),
            models.UniqueConstraint(fields=["process", "other"], name="process_link_once"),
        ]

    def __str__(self) -> str:
        return f"{self.process} = {self.other}"


class JustificationFlag(FrozenWithItsRound, models.Model):
    """A justification that reads against its rating: a question for the panel."""

    assessment = models.ForeignKey(
        ProcessAssessment,
        on_delete=models.CASCADE,
        related_name="justification_flags",
        verbose_name=_("process assessment"),
    )
    dimension = models.ForeignKey(
        Dimension,
        on_delete=models.PROTECT,
        related_name="justification_flags",
        verbose_name=_("dimension"),
    )
    # The flag stands while the rating still has this value; a changed rating answers it.
    value = models.SmallIntegerField(_("rating the text reads against"))
    quote = models.TextField(_("what the justification says"))
    note = models.TextField(_("why it reads against the rating"), blank=True)

    class Meta:
        verbose_name = _("justification flag")
        verbose_name_plural = _("justification flags")
        ordering = ["assessment", "dimension__position"]

    def __str__(self) -> str:
        return f"{self.assessment} / {self.dimension.name}"
