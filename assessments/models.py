"""The accountability system and its assessment, round after round.

History (who, when, what, why) of ProcessAssessment, Rating and Citation is
registered in translation.py, after their Kyrgyz/Russian/English columns exist.

Identity is stable, wording is not: a Subject or Process keeps its `code` across
rounds while its name changes (renamed institutions, reworded processes). What a
round printed lives on that round's rows (ProcessAssessment.title).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .freeze import FrozenWithItsRound
from .querysets import (
    CitationQuerySet,
    CommentQuerySet,
    ExpertRatingQuerySet,
    PairQuerySet,
    PanelMembershipQuerySet,
    ProcessAssessmentQuerySet,
    RatingQuerySet,
    RoundQuerySet,
    ThreadQuerySet,
)


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


class Rating(FrozenWithItsRound, models.Model):
    """The panel's rating of one process on one dimension in one round (the scored one)."""

    assessment = models.ForeignKey(
        ProcessAssessment,
        on_delete=models.CASCADE,
        related_name="ratings",
        verbose_name=_("process assessment"),
    )
    dimension = models.ForeignKey(
        Dimension, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("dimension")
    )
    value = models.SmallIntegerField(_("rating"))
    justification = models.TextField(_("justification"), blank=True)
    carried_over = models.BooleanField(
        _("carried over, not re-examined"),
        default=False,
        help_text=_("Proposed from the previous round; the panel has not confirmed it yet."),
    )
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)

    objects = RatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["assessment", "dimension__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "dimension"],
                name="rating_once_per_dimension",
                violation_error_message=_(
                    "This process is already rated on this dimension in this round."
                ),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="rating_value_not_negative",
                violation_error_message=_("A rating cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} / {self.dimension.name} = {self.value}"

    def clean(self) -> None:
        validate_rating(self)
        super().clean()


def validate_rating(rating: Rating | ExpertRating) -> None:
    """A rating lies on its round's scale, on a dimension of its round's methodology.

    A CHECK constraint cannot read the methodology's bounds; the write services
    call full_clean(), so every write path meets this rule.
    """
    if rating.assessment_id is None or rating.dimension_id is None or rating.value is None:
        return  # a form reports the missing or refused field itself; nothing to compare with
    methodology = rating.assessment.round.methodology
    if not methodology.scale_min <= rating.value <= methodology.scale_max:
        raise ValidationError(
            {
                "value": _(
                    "%(value)s is outside the scale (%(low)s to %(high)s) of the round's "
                    "methodology."
                )
                % {
                    "value": rating.value,
                    "low": methodology.scale_min,
                    "high": methodology.scale_max,
                }
            }
        )
    if rating.dimension.methodology_id != methodology.pk:
        raise ValidationError(
            {"dimension": _("This dimension belongs to another methodology than the round's.")}
        )


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


class Recommendation(FrozenWithItsRound, models.Model):
    class Kind(models.TextChoices):
        RECOMMENDATION = "recommendation", _("recommendation")
        INTERNATIONAL_EXPERIENCE = "international_experience", _("international experience")

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="recommendations", verbose_name=_("round")
    )
    # A recommendation of a pair's section names its pair; one of the conclusion is about
    # the system, or about observers (the Accounts Chamber, the prosecutors, the media).
    pair = models.ForeignKey(
        Pair,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations",
        verbose_name=_("pair"),
    )
    process = models.ForeignKey(
        Process,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations",
        verbose_name=_("process"),
    )
    subjects = models.ManyToManyField(
        Subject,
        blank=True,
        related_name="recommendations",
        verbose_name=_("observers it concerns"),
    )
    section = models.CharField(_("section"), max_length=30, blank=True)
    kind = models.CharField(
        _("kind"), max_length=30, choices=Kind.choices, default=Kind.RECOMMENDATION
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["round", "pair__position", "kind", "position"]

    def __str__(self) -> str:
        return self.text[:80]


class DevelopmentInitiative(FrozenWithItsRound, models.Model):
    """Whether initiatives exist to develop a process, and what support it needs."""

    class Status(models.TextChoices):
        NONE = "none", _("no initiatives")
        # "No initiatives, but a draft contains proposals": the study words two rows so.
        PROPOSALS = "proposals", _("no initiatives; proposals in a draft")
        SOME = "some", _("some initiatives")

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="initiatives", verbose_name=_("round")
    )
    process = models.ForeignKey(
        Process, on_delete=models.PROTECT, related_name="initiatives", verbose_name=_("process")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    title = models.CharField(_("process as worded"), max_length=500, blank=True)
    initiatives = models.TextField(_("initiatives"), blank=True)
    support = models.TextField(_("support needed"), blank=True)

    class Meta:
        verbose_name = _("development initiative")
        verbose_name_plural = _("development initiatives")
        ordering = ["round", "position"]
        constraints = [
            models.UniqueConstraint(fields=["round", "process"], name="initiative_round_process"),
        ]

    def __str__(self) -> str:
        return f"{self.round.year}: {self.process.name}"


class PublishedFigure(FrozenWithItsRound, models.Model):
    """A figure as the round's publication printed it, kept beside what we compute."""

    class Kind(models.TextChoices):
        PAIR_INDEX = "pair_index", _("pair index")
        DIMENSION_TOTAL = "dimension_total", _("dimension total")
        DIMENSION_ABSENT = "dimension_absent", _("dimension total, share rated absent")
        PRINCIPAL_SHARE = "principal_share", _("share of working processes by principal")
        PAIR_REAL = "pair_real", _("real level of a pair (vs ideal)")
        OVERALL_INDEX = "overall_index", _("overall index")
        PRINTED_RATING = "printed_rating", _("rating as printed in a summary table")

    class Claim(models.TextChoices):
        WORKING_SHARE = "working_share", _("the share of the pair's processes that work")
        PRINCIPAL_INDEX = "principal_index", _("the index of the principal's processes")

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="published_figures", verbose_name=_("round")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    pair = models.ForeignKey(
        Pair, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("pair")
    )
    process = models.ForeignKey(
        Process, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("process")
    )
    dimension = models.ForeignKey(
        Dimension, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("dimension")
    )
    principal = models.ForeignKey(
        Subject, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("principal")
    )
    value = models.DecimalField(
        _("printed value"),
        max_digits=7,
        decimal_places=2,
        help_text=_("Percent for indices and shares; the scale value for printed ratings."),
    )
    source = models.CharField(_("where printed"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    claim = models.CharField(
        _("what its wording says it is"),
        max_length=30,
        choices=Claim.choices,
        blank=True,
        help_text=_(
            "Set when the words printed around the figure say it measures something other "
            "than its kind: the report then checks the figure against that too."
        ),
    )

    class Meta:
        verbose_name = _("published figure")
        verbose_name_plural = _("published figures")
        ordering = ["round", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind__in=["pair_index", "pair_real"], pair__isnull=False)
                    | Q(kind__in=["dimension_total", "dimension_absent"], dimension__isnull=False)
                    | Q(kind="principal_share", principal__isnull=False)
                    | Q(kind="overall_index")
                    | Q(kind="printed_rating", process__isnull=False, dimension__isnull=False)
                ),
                name="figure_names_what_it_measures",
                violation_error_message=_("A published figure must name what it measures."),
            ),
            models.UniqueConstraint(
                fields=["round", "kind", "pair"],
                condition=Q(kind__in=["pair_index", "pair_real"]),
                name="figure_one_per_pair",
            ),
            models.UniqueConstraint(
                fields=["round", "dimension"],
                condition=Q(kind="dimension_total"),
                name="figure_one_per_dimension",
            ),
            models.UniqueConstraint(
                fields=["round", "dimension"],
                condition=Q(kind="dimension_absent"),
                name="figure_one_absent_share_per_dimension",
            ),
            models.UniqueConstraint(
                fields=["round", "principal"],
                condition=Q(kind="principal_share"),
                name="figure_one_per_principal",
            ),
            models.CheckConstraint(
                condition=(
                    Q(claim="")
                    | Q(claim="working_share", pair__isnull=False)
                    | Q(claim="principal_index", principal__isnull=False)
                ),
                name="figure_claim_names_what_it_claims",
                violation_error_message=_(
                    "A figure said to be a pair's share of working processes names the pair; "
                    "one said to be a principal's index names the principal."
                ),
            ),
            models.UniqueConstraint(
                fields=["round"], condition=Q(kind="overall_index"), name="figure_one_overall"
            ),
            models.UniqueConstraint(
                fields=["round", "process", "dimension"],
                condition=Q(kind="printed_rating"),
                name="figure_one_printed_rating",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class ExpertRating(FrozenWithItsRound, models.Model):
    """One expert's own rating; the panel's consensus (Rating) is set by its chair."""

    assessment = models.ForeignKey(
        ProcessAssessment,
        on_delete=models.CASCADE,
        related_name="expert_ratings",
        verbose_name=_("process assessment"),
    )
    dimension = models.ForeignKey(
        Dimension,
        on_delete=models.PROTECT,
        related_name="expert_ratings",
        verbose_name=_("dimension"),
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="expert_ratings",
        verbose_name=_("expert"),
    )
    value = models.SmallIntegerField(_("rating"))
    justification = models.TextField(_("justification"), blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ExpertRatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("expert rating")
        verbose_name_plural = _("expert ratings")
        ordering = ["assessment", "dimension__position", "expert__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "dimension", "expert"],
                name="expert_rating_once",
                violation_error_message=_("This expert has already rated this dimension."),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="expert_rating_value_not_negative",
                violation_error_message=_("A rating cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expert} / {self.assessment} / {self.dimension.name} = {self.value}"

    def clean(self) -> None:
        validate_rating(self)
        super().clean()


class Panel(FrozenWithItsRound, models.Model):
    """An expert panel assigned to a round, optionally to some of its pairs only."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="panels", verbose_name=_("round")
    )
    name = models.CharField(_("name"), max_length=200)
    pairs = models.ManyToManyField(
        Pair,
        blank=True,
        related_name="panels",
        verbose_name=_("pairs"),
        help_text=_("Leave empty for every pair of the round."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="PanelMembership",
        related_name="panels",
        verbose_name=_("members"),
    )

    class Meta:
        verbose_name = _("panel")
        verbose_name_plural = _("panels")
        ordering = ["round", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.round.year})"


class PanelMembership(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("chair")
        EXPERT = "expert", _("expert")

    panel = models.ForeignKey(
        Panel, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("panel")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="panel_memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.EXPERT)

    objects = PanelMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("panel membership")
        verbose_name_plural = _("panel memberships")
        constraints = [
            models.UniqueConstraint(fields=["panel", "user"], name="membership_once_per_panel"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) in {self.panel}"


class Thread(FrozenWithItsRound, models.Model):
    """A discussion of a process's assessment in a round, or of one of its ratings."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        RESOLVED = "resolved", _("resolved")

    assessment = models.ForeignKey(
        ProcessAssessment,
        on_delete=models.CASCADE,
        related_name="threads",
        verbose_name=_("process assessment"),
    )
    dimension = models.ForeignKey(
        Dimension,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="threads",
        verbose_name=_("about the rating on"),
    )
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="threads_started",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="threads_resolved",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    objects = ThreadQuerySet.as_manager()

    class Meta:
        verbose_name = _("discussion thread")
        verbose_name_plural = _("discussion threads")
        ordering = ["assessment", "created_at"]

    def __str__(self) -> str:
        return self.title


class Comment(FrozenWithItsRound, models.Model):
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="comments", verbose_name=_("thread")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("in reply to"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="comments",
        verbose_name=_("author"),
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["thread", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:60]}"


# What a publication printed beyond its ratings, and what a careful reading adds to it.
# Names as a published round printed them (names.py): frozen with the round.
from .names import NameAsPublished  # noqa: E402
from .publication import JustificationFlag, Passage, PrintedName, ProcessLink  # noqa: E402

# Peer review and the right of reply: scrutiny from outside the panel before publication.
from .scrutiny import Reply, ReplyWindow, ReviewAssignment, ReviewComment  # noqa: E402

__all__ = [
    "Citation",
    "Comment",
    "DevelopmentInitiative",
    "Dimension",
    "ExpertRating",
    "JustificationFlag",
    "LegalAct",
    "LegalActEdition",
    "Methodology",
    "NameAsPublished",
    "Pair",
    "Panel",
    "PanelMembership",
    "Passage",
    "PrintedName",
    "Process",
    "ProcessAssessment",
    "ProcessLink",
    "PublishedFigure",
    "Rating",
    "Recommendation",
    "Reply",
    "ReplyWindow",
    "ReviewAssignment",
    "ReviewComment",
    "Round",
    "ScaleLevel",
    "Subject",
    "SubjectName",
    "Thread",
    "validate_rating",
]
