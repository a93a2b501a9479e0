"""Reads the API needs that the shared selectors don't offer in a fixed number of queries.

`comparison.pair_index_series()` scores each round with its own queries (four
per round); the API's series covers every published round, so it reads all of
them at once here and hands the same inputs to the same pure scoring module.
tests/api/test_series.py holds the two to agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from assessments import names, scoring
from assessments.comparison import PairSeries, SeriesPoint
from assessments.models import Pair, ProcessAssessment, Rating, Round
from assessments.selectors import method_of


def pair_index_series_of(round_pks: Sequence[int]) -> tuple[list[Round], list[PairSeries]]:
    """The rounds (oldest first) and each pair's index in each of them, in five queries."""
    rounds = sorted(
        Round.objects.filter(pk__in=round_pks)
        .select_related("methodology")
        .prefetch_related("methodology__dimensions"),
        key=lambda r: (r.year, r.version),
    )
    ratings: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for round_id, process, dimension, value in Rating.objects.filter(
        assessment__round__in=round_pks
    ).values_list("assessment__round_id", "assessment__process__code", "dimension__code", "value"):
        ratings[round_id][process][dimension] = value
    inputs: dict[int, list[scoring.ProcessInput]] = defaultdict(list)
    for round_id, process, pair, principal in (
        ProcessAssessment.objects.filter(round__in=round_pks)
        .order_by("round", "process__pair__position", "position")
        .values_list(
            "round_id", "process__code", "process__pair__code", "process__pair__principal__code"
        )
    ):
        inputs[round_id].append(
            scoring.ProcessInput(process, pair, principal, ratings[round_id].get(process, {}))
        )
    # Named as the newest of the rounds was published (names.py).
    with names.as_published(names.newest(rounds)):
        pairs = {p.code: p for p in Pair.objects.select_related("principal")}
    series: dict[str, PairSeries] = {}
    for round_ in rounds:
        scores = scoring.score_round(method_of(round_.methodology), inputs[round_.pk])
        for p in scores.pairs:
            pair = pairs[p.pair]
            entry = series.setdefault(
                p.pair, PairSeries(p.pair, pair.name, pair.principal.code, [])
            )
            entry.points.append(
                SeriesPoint(round_.year, round_.version, round_.methodology.label, p.index)
            )
    order = {code: i for i, code in enumerate(pairs)}
    return rounds, sorted(series.values(), key=lambda s: order[s.pair])
