"""The study's diagrams for a round, and each pair's index over the years, in words and drawn.

What each chart shows is decided here once, for the public site, its embeds and images,
and the admin alike: the (translated) title, the finding stated in words for the chart's
`<desc>`, the figures as the study prints them (whole percent, half up) and the credit
lines a picture carries when it travels alone. charts.py draws; this module reads no
database: names come in from the caller (pages.py or the admin, through the selectors).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.utils.translation import gettext as _

from . import charts, scoring

ROUND_DIAGRAMS = ("pairs", "dimensions", "principals")


def whole(value: Fraction | None) -> Decimal | None:
    return scoring.percent(value)


def _shown(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@dataclass
class Diagram:
    """One chart: what it says, and its drawings for each layout and for travelling alone."""

    key: str
    title: str
    finding: str
    draw: Callable[[charts.Layout], charts.Chart]
    # The same figures as a table (header, then a label and its cells per row), for pages
    # that show the chart without the page's own table (embeds, the admin).
    columns: list[str] = field(default_factory=list)
    rows: list[tuple[str, list[str]]] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    _drawn: dict[str, charts.Chart] = field(default_factory=dict, repr=False)

    def chart(self, layout: charts.Layout) -> charts.Chart:
        if layout.name not in self._drawn:
            self._drawn[layout.name] = self.draw(layout)
        return self._drawn[layout.name]

    @property
    def wide(self) -> str:
        return self.chart(charts.WIDE).svg()

    @property
    def narrow(self) -> str:
        return self.chart(charts.NARROW).svg()

    def standalone(self) -> str:
        """The wide drawing with its credit lines: the SVG download, and the PNG's source."""
        return charts.with_credits(self.chart(charts.WIDE), self.credits).svg()

    def card(self) -> str:
        """The standalone drawing fitted into 1200 × 630, for Open Graph and Twitter cards."""
        return charts.card(charts.with_credits(self.chart(charts.WIDE), self.credits))

    @property
    def wide_height(self) -> int:
        return round(self.chart(charts.WIDE).height)


def titles() -> dict[str, str]:
    return {
        "dimensions": _("Diagram 1. Processes where each dimension is present"),
        "principals": _("Diagram 2. Share of each principal's processes that work"),
        "pairs": _("Diagram 3. Each pair: real level against the ideal (100%)"),
    }


def _listing(items: Sequence[tuple[str, Decimal | None]]) -> str:
    return "; ".join(
        _("%(name)s: %(percent)s") % {"name": name, "percent": charts.percent_text(value)}
        for name, value in items
    )


def _extremes(items: Sequence[tuple[str, Decimal | None]]) -> str:
    known = [(name, value) for name, value in items if value is not None]
    if len(known) < 2:
        return ""
    high = max(known, key=lambda item: item[1])
    low = min(known, key=lambda item: item[1])
    if high[1] == low[1]:
        return ""
    return " " + _("Highest: %(high)s (%(high_percent)s); lowest: %(low)s (%(low_percent)s).") % {
        "high": high[0],
        "high_percent": charts.percent_text(high[1]),
        "low": low[0],
        "low_percent": charts.percent_text(low[1]),
    }


def _error(interval: scoring.Interval | None) -> charts.Error:
    """An interval in percent for the chart, as the figures are shown (whole percent)."""
    if interval is None or not interval.computed or interval.low is None:
        return None
    return (float(whole(interval.low)), float(whole(interval.high)))


def _interval_sentence(errors: Sequence[charts.Error], names: Sequence[str]) -> str:
    known = [(name, e) for name, e in zip(names, errors, strict=True) if e is not None]
    if not known:
        return ""
    return (
        " "
        + _("Whiskers show each figure's interval from the experts' own ratings: ")
        + "; ".join(
            _("%(name)s: %(interval)s") % {"name": name, "interval": charts.interval_text(e)}
            for name, e in known
        )
        + "."
    )


def round_diagrams(
    scores: scoring.RoundScores,
    names: dict[str, dict[str, str]],
    intervals: scoring.RoundIntervals | None = None,
) -> dict[str, Diagram]:
    """The study's three diagrams for a round's scores, named in the active language; with
    `intervals`, each bar carries its interval as a whisker and the finding says so."""
    title = titles()
    dimensions = [
        (names["dimension"].get(d.dimension, d.dimension), whole(d.total))
        for d in scores.dimensions
    ]
    principals = [
        (names["principal"].get(p.principal, p.principal), whole(p.share))
        for p in scores.principals
    ]
    pairs = [(names["pair"].get(p.pair, p.pair), whole(p.index)) for p in scores.pairs]
    assessed = sum(p.included for p in scores.processes)
    errors: dict[str, list[charts.Error]] = {
        "dimensions": [
            _error(intervals.dimensions.get(d.dimension) if intervals else None)
            for d in scores.dimensions
        ],
        "principals": [
            _error(intervals.principals.get(p.principal) if intervals else None)
            for p in scores.principals
        ],
        "pairs": [_error(intervals.pairs.get(p.pair) if intervals else None) for p in scores.pairs],
    }

    dimension_finding = (
        _("Share of the %(count)s assessed processes where each dimension is present: ")
        % {"count": assessed}
        + _listing(dimensions)
        + "."
        + _extremes(dimensions)
        + _interval_sentence(errors["dimensions"], [n for n, _v in dimensions])
    )
    principal_finding = (
        _("Share of each principal's processes that work at least in part: ")
        + "; ".join(
            _("%(name)s: %(percent)s (%(working)s of %(total)s)")
            % {
                "name": name,
                "percent": charts.percent_text(value),
                "working": p.working,
                "total": p.processes,
            }
            for (name, value), p in zip(principals, scores.principals, strict=True)
        )
        + "."
        + _extremes(principals)
        + _interval_sentence(errors["principals"], [n for n, _v in principals])
    )
    pair_finding = (
        _("Each pair's real level of accountability against the ideal of 100%: ")
        + _listing(pairs)
        + "."
        + _extremes(pairs)
        + " "
        + _("Overall index: %(percent)s.") % {"percent": charts.percent_text(whole(scores.overall))}
        + _interval_sentence(errors["pairs"], [n for n, _v in pairs])
    )

    def rows(items):
        return [(name, _shown(value)) for name, value in items]

    def table(items, key):
        # The interval joins the table when there is one to show.
        if not any(errors[key]):
            return [(name, [charts.percent_text(value)]) for name, value in items]
        return [
            (name, [charts.percent_text(value), charts.interval_text(error) or "–"])
            for (name, value), error in zip(items, errors[key], strict=True)
        ]

    def columns(*names: str, key: str) -> list[str]:
        return [*names, _("Interval")] if any(errors[key]) else list(names)

    return {
        "pairs": Diagram(
            "pairs",
            title["pairs"],
            pair_finding,
            lambda layout: charts.real_vs_ideal_chart(
                title["pairs"],
                rows(pairs),
                desc=pair_finding,
                layout=layout,
                errors=errors["pairs"],
            ),
            columns(_("Pair (principal – agent)"), _("Index"), key="pairs"),
            table(pairs, "pairs"),
        ),
        "dimensions": Diagram(
            "dimensions",
            title["dimensions"],
            dimension_finding,
            lambda layout: charts.bar_chart(
                title["dimensions"],
                rows(dimensions),
                desc=dimension_finding,
                layout=layout,
                errors=errors["dimensions"],
            ),
            columns(_("Dimension"), _("Present"), key="dimensions"),
            table(dimensions, "dimensions"),
        ),
        "principals": Diagram(
            "principals",
            title["principals"],
            principal_finding,
            lambda layout: charts.bar_chart(
                title["principals"],
                rows(principals),
                desc=principal_finding,
                layout=layout,
                errors=errors["principals"],
            ),
            columns(_("Principal"), _("Share"), key="principals"),
            table(principals, "principals"),
        ),
    }


def series_diagram(
    title: str, years: Sequence[str], rows: Sequence[tuple[str, Sequence[Decimal | None]]]
) -> Diagram:
    """Each pair's index over the years (`rows`: name and whole percent per year)."""
    finding = (
        "; ".join(
            _("%(name)s: %(values)s")
            % {
                "name": name,
                "values": ", ".join(
                    _("%(year)s — %(percent)s")
                    % {"year": year, "percent": charts.percent_text(value)}
                    for year, value in zip(years, values, strict=True)
                ),
            }
            for name, values in rows
        )
        + "."
    )
    if len(years) < 2:
        finding += " " + _("Only one round has been published so far.")
    series = [(name, [_shown(v) for v in values]) for name, values in rows]
    return Diagram(
        "series",
        title,
        finding,
        lambda layout: charts.line_chart(title, years, series, desc=finding, layout=layout),
        [_("Pair"), *years],
        [(name, [charts.percent_text(v) for v in values]) for name, values in rows],
    )


# --- where a picture comes from -------------------------------------------------------------


def licence() -> str:
    return settings.DATA_LICENCE


def round_credits(round_, methodology_title: str, url: str) -> list[str]:
    """Round, version, methodology (by name), source and licence, for a round's charts."""
    status = "" if round_.is_frozen else " (" + _("not published") + ")"
    lines = [
        _("Round %(year)s, version %(version)s. Methodology: %(methodology)s.")
        % {"year": round_.year, "version": round_.version, "methodology": methodology_title}
        + status
    ]
    return [*lines, *_source_lines(round_.source, url)]


def series_credits(rounds: Sequence, methodology_titles: Sequence[str], url: str) -> list[str]:
    """The rounds a series is drawn from, their methodologies, source and licence."""
    listed = ", ".join(
        _("%(year)s (version %(version)s)") % {"year": r.year, "version": r.version} for r in rounds
    )
    unique = list(dict.fromkeys(methodology_titles))
    lines = [
        _("Rounds: %(rounds)s. Methodology: %(methodology)s.")
        % {"rounds": listed, "methodology": "; ".join(unique)}
    ]
    sources = list(dict.fromkeys(r.source for r in rounds if r.source))
    return [*lines, *_source_lines("; ".join(sources), url)]


def _source_lines(source: str, url: str) -> list[str]:
    lines = []
    if source:
        lines.append(_("Source: %(source)s.") % {"source": source})
    lines.append(
        _("Computed from the panels' ratings by the accountability assessments service: %(url)s")
        % {"url": url}
    )
    lines.append(_("Licence: %(licence)s.") % {"licence": licence()})
    return lines
