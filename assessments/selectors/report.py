"""A round's report: its scores, the figures it printed compared with them, what a
careful review finds, all as JSON-ready data with names (never codes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import review, scoring
from ..models import (
    Dimension,
    LegalAct,
    Pair,
    ProcessAssessment,
    PublishedFigure,
    Round,
    Subject,
)
from ..names import names_of
from .inputs import ReviewInputs, printed_figures, review_inputs, round_inputs, round_ratings
from .uncertainty import add_uncertainty, round_expert_ratings
from .values import number_value, percent_value


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
                "score": percent_value(p.score),
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
                "index": percent_value(p.index),
                "ideal": percent_value(p.ideal),
            }
            for p in s.pairs
        ],
        "dimensions": [
            {
                "dimension": d.dimension,
                "name": names["dimension"].get(d.dimension, d.dimension),
                "assessed": d.assessed,
                "total": percent_value(d.total),
            }
            for d in s.dimensions
        ],
        "principals": [
            {
                "principal": p.principal,
                "name": names["principal"].get(p.principal, p.principal),
                "processes": p.processes,
                "working": p.working,
                "share": percent_value(p.share),
            }
            for p in s.principals
        ],
        "overall_index": percent_value(s.overall),
        "mismatches": [
            {
                "kind": m.kind,
                "key": list(m.key),
                "label": str(PublishedFigure.Kind(m.kind).label),
                "measures": _measures(m.kind, m.key, names),
                "printed": number_value(m.printed),
                "computed": number_value(m.computed),
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
            {
                "kind": u.kind,
                "key": list(u.key),
                "printed": number_value(u.value),
                "source": u.source,
            }
            for u in rr.report.unmatched
        ],
    }


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
    return "–" if value is None else str(number_value(Decimal(value)))


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
        return number_value(value)
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
