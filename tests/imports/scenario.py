"""The issue's scenario as one helper: 2016 exported, edited as 2025, imported, published.

Used by the import tests, the admin comparison tests and the browser test, so that all
three look at a 2025 round made the way staff and panels make it.
"""

from __future__ import annotations

from assessments import services
from assessments.exchange import imports
from assessments.models import Rating, Round

from .conftest import edit_xlsx, export_xlsx, set_cell

# The panel's 2025 view: three ratings differ from 2016, each with its reason.
EDITS = [
    ("jk-elections", "enforcement", 1, "Recall by 10,000 voters since the 2021 Constitution"),
    ("party-reporting", "rules", 1, "Party finance reports are published since 2023"),
    ("information-transparency", "motivation", 0, "Requests for information go unanswered"),
]


def edited_2016_ratings(study_round: Round) -> bytes:
    """2016's ratings as XLSX, with the three 2025 edits and their reasons typed in."""

    def edit(header, rows):
        for process, dimension, value, reason in EDITS:
            set_cell(header, rows, process=process, dimension=dimension, value=value, reason=reason)

    return edit_xlsx(export_xlsx("ratings", study_round), edit)


def confirm_carried_over(round_: Round, chair) -> None:
    for rating in Rating.objects.filter(assessment__round=round_, carried_over=True):
        services.set_consensus(
            actor=chair,
            assessment=rating.assessment,
            dimension=rating.dimension,
            value=rating.value,
            reason="Re-examined: unchanged since 2016",
            expected_revision=rating.revision,
        )


def publish_2025(study_round: Round, *, staff, chair, panel_for) -> Round:
    """The published 2025 round, made from the edited 2016 export."""
    draft = services.start_next_round(
        actor=staff, source=study_round, year=2025, reason="The 2025 assessment starts"
    )
    panel_for(draft, chair=chair)
    report = imports.run_import(
        kind="ratings",
        data=edited_2016_ratings(study_round),
        filename="ratings-2025.xlsx",
        actor=chair,
        round_=draft,
        reason="Panel meeting of 3 March 2025",
        dry_run=False,
    )
    assert report.written, [str(e) for e in report.errors]
    confirm_carried_over(draft, chair)
    services.transition_round(actor=staff, round_=draft, to="open", reason="Rating opens")
    services.transition_round(actor=staff, round_=draft, to="review", reason="Review")
    return services.publish_round(actor=staff, round_=draft, reason="2025 published")
