"""The deadline sweep (``cases.sweep``) replayed over one case's history.

Between two steps of a case the real sweep would have run every minute: marked the case due
soon and then overdue, had the centre above issue supervision cards (督办) on some overdue cases,
and escalated a case automatically ESCALATE_OVERDUE_AFTER_HOURS after its deadline. ``Sweep``
writes those entries at the moments the sweep would have, so each timeline is what the real
system would have recorded.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.conf import settings

from fengqiao.cases.choices import OPEN_STATUSES, Action, Card, DeadlineState, Status
from fengqiao.cases.models import Supervision
from fengqiao.cases.sweep import AUTO_ESCALATED
from fengqiao.core import notes
from fengqiao.demo.history import texts
from fengqiao.demo.history.records import Life
from fengqiao.demo.history.world import World

SWEEP_LAG = timedelta(seconds=30)  # the deadline sweep runs every minute


class Sweep:
    """Replays the sweep for a case; draws the supervision cards from the shared random."""

    def __init__(self, world: World, *, r: random.Random) -> None:
        self.world, self.r = world, r
        self.escalate_after = timedelta(hours=settings.ESCALATE_OVERDUE_AFTER_HOURS)

    def replay(self, life: Life, since: datetime, until: datetime) -> datetime | None:
        """The deadline sweep between the last change (``since``) and ``until``: due-soon and
        overdue marks, supervision cards on some overdue cases, automatic escalation; returns
        the moment the case moved up a tier."""
        c = life.case
        while c.due_at is not None and c.due_soon_at is not None:
            soon, due = max(c.due_soon_at, since) + SWEEP_LAG, max(c.due_at, since) + SWEEP_LAG
            escalation = max(c.due_at + self.escalate_after, since) + SWEEP_LAG
            if c.deadline_state == DeadlineState.NORMAL and soon < until:
                c.deadline_state = DeadlineState.DUE_SOON
                life.event(soon, Action.DUE_SOON, None, None, c.status, life.holder)
            elif c.deadline_state != DeadlineState.OVERDUE and due < until:
                c.deadline_state = DeadlineState.OVERDUE
                life.event(due, Action.OVERDUE, None, None, c.status, life.holder)
                if c.status in OPEN_STATUSES:
                    self._supervise(life, due, min(until, escalation))
            elif (
                c.deadline_state == DeadlineState.OVERDUE
                and c.status in OPEN_STATUSES
                and c.auto_escalated_at is None
                and escalation < until
            ):
                return self._auto_escalate(life, escalation)
            else:
                break
        return None

    def _auto_escalate(self, life: Life, at: datetime) -> datetime | None:
        c, target = life.case, self.world.above(life.holder, life.grid)
        c.auto_escalated_at = at
        if target is None:  # already at the top: only marked, the handler carries on
            return None
        before, from_unit = c.status, life.holder
        # As cases.actions does: a case never accepted is to be accepted above.
        life.move(target, Status.SUBMITTED if before == Status.SUBMITTED else Status.ACCEPTED, at)
        life.dispatcher = None
        c.escalations += 1
        # As the real sweep writes it: Chinese, with the template for other languages.
        note, data = notes.stored(AUTO_ESCALATED, {"automatic": True})
        life.event(at, Action.ESCALATE, None, None, before, from_unit, note=note, data=data)
        return at

    def _supervise(self, life: Life, overdue: datetime, until: datetime) -> None:
        """督办 by the centre above the handling unit: a yellow card, sometimes a red one."""
        by_unit, c, r = self.world.above(life.holder, life.grid), life.case, self.r
        if by_unit is None or r.random() >= 0.4:
            return
        at = overdue + timedelta(hours=r.uniform(2, 40))
        for card in (Card.YELLOW, Card.RED):
            if at >= until:
                return
            by = self.world.actor(by_unit, life.grid, r, leader=r.random() < 0.5)
            note = texts.note(r, card)
            fields = {
                "by_unit": by_unit,
                "target_unit": life.holder,
                "by_user_id": by,
                "note": note,
            }
            life.supervisions.append(Supervision(case=c, card=card, created_at=at, **fields))
            life.event(
                at,
                Action.SUPERVISE,
                by,
                by_unit,
                c.status,
                life.holder,
                note=note,
                data={"card": card},
            )
            if r.random() >= 0.3:
                return
            at += timedelta(hours=r.uniform(24, 60))
