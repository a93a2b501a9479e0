"""The method as the study defines it, on hand-made cases; no database."""

from decimal import Decimal
from fractions import Fraction

import pytest

from assessments.scoring import (
    EXCLUDED_GATING,
    EXCLUDED_INCOMPLETE,
    DimensionSpec,
    Method,
    Printed,
    ProcessInput,
    compare,
    percent,
    score_process,
    score_round,
)

STUDY = Method(
    dimensions=[
        DimensionSpec("rules"),
        DimensionSpec("demand", scored=False, gating=True),
        DimensionSpec("motivation"),
        DimensionSpec("enforcement"),
    ]
)


def item(process, pair="p", principal="citizens", **ratings):
    return ProcessInput(process, pair, principal, ratings)


def test_process_score_is_the_share_of_scored_dimensions_present():
    scored = score_process(STUDY, item("x", rules=1, demand=1, motivation=1, enforcement=0))
    assert scored.included
    assert scored.score == Fraction(2, 3)


def test_demand_is_a_condition_not_a_score():
    with_demand = score_process(STUDY, item("x", rules=1, demand=1, motivation=0, enforcement=0))
    assert with_demand.score == Fraction(1, 3)


def test_absent_demand_excludes_the_process():
    scored = score_process(STUDY, item("x", rules=1, demand=0, motivation=1, enforcement=1))
    assert not scored.included
    assert scored.excluded_because == EXCLUDED_GATING
    assert scored.score is None


def test_a_process_missing_a_rating_is_not_scored():
    scored = score_process(STUDY, item("x", rules=1, demand=1, motivation=1))
    assert not scored.included
    assert scored.excluded_because == EXCLUDED_INCOMPLETE


def test_pair_index_is_the_mean_over_included_processes_only():
    # Section 6.1: 2/3, 0 and an excluded process give 33%.
    scores = score_round(
        STUDY,
        [
            item("elections", rules=1, demand=1, motivation=1, enforcement=0),
            item("interaction", rules=0, demand=1, motivation=0, enforcement=0),
            item("recall", rules=0, demand=0, motivation=0, enforcement=0),
        ],
    )
    (pair,) = scores.pairs
    assert pair.index == Fraction(1, 3)
    assert (pair.processes, pair.included) == (3, 2)
    assert percent(pair.index) == Decimal(33)


def test_dimension_totals_count_included_processes_only():
    scores = score_round(
        STUDY,
        [
            item("a", rules=1, demand=1, motivation=0, enforcement=0),
            item("b", rules=0, demand=1, motivation=1, enforcement=0),
            item("c", rules=1, demand=0, motivation=1, enforcement=1),  # excluded
        ],
    )
    totals = {d.dimension: d.total for d in scores.dimensions}
    assert totals == {"rules": Fraction(1, 2), "motivation": Fraction(1, 2), "enforcement": 0}
    assert [d.assessed for d in scores.dimensions] == [2, 2, 2]


def test_principal_share_counts_processes_working_at_least_in_part_over_all_processes():
    scores = score_round(
        STUDY,
        [
            item(
                "a", pair="p1", principal="citizens", rules=1, demand=1, motivation=0, enforcement=0
            ),
            item(
                "b", pair="p1", principal="citizens", rules=0, demand=1, motivation=0, enforcement=0
            ),
            item(
                "c", pair="p2", principal="citizens", rules=1, demand=0, motivation=1, enforcement=1
            ),
            item(
                "d", pair="p2", principal="citizens", rules=1, demand=1, motivation=1, enforcement=1
            ),
            item(
                "e",
                pair="p3",
                principal="parliament",
                rules=1,
                demand=1,
                motivation=1,
                enforcement=1,
            ),
        ],
    )
    shares = {s.principal: (s.working, s.processes) for s in scores.principals}
    assert shares == {"citizens": (2, 4), "parliament": (1, 1)}


def test_overall_index_is_the_mean_score_of_included_processes():
    scores = score_round(
        STUDY,
        [
            item("a", pair="p1", rules=1, demand=1, motivation=1, enforcement=1),
            item("b", pair="p2", rules=0, demand=1, motivation=0, enforcement=0),
            item("c", pair="p2", rules=1, demand=1, motivation=0, enforcement=0),
        ],
    )
    assert scores.overall == Fraction(4, 9)


def test_a_pair_with_no_included_process_has_no_index():
    scores = score_round(STUDY, [item("a", rules=1, demand=0, motivation=1, enforcement=1)])
    assert scores.pairs[0].index is None
    assert scores.overall is None


def test_a_wider_scale_is_normalised():
    graded = Method(dimensions=STUDY.dimensions, scale_min=0, scale_max=4)
    scored = score_process(graded, item("x", rules=4, demand=1, motivation=2, enforcement=0))
    assert scored.score == Fraction(1, 2)
    assert not score_process(
        graded, item("y", rules=4, demand=0, motivation=4, enforcement=4)
    ).included


def test_a_method_without_a_gating_dimension_includes_every_complete_process():
    plain = Method(dimensions=[DimensionSpec("rules"), DimensionSpec("enforcement")])
    assert score_process(plain, item("x", rules=0, enforcement=0)).included


def test_a_rating_outside_the_scale_is_refused():
    with pytest.raises(ValueError, match="outside"):
        score_process(STUDY, item("x", rules=2, demand=1, motivation=0, enforcement=0))


@pytest.mark.parametrize(
    "dimensions",
    [
        [
            DimensionSpec("a", scored=False, gating=True),
            DimensionSpec("b", scored=False, gating=True),
        ],
        [DimensionSpec("a", scored=False)],
    ],
)
def test_an_inconsistent_method_is_refused(dimensions):
    with pytest.raises(ValueError):
        Method(dimensions=dimensions)


def test_percent_rounds_half_up_like_the_study():
    assert percent(Fraction(2, 3)) == Decimal(67)
    assert percent(Fraction(1, 6)) == Decimal(17)
    assert percent(Fraction(1, 8)) == Decimal(13)  # 12.5 → 13, not banker's 12
    assert percent(Fraction(23, 54), 1) == Decimal("42.6")
    assert percent(None) is None


def test_compare_lists_only_printed_figures_that_round_differently():
    scores = score_round(
        STUDY,
        [
            item("a", pair="p1", rules=1, demand=1, motivation=1, enforcement=0),
            item("b", pair="p2", rules=1, demand=1, motivation=0, enforcement=0),
        ],
    )
    report = compare(
        scores,
        [
            Printed("pair_index", ("p1",), Decimal(67)),  # 66.67 printed as 67: agrees
            Printed("pair_index", ("p2",), Decimal(11)),  # computed 33: disagrees
            Printed("overall_index", (), Decimal("50.0")),  # computed 50.0: agrees
            Printed("pair_index", ("nowhere",), Decimal(1)),
        ],
    )
    assert [(m.key, m.printed, m.computed) for m in report.mismatches] == [
        (("p2",), Decimal(11), Decimal(33))
    ]
    assert [u.key for u in report.unmatched] == [("nowhere",)]


def test_compare_checks_printed_ratings_against_held_ones():
    scores = score_round(STUDY, [item("a", rules=0, demand=1, motivation=0, enforcement=0)])
    held = {"a": {"rules": 0, "demand": 1}}
    report = compare(
        scores,
        [
            Printed("printed_rating", ("a", "rules"), Decimal(1)),
            Printed("printed_rating", ("a", "demand"), Decimal(1)),
        ],
        held,
    )
    assert [(m.key, m.printed, m.computed) for m in report.mismatches] == [
        (("a", "rules"), Decimal(1), Decimal(0))
    ]
