"""Scrutiny from outside the panel before a round is published: peer review, and the
assessed body's right of reply.

- A **peer reviewer** is assigned to a pair of a round (ReviewAssignment). She reads the
  consensus, its justifications and evidence, and leaves comments per process
  (ReviewComment) that the pair's chair answers: accepted, changed, or replied to.
- The body a pair holds to account may answer the draft findings (issue 15): staff
  open a ReplyWindow for a pair, naming its representative and a deadline; she submits
  Replies, on the pair or on one of its processes, in her own words and language.

Every change goes through services/peer_review.py or services/replies.py; history is kept by
simple-history (registered in translation.py). Who sees what: permissions.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..freeze import FrozenWithItsRound


class ReviewAssignment(FrozenWithItsRound, models.Model):
    """A peer reviewer's assignment to one pair of one round: she sees that pair's draft."""

    round = models.ForeignKey(
        "assessments.Round",
        on_delete=models.CASCADE,
        related_name="review_assignments",
        verbose_name=_("round"),
    )
    pair = models.ForeignKey(
        "assessments.Pair",
        on_delete=models.PROTECT,
        related_name="review_assignments",
        verbose_name=_("pair"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="review_assignments",
        verbose_name=_("peer reviewer"),
    )
    created_at = models.DateTimeField(_("assigned"), auto_now_add=True)

    class Meta:
        verbose_name = _("peer review assignment")
        verbose_name_plural = _("peer review assignments")
        ordering = ["round", "pair__position", "reviewer__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "pair", "reviewer"],
                name="review_assignment_once",
                violation_error_message=_("This reviewer is already assigned to this pair."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.pair} ({self.round.year})"


class ReviewComment(FrozenWithItsRound, models.Model):
    """A peer reviewer's comment on a process; the chair must answer it before publication."""

    class Answer(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        CHANGED = "changed", _("changed in response")
        REPLIED = "replied", _("replied")

    assessment = models.ForeignKey(
        "assessments.ProcessAssessment",
        on_delete=models.CASCADE,
        related_name="review_comments",
        verbose_name=_("process assessment"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="review_comments",
        verbose_name=_("peer reviewer"),
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices, blank=True)
    answer_text = models.TextField(_("the chair's answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_answers",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)

    class Meta:
        verbose_name = _("peer review comment")
        verbose_name_plural = _("peer review comments")
        ordering = ["assessment", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.reviewer}: {self.body[:60]}"

    @property
    def answered(self) -> bool:
        return bool(self.answer)


class ReplyWindow(FrozenWithItsRound, models.Model):
    """The rated body's chance to answer a pair's draft findings, until a deadline.

    Staff open it naming the body's representative (the respondent), who sees that pair's
    draft and nothing else. Published with the round: the replies beside the findings,
    or, when none came, that the deadline passed without one.
    """

    round = models.ForeignKey(
        "assessments.Round",
        on_delete=models.CASCADE,
        related_name="reply_windows",
        verbose_name=_("round"),
    )
    pair = models.ForeignKey(
        "assessments.Pair",
        on_delete=models.PROTECT,
        related_name="reply_windows",
        verbose_name=_("pair"),
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reply_windows",
        verbose_name=_("the body's representative"),
    )
    deadline = models.DateTimeField(_("deadline"))
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    closed_at = models.DateTimeField(
        _("closed early"),
        null=True,
        blank=True,
        help_text=_("Set when staff close the window before its deadline."),
    )

    class Meta:
        verbose_name = _("reply window")
        verbose_name_plural = _("reply windows")
        ordering = ["round", "pair__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "pair"],
                name="reply_window_once_per_pair",
                violation_error_message=_("This pair already has a reply window in this round."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pair} ({self.round.year})"

    def is_open(self, now) -> bool:
        """Replies are taken until the deadline, unless staff closed the window earlier."""
        return self.closed_at is None and now <= self.deadline


class Reply(FrozenWithItsRound, models.Model):
    """The rated body's own words on a pair's findings, or on one of its processes."""

    window = models.ForeignKey(
        ReplyWindow, on_delete=models.CASCADE, related_name="replies", verbose_name=_("window")
    )
    assessment = models.ForeignKey(
        "assessments.ProcessAssessment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("on the process"),
        help_text=_("Empty: a reply to the pair's findings as a whole."),
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    body = models.TextField(_("reply"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="replies",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["window", "submitted_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]
