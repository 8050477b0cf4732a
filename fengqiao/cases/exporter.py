"""Exporting case lists (事件导出) to CSV or Excel for people to work with offline.

Contacts are personal data: they are masked (``138****5678``, ``李*``) unless the caller passes
``reveal_contacts=True``. Deciding that is the caller's job, by the user's role, and so is
writing the audit entry that says who exported whose contacts; this module only formats.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Literal

from django.db.models import QuerySet

from fengqiao.cases.models import Case
from fengqiao.lib.masking import mask_name, mask_phone
from fengqiao.lib.tabular import write_csv, write_xlsx

HEADER = (
    "编号",
    "标题",
    "类别",
    "状态",
    "事件类型",
    "来源渠道",
    "所属区域",
    "当前承办单位",
    "上报时间",
    "受理期限",
    "办结期限",
    "期限状态",
    "办结时间",
    "化解层级",
    "评价",
    "联系人",
    "联系电话",
)

# Rows fetched per database round trip; each row also decrypts two contact fields.
CHUNK_SIZE = 2000

Cell = str | datetime | None


def _row(case: Case, *, reveal_contacts: bool) -> list[Cell]:
    name, phone = case.reporter_name, case.reporter_phone
    if not reveal_contacts:
        name, phone = mask_name(name), mask_phone(phone)
    return [
        case.number,
        case.title,
        str(case.category),
        case.get_status_display(),
        case.get_kind_display(),
        case.get_channel_display(),
        case.region.name,
        case.current_unit.name,
        case.submitted_at,
        case.accept_due_at,
        case.resolve_due_at,
        # The state means something only while a deadline runs; blank for closed or paused.
        case.get_deadline_state_display() if case.due_at is not None else "",
        case.resolved_at,
        case.get_resolved_tier_display(),
        case.get_rating_display(),
        name,
        phone,
    ]


def _rows(queryset: QuerySet[Case], *, reveal_contacts: bool) -> Iterator[list[Cell]]:
    cases = queryset.select_related("category__parent", "region", "current_unit")
    for case in cases.iterator(chunk_size=CHUNK_SIZE):
        yield _row(case, reveal_contacts=reveal_contacts)


def export_cases(
    queryset: QuerySet[Case], fmt: Literal["csv", "xlsx"], *, reveal_contacts: bool = False
) -> bytes:
    """The cases of ``queryset`` (already scoped and filtered by the caller) as a file.

    One query per 2,000 cases, streamed into the writer; the finished file is held in memory.
    CSV is UTF-8 with a BOM so Excel shows Chinese; times are Beijing time in both formats.
    """
    rows = _rows(queryset, reveal_contacts=reveal_contacts)
    if fmt == "csv":
        return write_csv(rows, HEADER)
    if fmt == "xlsx":
        return write_xlsx(rows, HEADER, sheet_title="事件")
    raise ValueError(f"unknown export format: {fmt!r}")
