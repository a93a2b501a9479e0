"""The form renderer draws widgets in Python with the markup Django's templates give.

Each case is drawn twice, by accountability.form_renderer.FormRenderer and by Django's
own DjangoTemplates renderer, and must come out the same, character for character:
names, values and labels that need escaping, safe text, attributes true, false and
numeric, every input type, radio buttons and checkboxes chosen and wrapped in their
labels, options in groups, chosen, several chosen; the admin's own widgets; the lists of
errors, empty or not. tests/admin/test_form_renderer_pages.py does the same for whole
pages of the panel's screens.
"""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.forms.renderers import DjangoTemplates
from django.forms.utils import ErrorList
from django.utils.safestring import mark_safe

from accountability.form_renderer import FormRenderer

OURS, DJANGOS = FormRenderer(), DjangoTemplates()
TRICKY = 'He said "no" & <left>'
ATTRS = [
    {},
    {"id": "id_x", "rows": 3, "required": True, "disabled": False},
    {"aria-describedby": "id_x_helptext", "class": 'a "b"', "autocomplete": "off"},
]
VALUES = [None, "", 0, 7, "0", TRICKY, mark_safe("<b>safe</b>"), "кыргызча текст"]


def both(widget: forms.Widget, name: str, value) -> tuple[str, str]:
    return (
        widget.render(name, value, renderer=OURS),
        widget.render(name, value, renderer=DJANGOS),
    )


def test_the_project_draws_its_forms_with_it(settings):
    assert settings.FORM_RENDERER == "accountability.form_renderer.FormRenderer"
    assert type(forms.Form().renderer) is FormRenderer


@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize(
    "widget",
    [
        forms.TextInput,
        forms.HiddenInput,
        forms.NumberInput,
        forms.EmailInput,
        forms.URLInput,
        forms.PasswordInput,
        forms.Textarea,
        admin_widgets.AdminTextareaWidget,
        admin_widgets.AdminTextInputWidget,
        admin_widgets.AdminIntegerFieldWidget,
    ],
)
def test_inputs_and_text_areas_read_as_djangos(widget, value, attrs):
    ours, djangos = both(widget(attrs=attrs), "cell-3-4-justification_ky", value)
    assert ours == djangos


@pytest.mark.parametrize("value", [None, datetime.date(2016, 3, 1), "2016-03-01"])
def test_dates_and_checkboxes_read_as_djangos(value):
    for widget in (forms.DateInput(), admin_widgets.AdminDateWidget(), forms.CheckboxInput()):
        ours, djangos = both(widget, "published_at", value)
        assert ours == djangos


CHOICES = [("", "—"), ("0", "Жок"), ("1", TRICKY), (2, mark_safe("<i>safe</i>"))]
GROUPED = [("Laws", [("1", "Constitution"), ("2", TRICKY)]), ("", [("3", "Code")])]


@pytest.mark.parametrize("value", [None, "", "1", 2, ["1", "3"]])
@pytest.mark.parametrize("choices", [CHOICES, GROUPED])
@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("widget", [forms.Select, forms.SelectMultiple])
def test_selects_read_as_djangos(widget, value, choices, attrs):
    drawn = widget(attrs=attrs, choices=choices)
    ours, djangos = both(drawn, "act", value)
    assert ours == djangos


@pytest.mark.parametrize("value", [None, True, False, "unknown", "true"])
def test_yes_no_selects_read_as_djangos(value):
    ours, djangos = both(forms.NullBooleanSelect(), "needs_reverification", value)
    assert ours == djangos


@pytest.mark.parametrize("value", [None, "0", "1", ["0", "1"]])
@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize(
    ("field", "widget"),
    [
        (forms.ChoiceField, forms.RadioSelect),
        (forms.MultipleChoiceField, forms.CheckboxSelectMultiple),
    ],
)
def test_radio_buttons_and_checkboxes_read_as_djangos_one_by_one(field, widget, value, attrs):
    class Choosing(forms.Form):
        value = field(choices=CHOICES, widget=widget(attrs=attrs))

    ours = Choosing(initial={"value": value}, renderer=OURS)
    djangos = Choosing(initial={"value": value}, renderer=DJANGOS)
    for mine, theirs in zip(ours["value"], djangos["value"], strict=True):
        assert mine.tag() == theirs.tag()
        assert str(mine) == str(theirs)  # wrapped in its label
    assert str(ours["value"]) == str(djangos["value"])


@pytest.mark.parametrize("errors", [[], ["Choose a rating on the scale."], [TRICKY, "two"]])
def test_error_lists_read_as_djangos(errors):
    ours, djangos = ErrorList(errors, renderer=OURS), ErrorList(errors, renderer=DJANGOS)
    assert str(ours) == str(djangos)
    assert ours.__html__() == djangos.__html__()
    assert ours.as_ul() == djangos.as_ul()


def test_a_bound_form_with_errors_reads_as_djangos():
    class Cell(forms.Form):
        value = forms.TypedChoiceField(choices=CHOICES, coerce=int, widget=forms.RadioSelect)
        justification = forms.CharField(widget=forms.Textarea, help_text="In your words.")
        reason = forms.CharField(max_length=5)
        revision = forms.IntegerField(widget=forms.HiddenInput)

    data = {"value": "9", "justification": "", "reason": TRICKY, "revision": "x"}
    ours, djangos = Cell(data, renderer=OURS), Cell(data, renderer=DJANGOS)
    assert not ours.is_valid() and not djangos.is_valid()
    assert str(ours) == str(djangos)
    for name in ours.fields:
        assert str(ours[name]) == str(djangos[name])
        assert str(ours[name].errors) == str(djangos[name].errors)
