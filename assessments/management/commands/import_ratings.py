"""Import a CSV or XLSX file of ratings (or processes, citations, legal acts) into a round."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.exchange import imports, resources

from ..base import LanguageCommand
from .export_round import find_round


class Command(LanguageCommand):
    help = (
        "Check a CSV/XLSX file row by row and import it into a round through the same services "
        "as every other edit (roles, published rounds, revisions, history with the reason). "
        "Writes all rows or none; prints each row's error and exits with status 1 if any."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .csv or .xlsx file, as export_round writes them.")
        parser.add_argument("--round", dest="year", type=int, help="The round's year.")
        parser.add_argument(
            "--round-version",
            dest="round_version",
            type=int,
            default=None,
            help="The round's version (errata); the latest by default.",
        )
        parser.add_argument(
            "--user", required=True, help="Who makes the change (their roles apply)."
        )
        parser.add_argument(
            "--reason", default="", help="Why, for rows without a reason of their own."
        )
        parser.add_argument(
            "--kind", choices=list(resources.RESOURCES), default="ratings", help="Default: ratings."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and show the changes; write nothing."
        )

    def handle(self, *args, file, year, round_version, user, reason, kind, dry_run, **options):
        actor = get_user_model().objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(_("No active user %(user)s.") % {"user": user})
        round_ = None
        if kind != "legal-acts":
            if year is None:
                raise CommandError(_("Say which round: --round YEAR."))
            round_ = find_round(year, round_version)
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No file %(file)s.") % {"file": file})
        try:
            report = imports.run_import(
                kind=kind,
                data=path.read_bytes(),
                filename=path.name,
                actor=actor,
                round_=round_,
                reason=reason,
                dry_run=dry_run,
                progress=self._progress(),
            )
        except imports.ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        self._print(report, verbose=options["verbosity"] > 1)
        if not report.ok:
            n = len(report.errors)
            raise CommandError(
                ngettext(
                    "%(n)s error: nothing was written.", "%(n)s errors: nothing was written.", n
                )
                % {"n": n},
                returncode=1,
            )

    def _progress(self):
        last = [time.monotonic()]

        def show(phase: str, done: int, total: int) -> None:
            # Long files only, and at most once a second: a line per row would drown the errors.
            now = time.monotonic()
            if total >= 1000 and (now - last[0] >= 1 or done == total):
                last[0] = now
                message = (
                    _("checked %(done)s of %(total)s rows")
                    if phase == "check"
                    else _("written %(done)s of %(total)s rows")
                )
                self.stderr.write(message % {"done": f"{done:,}", "total": f"{total:,}"})
                sys.stderr.flush()

        return show

    def _print(self, report: imports.ImportReport, *, verbose: bool) -> None:
        w = self.stdout.write
        for error in report.errors:
            w(str(error))
        shown = (
            report.changes if verbose else [c for c in report.changes if c.action != "unchanged"]
        )
        for change in shown:
            details = "; ".join(f"{c.column}: {c.old} → {c.new}" for c in change.changes)
            note = f" ({change.note})" if change.note else ""
            details = f": {details}" if details else ""
            w(
                _("row %(row)s: %(action)s %(key)s%(note)s%(details)s")
                % {
                    "row": change.row,
                    "action": change.action,
                    "key": change.key,
                    "note": note,
                    "details": details,
                }
            )
        w(report.summary())
        if report.written:
            w(_("Written in %(seconds).2f s.") % {"seconds": report.seconds})
        elif report.ok:
            w(_("Dry run: nothing written (%(seconds).2f s).") % {"seconds": report.seconds})
