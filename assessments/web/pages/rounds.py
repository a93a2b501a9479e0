"""Which rounds the public pages may read: every lookup starts from
`permissions.public_rounds()`, so drafts and rounds in work do not exist here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.http import Http404

from assessments import names, permissions
from assessments.models import Methodology, Round

from ..converters import RoundRef


def published_rounds() -> list[Round]:
    """Every round the public may read (published and superseded), newest first: one query.
    A page about them all names things as the newest does (unless its round is named)."""
    rounds = list(
        permissions.public_rounds().select_related("methodology").order_by("-year", "-version")
    )
    names.reading_rounds(rounds)
    return rounds


def published_round(ref: RoundRef) -> Round:
    """The published round a URL names, or 404: drafts and rounds in work do not exist here."""
    rounds = permissions.public_rounds().select_related("methodology").filter(year=ref.year)
    if ref.version is not None:
        rounds = rounds.filter(version=ref.version)
    round_ = rounds.order_by("-version").first()
    if round_ is None:
        raise Http404("No published round of that year and version.")
    names.reading(round_)  # the page prints the names it was published with
    return round_


def current_version_of(round_: Round) -> Round | None:
    """For a superseded round: the version that replaced it."""
    if round_.status != Round.Status.SUPERSEDED:
        return None
    return (
        Round.objects.filter(year=round_.year, status=Round.Status.PUBLISHED)
        .order_by("-version")
        .first()
    )


def signature(rounds: Iterable[Round]) -> tuple:
    """What the pages built on the set of published rounds depend on (for their ETag)."""
    return tuple((r.pk, r.version, r.status, r.published_at) for r in rounds)


def default_pair(rounds: Sequence[Round]) -> tuple[Round, Round] | None:
    """The two latest current versions, older first: what the comparison shows unless asked."""
    current = [r for r in rounds if r.status == Round.Status.PUBLISHED]
    current.sort(key=lambda r: (r.year, r.version), reverse=True)
    if len(current) < 2:
        return None
    return current[1], current[0]


def find(rounds: Sequence[Round], ref: RoundRef) -> Round | None:
    """The round `ref` names among the published ones: the current version when none is given."""
    matching = [
        r
        for r in rounds
        if r.year == ref.year and (ref.version is None or r.version == ref.version)
    ]
    return max(matching, key=lambda r: r.version, default=None)


# --- the methodology of the published rounds ----------------------------------------


def methodologies(rounds: Sequence[Round]) -> list[tuple[Methodology, list[Round]]]:
    """The methodologies of the published rounds, newest first, each with its rounds."""
    used: dict[int, list[Round]] = {}
    for r in rounds:
        used.setdefault(r.methodology_id, []).append(r)
    found = {
        m.pk: m
        for m in Methodology.objects.filter(pk__in=used).prefetch_related(
            "dimensions", "scale_levels"
        )
    }
    return [(found[pk], members) for pk, members in used.items() if pk in found]
