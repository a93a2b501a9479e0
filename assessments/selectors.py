"""Reads composed from several models: a round's scores and its consistency report."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from . import scoring
from .models import (
    Citation,
    Dimension,
    ExpertRating,
    Methodology,
    Pair,
    ProcessAssessment,
    PublishedFigure,
    Rating,
    Round,
    Subject,
)


def method_of(methodology: Methodology) -> scoring.Method:
    dimensions = methodology.dimensions.all()
    return scoring.Method(
        dimensions=[
            scoring.DimensionSpec(d.code, scored=d.is_scored, gating=d.is_gating)
            for d in dimensions
        ],
        scale_min=methodology.scale_min,
        scale_max=methodology.scale_max,
    )


def round_ratings(round_: Round) -> dict[str, dict[str, int]]:
    """process code → dimension code → value, for every rating of the round."""
    ratings: dict[str, dict[str, int]] = defaultdict(dict)
    rows = Rating.objects.for_round(round_).values_list(
        "assessment__process__code", "dimension__code", "value"
    )
    for process, dimension, value in rows:
        ratings[process][dimension] = value
    return ratings


def round_inputs(round_: Round) -> tuple[scoring.Method, list[scoring.ProcessInput]]:
    method = method_of(round_.methodology)
    ratings = round_ratings(round_)
    assessments = (
        ProcessAssessment.objects.for_round(round_)
        .order_by("process__pair__position", "position")
        .values_list("process__code", "process__pair__code", "process__pair__principal__code")
    )
    inputs = [
        scoring.ProcessInput(process, pair, principal, ratings.get(process, {}))
        for process, pair, principal in assessments
    ]
    return method, inputs


def printed_figures(round_: Round) -> list[scoring.Printed]:
    printed = []
    figures = PublishedFigure.objects.filter(round=round_).select_related(
        "pair", "process", "dimension", "principal"
    )
    for f in figures:
        key: tuple[str, ...] = {
            PublishedFigure.Kind.PAIR_INDEX: lambda f: (f.pair.code,),
            PublishedFigure.Kind.PAIR_REAL: lambda f: (f.pair.code,),
            PublishedFigure.Kind.DIMENSION_TOTAL: lambda f: (f.dimension.code,),
            PublishedFigure.Kind.PRINCIPAL_SHARE: lambda f: (f.principal.code,),
            PublishedFigure.Kind.OVERALL_INDEX: lambda f: (),
            PublishedFigure.Kind.PRINTED_RATING: lambda f: (f.process.code, f.dimension.code),
        }[f.kind](f)
        printed.append(scoring.Printed(f.kind, key, f.value, f.source))
    return printed


@dataclass
class RoundReport:
    round: Round
    report: scoring.Report
    names: dict[str, dict[str, str]]

    def as_dict(self) -> dict[str, Any]:
        return report_as_dict(self)


def round_report(round_: Round) -> RoundReport:
    method, inputs = round_inputs(round_)
    scores = scoring.score_round(method, inputs)
    report = scoring.compare(scores, printed_figures(round_), round_ratings(round_))
    return RoundReport(round=round_, report=report, names=_names(round_))


def _names(round_: Round) -> dict[str, dict[str, str]]:
    """Display names in the active language, keyed by code, for reports."""
    return {
        "pair": dict(Pair.objects.values_list("code", "name")),
        "process": {
            code: title
            for code, title in ProcessAssessment.objects.for_round(round_).values_list(
                "process__code", "title"
            )
        },
        "dimension": dict(
            Dimension.objects.filter(methodology=round_.methodology).values_list("code", "name")
        ),
        "principal": dict(Subject.objects.values_list("code", "name")),
    }


def _pct(value: Fraction | None) -> float | None:
    pct = scoring.percent(value, 2)
    return float(pct) if pct is not None else None


def _num(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def report_as_dict(rr: RoundReport) -> dict[str, Any]:
    """The report as plain JSON-ready data; percentages to two places, exact fractions as text."""
    r, s, names = rr.round, rr.report.scores, rr.names
    return {
        "round": {"year": r.year, "version": r.version, "title": r.title, "status": r.status},
        "methodology": {"code": r.methodology.code, "version": r.methodology.version},
        "processes": [
            {
                "process": p.process,
                "name": names["process"].get(p.process, p.process),
                "pair": p.pair,
                "included": p.included,
                "excluded_because": p.excluded_because,
                "score": _pct(p.score),
                "score_exact": str(p.score) if p.score is not None else None,
            }
            for p in s.processes
        ],
        "pairs": [
            {
                "pair": p.pair,
                "name": names["pair"].get(p.pair, p.pair),
                "principal": p.principal,
                "processes": p.processes,
                "included": p.included,
                "index": _pct(p.index),
                "ideal": _pct(p.ideal),
            }
            for p in s.pairs
        ],
        "dimensions": [
            {
                "dimension": d.dimension,
                "name": names["dimension"].get(d.dimension, d.dimension),
                "assessed": d.assessed,
                "total": _pct(d.total),
            }
            for d in s.dimensions
        ],
        "principals": [
            {
                "principal": p.principal,
                "name": names["principal"].get(p.principal, p.principal),
                "processes": p.processes,
                "working": p.working,
                "share": _pct(p.share),
            }
            for p in s.principals
        ],
        "overall_index": _pct(s.overall),
        "mismatches": [
            {
                "kind": m.kind,
                "key": list(m.key),
                "printed": _num(m.printed),
                "computed": _num(m.computed),
                "source": m.source,
            }
            for m in rr.report.mismatches
        ],
        "unmatched_printed": [
            {"kind": u.kind, "key": list(u.key), "printed": _num(u.value), "source": u.source}
            for u in rr.report.unmatched
        ],
    }


def round_expert_ratings(round_: Round) -> dict[str, dict[scoring.Unit, int]]:
    """Each expert's own ratings of the round: expert (by id) → (process, dimension) → value."""
    ratings: dict[str, dict[scoring.Unit, int]] = defaultdict(dict)
    rows = ExpertRating.objects.filter(assessment__round=round_).values_list(
        "expert_id", "assessment__process__code", "dimension__code", "value"
    )
    for expert, process, dimension, value in rows:
        ratings[str(expert)][process, dimension] = value
    return dict(ratings)


def round_uncertainty(round_: Round) -> tuple[scoring.RoundAgreement, scoring.RoundIntervals]:
    """How much the round's experts agree, and the interval of each figure (scoring.py)."""
    method, inputs = round_inputs(round_)
    ratings = round_expert_ratings(round_)
    return (
        scoring.round_agreement(method, inputs, ratings),
        scoring.round_intervals(method, inputs, ratings),
    )


def round_overview(
    round_: Round,
    assessments: QuerySet[ProcessAssessment] | None = None,
    expert_ratings: QuerySet[ExpertRating] | None = None,
) -> list[dict[str, Any]]:
    """Each pair of the round with its processes, their ratings and their citations.

    `assessments` and `expert_ratings` narrow it to what a reader may see (the caller
    takes them from permissions.py); by default, everything.
    """
    dimensions = list(round_.methodology.dimensions.all())
    if assessments is None:
        assessments = ProcessAssessment.objects.all()
    assessments = (
        assessments.for_round(round_)
        .with_scores()
        .select_related("process__pair")
        .prefetch_related(
            Prefetch("ratings", queryset=Rating.objects.select_related("dimension")),
            Prefetch("citations", queryset=Citation.objects.select_related("act", "edition")),
        )
        .order_by("process__pair__position", "position")
    )
    split = round_disagreements(round_, expert_ratings)
    pairs: dict[int, dict[str, Any]] = {}
    for a in assessments:
        pair = a.process.pair
        entry = pairs.setdefault(pair.pk, {"pair": pair, "assessments": []})
        by_dimension = {r.dimension_id: r for r in a.ratings.all()}
        entry["assessments"].append(
            {
                "assessment": a,
                "ratings": [by_dimension.get(d.pk) for d in dimensions],
                "cells": [
                    {"rating": by_dimension.get(d.pk), "split": split.get((a.pk, d.pk), "")}
                    for d in dimensions
                ],
                "citations": list(a.citations.all()),
            }
        )
    return [{"dimensions": dimensions, **entry} for entry in pairs.values()]


def expert_panel_view(assessment: ProcessAssessment) -> list[dict[str, Any]]:
    """Per dimension: the consensus rating, each expert's rating, and how they split."""
    dimensions = list(assessment.round.methodology.dimensions.all())
    consensus = {r.dimension_id: r for r in assessment.ratings.all()}
    experts: dict[int, list[ExpertRating]] = defaultdict(list)
    for e in (
        ExpertRating.objects.filter(assessment=assessment)
        .select_related("expert")
        .order_by("expert__username")
    ):
        experts[e.dimension_id].append(e)
    labels = dict(assessment.round.methodology.scale_levels.values_list("value", "label"))
    rows = []
    for d in dimensions:
        ratings = experts.get(d.pk, [])
        split: dict[int, int] = defaultdict(int)
        for e in ratings:
            split[e.value] += 1
        rows.append(
            {
                "dimension": d,
                "consensus": consensus.get(d.pk),
                "experts": ratings,
                "split": " / ".join(
                    f"{n} {labels.get(v, v)}" for v, n in sorted(split.items(), reverse=True)
                ),
                "disagree": len(split) > 1,
            }
        )
    return rows


def round_disagreements(
    round_: Round, expert_ratings: QuerySet[ExpertRating] | None = None
) -> dict[tuple[int, int], str]:
    """(assessment id, dimension id) → "3 present / 2 absent", where a panel's experts differ."""
    labels = dict(round_.methodology.scale_levels.values_list("value", "label"))
    counts: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    if expert_ratings is None:
        expert_ratings = ExpertRating.objects.all()
    rows = (
        expert_ratings.filter(assessment__round=round_)
        .values_list("assessment_id", "dimension_id", "value")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for assessment, dimension, value, n in rows:
        counts[assessment, dimension][value] = n
    return {
        key: " / ".join(f"{n} {labels.get(v, v)}" for v, n in sorted(split.items(), reverse=True))
        for key, split in counts.items()
        if len(split) > 1
    }


def rating_history(rating: Rating) -> list[dict[str, Any]]:
    """Every recorded version of a rating, newest first, with what changed from the one before."""
    records = list(rating.history.select_related("history_user").order_by("history_date"))
    changes = []
    previous = None
    for record in records:
        changed = []
        if previous is not None:
            delta = record.diff_against(
                previous, included_fields=["value", "justification", "carried_over"]
            )
            changed = [(c.field, c.old, c.new) for c in delta.changes]
        changes.append({"record": record, "changed": changed})
        previous = record
    return list(reversed(changes))
