"""hazards.inspections: plans, tasks generated across months, records with checklists."""

from datetime import date, datetime

import pytest
import time_machine

from fengqiao.cases.errors import NotAllowed, NotPermitted
from fengqiao.fieldwork.actions import FieldError
from fengqiao.hazards import actions, inspections
from fengqiao.hazards.choices import HazardSource, TaskStatus
from fengqiao.hazards.models import Hazard, InspectionRecord, InspectionTask

from .conftest import NEXT_GRID, SH, jpeg, make_place

CHECKLIST = ["消防通道畅通", "灭火器在有效期内", "电线无私拉乱接"]


def make_plan(personas, by=None, **overrides):
    fields = {
        "name": "市场消防月检",
        "unit": personas.units["community"],
        "every": 1,
        "period_unit": "months",
        "starts_on": date(2025, 1, 31),
        "checklist": CHECKLIST,
        "place_type": "market",
        "region": personas.units["community"].jurisdiction,
    }
    fields.update(overrides)
    return inspections.create_plan(by=by or personas.community_operator, **fields)


def run_on(day):
    with time_machine.travel(datetime(day.year, day.month, day.day, 6, tzinfo=SH), tick=False):
        return inspections.generate_tasks()


def test_monthly_plan_on_the_31st_generates_the_right_tasks_across_months(personas):
    market = make_place(personas)
    make_place(personas, name="另一网格市场", lon=NEXT_GRID[0], lat=NEXT_GRID[1])
    make_place(personas, place_type="school", name="实验小学")  # another type: not inspected
    plan = make_plan(personas)
    days = [
        date(2025, 1, 30),
        date(2025, 1, 31),
        date(2025, 2, 27),
        date(2025, 2, 28),
        date(2025, 3, 1),
        date(2025, 3, 31),
        date(2025, 4, 30),
        date(2025, 5, 30),
    ]
    created = [run_on(day).tasks for day in days]
    assert created == [0, 2, 0, 2, 0, 2, 2, 0]
    scheduled = sorted(set(plan.tasks.values_list("scheduled_for", flat=True)))
    assert scheduled == [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30)]
    assert plan.tasks.filter(place=market).count() == 4
    # Due 5 working days after the occurrence: 28 Feb (Fri) → Fri 7 March at closing.
    task = plan.tasks.get(place=market, scheduled_for=date(2025, 2, 28))
    assert task.due_at.astimezone(SH) == datetime(2025, 3, 7, 17, 30, tzinfo=SH)


def test_a_missed_month_is_caught_up_and_running_twice_creates_nothing_more(personas):
    make_place(personas)
    plan = make_plan(personas, starts_on=date(2024, 12, 31))
    assert run_on(date(2025, 3, 31)).tasks == 4  # Dec, Jan, Feb (28th), Mar
    assert run_on(date(2025, 3, 31)).tasks == 0
    plan.refresh_from_db()
    plan.generated_through = None  # as if a second worker had read the plan before the mark
    plan.save()
    assert run_on(date(2025, 3, 31)).tasks == 0
    assert plan.tasks.count() == 4


def test_weekly_grid_plan_makes_one_task_per_grid(personas, region_tree):
    make_plan(
        personas,
        by=personas.street_operator,
        unit=personas.units["street"],
        place_type="",
        every=2,
        period_unit="weeks",
        starts_on=date(2025, 3, 3),
        region=region_tree["430299001"],
    )
    assert run_on(date(2025, 3, 16)).tasks == 4  # 4 grids in the street, 3 March
    assert run_on(date(2025, 3, 17)).tasks == 4  # 17 March
    assert InspectionTask.objects.filter(place__isnull=True).count() == 8


def test_closed_places_get_no_new_tasks(personas):
    market = make_place(personas)
    make_plan(personas, place=market, place_type="")
    run_on(date(2025, 1, 31))
    actions.close_place(market, by=personas.community_operator)
    assert run_on(date(2025, 2, 28)).tasks == 0


def test_plan_needs_a_checklist_and_a_staff_role(personas):
    make_place(personas)
    with pytest.raises(FieldError) as error:
        make_plan(personas, checklist=["  ", ""])
    assert error.value.field == "checklist"
    with pytest.raises(NotPermitted):
        inspections.create_plan(
            by=personas.grid_worker,
            name="x",
            unit=personas.units["community"],
            every=1,
            period_unit="days",
            starts_on=date(2025, 1, 1),
            checklist=["a"],
            region=personas.units["community"].jurisdiction,
        )


def answers(*values):
    return {str(i): v for i, v in enumerate(values)}


@pytest.fixture
def task(personas, clock):
    make_place(personas)
    make_plan(personas, starts_on=date(2025, 3, 3))
    inspections.generate_tasks()
    return InspectionTask.objects.get()


def finding(personas, **overrides):
    fields = {
        "hazard_type": "fire",
        "level": "ordinary",
        "title": "灭火器过期",
        "description": "两具灭火器超过有效期。",
        "measures": "更换灭火器",
        "responsible_unit": personas.units["community"],
        "deadline_days": 5,
        "photos": [(jpeg(), "灭火器.jpg")],
    }
    fields.update(overrides)
    return fields


def test_inspection_completes_the_task_and_findings_open_hazards(personas, task):
    record = inspections.record_inspection(
        inspector=personas.grid_worker,
        task=task,
        answers={"0": "ok", "1": {"answer": "problem", "note": "两具过期"}, "2": "na"},
        findings=[finding(personas)],
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.completed_by == personas.grid_worker
    assert [a["answer"] for a in record.answers] == ["ok", "problem", "na"]
    assert record.answers[1] == {
        "item": "灭火器在有效期内",
        "answer": "problem",
        "note": "两具过期",
    }
    hazard = record.findings.get()
    assert hazard.source == HazardSource.INSPECTION and hazard.place == task.place
    assert hazard.photos.count() == 1


def test_missing_checklist_answer_is_refused_and_nothing_written(personas, task):
    with pytest.raises(FieldError) as error:
        inspections.record_inspection(
            inspector=personas.grid_worker,
            task=task,
            answers=answers("ok", "ok"),
            findings=[finding(personas)],
        )
    assert error.value.field == "answer_2" and "电线无私拉乱接" in error.value.message
    task.refresh_from_db()
    assert task.status == TaskStatus.PENDING
    assert InspectionRecord.objects.count() == 0 and Hazard.objects.count() == 0


def test_bad_finding_rolls_back_the_whole_inspection(personas, task, media):
    with pytest.raises(FieldError) as error:
        inspections.record_inspection(
            inspector=personas.grid_worker,
            task=task,
            answers=answers("ok", "problem", "ok"),
            findings=[
                finding(personas),
                finding(personas, deadline_days=None, deadline=date(2025, 3, 1)),
            ],
        )
    assert error.value.field == "finding_2_deadline" and "隐患 2" in error.value.message
    task.refresh_from_db()
    assert task.status == TaskStatus.PENDING
    assert InspectionRecord.objects.count() == 0 and Hazard.objects.count() == 0
    assert not [p for p in media.rglob("*") if p.is_file()]  # the first finding's photo too


def test_inspection_of_a_closed_place_is_refused(personas, task):
    actions.close_place(task.place, by=personas.community_operator)
    with pytest.raises(FieldError) as error:
        inspections.record_inspection(
            inspector=personas.grid_worker, task=task, answers=answers("ok", "ok", "ok")
        )
    assert "已关闭" in error.value.message and InspectionRecord.objects.count() == 0


def test_a_task_is_inspected_once_and_only_by_its_grid(personas, task):
    with pytest.raises(NotPermitted):
        inspections.record_inspection(
            inspector=personas.department_handler, task=task, answers=answers("ok", "ok", "ok")
        )
    inspections.record_inspection(
        inspector=personas.grid_worker,
        task=task,
        answers=answers("ok", "ok", "ok"),
        submission_key="once",
    )
    again = inspections.record_inspection(
        inspector=personas.grid_worker,
        task=task,
        answers=answers("ok", "ok", "ok"),
        submission_key="once",
    )
    assert InspectionRecord.objects.count() == 1 and again.task == task
    with pytest.raises(NotAllowed):
        inspections.record_inspection(
            inspector=personas.grid_worker, task=task, answers=answers("ok", "ok", "ok")
        )


def test_an_ended_plan_stops_after_its_last_occurrence(personas):
    make_place(personas)
    plan = make_plan(personas, ends_on=date(2025, 3, 31))
    assert run_on(date(2025, 4, 15)).plans == 1  # Jan, Feb, Mar generated
    assert plan.tasks.count() == 3
    assert run_on(date(2025, 5, 31)).plans == 0  # not even read again


def test_inspection_before_the_tasks_day_is_refused(personas, task):
    with pytest.raises(FieldError) as error:
        inspections.record_inspection(
            inspector=personas.grid_worker,
            task=task,
            answers=answers("ok", "ok", "ok"),
            inspected_at=datetime(2025, 3, 2, 18, tzinfo=SH),
        )
    assert error.value.field == "inspected_at" and InspectionRecord.objects.count() == 0


def test_a_long_idle_plan_catches_up_only_its_newest_occurrences(personas):
    make_place(personas)
    plan = make_plan(personas, every=1, period_unit="days", starts_on=date(2025, 1, 1))
    assert run_on(date(2025, 3, 1)).tasks == inspections.MAX_CATCH_UP
    assert min(plan.tasks.values_list("scheduled_for", flat=True)) == date(2025, 2, 18)


def test_deactivating_a_plan_cancels_its_pending_tasks_but_keeps_overdue_ones(personas):
    make_place(personas)
    plan = make_plan(personas, every=1, period_unit="days", starts_on=date(2025, 3, 3))
    run_on(date(2025, 3, 4))
    InspectionTask.objects.filter(scheduled_for=date(2025, 3, 3)).update(overdue=True)
    with pytest.raises(NotPermitted):
        inspections.deactivate_plan(plan, by=personas.grid_worker)
    assert inspections.deactivate_plan(plan, by=personas.community_operator) == 1
    statuses = dict(plan.tasks.values_list("scheduled_for", "status"))
    assert statuses == {date(2025, 3, 3): TaskStatus.PENDING, date(2025, 3, 4): "cancelled"}
    assert run_on(date(2025, 3, 10)).tasks == 0
    with pytest.raises(NotAllowed):
        inspections.deactivate_plan(plan, by=personas.community_operator)
