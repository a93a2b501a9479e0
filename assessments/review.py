"""What a careful reviewer finds beside the printed figures: pure functions over plain data.

Like scoring.py, no Django: `selectors.review_inputs()` feeds it. Four kinds of finding,
each a place to look at again, never a verdict (docs/method.md):

- the same mechanism rated apart in two pairs (processes linked as one mechanism);
- a printed share whose wording does not match its computation ("67% of the processes
  work" where 67% is the pair's index);
- a justification that reads against its rating (a flag that stands while the rating does);
- a cited article that its edition does not have, where the edition's articles are known.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from .scoring import Method, RoundScores, _mean, percent

SAME_MECHANISM = "same_mechanism_rated_apart"
SHARE_WORDING = "share_wording"
JUSTIFICATION = "justification_against_rating"
MISSING_ARTICLE = "article_not_in_edition"
FINDING_KINDS = (SAME_MECHANISM, SHARE_WORDING, JUSTIFICATION, MISSING_ARTICLE)

# What the words printed around a figure say it is (PublishedFigure.Claim).
WORKING_SHARE = "working_share"
PRINCIPAL_INDEX = "principal_index"


@dataclass(frozen=True)
class Claim:
    """A printed figure whose wording says what it measures: `subject` is a pair or principal."""

    claim: str
    kind: str
    key: tuple[str, ...]
    subject: str
    value: Decimal
    source: str = ""


@dataclass(frozen=True)
class Link:
    """Two processes (of two pairs) that are one mechanism."""

    process: str
    other: str


@dataclass(frozen=True)
class Flag:
    """A justification that reads against the rating `value` of `process` on `dimension`."""

    process: str
    dimension: str
    value: int


@dataclass(frozen=True)
class CitedArticle:
    process: str
    act: str
    edition: str
    article: str
    known: str  # the edition's article numbers, as ranges; "" when not known


@dataclass(frozen=True)
class Finding:
    """One thing to look at again: `key` says where, `values` the figures that show it."""

    kind: str
    key: tuple[str, ...]
    values: Mapping[str, object] = field(default_factory=dict)


def article_numbers(text: str) -> set[int] | None:
    """ "1-114, 120" → {1, …, 114, 120}; "" → empty; None when it is not numbers and ranges."""
    numbers: set[int] = set()
    for part in (p.strip() for p in text.replace("–", "-").split(",")):
        if not part:
            continue
        low, sep, high = part.partition("-")
        if not low.strip().isdigit() or (sep and not high.strip().isdigit()):
            return None
        first, last = int(low), int(high or low)
        if last < first:
            return None
        numbers.update(range(first, last + 1))
    return numbers


def review(
    method: Method,
    scores: RoundScores,
    ratings: Mapping[str, Mapping[str, int]],
    *,
    claims: Iterable[Claim] = (),
    links: Iterable[Link] = (),
    flags: Iterable[Flag] = (),
    citations: Iterable[CitedArticle] = (),
) -> list[Finding]:
    """Findings of the four kinds, in that order; each names what it is about and its figures."""
    findings: list[Finding] = []
    findings += _rated_apart(method, ratings, links)
    findings += _share_wordings(scores, claims)
    findings += [
        Finding(JUSTIFICATION, (f.process, f.dimension), {"value": f.value})
        for f in flags
        if ratings.get(f.process, {}).get(f.dimension) == f.value
    ]
    findings += _missing_articles(citations)
    return findings


def _rated_apart(
    method: Method, ratings: Mapping[str, Mapping[str, int]], links: Iterable[Link]
) -> list[Finding]:
    found = []
    for link in links:
        one, other = ratings.get(link.process), ratings.get(link.other)
        if not one or not other:
            continue  # one of them is not assessed in this round
        for d in method.dimensions:
            a, b = one.get(d.code), other.get(d.code)
            if a is not None and b is not None and a != b:
                found.append(
                    Finding(SAME_MECHANISM, (link.process, link.other, d.code), {"a": a, "b": b})
                )
    return found


def _share_wordings(scores: RoundScores, claims: Iterable[Claim]) -> list[Finding]:
    found = []
    for c in claims:
        places = max(0, -c.value.normalize().as_tuple().exponent)
        if c.claim == WORKING_SHARE:
            members = [p for p in scores.processes if p.pair == c.subject and p.included]
            if not members:
                continue
            full = sum(p.score == 1 for p in members)
            partly = sum(p.works for p in members)
            n = len(members)
            shares = {percent(Fraction(full, n), places), percent(Fraction(partly, n), places)}
            if c.value not in shares:
                found.append(
                    Finding(
                        SHARE_WORDING,
                        (c.claim, c.subject),
                        {
                            "printed": c.value,
                            "processes": n,
                            "full": full,
                            "full_share": percent(Fraction(full, n), places),
                            "partly": partly,
                            "partly_share": percent(Fraction(partly, n), places),
                            "index": percent(_index(scores, pair=c.subject), places),
                            "source": c.source,
                        },
                    )
                )
        elif c.claim == PRINCIPAL_INDEX:
            own = percent(_index(scores, principal=c.subject), places)
            if own is not None and c.value != own:
                found.append(
                    Finding(
                        SHARE_WORDING,
                        (c.claim, c.subject),
                        {
                            "printed": c.value,
                            "processes": sum(
                                p.included for p in scores.processes if p.principal == c.subject
                            ),
                            "principal_index": own,
                            "overall": percent(scores.overall, places),
                            "source": c.source,
                        },
                    )
                )
    return found


def _index(scores: RoundScores, *, pair: str | None = None, principal: str | None = None):
    members = [
        p.score
        for p in scores.processes
        if p.included and (pair is None or p.pair == pair)
        if principal is None or p.principal == principal
    ]
    return _mean(members)


def _missing_articles(citations: Iterable[CitedArticle]) -> list[Finding]:
    found = []
    for c in citations:
        known = article_numbers(c.known) if c.known else None
        cited = article_numbers(c.article) if c.article else None
        if not known or not cited:
            continue  # the edition's articles are not known, or the citation names none
        missing = sorted(cited - known)
        if missing:
            found.append(
                Finding(
                    MISSING_ARTICLE,
                    (c.process, c.act, c.edition, c.article),
                    {"missing": missing, "known": c.known},
                )
            )
    return found
