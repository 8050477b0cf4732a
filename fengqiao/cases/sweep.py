"""The deadline sweep (时限监控): due-soon and overdue marks, notices, automatic escalation.

Runs every minute in the worker. Each phase selects the cases whose threshold has passed through
a partial index, locks them (``SKIP LOCKED`` on PostgreSQL, so a second worker running the same
phase takes other rows or none), flips their state with one UPDATE per batch, and writes the
timeline entries and unit inbox notices in bulk, all in one transaction per batch. A case is
flipped exactly once per threshold because the selection excludes the state it is set to.
E-mail is one digest per unit and phase (listing its cases), not one message per case: a unit
with forty cases turning overdue at the start of a working day gets one e-mail, not forty.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from fengqiao.cases.choices import OPEN_STATUSES, Action, DeadlineState
from fengqiao.cases.models import Case, CaseEvent
from fengqiao.core import notes
from fengqiao.core.notes import SystemNote, system_note
from fengqiao.notifications.actions import bulk_queue, email_rows, inbox_row

BATCH = 2000


# The timeline note of an escalation by the sweep (core.notes: shown in the reader's language).
AUTO_ESCALATED = system_note(gettext_noop("超期未办结，系统自动上报"))


@dataclass
class SweepResult:
    due_soon: int = 0
    overdue: int = 0
    escalated: int = 0


def _batches(query: Q, now: datetime) -> Iterator[list[tuple[int, int, str, str, str]]]:
    while True:
        with transaction.atomic():
            rows = list(
                Case.objects.select_for_update(skip_locked=True)
                .filter(query)
                .order_by()
                .values_list("id", "current_unit_id", "number", "title", "status")[:BATCH]
            )
            if not rows:
                return
            yield rows


# A unit's e-mail digest of the cases that changed state in one pass.
DIGEST = gettext_noop("%(n)d 件事件%(what)s")
# What a unit is told a case became (its inbox: "FQ-… 已超期").
OVERDUE = gettext_noop("已超期")
DUE_SOON = gettext_noop("即将到期")


def _flip(query: Q, state: str, action: str, label: str, now: datetime) -> int:
    """Move the matching cases to ``state``; ``label`` (a message id: 已超期) names it in the
    units' notices."""
    what = system_note(label)  # shown in the reader's language (core.notes)
    changed = 0
    per_unit: dict[int, list[str]] = {}
    for rows in _batches(query, now):
        ids = [row[0] for row in rows]
        Case.objects.filter(id__in=ids).update(deadline_state=state, updated_at=now)
        CaseEvent.objects.bulk_create(
            [
                CaseEvent(
                    case_id=case_id,
                    action=action,
                    from_status=status,
                    to_status=status,
                    from_unit_id=unit_id,
                    to_unit_id=unit_id,
                    created_at=now,
                )
                for case_id, unit_id, _, _, status in rows
            ],
            batch_size=1000,
        )
        bulk_queue(
            inbox_row(
                unit_id,
                notes.joined(number, what, separator=" "),
                title,
                case_id=case_id,
                now=now,
            )
            for case_id, unit_id, number, title, _ in rows
        )
        for _, unit_id, number, title, _ in rows:
            per_unit.setdefault(unit_id, []).append(f"{number} {title}")
        changed += len(rows)
    _email_digests(per_unit, what, now)
    return changed


def _email_digests(per_unit: dict[int, list[str]], what: SystemNote, now: datetime) -> None:
    rows = []
    with transaction.atomic():
        for unit_id, lines in per_unit.items():
            subject = system_note(DIGEST, n=len(lines), what=notes.nested(what))
            body = "\n".join(lines[:200]) + ("\n……" if len(lines) > 200 else "")
            rows += email_rows(unit_id, subject, body, case_id=None, now=now)
        bulk_queue(rows)


def sweep(now: datetime | None = None) -> SweepResult:
    """One pass over every running deadline; returns how many cases changed in each phase."""
    now = now or timezone.now()
    result = SweepResult()
    result.overdue = _flip(
        Q(due_at__isnull=False, due_at__lte=now) & ~Q(deadline_state=DeadlineState.OVERDUE),
        DeadlineState.OVERDUE,
        Action.OVERDUE,
        OVERDUE,
        now,
    )
    result.due_soon = _flip(
        Q(deadline_state=DeadlineState.NORMAL, due_soon_at__lte=now, due_at__gt=now),
        DeadlineState.DUE_SOON,
        Action.DUE_SOON,
        DUE_SOON,
        now,
    )
    result.escalated = _escalate_long_overdue(now)
    return result


def _escalate_long_overdue(now: datetime) -> int:
    from fengqiao.cases.actions import auto_escalate

    margin = timedelta(hours=settings.ESCALATE_OVERDUE_AFTER_HOURS)
    overdue = Case.objects.filter(
        deadline_state=DeadlineState.OVERDUE,
        auto_escalated_at__isnull=True,
        due_at__lte=now - margin,
        status__in=OPEN_STATUSES,
    )
    # Oldest first, and an explicit order keeps SQLite on case_escalate_idx instead of walking
    # the default ordering's index (-submitted_at) over every case.
    candidates = overdue.order_by("due_at").values_list("id", flat=True)[:BATCH]
    escalated = 0
    for case_id in list(candidates):
        case = auto_escalate(Case(pk=case_id), note=AUTO_ESCALATED)
        escalated += case.escalations > 0 and case.auto_escalated_at is not None
    return escalated
