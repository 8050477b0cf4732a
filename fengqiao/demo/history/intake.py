"""A report becomes a case, as ``cases.intake.submit`` creates it.

``Intake.start`` routes the report, writes its text and contact, records who entered it and its
parties (当事人), and either leaves it waiting for acceptance with its first timeline entry or,
for some grid workers' reports, closes it on the spot (即时处置).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, tzinfo

from fengqiao.accounts.models import Tier, Unit
from fengqiao.cases import deadlines
from fengqiao.cases.choices import Action, CaseKind, Status
from fengqiao.cases.models import Case, Party
from fengqiao.demo.history import texts
from fengqiao.demo.history.records import Life, Seed
from fengqiao.demo.history.rhythms import SPECS
from fengqiao.demo.history.world import Grid, World


class Intake:
    """Starts the life of each case; draws from the shared ``random.Random``."""

    def __init__(self, world: World, *, r: random.Random, tz: tzinfo) -> None:
        self.world, self.r, self.tz = world, r, tz

    def start(self, seed: Seed) -> Life | None:
        """The case with its first timeline entry; None when no unit can take it."""
        grid, category = self.world.grids[seed.grid], self.world.categories[seed.code]
        holder = self.world.route(category, grid)
        if holder is None:
            return None
        seed.slots = texts.slots(self.r, seed, grid)
        title, description, people = texts.text(self.r, seed, category.kind, self.tz)
        name, phone, anonymous = texts.reporter(self.r, seed)
        by = self._submitter(seed, grid, holder)
        on_spot = (
            seed.channel == "grid_worker"
            and seed.forced is None
            and seed.duplicate_of is None
            and grid.worker is not None
            and self.r.random() < SPECS[seed.code].on_spot
        )
        case = Case(
            kind=category.kind,
            category=category,
            title=title,
            description=description,
            occurred_at=self._occurred(seed, category.kind),
            lon=seed.point[0],
            lat=seed.point[1],
            address=seed.slots["addr"],
            region=grid.region,
            region_path=grid.region.path,
            channel=seed.channel,
            reporter_id=None if anonymous else by,
            anonymous=anonymous,
            reporter_name=name,
            reporter_phone=phone,
            people_involved=people,
            priority="urgent" if people >= 30 else category.priority,
            submitted_at=seed.at,
        )
        life = Life(case, seed, grid, grid.centre if on_spot else holder)
        life.move(life.holder, Status.SUBMITTED)
        self._parties(life)
        if on_spot:
            self._handle_on_spot(life, by)
            return life
        case.accept_due_at = deadlines.deadline(
            seed.at, category.accept_within, category.accept_unit
        )
        deadlines.set_due(case, case.accept_due_at, seed.at)
        life.event(seed.at, Action.SUBMIT, by, None, "", None, data={"channel": seed.channel})
        return life

    def _submitter(self, seed: Seed, grid: Grid, holder: Unit) -> int | None:
        """Who entered the report: the grid worker, or the operator taking a call or a visit."""
        if seed.channel == "grid_worker":
            return grid.worker
        if seed.channel in ("hotline", "import"):
            return self.world.actor(self.world.district_centre, grid, self.r)
        return self.world.actor(holder, grid, self.r) if seed.channel == "walk_in" else None

    def _occurred(self, seed: Seed, kind: str) -> datetime:
        """When it happened: just before a patrol's or a hazard's report, weeks before a wage
        dispute's, a day or so before other reports."""
        r = self.r
        if seed.channel == "grid_worker" or kind in (CaseKind.HAZARD, CaseKind.EMERGENCY):
            hours = r.uniform(0, 3)
        elif seed.code == "dispute-wages":
            hours = r.uniform(24, 30 * 24)
        else:
            hours = min(r.expovariate(1 / (30 if kind == CaseKind.DISPUTE else 12)), 480)
        return seed.at - timedelta(hours=hours)

    def _handle_on_spot(self, life: Life, by: int | None) -> None:
        """即时处置 as ``cases.intake`` records it: closed at grid tier on submission."""
        c, unit, t = life.case, life.holder, life.case.submitted_at
        c.handled_on_spot, c.status = True, Status.CLOSED
        c.outcome = self.r.choice(
            texts.words(f"on_spot:{c.kind}") or texts.words("on_spot:request")
        )
        c.accepted_at = c.resolved_at = c.closed_at = t
        c.resolved_tier, c.resolved_unit, life.dispatcher = Tier.GRID, unit, unit
        life.event(t, Action.SUBMIT, by, unit, "", None, data={"channel": c.channel})
        life.event(t, Action.HANDLE_ON_SPOT, by, unit, Status.SUBMITTED, unit, note=c.outcome)

    def _parties(self, life: Life) -> None:
        """当事人 of a dispute: the reporter's side and the other side; kept on repeats."""
        c, seed = life.case, life.seed
        if c.kind != CaseKind.DISPUTE:
            return
        if seed.origin is not None and seed.origin.life is not None:
            for p in seed.origin.life.parties:
                fields = {"role": p.role, "party_type": p.party_type, "name": p.name}
                life.parties.append(Party(case=c, phone=p.phone, address=p.address, **fields))
            return
        named = len(c.reporter_name) in (2, 3) and c.reporter_name[-1] not in "士生傅姨爷"
        applicant = c.reporter_name if named else texts.full_name(self.r, seed.slots["surname"])
        phone = c.reporter_phone or f"1380000{self.r.randrange(10000):04d}"
        life.parties.append(
            Party(case=c, role=Party.Role.APPLICANT, name=applicant, phone=phone, address=c.address)
        )
        kind = Party.Type.ORGANISATION
        if (
            seed.code in ("dispute-wages", "dispute-debt", "dispute-consumer")
            and self.r.random() < 0.7
        ):
            other = seed.slots["org"]
        elif seed.code == "dispute-property":
            other = f"{seed.slots['site']}物业服务中心"
        else:
            other, kind = texts.full_name(self.r), Party.Type.PERSON
        life.parties.append(Party(case=c, role=Party.Role.RESPONDENT, party_type=kind, name=other))
