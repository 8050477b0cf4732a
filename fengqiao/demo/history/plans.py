"""Plans: the steps a case is meant to go through, drawn before it lives them.

An ordinary case is accepted (or now and then rejected), follows a route drawn from its
category's ``Spec`` (escalate, assign down, dispatch, sometimes to the wrong department first),
is claimed, handled with progress notes and maybe an extension, resolved (late for a few per
cent), verified, closed, visited and rated. On-spot cases only get the visit and the rating,
duplicates are merged into the first report, open work follows its ``Forced`` route. A plan is
only an intention: ``lifecycle`` applies it up to now, and the replayed deadline sweep may cut it
short with an automatic escalation, after which ``after_escalation`` takes over.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from fengqiao.accounts.models import Tier, Unit, UnitKind
from fengqiao.cases.choices import CaseKind, Status
from fengqiao.demo.history import texts
from fengqiao.demo.history.records import Forced, Life, Seed
from fengqiao.demo.history.rhythms import CROWDS, SPECS, hops, weights
from fengqiao.demo.history.world import World

HOUR = 3600.0


class Step(NamedTuple):
    """An intended action and when: ``mode`` "work" or "wall" seconds after the previous step,
    "frac" of the resolve window counted from acceptance, or "at" a moment."""

    action: str
    mode: str
    wait: float = 0.0
    at: datetime | None = None
    arg: Any = None


class Planner:
    """Draws the plan of each case from the shared ``random.Random``."""

    def __init__(self, world: World, *, now: datetime, r: random.Random) -> None:
        self.world, self.now, self.r = world, now, r
        self.justice = world.first_of_kind(UnitKind.JUSTICE)
        self.tribunal = world.first_of_kind(UnitKind.TRIBUNAL)

    def plan(self, life: Life) -> list[Step]:
        """The plan for a case just submitted, by what kind of report it is."""
        seed = life.seed
        if life.case.handled_on_spot:
            return self._tail(late=False, close=False) if self.r.random() < 0.6 else []
        if seed.forced is not None:
            return self._forced(life, seed.forced)
        if seed.duplicate_of is not None and _mergeable(seed.duplicate_of):
            return self._duplicate(seed.duplicate_of)
        return self._ordinary(life)

    def after_escalation(self, life: Life) -> list[Step]:
        """After an automatic escalation the centre above takes the overdue case on itself."""
        r = self.r
        steps = []
        if life.case.status == Status.SUBMITTED:  # escalated before anyone accepted it
            steps.append(Step("accept", "work", r.uniform(0.5, 4) * HOUR))
        steps.append(Step("claim", "work", r.uniform(1, 8) * HOUR))
        steps.append(Step("resolve", "work", r.uniform(6, 40) * HOUR, arg=self._outcome(life)))
        return steps + self._tail(late=True)

    def _note(self, key: str) -> str:
        return texts.note(self.r, key)

    def _outcome(self, life: Life) -> str:
        return texts.outcome(self.r, life.seed, life.case.kind)

    def _progress(self, life: Life) -> str:
        return texts.progress(self.r, life.case.kind)

    def _ordinary(self, life: Life) -> list[Step]:
        """A lifecycle: accept (or reject), the route's hops, handling, closing and after."""
        r, c, spec = self.r, life.case, SPECS[life.seed.code]
        urgent = c.kind in (CaseKind.HAZARD, CaseKind.EMERGENCY)
        if life.holder.kind == UnitKind.CENTRE and not urgent and r.random() < 0.03:
            return [Step("reject", "work", r.expovariate(1 / (2 * HOUR)), arg=self._note("reject"))]
        if r.random() < 0.015 and c.accept_due_at is not None:
            steps = [Step("accept", "at", at=c.accept_due_at + timedelta(hours=r.uniform(0.5, 20)))]
        else:
            steps = [Step("accept", "work", r.expovariate(1 / ((0.5 if urgent else 1.5) * HOUR)))]
        way = r.choices(*weights(spec.routes))[0]
        dispatched = False
        for hop, target in self._chain(life, way):
            if target is None:
                continue
            if hop == "^":
                if r.random() < 0.5:  # the centre tries first
                    steps.append(Step("claim", "work", r.uniform(0.5, 6) * HOUR))
                    steps.append(
                        Step("progress", "work", r.uniform(4, 30) * HOUR, arg=self._progress(life))
                    )
                steps.append(
                    Step("escalate", "work", r.uniform(1, 20) * HOUR, arg=self._note("escalate"))
                )
            elif hop == "v":
                steps.append(
                    Step(
                        "assign_down", "work", r.uniform(1, 8) * HOUR, arg=self._note("assign_down")
                    )
                )
            else:
                wrong = self._wrong_department(target)
                if wrong is not None:
                    steps.append(
                        Step("dispatch", "work", r.uniform(0.3, 6) * HOUR, arg=(wrong, None, ""))
                    )
                    steps.append(
                        Step("return", "work", r.uniform(2, 10) * HOUR, arg=self._note("return"))
                    )
                note = self._note("dispatch")
                steps.append(
                    Step("dispatch", "work", r.uniform(0.3, 6) * HOUR, arg=(target, None, note))
                )
                dispatched = True
        return steps + self._handling(life, dispatched=dispatched, escalated="^" in way)

    def _wrong_department(self, target: Unit) -> Unit | None:
        """Now and then a department is sent work that is not theirs and returns it (退回)."""
        if target.kind != UnitKind.DEPARTMENT or self.r.random() >= 0.03:
            return None
        others = [u for u in self.world.units.values() if u.kind == target.kind and u != target]
        return self.r.choice(others) if others else None

    def _handling(self, life: Life, *, dispatched: bool, escalated: bool) -> list[Step]:
        """Claim, progress notes, maybe an extension, and the resolution: on time mostly, late
        (after the deadline) for a few per cent, more often after escalation or with crowds."""
        r = self.r
        steps = [Step("claim", "work", r.uniform(0.3, 8) * HOUR)]
        late = r.random() < 0.04 + 0.04 * escalated + 0.03 * (life.seed.code in CROWDS)
        finish = 1 + r.expovariate(4) if late else 0.05 + 0.85 * r.betavariate(1.4, 3.0)
        notes = r.choices((0, 1, 2), (45, 40, 15))[0]
        for position in sorted(r.uniform(0.1, 0.9) * finish for _ in range(notes)):
            steps.append(Step("progress", "frac", position, arg=self._progress(life)))
        if dispatched and not late and r.random() < 0.05:
            days, reason = r.choice((5, 10, 15)), self._note("extension")
            steps.append(Step("request_ext", "frac", r.uniform(0.55, 0.85), arg=(days, reason)))
            approve = r.random() < 0.85
            steps.append(Step("decide_ext", "work", r.uniform(2, 12) * HOUR, arg=approve))
            finish = r.uniform(0.75, 0.97) if approve else r.uniform(0.9, 1.0)
        steps.append(Step("resolve", "frac", finish, arg=self._outcome(life)))
        if r.random() < 0.02:
            steps.append(
                Step("verify_fail", "work", r.uniform(1, 8) * HOUR, arg=self._note("verify_fail"))
            )
            steps.append(Step("resolve", "work", r.uniform(4, 24) * HOUR, arg=self._outcome(life)))
        return steps + self._tail(late=late)

    def _tail(self, *, late: bool, close: bool = True) -> list[Step]:
        """Verification (核查结案), the follow-up visit (回访) and the resident's rating (评价)."""
        r, steps = self.r, []
        if close:
            steps.append(Step("close", "work", r.uniform(0.5, 12) * HOUR, arg=self._note("close")))
        if r.random() < 0.88:
            wait = r.uniform(1, 20) if r.random() < 0.93 else r.uniform(36, 70)
            satisfied = r.random() < (0.75 if late else 0.94)
            note = self._note("satisfied" if satisfied else "unsatisfied")
            steps.append(Step("follow_up", "work", wait * HOUR, arg=(satisfied, note)))
        if r.random() < 0.5:
            rating_weights = (55, 25, 20) if late else (82, 13, 5)
            rating = r.choices(("satisfied", "basic", "unsatisfied"), rating_weights)[0]
            comment = r.choice(texts.words(f"comment:{rating}"))
            steps.append(Step("rate", "wall", r.uniform(1, 72) * HOUR, arg=(rating, comment)))
        return steps

    def _duplicate(self, first: Seed) -> list[Step]:
        """Maybe accepted, then merged into the first report's case (合并)."""
        r = self.r
        steps = [Step("accept", "work", r.uniform(0.3, 3) * HOUR)] if r.random() < 0.3 else []
        return [*steps, Step("merge", "work", r.uniform(1, 8) * HOUR, arg=first.life)]

    def _forced(self, life: Life, forced: Forced) -> list[Step]:
        """The open-work steps, at wall-clock gaps that end just before now."""
        if forced.stop == "waiting":
            return []
        gaps = iter(forced.gaps)
        steps = [Step("accept", "wall", next(gaps) * HOUR)]
        for hop, target in self._chain(life, forced.route):
            wait = next(gaps) * HOUR
            if target is None:
                continue
            if hop in ("^", "v"):
                action = "escalate" if hop == "^" else "assign_down"
                steps.append(Step(action, "wall", wait, arg=self._note(action)))
            else:
                due = None if forced.due_in is None else self.now + timedelta(hours=forced.due_in)
                steps.append(
                    Step("dispatch", "wall", wait, arg=(target, due, self._note("dispatch")))
                )
        if forced.stop in ("claimed", "handling", "extension"):
            steps.append(Step("claim", "wall", next(gaps) * HOUR))
            if forced.stop == "extension":
                arg: Any = (10, self._note("extension"))
                steps.append(Step("request_ext", "wall", next(gaps) * HOUR, arg=arg))
            else:
                steps.append(Step("progress", "wall", next(gaps) * HOUR, arg=self._progress(life)))
        return steps

    def _chain(self, life: Life, way: str) -> list[tuple[str, Unit | None]]:
        """The route's hops with the unit each leads to (None where a hop cannot apply)."""
        holder, grid, chain = life.holder, life.grid, []
        for hop in hops(way):
            target: Unit | None = None
            if holder.kind == UnitKind.CENTRE:
                if hop == "^":
                    target = self.world.above(holder, grid)
                elif hop == "v":
                    target = grid.centre if holder.tier == Tier.STREET else None
                else:
                    target = self._handler(hop[1:], life)
            if target is not None and target.pk == holder.pk:
                target = None
            chain.append((hop, target))
            holder = target or holder
        return chain

    def _handler(self, key: str, life: Life) -> Unit | None:
        """The unit a ``>X`` hop dispatches to (see ``rhythms.Spec``)."""
        named = {
            "P": life.grid.police,
            "M": life.grid.committee,
            "J": self.justice,
            "T": self.tribunal,
        }
        if key in named:
            return named[key]
        return self.world.units.get(SPECS[life.seed.code].dept if key == "dept" else key)


def _mergeable(first: Seed) -> bool:
    return first.life is not None and first.life.case.status != Status.REJECTED
