"""The effects of each step of a plan on the simulated case, as ``cases.actions`` has them.

Each method of ``Actions`` changes the unsaved case the way the action of the same name in
``cases.actions`` does (status, holder, deadlines, outcome, rating...) and appends the timeline
entry ``cases.actions.record`` would write, stamped with the step's moment instead of
``timezone.now()``. The person acting for a unit is drawn from the shared ``random.Random``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fengqiao.accounts.models import Unit
from fengqiao.cases import deadlines
from fengqiao.cases.choices import Action, Status
from fengqiao.cases.models import ExtensionRequest
from fengqiao.demo.history import texts
from fengqiao.demo.history.plans import Step
from fengqiao.demo.history.records import Life
from fengqiao.demo.history.world import World


class Actions:
    """Applies a step to a case at a moment: ``apply(life, step, t)``."""

    def __init__(self, world: World, *, r: random.Random) -> None:
        self.world, self.r = world, r
        self._effects: dict[str, Callable[[Life, Step, datetime], None]] = {
            "accept": self._accept,
            "reject": self._reject,
            "dispatch": self._dispatch,
            "claim": self._claim,
            "progress": self._progress,
            "escalate": self._escalate,
            "assign_down": self._assign_down,
            "return": self._return,
            "request_ext": self._request_ext,
            "decide_ext": self._decide_ext,
            "resolve": self._resolve,
            "verify_fail": self._verify_fail,
            "close": self._close,
            "follow_up": self._follow_up,
            "rate": self._rate,
            "merge": self._merge,
        }

    def apply(self, life: Life, step: Step, t: datetime) -> None:
        self._effects[step.action](life, step, t)

    def _log(
        self,
        life: Life,
        t: datetime,
        action: str,
        unit: Unit,
        before: str,
        *,
        from_unit: Unit | None = None,
        note: str = "",
        data: dict[str, Any] | None = None,
    ) -> None:
        """An entry for an action taken by a person of ``unit`` (by default the holder)."""
        by = self.world.actor(unit, life.grid, self.r)
        life.event(t, action, by, unit, before, from_unit or unit, note=note, data=data)

    def _accept(self, life: Life, step: Step, t: datetime) -> None:
        c, category = life.case, life.case.category
        c.status, c.accepted_at = Status.ACCEPTED, t
        if c.resolve_due_at is None:
            c.resolve_due_at = deadlines.deadline(t, category.resolve_within, category.resolve_unit)
        deadlines.set_due(c, c.resolve_due_at, t)
        self._log(life, t, Action.ACCEPT, life.holder, Status.SUBMITTED)

    def _reject(self, life: Life, step: Step, t: datetime) -> None:
        c = life.case
        c.status, c.reject_reason = Status.REJECTED, step.arg
        deadlines.set_due(c, None, t)
        self._log(life, t, Action.REJECT, life.holder, Status.SUBMITTED, note=step.arg)

    def _dispatch(self, life: Life, step: Step, t: datetime) -> None:
        c, centre, (to, due, note) = life.case, life.holder, step.arg
        c.resolve_due_at = due or c.resolve_due_at
        life.move(to, Status.DISPATCHED)
        life.dispatcher = centre
        deadlines.set_due(c, c.resolve_due_at, t)
        data = {"due_at": c.resolve_due_at.isoformat() if c.resolve_due_at else None}
        self._log(life, t, Action.DISPATCH, centre, Status.ACCEPTED, note=note, data=data)

    def _claim(self, life: Life, step: Step, t: datetime) -> None:
        before = life.case.status
        if before == Status.ACCEPTED:
            life.dispatcher = life.holder  # the centre handles it itself and verifies its own work
        life.case.status = Status.IN_PROGRESS
        self._log(life, t, Action.CLAIM, life.holder, before)

    def _progress(self, life: Life, step: Step, t: datetime) -> None:
        self._log(life, t, Action.PROGRESS, life.holder, life.case.status, note=step.arg)

    def _hand_over(self, life: Life, t: datetime, action: str, to: Unit | None, note: str) -> None:
        """Escalate (上报), assign down (下派) or return (退回): the case waits at ``to``."""
        c, unit, before = life.case, life.holder, life.case.status
        if to is None:
            return
        life.move(to, Status.ACCEPTED, t)
        life.dispatcher = None
        c.escalations += action == Action.ESCALATE
        data = {"automatic": False} if action == Action.ESCALATE else None
        self._log(life, t, action, unit, before, note=note, data=data)

    def _escalate(self, life: Life, step: Step, t: datetime) -> None:
        to = self.world.above(life.holder, life.grid)
        self._hand_over(life, t, Action.ESCALATE, to, step.arg)

    def _assign_down(self, life: Life, step: Step, t: datetime) -> None:
        self._hand_over(life, t, Action.ASSIGN_DOWN, life.grid.centre, step.arg)

    def _return(self, life: Life, step: Step, t: datetime) -> None:
        self._hand_over(life, t, Action.RETURN, life.dispatcher, step.arg)

    def _request_ext(self, life: Life, step: Step, t: datetime) -> None:
        (days, reason), unit = step.arg, life.holder
        by = self.world.actor(unit, life.grid, self.r)
        fields = {"requested_by_id": by, "unit": unit, "days": days, "reason": reason}
        request = ExtensionRequest(case=life.case, created_at=t, **fields)
        life.requests.append(request)
        data = {"days": days, "request": request}
        life.event(
            t, Action.REQUEST_EXTENSION, by, unit, life.case.status, unit, note=reason, data=data
        )

    def _decide_ext(self, life: Life, step: Step, t: datetime) -> None:
        c, request = life.case, life.requests[-1]
        centre = life.dispatcher or life.holder
        by = self.world.actor(centre, life.grid, self.r)
        request.state = (
            ExtensionRequest.State.APPROVED if step.arg else ExtensionRequest.State.DENIED
        )
        request.decided_by_id, request.decided_at = by, t
        if step.arg:
            c.resolve_due_at = deadlines.deadline(
                max(c.resolve_due_at or t, t), request.days, "days"
            )
            deadlines.set_due(c, c.resolve_due_at, t)
        action = Action.APPROVE_EXTENSION if step.arg else Action.DENY_EXTENSION
        life.event(t, action, by, centre, c.status, life.holder, data={"request": request})

    def _resolve(self, life: Life, step: Step, t: datetime) -> None:
        c, unit = life.case, life.holder
        c.status, c.outcome, c.resolved_at = Status.RESOLVED, step.arg, t
        c.resolved_tier, c.resolved_unit = unit.tier, unit
        deadlines.set_due(c, None, t)
        life.lapse_requests(t)
        self._log(life, t, Action.RESOLVE, unit, Status.IN_PROGRESS, note=step.arg)

    def _verify_fail(self, life: Life, step: Step, t: datetime) -> None:
        c, centre = life.case, life.dispatcher or life.holder
        c.status, c.resolved_at, c.resolved_tier, c.resolved_unit = (
            Status.IN_PROGRESS,
            None,
            "",
            None,
        )
        deadlines.set_due(c, c.resolve_due_at, t)
        self._log(
            life,
            t,
            Action.VERIFY_FAIL,
            centre,
            Status.RESOLVED,
            from_unit=life.holder,
            note=step.arg,
        )

    def _close(self, life: Life, step: Step, t: datetime) -> None:
        c, centre, category = life.case, life.dispatcher or life.holder, life.case.category
        c.status, c.closed_at = Status.CLOSED, t
        c.follow_up_due_at = deadlines.deadline(
            t, category.follow_up_within, category.follow_up_unit
        )
        deadlines.set_due(c, c.follow_up_due_at, t)
        self._log(
            life, t, Action.CLOSE, centre, Status.RESOLVED, from_unit=life.holder, note=step.arg
        )

    def _follow_up(self, life: Life, step: Step, t: datetime) -> None:
        c, centre, (satisfied, note) = life.case, life.dispatcher or life.holder, step.arg
        c.followed_up_at, c.follow_up_satisfied, c.follow_up_note = t, satisfied, note
        deadlines.set_due(c, None, t)
        self._log(
            life, t, Action.FOLLOW_UP, centre, c.status, note=note, data={"satisfied": satisfied}
        )

    def _rate(self, life: Life, step: Step, t: datetime) -> None:
        c = life.case
        (c.rating, c.rating_comment), c.rated_at = step.arg, t
        data = {"rating": c.rating}
        life.event(
            t, Action.RATE, None, None, c.status, life.holder, note=c.rating_comment, data=data
        )

    def _merge(self, life: Life, step: Step, t: datetime) -> None:
        """合并 into the first report's case, which gets a ``merged_in`` entry of its own."""
        c, unit, into, before = life.case, life.holder, step.arg, life.case.status
        c.status, life.merge_into = Status.MERGED, into
        deadlines.set_due(c, None, t)
        life.lapse_requests(t)
        by, note = self.world.actor(unit, life.grid, self.r), texts.note(self.r, "merge")
        life.event(t, Action.MERGE, by, unit, before, unit, note=note, data={"into": into})
        into.merged_in(t, by, unit, note, duplicate=life)
