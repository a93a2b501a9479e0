"""How much the experts agree, and how sure each figure is: hand-made panels, no database."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from assessments.scoring import (
    COMPUTED,
    NO_EXPERT_RATINGS,
    NO_VARIATION,
    TOO_FEW,
    DimensionSpec,
    Method,
    ProcessInput,
    agreement,
    krippendorff_alpha,
    round_agreement,
    round_intervals,
    unit_splits,
)

STUDY = Method(
    [
        DimensionSpec("rules"),
        DimensionSpec("demand", scored=False, gating=True),
        DimensionSpec("motivation"),
        DimensionSpec("enforcement"),
    ]
)
GRADED = Method([DimensionSpec("rules"), DimensionSpec("motivation")], scale_min=0, scale_max=4)
DIMENSIONS = ["rules", "demand", "motivation", "enforcement"]


def panel(**experts: dict[str, list[int]]) -> dict[str, dict[tuple[str, str], int]]:
    """panel(ann={"p1": [1, 1, 0, 0]}) → expert → (process, dimension) → value (study order)."""
    return {
        name: {
            (process, dimension): value
            for process, values in by_process.items()
            for dimension, value in zip(DIMENSIONS, values, strict=False)
        }
        for name, by_process in experts.items()
    }


def consensus(process: str, pair: str, principal: str, values: list[int]) -> ProcessInput:
    return ProcessInput(process, pair, principal, dict(zip(DIMENSIONS, values, strict=True)))


TWO_PROCESSES = [
    consensus("p1", "citizens-parliament", "citizens", [1, 1, 1, 0]),
    consensus("p2", "citizens-parliament", "citizens", [0, 1, 0, 0]),
]


# --- agreement --------------------------------------------------------------------------------


def test_experts_who_all_agree_have_no_variation_to_measure_and_every_unit_is_unanimous():
    ratings = panel(
        a={"p1": [1, 1, 1, 0], "p2": [0, 1, 0, 0]},
        b={"p1": [1, 1, 1, 0], "p2": [0, 1, 0, 0]},
        c={"p1": [1, 1, 1, 0], "p2": [0, 1, 0, 0]},
    )
    result = round_agreement(STUDY, TWO_PROCESSES, ratings)
    # Both values occur, so alpha is defined, and with no disagreement it is 1.
    assert result.overall.status == COMPUTED and result.overall.alpha == 1
    assert result.overall.units == 8 and result.overall.unanimous == 8
    # On one process and the demand dimension every expert said "present" everywhere.
    assert result.dimensions["demand"].status == NO_VARIATION
    assert result.dimensions["demand"].alpha is None


def test_one_dissenting_expert_lowers_alpha_and_shows_as_three_of_four():
    agree = {"p1": [1, 1, 1, 0], "p2": [0, 1, 0, 0]}
    ratings = panel(a=agree, b=agree, c=agree, d={"p1": [1, 1, 0, 0], "p2": [0, 1, 0, 0]})
    result = round_agreement(STUDY, TWO_PROCESSES, ratings)
    split = result.units["p1", "motivation"]
    assert split.modal == (1, 3) and split.experts == 4 and not split.unanimous
    assert split.disagreement == Fraction(1, 4)
    assert result.overall.unanimous == 7
    assert 0 < result.overall.alpha < 1
    assert result.processes["p2"].status == COMPUTED and result.processes["p2"].alpha == 1


def test_an_even_split_on_every_unit_is_no_better_than_chance():
    ratings = panel(
        a={"p1": [1, 1, 0, 1]},
        b={"p1": [0, 0, 1, 0]},
    )
    result = agreement(STUDY, ratings, [("p1", d) for d in DIMENSIONS])
    assert result.status == COMPUTED and result.unanimous == 0
    assert result.alpha < 0  # systematic disagreement is worse than chance
    assert unit_splits(ratings)["p1", "rules"].disagreement == Fraction(1, 2)


def test_a_graded_scale_is_measured_as_ordinal_near_misses_count_less():
    near = {
        "a": {("p1", "rules"): 3, ("p2", "rules"): 1},
        "b": {("p1", "rules"): 4, ("p2", "rules"): 0},
    }
    far = {
        "a": {("p1", "rules"): 0, ("p2", "rules"): 1},
        "b": {("p1", "rules"): 4, ("p2", "rules"): 0},
    }
    units = [("p1", "rules"), ("p2", "rules")]
    assert agreement(GRADED, near, units).level == "ordinal"
    assert agreement(GRADED, near, units).alpha > agreement(GRADED, far, units).alpha


def test_too_few_ratings_to_measure_agreement_are_said_to_be_too_few():
    one_expert = panel(a={"p1": [1, 1, 1, 0]})
    assert agreement(STUDY, one_expert, [("p1", d) for d in DIMENSIONS]).status == TOO_FEW
    one_unit = {"a": {("p1", "rules"): 1}, "b": {("p1", "rules"): 0}}
    assert agreement(STUDY, one_unit, [("p1", "rules")]).status == TOO_FEW
    assert agreement(STUDY, {}, [("p1", "rules")]).status == NO_EXPERT_RATINGS


@pytest.mark.parametrize("level", ["nominal", "ordinal"])
def test_alpha_matches_the_krippendorff_package(level):
    np = pytest.importorskip("numpy")
    krippendorff = pytest.importorskip("krippendorff")
    rng = random.Random(7)
    for _ in range(20):
        raters, units, top = rng.randint(2, 6), rng.randint(3, 12), 1 if level == "nominal" else 4
        table = [
            [rng.randint(0, top) if rng.random() > 0.2 else None for _ in range(units)]
            for _ in range(raters)
        ]
        columns = [[row[u] for row in table if row[u] is not None] for u in range(units)]
        ours = krippendorff_alpha(columns, level)
        data = np.array([[np.nan if v is None else v for v in row] for row in table], dtype=float)
        try:
            theirs = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
        except ValueError:
            assert ours is None  # one value only: undefined for both
            continue
        if ours is None:
            assert np.isnan(theirs)
        else:
            assert float(ours) == pytest.approx(theirs, abs=1e-9)


# --- intervals --------------------------------------------------------------------------------


def test_a_round_rated_by_consensus_alone_has_no_interval_rather_than_a_zero_one():
    result = round_intervals(STUDY, TWO_PROCESSES, {})
    assert result.overall.status == NO_EXPERT_RATINGS
    assert result.overall.low is None and result.overall.high is None
    assert result.pairs["citizens-parliament"].status == NO_EXPERT_RATINGS


def test_experts_who_all_agree_give_an_interval_of_no_width():
    same = {"p1": [1, 1, 1, 0], "p2": [0, 1, 0, 0]}
    result = round_intervals(STUDY, TWO_PROCESSES, panel(a=same, b=same, c=same))
    overall = result.overall
    assert overall.status == COMPUTED and overall.exact
    assert overall.low == overall.high == Fraction(1, 3)
    assert result.dimensions["rules"].low == result.dimensions["rules"].high == Fraction(1, 2)


def test_one_dissent_is_enumerated_exactly_over_every_resampled_panel():
    # Two experts: resampled panels {a, a} (1 in 4), {a, b} (2 in 4), {b, b} (1 in 4).
    ratings = panel(
        a={"p1": [1, 1, 1, 0], "p2": [0, 1, 0, 0]},
        b={"p1": [1, 1, 0, 0], "p2": [0, 1, 0, 1]},
    )
    result = round_intervals(STUDY, TWO_PROCESSES, ratings)
    # Motivation: a alone ½, the mixed panel ¼, b alone 0.
    motivation = result.dimensions["motivation"]
    assert (motivation.low, motivation.high) == (0, Fraction(1, 2)) and motivation.exact
    # Citizens' share of working processes: ½ with a alone (p2 scores 0), else 1.
    citizens = result.principals["citizens"]
    assert (citizens.low, citizens.high) == (Fraction(1, 2), 1)
    # Each resampled panel puts the pair at ⅓: the experts differ, the pair's index does not.
    pair = result.pairs["citizens-parliament"]
    assert pair.low == pair.high == Fraction(1, 3) and pair.experts == 2


def test_an_even_split_on_demand_keeps_the_process_in_and_the_interval_spans_both_sides():
    items = [consensus("p1", "pair", "citizens", [1, 1, 1, 1])]
    ratings = panel(a={"p1": [1, 1, 1, 1]}, b={"p1": [0, 0, 0, 0]})
    result = round_intervals(STUDY, items, ratings)
    # {b, b}: demand absent, the process is out and the pair has no index that draw.
    # {a, b}: demand ½ (a tie keeps it in), score ½. {a, a}: score 1.
    pair = result.pairs["pair"]
    assert (pair.low, pair.high) == (Fraction(1, 2), 1)


def test_a_graded_scale_gives_an_interval_of_normalised_means():
    items = [ProcessInput("p1", "pair", "citizens", {"rules": 4, "motivation": 2})]
    ratings = {
        "a": {("p1", "rules"): 4, ("p1", "motivation"): 2},
        "b": {("p1", "rules"): 2, ("p1", "motivation"): 2},
    }
    result = round_intervals(GRADED, items, ratings)
    # a alone: (1 + ½)/2 = ¾; both: (¾ + ½)/2 = ⅝; b alone: (½ + ½)/2 = ½.
    assert (result.overall.low, result.overall.high) == (Fraction(1, 2), Fraction(3, 4))


def test_a_pair_rated_by_one_expert_says_too_few_and_so_do_figures_across_pairs():
    items = [
        consensus("p1", "first", "citizens", [1, 1, 1, 0]),
        consensus("p2", "second", "parties", [1, 1, 0, 0]),
    ]
    ratings = panel(a={"p1": [1, 1, 1, 0], "p2": [1, 1, 0, 0]}, b={"p1": [1, 1, 0, 0]})
    result = round_intervals(STUDY, items, ratings)
    assert result.pairs["first"].status == COMPUTED
    assert result.pairs["second"].status == TOO_FEW and result.pairs["second"].experts == 1
    assert result.overall.status == TOO_FEW
    assert result.principals["citizens"].status == COMPUTED
    assert result.principals["parties"].status == TOO_FEW


def test_a_large_panel_is_sampled_and_the_same_ratings_give_the_same_interval():
    rng = random.Random(3)
    items = [consensus(f"p{i}", "pair", "citizens", [1, 1, 1, 0]) for i in range(6)]
    ratings = {
        f"e{e}": {(f"p{i}", d): rng.randint(0, 1) for i in range(6) for d in DIMENSIONS}
        for e in range(9)
    }
    first = round_intervals(STUDY, items, ratings)
    second = round_intervals(STUDY, items, dict(reversed(list(ratings.items()))))
    assert not first.overall.exact
    assert first == second
    assert first.overall.low <= first.overall.high
