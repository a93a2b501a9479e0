#!/usr/bin/env python3
"""Merge our translations of third-party strings into the project's catalogues.

DRF, django-import-export, django-filter, django-simple-history, django-rest-knox and
django-modeltranslation ship no Kyrgyz catalogue (and their Russian ones miss some
strings); Django's own Kyrgyz catalogues miss a few dozen admin strings. We translate
them in source files that makemessages never touches and merge those into the
catalogues Django loads through LOCALE_PATHS, ahead of every installed app:

    locale/<lang>/thirdparty.po          -> locale/<lang>/LC_MESSAGES/django.po
    locale/<lang>/thirdparty-djangojs.po -> locale/<lang>/LC_MESSAGES/djangojs.po  (admin JS)

The script first takes out of the catalogue what an earlier merge put there (entries
of the source file that no project file references, obsolete `#~` ones included,
which makemessages leaves behind), then merges with `msgcat --use-first`: the
project's own translation wins where both have a msgid, and a third-party
translation fills in an empty or fuzzy project entry. Running it twice is harmless,
and an edited source file always replaces what was merged before.

Run after makemessages and before compilemessages (docs/translations.md):

    python scripts/merge_thirdparty_ky.py            # ky and ru
    python scripts/merge_thirdparty_ky.py ky         # one language

It needs GNU gettext (msgattrib, msgcat), as makemessages does.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

LOCALE = Path(__file__).resolve().parent.parent / "locale"
DEFAULT_LANGUAGES = ("ky", "ru")
SOURCES = {"django": "thirdparty.po", "djangojs": "thirdparty-djangojs.po"}


def merge(language: str) -> list[str]:
    """Merge each third-party source file of `language` into its catalogue; their names."""
    merged = []
    for domain, name in SOURCES.items():
        source = LOCALE / language / name
        catalogue = LOCALE / language / "LC_MESSAGES" / f"{domain}.po"
        if not source.exists():
            continue
        if not catalogue.exists():
            if domain == "django":
                raise SystemExit(f"{catalogue} is missing: run makemessages -l {language} first.")
            # No JavaScript of ours to extract: the third-party strings are the catalogue.
            run("msgcat", "-o", str(catalogue), str(source))
        else:
            with tempfile.TemporaryDirectory() as tmp:
                current = Path(tmp) / catalogue.name
                # Obsolete entries would shadow the active ones of the source in msgcat.
                run("msgattrib", "--no-obsolete", "-o", str(current), str(catalogue))
                unmerge(current, msgids(source))
                run("msgcat", "--use-first", "-o", str(catalogue), str(current), str(source))
        merged.append(f"locale/{language}/{name} -> {catalogue.relative_to(LOCALE.parent)}")
    return merged


def entries(path: Path) -> list[str]:
    """The entries of a .po file as gettext writes it: blocks between blank lines."""
    return re.split(r"\n\s*\n", path.read_text(encoding="utf-8").strip())


def msgid(entry: str) -> str | None:
    """The msgid of an entry, its continuation lines joined and still escaped."""
    match = re.search(r'^msgid (".*"(?:\n".*")*)', entry, flags=re.MULTILINE)
    if match is None:
        return None
    return "".join(re.findall(r'"(.*)"', match.group(1)))


def msgids(path: Path) -> set[str]:
    return {m for m in map(msgid, entries(path)) if m}


def unmerge(path: Path, merged: set[str]) -> None:
    """Drop the entries an earlier merge added: in `merged`, referenced by no project file."""
    kept = [
        entry
        for entry in entries(path)
        if msgid(entry) not in merged or re.search(r"^#: ", entry, flags=re.MULTILINE)
    ]
    path.write_text("\n\n".join(kept) + "\n", encoding="utf-8")


def run(*command: str) -> None:
    if shutil.which(command[0]) is None:
        raise SystemExit(f"{command[0]} not found: install gettext (apt-get install gettext).")
    subprocess.run(command, check=True)


def main(argv: list[str]) -> int:
    languages = argv or list(DEFAULT_LANGUAGES)
    for language in languages:
        merged = merge(language)
        for line in merged:
            print("merged", line)
        if not merged and argv:
            print(f"locale/{language} has no thirdparty.po", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
