"""Reading the CSV files the ``textintel`` command takes, with errors a person can act on.

Files are CSV with a header row (RFC 4180 quoting; fields may hold newlines). The encoding is
UTF-8 (with or without a byte-order mark); when a file is not valid UTF-8 it is read as GB18030,
the superset of GBK/GB2312 that Chinese Excel and many government systems write. A file that is
neither is refused with the byte offset of the first bad byte.

Every problem raises :class:`TextIntelError` with a message in Chinese that names the file, the
line or the column; the management command turns it into a ``CommandError``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

# Large enough for any field the classifier keeps (texts are truncated later, not here);
# Python's default of 131,072 characters would reject a legitimate 200,000-character cell.
MAX_FIELD_CHARS = 10_000_000
# Refuse files that would not fit comfortably in memory on a small server.
MAX_FILE_BYTES = 500 * 1024 * 1024


class TextIntelError(Exception):
    """A problem with the user's input or model file, described for the person running it."""


@dataclass(frozen=True)
class Table:
    """A CSV file read into memory: its header and its rows (each as long as the header)."""

    path: Path
    encoding: str
    columns: list[str]
    rows: list[list[str]]
    # The physical line each row starts on, for error messages.
    lines: list[int]

    def column(self, name: str) -> list[str]:
        """Return the values of column ``name``; raises :class:`TextIntelError` if absent."""
        return [row[self.index(name)] for row in self.rows]

    def index(self, name: str) -> int:
        try:
            return self.columns.index(name)
        except ValueError:
            available = "、".join(self.columns) or "（无）"
            raise TextIntelError(
                f"{self.path}：没有名为“{name}”的列。文件中的列：{available}"
            ) from None


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """Decode file bytes as UTF-8 (BOM optional) or else GB18030; return (text, encoding)."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            raise TextIntelError(
                f"{path}：文件既不是 UTF-8 也不是 GB18030/GBK 编码"
                f"（第 {utf8_error.start} 字节起无法解码）。请另存为 UTF-8 CSV。"
            ) from None


def read_table(path: Path, *, required: Sequence[str] = ()) -> Table:
    """Read a CSV file with a header row and check that the ``required`` columns exist.

    Raises :class:`TextIntelError` for a missing or unreadable file, an empty file, a header
    with no columns or duplicate names, a malformed row, or a missing column.
    """
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise TextIntelError(f"{path}：文件超过 500 MB，请拆分后分批处理。")
        data = path.read_bytes()
    except OSError as exc:
        raise TextIntelError(f"无法读取 {path}：{exc.strerror}") from None
    text, encoding = decode(data, path)
    if not text.strip():
        raise TextIntelError(f"{path}：文件为空，至少需要一行表头和一行数据。")
    columns, rows, lines = _parse(text, path)
    if not rows:
        raise TextIntelError(f"{path}：只有表头，没有数据行。")
    table = Table(path=path, encoding=encoding, columns=columns, rows=rows, lines=lines)
    for name in required:
        table.index(name)
    return table


def _parse(text: str, path: Path) -> tuple[list[str], list[list[str]], list[int]]:
    previous_limit = csv.field_size_limit(MAX_FIELD_CHARS)
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = [name.strip() for name in next(reader)]
        except StopIteration:
            raise TextIntelError(f"{path}：文件为空。") from None
        _check_header(header, path)
        rows: list[list[str]] = []
        lines: list[int] = []
        start = reader.line_num + 1
        for row in reader:
            if not any(cell.strip() for cell in row):
                start = reader.line_num + 1
                continue  # blank lines, common at the end of hand-edited files
            if len(row) != len(header):
                raise TextIntelError(
                    f"{path} 第 {start} 行：有 {len(row)} 个字段，表头有 {len(header)} 列"
                    "（请检查引号和逗号）。"
                )
            rows.append(row)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise TextIntelError(f"{path} 第 {reader.line_num} 行：CSV 格式错误（{exc}）。") from None
    finally:
        csv.field_size_limit(previous_limit)
    return header, rows, lines


def _check_header(header: list[str], path: Path) -> None:
    if not any(header):
        raise TextIntelError(f"{path}：第一行应为表头（列名），但它是空的。")
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise TextIntelError(f"{path}：表头中“{name}”出现了不止一次。")
        seen.add(name)


def write_table(path: Path, columns: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """Write a UTF-8 CSV (no byte-order mark, which scripts would read as part of a name).

    All or nothing: the file is written beside ``path`` and renamed into place, so a failure
    never leaves a half-written output.
    """
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows(rows)
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise TextIntelError(f"无法写入 {path}：{exc.strerror}") from None
