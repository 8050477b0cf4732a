"""The deadline sweep: due-soon and overdue marks, notices, automatic escalation, idempotence."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from fengqiao.cases import actions
from fengqiao.cases.choices import Action, DeadlineState, Status
from fengqiao.cases.models import Case, CaseEvent
from fengqiao.cases.sweep import sweep
from fengqiao.cases.tests.factories import make_case
from fengqiao.core.jobs import registered
from fengqiao.notifications.models import Channel, Notification

SH = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2025, 3, 3, 9, 0, tzinfo=SH)


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def test_submitted_case_becomes_due_soon_then_overdue_once(personas, clock, settings):
    settings.DUE_SOON_HOURS = 4
    case = make_case()  # accept within 1 working day: due Tuesday 17:30
    assert case.accept_due_at.astimezone(SH) == datetime(2025, 3, 4, 17, 30, tzinfo=SH)
    assert sweep().due_soon == 0
    clock.move_to(datetime(2025, 3, 4, 14, 0, tzinfo=SH))
    result = sweep()
    assert (result.due_soon, result.overdue) == (1, 0)
    assert sweep().due_soon == 0  # marked once
    clock.move_to(datetime(2025, 3, 4, 18, 0, tzinfo=SH))
    assert sweep().overdue == 1
    assert sweep().overdue == 0
    case.refresh_from_db()
    assert case.deadline_state == DeadlineState.OVERDUE
    assert list(case.events.values_list("action", flat=True)) == [
        Action.SUBMIT,
        Action.DUE_SOON,
        Action.OVERDUE,
    ]
    inbox = Notification.objects.filter(unit=personas.units["community"], channel=Channel.INBOX)
    assert inbox.filter(subject__contains="即将到期").count() == 1
    assert inbox.filter(subject__contains="已超期").count() == 1


def test_unit_members_with_email_get_an_email(personas, clock):
    personas.community_operator.email = "op@example.org"
    personas.community_operator.save()
    make_case()
    clock.shift(timedelta(days=3))
    sweep()
    mail = Notification.objects.filter(channel=Channel.EMAIL, subject__contains="已超期").get()
    assert mail.user == personas.community_operator and mail.address == "op@example.org"


def test_long_overdue_case_is_escalated_automatically(personas, clock, settings):
    settings.ESCALATE_OVERDUE_AFTER_HOURS = 24
    case = actions.accept(make_case(), by=personas.community_operator)
    Case.objects.filter(pk=case.pk).update(
        resolve_due_at=MONDAY + timedelta(hours=1), due_at=MONDAY + timedelta(hours=1)
    )
    clock.shift(timedelta(hours=2))
    assert sweep().escalated == 0  # overdue, but not yet by the margin
    clock.shift(timedelta(hours=24))
    assert sweep().escalated == 1
    case.refresh_from_db()
    assert case.current_unit == personas.units["street"] and case.auto_escalated_at is not None
    event = case.events.get(action=Action.ESCALATE)
    assert event.actor is None and event.data["automatic"] is True
    assert event.note == "超期未办结，系统自动上报"
    assert sweep().escalated == 0  # only once


def test_a_case_never_accepted_is_escalated_to_be_accepted_above(personas, clock, settings):
    """Overdue for acceptance: the centre above gets it to accept (待受理), and accepting it there
    starts the resolve clock, as anywhere."""
    settings.ESCALATE_OVERDUE_AFTER_HOURS = 24
    case = make_case()
    assert case.status == Status.SUBMITTED and case.resolve_due_at is None
    clock.shift(timedelta(days=4))
    assert sweep().escalated == 1
    case.refresh_from_db()
    assert case.current_unit == personas.units["street"] and case.status == Status.SUBMITTED
    assert case.due_at == case.accept_due_at and case.deadline_state == DeadlineState.OVERDUE
    case = actions.accept(case, by=personas.street_operator)
    assert case.resolve_due_at is not None and case.due_at == case.resolve_due_at
    assert case.deadline_state == DeadlineState.NORMAL


def test_the_automatic_escalation_note_is_shown_in_the_readers_language(
    personas, clock, settings, client
):
    settings.ESCALATE_OVERDUE_AFTER_HOURS = 24
    case = actions.accept(make_case(), by=personas.community_operator)
    Case.objects.filter(pk=case.pk).update(
        resolve_due_at=MONDAY + timedelta(hours=1), due_at=MONDAY + timedelta(hours=1)
    )
    clock.shift(timedelta(hours=26))
    with translation.override("en"):  # the language a sweep happens to run in does not matter
        assert sweep().escalated == 1
    assert case.events.get(action=Action.ESCALATE).note == "超期未办结，系统自动上报"
    client.force_login(personas.street_operator)
    page = reverse("cases:detail", args=[case.number])
    assert "超期未办结，系统自动上报" in client.get(page).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(page).content.decode()
    assert "Overdue and not resolved: escalated automatically by the system" in english
    assert "超期未办结" not in english


def test_suspended_and_closed_cases_are_left_alone(personas, clock):
    suspended = actions.suspend(
        actions.accept(make_case(), by=personas.community_operator),
        by=personas.community_operator,
        reason="等待鉴定",
    )
    clock.shift(timedelta(days=60))
    assert sweep().overdue == 0
    suspended.refresh_from_db()
    assert suspended.status == Status.SUSPENDED and suspended.deadline_state == "normal"


def test_sweep_is_registered_to_run_every_minute():
    job = next(p for p in registered() if p.name == "cases.sweep_deadlines")
    assert job.every == timedelta(minutes=1)


def test_query_count_does_not_grow_with_the_cases(personas, clock, django_assert_max_num_queries):
    for _ in range(30):
        make_case()
    clock.shift(timedelta(days=3))
    with django_assert_max_num_queries(25):
        assert sweep().overdue == 30
    assert CaseEvent.objects.filter(action=Action.OVERDUE).count() == 30
