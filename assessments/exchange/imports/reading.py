"""Reading an uploaded file safely: its size capped, an XLSX's parts and unpacked size checked,
and its rows counted while streaming, all before the file is parsed."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import tablib
from django.conf import settings
from django.utils.translation import gettext as _

from ..resources import FORMATS
from .report import ImportFileError

# Limits. A round has a few hundred ratings; 10,000 rows is a large synthetic test.
MAX_UPLOAD_BYTES = getattr(settings, "IMPORT_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
MAX_XLSX_UNCOMPRESSED_BYTES = getattr(settings, "IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES", 100 * 2**20)
MAX_XLSX_MEMBERS = getattr(settings, "IMPORT_MAX_XLSX_MEMBERS", 200)
MAX_ROWS = getattr(settings, "IMPORT_MAX_ROWS", 100_000)
# A row of an export is a few KB at most; Python's csv module refuses a cell past 128 KB.
MAX_LINE_BYTES = getattr(settings, "IMPORT_MAX_LINE_BYTES", 128 * 1024)

# --- reading the file -------------------------------------------------------------------


def check_xlsx_archive(data: bytes) -> None:
    """Refuse a zip bomb before openpyxl opens it: member count and uncompressed size.

    zipfile never inflates a member past the size its header declares, so the
    declared sizes are a real bound.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ImportFileError(_("This is not an XLSX file (it is not a zip archive).")) from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_XLSX_MEMBERS:
            raise ImportFileError(
                _("The XLSX file has %(n)s parts; at most %(max)s are accepted.")
                % {"n": len(members), "max": MAX_XLSX_MEMBERS}
            )
        total = sum(m.file_size for m in members)
        if total > MAX_XLSX_UNCOMPRESSED_BYTES:
            raise ImportFileError(
                _("The XLSX file unpacks to %(mb)s MB; at most %(max)s MB are accepted.")
                % {"mb": total // 2**20, "max": MAX_XLSX_UNCOMPRESSED_BYTES // 2**20}
            )
        if "[Content_Types].xml" not in {m.filename for m in members}:
            raise ImportFileError(_("This zip archive is not an XLSX workbook."))
        for member in members:
            if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
                _check_row_count(_count_sheet_rows(archive, member))


# A row element of a worksheet (SpreadsheetML), with or without a namespace prefix.
SHEET_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
READ_CHUNK = 1 << 20


def _count_sheet_rows(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> int:
    """Count a worksheet's rows while inflating it in chunks: a few hundred KB of zip can
    hold hundreds of thousands of empty rows, which openpyxl would read one by one."""
    count = 0
    carry = b""
    with archive.open(member) as sheet:
        while chunk := sheet.read(READ_CHUNK):
            text = carry + chunk
            # A tag cut at the chunk's end is counted with the next chunk.
            cut = text.rfind(b"<")
            text, carry = (text[:cut], text[cut:]) if cut >= 0 else (text, b"")
            count += len(SHEET_ROW.findall(text))
    return count + len(SHEET_ROW.findall(carry + b" "))


def _check_row_count(rows_with_header: int) -> None:
    rows = max(0, rows_with_header - 1)
    if rows > MAX_ROWS:
        raise ImportFileError(
            _("The file has %(n)s rows; at most %(max)s are accepted.")
            % {"n": rows, "max": MAX_ROWS}
        )


def _check_csv_lines(data: bytes) -> None:
    """Refuse a line longer than any row of an export, naming it, before the csv module
    reads it. Only a file of few enough lines is split (the row count refused the others)."""
    if len(data) <= MAX_LINE_BYTES or data.count(b"\n") > MAX_ROWS + 1:
        return
    for number, line in enumerate(data.split(b"\n"), start=1):
        if len(line) > MAX_LINE_BYTES:
            raise ImportFileError(
                _(
                    "Line %(line)s of the file is %(kb)s KB long; at most %(max)s KB are "
                    "accepted. Is it the CSV of an export?"
                )
                % {"line": number, "kb": len(line) // 1024, "max": MAX_LINE_BYTES // 1024}
            )


def _count_csv_rows(data: bytes) -> int:
    """Rows of a CSV file, counted as the csv module reads them (a quoted cell may hold line
    breaks), without keeping them; only when its line breaks alone exceed the limit."""
    if data.count(b"\n") <= MAX_ROWS + 1:
        return 0
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    return sum(1 for _row in csv.reader(text))


def file_format(filename: str, data: bytes) -> str:
    name = (filename or "").lower()
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return "xlsx"
    if name.endswith((".csv", ".txt")) or not name:
        return "csv"
    raise ImportFileError(_("Only CSV and XLSX files can be imported."))


def read_table(data: bytes, filename: str) -> tablib.Dataset:
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError(
            _("The file is %(mb)s MB; at most %(max)s MB are accepted.")
            % {"mb": round(len(data) / 2**20, 1), "max": MAX_UPLOAD_BYTES // 2**20}
        )
    fmt = file_format(filename, data)
    try:
        # Rows are counted before the file is parsed: a small file of many rows is refused
        # in a fraction of a second, not after every row has been read.
        if fmt == "xlsx":
            check_xlsx_archive(data)
        else:
            _check_row_count(_count_csv_rows(data))
            _check_csv_lines(data)
        dataset = FORMATS[fmt].create_dataset(data)
    except UnicodeDecodeError:
        raise ImportFileError(_("The CSV file is not in UTF-8: save it as “CSV UTF-8”.")) from None
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl and csv raise many kinds; the user needs one message
        raise ImportFileError(
            _("The file cannot be read as %(format)s: %(error)s")
            % {"format": fmt.upper(), "error": exc.__class__.__name__}
        ) from exc
    if len(dataset) > MAX_ROWS:
        raise ImportFileError(
            _("The file has %(n)s rows; at most %(max)s are accepted.")
            % {"n": len(dataset), "max": MAX_ROWS}
        )
    return dataset
