"""CSV of a round's scores: one row per figure, so a spreadsheet can filter by `figure`.

Columns (empty where a figure has no such property):
    year, version, status, methodology   the round and the methodology version it was computed with
    figure      process_score | pair_index | dimension_total | principal_share | overall_index
                | mismatch | unmatched_printed | finding
    key         what the figure measures: a process, pair, dimension or principal code
                (for mismatches, the printed figure's key joined with "/")
    name        its name in the response language
    pair, principal
    included    process_score: whether the method counts the process
    excluded_because
    count, out_of   pair_index: included of processes; dimension_total: processes assessed;
                principal_share: working of processes
    value       the computed percentage, two places (for mismatches: the computed value)
    exact       process_score: the exact fraction
    kind, printed, source   mismatch and unmatched_printed: the printed figure and where it is;
                finding: the kind of finding, its summary (in `name`) and its evidence (in `source`)
    interval_status, interval_low, interval_high   pair_index, dimension_total,
                principal_share, overall_index: the interval from the experts' own ratings
                (computed | too_few | no_expert_ratings; percent, two places)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from typing import Any

from rest_framework import renderers

COLUMNS = [
    "year",
    "version",
    "status",
    "methodology",
    "figure",
    "key",
    "name",
    "pair",
    "principal",
    "included",
    "excluded_because",
    "count",
    "out_of",
    "value",
    "exact",
    "kind",
    "printed",
    "source",
    "interval_status",
    "interval_low",
    "interval_high",
]
# A cell starting with one of these is a formula to a spreadsheet; names are free text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ScoresCSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        for row in score_rows(data):
            writer.writerow({k: _cell(v) for k, v in row.items()})
        return out.getvalue().encode(self.charset)


def score_rows(data: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    r, m = data["round"], data["methodology"]
    base = {
        "year": r["year"],
        "version": r["version"],
        "status": r["status"],
        "methodology": f"{m['code']}@{m['version']}",
    }
    for p in data["processes"]:
        yield {
            **base,
            "figure": "process_score",
            "key": p["process"],
            "name": p["name"],
            "pair": p["pair"],
            "included": p["included"],
            "excluded_because": p["excluded_because"],
            "value": p["score"],
            "exact": p["score_exact"],
        }
    for p in data["pairs"]:
        yield {
            **base,
            "figure": "pair_index",
            "key": p["pair"],
            "name": p["name"],
            "pair": p["pair"],
            "principal": p["principal"],
            "count": p["included"],
            "out_of": p["processes"],
            "value": p["index"],
            **_interval(p),
        }
    for d in data["dimensions"]:
        yield {
            **base,
            "figure": "dimension_total",
            "key": d["dimension"],
            "name": d["name"],
            "count": d["assessed"],
            "value": d["total"],
            **_interval(d),
        }
    for p in data["principals"]:
        yield {
            **base,
            "figure": "principal_share",
            "key": p["principal"],
            "name": p["name"],
            "principal": p["principal"],
            "count": p["working"],
            "out_of": p["processes"],
            "value": p["share"],
            **_interval(p),
        }
    yield {
        **base,
        "figure": "overall_index",
        "value": data["overall_index"],
        **_interval({"interval": data.get("overall_interval")}),
    }
    for x in data["mismatches"]:
        yield {
            **base,
            "figure": "mismatch",
            "kind": x["kind"],
            "key": "/".join(x["key"]),
            "printed": x["printed"],
            "value": x["computed"],
            "source": x["source"],
        }
    for x in data.get("findings", []):
        yield {
            **base,
            "figure": "finding",
            "kind": x["kind"],
            "key": "/".join(x["key"]),
            "name": x["summary"],
            "source": " | ".join(x["evidence"]),
        }
    for x in data["unmatched_printed"]:
        yield {
            **base,
            "figure": "unmatched_printed",
            "kind": x["kind"],
            "key": "/".join(x["key"]),
            "printed": x["printed"],
            "source": x["source"],
        }


def _interval(entry: Mapping[str, Any]) -> dict[str, Any]:
    interval = entry.get("interval")
    if not interval:
        return {}
    return {
        "interval_status": interval["status"],
        "interval_low": interval["low"],
        "interval_high": interval["high"],
    }


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
