"""Submit an admin form the way a browser does: every input of the rendered form, as is.

A test that writes its own POST dictionary tests what its author believed the form sends;
this reads the page the user gets (management forms, hidden revisions, the inlines' empty
rows and prefixes, the select's chosen option) and sends exactly that, with the changes
the user made.
"""

from __future__ import annotations

from html.parser import HTMLParser


class _Form(HTMLParser):
    def __init__(self, form_id: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text: list[str] = []
        self._option: list | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (self.form_id is None or a.get("id") == self.form_id):
            self.inside = True
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((name, a.get("value", "on")))
                return
            self.fields.append((name, a.get("value", "")))
        elif tag == "select" and name and "disabled" not in a:
            self._select, self._select_options = name, []
            self._multiple = "multiple" in a
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, []]
        elif tag == "textarea" and name and "disabled" not in a:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)
        if self._option is not None:
            self._option[2].append(data)

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "option" and self._option is not None:
            value, selected, text = self._option
            if value is None:
                value = "".join(text).strip()
            self._select_options.append((value, selected))
            self._option = None
        elif tag == "select" and self._select is not None:
            chosen = [v for v, s in self._select_options if s]
            if not chosen and not self._multiple and self._select_options:
                chosen = [self._select_options[0][0]]
            for value in chosen:
                self.fields.append((self._select, value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            # The HTML parser keeps the newline a browser drops after <textarea>.
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None


def form_data(html: str, form_id: str | None = None) -> dict[str, list[str]]:
    """The fields a browser would submit from the page's form (`form_id`, else the first)."""
    parser = _Form(form_id)
    parser.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    return data


def filled(data: dict[str, list[str]], **changes: str | list[str]) -> dict[str, list[str]]:
    """The form's data with what the user typed or chose (`name=value`)."""
    out = {k: list(v) for k, v in data.items()}
    for name, value in changes.items():
        out[name] = list(value) if isinstance(value, list) else [value]
    return out
