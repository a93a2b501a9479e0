"""What each public page shows, assembled from the selectors: no request, no HTML.

Only published rounds are ever read here: every lookup starts from
`permissions.public_rounds()` (rounds.py). By role:
- rounds.py: which rounds (a URL's round, the published ones, the default comparison);
- figures.py: a round's figures as the study prints them, beside the printed ones;
- series.py: each pair's index over the years;
- pair.py: a pair's page; comparison.py: two rounds compared.
"""

from .comparison import ComparisonPage, DeltaRow, comparison_page
from .figures import Figure, RoundFigures, plain, rating_label, round_figures, scale_labels, whole
from .pair import PairPage, ProcessRow, pair_page
from .rounds import (
    current_version_of,
    default_pair,
    find,
    methodologies,
    published_round,
    published_rounds,
    signature,
)
from .series import IndexSeries, index_series, pair_indices_by_round

__all__ = [
    "ComparisonPage",
    "DeltaRow",
    "Figure",
    "IndexSeries",
    "PairPage",
    "ProcessRow",
    "RoundFigures",
    "comparison_page",
    "current_version_of",
    "default_pair",
    "find",
    "index_series",
    "methodologies",
    "pair_indices_by_round",
    "pair_page",
    "plain",
    "published_round",
    "published_rounds",
    "rating_label",
    "round_figures",
    "scale_labels",
    "signature",
    "whole",
]
