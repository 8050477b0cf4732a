"""Open work for today: cases made on purpose so that every demo login finds something to do.

Every community and street centre, department, police station, mediation committee, the tribunal
and the justice office gets open cases in varied states (waiting, accepted, claimed, dispatched,
handling, an extension request); dispatched ones carry deadlines that have passed, fall due
within a day, or are further away. Each is a ``Seed`` with a ``Forced`` route whose wall-clock
gaps end just before now; ``plans.Planner.forced`` turns it into steps.
"""

from __future__ import annotations

import itertools
import random
from datetime import datetime, timedelta

from fengqiao.accounts.models import Tier
from fengqiao.demo.history.records import Forced, Seed
from fengqiao.demo.history.rhythms import CHANNELS, DEPARTMENT_WORK, SPECS, hops, weights
from fengqiao.demo.history.world import World

# (grid index, category code, where it stops, route)
Work = tuple[int, str, str, str]


def open_work(world: World, *, r: random.Random, now: datetime) -> list[Seed]:
    """The open cases of today, as reports whose lifecycles stop before now."""
    dues = itertools.cycle((-30.0, 6.0, 20.0, 72.0, 170.0, -8.0, 44.0, 280.0))
    seeds = []
    for work in _centre_work(world, r) + _unit_work(world, r):
        _, _, stop, way = work
        age = r.choice((0.0, 2.0, 5.0, 9.0)) if stop == "claimed" else 0.0
        due_in = next(dues) if ">" in way else None
        seed = _forced(world, r, now, work, due_in=due_in, age=age)
        seeds += [seed] if seed is not None else []
    return seeds


def _centre_work(world: World, r: random.Random) -> list[Work]:
    """Per community: waiting, accepted, in hand and sent to the police station (some in the
    first grid, whose grid worker is a printed login); per street: escalated, waiting, with
    the mediation committee and in hand."""
    pick = r.choice
    communities: dict[int, list[int]] = {}
    streets: dict[int, list[int]] = {}
    for i, g in enumerate(world.grids):
        communities.setdefault(g.community.pk, []).append(i)
        streets.setdefault(g.street_centre.pk, []).append(i)
    wanted = []
    for grids in communities.values():
        first = grids[0]
        wanted += [
            (first, pick(("dispute-neighbour", "request-noise", "hazard-fire")), "waiting", ""),
            (pick(grids), pick(("dispute-family", "request-facilities")), "accepted", ""),
            (first, pick(("dispute-neighbour", "request-environment")), "claimed", ""),
            (pick(grids), pick(("dispute-neighbour", "request-noise")), "dispatched", ">P"),
        ]
    for grids in streets.values():
        villages = [i for i in grids if world.grids[i].village]
        land = "dispute-land" if villages else "request-construction"
        wanted += [
            (pick(grids), "dispute-neighbour", "accepted", "^"),
            (pick(grids), "dispute-wages", "waiting", ""),
            (pick(grids), "dispute-wages", "handling", ">M"),
            (pick(villages or grids), land, "claimed", ""),
        ]
    return wanted


def _unit_work(world: World, r: random.Random) -> list[Work]:
    """The district centre, the tribunal, the justice office and each department."""
    pick = r.choice
    urban = [i for i, g in enumerate(world.grids) if not g.village] or list(range(len(world.grids)))
    rural = [i for i, g in enumerate(world.grids) if g.village] or urban
    wanted = [
        (pick(urban), "dispute-property", "accepted", "^^"),
        (pick(urban), "dispute-neighbour", "accepted", "^^"),
        (pick(urban), "dispute-debt", "handling", "^>T"),
        (pick(rural), "dispute-family", "dispatched", "^^>J"),
    ]
    # Extension requests wait for the first street's centre (the printed street login).
    first_street = [
        i for i in urban if world.grids[i].street_centre == world.grids[0].street_centre
    ]
    for dept, code in DEPARTMENT_WORK:
        category = world.categories.get(code)
        way = (">" if category and category.default_tier == Tier.STREET else "^>") + dept
        where = rural if SPECS[code].where == "rural" else urban
        wanted += [(pick(where), code, stop, way) for stop in ("dispatched", "handling")]
        if dept in ("dept-renshe", "dept-zhujian"):
            wanted.append((pick(first_street or where), code, "extension", way))
    return wanted


def _forced(
    world: World, r: random.Random, now: datetime, work: Work, *, due_in: float | None, age: float
) -> Seed | None:
    """The report of one piece of open work, with the wall-clock gaps of its steps; ``age``
    days more in hand for some claimed cases, ``due_in`` hours to the dispatch's deadline."""
    grid, code, stop, way = work
    if code not in world.categories:
        return None
    u, route = r.uniform, hops(way)
    gaps = [] if stop == "waiting" else [u(0.3, 3)]
    gaps += [u(3, 40) if h == "^" else u(1, 8) if h == "v" else u(0.5, 5) for h in route]
    if stop in ("claimed", "handling", "extension"):
        gaps += [u(1, 12), u(24, 90) if stop == "extension" else u(4, 60) + 24 * age]
    gaps.append(u(0.3, 6) if stop == "waiting" else u(0.5, 30))
    if due_in is not None:  # the dispatch comes at least two hours before its deadline
        gaps[-1] += max(2 - due_in - sum(gaps[1 + len(route) :]), 0)
    channels, channel_weights = weights(CHANNELS[world.categories[code].kind])
    at = now - timedelta(hours=sum(gaps))
    forced = Forced(stop, way, tuple(gaps), due_in)
    return Seed(at, code, grid, r.choices(channels, channel_weights)[0], forced=forced)
