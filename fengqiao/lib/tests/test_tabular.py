"""Tests for reading and writing spreadsheets of records.

Every file is built here the way the offices' tools would save it: CSV text encoded as UTF-8,
UTF-8 with BOM or GB18030, and real workbooks written with openpyxl.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import openpyxl
import pytest

from fengqiao.lib.tabular import Row, TableError, read_table, write_csv, write_xlsx

MAPPING = {
    "title": ["标题", "title"],
    "occurred_at": ["发生时间", "occurred_at", "事发时间"],
    "location": ["地点"],
    "count": ["人数"],
}

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def read(data: bytes, filename: str = "台账.csv", **kwargs) -> list[Row]:
    kwargs.setdefault("mapping", MAPPING)
    return read_table(data, filename, **kwargs)


def table_error(data: bytes, filename: str = "台账.csv", **kwargs) -> TableError:
    with pytest.raises(TableError) as info:
        read(data, filename, **kwargs)
    assert CHINESE.search(info.value.message_zh), info.value.message_zh
    assert str(info.value) == info.value.message
    return info.value


def xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.worksheets[0]
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


CSV_TEXT = (
    "标题,发生时间,地点\r\n邻里噪音纠纷,2025-03-04 08:30,幸福社区\r\n占道经营,2025-03-05,和平路\r\n"
)
EXPECTED = [
    Row(2, {"title": "邻里噪音纠纷", "occurred_at": "2025-03-04 08:30", "location": "幸福社区"}),
    Row(3, {"title": "占道经营", "occurred_at": "2025-03-05", "location": "和平路"}),
]


# --- CSV ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_csv_is_decoded_in_the_encodings_offices_save(encoding):
    assert read(CSV_TEXT.encode(encoding)) == EXPECTED


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_csv_delimiter_is_sniffed(delimiter):
    assert read(CSV_TEXT.replace(",", delimiter).encode()) == EXPECTED


def test_semicolon_csv_with_commas_in_text_keeps_its_columns():
    text = "标题;地点\n纠纷,已调解;幸福社区\n"
    assert read(text.encode())[0].values == {"title": "纠纷,已调解", "location": "幸福社区"}


def test_quoted_field_may_hold_newlines_and_delimiters():
    text = '标题,地点\r\n"第一行\r\n第二行, 含逗号",幸福社区\r\n占道经营,和平路\r\n'
    rows = read(text.encode())
    assert rows[0].values["title"] == "第一行\r\n第二行, 含逗号"
    # Numbers count records, as Excel shows them, not physical lines.
    assert [r.number for r in rows] == [2, 3]


def test_cells_are_stripped_and_short_rows_padded():
    text = "标题,地点,人数\n  噪音　 ,\n"
    assert read(text.encode()) == [Row(2, {"title": "噪音", "location": "", "count": ""})]


def test_empty_rows_are_skipped_but_numbers_stay_true_to_the_file():
    text = "\n标题,地点\n邻里纠纷,幸福社区\n\n,\n  ,  \n占道经营,和平路\n"
    rows = read(text.encode())
    assert [(r.number, r.values["title"]) for r in rows] == [(3, "邻里纠纷"), (7, "占道经营")]


def test_unclosed_quote_is_a_table_error():
    error = table_error('标题,地点\n"邻里纠纷,幸福社区\n占道经营,和平路\n'.encode())
    assert "quotation mark" in str(error)


def test_header_only_file_has_no_rows():
    assert read("标题,地点\r\n".encode()) == []


# --- XLSX --------------------------------------------------------------------------------------


def test_xlsx_cells_become_text():
    data = xlsx(
        [
            ["标题", "发生时间", "人数", "地点", "备注"],
            ["邻里纠纷", datetime(2025, 3, 4, 8, 30), 3, "幸福社区", 2.5],
            [None, None, None, None, None],
            ["  占道经营 ", date(2025, 3, 5), 12.0, None, True],
        ]
    )
    rows = read(data, "台账.xlsx", mapping={**MAPPING, "note": ["备注"]})
    assert rows == [
        Row(
            2,
            {
                "title": "邻里纠纷",
                "occurred_at": "2025-03-04T08:30:00",
                "count": "3",
                "location": "幸福社区",
                "note": "2.5",
            },
        ),
        Row(
            4,
            {
                "title": "占道经营",
                "occurred_at": "2025-03-05",
                "count": "12",
                "location": "",
                "note": "TRUE",
            },
        ),
    ]


def test_xlsx_datetime_at_midnight_keeps_its_time():
    data = xlsx([["标题", "发生时间"], ["纠纷", datetime(2025, 3, 4)]])
    assert read(data)[0].values["occurred_at"] == "2025-03-04T00:00:00"


def test_xlsx_float_keeps_its_digits():
    data = xlsx([["标题", "人数"], ["纠纷", 1234.5678], ["纠纷", 1e-05]])
    assert [r.values["count"] for r in read(data)] == ["1234.5678", "1e-05"]


def test_xlsx_gaps_in_rows_keep_excel_row_numbers():
    workbook = openpyxl.Workbook()
    sheet = workbook.worksheets[0]
    sheet["B3"] = "标题"
    sheet["C3"] = "地点"
    sheet["B7"] = "邻里纠纷"
    sheet["C9"] = "和平路"
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = read(buffer.getvalue())
    assert rows == [
        Row(7, {"title": "邻里纠纷", "location": ""}),
        Row(9, {"title": "", "location": "和平路"}),
    ]


def test_xlsx_reads_first_worksheet_only():
    workbook = openpyxl.Workbook()
    workbook.worksheets[0].append(["标题"])
    workbook.worksheets[0].append(["第一张"])
    other = workbook.create_sheet("说明")
    other.append(["标题"])
    other.append(["第二张"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert [r.values["title"] for r in read(buffer.getvalue())] == ["第一张"]


def test_xlsx_with_wrong_recorded_dimensions_is_read_fully():
    data = xlsx([["标题", "地点"], ["邻里纠纷", "幸福社区"]])
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:A1"', content)
            target.writestr(info, content)
    assert read(buffer.getvalue())[0].values == {"title": "邻里纠纷", "location": "幸福社区"}


def test_xlsx_formula_gives_its_cached_value_or_nothing():
    # openpyxl stores no cached result, so a formula reads as empty rather than as its source.
    data = xlsx([["标题", "人数"], ["纠纷", "=1+2"]])
    assert read(data)[0].values["count"] == ""


# --- headers -----------------------------------------------------------------------------------


def test_headers_match_ignoring_width_case_and_spaces():
    # Full-width letters and spaces, padding inside a Chinese header, an unmapped extra column.
    text = "　ＴＩＴＬＥ　,事发\u3000时间,地　点,无关列\n纠纷,2025-03-04,幸福社区,x\n"
    assert read(text.encode())[0].values == {
        "title": "纠纷",
        "occurred_at": "2025-03-04",
        "location": "幸福社区",
    }


def test_headers_that_differ_only_in_width_are_the_same_column():
    error = table_error("发生 时间,标题, Occurred_At \n2025-03-04,纠纷,2025-03-05\n".encode())
    assert "发生时间" in str(error)


def test_fields_without_a_column_are_absent():
    rows = read("标题\n纠纷\n".encode())
    assert rows[0].values == {"title": "纠纷"}


def test_missing_required_column_names_it_and_lists_headers_found():
    error = table_error(
        "编号,地点,备注\n1,幸福社区,无\n".encode(), required=["title", "occurred_at", "location"]
    )
    message = str(error)
    assert "标题" in message and "发生时间" in message
    assert "编号, 地点, 备注" in message
    assert "地点" not in message.split("missing")[1].split("Headers")[0]
    assert "标题" in error.message_zh and "编号、地点、备注" in error.message_zh


def test_two_columns_for_one_field_is_a_table_error():
    error = table_error("标题,地点,title\n纠纷,幸福社区,x\n".encode())
    assert "A" in str(error) and "C" in str(error)
    assert "标题" in error.message_zh


def test_same_header_twice_is_a_table_error():
    table_error(xlsx([["标题", "标题"], ["a", "b"]]), "台账.xlsx")


def test_repeated_unmapped_headers_are_ignored():
    rows = read("备注,标题,备注\nx,纠纷,y\n".encode())
    assert rows[0].values == {"title": "纠纷"}


def test_mapping_giving_one_header_to_two_fields_is_a_programming_error():
    with pytest.raises(ValueError, match="both"):
        read(b"a\n", mapping={"title": ["标题"], "name": ["ＴＩＴＬＥ", "标题 "]})
    with pytest.raises(ValueError, match="status"):
        read(b"a\n", required=["status"])


# --- whole-file problems -----------------------------------------------------------------------


def test_random_binary_is_a_table_error():
    rng = random.Random(20250304)
    table_error(bytes(rng.randrange(256) for _ in range(4096)), "upload.bin")


def test_pdf_is_a_table_error():
    pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"
    assert "PDF" in str(table_error(pdf, "台账.pdf"))


def test_old_xls_is_a_table_error():
    error = table_error(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "台账.xls")
    assert ".xls" in str(error) and "台账.xls" in str(error)


def test_zip_that_is_not_a_workbook_is_a_table_error():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    table_error(buffer.getvalue(), "台账.docx")


def test_damaged_workbook_is_a_table_error():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook")
    assert "damaged" in str(table_error(buffer.getvalue(), "台账.xlsx"))


def test_html_saved_as_xls_is_a_table_error():
    html = "<html><body><table><tr><td>标题</td></tr></table></body></html>".encode()
    assert "HTML" in str(table_error(html, "导出.xls"))


@pytest.mark.parametrize("data", [b"", b"\r\n\r\n", b",,\n,,\n", "\ufeff".encode()])
def test_file_without_header_is_a_table_error(data):
    assert "empty" in str(table_error(data))


def test_too_many_rows_is_a_table_error():
    text = "标题\n" + "纠纷\n" * 6
    assert len(read(text.encode(), max_rows=6)) == 6
    error = table_error(text.encode(), max_rows=5)
    assert "5" in str(error) and "5" in error.message_zh
    data = xlsx([["标题"]] + [["纠纷"]] * 6)
    table_error(data, "台账.xlsx", max_rows=5)


def test_empty_rows_do_not_count_towards_the_limit():
    text = "标题\n" + "\n" * 10 + "纠纷\n"
    assert len(read(text.encode(), max_rows=1)) == 1


# --- writing -----------------------------------------------------------------------------------

HEADER = ["标题", "发生时间", "人数", "地点"]
EXPORT = [
    ["邻里噪音纠纷", datetime(2025, 3, 4, 8, 30), 3, "幸福社区"],
    ["占道经营", date(2025, 3, 5), 2.5, None],
    ['=HYPERLINK("http://x")', datetime(2025, 3, 4, 0, 30, tzinfo=UTC), Decimal("-4"), "@SUM(A1)"],
]


def test_write_csv_round_trips_with_bom_and_chinese():
    data = write_csv(EXPORT, HEADER)
    assert data.startswith(b"\xef\xbb\xbf")
    assert "邻里噪音纠纷".encode() in data
    assert read(data) == [
        Row(
            2,
            {
                "title": "邻里噪音纠纷",
                "occurred_at": "2025-03-04 08:30:00",
                "count": "3",
                "location": "幸福社区",
            },
        ),
        Row(3, {"title": "占道经营", "occurred_at": "2025-03-05", "count": "2.5", "location": ""}),
        Row(
            4,
            {
                "title": '\'=HYPERLINK("http://x")',
                "occurred_at": "2025-03-04 08:30:00",  # 00:30 UTC is 08:30 in Beijing
                "count": "-4",
                "location": "'@SUM(A1)",
            },
        ),
    ]


def test_write_xlsx_round_trips_with_types_and_chinese():
    data = write_xlsx(EXPORT, HEADER)
    assert read(data, "导出.xlsx") == [
        Row(
            2,
            {
                "title": "邻里噪音纠纷",
                "occurred_at": "2025-03-04T08:30:00",
                "count": "3",
                "location": "幸福社区",
            },
        ),
        Row(3, {"title": "占道经营", "occurred_at": "2025-03-05", "count": "2.5", "location": ""}),
        Row(
            4,
            {
                "title": '\'=HYPERLINK("http://x")',
                "occurred_at": "2025-03-04T08:30:00",
                "count": "-4",
                "location": "'@SUM(A1)",
            },
        ),
    ]


def test_write_xlsx_cells_are_typed_and_formatted():
    data = write_xlsx(EXPORT, HEADER, sheet_title="案件/2025年3月")
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    assert sheet.title == "案件_2025年3月"
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    assert sheet["B2"].value == datetime(2025, 3, 4, 8, 30)
    assert sheet["B2"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert sheet["B3"].number_format == "yyyy-mm-dd"
    assert sheet["B4"].value == datetime(2025, 3, 4, 8, 30)  # converted, then naive
    assert sheet["C2"].value == 3 and sheet["C3"].value == 2.5
    # Stored as text, not as a formula.
    assert sheet["A4"].data_type == "s"


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1"])
def test_formula_injection_is_neutralised_in_both_writers(text):
    csv_rows = read(write_csv([[text]], ["标题"]))
    xlsx_rows = read(write_xlsx([[text]], ["标题"]))
    for rows in (csv_rows, xlsx_rows):
        title = rows[0].values["title"]
        # XML turns a stored "\r" into "\n", so compare what follows the apostrophe loosely.
        assert title[0] == "'" and title[1:].lstrip() == text.lstrip()


def test_header_cells_are_guarded_too():
    data = write_csv([], ["=标题"])
    assert data.decode("utf-8-sig") == "'=标题\r\n"


def test_numbers_and_harmless_text_are_not_changed():
    data = write_csv([[-5, 1.5, "a=b", "邻里 - 纠纷"]], ["a", "b", "c", "d"])
    assert data.decode("utf-8-sig").splitlines()[1] == "-5,1.5,a=b,邻里 - 纠纷"


def test_write_csv_converts_aware_datetimes_to_beijing_time():
    moment = datetime(2025, 3, 4, 20, 0, tzinfo=timezone(timedelta(hours=-4)))
    data = write_csv([[moment]], ["发生时间"])
    assert data.decode("utf-8-sig").splitlines()[1] == "2025-03-05 08:00:00"


def test_write_xlsx_drops_characters_xml_cannot_hold():
    data = write_xlsx([["邻里\x00纠\x07纷", "\x01=1"]], ["标题", "地点"])
    assert read(data)[0].values == {"title": "邻里纠纷", "location": "'=1"}


def test_write_xlsx_accepts_a_generator_and_long_titles():
    data = write_xlsx(([str(i)] for i in range(3)), ["标题"], sheet_title="长" * 40)
    assert openpyxl.load_workbook(io.BytesIO(data)).worksheets[0].title == "长" * 31
    assert [r.values["title"] for r in read(data)] == ["0", "1", "2"]
