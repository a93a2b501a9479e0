import json

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from assessments.models import Round
from assessments.names import as_published
from assessments.selectors import round_report
from assessments.selectors.scrutiny import replies_as_dict

from ..base import LanguageCommand


class Command(LanguageCommand):
    help = (
        "Print a round's computed figures (per process, pair, dimension, principal), every "
        "published figure that disagrees with the computed one, and what a careful reviewer "
        "finds besides (see docs/method.md)."
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

    def handle(self, *args, year, round_version, as_json: bool, **options):
        rounds = Round.objects.filter(year=year).select_related("methodology")
        if round_version is not None:
            rounds = rounds.filter(version=round_version)
        round_ = rounds.order_by("-version").first()
        if round_ is None:
            raise CommandError(_("No round for %(year)s.") % {"year": year})
        # A published round's names as it was published with them (names.py).
        with as_published(round_):
            data = round_report(round_).as_dict(with_uncertainty=True)
            # As the API's scores: the rated bodies' replies (published rounds only).
            data["replies"] = replies_as_dict(round_)
        if as_json:
            self.stdout.write(_dumps(data))
            return
        self._print_table(round_, data)

    def _print_table(self, round_, data):
        w = self.stdout.write
        w(
            _("Round %(year)s, version %(version)s (%(status)s); methodology: %(methodology)s")
            % {
                "year": round_.year,
                "version": round_.version,
                "status": round_.get_status_display(),
                "methodology": round_.methodology,
            }
        )
        w("\n" + _("Pair index, %:"))
        for p in data["pairs"]:
            w(
                f"  {_num(p['index']):>7}  {p['name']} "
                + _("(%(included)s of %(processes)s processes included)")
                % {"included": p["included"], "processes": p["processes"]}
            )
        w("\n" + _("Dimension totals, %:"))
        for d in data["dimensions"]:
            w(f"  {_num(d['total']):>7}  {d['name']}")
        w("\n" + _("Share of working processes by principal, %:"))
        for p in data["principals"]:
            w(f"  {_num(p['share']):>7}  {p['name']} ({p['working']}/{p['processes']})")
        w("\n" + _("Overall index: %(index)s%%") % {"index": _num(data["overall_index"])})
        if data["overall_interval"]["text"]:
            w(_("Interval: %(interval)s.") % {"interval": data["overall_interval"]["text"]})
        w(data["uncertainty"]["note"])
        mismatches = data["mismatches"]
        w(
            "\n"
            + _("Published figures that disagree with the computed ones: %(n)s")
            % {"n": len(mismatches)}
        )
        for m in mismatches:
            w(
                "  "
                + _("%(figure)s, %(measures)s: printed %(printed)s, computed %(computed)s")
                % {
                    "figure": m["label"],
                    "measures": m["measures"],
                    "printed": _num(m["printed"]),
                    "computed": _num(m["computed"]),
                }
                + f"  [{m['source']}]"
            )
        findings = data["findings"]
        w("\n" + _("What a careful reviewer finds besides: %(n)s") % {"n": len(findings)})
        for kind in data["finding_kinds"]:
            w(
                "  "
                + _("%(label)s: %(found)s (checked: %(checked)s)")
                % {"label": kind["label"], "found": kind["found"], "checked": kind["checked"]}
            )
            for f in (f for f in findings if f["kind"] == kind["kind"]):
                w(f"    – {f['summary']}")
                for line in f["evidence"]:
                    w(f"      {line}")


def _num(value) -> str:
    return "–" if value is None else str(value)


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
