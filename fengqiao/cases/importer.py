"""Importing historical cases (历史事件导入) from a CSV or Excel file, all or nothing per file.

Offices bring the cases they handled before the platform as spreadsheets. Every row goes through
the real ``intake.submit`` (channel "import"), inside a savepoint, so an imported case is
validated, located and routed exactly like a new report; a row marked 已结案 is then set to
its historical closed state and both kinds get an ``IMPORT`` timeline entry naming the file and
row. The whole file runs in one transaction that is rolled back when any row has a problem or
on a dry run, so a file is imported completely or not at all, and the report lists every
problem by row and column ("第 5 行 发生时间：无法识别的日期 '2025-13-01'").

Cost: about fifteen queries per row (locating, routing, numbering, the timeline), a few
hundred rows a second; the limits below keep a file to minutes.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import timezone as dt_timezone
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from fengqiao.accounts.models import Tier, User
from fengqiao.cases import deadlines
from fengqiao.cases.actions import record
from fengqiao.cases.choices import Action, Channel, Status
from fengqiao.cases.errors import CaseError
from fengqiao.cases.intake import FUTURE_SLACK, submit
from fengqiao.cases.models import Case, Category
from fengqiao.core import generation
from fengqiao.core.notes import system_note
from fengqiao.lib.tabular import Row, TableError, read_table
from fengqiao.regions.models import Region

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
OUTCOME_MAX = 5000

# Field -> accepted headers; the first one names the column in messages.
COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("标题", "title"),
    "description": ("描述", "事件描述", "description"),
    "category": ("类别", "事件类别", "category"),
    "occurred_at": ("发生时间", "occurred_at"),
    "lon": ("经度", "lon", "longitude"),
    "lat": ("纬度", "lat", "latitude"),
    "grid": ("网格代码", "grid", "grid_code"),
    "address": ("地址", "address"),
    "people_involved": ("涉及人数", "people_involved"),
    "reporter_name": ("联系人", "reporter_name"),
    "reporter_phone": ("联系电话", "reporter_phone"),
    "status": ("状态", "status"),
    "resolved_at": ("办结时间", "resolved_at"),
    "outcome": ("办理结果", "outcome"),
    "resolved_tier": ("化解层级", "resolved_tier"),
}
REQUIRED = ("title", "description", "category", "occurred_at")


def _key(text: str) -> str:
    """Compare names ignoring width, case and spaces ("矛盾纠纷 / 邻里纠纷", "Ｃｌｏｓｅｄ")."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


# History is either still waiting (待受理) or finished (已结案); nothing in between can be
# reconstructed faithfully from a spreadsheet. Names are spelled out rather than taken from the
# (translatable) choice labels: the files are Chinese whatever language the importer uses.
STATUS_NAMES = {Status.SUBMITTED: "待受理", Status.CLOSED: "已结案"}
STATUSES = {
    _key(name): status for status, label in STATUS_NAMES.items() for name in (label, status.value)
}
TIERS = {
    _key(name): tier
    for tier, names in {
        Tier.GRID: ("网格", "网格级"),
        Tier.COMMUNITY: ("社区", "村", "社区级", "村级", "社区（村）", "社区（村）级"),
        Tier.STREET: ("街道", "镇", "镇街", "街道级", "镇级", "镇街级"),
        Tier.DISTRICT: ("区", "区级"),
    }.items()
    for name in (*names, tier.value)
}

_DATETIME = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6}))?)?)?"
    r" ?(Z|[+-]\d{2}:?\d{2})?"
)


@dataclass
class ImportReport:
    """What an import did, or on a dry run would do.

    ``created`` counts the cases written (0 on a dry run or when there are errors);
    ``would_create`` breaks the rows down by "类别 · 状态" whenever the file is valid;
    ``errors`` lists every problem, each naming its row.
    """

    created: int = 0
    errors: list[str] = field(default_factory=list)
    would_create: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False
    possible_duplicates: list[str] = field(default_factory=list)
    """Rows of the file that probably report the same matter (批量查重): a notice, not an
    error, since a history often holds repeat reports on purpose."""

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_when(text: str) -> tuple[datetime, bool]:
    """Read a date or date and time as offices write them; return (aware datetime, date only).

    Accepts ISO ("2025-03-04", "2025-03-04T08:30:00+08:00"), "2025/3/4 8:30", "2025.3.4",
    "2025年3月4日" and "2025年3月4日 8时30分". Times without an offset are local (the
    district's zone, Asia/Shanghai); a date alone is local midnight. Raises ``ValueError``.
    """
    value = unicodedata.normalize("NFKC", text).strip()
    value = value.replace("年", "-").replace("月", "-").replace("日", " ").replace("号", " ")
    value = value.replace("时", ":").replace("点", ":").replace("分", " ").replace("秒", " ")
    value = re.sub(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})", r"\1-\2-\3", value)
    value = re.sub(r"\s+", " ", value).strip()
    value = re.sub(r":$", ":00", value)
    match = _DATETIME.fullmatch(value)
    if match is None:
        raise ValueError(text)
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    if offset is None:
        tz: Any = timezone.get_default_timezone()
    elif offset == "Z":
        tz = UTC
    else:
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        tz = dt_timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    when = datetime(
        int(year),
        int(month),
        int(day),
        int(hour or 0),
        int(minute or 0),
        int(second or 0),
        int((fraction or "0").ljust(6, "0")),
        tzinfo=tz,
    )
    return when, hour is None


class _Lookups:
    """Categories (by code, "大类/小类" or unique name) and regions by code, read once."""

    def __init__(self) -> None:
        self.categories: dict[str, Category | str] = {}
        by_name: dict[str, list[Category]] = {}
        for category in Category.objects.select_related("parent"):
            self.categories[_key(category.code)] = category
            if category.is_leaf:
                self.categories[_key(str(category))] = category  # "大类/小类"
            by_name.setdefault(_key(category.name), []).append(category)
        for name, found in by_name.items():
            # 突发事件 names a 大类 and its only 小类: the 小类 is what an import means.
            leaves = [c for c in found if c.is_leaf] or found
            if len(leaves) == 1:
                self.categories.setdefault(name, leaves[0])
            else:
                self.categories.setdefault(name, "ambiguous")
        self.regions: dict[str, Region | None] = {}

    def category(self, text: str) -> Category:
        found = self.categories.get(_key(text))
        if found is None:
            raise ValueError(f"未知的事件类别 '{text}'")
        if isinstance(found, str):
            raise ValueError(f"“{text}”对应多个小类，请填写类别编码或“大类/小类”")
        return found

    def region(self, code: str) -> Region:
        if code not in self.regions:
            self.regions[code] = Region.objects.filter(code=code).first()
        found = self.regions[code]
        if found is None:
            raise ValueError(f"未知的区域代码 '{code}'")
        return found


@dataclass
class _Parsed:
    """One row turned into the arguments of ``submit`` and its historical closing."""

    number: int
    submit: dict[str, Any]
    status: Status
    resolved_at: datetime | None = None
    outcome: str = ""
    tier: str = Tier.COMMUNITY


class _RowReader:
    """Reads the cells of one row, collecting every problem instead of stopping at the first."""

    def __init__(self, row: Row) -> None:
        self.row = row
        self.problems: list[str] = []

    def text(self, name: str) -> str:
        return self.row.values.get(name, "").strip()

    def fail(self, name: str, message: str) -> None:
        self.problems.append(f"第 {self.row.number} 行 {COLUMNS[name][0]}：{message}")

    def when(self, name: str) -> tuple[datetime, bool] | None:
        text = self.text(name)
        if not text:
            return None
        try:
            return parse_when(text)
        except ValueError:
            self.fail(name, f"无法识别的日期 '{text}'")
            return None

    def number(self, name: str, *, integer: bool = False) -> float | None:
        text = unicodedata.normalize("NFKC", self.text(name))
        if not text:
            return None
        try:
            value = int(text) if integer else float(text)
        except ValueError:
            self.fail(name, f"{'须为整数' if integer else '无法识别的数字'} '{text}'")
            return None
        if not math.isfinite(value):
            self.fail(name, f"无法识别的数字 '{text}'")
            return None
        return value

    def choice(self, name: str, choices: dict[str, Any], default: Any, allowed: str) -> Any:
        text = self.text(name)
        if not text:
            return default
        if _key(text) not in choices:
            self.fail(name, f"只能填写{allowed}，而不是 '{text}'")
            return default
        return choices[_key(text)]


def _parse_row(row: Row, lookups: _Lookups, now: datetime) -> tuple[_Parsed | None, list[str]]:
    """Check what ``submit`` cannot know about (formats, history); leave the rest to it."""
    cells = _RowReader(row)
    category: Category | None = None
    if not cells.text("category"):
        cells.fail("category", "请填写类别")
    else:
        try:
            category = lookups.category(cells.text("category"))
        except ValueError as exc:
            cells.fail("category", str(exc))
    occurred = cells.when("occurred_at")
    if occurred is None and not cells.text("occurred_at"):
        cells.fail("occurred_at", "请填写发生时间")
    lon, lat = cells.number("lon"), cells.number("lat")
    people = cells.number("people_involved", integer=True)
    region = None
    if cells.text("grid"):
        try:
            region = lookups.region(cells.text("grid"))
        except ValueError as exc:
            cells.fail("grid", str(exc))
    status = cells.choice("status", STATUSES, Status.CLOSED, "“待受理”或“已结案”")
    tier = cells.choice("resolved_tier", TIERS, Tier.COMMUNITY, "网格、社区、街道或区")
    resolved = cells.when("resolved_at")
    outcome = cells.text("outcome")
    if status == Status.CLOSED:
        resolved_at = _check_closing(cells, occurred, resolved, outcome, now)
    else:
        resolved_at = None
        for name in ("resolved_at", "outcome"):
            if cells.text(name):
                cells.fail(name, "待受理的事件不能填写办结时间或办理结果")
    if cells.problems or occurred is None:
        return None, cells.problems
    parsed = _Parsed(
        number=row.number,
        submit={
            "category": category,
            "title": cells.text("title"),
            "description": cells.text("description"),
            "occurred_at": occurred[0],
            "lon": lon,
            "lat": lat,
            "region": region,
            "address": cells.text("address"),
            "people_involved": int(people) if people is not None else 1,
            "reporter_name": cells.text("reporter_name"),
            "reporter_phone": cells.text("reporter_phone"),
        },
        status=status,
        resolved_at=resolved_at,
        outcome=outcome,
        tier=tier,
    )
    return parsed, []


def _check_closing(
    cells: _RowReader,
    occurred: tuple[datetime, bool] | None,
    resolved: tuple[datetime, bool] | None,
    outcome: str,
    now: datetime,
) -> datetime | None:
    """The 办结时间 of a closed row: present, not in the future, not before it happened."""
    if not outcome:
        cells.fail("outcome", "已结案的事件须填写办理结果")
    elif len(outcome) > OUTCOME_MAX:
        cells.fail("outcome", f"不能超过 {OUTCOME_MAX} 个字")
    if resolved is None:
        if not cells.text("resolved_at"):
            cells.fail("resolved_at", "已结案的事件须填写办结时间")
        return None
    resolved_at, date_only = resolved
    if resolved_at > now + FUTURE_SLACK:
        cells.fail("resolved_at", "办结时间不能晚于现在")
    if occurred is None:
        return resolved_at
    occurred_at = occurred[0]
    if date_only:
        # A bare date means "that day": resolved the day it happened is at its occurrence time.
        if timezone.localdate(resolved_at) < timezone.localdate(occurred_at):
            cells.fail("resolved_at", "办结时间不能早于发生时间")
        return max(resolved_at, occurred_at)
    if resolved_at < occurred_at:
        cells.fail("resolved_at", "办结时间不能早于发生时间")
    return resolved_at


def _create(parsed: _Parsed, *, by: User | None, filename: str, now: datetime) -> Case:
    """Submit the row as a new case, then backdate it to its history; raises CaseError."""
    # History closed before Fengqiao existed is nothing for the unit to act on: no notice.
    notify = parsed.status != Status.CLOSED
    case = submit(channel=Channel.IMPORT, by=by, notify=notify, **parsed.submit)
    # The importing clerk is not the reporter; the file's 联系人/联系电话 are.
    case.reporter = None
    case.submitted_at = parsed.submit["occurred_at"]
    if parsed.status == Status.CLOSED:
        case.status = Status.CLOSED
        case.accepted_at = case.resolved_at = case.closed_at = parsed.resolved_at
        case.resolved_tier, case.resolved_unit = parsed.tier, case.current_unit
        case.outcome = parsed.outcome
        # No deadline of this platform ever ran for a case closed before it existed.
        case.accept_due_at = None
        deadlines.set_due(case, None, now)
    case.save()
    record(
        case,
        Action.IMPORT,
        by=by,
        unit=None,
        from_status=Status.SUBMITTED,
        from_unit=case.current_unit,
        note=system_note(
            gettext_noop("历史事件导入：%(file)s 第 %(row)s 行"),
            file=filename,
            row=str(parsed.number),
        ),
        data={"file": filename, "row": parsed.number},
    )
    return case


def import_cases(data: bytes, filename: str, *, by: User | None, dry_run: bool) -> ImportReport:
    """Import the cases of a CSV or XLSX file, all or nothing; see the module docstring.

    ``by`` is the staff account doing the import (the timeline's actor). With ``dry_run``
    every row is still submitted and checked, then everything is rolled back.
    """
    report = ImportReport(dry_run=dry_run)
    if len(data) > MAX_FILE_BYTES:
        report.errors.append(f"{filename}：文件超过 20 MB，请拆分后分批导入。")
        return report
    try:
        rows = read_table(data, filename, mapping=COLUMNS, required=REQUIRED, max_rows=MAX_ROWS)
    except TableError as exc:
        report.errors.append(exc.message_zh)
        return report
    if not rows:
        report.errors.append(f"{filename}：文件中没有数据行。")
        return report

    now = timezone.now()
    lookups = _Lookups()
    counts: Counter[str] = Counter()
    parsed_rows: list[_Parsed] = []
    # One import reads the reference-data stamp once, as one web request does (core.generation:
    # categories, routing and the locator would each read it for every row).
    with generation.pinned(), transaction.atomic():
        for row in rows:
            parsed, problems = _parse_row(row, lookups, now)
            report.errors.extend(problems)
            if parsed is None:
                continue
            parsed_rows.append(parsed)
            try:
                with transaction.atomic():
                    case = _create(parsed, by=by, filename=filename, now=now)
            except CaseError as exc:
                report.errors.append(f"第 {row.number} 行：{exc.message}")
                continue
            counts[f"{case.category} · {STATUS_NAMES[parsed.status]}"] += 1
        if report.errors or dry_run:
            transaction.set_rollback(True)
    if report.ok:
        report.would_create = dict(sorted(counts.items()))
        report.created = 0 if dry_run else counts.total()
    report.possible_duplicates = _duplicates_within(parsed_rows)
    return report


def _duplicates_within(rows: list[_Parsed]) -> list[str]:
    """Pairs of rows that read alike, near each other in place and time (textintel.dedup)."""
    from fengqiao.textintel.dedup import Report, find_duplicate_pairs

    reports = [
        Report(
            id=row.number,
            text=f"{row.submit['title']}{row.submit.get('description', '')}",
            lon=row.submit.get("lon"),
            lat=row.submit.get("lat"),
            t=row.submit.get("occurred_at"),
        )
        for row in rows
    ]
    notes = []
    for pair in sorted(find_duplicate_pairs(reports), key=lambda p: (str(p.first), str(p.second))):
        where = f"，相距 {pair.distance_m:.0f} 米" if pair.distance_m is not None else ""
        notes.append(
            f"第 {pair.first} 行与第 {pair.second} 行可能是同一事项"
            f"（文字相似度 {pair.similarity:.2f}{where}）。"
        )
    return notes
