"""The spreadsheet columns of a round's data, for export and import (django-import-export).

One Resource per kind of row: consensus ratings, expert ratings, processes,
citations, legal acts with their editions. A row names what it is about by
stable codes (the round's year and version, process, dimension, act and
edition codes, the expert's username), never by database ids, so that a file
exported from one database, or from one round, can be read back into another.
Rows of round data carry their `revision`: an import compares it with the row
it would change, so that a stale spreadsheet cannot silently undo someone
else's edit (imports.py).

The Resources define the columns and their widgets (how a cell becomes a
value and back); they never save anything. Writes go through services/,
called by imports.py.

Formats: import-export's CSV and XLSX, with two changes:
- a stronger formula escape on export (a spreadsheet runs a cell starting with
  =, +, -, @, tab or CR as a formula; comments are free text), which prefixes a
  ' and keeps numbers and dates as such; imports strip that prefix again, so
  an exported file reads back unchanged;
- rows shorter or longer than the header are padded or trimmed, and headers are
  normalised, instead of failing the whole file.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

import tablib
from django.conf import settings
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _
from import_export import resources, widgets
from import_export.fields import Field
from import_export.formats import base_formats

from ..models import Citation, ExpertRating, LegalAct, ProcessAssessment, Rating, Round

LANGS = [code for code, _name in settings.LANGUAGES]

# A spreadsheet treats a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unescape_formula(value: str) -> str:
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


# --- widgets: one cell ↔ one value ------------------------------------------------


class CodeWidget(widgets.CharWidget):
    """A stable code (process, dimension, act, edition, username): trimmed text."""

    def clean(self, value, row=None, **kwargs) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a spreadsheet turns the edition code 2010 into a number
        return str(value).strip()


class TextWidget(widgets.CharWidget):
    """Free text; the export's formula escape is undone on import."""

    def clean(self, value, row=None, **kwargs) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return unescape_formula(str(value)).strip()


class WholeNumberWidget(widgets.IntegerWidget):
    """An integer; refuses 1.5 instead of truncating it to 1 (IntegerWidget would)."""

    def __init__(self) -> None:
        super().__init__(coerce_to_string=False)

    def clean(self, value, row=None, **kwargs) -> int | None:
        if self.is_empty(value):
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value}) from None
        if not number.is_finite() or number != number.to_integral_value() or abs(number) > 10**9:
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})
        return int(number)


class YesNoWidget(widgets.BooleanWidget):
    """true/false, yes/no, 1/0 (and ky/ru words); anything else is an error, not False."""

    TRUE = {"1", "true", "yes", "y", "ооба", "да"}
    FALSE = {"0", "false", "no", "n", "жок", "нет"}

    def __init__(self) -> None:
        super().__init__(coerce_to_string=False)

    def clean(self, value, row=None, **kwargs) -> bool | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool):
            return value
        text = str(int(value) if isinstance(value, float) else value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(_("“%(value)s” is neither yes nor no.") % {"value": value})


class DayWidget(widgets.DateWidget):
    """A date, as YYYY-MM-DD text or a spreadsheet date cell."""

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d", coerce_to_string=False)

    def clean(self, value, row=None, **kwargs) -> datetime.date | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(
                _("“%(value)s” is not a date (write it as YYYY-MM-DD).") % {"value": value}
            ) from None


# --- columns and resources ------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column: where its value comes from on export, and how a cell is read on import."""

    name: str
    attribute: str | None
    widget: widgets.Widget
    readonly: bool = False  # exported to help the reader; ignored on import
    required: bool = False  # an import without this column is refused

    def field(self) -> Field:
        return Field(
            attribute=self.attribute,
            column_name=self.name,
            widget=self.widget,
            readonly=self.readonly,
        )


def code(name: str, attribute: str | None = None, **kwargs) -> Column:
    return Column(name, attribute if attribute is not None else name, CodeWidget(), **kwargs)


def text(name: str, attribute: str | None = None, **kwargs) -> Column:
    return Column(name, attribute if attribute is not None else name, TextWidget(), **kwargs)


def number(name: str, attribute: str | None = None, **kwargs) -> Column:
    return Column(name, attribute if attribute is not None else name, WholeNumberWidget(), **kwargs)


def yes_no(name: str, attribute: str | None = None, **kwargs) -> Column:
    return Column(name, attribute if attribute is not None else name, YesNoWidget(), **kwargs)


def day(name: str, attribute: str | None = None, **kwargs) -> Column:
    return Column(name, attribute if attribute is not None else name, DayWidget(), **kwargs)


def translated(name: str, attribute: str | None = None, **kwargs) -> list[Column]:
    """name_ky, name_ru, name_en: one column per language."""
    attribute = attribute if attribute is not None else name
    return [text(f"{name}_{lang}", f"{attribute}_{lang}", **kwargs) for lang in LANGS]


def round_columns(prefix: str) -> list[Column]:
    """year and version of the round the row was exported from (the revision belongs to it)."""
    return [number("year", f"{prefix}round__year"), number("version", f"{prefix}round__version")]


# The reason for the change: per row, else the import's; never exported.
REASON = text("reason", attribute="")


class RowsResource(resources.Resource):
    """A Resource whose fields are built from `columns` (ky/ru/en columns follow settings)."""

    kind: ClassVar[str]
    title: ClassVar[str]
    columns: ClassVar[list[Column]]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.fields = {c.name: c.field() for c in self.columns}

    @classmethod
    def column_names(cls) -> list[str]:
        return [c.name for c in cls.columns]

    @classmethod
    def import_columns(cls) -> list[Column]:
        return [c for c in cls.columns if not c.readonly]

    @classmethod
    def required_columns(cls) -> list[str]:
        return [c.name for c in cls.columns if c.required]

    def export_field(self, field, instance, **kwargs):
        if not field.attribute:
            return ""  # an import-only column (reason)
        return super().export_field(field, instance, **kwargs)

    def clean_row(self, row: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """The row's cells read by their widgets: (values by column, [(column, error)]).

        Only the columns present in the file are read; a missing optional column
        means "leave as it is", which differs from an empty cell.
        """
        values: dict[str, Any] = {}
        errors: list[tuple[str, str]] = []
        for column in self.import_columns():
            if column.name not in row:
                continue
            try:
                values[column.name] = column.widget.clean(row[column.name], row=row)
            except (ValueError, TypeError, ArithmeticError) as exc:
                errors.append((column.name, str(exc)))
        return values, errors

    def rows(self, round_: Round | None, within: QuerySet | None = None) -> QuerySet | list:
        """The round's rows, out of `within` (the rows the exporting user may see, from
        permissions.py) when given: the caller decides who sees what, never this module."""
        raise NotImplementedError

    def export_round(
        self, round_: Round | None, progress=None, within: QuerySet | None = None
    ) -> tablib.Dataset:
        """The round's rows; `progress(phase, done, total)` hears of each row exported."""
        rows = self.rows(round_, within)
        total = rows.count() if isinstance(rows, QuerySet) else len(rows)
        self._progress = (progress, total) if progress is not None else None
        dataset = self.export(rows)
        dataset.title = self.kind[:31]  # the XLSX sheet's name
        return dataset

    def iter_queryset(self, queryset):
        tracking = getattr(self, "_progress", None)
        for done, row in enumerate(super().iter_queryset(queryset), start=1):
            yield row
            if tracking is not None:
                tracking[0]("export", done, tracking[1])


class ConsensusRatingResource(RowsResource):
    """The panel's rating of each process on each dimension: the one that is scored."""

    kind = "ratings"
    columns = [
        *round_columns("assessment__"),
        code("pair", "assessment__process__pair__code", readonly=True),
        code("process", "assessment__process__code", required=True),
        *translated("title", "assessment__title", readonly=True),
        code("dimension", "dimension__code", required=True),
        number("value", required=True),
        *translated("justification"),
        yes_no("carried_over", readonly=True),
        number("revision"),
        REASON,
    ]

    def rows(self, round_: Round | None, within: QuerySet | None = None) -> QuerySet:
        return (
            _within(within, Rating)
            .filter(assessment__round=round_)
            .select_related("assessment__round", "assessment__process__pair", "dimension")
            .order_by(
                "assessment__process__pair__position",
                "assessment__position",
                "assessment__process__code",
                "dimension__position",
            )
        )


class ExpertRatingResource(RowsResource):
    """Each expert's own rating; an expert imports only her own."""

    kind = "expert-ratings"
    columns = [
        *round_columns("assessment__"),
        code("pair", "assessment__process__pair__code", readonly=True),
        code("process", "assessment__process__code", required=True),
        *translated("title", "assessment__title", readonly=True),
        code("dimension", "dimension__code", required=True),
        code("expert", "expert__username", required=True),
        number("value", required=True),
        text("justification"),  # an expert's own note: one text, not translated
        number("revision"),
        REASON,
    ]

    def rows(self, round_: Round | None, within: QuerySet | None = None) -> QuerySet:
        return (
            _within(within, ExpertRating)
            .filter(assessment__round=round_)
            .select_related("assessment__round", "assessment__process__pair", "dimension", "expert")
            .order_by(
                "assessment__process__pair__position",
                "assessment__position",
                "assessment__process__code",
                "dimension__position",
                "expert__username",
            )
        )


class ProcessResource(RowsResource):
    """The round's processes: the process (reference data) and its wording in this round."""

    kind = "processes"
    columns = [
        *round_columns(""),
        code("pair", "process__pair__code", required=True),
        code("process", "process__code", required=True),
        number("position"),
        *translated("name", "process__name"),
        *translated("title"),
        number("revision"),
        REASON,
    ]

    def rows(self, round_: Round | None, within: QuerySet | None = None) -> QuerySet:
        return (
            _within(within, ProcessAssessment)
            .filter(round=round_)
            .select_related("round", "process__pair")
            .order_by("process__pair__position", "position", "process__code")
        )


class CitationResource(RowsResource):
    """Evidence: which act, which edition, which article supports a process's assessment."""

    kind = "citations"
    columns = [
        *round_columns("assessment__"),
        code("pair", "assessment__process__pair__code", readonly=True),
        code("process", "assessment__process__code", required=True),
        number("position", readonly=True),
        code("act", "act__code", required=True),
        code("edition", "edition__code"),
        text("article"),
        text("part"),
        code("dimension", "dimension__code"),
        yes_no("needs_reverification"),
        *translated("note"),
        number("revision"),
        REASON,
    ]

    def rows(self, round_: Round | None, within: QuerySet | None = None) -> QuerySet:
        return (
            _within(within, Citation)
            .filter(assessment__round=round_)
            .select_related(
                "assessment__round", "assessment__process__pair", "act", "edition", "dimension"
            )
            .order_by(
                "assessment__process__pair__position",
                "assessment__position",
                "assessment__process__code",
                "position",
                "pk",
            )
        )


class LegalActResource(RowsResource):
    """Legal acts with their editions, one row per edition (an act without editions: one row).

    Reference data shared by every round: there is no round and no revision.
    """

    kind = "legal-acts"
    columns = [
        code("act", "code", required=True),
        code("kind"),
        text("number"),
        day("adopted_on"),
        text("url"),
        *translated("title"),
        code("edition"),
        *translated("edition_title"),
        day("valid_from"),
        day("valid_until"),
        text("edition_url"),
        *translated("edition_note"),
    ]

    def rows(
        self, round_: Round | None = None, within: QuerySet | None = None
    ) -> list[dict[str, Any]]:
        # One LEFT JOIN: an act without editions still gives one row (edition empty).
        editions = {
            "edition": F("editions__code"),
            "valid_from": F("editions__valid_from"),
            "valid_until": F("editions__valid_until"),
            "edition_url": F("editions__url"),
            **{f"edition_title_{lang}": F(f"editions__title_{lang}") for lang in LANGS},
            **{f"edition_note_{lang}": F(f"editions__note_{lang}") for lang in LANGS},
        }
        acts = ["code", "kind", "number", "adopted_on", "url", *[f"title_{lang}" for lang in LANGS]]
        return list(
            LegalAct.objects.order_by(
                "kind", "code", "editions__valid_from", "editions__code"
            ).values(*acts, **editions)
        )


def _within(within: QuerySet | None, model: type) -> QuerySet:
    return model._default_manager.all() if within is None else within


RESOURCES: dict[str, type[RowsResource]] = {
    r.kind: r
    for r in (
        ConsensusRatingResource,
        ExpertRatingResource,
        ProcessResource,
        CitationResource,
        LegalActResource,
    )
}


def kind_labels() -> list[tuple[str, str]]:
    return [
        ("ratings", _("consensus ratings")),
        ("expert-ratings", _("expert ratings")),
        ("processes", _("processes")),
        ("citations", _("citations")),
        ("legal-acts", _("legal acts and editions")),
    ]


# --- formats ---------------------------------------------------------------------------


def _normalise(
    dataset: tablib.Dataset, headers: list[Any], rows: list[list[Any]]
) -> tablib.Dataset:
    names = [("" if h is None else str(h)).strip().lower() for h in headers]
    while names and not names[-1]:
        names.pop()
    width = len(names)
    dataset.headers = names
    for row in rows:
        row = list(row)[:width]
        dataset.append(row + [None] * (width - len(row)))
    return dataset


class _EscapeFormulae:
    def _escape_formulae(self, dataset: tablib.Dataset) -> None:
        # import-export's own escape drops a leading "=" and turns every cell into text;
        # this one defuses every formula start and keeps numbers and dates as they are.
        for i, row in enumerate(dataset):
            dataset[i] = [escape_formula(cell) for cell in row]


class CSV(_EscapeFormulae, base_formats.CSV):
    def create_dataset(self, in_stream, **kwargs) -> tablib.Dataset:
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode("utf-8-sig")
        first_line = in_stream.split("\n", 1)[0]
        # Spreadsheets in ky/ru locales save with ";": take whichever separator the header uses.
        delimiter = max([",", ";", "\t"], key=first_line.count)
        rows = list(csv.reader(io.StringIO(in_stream), delimiter=delimiter))
        if not rows:
            return tablib.Dataset()
        return _normalise(tablib.Dataset(), rows[0], rows[1:])

    def export_data(self, dataset, **kwargs) -> bytes:
        # With a BOM, Excel opens the file as UTF-8 (Kyrgyz and Russian letters intact).
        return super().export_data(dataset, **kwargs).encode("utf-8-sig")


class XLSX(_EscapeFormulae, base_formats.XLSX):
    def create_dataset(self, in_stream) -> tablib.Dataset:
        import openpyxl  # local, as import-export keeps its format imports

        # Call imports.check_xlsx_archive() first: openpyxl must only see a checked zip.
        book = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
        try:
            rows = book.active.iter_rows(values_only=True)
            header = next(rows, None)
            if header is None:
                return tablib.Dataset()
            return _normalise(tablib.Dataset(), list(header), [list(r) for r in rows])
        finally:
            book.close()


FORMATS: dict[str, base_formats.Format] = {"csv": CSV(), "xlsx": XLSX()}


def export_rows(
    kind: str,
    round_: Round | None,
    file_format: str,
    progress=None,
    within: QuerySet | None = None,
) -> bytes:
    """One kind of a round's rows as the bytes of a CSV or XLSX file (out of `within`)."""
    dataset = RESOURCES[kind]().export_round(round_, progress=progress, within=within)
    return FORMATS[file_format].export_data(dataset)


def export_filename(kind: str, round_: Round | None, file_format: str) -> str:
    if round_ is None:
        return f"{kind}.{file_format}"
    return f"{kind}-{round_.year}-v{round_.version}.{file_format}"
