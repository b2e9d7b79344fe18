"""Untrusted spreadsheets in, a plain table of text out: what an import reads (cases/imports.py).

A CSV or XLSX file from a volunteer's laptop, or from anyone who got hold of a staff account, is
read only after it has shown that it is what it claims: no macros, no formulas, no zip that
inflates to gigabytes, a known text encoding, and a bounded number of rows. Anything else is
refused whole, with the reason, before a single row is stored. Knows nothing of HTTP or models.

openpyxl reads XLSX (in read-only mode, one row at a time); with defusedxml installed it parses
the XML without entity expansion. tablib and django-import-export read through openpyxl too,
but load whole sheets into memory and map one row to one model: a row here becomes a case, its
names, an event, a source and a report, with a dry run of our own.
"""

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

from charset_normalizer import from_bytes
from django.utils.translation import gettext as _

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000
# As staff read them in messages: 20 MiB, 20 000 rows.
MAX_FILE_MEBIBYTES = MAX_FILE_BYTES // 2**20
MAX_ROWS_SHOWN = f"{MAX_ROWS:,}".replace(",", " ")
MAX_COLUMNS = 60
MAX_CELL_CHARS = 10_000
# An XLSX file is a zip: what its entries say they unpack to, in all and at most per byte
# stored. Real sheets of 20,000 rows unpack to tens of MiB at ratios under 20.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
MAX_ZIP_ENTRIES = 200

# The encodings this office's files come in. Chosen by hand when detection cannot tell.
ENCODINGS = {
    "utf-8": "UTF-8",
    "utf-16": "UTF-16",
    "cp1251": "Windows-1251 (Cyrillic)",
    "gb18030": "GB18030 (Chinese)",
}
# A cell that a spreadsheet would run: =SUM(..), =HYPERLINK(..), @cmd, DDE. A leading + or - is
# a formula too unless what follows is a number or a phone number ("+7 701 ...", "-").
_FORMULA = re.compile(r"^\s*(=|@|[+-](?![\d\s().\-/]*$))")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MACRO_PARTS = ("vbaproject.bin", "macrosheets/", "activex/", "vbadata.xml")


class RefusedFile(Exception):
    """The whole file is refused; the message says why, in the staff member's language."""


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]  # data rows, padded to the headers' length
    encoding: str = ""  # for CSV: the encoding it was read in
    notes: list[str] = field(default_factory=list)

    @property
    def first_row_number(self) -> int:
        """The spreadsheet's own number of the first data row (the header is row 1)."""
        return 2


def read_table(data: bytes, file_name: str, encoding: str = "") -> Table:
    """The file's first sheet as text. Raises RefusedFile, saying why, for anything hostile."""
    if len(data) > MAX_FILE_BYTES:
        raise RefusedFile(
            _("The file is larger than %(limit)s MiB.") % {"limit": MAX_FILE_MEBIBYTES}
        )
    if not data.strip():
        raise RefusedFile(_("The file is empty."))
    if data.startswith(b"PK\x03\x04"):
        table = _read_xlsx(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise RefusedFile(
            _("This is an old Excel file (.xls). Save it as .xlsx or .csv and upload that.")
        )
    else:
        table = _read_csv(data, encoding)
    return _checked(table)


# --- XLSX


def _read_xlsx(data: bytes) -> Table:
    _check_zip(data)
    import openpyxl  # only when an XLSX file comes: its imports are heavy

    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False
        )
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise RefusedFile(_("The file could not be read as a spreadsheet.")) from error
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for index, row in enumerate(sheet.iter_rows(), start=1):
            if index > MAX_ROWS + 1:
                raise _too_many_rows()
            rows.append([_xlsx_cell(cell, index) for cell in row[: MAX_COLUMNS + 1]])
    finally:
        workbook.close()
    return _table_from_rows(rows)


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise RefusedFile(_("The file could not be read as a spreadsheet.")) from error
    if len(entries) > MAX_ZIP_ENTRIES:
        raise RefusedFile(_("The spreadsheet has too many parts to be a plain table."))
    names = [entry.filename.lower() for entry in entries]
    if any(part in name for name in names for part in _MACRO_PARTS):
        raise RefusedFile(
            _("The spreadsheet contains macros. Save it as a plain .xlsx workbook without them.")
        )
    unpacked = sum(entry.file_size for entry in entries)
    bomb = any(
        entry.file_size > 1024 * 1024 and entry.file_size > MAX_RATIO * max(entry.compress_size, 1)
        for entry in entries
    )
    if unpacked > MAX_UNPACKED_BYTES or bomb:
        raise RefusedFile(
            _("The spreadsheet would unpack to far more than it holds (a zip bomb?).")
        )
    if "xl/workbook.xml" not in names:
        raise RefusedFile(_("The file could not be read as a spreadsheet."))


def _xlsx_cell(cell, row_number: int) -> str:
    if getattr(cell, "data_type", None) == "f":
        raise _formula_refused(row_number, str(cell.value))
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- CSV


def _read_csv(data: bytes, encoding: str) -> Table:
    text, used = _decode(data, encoding)
    if "\x00" in text:
        raise RefusedFile(_encoding_question())
    try:
        dialect = csv.Sniffer().sniff(text[:20_000], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        for index, row in enumerate(reader, start=1):
            if index > MAX_ROWS + 1:
                raise _too_many_rows()
            rows.append(row[: MAX_COLUMNS + 1])
    except csv.Error as error:
        raise RefusedFile(_("The file is not a readable CSV table.")) from error
    table = _table_from_rows(rows)
    table.encoding = used
    return table


def _decode(data: bytes, encoding: str) -> tuple[str, str]:
    """The text and the encoding it was read in: the one chosen, a BOM's, UTF-8, or a guess."""
    if encoding:
        try:
            return data.decode(_codec(encoding, data)), encoding
        except UnicodeDecodeError:
            raise RefusedFile(
                _("The file is not valid %(encoding)s.") % {"encoding": ENCODINGS[encoding]}
            ) from None
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict"), "utf-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    guessed = _guess_encoding(data)
    if guessed is None:
        raise RefusedFile(_encoding_question())
    return _strict(data, _codec(guessed, data)), guessed


def _codec(encoding: str, data: bytes) -> str:
    """UTF-16 without a BOM: little-endian unless the first character says otherwise."""
    if encoding == "utf-16" and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16-be" if data[:1] == b"\x00" else "utf-16-le"
    return encoding


def _guess_encoding(data: bytes) -> str | None:
    """One of ENCODINGS, if the bytes read as it and as none of the others equally well."""
    if data[:200].count(b"\x00") > len(data[:200]) // 4:
        return "utf-16"
    best = from_bytes(data[:200_000], cp_isolation=["cp1251", "gb18030"]).best()
    if best is None:
        return None
    return {"cp1251": "cp1251", "gb18030": "gb18030"}.get(best.encoding)


def _strict(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        raise RefusedFile(_encoding_question()) from None


def _encoding_question() -> str:
    return _(
        "We could not tell which text encoding the file is in. Choose it below and upload "
        "the file again, or save it from the spreadsheet as CSV UTF-8."
    )


# --- Both


def _table_from_rows(rows: list[list]) -> Table:
    while rows and not any(str(cell).strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise RefusedFile(_("The file has no rows."))
    headers = [str(cell).strip() for cell in rows[0]]
    while headers and not headers[-1]:
        headers.pop()
    if not any(headers):
        raise RefusedFile(_("The first row must name the columns."))
    if len(headers) > MAX_COLUMNS:
        raise RefusedFile(_("The file has more than %(limit)s columns.") % {"limit": MAX_COLUMNS})
    width = len(headers)
    data = [[str(cell) for cell in row[:width]] + [""] * (width - len(row)) for row in rows[1:]]
    return Table(headers=headers, rows=[row for row in data if any(c.strip() for c in row)])


def _checked(table: Table) -> Table:
    """Every cell normalised; formulas, control characters and endless cells refused."""
    if len(table.rows) > MAX_ROWS:
        raise _too_many_rows()
    for row_index, row in enumerate([table.headers, *table.rows]):
        row_number = row_index + 1
        for column, value in enumerate(row):
            if _FORMULA.match(value):
                raise _formula_refused(row_number, value)
            if len(value) > MAX_CELL_CHARS:
                raise RefusedFile(
                    _("Row %(row)s has a cell longer than %(limit)s characters.")
                    % {"row": row_number, "limit": MAX_CELL_CHARS}
                )
            row[column] = _CONTROL.sub(" ", unicodedata.normalize("NFC", value)).strip()
    return table


def _too_many_rows() -> RefusedFile:
    return RefusedFile(
        _("The file has more than %(limit)s rows. Split it into smaller files.")
        % {"limit": MAX_ROWS_SHOWN}
    )


def _formula_refused(row_number: int, value: str) -> RefusedFile:
    return RefusedFile(
        _(
            "Row %(row)s holds a formula (%(formula)s). Formulas are not imported: copy the "
            "sheet and paste it as values only, then upload it again."
        )
        % {"row": row_number, "formula": value[:40]}
    )
