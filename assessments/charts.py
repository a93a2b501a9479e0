"""The study's diagrams as server-side SVG: no JavaScript, no CDN, exportable as an image.

Pure functions over plain numbers (percentages). Every chart carries a <title>
and a <desc> listing its figures, so a screen reader gets the same facts; pages
should also show the figures in a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from html import escape

WIDTH = 720
BAR_HEIGHT = 22
GAP = 10
LABEL_WIDTH = 300  # 34 characters at 13px sans-serif
PALETTE = ["#1f5f8b", "#c0504d", "#4f8f3a", "#8064a2", "#d68b00", "#2c9fa3", "#7f7f7f"]
IDEAL = "#d9d9d9"


def _fmt(value: float | None) -> str:
    # Half up, as the study rounds (format() would round 12.5 to 12).
    if value is None:
        return "–"
    return f"{Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


def _svg(title: str, desc: str, height: int, body: str, width: int = WIDTH) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" font-family="sans-serif" font-size="13">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>"
        f'<rect width="100%" height="100%" fill="#ffffff"/>{body}</svg>'
    )


def _label(x: float, y: float, text: str, anchor: str = "end") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="#222">{escape(text)}</text>'


def bar_chart(
    title: str, bars: Sequence[tuple[str, float | None]], *, max_value: float = 100
) -> str:
    """Horizontal bars, one per (label, percent)."""
    plot = WIDTH - LABEL_WIDTH - 60
    top = 30
    body = [_label(10, 18, title, "start")]
    for i, (label, value) in enumerate(bars):
        y = top + i * (BAR_HEIGHT + GAP)
        length = 0 if value is None else plot * max(0.0, min(value, max_value)) / max_value
        body.append(_label(LABEL_WIDTH - 8, y + 15, _short(label)))
        body.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" '
            f'fill="{PALETTE[i % len(PALETTE)]}"/>'
        )
        body.append(_label(LABEL_WIDTH + length + 6, y + 15, _fmt(value), "start"))
    height = top + len(bars) * (BAR_HEIGHT + GAP) + 10
    desc = "; ".join(f"{label}: {_fmt(value)}" for label, value in bars)
    return _svg(title, desc, height, "".join(body))


def real_vs_ideal_chart(
    title: str, rows: Sequence[tuple[str, float | None]], *, ideal: float = 100
) -> str:
    """Diagram 3: each pair's real level against the ideal where every process works."""
    plot = WIDTH - LABEL_WIDTH - 60
    top = 30
    body = [_label(10, 18, title, "start")]
    for i, (label, value) in enumerate(rows):
        y = top + i * (BAR_HEIGHT + GAP)
        real = 0 if value is None else plot * max(0.0, min(value, ideal)) / ideal
        body.append(_label(LABEL_WIDTH - 8, y + 15, _short(label)))
        body.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{plot}" height="{BAR_HEIGHT}" fill="{IDEAL}"/>'
        )
        body.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{real:.1f}" height="{BAR_HEIGHT}" '
            f'fill="{PALETTE[0]}"/>'
        )
        body.append(_label(LABEL_WIDTH + plot + 6, y + 15, _fmt(value), "start"))
    height = top + len(rows) * (BAR_HEIGHT + GAP) + 10
    desc = "; ".join(f"{label}: {_fmt(v)} of {ideal:.0f}%" for label, v in rows)
    return _svg(title, desc, height, "".join(body))


def line_chart(
    title: str, x_labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]]
) -> str:
    """Each series' value at each x (e.g. each pair's index per year); gaps where None."""
    left, right, top, bottom = 50, 20, 30, 40
    legend_height = 18 * len(series)
    plot_w, plot_h = WIDTH - left - right, 220
    height = top + plot_h + bottom + legend_height
    n = max(len(x_labels), 1)

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    def y(v: float) -> float:
        return top + plot_h * (1 - v / 100)

    body = [_label(10, 18, title, "start")]
    for tick in (0, 25, 50, 75, 100):
        body.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="#e0e0e0"/>'
        )
        body.append(_label(left - 6, y(tick) + 4, f"{tick}%"))
    for i, label in enumerate(x_labels):
        body.append(_label(x(i), top + plot_h + 18, label, "middle"))
    for s, (name, values) in enumerate(series):
        colour = PALETTE[s % len(PALETTE)]
        points = [(x(i), y(v)) for i, v in enumerate(values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        for px, py in points:
            body.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{colour}"/>')
        ly = top + plot_h + bottom + 18 * s + 4
        body.append(f'<rect x="{left}" y="{ly}" width="12" height="12" fill="{colour}"/>')
        body.append(_label(left + 18, ly + 11, _short(name, 80), "start"))
    desc = "; ".join(
        f"{name}: " + ", ".join(f"{xl} {_fmt(v)}" for xl, v in zip(x_labels, values, strict=False))
        for name, values in series
    )
    return _svg(title, desc, height, "".join(body))


def _short(text: str, limit: int = 34) -> str:
    # Long Kyrgyz and Russian names would run past the label column; the full
    # name is in the chart's <desc> and in the table every page shows beside it.
    return text if len(text) <= limit else text[: limit - 1] + "…"


def round_charts(report: dict, titles: dict[str, str]) -> dict[str, str]:
    """The study's three diagrams from `selectors.report_as_dict()` output.

    `titles` gives the (translated) titles: keys "dimensions", "principals", "pairs".
    """
    return {
        "dimensions": bar_chart(
            titles["dimensions"], [(d["name"], d["total"]) for d in report["dimensions"]]
        ),
        "principals": bar_chart(
            titles["principals"], [(p["name"], p["share"]) for p in report["principals"]]
        ),
        "pairs": real_vs_ideal_chart(
            titles["pairs"], [(p["name"], p["index"]) for p in report["pairs"]]
        ),
    }
