"""What every command of the project shares: it speaks the language asked for.

`--language ky|ru|en` (English by default, whatever LANGUAGE_CODE says) sets the
language of the output and of the errors, including those raised by services.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

DEFAULT_LANGUAGE = "en"


class LanguageCommand(BaseCommand):
    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument(
            "--language",
            default=DEFAULT_LANGUAGE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="Language of the output and the errors (default: English).",
        )
        return parser

    def execute(self, *args, **options):
        with translation.override(options.get("language") or DEFAULT_LANGUAGE):
            try:
                return super().execute(*args, **options)
            except CommandError as exc:
                # Django prints the error after this block has ended: render it now.
                raise CommandError(str(exc), returncode=exc.returncode) from exc
