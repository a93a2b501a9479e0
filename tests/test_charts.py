"""The diagrams as SVG: laid out for their width, readable by screen readers, rounded as the
study rounds, and nothing drawn outside the picture."""

import re
import xml.etree.ElementTree as ET

import pytest

from assessments import charts, images
from assessments.charts import NARROW, WIDE, bar_chart, line_chart, real_vs_ideal_chart

SVG = "{http://www.w3.org/2000/svg}"
LONG = (
    "Жарандар – аткаруу бийлигинин мамлекеттик органдары жана жергиликтүү өз алдынча "
    "башкаруу органдары"
)
PAIRS = [
    ("Жарандар – Кыргыз Республикасынын Жогорку Кеңеши", 33.0),
    (LONG, 17.0),
    ("Citizens – political parties", 22.0),
    ("Парламент – исполнительные органы государственной власти и органы МСУ", 67.0),
    ("Parties – parliament", 100.0),
]


def texts(svg: str):
    """Every line of text drawn: (x, anchor, font size, bold, text)."""
    root = ET.fromstring(svg)
    for text in root.iter(f"{SVG}text"):
        for span in text.iter(f"{SVG}tspan"):
            yield (
                float(span.get("x")),
                text.get("text-anchor"),
                float(text.get("font-size")),
                text.get("font-weight") == "bold",
                span.text or "",
            )


def bounds(svg: str) -> tuple[float, float]:
    root = ET.fromstring(svg)
    return float(root.get("width")), float(root.get("height"))


def drawn_inside(svg: str) -> list[str]:
    """The lines of text that would run past the picture's left or right edge."""
    width, _height = bounds(svg)
    outside = []
    for x, anchor, size, bold, text in texts(svg):
        w = charts.text_width(text, size, bold=bold)
        left = {"start": x, "middle": x - w / 2, "end": x - w}[anchor]
        if left < 0 or left + w > width:
            outside.append(text)
    return outside


def every_chart(layout):
    yield real_vs_ideal_chart(
        "Diagram 3. Each pair: real level against the ideal", PAIRS, desc="d", layout=layout
    )
    yield bar_chart(
        "Diagram 1. Processes where each dimension is present", PAIRS, desc="d", layout=layout
    )
    yield line_chart(
        "Each pair's accountability index by year",
        ["2016", "2017", "2025"],
        [(name, [value, None, min(100, value + 10)]) for name, value in PAIRS],
        desc="d",
        layout=layout,
    )


def test_a_chart_names_itself_and_states_its_finding_for_screen_readers():
    svg = bar_chart("Dimension totals", [("Rules", 55.56)], desc="Rules are present in 56%.").svg()
    assert 'role="img"' in svg
    assert "<title>Dimension totals</title>" in svg
    assert "<desc>Rules are present in 56%.</desc>" in svg


def test_percentages_round_half_up():
    svg = bar_chart("x", [("a", 12.5)], desc="").svg()
    assert "12.5" not in svg
    assert ">13%<" in svg


@pytest.mark.parametrize("layout", [WIDE, NARROW], ids=lambda layout: layout.name)
def test_no_label_runs_out_of_the_picture(layout):
    for chart in every_chart(layout):
        svg = chart.svg()
        assert bounds(svg)[0] == layout.width
        assert drawn_inside(svg) == []


@pytest.mark.parametrize("layout", [WIDE, NARROW], ids=lambda layout: layout.name)
def test_text_is_at_least_14_px_so_that_scaled_to_a_320_px_phone_it_stays_above_12(layout):
    for chart in every_chart(layout):
        assert min(size for _x, _a, size, _b, _t in texts(chart.svg())) >= 14


def test_long_labels_wrap_and_keep_every_word_while_they_fit():
    svg = real_vs_ideal_chart("t", [(LONG, 17)], desc="", layout=WIDE).svg()
    lines = [t for _x, _a, _s, _b, t in texts(svg) if t not in ("t", "17%")]
    assert len(lines) > 1
    assert " ".join(lines) == LONG


def test_a_label_too_long_for_its_lines_ends_in_an_ellipsis_and_keeps_its_name_in_a_tooltip():
    name = " ".join([LONG] * 3)
    svg = bar_chart("t", [(name, 17)], desc="", layout=NARROW).svg()
    lines = [t for _x, _a, _s, _b, t in texts(svg) if t not in ("t", "17%")]
    assert len(lines) == NARROW.max_label_lines
    assert lines[-1].endswith("…")
    assert f"<title>{name}: 17%</title>" in svg


def test_the_narrow_layout_puts_labels_above_their_bars_not_beside_them():
    svg = bar_chart("t", [("Rules", 50)], desc="", layout=NARROW).svg()
    root = ET.fromstring(svg)
    bar = next(r for r in root.iter(f"{SVG}rect") if r.get("fill") == charts.BAR)
    label = next(t for t in root.iter(f"{SVG}tspan") if t.text == "Rules")
    assert float(bar.get("x")) == float(label.get("x"))
    assert float(bar.get("y")) > float(label.get("y"))


def test_each_line_has_its_own_colour_marker_and_dash_so_greyscale_tells_them_apart():
    chart = line_chart("t", ["2016", "2025"], [(n, [v, v]) for n, v in PAIRS], desc="")
    line = r'<polyline points="[^"]*" fill="none" stroke="([^"]+)" stroke-width="2.5"'
    styles = re.findall(line + r'( stroke-dasharray="[^"]+")?', chart.svg())
    assert len(styles) == len(PAIRS)
    assert len({colour for colour, _dash in styles}) == len(PAIRS)
    assert len({dash for _colour, dash in styles}) == len(PAIRS)
    markers = re.findall(r"<g><title>[^<]*, 2016: [^<]*</title><(\w+)", chart.svg())
    assert len(markers) == len(PAIRS)
    assert len(set(markers)) >= 3  # circle, rect, polygon (triangles and diamond), line


def test_a_missing_value_leaves_a_gap_not_a_zero():
    svg = line_chart("Index", ["2016", "2025"], [("pair", [33.3, None])], desc="").svg()
    assert "<polyline" not in svg  # one point only: nothing to join
    assert "pair, 2016: 33%" in svg


def test_a_chart_that_travels_alone_carries_its_credits_inside_the_picture():
    chart = bar_chart("t", PAIRS, desc="", layout=WIDE)
    credits = ["Round 2016, version 1. Methodology: Four-dimension concept.", "Licence: CC BY 4.0."]
    alone = charts.with_credits(chart, credits)
    assert alone.height > chart.height
    svg = alone.svg()
    assert "Licence: CC BY 4.0." in svg
    assert drawn_inside(svg) == []
    assert bounds(charts.card(alone)) == (1200, 630)


def test_a_chart_becomes_a_png_with_kyrgyz_letters_drawn():
    chart = charts.with_credits(bar_chart("ү ө ң", PAIRS, desc=""), ["Булак: ү ө ң"])
    data = images.svg_to_png(chart.svg())
    assert data.startswith(images.PNG_SIGNATURE)
    assert images.png_size(data) == (2 * chart.width, round(2 * round(chart.height)))
    # A font without ң would draw a box: the same box for every missing letter.
    one = images.svg_to_png(bar_chart("ң", [], desc="").svg())
    other = images.svg_to_png(bar_chart("ө", [], desc="").svg())
    assert one != other
