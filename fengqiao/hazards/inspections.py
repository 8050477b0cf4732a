"""Rolling inspections (滚动排查): plans, the tasks they generate, and inspection records.

A plan recurs from ``starts_on`` every N days, weeks or months (``lib.recurrence``: a plan on
the 31st falls on the last day of short months). ``generate_tasks`` turns every occurrence up
to today into one task per target, and is safe to run twice or on two workers at once: the
tasks' unique constraints reject a second copy (``bulk_create(ignore_conflicts=True)``).
``record_inspection`` answers every checklist item and may open hazards from the findings,
all in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.accounts.models import Unit, User
from fengqiao.cases.deadlines import calendar
from fengqiao.cases.errors import NotAllowed, NotPermitted
from fengqiao.fieldwork.actions import FieldError, worker_grids
from fengqiao.hazards import permissions
from fengqiao.hazards.actions import (
    files_guard,
    locate_point,
    moment,
    open_place,
    register_hazard,
    text,
)
from fengqiao.hazards.choices import Answer, HazardSource, PeriodUnit, PlaceType, TaskStatus
from fengqiao.hazards.models import (
    Hazard,
    InspectionPlan,
    InspectionRecord,
    InspectionTask,
    Place,
)
from fengqiao.lib.recurrence import Recurrence
from fengqiao.regions.models import Level, Region

MAX_CHECKLIST = 50
MAX_FINDINGS = 10
# A plan left without a worker for a long time does not flood grid workers with a backlog:
# at most this many past occurrences are generated per run (the newest ones).
MAX_CATCH_UP = 12


def recurrence(plan: InspectionPlan) -> Recurrence:
    return Recurrence(plan.starts_on, plan.every, plan.period_unit, plan.ends_on)  # type: ignore[arg-type]


def _checklist(items: Sequence[str]) -> list[str]:
    cleaned = [(item or "").strip() for item in items]
    cleaned = [item for item in cleaned if item]
    if not cleaned:
        raise FieldError(_("请至少填写一个检查项。"), "checklist")
    if len(cleaned) > MAX_CHECKLIST:
        raise FieldError(_("检查项不能超过 %(n)d 个。") % {"n": MAX_CHECKLIST}, "checklist")
    if len(set(cleaned)) != len(cleaned):
        raise FieldError(_("检查项不能重复。"), "checklist")
    if any(len(item) > 200 for item in cleaned):
        raise FieldError(_("每个检查项不能超过 200 个字。"), "checklist")
    return cleaned


def create_plan(
    *,
    by: User,
    name: str,
    unit: Unit,
    every: int,
    period_unit: str,
    starts_on: date,
    checklist: Sequence[str],
    region: Region | None = None,
    place_type: str = "",
    place: Place | None = None,
    ends_on: date | None = None,
    complete_within: int = 5,
) -> InspectionPlan:
    """制定排查计划 for one place, the places of a type in a region, or every grid in it."""
    open_place(place)
    if place is not None:
        region = place.grid
    if region is None:
        raise FieldError(_("请选择排查范围。"), "region")
    permissions.require_covers(by, region.path, permissions.STAFF_ROLES, _("制定排查计划"))
    if place_type and place_type not in PlaceType.values:
        raise FieldError(_("请选择场所类型。"), "place_type")
    if period_unit not in PeriodUnit.values:
        raise FieldError(_("请选择周期单位。"), "period_unit")
    if not 1 <= int(every) <= 366:
        raise FieldError(_("周期须在 1 到 366 之间。"), "every")
    if ends_on is not None and ends_on < starts_on:
        raise FieldError(_("结束日期不能早于开始日期。"), "ends_on")
    if not 0 <= int(complete_within) <= 60:
        raise FieldError(_("完成时限须在 0 到 60 个工作日之间。"), "complete_within")
    return InspectionPlan.objects.create(
        name=text(name, "name", _("计划名称"), 100),
        unit=unit,
        region=region,
        region_path=region.path,
        place_type="" if place is not None else place_type,
        place=place,
        every=int(every),
        period_unit=period_unit,
        starts_on=starts_on,
        ends_on=ends_on,
        complete_within=int(complete_within),
        checklist=_checklist(checklist),
        created_by=by,
    )


@transaction.atomic
def deactivate_plan(plan: InspectionPlan, *, by: User) -> int:
    """停用计划: no more tasks are generated; its pending tasks not yet overdue are cancelled
    (an overdue one stays, so the miss still counts). Returns how many were cancelled."""
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    permissions.require_covers(by, plan.region_path, permissions.STAFF_ROLES, _("停用排查计划"))
    if not plan.active:
        raise NotAllowed(_("排查计划“%(n)s”已停用。") % {"n": plan.name})
    plan.active = False
    plan.save(update_fields=["active"])
    return plan.tasks.filter(status=TaskStatus.PENDING, overdue=False).update(
        status=TaskStatus.CANCELLED
    )


def task_due(plan: InspectionPlan, occurrence: date) -> datetime:
    """Close of office hours ``complete_within`` working days after the occurrence's day."""
    midnight = timezone.make_aware(datetime.combine(occurrence, time()))
    return calendar().add(midnight, plan.complete_within, "days")


def _targets(plan: InspectionPlan) -> list[tuple[Place | None, Region]]:
    if plan.place_id is not None:
        assert plan.place is not None
        return [] if plan.place.closed else [(plan.place, plan.place.grid)]
    if plan.place_type:
        places = Place.objects.filter(
            region_path__startswith=plan.region_path, place_type=plan.place_type, closed=False
        ).select_related("grid")
        return [(p, p.grid) for p in places]
    grids = Region.objects.filter(path__startswith=plan.region_path, level=Level.GRID)
    return [(None, g) for g in grids]


@dataclass
class Generated:
    plans: int = 0
    tasks: int = 0


def generate_tasks(today: date | None = None) -> Generated:
    """Create the tasks of every occurrence up to ``today`` not generated yet (idempotent)."""
    today = today or timezone.localdate()
    now = timezone.now()
    result = Generated()
    plans = (
        InspectionPlan.objects.filter(active=True, starts_on__lte=today)
        .filter(Q(generated_through__isnull=True) | Q(generated_through__lt=today))
        # A plan that ended and has had its last occurrence generated is left alone.
        .filter(
            Q(ends_on__isnull=True)
            | Q(generated_through__isnull=True)
            | Q(ends_on__gt=F("generated_through"))
        )
        .select_related("place__grid")
    )
    for plan in plans:
        start = plan.starts_on
        if plan.generated_through is not None:
            start = max(start, plan.generated_through + timedelta(days=1))
        occurrences = list(recurrence(plan).between(start, today))[-MAX_CATCH_UP:]
        targets = _targets(plan) if occurrences else []
        rows = [
            InspectionTask(
                plan=plan,
                place=place,
                grid=grid,
                region_path=grid.path,
                scheduled_for=day,
                due_at=task_due(plan, day),
                created_at=now,
            )
            for day in occurrences
            for place, grid in targets
        ]
        existing = plan.tasks.filter(scheduled_for__in=occurrences)
        before = existing.count() if rows else 0
        # Rows another run created already are skipped by the unique constraints.
        InspectionTask.objects.bulk_create(rows, ignore_conflicts=True)
        InspectionPlan.objects.filter(pk=plan.pk).update(generated_through=today)
        result.plans += 1
        result.tasks += existing.count() - before if rows else 0
    return result


def tasks_for_worker(user: User) -> Any:
    """Pending tasks in the grids a grid worker works in, soonest due first."""
    grids = worker_grids(user)
    return InspectionTask.objects.filter(grid__in=grids, status=TaskStatus.PENDING).select_related(
        "plan", "place", "grid"
    )


def _answers(checklist: Sequence[str], answers: Mapping[str, Any]) -> list[dict[str, str]]:
    """Every item answered with 合格 / 存在问题 / 不适用; a missing answer names its item."""
    result = []
    for index, item in enumerate(checklist):
        raw = answers.get(str(index))
        value, note = (
            (raw.get("answer"), raw.get("note", "")) if isinstance(raw, dict) else (raw, "")
        )
        if value not in Answer.values:
            raise FieldError(
                _("第 %(n)d 项“%(item)s”未作答，请选择合格、存在问题或不适用。")
                % {"n": index + 1, "item": item},
                f"answer_{index}",
            )
        note = text(note or "", f"note_{index}", _("说明"), 500, required=False)
        result.append({"item": item, "answer": value, "note": note})
    unknown = set(answers) - {str(i) for i in range(len(checklist))}
    if unknown:
        raise FieldError(_("检查结果中有不在清单内的项目。"), "answers")
    return result


def _may_inspect(user: User, grid: Region) -> None:
    if any(g.pk == grid.pk for g in worker_grids(user)):
        return
    if permissions.covers(user, grid.path, permissions.STAFF_ROLES):
        return
    raise NotPermitted(_("只有本网格的网格员或辖区工作人员可以排查。"))


def record_inspection(
    *,
    inspector: User,
    task: InspectionTask | None = None,
    place: Place | None = None,
    answers: Mapping[str, Any] | None = None,
    notes: str = "",
    inspected_at: datetime | None = None,
    lon: float | None = None,
    lat: float | None = None,
    findings: Sequence[Mapping[str, Any]] = (),
    submission_key: str = "",
) -> InspectionRecord:
    """排查记录: a task's inspection (or an unplanned one of a place) with every checklist item
    answered; each finding (hazard fields and optional photos) opens a hazard from it.
    Everything is written in one transaction; the same ``submission_key`` returns the record."""
    key = text(submission_key, "submission_key", _("提交标识"), 64, required=False)
    if key:
        existing = InspectionRecord.objects.filter(submission_key=key).first()
        if existing is not None:
            return existing
    if task is None and place is None:
        raise FieldError(_("请选择排查任务或场所。"), "place")
    if task is not None:
        place = task.place
        checklist: list[str] = list(task.plan.checklist)
        grid = task.grid
    else:
        assert place is not None
        checklist, grid = [], place.grid
    open_place(place)
    _may_inspect(inspector, grid)
    if len(findings) > MAX_FINDINGS:
        raise FieldError(_("一次排查最多登记 %(n)d 个隐患。") % {"n": MAX_FINDINGS}, "findings")
    answered = _answers(checklist, answers or {})
    inspected_at = moment(inspected_at, "inspected_at", _("排查时间"))
    if task is not None and timezone.localdate(inspected_at) < task.scheduled_for:
        raise FieldError(
            _("排查时间不能早于任务的排查日期（%(d)s）。") % {"d": task.scheduled_for},
            "inspected_at",
        )
    point = locate_point(lon, lat) if lon is not None or lat is not None else None
    record = InspectionRecord(
        task=task,
        place=place,
        grid=grid,
        region_path=grid.path,
        inspector=inspector,
        inspected_at=inspected_at,
        answers=answered,
        notes=text(notes, "notes", _("排查情况"), 2000, required=False),
        lon=point[0] if point else None,
        lat=point[1] if point else None,
        submission_key=key,
        created_at=timezone.now(),
    )
    try:
        with files_guard():
            if task is not None:
                locked = InspectionTask.objects.select_for_update().get(pk=task.pk)
                if locked.status != TaskStatus.PENDING:
                    raise NotAllowed(
                        _("该排查任务已%(s)s，不能重复排查。") % {"s": locked.get_status_display()}
                    )
                locked.status, locked.completed_at = TaskStatus.DONE, record.inspected_at
                locked.completed_by = inspector
                locked.save(update_fields=["status", "completed_at", "completed_by"])
            record.save()
            for number, finding in enumerate(findings, start=1):
                _finding(record, inspector, number, finding)
    except IntegrityError:
        existing = InspectionRecord.objects.filter(submission_key=key).first() if key else None
        if existing is None:
            raise
        return existing
    return record


FINDING_KEYS = frozenset(
    {
        "hazard_type",
        "level",
        "title",
        "description",
        "measures",
        "responsible_unit",
        "responsible_person",
        "responsible_phone",
        "deadline_days",
        "deadline",
        "photos",
        "lon",
        "lat",
    }
)


def _finding(
    record: InspectionRecord, inspector: User, number: int, finding: Mapping[str, Any]
) -> Hazard:
    unknown = set(finding) - FINDING_KEYS
    if unknown:
        raise TypeError(f"unknown finding keys: {sorted(unknown)}")
    fields = dict(finding)
    if fields.get("lon") is None and record.place is None:
        fields.setdefault("region", record.grid)
    try:
        return register_hazard(
            by=inspector,
            source=HazardSource.INSPECTION,
            inspection=record,
            place=record.place,
            found_at=record.inspected_at,
            check_permission=False,  # the inspection itself was checked
            **fields,
        )
    except FieldError as exc:
        # Name the finding, so a form with several can show which one is wrong.
        raise FieldError(
            _("隐患 %(n)d：%(m)s") % {"n": number, "m": exc.message},
            f"finding_{number}_{exc.field}" if exc.field else None,
        ) from exc
