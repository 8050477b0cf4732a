"""What happens to each case, from the report to now: intake, the plan, its steps, the sweep.

``simulate`` draws the reports (``arrivals``) and lives through every case in submission order,
in memory: ``intake`` creates it, ``plans`` draws what it is meant to go through, ``actions``
applies each step at its moment and ``sweep`` replays the deadline sweep in between. The history
is cut at ``now``, so recent cases are still open. The database is only read: the grids'
boundaries, and the routing rules when some are configured.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings

from fengqiao.cases import deadlines
from fengqiao.demo.history.actions import Actions
from fengqiao.demo.history.arrivals import Arrivals
from fengqiao.demo.history.intake import Intake
from fengqiao.demo.history.plans import HOUR, Planner, Step
from fengqiao.demo.history.records import Life, Seed
from fengqiao.demo.history.sweep import Sweep
from fengqiao.demo.history.world import World
from fengqiao.lib.workcal import WorkCalendar


def simulate(world: World, *, now: datetime, seed: int, days: int) -> tuple[list[Life], list[str]]:
    """The lives of the cases of the ``days`` up to ``now``, and the hot spots drawn.

    Deterministic for a seed and a day: one ``random.Random`` and one numpy generator, drawn
    from in a fixed order by the arrivals; each case's life then draws from its own stream
    (``Lifecycle.live``), so the time of day changes only the lives that reach now.
    """
    r = random.Random(seed)  # noqa: S311 - demo data, not secrets
    rng = np.random.default_rng(seed)
    cal, tz = deadlines.calendar(), ZoneInfo(settings.TIME_ZONE)
    arrivals = Arrivals(world, now=now, r=r, rng=rng, cal=cal, tz=tz)
    seeds = arrivals.seeds(days)
    lifecycle = Lifecycle(world, now=now, r=r, cal=cal, tz=tz, seed=seed)
    return lifecycle.live(seeds), arrivals.hot_spots


class Lifecycle:
    """Lives through the cases: each one's plan applied in time order up to now."""

    def __init__(
        self,
        world: World,
        *,
        now: datetime,
        r: random.Random,
        cal: WorkCalendar,
        tz: tzinfo,
        seed: int = 0,
    ) -> None:
        self.now, self.cal, self.r, self.seed = now, cal, r, seed
        self.intake = Intake(world, r=r, tz=tz)
        self.planner = Planner(world, now=now, r=r)
        self.actions = Actions(world, r=r)
        self.sweep = Sweep(world, r=r)

    def live(self, seeds: Sequence[Seed]) -> list[Life]:
        """Every case that a unit can take, in the order of the reports."""
        lives = []
        for seed in seeds:
            # Each case draws from its own stream, keyed by what it is. With one stream for all,
            # a case still open consumed a number of draws that depends on the minute (its steps
            # stop at now) and shifted every later case: the demo's statuses, and with them its
            # alerts, changed with the time of day.
            self.r.seed(f"{self.seed}|{seed.at.isoformat()}|{seed.code}|{seed.grid}|{seed.channel}")
            life = self.intake.start(seed)
            if life is None:
                continue
            seed.life = life
            lives.append(life)
            self._run(life, self.planner.plan(life))
        return lives

    def _run(self, life: Life, plan: list[Step]) -> None:
        """Apply the steps in time order, replaying the sweep in between; stop at now."""
        t, i = life.case.submitted_at, 0
        while True:
            step = plan[i] if i < len(plan) else None
            moment = self._when(life, step, t) if step else self.now
            escalated = self.sweep.replay(life, t, min(moment, self.now))
            if escalated is not None:
                t, i = escalated, 0
                plan = [] if life.seed.forced else self.planner.after_escalation(life)
                continue
            if step is None or moment > self.now:
                break
            self.actions.apply(life, step, moment)
            t, i = moment, i + 1
        life.case.dispatcher_unit = life.dispatcher
        deadlines.set_due(life.case, life.case.due_at, self.now)

    def _when(self, life: Life, step: Step, t: datetime) -> datetime:
        """The moment of a step that follows a change at ``t`` (working time unless "wall")."""
        c = life.case
        if step.mode == "at" and step.at is not None:
            return max(step.at, t)
        if step.mode == "wall":
            return t + timedelta(seconds=step.wait)
        if step.mode == "frac" and c.accepted_at and c.resolve_due_at:
            window = self.cal.working_seconds_between(c.accepted_at, c.resolve_due_at)
            moment = self.cal.add_working_seconds(c.accepted_at, step.wait * window)
            return max(moment, self.cal.add_working_seconds(t, 900))
        return self.cal.add_working_seconds(t, step.wait if step.mode == "work" else HOUR)
