import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from assessments.models import Round
from assessments.selectors import round_report


class Command(BaseCommand):
    help = (
        "Print a round's computed figures (per process, pair, dimension, principal) and "
        "every published figure that disagrees with the computed one."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument(
            "--round-version",
            dest="round_version",
            type=int,
            default=None,
            help="Round version (errata); the latest by default.",
        )
        parser.add_argument("--json", dest="as_json", action="store_true", help="Print JSON.")
        parser.add_argument("--language", default="en", choices=["ky", "ru", "en"])

    def handle(self, *args, year, round_version, as_json: bool, language: str, **options):
        rounds = Round.objects.filter(year=year).select_related("methodology")
        if round_version is not None:
            rounds = rounds.filter(version=round_version)
        round_ = rounds.order_by("-version").first()
        if round_ is None:
            raise CommandError(f"No round for {year}.")
        with translation.override(language):
            data = round_report(round_).as_dict()
        if as_json:
            self.stdout.write(_dumps(data))
            return
        self._print_table(data)

    def _print_table(self, data):
        w = self.stdout.write
        r = data["round"]
        w(
            f"Round {r['year']} v{r['version']} ({r['status']}), "
            f"methodology {data['methodology']['code']}@{data['methodology']['version']}"
        )
        w("\nPairs (index %):")
        for p in data["pairs"]:
            w(
                f"  {p['index'] if p['index'] is not None else '-':>7}  {p['pair']} "
                f"({p['included']}/{p['processes']} processes included)"
            )
        w("\nDimensions (total %):")
        for d in data["dimensions"]:
            w(f"  {d['total']:>7}  {d['dimension']}")
        w("\nPrincipals (share of processes working %):")
        for p in data["principals"]:
            w(f"  {p['share']:>7}  {p['principal']} ({p['working']}/{p['processes']})")
        w(f"\nOverall index: {data['overall_index']}%")
        mismatches = data["mismatches"]
        w(f"\nPublished figures that disagree with the computed ones: {len(mismatches)}")
        for m in mismatches:
            w(
                f"  {m['kind']} {'/'.join(m['key'])}: printed {m['printed']}, "
                f"computed {m['computed']}  [{m['source']}]"
            )


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
