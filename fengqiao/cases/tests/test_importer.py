"""import_cases(): historical cases from CSV/XLSX, all or nothing, through the real intake."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from fengqiao.cases import importer
from fengqiao.cases.choices import Action, Channel, DeadlineState, Status
from fengqiao.cases.importer import import_cases, parse_when
from fengqiao.cases.models import Case, CaseEvent, CaseNumber
from fengqiao.lib.tabular import write_xlsx
from fengqiao.notifications.models import Notification

SHANGHAI = ZoneInfo("Asia/Shanghai")
HEADER = (
    "标题,描述,类别,发生时间,经度,纬度,网格代码,联系人,联系电话,状态,办结时间,办理结果,化解层级"
)
# Rows 2-4 of a file: two closed disputes at a point, one pending hazard in a grid by code.
GOOD = [
    "楼上漏水,502漏水渗到402,dispute-neighbour,2025-03-04 08:30,113.05,27.85,,李四,13812345678,"
    "已结案,2025/3/10 17:00,双方协商赔偿维修费,社区",
    "噪音扰民,夜间装修,邻里纠纷,2025年3月4日,113.05,27.85,,,,,2025年3月5日,调解后停工,网格",
    "楼道堆放杂物,堵塞消防通道,hazard-fire,2025-05-01T09:00:00+08:00,,,430299001001002,,,待受理,,,",
]


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return "\r\n".join([header, *rows]).encode("utf-8")


def at(year, month, day, hour=0, minute=0, second=0, micro=0):
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=SHANGHAI)


def test_import_creates_cases_in_their_historical_state(personas):
    report = import_cases(
        csv_file(*GOOD), "历史台账.csv", by=personas.community_operator, dry_run=False
    )

    assert report.ok and report.created == 3 and not report.dry_run
    assert report.would_create == {
        "矛盾纠纷/邻里纠纷 · 已结案": 2,
        "风险隐患/消防安全 · 待受理": 1,
    }
    leak, noise, clutter = Case.objects.order_by("id")
    community = personas.units["community"]

    assert leak.channel == Channel.IMPORT and leak.reporter is None
    assert leak.status == Status.CLOSED and leak.current_unit == community
    assert leak.occurred_at == leak.submitted_at == at(2025, 3, 4, 8, 30)
    assert leak.accepted_at == leak.resolved_at == leak.closed_at == at(2025, 3, 10, 17, 0)
    assert leak.resolved_tier == "community" and leak.resolved_unit == community
    assert leak.outcome == "双方协商赔偿维修费"
    assert leak.due_at is None and leak.accept_due_at is None and leak.due_soon_at is None
    assert leak.deadline_state == DeadlineState.NORMAL
    assert leak.reporter_name == "李四" and leak.reporter_phone == "13812345678"
    events = list(leak.events.all())
    assert [e.action for e in events] == [Action.SUBMIT, Action.IMPORT]
    assert events[1].actor == personas.community_operator
    assert events[1].from_status == Status.SUBMITTED and events[1].to_status == Status.CLOSED
    assert "历史台账.csv 第 2 行" in events[1].note
    assert events[1].data == {
        "file": "历史台账.csv",
        "row": 2,
        # A note the system writes, kept so that it is shown in the reader's language.
        "note_template": {
            "msgid": "历史事件导入：%(file)s 第 %(row)s 行",
            "params": {"file": "历史台账.csv", "row": "2"},
        },
    }
    with translation.override("en"):
        assert events[1].shown_note == "Imported from history: 历史台账.csv, row 2"
    # A closed piece of history does not tell the unit that a new case awaits acceptance.
    assert not Notification.objects.filter(case=leak).exists()

    # A Chinese category name, a bare date and the default status (已结案) and tier.
    assert noise.category.code == "dispute-neighbour" and noise.status == Status.CLOSED
    assert noise.occurred_at == at(2025, 3, 4) and noise.resolved_at == at(2025, 3, 5)
    assert noise.resolved_tier == "grid"

    # A pending case stays open with a running acceptance deadline, and its unit is told.
    assert clutter.status == Status.SUBMITTED and clutter.region.code == "430299001001002"
    assert clutter.submitted_at == at(2025, 5, 1, 9, 0)
    assert clutter.due_at is not None and clutter.due_at == clutter.accept_due_at
    assert clutter.resolved_at is None and clutter.outcome == ""
    assert [e.action for e in clutter.events.all()] == [Action.SUBMIT, Action.IMPORT]
    assert Notification.objects.filter(case=clutter, unit=community).exists()


def test_dry_run_writes_nothing_and_says_what_it_would_create(personas):
    report = import_cases(csv_file(*GOOD), "a.csv", by=None, dry_run=True)

    assert report.ok and report.dry_run and report.created == 0
    assert report.would_create == {
        "矛盾纠纷/邻里纠纷 · 已结案": 2,
        "风险隐患/消防安全 · 待受理": 1,
    }
    assert Case.objects.count() == 0
    assert CaseEvent.objects.count() == 0 and CaseNumber.objects.count() == 0
    assert Notification.objects.count() == 0


BAD_ROWS = [
    (
        "漏水,描述,dispute-neighbour,2025-13-01,113.05,27.85,,,,已结案,2025-12-01,已处理,",
        "第 4 行 发生时间：无法识别的日期 '2025-13-01'",
    ),
    (
        "漏水,描述,no-such-thing,2025-03-01,113.05,27.85,,,,已结案,2025-03-02,已处理,",
        "第 4 行 类别：未知的事件类别 'no-such-thing'",
    ),
    (
        "漏水,描述,dispute-neighbour,2025-03-01,100.0,30.0,,,,已结案,2025-03-02,已处理,",
        "第 4 行：该位置不在本辖区内，请核对地点。",
    ),
    (
        ",描述,dispute-neighbour,2025-03-01,113.05,27.85,,,,已结案,2025-03-02,已处理,",
        "第 4 行：请填写标题。",
    ),
    (
        "漏水,描述,dispute-neighbour,2025-03-05 10:00,113.05,27.85,,,,已结案,2025-03-04,已处理,",
        "第 4 行 办结时间：办结时间不能早于发生时间",
    ),
    (
        "漏水,描述,dispute-neighbour,2025-03-01,113.05,27.85,,,,已结案,2025-03-02,,",
        "第 4 行 办理结果：已结案的事件须填写办理结果",
    ),
    (
        "漏水,描述,dispute-neighbour,2025-03-01,113.05,27.85,,,,已结案,,已处理,",
        "第 4 行 办结时间：已结案的事件须填写办结时间",
    ),
    (
        "漏水,描述,dispute-neighbour,2025-03-01,113.05,,,,,已结案,2025-03-02,已处理,",
        "第 4 行：经度和纬度须同时填写。",
    ),
    (
        "漏水,描述,dispute-neighbour,2025-03-01,,,999999,,,已结案,2025-03-02,已处理,",
        "第 4 行 网格代码：未知的区域代码 '999999'",
    ),
    (
        "漏水,描述,dispute-neighbour,2025-03-01,113.05,27.85,,,,办理中,2025-03-02,已处理,",
        "第 4 行 状态：只能填写“待受理”或“已结案”，而不是 '办理中'",
    ),
    (
        "漏水,描述,矛盾纠纷,2025-03-01,113.05,27.85,,,,已结案,2025-03-02,已处理,",
        "第 4 行：请选择一个启用中的事件小类。",
    ),
    (
        "漏水,描述,dispute-neighbour,2025-03-01,113.05,27.85,,,,待受理,,已处理,",
        "第 4 行 办理结果：待受理的事件不能填写办结时间或办理结果",
    ),
    (
        "漏水,描述,dispute-neighbour,2099-03-01,113.05,27.85,,,,待受理,,,",
        "第 4 行：发生时间不能晚于现在。",
    ),
]


@pytest.mark.parametrize(("bad_row", "error"), BAD_ROWS)
def test_one_bad_row_among_good_ones_writes_nothing_and_names_it(personas, bad_row, error):
    data = csv_file(GOOD[0], GOOD[1], bad_row, GOOD[2])

    report = import_cases(data, "a.csv", by=None, dry_run=False)

    assert not report.ok and report.errors == [error]
    assert report.created == 0 and report.would_create == {}
    assert Case.objects.count() == 0 and CaseEvent.objects.count() == 0
    assert CaseNumber.objects.count() == 0 and Notification.objects.count() == 0


def test_every_problem_of_every_row_is_listed(personas):
    data = csv_file(
        "漏水,描述,no-such,2025-02-30,abc,27.85,,,,已结案,,,街坊",
        GOOD[0],
        "漏水,描述,dispute-neighbour,2025-03-01,100,30,,,,已结案,2025-03-02,已处理,",
    )
    report = import_cases(data, "a.csv", by=None, dry_run=True)
    assert report.errors == [
        "第 2 行 类别：未知的事件类别 'no-such'",
        "第 2 行 发生时间：无法识别的日期 '2025-02-30'",
        "第 2 行 经度：无法识别的数字 'abc'",
        "第 2 行 化解层级：只能填写网格、社区、街道或区，而不是 '街坊'",
        "第 2 行 办理结果：已结案的事件须填写办理结果",
        "第 2 行 办结时间：已结案的事件须填写办结时间",
        "第 4 行：该位置不在本辖区内，请核对地点。",
    ]


def test_gb18030_csv_from_chinese_excel(personas):
    data = "\r\n".join([HEADER, GOOD[0]]).encode("gb18030")
    report = import_cases(data, "台账.csv", by=None, dry_run=False)
    assert report.ok and report.created == 1
    case = Case.objects.get()
    assert case.title == "楼上漏水" and case.reporter_name == "李四"


def test_xlsx_with_real_dates_and_english_headers(personas):
    header = ["Title", "Description", "Category", "occurred_at", "lon", "lat"]
    header += ["status", "resolved_at", "outcome", "resolved_tier"]
    row = ["噪音", "夜间施工", "dispute-neighbour", at(2025, 6, 1, 22, 15), 113.05, 27.85]
    row += ["closed", at(2025, 6, 2, 9, 0), "已停工", "street"]
    data = write_xlsx([row], header)
    report = import_cases(data, "history.xlsx", by=None, dry_run=False)
    assert report.ok, report.errors
    case = Case.objects.get()
    assert case.occurred_at == at(2025, 6, 1, 22, 15)
    assert case.resolved_at == at(2025, 6, 2, 9, 0) and case.resolved_tier == "street"


def test_whole_file_problems_are_reported_not_raised(personas, monkeypatch):
    missing = import_cases(csv_file(header="标题,描述,类别"), "a.csv", by=None, dry_run=False)
    assert not missing.ok and "缺少必填列" in missing.errors[0] and "发生时间" in missing.errors[0]

    empty = import_cases(csv_file(), "a.csv", by=None, dry_run=False)
    assert empty.errors == ["a.csv：文件中没有数据行。"]

    monkeypatch.setattr(importer, "MAX_ROWS", 2)
    too_many = import_cases(csv_file(*GOOD), "a.csv", by=None, dry_run=False)
    assert "数据超过 2 行" in too_many.errors[0]

    monkeypatch.setattr(importer, "MAX_FILE_BYTES", 100)
    too_big = import_cases(csv_file(*GOOD), "a.csv", by=None, dry_run=False)
    assert too_big.errors == ["a.csv：文件超过 20 MB，请拆分后分批导入。"]
    assert Case.objects.count() == 0


def test_emergency_name_means_the_subcategory_not_the_group(personas):
    row = "火情,厨房起火,突发事件,2025-03-01 10:00,113.05,27.85,,,,已结案,2025-03-01,已扑灭,社区"
    report = import_cases(csv_file(row), "a.csv", by=None, dry_run=False)
    assert report.ok, report.errors
    case = Case.objects.get()
    assert case.category.code == "emergency-general"
    # A bare 办结日期 on the day it happened counts from the time it happened.
    assert case.resolved_at == case.occurred_at == at(2025, 3, 1, 10, 0)


@pytest.mark.parametrize(
    ("text", "expected", "date_only"),
    [
        ("2025-03-04", at(2025, 3, 4), True),
        ("2025-03-04 08:30", at(2025, 3, 4, 8, 30), False),
        ("2025-03-04T08:30:15", at(2025, 3, 4, 8, 30, 15), False),
        ("2025-03-04T08:30:00.5", at(2025, 3, 4, 8, 30, 0, 500000), False),
        ("2025-03-04T00:30:00Z", at(2025, 3, 4, 8, 30), False),
        ("2025-03-04 08:30+0800", at(2025, 3, 4, 8, 30), False),
        ("2025/3/4 8:30", at(2025, 3, 4, 8, 30), False),
        ("2025.3.4", at(2025, 3, 4), True),
        ("2025年3月4日", at(2025, 3, 4), True),
        ("2025年3月4日 8时30分", at(2025, 3, 4, 8, 30), False),
        ("２０２５年３月４日", at(2025, 3, 4), True),
    ],
)
def test_parse_when_reads_the_ways_offices_write_dates(text, expected, date_only):
    assert parse_when(text) == (expected, date_only)


@pytest.mark.parametrize("text", ["2025-13-01", "3/4/2025", "昨天", "2025-03-04 25:00", "45720"])
def test_parse_when_refuses_what_it_cannot_read(text):
    with pytest.raises(ValueError):
        parse_when(text)


# --- the command ------------------------------------------------------------------------------


def test_import_command_dry_run_then_real(personas, tmp_path):
    path = tmp_path / "台账.csv"
    path.write_bytes(csv_file(*GOOD))
    out = StringIO()
    call_command("import_cases", str(path), "--dry-run", stdout=out)
    assert "将新建 3 条事件（未写入）" in out.getvalue()
    assert "矛盾纠纷/邻里纠纷 · 已结案：2" in out.getvalue()
    assert Case.objects.count() == 0

    out = StringIO()
    call_command("import_cases", str(path), "--user", "community_operator", stdout=out)
    assert "新建 3 条事件" in out.getvalue()
    assert Case.objects.count() == 3
    assert CaseEvent.objects.get(case=Case.objects.first(), action=Action.IMPORT).actor == (
        personas.community_operator
    )


def test_import_command_fails_listing_the_errors(personas, tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(csv_file(GOOD[0], BAD_ROWS[0][0]))
    with pytest.raises(CommandError, match="未导入任何内容") as raised:
        call_command("import_cases", str(path), stdout=StringIO())
    assert "第 3 行 发生时间：无法识别的日期 '2025-13-01'" in str(raised.value)
    assert Case.objects.count() == 0

    with pytest.raises(CommandError, match="nobody"):
        call_command("import_cases", str(path), "--user", "nobody")
    with pytest.raises(CommandError, match="无法读取"):
        call_command("import_cases", str(tmp_path / "missing.csv"))


def test_rows_that_repeat_a_matter_are_pointed_out_and_still_imported(personas):
    repeat = (
        "小区东门垃圾堆积多日无人清运气味很大,东门垃圾桶旁堆满生活垃圾，多日无人清运，"
        "夏天气味很大影响居民出行,request-environment,{when},113.05,27.85,,,,待受理,,,"
    )
    report = import_cases(
        csv_file(
            *GOOD,
            repeat.format(when="2025-06-01 08:00"),
            repeat.format(when="2025-06-02 09:30").replace("多日无人清运，", "好几天没人清运，"),
        ),
        "台账.csv",
        by=personas.community_operator,
        dry_run=True,
    )
    assert report.ok and sum(report.would_create.values()) == 5
    (note,) = report.possible_duplicates
    assert note.startswith("第 5 行与第 6 行可能是同一事项")


def test_an_import_reads_the_reference_stamp_once(personas):
    """Categories, routing and the locator check the reference-data stamp on every use; an
    import pins it like a web request (core.generation), so rows do not each read it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        report = import_cases(csv_file(*GOOD), "a.csv", by=None, dry_run=False)
    assert report.created == len(GOOD) > 1
    stamp_reads = [q for q in ctx.captured_queries if "FROM core_generation" in q["sql"]]
    assert len(stamp_reads) == 1
