"""The assessment's text and its evidence: the verdict, the justification, citations."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from .. import permissions
from ..models import (
    Citation,
    Dimension,
    LegalAct,
    LegalActEdition,
    ProcessAssessment,
)
from .base import (
    LANGS,
    check_revision,
    ensure_allowed,
    ensure_known_fields,
    ensure_open,
    fresh_assessment,
    required_reason,
    save_with_history,
)

ASSESSMENT_FIELDS = ["verdict"] + [
    f"{name}_{lang}" for name in ("title", "verdict_text", "justification") for lang in LANGS
]


def update_assessment(
    *,
    actor,
    assessment: ProcessAssessment,
    changes: Mapping[str, Any],
    reason: str,
    expected_revision: int | None,
) -> ProcessAssessment:
    """Change the verdict, its wording, the justification or the title of a process assessment."""
    reason = required_reason(reason)
    ensure_known_fields(changes, ASSESSMENT_FIELDS)
    with transaction.atomic():
        row = ProcessAssessment.objects.select_for_update().get(pk=assessment.pk)
        row = fresh_assessment(row)
        ensure_open(row.round)
        ensure_allowed(
            permissions.can_edit_assessment(actor, row),
            _("Only the panel's chair may change the verdict and justification."),
        )
        check_revision(row, expected_revision, ASSESSMENT_FIELDS)
        for name, value in changes.items():
            setattr(row, name, value)
        save_with_history(row, actor=actor, reason=reason)
        return row


CITATION_FIELDS = ["act", "edition", "article", "part", "dimension", "needs_reverification"] + [
    f"note_{lang}" for lang in LANGS
]


def add_citation(
    *,
    actor,
    assessment: ProcessAssessment,
    act: LegalAct,
    reason: str,
    edition: LegalActEdition | None = None,
    article: str = "",
    part: str = "",
    dimension: Dimension | None = None,
    note: Mapping[str, str] | None = None,
) -> Citation:
    reason = required_reason(reason)
    with transaction.atomic():
        assessment = fresh_assessment(assessment)
        ensure_open(assessment.round)
        ensure_allowed(
            permissions.can_add_evidence(actor, assessment),
            _("Only members of a panel covering this pair may add evidence."),
        )
        citation = Citation(
            assessment=assessment,
            act=act,
            edition=edition,
            article=article,
            part=part,
            dimension=dimension,
            position=assessment.citations.count() + 1,
            **{f"note_{lang}": (note or {}).get(lang, "") for lang in LANGS},
        )
        save_with_history(citation, actor=actor, reason=reason)
        return citation


def update_citation(
    *,
    actor,
    citation: Citation,
    changes: Mapping[str, Any],
    reason: str,
    expected_revision: int | None,
) -> Citation:
    """Change a citation; saving it with needs_reverification=False records that it was checked."""
    reason = required_reason(reason)
    ensure_known_fields(changes, CITATION_FIELDS)
    with transaction.atomic():
        row = Citation.objects.select_for_update().get(pk=citation.pk)
        assessment = fresh_assessment(row.assessment)
        ensure_open(assessment.round)
        ensure_allowed(
            permissions.can_edit_assessment(actor, assessment),
            _("Only the panel's chair may change a citation."),
        )
        check_revision(row, expected_revision, CITATION_FIELDS)
        for name, value in changes.items():
            setattr(row, name, value)
        save_with_history(row, actor=actor, reason=reason)
        return row


def remove_citation(
    *, actor, citation: Citation, reason: str, expected_revision: int | None
) -> None:
    reason = required_reason(reason)
    with transaction.atomic():
        row = Citation.objects.select_for_update().get(pk=citation.pk)
        assessment = fresh_assessment(row.assessment)
        ensure_open(assessment.round)
        ensure_allowed(
            permissions.can_edit_assessment(actor, assessment),
            _("Only the panel's chair may remove a citation."),
        )
        check_revision(row, expected_revision, CITATION_FIELDS)
        row._change_reason = reason
        row._history_user = actor
        row.delete()


def superseded_editions_before(year: int) -> Q:
    """Citations whose edition was replaced before `year` began (for filters and reports)."""
    return Q(edition__valid_until__lt=datetime.date(year, 1, 1))
