"""Read and write spreadsheets of records: CSV and Excel (.xlsx) files with Chinese headers.

Offices bring historical cases as spreadsheets saved by whatever they had at hand: Excel's
"CSV" (GB18030 on a Chinese Windows), "CSV UTF-8" (with a byte order mark), WPS, LibreOffice,
or a real .xlsx workbook. ``read_table`` turns any of these into ``Row`` objects keyed by the
caller's field names, matching column headers leniently; anything wrong with the file as a whole
raises ``TableError`` with an English and a Chinese message. Checking the values themselves (is
this a date, does this community exist) is the caller's job: every value arrives as text.

``write_csv`` and ``write_xlsx`` export lists for people to open in Excel, so text that Excel
would run as a formula ("CSV injection") is neutralised with a leading apostrophe.

Nothing here imports Django. Both directions hold the whole file in memory; callers limit the
upload size before calling ``read_table``.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Collection, Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.styles.numbers import is_datetime
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

__all__ = [
    "LOCAL_TIMEZONE",
    "Row",
    "TableError",
    "read_table",
    "write_csv",
    "write_xlsx",
]

# Exported datetimes are shown in the district's local time; Excel has no time zones.
LOCAL_TIMEZONE = ZoneInfo("Asia/Shanghai")

# Delimiters a CSV may use: Excel writes ";" where the decimal separator is a comma, and
# "Unicode text" saves are tab separated.
_DELIMITERS = (",", ";", "\t")

# First characters that make Excel or WPS treat a text cell as a formula (OWASP's list).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# An .xlsx is a ZIP of XML; cap what it may unpack to so a small upload cannot be a ZIP bomb.
# 100,000 rows of 30 columns is roughly 150 MB of sheet XML.
_MAX_XLSX_UNPACKED_BYTES = 512 * 1024 * 1024

# Excel's limits on worksheet names.
_SHEET_TITLE_MAX = 31
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")

_XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
_XLSX_DATE_FORMAT = "yyyy-mm-dd"

# Whitespace inside headers is ignored: Chinese forms pad short names ("姓  名") to line up
# with longer ones, and a zero-width space or stray BOM is invisible in Excel.
_HEADER_IGNORED = re.compile(r"[\s\u200b\ufeff]+")

# (row number, stripped cell texts) for every row of a file, empty ones included.
_RowStream = Generator[tuple[int, list[str]], None, None]

_PDF_MAGIC = b"%PDF-"
# Compound File Binary: Excel 97-2003 .xls, and also any password-protected .xlsx.
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class TableError(ValueError):
    """A problem with an import file as a whole; no row of it should be imported.

    ``str(error)`` is the English message; ``message_zh`` says the same in Chinese for the
    people who prepared the file.
    """

    def __init__(self, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.message = message
        self.message_zh = message_zh


@dataclass(frozen=True)
class Row:
    """One data row of an import file.

    ``number`` is the row number a person sees in Excel (the header is usually row 1), counting
    the empty rows that were skipped, so that messages can point at the right row. ``values``
    maps each field whose column is present in the file to that cell's text, stripped; fields
    with no column in the file are absent.
    """

    number: int
    values: dict[str, str]


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def read_table(
    data: bytes,
    filename: str,
    *,
    mapping: Mapping[str, Sequence[str]],
    required: Collection[str] = (),
    max_rows: int = 100_000,
) -> list[Row]:
    """Read the records of a CSV or XLSX file, with columns renamed to the caller's fields.

    ``mapping`` gives, for each target field, the header names accepted for it. Headers match
    ignoring case, whitespace and full-width/half-width differences (NFKC). Columns that map to
    no field are ignored. The format is told by content, not by ``filename``, which only
    names the file in messages. The header is the first non-empty row; empty rows are skipped.

    Raises ``TableError`` for an unreadable file, a missing header or required column, two
    columns for one field, or more than ``max_rows`` data rows. Raises ``ValueError`` for a
    ``mapping`` that gives one header to two fields or a ``required`` field it does not name.
    """
    aliases = _header_aliases(mapping, required)
    if _is_xlsx(data):
        rows = _xlsx_rows(data, filename)
    else:
        rows = _csv_rows(_decode_text(data, filename), filename, aliases)
    # Closing the generator closes the workbook even when reading stops early.
    with closing(rows):
        return _records(rows, filename, mapping, aliases, required, max_rows)


def _normalise_header(text: str) -> str:
    return _HEADER_IGNORED.sub("", unicodedata.normalize("NFKC", text)).casefold()


def _header_aliases(
    mapping: Mapping[str, Sequence[str]], required: Collection[str]
) -> dict[str, str]:
    """Map each normalised accepted header to its field; reject an ambiguous mapping."""
    aliases: dict[str, str] = {}
    for field, names in mapping.items():
        for name in names:
            key = _normalise_header(name)
            other = aliases.setdefault(key, field)
            if other != field:
                raise ValueError(f"header {name!r} is accepted for both {other!r} and {field!r}")
    unknown = sorted(set(required) - set(mapping))
    if unknown:
        raise ValueError(f"required fields missing from mapping: {', '.join(unknown)}")
    return aliases


def _records(
    rows: Iterator[tuple[int, list[str]]],
    filename: str,
    mapping: Mapping[str, Sequence[str]],
    aliases: Mapping[str, str],
    required: Collection[str],
    max_rows: int,
) -> list[Row]:
    header = next(((n, cells) for n, cells in rows if any(cells)), None)
    if header is None:
        raise TableError(
            f"{filename}: the file is empty; the first row should hold the column headers.",
            f"{filename}：文件为空，第一行应为列标题。",
        )
    columns = _match_columns(header[1], filename, mapping, aliases, required)

    records: list[Row] = []
    for number, cells in rows:
        if not any(cells):
            continue
        if len(records) == max_rows:
            raise TableError(
                f"{filename}: more than {max_rows} data rows; split the file and import it "
                "in parts.",
                f"{filename}：数据超过 {max_rows} 行，请拆分文件后分批导入。",
            )
        values = {field: cells[i] if i < len(cells) else "" for field, i in columns.items()}
        records.append(Row(number=number, values=values))
    return records


def _match_columns(
    headers: list[str],
    filename: str,
    mapping: Mapping[str, Sequence[str]],
    aliases: Mapping[str, str],
    required: Collection[str],
) -> dict[str, int]:
    """Return field -> 0-based column index for the fields whose column is in the header."""
    columns: dict[str, int] = {}
    for index, header in enumerate(headers):
        field = aliases.get(_normalise_header(header))
        if field is None:
            continue
        if field in columns:
            first = columns[field]
            raise TableError(
                f"{filename}: columns {get_column_letter(first + 1)} ({headers[first]!r}) and "
                f"{get_column_letter(index + 1)} ({header!r}) are the same column "
                f"{_label(mapping, field)!r}; keep only one of them.",
                f"{filename}：第 {get_column_letter(first + 1)} 列“{headers[first]}”与第 "
                f"{get_column_letter(index + 1)} 列“{header}”是同一列"
                f"“{_label(mapping, field)}”，请只保留一列。",
            )
        columns[field] = index

    missing = [field for field in mapping if field in required and field not in columns]
    if missing:
        found = [h for h in headers if h]
        expected = "; ".join(f"{_label(mapping, f)!r} ({' / '.join(mapping[f])})" for f in missing)
        expected_zh = "；".join(
            f"“{_label(mapping, f)}”（{' / '.join(mapping[f])}）" for f in missing
        )
        raise TableError(
            f"{filename}: required column missing: {expected}. Headers found: {', '.join(found)}.",
            f"{filename}：缺少必填列：{expected_zh}。文件中的列标题：{'、'.join(found)}。",
        )
    return columns


def _label(mapping: Mapping[str, Sequence[str]], field: str) -> str:
    """Name a field by its first accepted header (the one people know), else by itself."""
    names = mapping[field]
    return names[0] if names else field


# --- format detection and decoding -------------------------------------------------------------


def _is_xlsx(data: bytes) -> bool:
    if not data.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _not_a_table(filename: str, what: str, what_zh: str) -> TableError:
    return TableError(
        f"{filename}: {what}. Save it from Excel or WPS as .xlsx or .csv and upload again.",
        f"{filename}：{what_zh}。请用 Excel 或 WPS 另存为 .xlsx 或 .csv 后重新上传。",
    )


def _decode_text(data: bytes, filename: str) -> str:
    """Decode a CSV: UTF-8 (with or without BOM), UTF-16 with a BOM, else GB18030."""
    if data.startswith(_PDF_MAGIC):
        raise _not_a_table(filename, "this is a PDF, not a spreadsheet", "这是 PDF 文件，不是表格")
    if data.startswith(_OLE2_MAGIC):
        raise _not_a_table(
            filename,
            "this is an old-style .xls workbook or a password-protected one, which cannot be read",
            "这是旧版 .xls 文件或加密的工作簿，无法读取",
        )
    if data.startswith(b"PK"):
        raise _not_a_table(
            filename,
            "this is a ZIP archive but not an Excel workbook",
            "这是压缩文件，不是 Excel 工作簿",
        )

    text: str | None = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None or "\x00" in text:
        raise _not_a_table(
            filename,
            "this is not a CSV or XLSX file, or its text encoding is unknown",
            "不是 CSV 或 XLSX 文件，或文字编码无法识别",
        )
    if text.lstrip().startswith("<"):
        # Some systems export an HTML table under an .xls name; Excel opens it, we do not.
        raise _not_a_table(
            filename, "this is a web page (HTML) or XML, not a CSV", "这是网页（HTML）或 XML 文件"
        )
    return text


# --- CSV ---------------------------------------------------------------------------------------


def _csv_rows(text: str, filename: str, aliases: Mapping[str, str]) -> _RowStream:
    """Yield (row number, stripped cells); the number counts records as Excel shows them."""
    delimiter = max(_DELIMITERS, key=lambda d: _delimiter_score(text, d, aliases))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, [cell.strip() for cell in cells]
    except csv.Error as exc:
        raise TableError(
            f"{filename}: the CSV is malformed after row {number} ({exc}); check for an "
            "unclosed quotation mark.",
            f"{filename}：CSV 格式错误（第 {number} 行之后），请检查是否有未闭合的引号。",
        ) from exc


def _delimiter_score(text: str, delimiter: str, aliases: Mapping[str, str]) -> tuple[int, int]:
    """Score a delimiter by the header it gives: known headers first, then the column count.

    Knowing which headers to expect makes this surer than ``csv.Sniffer``, which guesses from
    character frequencies and is misled by commas inside Chinese text.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # The first line that is not blank: ",," counts as three empty columns, not as text.
        header = next((cells for cells in reader if len(cells) > 1 or "".join(cells).strip()), [])
    except csv.Error:
        return (-1, 0)
    known = sum(1 for cell in header if _normalise_header(cell) in aliases)
    return (known, len(header))


# --- XLSX --------------------------------------------------------------------------------------


def _xlsx_rows(data: bytes, filename: str) -> _RowStream:
    """Yield (row number, cell texts) from the first worksheet of a workbook."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > _MAX_XLSX_UNPACKED_BYTES:
        raise _not_a_table(filename, "the workbook is too large to read", "工作簿过大，无法读取")

    damaged = _not_a_table(
        filename, "the Excel workbook is damaged and cannot be read", "Excel 工作簿已损坏，无法读取"
    )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of error on malformed XML or parts
        raise damaged from exc
    try:
        if not workbook.worksheets:
            raise _not_a_table(filename, "the workbook has no worksheet", "工作簿中没有工作表")
        sheet = workbook.worksheets[0]
        assert isinstance(sheet, ReadOnlyWorksheet)  # what read_only=True always gives
        # Some programs record a wrong used range ("A1:A1"); read whatever cells are there.
        sheet.reset_dimensions()
        # Read-only sheets fill in missing rows, so counting from 1 gives Excel's row numbers.
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            yield number, [_xlsx_text(cell.value, cell.number_format) for cell in cells]
    except TableError:
        raise
    except Exception as exc:
        raise damaged from exc
    finally:
        workbook.close()


def _xlsx_text(value: object, number_format: str | None) -> str:
    """Render a cell value as text: ISO dates, integers without '.0', None as ''."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        # Excel stores dates as datetimes; a date-only format at midnight is a date.
        if value.time() == time() and is_datetime(number_format or "") == "date":
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, timedelta):
        return str(value)
    return str(value).strip()


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def write_csv(rows: Iterable[Sequence[object]], header: Sequence[str]) -> bytes:
    """Export rows as a CSV that Excel opens with Chinese intact (UTF-8 with BOM, CRLF).

    Values may be text, numbers, dates, datetimes (aware ones shown in Beijing time, as
    "2025-03-04 08:30:00", which Excel recognises) or None; anything else is written as
    ``str(value)``. Text that Excel would run as a formula gets a leading apostrophe.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_csv_text(name) for name in header])
    for row in rows:
        writer.writerow([_csv_text(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(
    rows: Iterable[Sequence[object]], header: Sequence[str], *, sheet_title: str = "导出"
) -> bytes:
    """Export rows as an .xlsx workbook of one sheet, streamed in openpyxl's write-only mode.

    Numbers stay numbers and dates and datetimes become Excel dates with a readable format;
    aware datetimes are converted to Beijing time first, because Excel has no time zones.
    Text that Excel would run as a formula gets a leading apostrophe, and control characters
    that XML cannot hold are dropped. The header row is bold and frozen. ``sheet_title`` is
    cut to Excel's 31 characters, with characters Excel forbids replaced by "_".
    """
    workbook = openpyxl.Workbook(write_only=True)
    sheet: WriteOnlyWorksheet = workbook.create_sheet(title=_sheet_title(sheet_title))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=_xlsx_str(name))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _guard_formula(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _local_naive(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value
    return value.astimezone(LOCAL_TIMEZONE).replace(tzinfo=None)


def _csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _local_naive(value).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int | Decimal):  # numbers are never formulas, even when negative
        return str(value)
    return _guard_formula(str(value))


def _xlsx_str(value: object) -> str:
    return _guard_formula(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: object) -> object:
    if value is None or isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet)
        if isinstance(value, datetime):
            cell.value = _local_naive(value)
            cell.number_format = _XLSX_DATETIME_FORMAT
        else:
            cell.value = value
            cell.number_format = _XLSX_DATE_FORMAT
        return cell
    return _xlsx_str(value)


def _sheet_title(title: str) -> str:
    cleaned = _SHEET_TITLE_FORBIDDEN.sub("_", title).strip()[:_SHEET_TITLE_MAX]
    return cleaned or "导出"
