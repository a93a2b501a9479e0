"""Ratings of a process on the method's dimensions: the panel's consensus, which is
scored, and each expert's own."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..freeze import FrozenWithItsRound
from ..querysets import (
    ExpertRatingQuerySet,
    RatingQuerySet,
)
from .methodology import Dimension
from .rounds import ProcessAssessment


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
