"""What the history is made of: the reports (``Seed``), the case each one becomes while it is
simulated (``Life``) and the entries of its timeline (``Event``).

A ``Life`` holds the unsaved ``Case`` and the rows to write with it; the timeline is kept as
tuples until ``writer`` turns them into ``CaseEvent`` rows, because references to extension
requests and merged cases only get their ids and numbers when written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from fengqiao.accounts.models import Unit
from fengqiao.cases.choices import Action
from fengqiao.cases.models import Case, ExtensionRequest, Party, Supervision
from fengqiao.demo.history.rhythms import HotSpot
from fengqiao.demo.history.world import Grid

# Timeline entries residents see, as cases.actions marks them.
PUBLIC = frozenset(
    {
        Action.SUBMIT,
        Action.ACCEPT,
        Action.REJECT,
        Action.DISPATCH,
        Action.CLAIM,
        Action.ESCALATE,
        Action.ASSIGN_DOWN,
        Action.RESOLVE,
        Action.CLOSE,
        Action.RATE,
        Action.MERGE,
        Action.HANDLE_ON_SPOT,
    }
)


@dataclass(frozen=True)
class Forced:
    """Open work made on purpose: the route so far, where it stops, and the wall-clock hours
    before each step and then up to now."""

    stop: str  # waiting, accepted, claimed, dispatched, handling, extension
    route: str
    gaps: tuple[float, ...]
    due_in: float | None = None  # the dispatching centre's own deadline, hours from now


@dataclass(eq=False)
class Seed:
    """One report: when, what, where; filled in as the simulation goes."""

    at: datetime
    code: str
    grid: int
    channel: str
    hot: HotSpot | None = None
    origin: Seed | None = None  # the first report of a dispute that flared up again
    duplicate_of: Seed | None = None
    forced: Forced | None = None
    point: tuple[float, float] = (0.0, 0.0)
    slots: dict[str, str] = field(default_factory=dict)
    pair: int = -1
    life: Life | None = None


class Event(NamedTuple):
    """A timeline entry as ``cases.actions.record`` writes it, after the change; ``data`` may
    hold an ``ExtensionRequest`` or a ``Life``, written as its id or its case's number."""

    at: datetime
    action: str
    actor_id: int | None
    actor_unit_id: int | None
    from_status: str
    to_status: str
    from_unit_id: int | None
    to_unit_id: int
    note: str
    data: dict[str, Any]
    public: bool


class Life:
    """One case being simulated: the unsaved ``Case`` and the rows to write with it."""

    __slots__ = (
        "case",
        "dispatcher",
        "events",
        "grid",
        "holder",
        "merge_into",
        "parties",
        "requests",
        "seed",
        "supervisions",
    )

    def __init__(self, case: Case, seed: Seed, grid: Grid, holder: Unit) -> None:
        self.case, self.seed, self.grid, self.holder = case, seed, grid, holder
        self.dispatcher: Unit | None = None
        self.events: list[Event] = []
        self.requests: list[ExtensionRequest] = []
        self.supervisions: list[Supervision] = []
        self.parties: list[Party] = []
        self.merge_into: Life | None = None

    def event(
        self,
        at: datetime,
        action: str,
        by: int | None,
        unit: Unit | None,
        before: str,
        from_unit: Unit | None,
        *,
        note: str = "",
        data: dict[str, Any] | None = None,
    ) -> None:
        """Append a timeline entry for a change already made (status and holder as they are)."""
        unit_id, from_id = unit.pk if unit else None, from_unit.pk if from_unit else None
        self.events.append(
            Event(
                at,
                action,
                by,
                unit_id,
                before,
                self.case.status,
                from_id,
                self.holder.pk,
                note,
                data or {},
                action in PUBLIC,
            )
        )

    def merged_in(
        self, at: datetime, by: int | None, unit: Unit, note: str, *, duplicate: Life
    ) -> None:
        """The entry on this case when ``duplicate`` is merged into it: status and holder as
        they were at ``at`` (its timeline may already run past it), not shown to residents."""
        status, held = self.state_at(at)
        data: dict[str, Any] = {"duplicate": duplicate}
        entry = (at, Action.MERGED_IN, by, unit.pk, status, status, held, held, note, data, False)
        self.events.append(Event(*entry))

    def move(self, unit: Unit, status: str, at: datetime | None = None) -> None:
        """The case is now held by ``unit`` in ``status`` (from ``at``: a pending extension
        request of the unit it leaves lapses, as ``cases.actions`` does)."""
        if at is not None and unit is not self.holder:
            self.lapse_requests(at)
        self.holder = unit
        self.case.current_unit, self.case.current_tier, self.case.status = unit, unit.tier, status

    def lapse_requests(self, at: datetime) -> None:
        """Pending extension requests lapse (已失效): the case was resolved, merged or moved."""
        for request in self.requests:
            if request.state == ExtensionRequest.State.PENDING:
                request.state, request.decided_at = ExtensionRequest.State.LAPSED, at

    def state_at(self, moment: datetime) -> tuple[str, int]:
        """Status and holding unit id at ``moment``, from the timeline so far."""
        found = self.events[0]
        for event in self.events:
            if event.at <= moment:
                found = event
        return found.to_status, found.to_unit_id
