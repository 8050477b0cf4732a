"""The worker's prevention jobs: generate due inspection tasks, remind, mark overdue.

Each phase selects rows through a partial index, locks them (``SKIP LOCKED`` on PostgreSQL, so
a second worker takes other rows or none), flips them with one UPDATE per batch and writes the
notices in bulk in the same transaction. A row is flipped once: the selection excludes the
state it is set to. Safe to run twice or on several workers at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from fengqiao.accounts.models import Membership, Role
from fengqiao.core.notes import SystemNote, system_note
from fengqiao.hazards.choices import RUNNING_STATUSES, DeadlineState, HazardAction, TaskStatus
from fengqiao.hazards.inspections import generate_tasks
from fengqiao.hazards.models import Hazard, HazardEvent, InspectionTask
from fengqiao.notifications.actions import bulk_queue, email_rows, inbox_row, user_inbox_row
from fengqiao.notifications.models import Notification

BATCH = 1000
REMIND_BEFORE = timedelta(hours=24)


@dataclass
class JobResult:
    plans: int = 0
    tasks_created: int = 0
    tasks_reminded: int = 0
    tasks_overdue: int = 0
    hazards_overdue: int = 0


def _batches(
    model: type[Hazard] | type[InspectionTask], query: Q, fields: tuple[str, ...]
) -> Iterator[list[Any]]:
    while True:
        with transaction.atomic():
            rows = list(
                model.objects.select_for_update(skip_locked=True)
                .filter(query)
                .order_by()
                .values_list(*fields)[:BATCH]
            )
            if not rows:
                return
            yield rows


# The notices of these jobs (sent in the site's language, shown in the reader's: core.notes).
TASKS_DUE = gettext_noop("您有 %(n)d 项排查任务即将到期，请及时完成")
TASKS_OVERDUE = gettext_noop("%(n)d 项排查任务已超期")
HAZARD_OVERDUE = gettext_noop("隐患整改已超期：%(title)s")
HAZARDS_OVERDUE = gettext_noop("%(n)d 项隐患整改已超期")


def _worker_inbox(
    grid_ids: set[int], subject_of: dict[int, SystemNote], now: datetime
) -> list[Notification]:
    """An inbox notice to each grid worker of each grid (by the grid their role names)."""
    link = reverse("hazards:field_tasks")
    members = Membership.objects.filter(
        role=Role.GRID_WORKER, region_id__in=sorted(grid_ids), user__is_active=True
    ).values_list("user_id", "region_id")
    return [
        user_inbox_row(
            user_id, subject_of[grid_id], subject_of[grid_id], case_id=None, now=now, link=link
        )
        for user_id, grid_id in members
    ]


def remind_tasks(now: datetime) -> int:
    """排查提醒: tell grid workers once about each task due within the next 24 hours."""
    query = Q(status=TaskStatus.PENDING, reminded_at__isnull=True, due_at__lte=now + REMIND_BEFORE)
    reminded = 0
    for rows in _batches(InspectionTask, query, ("id", "grid_id")):
        ids = [row[0] for row in rows]
        InspectionTask.objects.filter(id__in=ids).update(reminded_at=now)
        per_grid: dict[int, int] = {}
        for _, grid_id in rows:
            per_grid[int(grid_id)] = per_grid.get(int(grid_id), 0) + 1
        subjects = {g: system_note(TASKS_DUE, n=n) for g, n in per_grid.items()}
        bulk_queue(_worker_inbox(set(per_grid), subjects, now))
        reminded += len(rows)
    return reminded


def mark_overdue_tasks(now: datetime) -> int:
    """排查超期: flag pending tasks past their deadline and tell the plan's unit."""
    query = Q(status=TaskStatus.PENDING, overdue=False, due_at__lte=now)
    flagged = 0
    for rows in _batches(InspectionTask, query, ("id", "plan__unit_id", "grid__name")):
        ids = [row[0] for row in rows]
        InspectionTask.objects.filter(id__in=ids).update(overdue=True)
        per_unit: dict[int, list[str]] = {}
        for _, unit_id, grid_name in rows:
            per_unit.setdefault(int(unit_id), []).append(str(grid_name))
        bulk_queue(
            inbox_row(
                unit_id,
                system_note(TASKS_OVERDUE, n=len(grids)),
                "、".join(sorted(set(grids)))[
                    :1900
                ],  # grid names, in Chinese whatever the language
                case_id=None,
                now=now,
            )
            for unit_id, grids in per_unit.items()
        )
        flagged += len(rows)
    return flagged


def mark_overdue_hazards(now: datetime) -> int:
    """整改超期: flag hazards whose rectification deadline passed; timeline and unit notice."""
    query = Q(
        due_at__isnull=False,
        due_at__lte=now,
        deadline_state=DeadlineState.NORMAL,
        status__in=RUNNING_STATUSES,
    )
    flagged = 0
    per_unit: dict[int, list[str]] = {}
    fields = ("id", "responsible_unit_id", "title", "status", "level")
    for rows in _batches(Hazard, query, fields):
        ids = [row[0] for row in rows]
        Hazard.objects.filter(id__in=ids).update(
            deadline_state=DeadlineState.OVERDUE, updated_at=now
        )
        HazardEvent.objects.bulk_create(
            HazardEvent(
                hazard_id=hazard_id,
                action=HazardAction.OVERDUE,
                from_status=status,
                to_status=status,
                created_at=now,
            )
            for hazard_id, _, _, status, _ in rows
        )
        bulk_queue(
            inbox_row(
                int(unit_id),
                system_note(HAZARD_OVERDUE, title=str(title)),
                str(title),
                case_id=None,
                now=now,
                link=reverse("hazards:detail", args=[hazard_id]),
            )
            for hazard_id, unit_id, title, _, _ in rows
        )
        for _, unit_id, title, _, _ in rows:
            per_unit.setdefault(int(unit_id), []).append(str(title))
        flagged += len(rows)
    _email_digests(per_unit, now)
    return flagged


def _email_digests(per_unit: dict[int, list[str]], now: datetime) -> None:
    """One e-mail per unit listing its newly overdue hazards, not one per hazard."""
    rows: list[Notification] = []
    with transaction.atomic():
        for unit_id, titles in per_unit.items():
            body = "\n".join(titles[:200]) + ("\n……" if len(titles) > 200 else "")
            subject = system_note(HAZARDS_OVERDUE, n=len(titles))
            rows += email_rows(unit_id, subject, body, case_id=None, now=now)
        bulk_queue(rows)


def run_all(now: datetime | None = None) -> JobResult:
    now = now or timezone.now()
    generated = generate_tasks(timezone.localdate(now))
    return JobResult(
        plans=generated.plans,
        tasks_created=generated.tasks,
        tasks_reminded=remind_tasks(now),
        tasks_overdue=mark_overdue_tasks(now),
        hazards_overdue=mark_overdue_hazards(now),
    )
