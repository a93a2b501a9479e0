"""Panels of a round, their members and roles, and the discussion threads on an
assessment."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..freeze import FrozenWithItsRound
from ..querysets import (
    CommentQuerySet,
    PanelMembershipQuerySet,
    ThreadQuerySet,
)
from .methodology import Dimension
from .rounds import ProcessAssessment, Round
from .subjects import Pair


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
