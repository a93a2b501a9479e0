from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.loading import STUDY_2016, LoadError, load_round, read_round_meta

from ..base import LanguageCommand


class Command(LanguageCommand):
    help = (
        "Load a round from a folder of YAML files; by default the 2016 study "
        "(assessments/data/study_2016). All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", nargs="?", type=Path, default=STUDY_2016)
        parser.add_argument(
            "--draft", action="store_true", help="Load as a draft instead of published."
        )
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Do nothing (and succeed) when the round exists already.",
        )

    def handle(self, *args, folder: Path, draft: bool, if_missing: bool, **options):
        from assessments.models import Round

        if if_missing:
            try:
                meta = read_round_meta(folder)
            except LoadError as exc:
                raise CommandError("\n".join(exc.problems)) from exc
            if Round.objects.filter(year=meta.get("year"), version=meta.get("version", 1)).exists():
                self.stdout.write(
                    _("Round %(year)s is loaded already.") % {"year": meta.get("year")}
                )
                return
        try:
            result = load_round(folder, publish=not draft)
        except LoadError as exc:
            n = len(exc.problems)
            raise CommandError(
                ngettext(
                    "Nothing was loaded; %(n)s problem:",
                    "Nothing was loaded; %(n)s problems:",
                    n,
                )
                % {"n": n}
                + "\n"
                + "\n".join(exc.problems)
            ) from exc
        if options["verbosity"] == 0:
            return
        counts = ", ".join(f"{label}: {n}" for label, n in sorted(result.counts.items()))
        self.stdout.write(
            self.style.SUCCESS(
                _("Loaded %(round)s (%(counts)s).") % {"round": result.round, "counts": counts}
            )
        )
