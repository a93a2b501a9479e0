"""Write a round's rows as CSV or XLSX files, or the whole round as one data package (zip)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from assessments.exchange import packages, resources
from assessments.models import Round

from ..base import LanguageCommand


def find_round(year: int, version: int | None) -> Round:
    rounds = Round.objects.filter(year=year).select_related("methodology")
    if version is not None:
        rounds = rounds.filter(version=version)
    round_ = rounds.order_by("-version").first()
    if round_ is None:
        if version is not None:
            raise CommandError(
                _("No round %(year)s, version %(version)s.") % {"year": year, "version": version}
            )
        raise CommandError(_("No round for %(year)s.") % {"year": year})
    return round_


class Command(LanguageCommand):
    # --language (LanguageCommand): the output's language, and the package README.md's
    # (every language's README is in the package).
    help = (
        "Export a round's consensus ratings, expert ratings, processes, citations or the legal "
        "acts as CSV or XLSX (one file per kind), or with --package the whole round as the data "
        "package (CSV files, round.json and a method note) that recomputes every figure."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument(
            "--round-version",
            dest="round_version",
            type=int,
            default=None,
            help="The round's version (errata); the latest by default.",
        )
        parser.add_argument(
            "--kind",
            action="append",
            choices=[*resources.RESOURCES, "all"],
            help="Which rows (repeat for several; 'all' for every kind). Default: ratings.",
        )
        parser.add_argument("--format", dest="file_format", choices=["csv", "xlsx"], default="xlsx")
        parser.add_argument(
            "--package", action="store_true", help="The round's data package (a zip) instead."
        )
        parser.add_argument(
            "--output",
            "-o",
            default=".",
            help="A folder (default: here), or a file name for one kind or the package; "
            "'-' writes one file to standard output.",
        )

    def handle(
        self, *args, year, round_version, kind, file_format, package, language, output, **options
    ):
        round_ = find_round(year, round_version)
        if package:
            files = [(f"{packages.package_name(round_)}.zip", None)]
        else:
            kinds = kind or ["ratings"]
            if "all" in kinds:
                kinds = list(resources.RESOURCES)
            files = [(resources.export_filename(k, round_, file_format), k) for k in kinds]
        if output == "-" and len(files) != 1:
            raise CommandError(_("Standard output takes one file: name one --kind."))
        for name, which in files:
            started = time.perf_counter()
            if which is None:
                data = packages.build_round_package(round_, language=language)
            else:
                data = resources.export_rows(which, round_, file_format)
            if output == "-":
                sys.stdout.buffer.write(data)
                continue
            target = Path(output)
            if target.is_dir():
                target = target / name
            elif len(files) > 1:
                raise CommandError(
                    _("%(output)s is not a folder; several files are exported.")
                    % {"output": output}
                )
            target.write_bytes(data)
            self.stderr.write(
                _("%(file)s: %(size)s bytes in %(seconds).2f s")
                % {
                    "file": target,
                    "size": f"{len(data):,}",
                    "seconds": time.perf_counter() - started,
                }
            )
