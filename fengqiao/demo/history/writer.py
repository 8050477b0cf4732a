"""Writing the simulated history to the database in one transaction, in bulk.

Numbers (FQ-YYYYMMDD-NNNNN) continue after any already used that day, and the daily counters
(CaseNumber) are moved past them so that ``cases.intake.submit`` carries on; tracking codes come
from ``cases.intake`` and are random, so they differ between runs. Cost: a query for the
counters, then ``bulk_create`` of about 9 rows per case, most of the generation's time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from fengqiao.cases.choices import OPEN_STATUSES
from fengqiao.cases.intake import new_tracking_code
from fengqiao.cases.models import Case, CaseEvent, CaseNumber, ExtensionRequest, Party, Supervision
from fengqiao.demo.history.records import Event, Life


@dataclass
class CaseSummary:
    """What ``generate_cases`` wrote, for the ``demo`` command to print."""

    cases: int = 0
    open: int = 0
    events: int = 0
    supervisions: int = 0
    extension_requests: int = 0
    parties: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_resolved_tier: dict[str, int] = field(default_factory=dict)
    deadline_states: dict[str, int] = field(default_factory=dict)
    hot_spots: list[str] = field(default_factory=list)
    seconds: float = 0.0


def write(lives: list[Life]) -> CaseSummary:
    """Write the cases, their merges, extension requests, supervisions, parties and timelines;
    a summary of what was written (without the hot spots and the time taken)."""
    with transaction.atomic():
        _number(lives)
        Case.objects.bulk_create([life.case for life in lives], batch_size=500)
        merged = []
        for life in lives:
            if life.merge_into is not None:
                life.case.merged_into = life.merge_into.case
                merged.append(life.case)
        Case.objects.bulk_update(merged, ["merged_into"], batch_size=500)
        requests = [r for life in lives for r in life.requests]
        ExtensionRequest.objects.bulk_create(requests, batch_size=500)
        supervisions = [s for life in lives for s in life.supervisions]
        Supervision.objects.bulk_create(supervisions, batch_size=500)
        parties = [p for life in lives for p in life.parties]
        Party.objects.bulk_create(parties, batch_size=500)
        events = [
            _case_event(life.case.pk, e) for life in lives for e in sorted(life.events, key=_at)
        ]
        CaseEvent.objects.bulk_create(events, batch_size=1000)
    cases = [life.case for life in lives]
    open_cases = [c for c in cases if c.status in OPEN_STATUSES]
    return CaseSummary(
        cases=len(cases),
        open=len(open_cases),
        events=len(events),
        supervisions=len(supervisions),
        extension_requests=len(requests),
        parties=len(parties),
        by_status=dict(Counter(c.status for c in cases).most_common()),
        by_resolved_tier=dict(Counter(c.resolved_tier for c in cases if c.resolved_tier)),
        deadline_states=dict(Counter(c.deadline_state for c in open_cases)),
    )


def _at(event: Event) -> datetime:
    return event.at


def _case_event(case_id: int, e: Event) -> CaseEvent:
    """The row for a simulated entry; references to requests and cases become ids and numbers."""
    return CaseEvent(
        case_id=case_id,
        created_at=e.at,
        action=e.action,
        actor_id=e.actor_id,
        actor_unit_id=e.actor_unit_id,
        from_status=e.from_status,
        to_status=e.to_status,
        from_unit_id=e.from_unit_id,
        to_unit_id=e.to_unit_id,
        note=e.note,
        data={k: _reference(v) for k, v in e.data.items()},
        public=e.public,
    )


def _reference(value: Any) -> Any:
    if isinstance(value, ExtensionRequest):
        return value.pk
    if isinstance(value, Life):
        return value.case.number
    return value


def _number(lives: list[Life]) -> None:
    """FQ-YYYYMMDD-NNNNN by local day of submission, after any number already used that day;
    the counters are then set to the last number used. Tracking codes from ``intake``."""
    days = [timezone.localdate(life.case.submitted_at) for life in lives]
    if not days:
        return
    used = CaseNumber.objects.filter(day__gte=min(days), day__lte=max(days))
    existing = dict(used.values_list("day", "last"))
    counts: Counter[date] = Counter()
    codes: set[str] = set()
    for life, day in zip(lives, days, strict=True):
        counts[day] += 1
        life.case.number = f"FQ-{day:%Y%m%d}-{existing.get(day, 0) + counts[day]:05d}"
        code = new_tracking_code()
        while code in codes:
            code = new_tracking_code()
        codes.add(code)
        life.case.tracking_code = code
    CaseNumber.objects.bulk_create(
        [CaseNumber(day=day, last=existing.get(day, 0) + n) for day, n in counts.items()],
        batch_size=500,
        update_conflicts=True,
        unique_fields=["day"],
        update_fields=["last"],
    )
