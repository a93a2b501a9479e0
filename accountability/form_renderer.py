"""The form renderer (settings.FORM_RENDERER): Django's, with the commonest widgets drawn
in Python instead of through their templates, in the templates' markup.

The panel's screens draw hundreds of inputs, text areas, radio buttons and select options
a page (the rating sheet ~600, a process page with its inlines in three languages ~250):
each went through its template and the attributes' include, which was half of the rating
sheet's time. Drawn here they cost a string each. An empty error list, which its template
draws as nothing, is nothing here without the template.

Markup, escaping and attributes are those of Django 5.2's templates
(django/forms/templates/django/forms/widgets/); tests/test_form_renderer.py compares the
two renderers widget by widget, and tests/admin/test_form_renderer_pages.py whole pages
of the panel's screens, byte for byte. The renderer strips what a widget's template
draws, and what that template includes keeps its closing new line. Any other template (a
form's layout, the admin's widget wrappers, a project's override) is rendered by Django
as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDGETS = "django/forms/widgets/"
# The widgets whose template is only an include of input.html.
INPUTS = [
    "checkbox",
    "color",
    "date",
    "datetime",
    "email",
    "file",
    "hidden",
    "number",
    "password",
    "search",
    "tel",
    "text",
    "time",
    "url",
]
ERROR_LISTS = ("django/forms/errors/list/default.html", "django/forms/errors/list/ul.html")


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
            parts.append("\n  " + _option(option) + "\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _options_drawn(widget: Mapping[str, Any]) -> bool:
    return all(
        option["template_name"] == f"{WIDGETS}select_option.html"
        for _name, options, _index in widget["optgroups"]
        for option in options
    )


DRAWN: dict[str, Callable[[Mapping[str, Any]], str]] = {
    **{f"{WIDGETS}{name}.html": _input for name in INPUTS},
    f"{WIDGETS}radio_option.html": _input_option,
    f"{WIDGETS}checkbox_option.html": _input_option,
    f"{WIDGETS}textarea.html": _textarea,
    f"{WIDGETS}select.html": _select,
    f"{WIDGETS}select_option.html": _option,
}


class FormRenderer(DjangoTemplates):
    """Django's renderer, drawing DRAWN's templates (and empty error lists) in Python."""

    def render(self, template_name, context, request=None):
        draw = DRAWN.get(template_name)
        if draw is not None:
            widget = context["widget"]
            if draw is not _select or _options_drawn(widget):
                return draw(widget)
        elif template_name in ERROR_LISTS and not context.get("errors"):
            return ""
        return super().render(template_name, context, request)
