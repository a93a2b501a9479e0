"""Reads composed from several models: a round's scores and its consistency report."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import review, scoring
from .models import (
    Citation,
    Dimension,
    ExpertRating,
    JustificationFlag,
    LegalAct,
    Methodology,
    Pair,
    ProcessAssessment,
    ProcessLink,
    PublishedFigure,
    Rating,
    Round,
    Subject,
)
from .names import names_of


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
            PublishedFigure.Kind.DIMENSION_ABSENT: lambda f: (f.dimension.code,),
            PublishedFigure.Kind.PRINCIPAL_SHARE: lambda f: (f.principal.code,),
            PublishedFigure.Kind.OVERALL_INDEX: lambda f: (),
            PublishedFigure.Kind.PRINTED_RATING: lambda f: (f.process.code, f.dimension.code),
        }[f.kind](f)
        printed.append(scoring.Printed(f.kind, key, f.value, f.source))
    return printed


@dataclass
class ReviewInputs:
    """What review() reads beside the ratings, and the words its findings quote."""

    claims: list[review.Claim]
    links: list[review.Link]
    flags: list[review.Flag]
    citations: list[review.CitedArticle]
    notes: dict[tuple[str, ...], dict[str, str]]  # finding key → evidence texts
    scale: dict[str, str]  # rating value → its label
    editions_known: int


def review_inputs(round_: Round, assessed: set[str]) -> ReviewInputs:
    """Five queries, whatever the round's size: claims, links, flags, citations, scale."""
    claims = [
        review.Claim(
            claim=f.claim,
            kind=f.kind,
            key=(),
            subject=f.pair.code if f.claim == f.Claim.WORKING_SHARE else f.principal.code,
            value=f.value,
            source=f.source,
        )
        for f in PublishedFigure.objects.filter(round=round_)
        .exclude(claim="")
        .select_related("pair", "principal")
        .order_by("kind", "pk")
    ]
    notes: dict[tuple[str, ...], dict[str, str]] = {}
    links = []
    for link in ProcessLink.objects.select_related("process", "other"):
        if {link.process.code, link.other.code} <= assessed:
            links.append(review.Link(link.process.code, link.other.code))
            notes["link", link.process.code, link.other.code] = {"note": link.note}
    flags = []
    for flag in JustificationFlag.objects.filter(assessment__round=round_).select_related(
        "assessment__process", "dimension"
    ):
        key = (flag.assessment.process.code, flag.dimension.code)
        flags.append(review.Flag(*key, flag.value))
        notes["flag", *key] = {"quote": flag.quote, "note": flag.note}
    citations = [
        review.CitedArticle(process, act, edition or "", article, known or "")
        for process, act, edition, article, known in Citation.objects.filter(
            assessment__round=round_
        )
        .exclude(article="")
        .values_list(
            "assessment__process__code",
            "act__code",
            "edition__code",
            "article",
            "edition__articles",
        )
    ]
    scale = {
        str(value): label
        for value, label in round_.methodology.scale_levels.values_list("value", "label")
    }
    return ReviewInputs(
        claims=claims,
        links=links,
        flags=flags,
        citations=citations,
        notes=notes,
        scale=scale,
        editions_known=len({(c.act, c.edition) for c in citations if c.known}),
    )


@dataclass
class RoundReport:
    round: Round
    report: scoring.Report
    names: dict[str, dict[str, str]]
    method: scoring.Method
    ratings: dict[str, dict[str, int]]
    items: list[scoring.ProcessInput] = field(default_factory=list)

    @cached_property
    def uncertainty(self) -> tuple[scoring.RoundAgreement, scoring.RoundIntervals]:
        """Agreement and intervals from the experts' own ratings (one query, when asked)."""
        experts = round_expert_ratings(self.round)
        return (
            scoring.round_agreement(self.method, self.items, experts),
            scoring.round_intervals(self.method, self.items, experts),
        )

    @cached_property
    def inputs(self) -> ReviewInputs:
        # Read only when asked for: pages that show the figures alone pay nothing.
        return review_inputs(self.round, set(self.names["process"]))

    @cached_property
    def findings(self) -> list[review.Finding]:
        reading = self.inputs
        return review.review(
            self.method,
            self.report.scores,
            self.ratings,
            claims=reading.claims,
            links=reading.links,
            flags=reading.flags,
            citations=reading.citations,
        )

    @cached_property
    def act_titles(self) -> dict[str, str]:
        """Titles of the acts a finding names, in the active language (read only then)."""
        codes = {f.key[1] for f in self.findings if f.kind == review.MISSING_ARTICLE}
        if not codes:
            return {}
        return names_of(LegalAct.objects.filter(code__in=codes), "title")

    def as_dict(
        self, *, with_findings: bool = True, with_uncertainty: bool = False
    ) -> dict[str, Any]:
        """The report as JSON-ready data; `with_findings=False` leaves out the findings;
        `with_uncertainty=True` adds each figure's interval and the experts' agreement."""
        data = report_as_dict(self, with_findings=with_findings)
        if with_uncertainty:
            add_uncertainty(data, self)
        return data


def round_report(round_: Round) -> RoundReport:
    method, inputs = round_inputs(round_)
    scores = scoring.score_round(method, inputs)
    ratings = round_ratings(round_)
    report = scoring.compare(scores, printed_figures(round_), ratings)
    return RoundReport(
        round=round_,
        report=report,
        names=_names(round_),
        method=method,
        ratings=ratings,
        items=inputs,
    )


def _names(round_: Round) -> dict[str, dict[str, str]]:
    """Display names in the active language, keyed by code, for reports."""
    # A related field (process__pair__name) would skip modeltranslation's choice of
    # language: the pair's name comes from the pairs' own query. Rows, not values: read
    # for a published round, they carry the names it was published with (names.py).
    pairs = names_of(Pair.objects.all())
    processes = ProcessAssessment.objects.for_round(round_).values_list(
        "process__code", "title", "process__pair__code"
    )
    process, pair_of_process = {}, {}
    for code, title, pair in processes:
        process[code] = title
        pair_of_process[code] = pairs.get(pair, pair)
    return {
        "pair": pairs,
        "process": process,
        "pair_of_process": pair_of_process,
        "dimension": dict(
            Dimension.objects.filter(methodology=round_.methodology).values_list("code", "name")
        ),
        "principal": names_of(Subject.objects.all()),
    }


def _pct(value: Fraction | None) -> float | None:
    pct = scoring.percent(value, 2)
    return float(pct) if pct is not None else None


def _num(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def report_as_dict(rr: RoundReport, *, with_findings: bool = True) -> dict[str, Any]:
    """The report as plain JSON-ready data; percentages to two places, exact fractions as text."""
    r, s, names = rr.round, rr.report.scores, rr.names
    return {
        "round": {
            "ref": f"{r.year}-v{r.version}",
            "year": r.year,
            "version": r.version,
            "title": r.title,
            "status": r.status,
        },
        "methodology": {
            "ref": r.methodology.label,
            "code": r.methodology.code,
            "version": r.methodology.version,
        },
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
                "label": str(PublishedFigure.Kind(m.kind).label),
                "measures": _measures(m.kind, m.key, names),
                "printed": _num(m.printed),
                "computed": _num(m.computed),
                "source": m.source,
            }
            for m in rr.report.mismatches
        ],
        **(
            {
                "findings": [_finding_as_dict(f, rr) for f in rr.findings],
                "finding_kinds": _finding_kinds(rr),
            }
            if with_findings
            else {}
        ),
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
        "low": _pct(interval.low),
        "high": _pct(interval.high),
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


def _measures(kind: str, key: tuple[str, ...], names: dict[str, dict[str, str]]) -> str:
    """What a printed figure measures, by name (never by code)."""
    if kind == PublishedFigure.Kind.PRINTED_RATING:
        process, dimension = key
        return f"{names['process'].get(process, process)} / {names['dimension'].get(dimension)}"
    if kind == PublishedFigure.Kind.OVERALL_INDEX:
        return _("the whole round")
    table = {
        PublishedFigure.Kind.PAIR_INDEX: "pair",
        PublishedFigure.Kind.PAIR_REAL: "pair",
        PublishedFigure.Kind.DIMENSION_TOTAL: "dimension",
        PublishedFigure.Kind.DIMENSION_ABSENT: "dimension",
        PublishedFigure.Kind.PRINCIPAL_SHARE: "principal",
    }[kind]
    return names[table].get(key[0], key[0])


FINDING_LABELS = {
    review.SAME_MECHANISM: lambda: _("The same mechanism rated apart in two pairs"),
    review.SHARE_WORDING: lambda: _("A printed share whose wording does not match its computation"),
    review.JUSTIFICATION: lambda: _(
        "A justification that reads against its rating (a flag for the panel, not a verdict)"
    ),
    review.MISSING_ARTICLE: lambda: _("A cited article that its edition does not have"),
}


def _pct_text(value: Any) -> str:
    return "–" if value is None else str(_num(Decimal(value)))


def _finding_as_dict(f: review.Finding, rr: RoundReport) -> dict[str, Any]:
    """A finding in words of the active language: what, and the evidence that shows it."""
    names, notes, v = rr.names, rr.inputs.notes, f.values
    process = names["process"]
    evidence: list[str] = []
    if f.kind == review.SAME_MECHANISM:
        one, other, dimension = f.key
        summary = _(
            "«%(process)s» (%(pair)s) and «%(other)s» (%(other_pair)s) are one mechanism, "
            "rated differently on «%(dimension)s»: «%(value)s» and «%(other_value)s»."
        ) % {
            "process": process.get(one, one),
            "pair": names["pair_of_process"].get(one, ""),
            "other": process.get(other, other),
            "other_pair": names["pair_of_process"].get(other, ""),
            "dimension": names["dimension"].get(dimension, dimension),
            "value": rr.inputs.scale.get(str(v["a"]), v["a"]),
            "other_value": rr.inputs.scale.get(str(v["b"]), v["b"]),
        }
        evidence.append(notes.get(("link", one, other), {}).get("note", ""))
    elif f.kind == review.SHARE_WORDING and f.key[0] == review.WORKING_SHARE:
        pair = f.key[1]
        summary = _(
            "Printed: %(printed)s%% of the processes of «%(pair)s» work. Of its %(n)s "
            "processes, %(full)s work in full (%(full_share)s%%) and %(partly)s at least in "
            "part (%(partly_share)s%%); %(index)s%% is the pair's index, the mean score of its "
            "processes, not a share of them."
        ) % {
            "printed": _pct_text(v["printed"]),
            "pair": names["pair"].get(pair, pair),
            "n": v["processes"],
            "full": v["full"],
            "full_share": _pct_text(v["full_share"]),
            "partly": v["partly"],
            "partly_share": _pct_text(v["partly_share"]),
            "index": _pct_text(v["index"]),
        }
        evidence.append(v["source"])
    elif f.kind == review.SHARE_WORDING:
        principal = f.key[1]
        summary = _(
            "Printed: the system works at about %(printed)s%% of what «%(principal)s», the "
            "principal, expect. %(printed)s%% is the index of every pair (%(overall)s%%), "
            "pairs whose principal is not «%(principal)s» included; over the %(n)s processes "
            "whose principal is «%(principal)s» the index is %(own)s%%."
        ) % {
            "printed": _pct_text(v["printed"]),
            "principal": names["principal"].get(principal, principal),
            "overall": _pct_text(v["overall"]),
            "n": v["processes"],
            "own": _pct_text(v["principal_index"]),
        }
        evidence.append(v["source"])
    elif f.kind == review.JUSTIFICATION:
        one, dimension = f.key
        flag = notes.get(("flag", one, dimension), {})
        summary = _(
            "«%(process)s» is rated «%(value)s» on «%(dimension)s», while its justification "
            "says: «%(quote)s»"
        ) % {
            "process": process.get(one, one),
            "value": rr.inputs.scale.get(str(v["value"]), v["value"]),
            "dimension": names["dimension"].get(dimension, dimension),
            "quote": flag.get("quote", ""),
        }
        evidence.append(flag.get("note", ""))
    else:
        one, act, edition, article = f.key
        summary = _(
            "The justification of «%(process)s» cites article %(article)s of «%(act)s» "
            "(edition %(edition)s), which has the articles %(known)s."
        ) % {
            "process": process.get(one, one),
            "article": article,
            "act": rr.act_titles.get(act, act),
            "edition": edition,
            "known": v["known"],
        }
    return {
        "kind": f.kind,
        "label": FINDING_LABELS[f.kind](),
        "key": list(f.key),
        "summary": summary,
        "evidence": [e for e in evidence if e],
        "values": {k: _json_value(x) for k, x in v.items()},
    }


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return _num(value)
    if isinstance(value, list):
        return [_json_value(x) for x in value]
    return value


def _finding_kinds(rr: RoundReport) -> list[dict[str, Any]]:
    """Each kind of finding, how many were found, and what was checked to find them."""
    reading = rr.inputs
    n_links, n_claims = len(reading.links), len(reading.claims)
    n_flags, n_cited = len(reading.flags), len(reading.citations)
    checked = {
        review.SAME_MECHANISM: ngettext(
            "%(n)s pair of processes linked as one mechanism",
            "%(n)s pairs of processes linked as one mechanism",
            n_links,
        )
        % {"n": n_links},
        review.SHARE_WORDING: ngettext(
            "%(n)s printed figure whose wording says what it measures",
            "%(n)s printed figures whose wording says what they measure",
            n_claims,
        )
        % {"n": n_claims},
        review.JUSTIFICATION: ngettext(
            "%(n)s flag raised by a reading of the justifications",
            "%(n)s flags raised by a reading of the justifications",
            n_flags,
        )
        % {"n": n_flags},
        review.MISSING_ARTICLE: ngettext("%(n)s cited article", "%(n)s cited articles", n_cited)
        % {"n": n_cited}
        + "; "
        + ngettext(
            "the articles of %(n)s cited edition are known",
            "the articles of %(n)s cited editions are known",
            reading.editions_known,
        )
        % {"n": reading.editions_known},
    }
    return [
        {
            "kind": kind,
            "label": FINDING_LABELS[kind](),
            "found": sum(f.kind == kind for f in rr.findings),
            "checked": checked[kind],
        }
        for kind in review.FINDING_KINDS
    ]


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
