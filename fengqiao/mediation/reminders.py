"""Reminders of performance checks (履行回访) that are due: once an agreement's performance
deadline has passed without a check, its mediators are told once, through the outbox.

Safe with several workers: each agreement is claimed with a conditional UPDATE on
``performance_reminded_at`` before anyone is notified, in the same transaction.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from fengqiao.core import notes
from fengqiao.core.notes import system_note
from fengqiao.mediation.choices import Outcome, Performance
from fengqiao.mediation.models import Mediation
from fengqiao.notifications.actions import queue_for_user

BATCH = 500
PAST_DUE = gettext_noop("履行期限已过，请回访")
DUE_DATE = gettext_noop("调解协议履行期限：%(due)s")


def remind_performance(now: datetime | None = None) -> int:
    """Remind the mediators of agreements due before today and not checked; returns how many
    agreements were reminded. Reads the partial index of pending, unreminded agreements."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = Mediation.objects.filter(
        outcome=Outcome.AGREEMENT,
        performance=Performance.PENDING,
        performance_reminded_at__isnull=True,
        performance_due__lt=today,
    ).values_list("pk", flat=True)[:BATCH]
    reminded = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = Mediation.objects.filter(pk=pk, performance_reminded_at__isnull=True).update(
                performance_reminded_at=now
            )
            if not claimed:
                continue  # another worker took it
            mediation = Mediation.objects.select_related("case").get(pk=pk)
            for user in mediation.mediators.filter(is_active=True):
                queue_for_user(
                    user,
                    notes.joined(mediation.case.number, system_note(PAST_DUE), separator=" "),
                    notes.joined(
                        mediation.case.title,
                        system_note(DUE_DATE, due=str(mediation.performance_due)),
                    ),
                    case_id=mediation.case_id,
                )
            reminded += 1
    return reminded
