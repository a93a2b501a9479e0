"""The admin's forms: every edit carries a reason and the revision it was based on."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Citation, ExpertRating, ProcessAssessment, Rating, Round
from .workspace.common import person, scale, value_label, when


class ReasonMixin(forms.Form):
    reason = forms.CharField(
        label=_("Reason for this change"),
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_("Kept in the history with who changed what, and when."),
    )
    expected_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk:
            self.fields["expected_revision"].initial = instance.revision

    def clean(self):
        cleaned = super().clean()
        instance = getattr(self, "instance", None)
        expected = cleaned.get("expected_revision")
        if instance is not None and instance.pk and expected is not None:
            # Early, friendly check that keeps the user's input on the page; the
            # service repeats it under a row lock, which is what guarantees it.
            current = type(instance)._default_manager.filter(pk=instance.pk).first()
            if current is not None and current.revision != expected:
                raise forms.ValidationError(stale_message(current, expected))
        return cleaned


def stale_message(current, expected: int) -> str:
    """Whose change came first, when (local time), why, and what the row says now."""
    record = current.history.order_by("-history_date").select_related("history_user").first()
    params = {
        "who": person(record.history_user) if record and record.history_user else _("someone"),
        "when": when(record.history_date) if record else "",
        "reason": (record.history_change_reason if record else "") or "—",
    }
    if getattr(current, "value", None) is not None and hasattr(current, "assessment"):
        levels = scale(current.assessment.round.methodology)
        return str(
            _(
                "Someone else saved this after you opened it: %(who)s at %(when)s, "
                "saying: “%(reason)s”. It now reads: %(value)s — “%(text)s”. Nothing was "
                "saved, and what you typed is still here: copy what you need, reload the "
                "page to see their change, then edit again."
            )
            % {
                **params,
                "value": value_label(levels, current.value),
                "text": current.justification or "—",
            }
        )
    return str(
        _(
            "Someone else saved this after you opened it: %(who)s at %(when)s, saying: "
            "“%(reason)s”. Nothing was saved, and what you typed is still here: copy what "
            "you need, reload the page to see their change, then edit again."
        )
        % params
    )


class RevisionInlineForm(forms.ModelForm):
    """Inline rows carry their own revision; the reason comes from the page's form."""

    expected_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_revision"].initial = self.instance.revision

    def clean(self):
        cleaned = super().clean()
        expected = cleaned.get("expected_revision")
        if self.instance.pk and expected is not None and self.has_changed():
            current = type(self.instance)._default_manager.filter(pk=self.instance.pk).first()
            if current is not None and current.revision != expected:
                raise forms.ValidationError(stale_message(current, expected))
        return cleaned


class LifecycleForm(forms.Form):
    ACTIONS = [
        ("open", _("Open for rating")),
        ("review", _("Move to review")),
        ("back_to_open", _("Back to rating")),
        ("back_to_draft", _("Back to draft")),
        ("publish", _("Publish")),
        ("errata", _("Start errata (a corrected version)")),
        ("next", _("Start the next round from this one")),
    ]
    action = forms.ChoiceField(choices=ACTIONS, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    override_open_threads = forms.BooleanField(
        label=_("Publish although discussion threads are open"), required=False
    )
    year = forms.IntegerField(label=_("Year of the next round"), required=False, min_value=1990)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "next" and not cleaned.get("year"):
            self.add_error("year", _("Which year does the next round assess?"))
        return cleaned


TRANSITION_TARGETS = {
    "open": Round.Status.OPEN,
    "review": Round.Status.REVIEW,
    "back_to_open": Round.Status.OPEN,
    "back_to_draft": Round.Status.DRAFT,
}


class ThreadAddForm(forms.ModelForm):
    body = forms.CharField(label=_("First comment"), widget=forms.Textarea(attrs={"rows": 4}))

    class Meta:
        fields = ["assessment", "dimension", "title"]


class AssessmentForm(ReasonMixin, forms.ModelForm):
    class Meta:
        model = ProcessAssessment
        fields = "__all__"
        # The list of assessments shows the verdict beside the score: say how they relate.
        help_texts = {
            "verdict": _(
                "The panel's judgement, in words, of how the process works in practice. The "
                "score is computed from the ratings; the two can differ: rules may exist (a "
                "score above 0%) and not be applied (does not work)."
            )
        }


class RatingInlineForm(RevisionInlineForm):
    class Meta:
        model = Rating
        fields = "__all__"


class CitationInlineForm(RevisionInlineForm):
    class Meta:
        model = Citation
        fields = "__all__"


class RatingForm(ReasonMixin, forms.ModelForm):
    class Meta:
        model = Rating
        fields = "__all__"


class ExpertRatingForm(ReasonMixin, forms.ModelForm):
    class Meta:
        model = ExpertRating
        fields = ["assessment", "dimension", "value", "justification"]


class CitationForm(ReasonMixin, forms.ModelForm):
    class Meta:
        model = Citation
        fields = "__all__"


class RestoreForm(forms.Form):
    reason = forms.CharField(label=_("Why restore it?"), widget=forms.Textarea(attrs={"rows": 2}))
