"""Rounds, files and edits for the import and export tests."""

from __future__ import annotations

import io
from collections.abc import Callable

import openpyxl
import pytest

from assessments import services
from assessments.exchange import resources
from assessments.models import Round


@pytest.fixture
def draft_2025(study_round, staff) -> Round:
    """The draft 2025 round started from 2016: its ratings carried over, not re-examined."""
    return services.start_next_round(
        actor=staff, source=study_round, year=2025, reason="The 2025 assessment starts"
    )


@pytest.fixture
def chair_2025(draft_2025, chair, expert, panel_for):
    """The 2025 panel covering every pair: `chair` chairs it, `expert` sits on it."""
    panel_for(draft_2025, chair=chair, experts=[expert])
    return chair


def export_xlsx(kind: str, round_: Round | None) -> bytes:
    return resources.export_rows(kind, round_, "xlsx")


def export_csv(kind: str, round_: Round | None) -> bytes:
    return resources.export_rows(kind, round_, "csv")


def edit_xlsx(data: bytes, edit: Callable[[list[str], list[list]], None]) -> bytes:
    """Open an XLSX as a spreadsheet user would, let `edit(header, rows)` change the rows, save."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    header, rows = values[0], values[1:]
    edit(header, rows)
    sheet.delete_rows(1, sheet.max_row)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def set_cell(header: list[str], rows: list[list], *, process: str, dimension: str, **cells):
    """Change the cells of the row about (process, dimension)."""
    for row in rows:
        if row[header.index("process")] == process and row[header.index("dimension")] == dimension:
            for column, value in cells.items():
                row[header.index(column)] = value
            return row
    raise AssertionError(f"no row for {process} / {dimension}")
