"""The rating sheet's widgets, drawn in Python, give the markup Django's templates give.

Each case is drawn twice, by the sheet's widget and by Django's own, and must come out
the same, character for character: names, values and labels that need escaping, safe
text, attributes true, false and numeric, a radio button chosen and wrapped in its label,
options in groups and chosen; and the lists of errors, empty or not.
"""

from __future__ import annotations

import pytest
from django import forms
from django.forms.utils import ErrorList
from django.utils.safestring import mark_safe

from assessments.admin.workspace import forms as workspace_forms
from assessments.admin.workspace import widgets

TRICKY = 'He said "no" & <left>'
ATTRS = [
    {},
    {"id": "id_x", "rows": 3, "required": True, "disabled": False},
    {"aria-describedby": "id_x_helptext", "class": 'a "b"', "autocomplete": "off"},
]
VALUES = [None, "", 0, 7, "0", TRICKY, mark_safe("<b>safe</b>"), "кыргызча текст"]


@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize(
    ("ours", "django"),
    [
        (widgets.TextInput, forms.TextInput),
        (widgets.HiddenInput, forms.HiddenInput),
        (widgets.Textarea, forms.Textarea),
    ],
)
def test_inputs_and_text_areas_read_as_djangos(ours, django, value, attrs):
    name = "cell-3-4-justification_ky"
    assert ours(attrs=attrs).render(name, value) == django(attrs=attrs).render(name, value)


CHOICES = [("", "—"), ("0", "Жок"), ("1", TRICKY), (2, mark_safe("<i>safe</i>"))]
GROUPED = [("Laws", [("1", "Constitution"), ("2", TRICKY)]), ("", [("3", "Code")])]


@pytest.mark.parametrize("value", [None, "", "1", 2, ["1", "3"]])
@pytest.mark.parametrize("choices", [CHOICES, GROUPED])
@pytest.mark.parametrize("attrs", ATTRS)
def test_selects_read_as_djangos(value, choices, attrs):
    ours = widgets.Select(attrs=attrs, choices=choices).render("act", value)
    assert ours == forms.Select(attrs=attrs, choices=choices).render("act", value)


@pytest.mark.parametrize("value", [None, "0", "1"])
@pytest.mark.parametrize("attrs", ATTRS)
def test_radio_buttons_read_as_djangos_one_by_one(value, attrs):
    class Ours(forms.Form):
        value = forms.ChoiceField(choices=CHOICES, widget=widgets.RadioSelect(attrs=attrs))

    class Djangos(forms.Form):
        value = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect(attrs=attrs))

    ours, django = Ours(initial={"value": value}), Djangos(initial={"value": value})
    for mine, theirs in zip(ours["value"], django["value"], strict=True):
        assert mine.tag() == theirs.tag()
        assert str(mine) == str(theirs)  # wrapped in its label
    assert str(ours["value"]) == str(django["value"])


@pytest.mark.parametrize("errors", [[], ["Choose a rating on the scale."], [TRICKY, "two"]])
def test_error_lists_read_as_djangos(errors):
    ours, django = workspace_forms.ErrorList(errors), ErrorList(errors)
    assert str(ours) == str(django)
    assert ours.__html__() == django.__html__()
