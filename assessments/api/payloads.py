"""The computed figures as JSON-ready data: scores, a comparison of two rounds, the series.

Percentages are given to two places, rounded half up like every figure of the
method (scoring.percent); deltas are taken on the exact fractions, then rounded.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from assessments import scoring
from assessments.comparison import PairSeries, RoundComparison
from assessments.models import Dimension, Pair, Round, Subject
from assessments.names import as_published, names_of, newest
from assessments.selectors import round_report
from assessments.selectors.scrutiny import replies_as_dict


def pct(value: Fraction | None) -> float | None:
    percent = scoring.percent(value, 2)
    return float(percent) if percent is not None else None


def named(round_: Round) -> dict[str, dict[str, Any]]:
    return {
        "round": {
            "ref": f"{round_.year}-v{round_.version}",
            "year": round_.year,
            "version": round_.version,
            "status": round_.status,
        },
        "methodology": {
            "ref": round_.methodology.label,
            "code": round_.methodology.code,
            "version": round_.methodology.version,
        },
    }


def scores(round_: Round) -> dict[str, Any]:
    """Exactly what `manage.py scores YEAR --json` prints, in the active language: each
    figure with its interval, and how much the experts agree (aggregates only)."""
    with as_published(round_):  # its names as it was published with them (names.py)
        data = round_report(round_).as_dict(with_uncertainty=True)
        # The rated bodies' replies, in their own words: published rounds only.
        data["replies"] = replies_as_dict(round_)
    return data


def _delta(before: Fraction | None, after: Fraction | None) -> dict[str, float | None]:
    delta = None if before is None or after is None else after - before
    return {"a": pct(before), "b": pct(after), "delta": pct(delta)}


def comparison(c: RoundComparison) -> dict[str, Any]:
    # Named as the newer round was published, as the site's comparison (names.py).
    with as_published(newest([c.before, c.after])):
        names = {
            "pair": names_of(Pair.objects.all()),
            "dimension": dict(
                Dimension.objects.filter(
                    methodology__in=[c.before.methodology_id, c.after.methodology_id]
                ).values_list("code", "name")
            ),
            "principal": names_of(Subject.objects.all()),
        }

    def keyed(deltas: list, kind: str) -> list[dict[str, Any]]:
        # Named as in the scores: a pair's delta under `pair`, a dimension's under `dimension`.
        return [
            {kind: d.key, "name": names[kind].get(d.key, d.key), **_delta(d.before, d.after)}
            for d in deltas
        ]

    return {
        "a": named(c.before),
        "b": named(c.after),
        "same_methodology": c.same_methodology,
        "methodology_warning": c.methodology_warning,
        "processes": [
            {
                "process": p.process,
                "pair": p.pair,
                "status": p.status,
                "renamed": p.renamed,
                "title_a": p.title_before,
                "title_b": p.title_after,
                "included_a": p.included_before,
                "included_b": p.included_after,
                "score": _delta(p.score_before, p.score_after),
                "ratings": [
                    {
                        "dimension": r.dimension,
                        "a": r.before,
                        "b": r.after,
                        "changed": r.changed,
                        "reason": r.reason,
                    }
                    for r in p.ratings
                ],
                "citations_added": p.citations_added,
                "citations_removed": p.citations_removed,
            }
            for p in c.processes
        ],
        "pairs": keyed(c.pairs, "pair"),
        "dimensions": keyed(c.dimensions, "dimension"),
        "principals": keyed(c.principals, "principal"),
        "overall": _delta(c.overall.before, c.overall.after),
    }


def series(rounds: list[Round], pairs: list[PairSeries]) -> dict[str, Any]:
    return {
        "rounds": [named(r) for r in rounds],
        "pairs": [
            {
                "pair": s.pair,
                "name": s.name,
                "principal": s.principal,
                "points": [
                    {
                        "round": f"{p.year}-v{p.version}",
                        "year": p.year,
                        "version": p.version,
                        "methodology": p.methodology,
                        "index": pct(p.index),
                    }
                    for p in s.points
                ],
            }
            for s in pairs
        ],
    }
