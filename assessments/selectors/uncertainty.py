"""How sure a round's figures are: the experts' own ratings, their agreement and the
intervals resampling them gives, in words for a reader."""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import scoring
from ..models import (
    ExpertRating,
    Round,
)
from .inputs import round_inputs
from .values import percent_value

if TYPE_CHECKING:
    from .report import RoundReport


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


def interval_note(interval: scoring.Interval) -> str:
    """Why a figure has no interval, in words ("" when it has one)."""
    if interval.status == scoring.NO_EXPERT_RATINGS:
        return _(
            "No interval: the round was rated by its panel's consensus alone, without the "
            "experts' own ratings."
        )
    if interval.status == scoring.TOO_FEW:
        return ngettext(
            "No interval: too few expert ratings (%(n)s expert rated a pair it depends on; "
            "it takes two).",
            "No interval: too few expert ratings (%(n)s experts rated a pair it depends on; "
            "it takes two).",
            interval.experts,
        ) % {"n": interval.experts}
    return ""


def interval_text(interval: scoring.Interval | None) -> str:
    """ "45–60%" (whole percent, as the figures are printed), or "" when there is none."""
    if interval is None or not interval.computed or interval.low is None:
        return ""
    low, high = scoring.percent(interval.low), scoring.percent(interval.high)
    return f"{low}%" if low == high else f"{low}–{high}%"


def agreement_note(agreement: scoring.Agreement) -> str:
    """Agreement in words: alpha and the plain count, or why alpha is not computed."""
    if agreement.status == scoring.NO_EXPERT_RATINGS:
        return _("No expert ratings: the round was rated by its panel's consensus alone.")
    unanimous = ngettext(
        "every expert rated alike %(same)s of %(n)s process rating",
        "every expert rated alike %(same)s of %(n)s process ratings",
        agreement.units,
    ) % {"same": agreement.unanimous, "n": agreement.units}
    if agreement.status == scoring.TOO_FEW:
        return _("Too few expert ratings to measure agreement (%(unanimous)s).") % {
            "unanimous": unanimous
        }
    if agreement.status == scoring.NO_VARIATION:
        return _("Full agreement: %(unanimous)s.") % {"unanimous": unanimous}
    return _("Krippendorff's alpha %(alpha)s; %(unanimous)s.") % {
        "alpha": alpha_text(agreement.alpha),
        "unanimous": unanimous,
    }


def alpha_text(alpha: Fraction | None) -> str:
    return "–" if alpha is None else f"{float(alpha):.2f}"


def _interval_dict(interval: scoring.Interval) -> dict[str, Any]:
    return {
        "status": interval.status,
        "low": percent_value(interval.low),
        "high": percent_value(interval.high),
        "experts": interval.experts,
        "exact": interval.exact if interval.computed else None,
        "text": interval_text(interval),
        "note": interval_note(interval),
    }


def _agreement_dict(agreement: scoring.Agreement) -> dict[str, Any]:
    return {
        "status": agreement.status,
        "alpha": None if agreement.alpha is None else round(float(agreement.alpha), 4),
        "units": agreement.units,
        "unanimous": agreement.unanimous,
        "experts": agreement.experts,
        "note": agreement_note(agreement),
    }


def add_uncertainty(data: dict[str, Any], rr: RoundReport) -> None:
    """Each figure's interval beside it, and how much the experts agree, into a report dict.

    Aggregates only: alpha and counts per round, pair, dimension and process. How each
    expert rated, and the split on one process and dimension, stay with the panel
    (docs/workflow.md, "Who sees what").
    """
    agreement, intervals = rr.uncertainty
    level = intervals.level
    for entry in data["pairs"]:
        entry["interval"] = _interval_dict(intervals.pairs[entry["pair"]])
    for entry in data["dimensions"]:
        found = intervals.dimensions.get(entry["dimension"])
        entry["interval"] = _interval_dict(found) if found else None
    for entry in data["principals"]:
        entry["interval"] = _interval_dict(intervals.principals[entry["principal"]])
    data["overall_interval"] = _interval_dict(intervals.overall)
    names = rr.names
    data["uncertainty"] = {
        "level": float(level),
        "expert_ratings": agreement.overall.status != scoring.NO_EXPERT_RATINGS,
        "note": uncertainty_note(agreement.overall),
        "agreement": {
            "measurement": agreement.overall.level,
            "overall": _agreement_dict(agreement.overall),
            "pairs": [
                {"pair": code, "name": names["pair"].get(code, code), **_agreement_dict(a)}
                for code, a in agreement.pairs.items()
            ],
            "dimensions": [
                {
                    "dimension": code,
                    "name": names["dimension"].get(code, code),
                    **_agreement_dict(a),
                }
                for code, a in agreement.dimensions.items()
            ],
            "processes": [
                {
                    "process": code,
                    "name": names["process"].get(code, code),
                    **_agreement_dict(a),
                }
                for code, a in agreement.processes.items()
            ],
        },
    }


def uncertainty_note(overall: scoring.Agreement) -> str:
    """One sentence on what the intervals are, or why a round has none."""
    if overall.status == scoring.NO_EXPERT_RATINGS:
        return _(
            "This round was rated by its panel's consensus alone; the experts' own ratings "
            "were not kept, so its figures carry no interval and no measure of agreement."
        )
    return _(
        "Each interval is the central %(level)s%% of the figure over every panel that could "
        "have been drawn from the experts who rated it (resampling experts within each pair)."
    ) % {"level": scoring.percent(scoring.INTERVAL_LEVEL)}
