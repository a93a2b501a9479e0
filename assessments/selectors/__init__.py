"""Reads composed from several models, by role: inputs.py (what the method reads for a
round), report.py (a round's scores, printed figures and review findings as data),
uncertainty.py (the experts' agreement and the figures' intervals), panel.py (a panel at
work: overview, disagreements, a rating's history), scrutiny.py (peer review and the right
of reply as an outsider reads them). Every read a user asks for starts from permissions.py.
"""

from .inputs import (
    ReviewInputs,
    method_of,
    printed_figures,
    review_inputs,
    round_inputs,
    round_ratings,
)
from .panel import (
    RatingSplit,
    expert_panel_view,
    largest_splits,
    rating_history,
    rating_splits,
    round_disagreements,
    round_overview,
)
from .report import (
    FINDING_LABELS,
    RoundReport,
    report_as_dict,
    round_report,
)
from .uncertainty import (
    add_uncertainty,
    agreement_note,
    alpha_text,
    interval_note,
    interval_text,
    round_expert_ratings,
    round_uncertainty,
    uncertainty_note,
)

__all__ = [
    "FINDING_LABELS",
    "RatingSplit",
    "ReviewInputs",
    "RoundReport",
    "add_uncertainty",
    "agreement_note",
    "alpha_text",
    "expert_panel_view",
    "interval_note",
    "interval_text",
    "largest_splits",
    "method_of",
    "printed_figures",
    "rating_history",
    "rating_splits",
    "report_as_dict",
    "review_inputs",
    "round_disagreements",
    "round_expert_ratings",
    "round_inputs",
    "round_overview",
    "round_ratings",
    "round_report",
    "round_uncertainty",
    "uncertainty_note",
]
