"""The rating sheet's forms: one cell (an expert's rating of one process on one dimension)
and one citation. They check input; the services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ...models import Dimension, LegalAct, LegalActEdition
from ...review import article_numbers

LANGUAGE_NAMES = dict(settings.LANGUAGES)


def _short_language(code: str | None) -> str:
    code = (code or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in LANGUAGE_NAMES else settings.LANGUAGE_CODE


class CellForm(forms.Form):
    """One cell of the sheet. The justification is asked in the user's language; the
    others are optional (and folded away on the page)."""

    value = forms.TypedChoiceField(
        label=_("Your rating"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a rating on the scale."),
            "invalid_choice": _("%(value)s is not on this methodology's scale."),
        },
    )
    reason = forms.CharField(
        label=_("Why you change your rating"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Kept in the history with the change."),
    )
    expected_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        levels: list[tuple[int, str]],
        existing: bool,
        prefix: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, prefix=prefix, **kwargs)
        self.existing = existing
        self.language = _short_language(get_language())
        self.fields["value"].choices = [(str(v), label) for v, label in levels]
        for lang in [self.language, *(c for c in LANGUAGE_NAMES if c != self.language)]:
            self.fields[f"justification_{lang}"] = forms.CharField(
                label=(
                    _("Justification")
                    if lang == self.language
                    else _("Justification (%(language)s)") % {"language": LANGUAGE_NAMES[lang]}
                ),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3 if lang == self.language else 2}),
            )
        if not existing:
            del self.fields["reason"]

    @property
    def own_language_field(self):
        return self[f"justification_{self.language}"]

    @property
    def other_language_fields(self):
        return [self[f"justification_{c}"] for c in LANGUAGE_NAMES if c != self.language]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        texts = {c: (cleaned.get(f"justification_{c}") or "").strip() for c in LANGUAGE_NAMES}
        if not any(texts.values()):
            self.add_error(
                f"justification_{self.language}",
                _("Say why you rate it so: a justification is needed, in any language."),
            )
        if self.existing and not (cleaned.get("reason") or "").strip():
            self.add_error(
                "reason", _("Say why you change your rating; it is kept in the history.")
            )
        cleaned["justifications"] = texts
        return cleaned


class EvidenceForm(forms.Form):
    """A citation: act, then edition, then article (and part), with what it provides."""

    act = forms.ModelChoiceField(
        label=_("Legal act"),
        queryset=LegalAct.objects.none(),
        error_messages={"invalid_choice": _("There is no such legal act; pick one from the list.")},
    )
    edition = forms.ModelChoiceField(
        label=_("Edition"), queryset=LegalActEdition.objects.none(), required=False
    )
    article = forms.CharField(label=_("Article"), max_length=50, required=False)
    part = forms.CharField(label=_("Part or item"), max_length=100, required=False)
    dimension = forms.ModelChoiceField(
        label=_("For the dimension"),
        queryset=Dimension.objects.none(),
        required=False,
        empty_label=_("all dimensions"),
    )
    note = forms.CharField(
        label=_("What it provides"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, acts, editions, dimensions, prefix: str, **kwargs: Any):
        super().__init__(*args, prefix=prefix, **kwargs)
        self.fields["act"].queryset = acts
        self.fields["edition"].queryset = editions
        self.fields["dimension"].queryset = dimensions
        self.language = _short_language(get_language())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        act, edition = cleaned.get("act"), cleaned.get("edition")
        if act and edition and edition.act_id != act.pk:
            self.add_error("edition", _("This edition belongs to another act."))
        article = (cleaned.get("article") or "").strip()
        if edition and article and edition.articles:
            known = article_numbers(edition.articles)
            number = article.split(".")[0].strip()
            if known and number.isdigit() and int(number) not in known:
                self.add_error(
                    "article",
                    _("The edition %(edition)s has no article %(article)s (it has %(known)s).")
                    % {"edition": edition, "article": article, "known": edition.articles},
                )
        return cleaned
