"""What the holder of a tracking code may see of a case (群众查询): the public view.

The status page is built only from these objects, never from a ``Case``, so a template cannot
show what the public must not see: no names, phone numbers, addresses or coordinates, no
description, no actors or units, no internal notes, no attachments. The timeline holds only the
entries marked public; of those, only a refusal, a resolution and a closing keep their note
(the reason or outcome the reporter is owed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fengqiao.cases.choices import Action, Rating, Status
from fengqiao.cases.models import Case

NOTE_ACTIONS = frozenset({Action.REJECT, Action.RESOLVE, Action.CLOSE})
FEEDBACK_STATUSES = frozenset({Status.RESOLVED, Status.CLOSED})


@dataclass(frozen=True)
class PublicEvent:
    label: str
    at: datetime
    note: str


@dataclass(frozen=True)
class PublicCase:
    code: str
    number: str
    category: str
    status: str
    status_label: str
    submitted_at: datetime
    rating_label: str
    timeline: list[PublicEvent]

    @property
    def open_for_feedback(self) -> bool:
        """Resolved or closed and not yet rated: the reporter may rate it or say it is not
        resolved."""
        return self.status in FEEDBACK_STATUSES and not self.rating_label


def find(code: str) -> Case | None:
    """The case with this (normalised) tracking code, or None. One query."""
    if not code:
        return None
    return Case.objects.filter(tracking_code=code).select_related("category__parent").first()


def public_view(case: Case) -> PublicCase:
    """The public view of ``case``; one query for the timeline."""
    events = case.events.filter(public=True).only("case", "action", "created_at", "note", "data")
    return PublicCase(
        code=case.tracking_code,
        number=case.number,
        category=str(case.category),
        status=case.status,
        status_label=str(Status(case.status).label),
        submitted_at=case.submitted_at,
        rating_label=str(Rating(case.rating).label) if case.rating else "",
        timeline=[
            PublicEvent(
                label=str(Action(e.action).label) if e.action in Action.values else e.action,
                at=e.created_at,
                note=e.shown_note if e.action in NOTE_ACTIONS else "",
            )
            for e in events.order_by("created_at", "id")
        ],
    )
