"""export_cases(): CSV/XLSX through lib.tabular, contacts masked unless revealed."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fengqiao.cases.choices import Status
from fengqiao.cases.exporter import HEADER, export_cases
from fengqiao.cases.models import Case
from fengqiao.cases.tests.factories import make_case
from fengqiao.lib.tabular import read_table

MAPPING = {name: (name,) for name in HEADER}


def read(data: bytes, filename: str = "export.csv") -> list[dict[str, str]]:
    return [row.values for row in read_table(data, filename, mapping=MAPPING, required=HEADER)]


def test_csv_export_round_trips_with_contacts_masked(personas):
    case = make_case(reporter_name="李四", reporter_phone="13812345678")
    Case.objects.filter(pk=case.pk).update(
        submitted_at=datetime(2025, 3, 4, 8, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    )

    (row,) = read(export_cases(Case.objects.all(), "csv"))

    assert list(row) == list(HEADER)
    assert row["编号"] == case.number and row["标题"] == "楼上漏水影响楼下住户"
    assert row["类别"] == "矛盾纠纷/邻里纠纷" and row["状态"] == "待受理"
    assert row["事件类型"] == "矛盾纠纷" and row["来源渠道"] == "热线电话"
    assert row["所属区域"] == "街1社区1网格1" and row["当前承办单位"] == "社区1综治中心"
    assert row["上报时间"] == "2025-03-04 08:30:00"  # Beijing time, not UTC
    assert row["受理期限"] and row["期限状态"] in {"正常", "即将到期", "已超期"}
    assert row["办结时间"] == "" and row["化解层级"] == "" and row["评价"] == ""
    assert row["联系人"] == "李*" and row["联系电话"] == "138****5678"


def test_xlsx_export_reveals_contacts_when_the_caller_allows(personas):
    make_case(reporter_name="王小明", reporter_phone="13812345678")

    (row,) = read(export_cases(Case.objects.all(), "xlsx", reveal_contacts=True), "x.xlsx")

    assert row["联系人"] == "王小明" and row["联系电话"] == "13812345678"


def test_closed_case_shows_its_resolution_and_no_deadline_state(personas):
    case = make_case()
    Case.objects.filter(pk=case.pk).update(
        status=Status.CLOSED,
        due_at=None,
        resolved_tier="grid",
        rating="satisfied",
        resolved_at=datetime(2025, 3, 5, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
    )
    (row,) = read(export_cases(Case.objects.all(), "csv"))
    assert row["状态"] == "已结案" and row["期限状态"] == ""
    assert row["办结时间"] == "2025-03-05 09:00:00"
    assert row["化解层级"] == "网格级" and row["评价"] == "满意"


def test_export_queries_do_not_grow_with_rows(personas):
    make_case()
    with CaptureQueriesContext(connection) as one:
        export_cases(Case.objects.all(), "csv")
    for _ in range(4):
        make_case(lon=113.25, lat=27.95, category="hazard-fire")
    with CaptureQueriesContext(connection) as five:
        data = export_cases(Case.objects.all(), "xlsx")
    assert len(five) == len(one) == 1
    assert len(read(data, "x.xlsx")) == 5


def test_unknown_format_is_refused(personas):
    with pytest.raises(ValueError, match="pdf"):
        export_cases(Case.objects.all(), "pdf")  # type: ignore[arg-type]


# --- the command ------------------------------------------------------------------------------


def test_export_command_writes_a_filtered_masked_file(personas, tmp_path):
    make_case(title="漏水", reporter_phone="13812345678")
    make_case(title="消防通道堵塞", category="hazard-fire", lon=113.25, lat=27.85)
    path = tmp_path / "cases.xlsx"
    out = StringIO()

    call_command(
        "export_cases", "--format", "xlsx", "-o", str(path), "--category", "dispute", stdout=out
    )

    assert "已导出 1 条事件" in out.getvalue()
    (row,) = read(path.read_bytes(), "cases.xlsx")
    assert row["标题"] == "漏水" and row["联系电话"] == "138****5678"


def test_export_command_writes_csv_to_stdout_and_checks_filters(personas):
    make_case(title="漏水")
    out = StringIO()
    call_command("export_cases", "--status", "submitted", "accepted", "--q", "漏", stdout=out)
    rows = read(out.getvalue().encode("utf-8"))
    assert [r["标题"] for r in rows] == ["漏水"]

    with pytest.raises(CommandError, match="status"):
        call_command("export_cases", "--status", "bogus", stdout=StringIO())
    with pytest.raises(CommandError, match="submitted_after"):
        call_command("export_cases", "--submitted-after", "2025-13-01", stdout=StringIO())
    with pytest.raises(CommandError, match="-o"):
        call_command("export_cases", "--format", "xlsx", stdout=StringIO())
