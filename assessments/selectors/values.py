"""Figures as JSON-ready values: percentages to two places, printed numbers as int or float."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from .. import scoring


def percent_value(value: Fraction | None) -> float | None:
    pct = scoring.percent(value, 2)
    return float(pct) if pct is not None else None


def number_value(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)
