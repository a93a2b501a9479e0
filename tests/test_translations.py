"""The interface reads in Kyrgyz and Russian: the project's catalogues are complete and compiled.

No database. The .po files are read with a small parser (no polib), the committed .mo
files with the standard library's gettext, so the quick start needs no gettext tools.
"""

from __future__ import annotations

import gettext
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from rest_framework import exceptions, serializers

from assessments import services
from assessments.models import Rating, Round

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = ["ky", "ru"]
# (language, domain): the plural rule. The admin's JavaScript catalogue applies one
# Plural-Forms line to every catalogue it merges, so ky djangojs keeps Django's own.
PLURAL_FORMS = {
    ("ky", "django"): "nplurals=2; plural=(n != 1);",
    ("ru", "django"): (
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
        "(n%100<10 || n%100>=20) ? 1 : 2);"
    ),
    ("ky", "djangojs"): "nplurals=1; plural=0;",
}
# Third-party translations (source file) and the catalogue they are merged into.
MERGED = {
    ("ky", "django"): "thirdparty.po",
    ("ru", "django"): "thirdparty.po",
    ("ky", "djangojs"): "thirdparty-djangojs.po",
}

# What a user sees, in each language: a model's name, a choice, a service error, DRF.
EXPECTED = {
    "ky": {
        "verbose_name": "баа",
        "published": "жарыяланган",
        "reason_required": "Себебин көрсөтүңүз: ар бир өзгөртүү үчүн себеп милдеттүү.",
        "not_authenticated": "Аутентификация маалыматтары берилген жок.",
        "not_boolean": "Туура логикалык маани (true/false) болушу керек.",
    },
    "ru": {
        "verbose_name": "оценка",
        "published": "опубликован",
        "reason_required": "Укажите причину: она обязательна для каждого изменения.",
        "not_authenticated": "Учетные данные не были предоставлены.",
        "not_boolean": "Должно быть допустимым логическим значением.",
    },
}


def reason_required_message() -> str:
    with pytest.raises(services.InvalidInput) as caught:
        services.required_reason("")
    return str(caught.value.message)


def samples() -> dict[str, str]:
    return {
        "verbose_name": str(Rating._meta.verbose_name),
        "published": str(Round.Status.PUBLISHED.label),
        "reason_required": reason_required_message(),
        "not_authenticated": str(exceptions.NotAuthenticated().detail),
        "not_boolean": str(serializers.BooleanField().error_messages["invalid"]),
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_user_facing_strings_are_translated(language):
    with translation.override("en"):
        english = samples()
    with translation.override(language):
        translated = samples()
    assert translated == EXPECTED[language]
    for key, text in translated.items():
        assert text != english[key], key


# --- the catalogues ---------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int | None, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False


def _unquote(text: str) -> str:
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes[m.group(1)], text.strip()[1:-1])


KEYWORD = re.compile(r'(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$')


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file as gettext writes it (blank lines between entries), header too."""
    entries: list[Entry] = []
    entry, key = Entry(), None
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        obsolete = raw.startswith("#~")
        line = raw[2:].strip() if obsolete else raw.strip()
        if not line:
            if key is not None:
                entries.append(entry)
            entry, key = Entry(), None
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif match := KEYWORD.match(line):
            name, index, value = match.groups()
            entry.obsolete |= obsolete
            key = (name, int(index) if index else None)
            append(entry, key, _unquote(value), new=True)
        elif line.startswith('"') and key is not None:
            append(entry, key, _unquote(line), new=False)
    return entries


def append(entry: Entry, key: tuple[str, int | None], text: str, *, new: bool) -> None:
    name, index = key
    if name == "msgstr":
        entry.msgstr[index] = ("" if new else entry.msgstr[index]) + text
    elif name == "msgid":
        entry.msgid = ("" if new else entry.msgid) + text
    elif name == "msgid_plural":
        entry.msgid_plural = ("" if new else entry.msgid_plural or "") + text


def catalogue(language: str, domain: str = "django") -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{domain}.po"


def messages(path: Path) -> list[Entry]:
    return [e for e in parse_po(path) if e.msgid and not e.obsolete]


def header(path: Path) -> dict[str, str]:
    (head,) = [e for e in parse_po(path) if e.msgid == ""]
    lines = head.msgstr[None].splitlines()
    return dict(line.split(": ", 1) for line in lines if ": " in line)


PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdfr]|%[sdf]|%%|\{[\w:]*\}")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


SOURCES = [catalogue(*key) for key in PLURAL_FORMS] + [
    LOCALE / language / name for (language, _domain), name in MERGED.items()
]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(LOCALE)))
def test_catalogue_has_no_untranslated_or_fuzzy_entry(path):
    entries = messages(path)
    assert entries
    untranslated = [e.msgid for e in entries if not e.msgstr or not all(e.msgstr.values())]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []
    assert "fuzzy" not in next(e for e in parse_po(path) if e.msgid == "").flags


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(LOCALE)))
def test_translations_keep_every_placeholder(path):
    wrong = []
    for e in messages(path):
        for index, text in e.msgstr.items():
            source = e.msgid_plural if e.msgid_plural and index else e.msgid
            # The singular form of a plural may name the number in words ("one round").
            if e.msgid_plural and index == 0:
                ok = set(placeholders(text)) <= set(placeholders(e.msgid_plural))
            else:
                ok = placeholders(text) == placeholders(source)
            if not ok:
                wrong.append((e.msgid, index, text))
    assert wrong == []


@pytest.mark.parametrize("key", PLURAL_FORMS, ids="-".join)
def test_plural_forms(key):
    path = catalogue(*key)
    assert header(path)["Plural-Forms"] == PLURAL_FORMS[key]
    nplurals = int(PLURAL_FORMS[key].split(";")[0].split("=")[1])
    plurals = [e for e in messages(path) if e.msgid_plural]
    assert plurals
    assert all(sorted(e.msgstr) == list(range(nplurals)) for e in plurals)


@pytest.mark.parametrize("key", MERGED, ids="-".join)
def test_thirdparty_translations_are_merged(key):
    language, _domain = key
    merged = {e.msgid: e.msgstr for e in messages(catalogue(*key))}
    missing = [
        e.msgid
        for e in messages(LOCALE / language / MERGED[key])
        if e.msgid not in merged or not all(merged[e.msgid].values())
    ]
    assert missing == [], "run scripts/merge_thirdparty_ky.py (docs/translations.md)"


@pytest.mark.parametrize("key", PLURAL_FORMS, ids="-".join)
def test_compiled_catalogue_matches_the_source(key):
    """The committed .mo is compiled from the current .po (compilemessages was run)."""
    path = catalogue(*key)
    with path.with_suffix(".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = []
    for e in messages(path):
        if e.msgid_plural:
            got = [compiled.ngettext(e.msgid, e.msgid_plural, n) for n in (1, 2, 5)]
            want = [e.msgstr[compiled.plural(n)] for n in (1, 2, 5)]
        else:
            got, want = compiled.gettext(e.msgid), e.msgstr[None]
        if got != want:
            stale.append(e.msgid)
    assert stale == [], "run compilemessages (docs/translations.md)"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs gettext (CI installs it)")
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_of_the_code_is_in_the_catalogue(language, tmp_path, settings):
    """A string marked for translation but never extracted shows in English on a ky/ru screen.

    Extracts the code's strings into a copy of the catalogue, as scripts/messages.sh does,
    in a folder of links to the code (makemessages writes beside what it reads).
    """
    from django.core.management import call_command

    root = Path(settings.BASE_DIR)
    for name in ("accountability", "assessments", "templates"):
        (tmp_path / name).symlink_to(root / name)
    copy = tmp_path / "locale" / language / "LC_MESSAGES"
    copy.mkdir(parents=True)
    shutil.copy(catalogue(language), copy / "django.po")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        call_command(
            "makemessages",
            locale=[language],
            no_location=True,
            no_obsolete=True,
            symlinks=True,
            verbosity=0,
        )
    finally:
        os.chdir(cwd)
    missing = [
        e.msgid
        for e in messages(copy / "django.po")
        if e.msgid and ("fuzzy" in e.flags or not all(e.msgstr.values()))
    ]
    assert missing == [], "run scripts/messages.sh and translate these"
