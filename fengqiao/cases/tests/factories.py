"""Factories for case tests: categories come from the seeded taxonomy, cases from submit()."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from fengqiao.cases.intake import submit
from fengqiao.cases.models import Case

# A point inside grid 430299001001001 of the test tree (fengqiao/conftest.py).
GRID_1 = (113.05, 27.85)


def make_case(**overrides: Any) -> Case:
    fields: dict[str, Any] = {
        "category": "dispute-neighbour",
        "title": "楼上漏水影响楼下住户",
        "description": "3栋2单元502漏水，楼下402天花板渗水，双方协商未果。",
        "occurred_at": timezone.now() - timedelta(hours=2),
        "channel": "hotline",
        "lon": GRID_1[0],
        "lat": GRID_1[1],
        "reporter_name": "李四",
        "reporter_phone": "13812345678",
    }
    fields.update(overrides)
    return submit(**fields)
