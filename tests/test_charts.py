"""The diagrams as SVG: readable by screen readers, and rounded as the study rounds."""

from assessments.charts import bar_chart, line_chart, real_vs_ideal_chart


def test_a_chart_names_itself_and_lists_its_figures_for_screen_readers():
    svg = bar_chart("Dimension totals", [("Rules", 55.56), ("Motivation", 38.89)])
    assert 'role="img"' in svg
    assert "<title>Dimension totals</title>" in svg
    assert "<desc>Rules: 56%; Motivation: 39%</desc>" in svg


def test_percentages_round_half_up():
    assert "12.5" not in bar_chart("x", [("a", 12.5)])
    assert ">13%<" in bar_chart("x", [("a", 12.5)])


def test_long_names_are_shortened_on_the_chart_but_whole_in_the_description():
    name = "Жарандар – аткаруу бийлигинин мамлекеттик органдары жана ЖӨБ органдары"
    svg = real_vs_ideal_chart("Real vs ideal", [(name, 16.67)])
    assert f"<desc>{name}: 17% of 100%</desc>" in svg
    assert "…</text>" in svg


def test_a_missing_value_leaves_a_gap_not_a_zero():
    svg = line_chart("Index", ["2016", "2025"], [("pair", [33.3, None])])
    assert "2025 –" in svg
    assert "<polyline" not in svg  # one point only: nothing to join
