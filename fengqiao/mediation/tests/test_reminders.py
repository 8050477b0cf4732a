"""Reminders of performance checks that are due (履行回访提醒)."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from fengqiao.core.jobs import registered
from fengqiao.mediation import actions
from fengqiao.mediation.reminders import remind_performance
from fengqiao.mediation.tests.factories import agreed, make_mediators
from fengqiao.notifications.models import Notification


def reminders(user):
    return Notification.objects.filter(user=user, subject__contains="请回访")


def test_mediators_are_reminded_once_after_the_deadline(personas):
    m = make_mediators(personas)
    mediation = agreed(personas, m, due=timezone.localdate() + timedelta(days=3))
    checked = agreed(personas, m, due=timezone.localdate() + timedelta(days=3), title="另一起")
    actions.check_performance(checked, by=m.mediator, performance="full", note="已履行")
    assert remind_performance() == 0  # not due yet
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        assert remind_performance() == 1
        assert remind_performance() == 0  # once only
    assert reminders(m.mediator).count() == 1 and reminders(m.second).count() == 1
    assert reminders(m.mediator).get().case == mediation.case


def test_the_job_is_registered_with_the_worker():
    assert "mediation.remind_performance" in {job.name for job in registered()}
