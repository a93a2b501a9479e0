"""Reads for a panel at work: a round's overview, each expert's ratings beside the
consensus, where they disagree, and a rating's history."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from .. import scoring
from ..models import (
    Citation,
    Dimension,
    ExpertRating,
    ProcessAssessment,
    Rating,
    Round,
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
            e.label = labels.get(e.value, e.value)  # the scale's word, not the number
        agreed = consensus.get(d.pk)
        rows.append(
            {
                "dimension": d,
                "consensus": agreed,
                "consensus_label": labels.get(agreed.value, agreed.value) if agreed else "",
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


@dataclass(frozen=True)
class RatingSplit:
    """How a panel's experts rated one process on one dimension, in plain shares."""

    assessment_id: int
    dimension_id: int
    process: str  # the process as the round worded it
    dimension: str  # the dimension's name
    split: scoring.UnitSplit
    labels: dict[int, str]

    @property
    def disagreement(self) -> Fraction:
        """Share of experts outside the most common rating: 0 unanimous, ½ an even split."""
        return self.split.disagreement

    @property
    def text(self) -> str:
        """ "3 of 4 experts: present; 1: absent", most common rating first."""
        value, count = self.split.modal
        rest = sorted(
            ((v, n) for v, n in self.split.counts.items() if v != value), key=lambda vn: -vn[1]
        )
        first = _("%(count)s of %(experts)s experts: %(label)s") % {
            "count": count,
            "experts": self.split.experts,
            "label": self.labels.get(value, value),
        }
        return "; ".join([first, *(f"{n}: {self.labels.get(v, v)}" for v, n in rest)])


def rating_splits(
    round_: Round, expert_ratings: QuerySet[ExpertRating] | None = None
) -> dict[tuple[int, int], RatingSplit]:
    """(assessment id, dimension id) → how its experts split, for every rating two experts
    or more rated; `expert_ratings` narrows it to what the reader may see (permissions.py).
    The chair's sheet sorts by `.disagreement`; the round's overview lists the largest."""
    labels = dict(round_.methodology.scale_levels.values_list("value", "label"))
    if expert_ratings is None:
        expert_ratings = ExpertRating.objects.all()
    rows = (
        expert_ratings.filter(assessment__round=round_)
        .values_list("assessment_id", "dimension_id", "value")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    for assessment, dimension, value, n in rows:
        counts[assessment, dimension][value] = n
    if not counts:
        return {}
    titles = dict(
        ProcessAssessment.objects.filter(pk__in={a for a, _d in counts}).values_list("pk", "title")
    )
    dimensions = dict(
        Dimension.objects.filter(methodology=round_.methodology_id).values_list("pk", "name")
    )
    return {
        key: RatingSplit(
            key[0],
            key[1],
            titles.get(key[0], ""),
            dimensions.get(key[1], ""),
            scoring.UnitSplit(split),
            labels,
        )
        for key, split in counts.items()
        if sum(split.values()) >= 2
    }


def largest_splits(
    round_: Round, expert_ratings: QuerySet[ExpertRating] | None = None, limit: int = 10
) -> list[RatingSplit]:
    """Where the panel split most: the ratings with the largest share of experts outside
    the most common rating, largest first (unanimous ones left out)."""
    splits = [s for s in rating_splits(round_, expert_ratings).values() if not s.split.unanimous]
    splits.sort(key=lambda s: (-s.disagreement, -s.split.experts, s.process, s.dimension))
    return splits[:limit]


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
