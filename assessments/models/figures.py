"""What a round publishes beside its ratings: the recommendations, the development
initiatives and the figures as the publication printed them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..freeze import FrozenWithItsRound
from .methodology import Dimension
from .rounds import Round
from .subjects import Pair, Process, Subject


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
