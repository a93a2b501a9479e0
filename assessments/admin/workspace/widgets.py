"""Widgets of the rating sheet drawn in Python, with the markup of Django's templates.

The sheet draws a form per cell and per process: about 600 inputs, text areas, radio
buttons and select options a page. Drawn through Django's widget templates (each with its
attributes' include) they were half of the page's time; drawn here they cost a string
each. Markup, escaping and attributes are those of the templates of Django 5.2
(django/forms/templates/django/forms/widgets/), which tests/admin/test_sheet_widgets.py
compares them with: the renderer strips what a widget's template draws, and what that
template includes keeps its closing new line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

TEMPLATES = "django/forms/widgets/"


def _attrs(attrs: Mapping[str, Any]) -> str:
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else format_html(' {}="{}"', name, _text(value))
        for name, value in attrs.items()
        if value is not False
    )


def _text(value: Any) -> Any:
    # The templates' `value|stringformat:'s'`: "%s" % value, still safe if it was.
    return value if isinstance(value, SafeString) else "%s" % (value,)  # noqa: UP031


def _input(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    shown = "" if value is None else format_html(' value="{}"', _text(value))
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        widget["type"],
        widget["name"],
        mark_safe(shown),
        mark_safe(_attrs(widget["attrs"])),
    )


def _input_option(widget: Mapping[str, Any]) -> str:
    if not widget.get("wrap_label"):
        return _input(widget)
    target = widget["attrs"].get("id")
    opening = format_html('<label for="{}">', target) if target else mark_safe("<label>")
    # The input's template ends in a new line, which its label's include keeps.
    return format_html("{}{}\n {}</label>", opening, mark_safe(_input(widget)), widget["label"])


def _textarea(widget: Mapping[str, Any]) -> str:
    return format_html(
        '<textarea name="{}"{}>\n{}</textarea>',
        widget["name"],
        mark_safe(_attrs(widget["attrs"])),
        widget["value"] or "",
    )


def _option(widget: Mapping[str, Any]) -> str:
    return format_html(
        '<option value="{}"{}>{}</option>',
        _text(widget["value"]),
        mark_safe(_attrs(widget["attrs"])),
        widget["label"],
    )


def _select(widget: Mapping[str, Any]) -> str:
    attrs = mark_safe(_attrs(widget["attrs"]))
    parts = [format_html('<select name="{}"{}>', widget["name"], attrs)]
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in options:
            # Included, an option's template keeps its closing new line.
            parts.append("\n  " + _draw(option["template_name"], option) + "\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


DRAWN: dict[str, Callable[[Mapping[str, Any]], str]] = {
    f"{TEMPLATES}text.html": _input,
    f"{TEMPLATES}hidden.html": _input,
    f"{TEMPLATES}number.html": _input,
    f"{TEMPLATES}radio_option.html": _input_option,
    f"{TEMPLATES}textarea.html": _textarea,
    f"{TEMPLATES}select.html": _select,
    f"{TEMPLATES}select_option.html": _option,
}


def _draw(template_name: str, widget: Mapping[str, Any]) -> str:
    return DRAWN[template_name](widget)


class DrawnInPython:
    """A widget (or its radio buttons, or its options) drawn by DRAWN where it has the
    template's markup, by the template where it has not (a project override, say)."""

    def _render(self, template_name, context, renderer=None):
        if template_name in DRAWN:
            return mark_safe(_draw(template_name, context["widget"]))
        return super()._render(template_name, context, renderer)


class TextInput(DrawnInPython, forms.TextInput):
    pass


class HiddenInput(DrawnInPython, forms.HiddenInput):
    pass


class Textarea(DrawnInPython, forms.Textarea):
    pass


class RadioSelect(DrawnInPython, forms.RadioSelect):
    pass


class Select(DrawnInPython, forms.Select):
    pass
