"""Inspection measures (排查考核): coverage and punctuality per grid and per unit.

Over the tasks scheduled in ``[start, end)`` (dates) that are due by ``now`` (done, or past
their deadline; a task still within its time is not yet counted for or against), cancelled ones
left out:

- coverage (排查覆盖率) = tasks done / tasks due;
- punctuality (按时完成率) = tasks done by their deadline / tasks due.

Grouped by the task's grid, or by the unit that owns the plan (组织单位). One aggregate query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, F, Q
from django.utils import timezone

from fengqiao.cases.measures import Rate, _rate
from fengqiao.hazards.choices import TaskStatus
from fengqiao.hazards.models import InspectionTask


@dataclass(frozen=True)
class InspectionMeasure:
    key: int
    label: str
    due: int
    coverage: Rate
    punctuality: Rate


def inspection_measures(
    start: date,
    end: date,
    *,
    by: str = "grid",
    region_path: str = "",
    now: datetime | None = None,
) -> list[InspectionMeasure]:
    """Coverage and punctuality per ``by`` ("grid" or "unit"), largest backlog first."""
    now = now or timezone.now()
    if by not in ("grid", "unit"):
        raise ValueError("by must be 'grid' or 'unit'")
    key, label = (
        ("grid_id", "grid__name") if by == "grid" else ("plan__unit_id", "plan__unit__name")
    )
    tasks = (
        InspectionTask.objects.filter(scheduled_for__gte=start, scheduled_for__lt=end)
        .exclude(status=TaskStatus.CANCELLED)
        .filter(Q(status=TaskStatus.DONE) | Q(due_at__lte=now))
    )
    if region_path:
        tasks = tasks.filter(region_path__startswith=region_path)
    rows = (
        tasks.values(key, label)
        .annotate(
            due=Count("id"),
            done=Count("id", filter=Q(status=TaskStatus.DONE)),
            on_time=Count("id", filter=Q(status=TaskStatus.DONE, completed_at__lte=F("due_at"))),
        )
        .order_by(label)
    )
    result = [
        InspectionMeasure(
            key=row[key],
            label=row[label],
            due=row["due"],
            coverage=_rate(row["done"], row["due"]),
            punctuality=_rate(row["on_time"], row["due"]),
        )
        for row in rows
    ]
    return sorted(result, key=lambda m: m.due - m.coverage.numerator, reverse=True)
