"""hazards.jobs: due tasks generated, reminders, overdue tasks and hazards flagged once."""

from datetime import date, datetime

from fengqiao.core.jobs import registered
from fengqiao.hazards import inspections
from fengqiao.hazards.choices import DeadlineState, HazardAction
from fengqiao.hazards.jobs import run_all
from fengqiao.hazards.models import HazardEvent, InspectionTask
from fengqiao.notifications.models import Channel, Notification

from .conftest import SH, make_hazard, make_place


def test_the_job_is_registered_with_the_worker():
    assert "hazards.prevention_jobs" in [job.name for job in registered()]


def test_overdue_hazard_is_flagged_once_with_timeline_and_notice(personas, clock):
    hazard = make_hazard(personas, deadline_days=1)  # due Tuesday 4 March 17:30
    unit = personas.units["community"]
    before = Notification.objects.filter(unit=unit, channel=Channel.INBOX).count()
    assert run_all().hazards_overdue == 0
    clock.move_to(datetime(2025, 3, 4, 18, 0, tzinfo=SH))
    assert run_all().hazards_overdue == 1
    assert run_all().hazards_overdue == 0
    hazard.refresh_from_db()
    assert hazard.deadline_state == DeadlineState.OVERDUE
    assert HazardEvent.objects.filter(hazard=hazard, action=HazardAction.OVERDUE).count() == 1
    notices = Notification.objects.filter(unit=unit, channel=Channel.INBOX).count() - before
    assert notices == 1


def test_overdue_hazards_send_one_email_digest_per_unit(personas, clock):
    personas.community_operator.email = "op@example.org"
    personas.community_operator.save()
    for n in range(3):
        make_hazard(personas, title=f"隐患{n}", deadline_days=1)
    clock.move_to(datetime(2025, 3, 4, 18, 0, tzinfo=SH))
    assert run_all().hazards_overdue == 3
    mail = Notification.objects.filter(channel=Channel.EMAIL, subject__contains="超期")
    assert mail.count() == 1
    assert mail.get().subject == "3 项隐患整改已超期" and "隐患2" in mail.get().body


def test_rectified_hazard_is_not_flagged(personas, clock):
    from fengqiao.hazards import actions

    hazard = make_hazard(personas, deadline_days=1)
    actions.report_rectified(hazard, by=personas.grid_worker, note="已整改")
    clock.move_to(datetime(2025, 3, 10, 9, 0, tzinfo=SH))
    assert run_all().hazards_overdue == 0


def test_tasks_are_created_reminded_and_flagged_overdue(personas, clock):
    make_place(personas)
    inspections.create_plan(
        by=personas.community_operator,
        name="周检",
        unit=personas.units["community"],
        every=1,
        period_unit="weeks",
        starts_on=date(2025, 3, 3),
        checklist=["通道畅通"],
        complete_within=1,
        place_type="market",
        region=personas.units["community"].jurisdiction,
    )
    result = run_all()  # Monday 09:00: created, due Tuesday 17:30 → reminded (within 24 h? no)
    assert (result.tasks_created, result.tasks_reminded, result.tasks_overdue) == (1, 0, 0)
    clock.move_to(datetime(2025, 3, 4, 9, 0, tzinfo=SH))
    assert run_all().tasks_reminded == 1
    assert (
        Notification.objects.filter(user=personas.grid_worker, channel=Channel.INBOX).count() == 1
    )
    assert run_all().tasks_reminded == 0
    clock.move_to(datetime(2025, 3, 4, 18, 0, tzinfo=SH))
    result = run_all()
    assert result.tasks_overdue == 1 and run_all().tasks_overdue == 0
    assert InspectionTask.objects.get().overdue
