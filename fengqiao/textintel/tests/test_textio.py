from pathlib import Path

import pytest

from fengqiao.textintel.textio import TextIntelError, read_table, write_table


def write(tmp_path: Path, data: bytes, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_reads_utf8_with_byte_order_mark_and_quoted_newlines(tmp_path):
    path = write(tmp_path, '\ufeffid,text\n1,"第一行\n第二行"\n2,短\n'.encode())
    table = read_table(path, required=["text"])
    assert table.columns == ["id", "text"]
    assert table.column("text") == ["第一行\n第二行", "短"]
    assert table.lines == [2, 4]
    assert table.encoding == "utf-8"


def test_reads_gb18030_files_from_chinese_excel(tmp_path):
    path = write(tmp_path, "编号,内容\n1,楼道堆放杂物\n".encode("gb18030"))
    table = read_table(path, required=["内容"])
    assert table.encoding == "gb18030"
    assert table.column("内容") == ["楼道堆放杂物"]


def test_refuses_bytes_that_are_neither_utf8_nor_gb18030(tmp_path):
    path = write(tmp_path, b"id,text\n1,\x80\xff\xfe\n")
    with pytest.raises(TextIntelError, match="既不是 UTF-8 也不是 GB18030"):
        read_table(path)


@pytest.mark.parametrize("data", [b"", b"  \n\n", b"\xef\xbb\xbf"])
def test_empty_file_is_refused(tmp_path, data):
    with pytest.raises(TextIntelError, match="文件为空"):
        read_table(write(tmp_path, data))


def test_header_only_file_is_refused(tmp_path):
    with pytest.raises(TextIntelError, match="没有数据行"):
        read_table(write(tmp_path, b"id,text\n"))


def test_missing_column_is_named_with_the_available_ones(tmp_path):
    path = write(tmp_path, "id,内容\n1,x\n".encode())
    with pytest.raises(TextIntelError, match="没有名为“text”的列。文件中的列：id、内容"):
        read_table(path, required=["text"])


def test_row_with_wrong_field_count_names_its_line(tmp_path):
    path = write(tmp_path, b"id,text\n1,a\n2,b,extra\n")
    with pytest.raises(TextIntelError, match="第 3 行：有 3 个字段，表头有 2 列"):
        read_table(path)


def test_duplicate_header_is_refused(tmp_path):
    with pytest.raises(TextIntelError, match="“text”出现了不止一次"):
        read_table(write(tmp_path, b"text,text\n1,2\n"))


def test_blank_lines_are_skipped(tmp_path):
    table = read_table(write(tmp_path, b"id,text\n\n1,a\n\n"))
    assert table.rows == [["1", "a"]]


def test_a_field_of_200000_characters_is_read(tmp_path):
    long_text = "长" * 200_000
    table = read_table(write(tmp_path, f"id,text\n1,{long_text}\n".encode()))
    assert table.column("text") == [long_text]


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(TextIntelError, match="无法读取"):
        read_table(tmp_path / "absent.csv")


def test_write_table_replaces_the_file_whole(tmp_path):
    out = tmp_path / "out.csv"
    write_table(out, ["a", "b"], [["1", "逗,号"], ["2", "x"]])
    assert out.read_bytes().decode() == 'a,b\r\n1,"逗,号"\r\n2,x\r\n'
    assert not (tmp_path / "out.csv.partial").exists()


def test_write_table_into_missing_directory_is_a_clear_error(tmp_path):
    with pytest.raises(TextIntelError, match="无法写入"):
        write_table(tmp_path / "no" / "out.csv", ["a"], [["1"]])
