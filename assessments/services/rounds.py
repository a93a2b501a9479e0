"""A round's life: its steps before publishing, its texts, the checklist and the
publication, the next year's round and errata."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from simple_history.utils import bulk_create_with_history

from .. import names, permissions
from ..models import (
    Citation,
    DevelopmentInitiative,
    JustificationFlag,
    Passage,
    PrintedName,
    ProcessAssessment,
    PublishedFigure,
    Rating,
    Recommendation,
    Round,
    Thread,
)
from .base import (
    LANGS,
    InvalidInput,
    PublishBlocked,
    Texts,
    check_revision,
    ensure_allowed,
    ensure_known_fields,
    ensure_open,
    locked_round,
    required_reason,
    save_round,
    save_with_history,
    set_texts,
)

TRANSITIONS = {
    Round.Status.DRAFT: {Round.Status.OPEN},
    Round.Status.OPEN: {Round.Status.DRAFT, Round.Status.REVIEW},
    Round.Status.REVIEW: {Round.Status.OPEN},
}


def transition_round(*, actor, round_: Round, to: str, reason: str) -> Round:
    """draft → open for rating → in review (and back a step). Publishing is publish_round."""
    reason = required_reason(reason)
    ensure_allowed(
        permissions.can_manage_rounds(actor), _("Only institute staff move a round along.")
    )
    with transaction.atomic():
        row = locked_round(round_)
        ensure_open(row)
        if to not in TRANSITIONS.get(row.status, set()):
            raise InvalidInput(
                _("A round cannot go from %(from)s to %(to)s.")
                % {"from": row.get_status_display(), "to": Round.Status(to).label}
            )
        row.status = to
        save_round(row, actor=actor, reason=reason, fields=["status"])
        return row


ROUND_TEXTS = ("title", "summary", "changelog")


def update_round(
    *,
    actor,
    round_: Round,
    texts: Mapping[str, Texts],
    reason: str,
    expected_revision: int | None,
) -> Round:
    """Change a round's title, summary or changelog (staff), before it is published: the
    changelog of errata says what they correct, and publishing them needs it."""
    reason = required_reason(reason)
    ensure_known_fields(texts, ROUND_TEXTS)
    ensure_allowed(permissions.can_manage_rounds(actor), _("Only institute staff change a round."))
    with transaction.atomic():
        row = locked_round(round_)
        ensure_open(row)
        check_revision(
            row, expected_revision, [f"{n}_{lang}" for n in ROUND_TEXTS for lang in LANGS]
        )
        for name, value in texts.items():
            set_texts(row, name, value)
        fields = [field for name in texts for field in (name, *(f"{name}_{ln}" for ln in LANGS))]
        save_round(row, actor=actor, reason=reason, fields=fields)
        return row


def scrutiny_problems(round_: Round) -> list[str]:
    """Peer review comments the chair has not answered (peer_review.py), and reply windows
    still open to the rated body (replies.py)."""
    from .peer_review import unanswered_review_comments
    from .replies import deadline_text, open_windows

    return [
        *(
            _("%(process)s: %(n)s peer review comment(s) await the chair's answer.")
            % {"process": title, "n": n}
            for title, n in unanswered_review_comments(round_).items()
        ),
        *(
            _(
                "%(pair)s: the reply window is open until %(deadline)s; wait for it, or close "
                "it early."
            )
            % {"pair": w.pair.name, "deadline": deadline_text(w)}
            for w in open_windows(round_)
        ),
    ]


@dataclass(frozen=True)
class Blocker:
    """One thing that stands in the way of publishing, said in words, with where it is."""

    kind: str  # "empty", "carried", "missing", "thread" or "scrutiny" (review, reply)
    message: str
    assessment_id: int | None = None
    dimension_id: int | None = None
    thread_id: int | None = None


def publication_checklist(round_: Round) -> list[Blocker]:
    """Every blocker of publishing a round, in the order of the study: per process its
    carried-over ratings and missing ones, then each open discussion thread."""
    dimensions = list(round_.methodology.dimensions.all())
    assessments = list(
        ProcessAssessment.objects.for_round(round_)
        .select_related("process__pair")
        .prefetch_related("ratings")
        .order_by("process__pair__position", "position", "pk")
    )
    if not assessments:
        return [Blocker("empty", _("The round has no processes."))]
    blockers = []
    for a in assessments:
        ratings = {r.dimension_id: r for r in a.ratings.all()}
        carried = [d for d in dimensions if d.pk in ratings and ratings[d.pk].carried_over]
        missing = [d for d in dimensions if d.pk not in ratings]
        if carried:
            blockers.append(
                Blocker(
                    "carried",
                    ngettext(
                        "%(process)s: %(n)s rating carried over and not re-examined.",
                        "%(process)s: %(n)s ratings carried over and not re-examined.",
                        len(carried),
                    )
                    % {"process": a.title, "n": len(carried)},
                    assessment_id=a.pk,
                    dimension_id=carried[0].pk,
                )
            )
        if missing:
            blockers.append(
                Blocker(
                    "missing",
                    _("%(process)s: no consensus rating on %(dimensions)s.")
                    % {"process": a.title, "dimensions": ", ".join(d.name for d in missing)},
                    assessment_id=a.pk,
                    dimension_id=missing[0].pk,
                )
            )
    threads = (
        Thread.objects.filter(assessment__round=round_, status=Thread.Status.OPEN)
        .select_related("assessment")
        .order_by("created_at", "pk")
    )
    for t in threads:
        blockers.append(
            Blocker(
                "thread",
                _("Open discussion on %(process)s: “%(title)s”.")
                % {"process": t.assessment.title, "title": t.title},
                assessment_id=t.assessment_id,
                dimension_id=t.dimension_id,
                thread_id=t.pk,
            )
        )
    blockers.extend(Blocker("scrutiny", message) for message in scrutiny_problems(round_))
    return blockers


def publication_problems(round_: Round) -> tuple[list[str], int]:
    """What stands in the way of publishing: missing or unconfirmed ratings, in words; and
    how many discussion threads are open (staff may publish over them)."""
    checklist = publication_checklist(round_)
    problems = [b.message for b in checklist if b.kind != "thread"]
    return problems, sum(1 for b in checklist if b.kind == "thread")


def publish_round(
    *,
    actor,
    round_: Round,
    reason: str,
    override_open_threads: bool = False,
) -> Round:
    """Publish a round (or its errata, which then supersede the version they correct).

    Checks: every process has a confirmed consensus rating on every dimension;
    no open discussion thread unless staff override it (the override is recorded).
    """
    reason = required_reason(reason)
    ensure_allowed(permissions.can_manage_rounds(actor), _("Only institute staff publish a round."))
    with transaction.atomic():
        row = locked_round(round_)
        ensure_open(row)
        problems, open_threads = publication_problems(row)
        if open_threads and not override_open_threads:
            problems.append(
                _(
                    "%(n)s discussion thread(s) are still open: close them, or publish with "
                    "the override."
                )
                % {"n": open_threads}
            )
        if row.corrects_id and not (row.changelog or "").strip():
            problems.append(_("Errata need a changelog saying what was corrected."))
        if problems:
            raise PublishBlocked(_("The round cannot be published yet."), problems=problems)
        if open_threads:
            reason = (
                f"{reason} [" + _("published over %(n)s open thread(s)") % {"n": open_threads} + "]"
            )
        if row.corrects_id:
            corrected = locked_round(row.corrects)
            if corrected.status == Round.Status.PUBLISHED:
                corrected.status = Round.Status.SUPERSEDED
                save_round(
                    corrected,
                    actor=actor,
                    reason=_("Superseded by version %(v)s: %(r)s")
                    % {"v": row.version, "r": reason},
                    fields=["status"],
                )
        # The names it prints, as they read now: later corrections reach it only by errata.
        texts = names.current_texts()
        fields = ["status", "published_at"]
        if row.corrects_id and _note_renamings(row, texts):
            fields += [f"changelog_{lang}" for lang in LANGS]
        names.capture(row, texts)
        row.status = Round.Status.PUBLISHED
        row.published_at = timezone.now()
        save_round(row, actor=actor, reason=reason, fields=fields)
        return row


def _note_renamings(row: Round, texts: names.Snapshot) -> bool:
    """Errata say which names they correct: each changed name, old → new, at the end of the
    changelog in every language. False when no name changed since the corrected version."""
    noted = False
    for lang in LANGS:
        with translation.override(lang):
            lines = names.naming_changes(row.corrects, texts)
            if not lines:
                continue
            heading = _("Names corrected since version %(v)s:") % {"v": row.corrects.version}
            current = (getattr(row, f"changelog_{lang}") or "").rstrip()
            text = "\n".join([heading, *(f"- {line}" for line in lines)])
            setattr(row, f"changelog_{lang}", f"{current}\n\n{text}" if current else text)
            noted = True
    return noted


def _copy_round(source: Round, target: Round, *, actor, reason: str, carried_over: bool) -> None:
    """Copy the structure, consensus ratings and evidence of `source` into `target`."""
    assessments = list(
        ProcessAssessment.objects.for_round(source).prefetch_related("ratings", "citations")
    )
    copies = []
    for a in assessments:
        copy = ProcessAssessment(
            round=target,
            process_id=a.process_id,
            position=a.position,
            verdict=a.verdict,
            **{
                f"{name}_{lang}": getattr(a, f"{name}_{lang}")
                for name in ("title", "verdict_text", "justification")
                for lang in LANGS
            },
        )
        copies.append(copy)
    copies = bulk_create_with_history(
        copies, ProcessAssessment, default_user=actor, default_change_reason=reason
    )
    by_process = {c.process_id: c for c in ProcessAssessment.objects.for_round(target)}
    ratings, citations = [], []
    for a in assessments:
        copy = by_process[a.process_id]
        for r in a.ratings.all():
            ratings.append(
                Rating(
                    assessment=copy,
                    dimension_id=r.dimension_id,
                    value=r.value,
                    carried_over=carried_over,
                    **{
                        f"justification_{lang}": getattr(r, f"justification_{lang}")
                        for lang in LANGS
                    },
                )
            )
        for c in a.citations.all():
            citations.append(
                Citation(
                    assessment=copy,
                    act_id=c.act_id,
                    edition_id=c.edition_id,
                    article=c.article,
                    part=c.part,
                    dimension_id=c.dimension_id,
                    position=c.position,
                    needs_reverification=carried_over or c.needs_reverification,
                    **{f"note_{lang}": getattr(c, f"note_{lang}") for lang in LANGS},
                )
            )
    bulk_create_with_history(ratings, Rating, default_user=actor, default_change_reason=reason)
    bulk_create_with_history(citations, Citation, default_user=actor, default_change_reason=reason)


def _in_every_language(field: str, message, **values) -> dict[str, str]:
    """A translated message as the field's value in each language: {field_ky: ..., ...}."""
    texts = {}
    for lang in LANGS:
        with translation.override(lang):
            texts[f"{field}_{lang}"] = str(message) % values
    return texts


def start_next_round(
    *,
    actor,
    source: Round,
    year: int,
    reason: str,
    title: Mapping[str, str] | None = None,
) -> Round:
    """Next year's round from a published one: its structure, and its consensus ratings as
    proposals marked "carried over, not re-examined"; citations to re-verify."""
    reason = required_reason(reason)
    ensure_allowed(permissions.can_manage_rounds(actor), _("Only institute staff start a round."))
    source = Round.objects.select_related("methodology").get(pk=source.pk)
    if not source.is_frozen:
        raise InvalidInput(_("A new round starts from a published one."))
    if year <= source.year:
        raise InvalidInput(
            _("The new round's year must come after %(year)s.") % {"year": source.year},
            errors={"year": [_("Too early.")]},
        )
    with transaction.atomic():
        if Round.objects.filter(year=year).exists():
            raise InvalidInput(
                _("A round for %(year)s exists already.") % {"year": year},
                errors={"year": [_("Taken.")]},
            )
        titles = dict(title or {})
        new = Round(
            year=year,
            version=1,
            methodology=source.methodology,
            previous=source,
            status=Round.Status.DRAFT,
            **_in_every_language(
                "source", gettext_lazy("Started from round %(year)s."), year=source.year
            ),
            **{
                f"title_{lang}": titles.get(lang)
                or (getattr(source, f"title_{lang}") or "").replace(str(source.year), str(year))
                for lang in LANGS
            },
        )
        save_with_history(new, actor=actor, reason=reason, bump=False)
        _copy_round(source, new, actor=actor, reason=reason, carried_over=True)
        return new


def start_errata(*, actor, round_: Round, reason: str) -> Round:
    """A correctable copy of a published round: its next version, to be published as errata."""
    reason = required_reason(reason)
    ensure_allowed(permissions.can_manage_rounds(actor), _("Only institute staff issue errata."))
    with transaction.atomic():
        source = locked_round(round_)
        if source.status != Round.Status.PUBLISHED:
            raise InvalidInput(_("Errata correct the current published version of a round."))
        if Round.objects.filter(corrects=source).exclude(status__in=Round.FROZEN_STATUSES).exists():
            raise InvalidInput(_("Errata to this version are already being prepared."))
        version = (Round.objects.filter(year=source.year).order_by("-version").first().version) + 1
        new = Round(
            year=source.year,
            version=version,
            methodology=source.methodology,
            previous=source.previous,
            corrects=source,
            status=Round.Status.REVIEW,
            **{
                f"{name}_{lang}": getattr(source, f"{name}_{lang}")
                for name in ("title", "summary", "source")
                for lang in LANGS
            },
        )
        save_with_history(new, actor=actor, reason=reason, bump=False)
        _copy_round(source, new, actor=actor, reason=reason, carried_over=False)
        for model in (DevelopmentInitiative, PublishedFigure, Passage):
            rows = list(model.objects.filter(round=source))
            for row in rows:
                row.pk = None
                row.round = new
            model.objects.bulk_create(rows)
        _copy_publication(source, new)
        return new


def _copy_publication(source: Round, target: Round) -> None:
    """Errata correct the same publication: its recommendations (with the observers they
    concern), the names as each place printed them, and the flags on its justifications."""
    for rec in Recommendation.objects.filter(round=source).prefetch_related("subjects"):
        subjects = list(rec.subjects.all())
        rec.pk, rec.round = None, target
        rec._prefetched_objects_cache = {}  # else the copy would seem to have them already
        rec.save()
        rec.subjects.add(*subjects)
    assessment_of = dict(
        ProcessAssessment.objects.for_round(target).values_list("process_id", "pk")
    )
    names = list(PrintedName.objects.filter(round=source).select_related("assessment"))
    for name in names:
        name.pk, name.round = None, target
        if name.assessment_id:
            name.assessment_id = assessment_of[name.assessment.process_id]
    PrintedName.objects.bulk_create(names)
    flags = list(
        JustificationFlag.objects.filter(assessment__round=source).select_related("assessment")
    )
    for flag in flags:
        flag.pk = None
        flag.assessment_id = assessment_of[flag.assessment.process_id]
    JustificationFlag.objects.bulk_create(flags)
