"""Two rounds side by side, and each pair's index over the years."""

from fractions import Fraction

import pytest

from assessments.comparison import ADDED, CHANGED, DROPPED, SAME, compare_rounds, pair_index_series
from assessments.models import Citation, Round

from .factories import (
    AssessmentFactory,
    LegalActFactory,
    MethodologyFactory,
    PairFactory,
    RoundFactory,
    rate,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_rounds():
    methodology = MethodologyFactory()
    before = RoundFactory(year=2030, methodology=methodology)
    after = RoundFactory(year=2031, methodology=methodology)
    pair = PairFactory()
    kept = AssessmentFactory(round=before, process__pair=pair, title_en="Elections")
    rate(kept, rules=1, demand=1, motivation=0, enforcement=0)
    again = AssessmentFactory(round=after, process=kept.process, title_en="Free elections")
    rate(again, rules=1, demand=1, motivation=1, enforcement=0)
    act = LegalActFactory(code="constitution")
    Citation.objects.create(assessment=kept, act=act, article="2")
    Citation.objects.create(assessment=again, act=act, article="3")
    same = AssessmentFactory(round=before, process__pair=pair)
    rate(same, rules=0, demand=1, motivation=0, enforcement=0)
    same_after = AssessmentFactory(round=after, process=same.process)
    rate(same_after, rules=0, demand=1, motivation=0, enforcement=0)
    dropped = AssessmentFactory(round=before, process__pair=pair)
    rate(dropped, rules=1, demand=0, motivation=0, enforcement=0)
    added = AssessmentFactory(round=after, process__pair=pair)
    rate(added, rules=1, demand=1, motivation=1, enforcement=1)
    # Published last: once published, the database refuses new rows in a round.
    Round.objects.filter(pk__in=[before.pk, after.pk]).update(status=Round.Status.PUBLISHED)
    before.refresh_from_db()
    after.refresh_from_db()
    return before, after, pair, kept.process, same.process, dropped.process, added.process


def test_each_process_is_matched_by_identity_and_its_changes_named(two_rounds):
    before, after, _pair, kept, same, dropped, added = two_rounds
    comparison = compare_rounds(before, after)
    by_code = {p.process: p for p in comparison.processes}
    assert by_code[kept.code].status == CHANGED
    assert by_code[kept.code].renamed
    changed = {r.dimension: (r.before, r.after) for r in by_code[kept.code].ratings if r.changed}
    assert changed == {"motivation": (0, 1)}
    assert by_code[kept.code].citations_added == ["constitution art. 3"]
    assert by_code[kept.code].citations_removed == ["constitution art. 2"]
    assert by_code[same.code].status == SAME
    assert by_code[dropped.code].status == DROPPED
    assert by_code[added.code].status == ADDED
    assert comparison.same_methodology and comparison.methodology_warning is None


def test_index_deltas_are_exact(two_rounds):
    before, after, _pair, *_ = two_rounds
    comparison = compare_rounds(before, after)
    (delta,) = comparison.pairs
    # before: 1/3 and 0 (the third is excluded) → 1/6; after: 2/3, 0, 1 → 5/9
    assert (delta.before, delta.after) == (Fraction(1, 6), Fraction(5, 9))
    assert delta.delta == Fraction(5, 9) - Fraction(1, 6)


def test_a_different_methodology_is_warned_about(two_rounds):
    before, _after, *_ = two_rounds
    other = RoundFactory(year=2032, methodology=MethodologyFactory(version="2040"))
    comparison = compare_rounds(before, other)
    assert not comparison.same_methodology
    assert "different methodologies" in comparison.methodology_warning


def test_the_series_follows_each_pair_over_published_rounds_only(two_rounds):
    _before, _after, pair, *_ = two_rounds
    RoundFactory(year=2033, status=Round.Status.DRAFT)
    (series,) = pair_index_series()
    assert series.pair == pair.code
    assert [(p.year, p.index) for p in series.points] == [
        (2030, Fraction(1, 6)),
        (2031, Fraction(5, 9)),
    ]
