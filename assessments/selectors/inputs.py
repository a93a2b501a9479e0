"""What the method reads for a round: its ratings, the figures it printed, and what a
careful review reads beside them (scoring.py and review.py are pure; these feed them)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .. import review, scoring
from ..models import (
    Citation,
    JustificationFlag,
    Methodology,
    ProcessAssessment,
    ProcessLink,
    PublishedFigure,
    Rating,
    Round,
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
