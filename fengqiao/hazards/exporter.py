"""Exporting the hazard register (隐患台账导出) to CSV or Excel; phones masked.

The caller scopes and filters the queryset and writes the audit entry; this module formats.
One query per 2,000 hazards, streamed into the writer.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Literal

from django.db.models import QuerySet

from fengqiao.hazards.models import Hazard
from fengqiao.lib.masking import mask_phone
from fengqiao.lib.tabular import write_csv, write_xlsx

HEADER = (
    "编号",
    "隐患名称",
    "类型",
    "等级",
    "场所",
    "所属区域",
    "地点",
    "发现方式",
    "发现时间",
    "责任单位",
    "责任人",
    "责任人电话",
    "整改措施",
    "整改期限",
    "期限状态",
    "状态",
    "整改完成时间",
    "销号时间",
)
CHUNK_SIZE = 2000

Cell = str | int | datetime | None


def _rows(queryset: QuerySet[Hazard]) -> Iterator[list[Cell]]:
    hazards = queryset.select_related("place", "region", "responsible_unit")
    for h in hazards.iterator(chunk_size=CHUNK_SIZE):
        yield [
            h.pk,
            h.title,
            h.get_hazard_type_display(),
            h.get_level_display(),
            h.place.name if h.place else "",
            h.region.name,
            h.address,
            h.get_source_display(),
            h.found_at,
            h.responsible_unit.name,
            h.responsible_person,
            mask_phone(h.responsible_phone or ""),
            h.measures,
            h.due_at,
            h.get_deadline_state_display(),
            h.get_status_display(),
            h.rectified_at,
            h.closed_at,
        ]


def export_hazards(queryset: QuerySet[Hazard], fmt: Literal["csv", "xlsx"]) -> bytes:
    rows = _rows(queryset)
    if fmt == "csv":
        return write_csv(rows, HEADER)
    if fmt == "xlsx":
        return write_xlsx(rows, HEADER, sheet_title="隐患台账")
    raise ValueError(f"unknown export format: {fmt!r}")
