"""The study's diagrams as server-side SVG: no JavaScript, no CDN, exportable as an image.

Pure functions over plain numbers (percentages as shown) and texts already translated.
A chart is laid out for a width (`Layout`), not drawn wide and scaled down: on a phone a
720 px drawing scaled into 340 px would set 14 px text at 7 px. Labels wrap to their
column, measured with DejaVu Sans (the PNG renderer's font, and wider than the fonts a
browser falls back to, so a measured label fits in those too); a label longer than its
lines ends in "…" and keeps its whole text in a tooltip (`<title>`) and in the table every
page shows beside the chart.

Every chart carries a `<title>` and a `<desc>` (the finding in words, given by the
caller), `role="img"`, and colours that stay apart for colour-blind readers and in
greyscale: the Okabe–Ito palette, with a marker shape and a dash pattern per line and a
single colour for bars that their labels already name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from . import chart_metrics

FONT_FAMILY = "'DejaVu Sans', Verdana, sans-serif"
TEXT = "#1a1a1a"
MUTED = "#4d4d4d"
GRID = "#d0d0d0"
# Okabe & Ito, "Color Universal Design" (2008): told apart with any colour vision. Yellow
# (#F0E442) is left out: too light to read as a line on white.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
BAR = PALETTE[0]
# The ideal of diagram 3: a light bar with a dark outline, apart from the real level's dark
# fill in colour and in greyscale alike.
IDEAL_FILL = "#eef3f8"
IDEAL_LINE = "#4d4d4d"
MARKERS = ["circle", "square", "triangle", "diamond", "down", "cross", "plus"]
DASHES = ["", "8 4", "2 4", "10 4 2 4", "4 4", "12 3 3 3 3 3", "1 3"]


@dataclass(frozen=True)
class Layout:
    """How a chart is laid out: its width and text size, and where bar labels go."""

    name: str
    width: int
    font: int = 14
    title_font: int = 16
    # Width of the label column left of the bars; None puts each label above its bar.
    label_width: int | None = None
    max_label_lines: int = 3
    plot_height: int = 220
    pad: int = 12

    @property
    def line(self) -> float:
        return round(self.font * 1.3, 1)


# Wide: for screens from about 768 px (the site's column holds 720 px unscaled). Narrow: for
# phones; 320 px fits a 352 px column unscaled, and scaled into a 288 px one (a 320 px
# phone) its 14 px text is still 12.6 px.
WIDE = Layout("wide", width=720, label_width=300, max_label_lines=6)
NARROW = Layout("narrow", width=320, max_label_lines=6, plot_height=180)
LAYOUTS = (WIDE, NARROW)
CREDIT_FONT = 12


# --- text ----------------------------------------------------------------------------------


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The advance width of `text` in DejaVu Sans at `size` px."""
    table = chart_metrics.BOLD if bold else chart_metrics.REGULAR
    # An unknown character counts as a wide one: better a line too short than a cut one.
    return sum(table.get(ord(ch), 1000) for ch in text) * size / 1000


def _fit(text: str, width: float, size: float, bold: bool, ending: str = "") -> str:
    """The longest start of `text` that, with `ending`, fits in `width`."""
    kept = text
    while kept and text_width(kept + ending, size, bold=bold) > width:
        kept = kept[:-1]
    return kept.rstrip() + ending


def wrap(
    text: str, width: float, size: float, *, bold: bool = False, max_lines: int | None = None
) -> list[str]:
    """`text` broken into lines no wider than `width`; past `max_lines` the last ends in "…"."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size, bold=bold) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        # A word longer than the whole line is broken where it must be.
        while text_width(word, size, bold=bold) > width:
            head = _fit(word, width, size, bold, "-")
            if len(head) <= 1:
                break
            lines.append(head)
            word = word[len(head) - 1 :]
        current = word
    if current or not lines:
        lines.append(current)
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _fit(lines[-1], width, size, bold, "…")
    return lines


def percent_text(value: float | Decimal | None) -> str:
    """A percentage as the study prints it: whole, rounded half up (12.5 → 13%)."""
    if value is None:
        return "–"
    return f"{Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


def _text(
    x: float,
    y: float,
    lines: Sequence[str],
    *,
    size: float,
    line: float | None = None,
    anchor: str = "start",
    bold: bool = False,
    fill: str = TEXT,
) -> str:
    """One <text> of one or more lines; `y` is the first line's baseline."""
    step = line or round(size * 1.3, 1)
    weight = ' font-weight="bold"' if bold else ""
    spans = "".join(
        f'<tspan x="{x:.1f}" y="{y + i * step:.1f}">{escape(t)}</tspan>'
        for i, t in enumerate(lines)
    )
    return f'<text font-size="{size}" text-anchor="{anchor}" fill="{fill}"{weight}>{spans}</text>'


# --- the chart -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    """A drawn chart: its size, its accessible title and description, its SVG body."""

    title: str
    desc: str
    width: int
    height: float
    body: str
    layout: str = ""

    def svg(self) -> str:
        layout = f' data-layout="{self.layout}"' if self.layout else ""
        height = round(self.height)
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width} {height}" '
            f'width="{self.width}" height="{height}" role="img" class="chart-svg"{layout} '
            f'font-family="{FONT_FAMILY}" font-size="14">'
            f"<title>{escape(self.title)}</title><desc>{escape(self.desc)}</desc>"
            f'<rect width="100%" height="100%" fill="#ffffff"/>{self.body}</svg>'
        )


def _title(title: str, layout: Layout) -> tuple[str, float]:
    """The drawn title, wrapped; and the y where the chart below it may start."""
    lines = wrap(title, layout.width - 2 * layout.pad, layout.title_font, bold=True)
    step = round(layout.title_font * 1.3, 1)
    top = layout.pad + layout.title_font
    svg = _text(layout.pad, top, lines, size=layout.title_font, line=step, bold=True)
    return svg, top + (len(lines) - 1) * step + layout.font


@dataclass
class _Row:
    label: list[str]
    full: str
    value: float | None


Error = tuple[float, float] | None  # an interval (low, high) in percent, or none


def _error_bar(x_low: float, x_high: float, y_mid: float, cap: float) -> str:
    """A whisker from low to high with end caps: dark on the bar's blue and on white alike,
    and told apart from the bar by its shape, not its colour."""
    parts = [
        f'<line x1="{x_low:.1f}" x2="{x_high:.1f}" y1="{y_mid:.1f}" y2="{y_mid:.1f}" '
        f'stroke="{TEXT}" stroke-width="2"/>'
    ]
    for x in (x_low, x_high):
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y_mid - cap:.1f}" y2="{y_mid + cap:.1f}" '
            f'stroke="{TEXT}" stroke-width="2"/>'
        )
    return f'<g class="error-bar">{"".join(parts)}</g>'


def interval_text(error: Error) -> str:
    """ "45–60%" as the figures are printed (whole percent), or "" for none."""
    if error is None:
        return ""
    low, high = percent_text(error[0]), percent_text(error[1])
    return low if low == high else f"{low[:-1]}–{high}"


def _bars(
    title: str,
    rows: Sequence[tuple[str, float | None]],
    desc: str,
    layout: Layout,
    *,
    ideal: float | None,
    errors: Sequence[Error] | None = None,
) -> Chart:
    pad, font, line = layout.pad, layout.font, layout.line
    value_room = text_width("100%", font) + 10
    bar_h = 20
    body, y = _title(title, layout)
    body = [body]
    if layout.label_width is not None:
        label_w = layout.label_width - pad - 10
        bar_x = layout.label_width
    else:
        label_w = layout.width - 2 * pad
        bar_x = pad
    plot = layout.width - bar_x - pad - value_room
    top = ideal or 100
    errors = list(errors or [None] * len(rows))

    def at(v: float) -> float:
        return plot * max(0.0, min(float(v), top)) / top

    for (label, value), error in zip(rows, errors, strict=True):
        lines = wrap(label, label_w, font, max_lines=layout.max_label_lines)
        text_h = len(lines) * line
        share = 0.0 if value is None else max(0.0, min(float(value), top)) / top
        tip = f"{label}: {percent_text(value)}"
        if error is not None:
            tip += f" ({interval_text(error)})"
        group = [f"<g><title>{escape(tip)}</title>"]
        if layout.label_width is not None:
            block = max(text_h, bar_h)
            text_y = y + (block - text_h) / 2 + font
            bar_y = y + (block - bar_h) / 2
            group.append(_text(pad, text_y, lines, size=font, line=line))
        else:
            block = text_h + 4 + bar_h
            group.append(_text(pad, y + font, lines, size=font, line=line))
            bar_y = y + text_h + 4
        if ideal is not None:
            group.append(
                f'<rect x="{bar_x}" y="{bar_y:.1f}" width="{plot:.1f}" height="{bar_h}" '
                f'fill="{IDEAL_FILL}" stroke="{IDEAL_LINE}" stroke-width="1"/>'
            )
        group.append(
            f'<rect x="{bar_x}" y="{bar_y:.1f}" width="{plot * share:.1f}" height="{bar_h}" '
            f'fill="{BAR}"/>'
        )
        end = plot * share
        if error is not None:
            group.append(
                _error_bar(bar_x + at(error[0]), bar_x + at(error[1]), bar_y + bar_h / 2, 7)
            )
            end = max(end, at(error[1]))
        value_x = bar_x + (plot if ideal is not None else end) + 6
        group.append(
            _text(value_x, bar_y + bar_h / 2 + font * 0.35, [percent_text(value)], size=font)
        )
        group.append("</g>")
        body.append("".join(group))
        y += block + (10 if layout.label_width is not None else 12)
    return Chart(title, desc, layout.width, y + pad, "".join(body), layout.name)


def bar_chart(
    title: str,
    rows: Sequence[tuple[str, float | None]],
    *,
    desc: str,
    layout: Layout = WIDE,
    errors: Sequence[Error] | None = None,
) -> Chart:
    """Horizontal bars, one per (label, percent), from 0 to 100%; `errors` draws each
    row's interval as a whisker across its bar."""
    return _bars(title, rows, desc, layout, ideal=None, errors=errors)


def real_vs_ideal_chart(
    title: str,
    rows: Sequence[tuple[str, float | None]],
    *,
    desc: str,
    layout: Layout = WIDE,
    ideal: float = 100,
    errors: Sequence[Error] | None = None,
) -> Chart:
    """Diagram 3: each pair's real level (a dark bar) inside the ideal (an outlined bar)."""
    return _bars(title, rows, desc, layout, ideal=ideal, errors=errors)


def _marker(shape: str, x: float, y: float, colour: str, r: float = 5) -> str:
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{colour}"/>'
    if shape == "square":
        s = r * 0.9
        return (
            f'<rect x="{x - s:.1f}" y="{y - s:.1f}" width="{2 * s:.1f}" height="{2 * s:.1f}" '
            f'fill="{colour}"/>'
        )
    if shape in ("triangle", "down"):
        d = 1 if shape == "triangle" else -1
        points = [
            (x, y - d * r * 1.2),
            (x - r * 1.1, y + d * r * 0.8),
            (x + r * 1.1, y + d * r * 0.8),
        ]
    elif shape == "diamond":
        points = [(x, y - r * 1.3), (x + r, y), (x, y + r * 1.3), (x - r, y)]
    else:
        # cross and plus: two strokes, readable at any colour.
        a = r * (0.9 if shape == "cross" else 1.2)
        if shape == "cross":
            ends = [(x - a, y - a, x + a, y + a), (x - a, y + a, x + a, y - a)]
        else:
            ends = [(x - a, y, x + a, y), (x, y - a, x, y + a)]
        return "".join(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
            f'stroke-width="2.5"/>'
            for x1, y1, x2, y2 in ends
        )
    path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
    return f'<polygon points="{path}" fill="{colour}"/>'


def line_chart(
    title: str,
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    desc: str,
    layout: Layout = WIDE,
) -> Chart:
    """Each series' value at each x (e.g. each pair's index per year); gaps where None.

    Each series has its own colour, marker and dash, shown in a legend whose names wrap;
    a chart of one series writes each value beside its point.
    """
    pad, font, line = layout.pad, layout.font, layout.line
    body, top = _title(title, layout)
    body = [body]
    left = pad + text_width("100%", font) + 6
    right = pad + 8
    plot_w = layout.width - left - right
    plot_h = layout.plot_height
    top += 8
    n = max(len(x_labels), 1)

    def x(i: int) -> float:
        return left + plot_w * (i + 0.5) / n

    def y(v: float) -> float:
        return top + plot_h * (1 - max(0.0, min(v, 100.0)) / 100)

    for tick in (0, 25, 50, 75, 100):
        body.append(
            f'<line x1="{left:.1f}" x2="{left + plot_w:.1f}" y1="{y(tick):.1f}" '
            f'y2="{y(tick):.1f}" stroke="{GRID}"/>'
        )
        body.append(_text(left - 6, y(tick) + font * 0.35, [f"{tick}%"], size=font, anchor="end"))
    # Every year's label when they fit, else every second, third…
    widest = max((text_width(label, font) for label in x_labels), default=0) + 8
    step = max(1, int(-(-widest * n // plot_w)))
    for i, label in enumerate(x_labels):
        if i % step == 0:
            body.append(_text(x(i), top + plot_h + font + 6, [label], size=font, anchor="middle"))
    single = len(series) == 1
    for s, (name, values) in enumerate(series):
        colour = PALETTE[s % len(PALETTE)]
        shape = MARKERS[s % len(MARKERS)]
        dash = DASHES[s % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        group = ["<g>"]
        # Lines join consecutive years only: a missing value leaves a gap.
        run: list[tuple[float, float]] = []
        runs: list[list[tuple[float, float]]] = []
        for i, v in enumerate(values):
            if v is None:
                if run:
                    runs.append(run)
                run = []
            else:
                run.append((x(i), y(float(v))))
        if run:
            runs.append(run)
        for points in runs:
            if len(points) > 1:
                path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
                group.append(
                    f'<polyline points="{path}" fill="none" stroke="{colour}" '
                    f'stroke-width="2.5"{dash_attr}/>'
                )
        for i, v in enumerate(values):
            if v is None:
                continue
            tip = f"{name}, {x_labels[i] if i < len(x_labels) else ''}: {percent_text(v)}"
            group.append(f"<g><title>{escape(tip)}</title>")
            group.append(_marker(shape, x(i), y(float(v)), colour))
            group.append("</g>")
            if single:
                label_y = y(float(v)) - 10 if float(v) < 90 else y(float(v)) + font + 8
                group.append(
                    _text(x(i), label_y, [percent_text(v)], size=font, anchor="middle", bold=True)
                )
        group.append("</g>")
        body.append("".join(group))
    # The legend: a sample of each series' line and marker, and its name, wrapped.
    ly = top + plot_h + font + 6 + 14
    sample = 34
    name_x = pad + sample + 8
    for s, (name, _values) in enumerate(series):
        colour = PALETTE[s % len(PALETTE)]
        dash = DASHES[s % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        lines = wrap(name, layout.width - name_x - pad, font, max_lines=layout.max_label_lines)
        mid = ly + font * 0.65
        body.append(
            f"<g><title>{escape(name)}</title>"
            f'<line x1="{pad}" x2="{pad + sample}" y1="{mid:.1f}" y2="{mid:.1f}" '
            f'stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
            + _marker(MARKERS[s % len(MARKERS)], pad + sample / 2, mid, colour)
            + _text(name_x, ly + font, lines, size=font, line=line)
            + "</g>"
        )
        ly += len(lines) * line + 6
    return Chart(title, desc, layout.width, ly + pad, "".join(body), layout.name)


# --- a chart that travels alone --------------------------------------------------------


def with_credits(chart: Chart, lines: Sequence[str]) -> Chart:
    """The chart with lines below it that say where it comes from (round, version,
    methodology, source, licence), so that a picture saved or shared alone still says so."""
    pad = 12
    y = chart.height + 4
    body = [
        chart.body,
        f'<line x1="{pad}" x2="{chart.width - pad}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>',
    ]
    y += 6
    step = round(CREDIT_FONT * 1.35, 1)
    for text in lines:
        wrapped = wrap(text, chart.width - 2 * pad, CREDIT_FONT)
        body.append(_text(pad, y + CREDIT_FONT, wrapped, size=CREDIT_FONT, line=step, fill=MUTED))
        y += len(wrapped) * step
    return replace(chart, height=y + pad, body="".join(body), layout="")


def card(chart: Chart, width: int = 1200, height: int = 630) -> str:
    """The chart centred and scaled into a fixed frame (an Open Graph image is 1200 × 630)."""
    scale = min(width / chart.width, height / chart.height)
    dx = (width - chart.width * scale) / 2
    dy = (height - chart.height * scale) / 2
    body = f'<g transform="translate({dx:.1f} {dy:.1f}) scale({scale:.4f})">{chart.body}</g>'
    framed = Chart(chart.title, chart.desc, width, height, body)
    return framed.svg()
