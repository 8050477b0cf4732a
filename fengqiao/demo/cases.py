"""Two years of demo cases (演示事件) for the demo district, generated in bulk.

What: about 20,000 cases ending at ``now`` with a weekly rhythm (busy Mondays, quiet weekends and
holidays), seasons (wage arrears before the Spring Festival, noise and building sites in summer,
fire hazards in winter, landslides in the rainy season), a few hot spots, repeat disputes at the
same address and duplicate reports that get merged. Each case lives through a lifecycle with the
rules of ``cases.actions`` (accept, reject, dispatch, claim, escalate, assign down, return,
extension, resolve, verify, close, follow-up visit, rating, merge); between the steps the deadline
sweep is replayed (due-soon and overdue marks, supervision cards, automatic escalation after
ESCALATE_OVERDUE_AFTER_HOURS), so each timeline is what the real system would have written. The
history is cut at ``now``: recent cases are still open, and open work is added for every centre,
department, police station, committee, the tribunal and the justice office.

Why not the real actions: they stamp ``timezone.now()`` and cost several queries each (minutes
for the history); the lifecycles are simulated in memory and written with ``bulk_create``.

Everything is synthetic: people appear as 王某 or 王女士, phone numbers are 1380000xxxx, companies
are 某建筑劳务公司, places come from the invented demo district. Deterministic for a seed, except
the tracking codes, which must stay unguessable. Nothing here reads ``../shared``.

Cost: a few queries to read the district, then bulk inserts (about 9 rows per case); about
20 seconds for two years on SQLite or PostgreSQL, two thirds of it in ``bulk_create``.
"""

from __future__ import annotations

import functools
import itertools
import math
import random
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import numpy as np
import shapely
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from fengqiao.accounts.models import Membership, Role, Tier, Unit, UnitKind
from fengqiao.cases import deadlines
from fengqiao.cases.choices import OPEN_STATUSES, Action, Card, CaseKind, DeadlineState, Status
from fengqiao.cases.intake import new_tracking_code
from fengqiao.cases.models import (
    Case,
    CaseEvent,
    CaseNumber,
    Category,
    ExtensionRequest,
    Party,
    RoutingRule,
    Supervision,
)
from fengqiao.cases.routing import TIER_ORDER, ancestor_paths, route
from fengqiao.regions.actions import boundary_of
from fengqiao.regions.models import Level, Region

HOUR = 3600.0
SWEEP_LAG = timedelta(seconds=30)  # the deadline sweep runs every minute
CASES_PER_DAY = 26.0  # before repeats, duplicates, hot spots and open work: ~20,000 in 2 years
WEEKLY = (1.32, 1.12, 1.06, 1.02, 0.98, 0.62, 0.56)  # Monday .. Sunday
# Lunar New Year's Day: wage disputes peak in the weeks before it, offices close for a week.
SPRING_FESTIVAL = {
    2022: date(2022, 2, 1),
    2023: date(2023, 1, 22),
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 3),
}
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


def _numbers(text: str) -> tuple[float, ...]:
    return tuple(float(x) for x in text.split())


# Monthly factors, January to December.
FLAT = _numbers("1 1 1 1 1 1 1 1 1 1 1 1")
WAGES = _numbers("2.2 1.2 .8 .7 .8 .75 .75 .8 .9 1 1.4 2")
SUMMER = _numbers(".7 .7 .8 .9 1.1 1.4 1.6 1.6 1.2 .9 .8 .7")
WINTER = _numbers("1.8 1.5 1 .8 .7 .6 .6 .6 .7 .9 1.3 1.7")
RAINY = _numbers(".2 .3 .8 2.2 2.8 3.2 2.4 .8 .5 .3 .2 .2")
WET = _numbers(".8 .8 1 1.3 1.4 1.4 1.2 1 .9 .8 .7 .8")
WARM = _numbers(".8 .8 .9 1 1.1 1.2 1.3 1.2 1.1 1 .9 .8")


class Spec(NamedTuple):
    """How often a category occurs, where, and how its cases are handled.

    ``where``: "urban" (rarer in villages), "estates" (almost only in housing estates), "rural"
    (mostly villages) or "any". ``routes``: weighted paths after acceptance by the unit the case
    is routed to, as ``path:weight``; in a path ``^`` escalates to the centre above, ``v`` assigns
    down to the community centre, ``>X`` dispatches to X (P the police station, M the street's
    mediation committee, J the justice office, T the tribunal, ``dept`` the category's
    department, or a unit code). The last unit holding the case resolves it.
    """

    share: float  # per cent of all cases
    season: tuple[float, ...]
    where: str
    on_spot: float  # share of grid workers' reports handled on the spot (即时处置)
    routes: str
    dept: str = ""


# fmt: off
SPECS: dict[str, Spec] = {
    "dispute-neighbour": Spec(12, FLAT, "any", .65, ":70 >P:6 >M:7 ^:10 ^>M:4 ^>J:2 ^^:1"),
    "dispute-family": Spec(8, FLAT, "any", .4, ":70 >M:7 ^:10 ^>M:6 ^>T:4 ^>J:3"),
    "dispute-property": Spec(8, FLAT, "estates", .25, ":60 >M:6 ^:18 ^>dept:8 ^>T:4 ^^>dept:2 ^^:2",
                             "dept-zhujian"),
    "dispute-wages": Spec(7, WAGES, "any", 0, ":30 >dept:25 >M:15 v:20 ^>dept:5 >T:3 ^:2",
                          "dept-renshe"),
    "dispute-debt": Spec(4, FLAT, "any", .1, ":50 >M:12 ^>M:12 ^>T:14 ^>J:6 ^:6"),
    "dispute-consumer": Spec(3, FLAT, "urban", .1, ":55 ^:20 ^>dept:22 ^^>dept:3", "dept-shijian"),
    "dispute-land": Spec(2.5, FLAT, "rural", .1, "v:40 :30 >M:15 >dept:10 ^>dept:5", "dept-ziran"),
    "dispute-traffic": Spec(2, FLAT, "any", 0, ":100"),
    "dispute-expropriation": Spec(1.5, FLAT, "rural", 0,
                                  ":45 >dept:20 >dept-zhujian:10 ^:15 ^>dept:10", "dept-ziran"),
    "dispute-medical": Spec(.8, FLAT, "any", 0, ">M:35 :35 >J:15 >T:10 ^:5"),
    "dispute-other": Spec(2, FLAT, "any", .4, ":65 ^:20 >M:10 ^>J:5"),
    "hazard-fire": Spec(6, WINTER, "any", .7, ":60 ^:22 >P:6 ^>dept:10 ^^>dept:2", "dept-yingji"),
    "hazard-road": Spec(3.5, WET, "any", .3, ":40 ^:32 ^>dept:15 ^>dept-chengguan:10 ^^>dept:3",
                        "dept-jiaotong"),
    "hazard-construction": Spec(3, WARM, "any", .3, ":40 ^:35 ^>dept:20 ^^>dept:5",
                                "dept-zhujian"),
    "hazard-production": Spec(2.5, FLAT, "any", .2, ":40 ^:35 ^>dept:20 ^^>dept:5", "dept-yingji"),
    "hazard-public-order": Spec(2, FLAT, "any", 0, ":100"),
    "hazard-housing": Spec(1.2, WET, "any", 0, ":45 >dept:30 v:20 ^>dept:5", "dept-zhujian"),
    "hazard-food-drug": Spec(1.2, FLAT, "urban", .2, ":35 ^:30 ^>dept:30 ^^>dept:5",
                             "dept-shijian"),
    "hazard-geological": Spec(.6, RAINY, "rural", 0, ":40 >dept:35 v:15 ^>dept:10", "dept-ziran"),
    "request-environment": Spec(9, WARM, "any", .6, ":72 ^:16 ^>dept:12", "dept-chengguan"),
    "request-noise": Spec(7, SUMMER, "urban", .55, ":62 >P:20 ^:10 ^>dept:8", "dept-chengguan"),
    "request-facilities": Spec(5, FLAT, "any", .4, ":55 ^:25 ^>dept:17 ^^>dept:3",
                               "dept-chengguan"),
    "request-construction": Spec(3.5, SUMMER, "any", .2, ":45 >dept:25 >dept-zhujian:10 v:20",
                                 "dept-chengguan"),
    "request-other": Spec(2.5, FLAT, "any", .3, ":75 ^:20 ^^:5"),
    "petition-general": Spec(1.5, FLAT, "any", 0,
                             ":50 ^:20 >J:10 v:10 ^>dept-renshe:5 ^>dept-zhujian:5"),
    "emergency-general": Spec(.5, FLAT, "any", 0, ">P:40 :30 >dept:25 ^:5", "dept-yingji"),
}
# Report channels per kind; walk-ins, patrols and imports are rarer when offices are closed.
CHANNELS = {
    "dispute": "grid_worker:40 resident:22 hotline:20 walk_in:14 api:3 import:1",
    "hazard": "grid_worker:60 resident:20 hotline:15 walk_in:3 open311:2",
    "request": "grid_worker:30 resident:35 hotline:27 walk_in:5 api:2 open311:1",
    "petition": "walk_in:60 hotline:20 resident:10 import:10",
    "emergency": "hotline:50 grid_worker:30 resident:20",
}
CLOSED_DAY = {"walk_in": 0.1, "grid_worker": 0.6, "import": 0.0}
HOURS = {  # when reports arrive, by hour of the day
    "resident": _numbers("1 .5 .3 .2 .2 .4 1 3 6 8 8 7 5 5 6 6 6 5 6 7 7 6 4 2"),
    "grid_worker": _numbers("0 0 0 0 0 0 .2 1 6 9 9 6 2 3 8 9 8 4 1.5 1 .5 .2 0 0"),
    "walk_in": _numbers("0 0 0 0 0 0 0 0 3 9 9 6 0 0 4 9 8 3 0 0 0 0 0 0"),
    "hotline": _numbers(".5 .3 .2 .2 .2 .3 1 3 7 9 9 7 4 5 8 8 7 5 4 4 3 2 1 .7"),
}
# fmt: on
CONTACT = {"resident": 0.85, "hotline": 0.9, "walk_in": 0.95, "grid_worker": 0.3, "import": 0.7}
# Disputes that flare up again between the same parties at the same address.
REPEATABLE = frozenset(
    f"dispute-{name}"
    for name in ("neighbour", "family", "property", "debt", "land", "wages", "other")
)
# Open work for each department: the kind of case dispatched to it.
DEPARTMENT_WORK = (
    ("dept-renshe", "dispute-wages"),
    ("dept-zhujian", "hazard-construction"),
    ("dept-yingji", "hazard-production"),
    ("dept-shijian", "hazard-food-drug"),
    ("dept-ziran", "hazard-geological"),
    ("dept-jiaotong", "hazard-road"),
    ("dept-chengguan", "request-environment"),
)
# People involved: (median, spread, minimum, maximum) of a log-normal.
CROWDS = {
    "dispute-wages": (14, 0.7, 5, 60),
    "dispute-expropriation": (8, 0.7, 3, 40),
    "dispute-property": (12, 0.9, 2, 150),
}


@functools.cache
def _weights(text: str) -> tuple[list[str], list[float]]:
    """``"a:3 b:1"`` → (["a", "b"], [3.0, 1.0])."""
    pairs = [item.split(":") for item in text.split()]
    return [name for name, _ in pairs], [float(weight) for _, weight in pairs]


@dataclass(frozen=True)
class HotSpot:
    """A few weeks in which one grid reports one category far above its usual rate."""

    name: str
    category: str
    community: str  # community name in the demo fixture; its first grid is used
    anchor: str  # "spring" (before the last Spring Festival), "summer", "rain" or "now"
    days: int
    per_day: float
    slots: tuple[tuple[str, str], ...] = ()


HOT_SPOTS = (
    HotSpot(
        "轨道城项目春节前欠薪",
        "dispute-wages",
        "轨道城社区",
        "spring",
        35,
        0.7,
        (("project", "轨道城三期安置房项目"), ("org", "某建筑劳务公司")),
    ),
    HotSpot(
        "智谷大道改造施工扰民",
        "request-construction",
        "智谷社区",
        "summer",
        28,
        1.0,
        (("project", "智谷大道改造工程"),),
    ),
    HotSpot("云峰湖村雨季滑坡", "hazard-geological", "云峰湖村", "rain", 14, 0.6),
    HotSpot(
        "书香夜市噪声", "request-noise", "书香社区", "now", 21, 0.7, (("shop", "书香夜市烧烤摊"),)
    ),
)


@dataclass
class CaseSummary:
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


# ---------------------------------------------------------------------------------------------
# The district as the generator sees it


@dataclass
class Grid:
    region: Region
    community: Region
    village: bool
    stem: str  # the community's name without 社区/村
    centre: Unit  # the community's governance centre
    street_centre: Unit
    police: Unit | None
    committee: Unit | None
    worker: int | None  # the grid worker's user id
    officer: int | None  # the community police officer (社区民警) posted to the community
    places: list[str]
    roads: list[str]
    weight: float


@dataclass
class World:
    """Regions, units and people of the loaded demo district, read in a few queries."""

    grids: list[Grid]
    categories: dict[str, Category]
    district_centre: Unit
    units: dict[str, Unit]  # by code
    staff: dict[int, list[int]]  # unit id → user ids acting for it, operators first
    leaders: dict[int, list[int]]
    use_routing_rules: bool

    @classmethod
    def load(cls, seed: int) -> World | None:
        """None when there is no district centre to work with (no demo district loaded)."""
        active = Unit.objects.filter(is_active=True).select_related("jurisdiction").order_by("code")
        units = {u.code: u for u in active}
        people = _People.load()
        grids = _grids(units, people, random.Random(seed))  # noqa: S311 - demo data, not secrets
        centres = (
            u for u in units.values() if (u.kind, u.tier) == (UnitKind.CENTRE, Tier.DISTRICT)
        )
        district = next(centres, None)
        if district is None or not grids:
            return None
        found = {c.code: c for c in Category.objects.filter(is_active=True, parent__isnull=False)}
        return cls(
            grids=grids,
            categories={code: found[code] for code in SPECS if code in found},
            district_centre=district,
            units=units,
            staff=people.staff,
            leaders=people.leaders,
            use_routing_rules=RoutingRule.objects.filter(is_active=True).exists(),
        )

    def first_of_kind(self, kind: str) -> Unit | None:
        return next((u for u in self.units.values() if u.kind == kind), None)


@dataclass
class _People:
    """Who acts for each unit (operators first), grid workers by grid, police officers by the
    community they are posted to."""

    staff: dict[int, list[int]] = field(default_factory=dict)
    leaders: dict[int, list[int]] = field(default_factory=dict)
    workers: dict[int, int] = field(default_factory=dict)
    officers: dict[int, int] = field(default_factory=dict)

    @classmethod
    def load(cls) -> _People:
        people = cls()
        rank: dict[str, int] = {Role.OPERATOR: 0, Role.HANDLER: 1, Role.MEDIATOR: 1, Role.LEADER: 2}
        rows = Membership.objects.filter(user__is_active=True, unit__is_active=True)
        members = rows.values_list("unit_id", "user_id", "role", "region_id")
        for unit_id, user_id, role, region_id in sorted(
            members, key=lambda m: (rank.get(m[2], 9), m[1])
        ):
            if role == Role.GRID_WORKER and region_id is not None:
                people.workers.setdefault(region_id, user_id)
            if role == Role.HANDLER and region_id is not None:
                people.officers.setdefault(region_id, user_id)
            if role in rank:
                people.staff.setdefault(unit_id, []).append(user_id)
            if role == Role.LEADER:
                people.leaders.setdefault(unit_id, []).append(user_id)
        return people


def _grids(units: dict[str, Unit], people: _People, rng: random.Random) -> list[Grid]:
    """Every grid with its units, people, invented places and a weight (how busy it is)."""
    by_region: dict[tuple[int, str], Unit] = {}
    for unit in units.values():
        by_region.setdefault((unit.jurisdiction_id, unit.kind), unit)
    grids = []
    regions = Region.objects.filter(level=Level.GRID).select_related("parent__parent")
    for region in regions.order_by("code"):
        community = region.parent
        street = community.parent if community else None
        if community is None or street is None or not region.boundary:
            continue
        centre = by_region.get((community.pk, UnitKind.CENTRE))
        street_centre = by_region.get((street.pk, UnitKind.CENTRE))
        if centre is None or street_centre is None:
            continue
        village = community.name.endswith("村")
        stem = community.name.removesuffix("社区").removesuffix("村")
        grids.append(
            Grid(
                region=region,
                community=community,
                village=village,
                stem=stem,
                centre=centre,
                street_centre=street_centre,
                police=by_region.get((street.pk, UnitKind.POLICE)),
                committee=by_region.get((street.pk, UnitKind.MEDIATION)),
                worker=people.workers.get(region.pk),
                officer=people.officers.get(community.pk),
                places=_places(rng, stem, village),
                roads=[f"{stem}{s}" for s in rng.sample(_words("road_suffixes"), 3)],
                weight=rng.lognormvariate(0, 0.5) * (0.7 if village else 1.3),
            )
        )
    return grids


def _places(rng: random.Random, stem: str, village: bool) -> list[str]:
    """A grid's housing estates (小区), or its village groups (村民小组) and hamlet."""
    if village:
        return [*rng.sample(_words("village_groups"), 3), f"{rng.choice(_words('surnames'))}家湾"]
    suffixes = _words("estate_suffixes")
    words = [stem, *rng.sample(_words("estate_words"), 3)]
    return [f"{word}{rng.choice(suffixes)}" for word in words]


# ---------------------------------------------------------------------------------------------
# What the simulation works on


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


class Step(NamedTuple):
    """An intended action and when: ``mode`` "work" or "wall" seconds after the previous step,
    "frac" of the resolve window counted from acceptance, or "at" a moment."""

    action: str
    mode: str
    wait: float = 0.0
    at: datetime | None = None
    arg: Any = None


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
        self.events: list[tuple[Any, ...]] = []
        self.requests: list[ExtensionRequest] = []
        self.supervisions: list[Supervision] = []
        self.parties: list[Party] = []
        self.merge_into: Life | None = None

    def state_at(self, moment: datetime) -> tuple[str, int]:
        """Status and holding unit id at ``moment``, from the timeline so far."""
        found = self.events[0]
        for event in self.events:
            if event[0] <= moment:
                found = event
        return found[5], found[7]


# ---------------------------------------------------------------------------------------------
# Arrivals: when, what and where reports come in


class Simulation:
    """Draws the reports and lives through every case, in memory (the database is read only to
    route cases when routing rules are configured)."""

    def __init__(self, world: World, *, now: datetime, seed: int) -> None:
        self.world, self.now = world, now
        self.r = random.Random(seed)  # noqa: S311 - demo data, not secrets
        self.rng = np.random.default_rng(seed)
        self.cal = deadlines.calendar()
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.escalate_after = timedelta(hours=settings.ESCALATE_OVERDUE_AFTER_HOURS)
        self.routes: dict[tuple[int, int], Unit | None] = {}
        self.geometries: dict[int, Any] = {}
        self.justice = world.first_of_kind(UnitKind.JUSTICE)
        self.tribunal = world.first_of_kind(UnitKind.TRIBUNAL)
        self.hot_spots: list[str] = []

    def seeds(self, days: int) -> list[Seed]:
        """Every report of the ``days`` up to now, in order of submission."""
        today = self.now.astimezone(self.tz).date()
        start = today - timedelta(days=days - 1)
        base = self._background([start + timedelta(days=i) for i in range(days)])
        base += self._hot(start, today)
        more = [s for seed in base for s in self._repeats(seed) + self._duplicates(seed)]
        seeds = [s for s in base + more if s.at <= self.now] + self._open_work()
        seeds.sort(key=lambda s: s.at)
        self._locate(seeds)
        return seeds

    def _day_factor(self, day: date) -> float:
        weekday = day.weekday()
        if self.cal.is_workday(day):
            return WEEKLY[weekday] if weekday < 5 else 1.0  # a make-up working day (调休)
        return WEEKLY[weekday] if weekday >= 5 else 0.6  # a public holiday

    def _festival(self, code: str, day: date) -> float:
        for year in (day.year, day.year + 1):
            festival = SPRING_FESTIVAL.get(year)
            delta = (day - festival).days if festival else 999
            if -1 <= delta <= 6:  # the Golden Week: offices close, fireworks go up
                return 1.5 if code == "hazard-fire" else 0.75
            if code == "dispute-wages" and -40 <= delta < -1:
                return 1 + 1.5 * math.exp(-(((delta + 18) / 10) ** 2))
            if code == "dispute-family" and 7 <= delta <= 35:
                return 1.3
        return 1.0

    def _grid_weights(self, code: str) -> Any:
        village = np.array([g.village for g in self.world.grids])
        factor = {
            "rural": np.where(village, 3.0, 0.3),
            "urban": np.where(village, 0.3, 1.0),
            "estates": np.where(village, 0.05, 1.0),
        }.get(SPECS[code].where, 1.0)
        weights = np.array([g.weight for g in self.world.grids]) * factor
        return weights / weights.sum()

    def _background(self, dates: list[date]) -> list[Seed]:
        """Poisson counts per day and category (weekly, seasonal, festival rhythm, slow growth),
        each report in a grid drawn by the grids' weights for that category."""
        factor = np.array([self._day_factor(d) for d in dates]) * np.linspace(0.9, 1.1, len(dates))
        months = np.array([d.month - 1 for d in dates])
        seeds = []
        for code in self.world.categories:
            spec = SPECS[code]
            season = np.array(spec.season) / np.mean(spec.season)
            festival = np.array([self._festival(code, d) for d in dates])
            counts = self.rng.poisson(
                CASES_PER_DAY * spec.share / 100 * factor * season[months] * festival
            )
            grids = iter(
                self.rng.choice(
                    len(self.world.grids), int(counts.sum()), p=self._grid_weights(code)
                )
            )
            for i in np.flatnonzero(counts):
                seeds += [self._arrival(dates[i], code, int(next(grids))) for _ in range(counts[i])]
        return seeds

    def _arrival(self, day: date, code: str, grid: int, hot: HotSpot | None = None) -> Seed:
        channels, weights = _weights(CHANNELS[self.world.categories[code].kind])
        if not self.cal.is_workday(day):
            weights = [w * CLOSED_DAY.get(c, 1.0) for c, w in zip(channels, weights, strict=True)]
        channel = self.r.choices(channels, weights)[0]
        hours = HOURS.get("walk_in" if channel == "import" else channel, HOURS["resident"])
        moment = datetime(day.year, day.month, day.day, tzinfo=self.tz)
        moment += timedelta(
            hours=self.r.choices(range(24), hours)[0], seconds=self.r.randrange(3600)
        )
        return Seed(at=moment, code=code, grid=grid, channel=channel, hot=hot)

    def _hot(self, start: date, today: date) -> list[Seed]:
        seeds = []
        for spot in HOT_SPOTS:
            grids = (
                i for i, g in enumerate(self.world.grids) if g.community.name == spot.community
            )
            grid, first = next(grids, None), self._anchor(spot, today)
            if spot.category not in self.world.categories or grid is None or first is None:
                continue
            if first < start:
                continue
            name = self.world.grids[grid].region.name
            self.hot_spots.append(f"{spot.name}（{name}，{first:%Y-%m-%d} 起 {spot.days} 天）")
            for offset in range(spot.days):
                day = first + timedelta(days=offset)
                count = int(self.rng.poisson(spot.per_day * self._day_factor(day)))
                seeds += [self._arrival(day, spot.category, grid, spot) for _ in range(count)]
        return seeds

    def _anchor(self, spot: HotSpot, today: date) -> date | None:
        """The first day of the hot spot's latest occurrence that has ended by today."""
        if spot.anchor == "now":
            return today - timedelta(days=spot.days - 1)
        for year in range(today.year, today.year - 3, -1):
            festival = SPRING_FESTIVAL.get(year)
            if spot.anchor == "spring":
                first = festival - timedelta(days=spot.days + 7) if festival else None
            else:
                first = date(year, 7, 1) if spot.anchor == "summer" else date(year, 6, 5)
            if first is not None and first + timedelta(days=spot.days) <= today:
                return first
        return None

    def _repeats(self, seed: Seed) -> list[Seed]:
        """The same dispute reported again within 60 days, at the same address."""
        if seed.code not in REPEATABLE or self.r.random() >= 0.07:
            return []
        seeds, moment = [], seed.at
        for _ in range(self.r.choices((1, 2, 3), (60, 30, 10))[0]):
            moment += timedelta(days=self.r.uniform(5, 25))
            if moment - seed.at > timedelta(days=58):
                break
            again = self._arrival(moment.astimezone(self.tz).date(), seed.code, seed.grid, seed.hot)
            again.origin = seed
            seeds.append(again)
        return seeds

    def _duplicates(self, seed: Seed) -> list[Seed]:
        """Someone else reporting the same hazard or nuisance a little later (merged)."""
        kind = self.world.categories[seed.code].kind
        if kind not in (CaseKind.HAZARD, CaseKind.REQUEST):
            return []
        if self.r.random() >= (0.12 if seed.hot else 0.025):
            return []
        copy = self._arrival(seed.at.astimezone(self.tz).date(), seed.code, seed.grid, seed.hot)
        copy.at, copy.duplicate_of = seed.at + timedelta(hours=self.r.uniform(1, 40)), seed
        return [copy]

    def _locate(self, seeds: list[Seed]) -> None:
        """Random points inside each grid; repeats keep the first report's point, duplicates
        stand a few dozen metres from it (still inside the grid)."""
        wanted: dict[int, list[Seed]] = {}
        for seed in seeds:
            if seed.origin is None and seed.duplicate_of is None:
                wanted.setdefault(seed.grid, []).append(seed)
        for index in sorted(wanted):
            points = self._points(index, len(wanted[index]))
            for seed, point in zip(wanted[index], points, strict=True):
                seed.point = point
        for seed in seeds:
            if seed.origin is not None:
                seed.point = seed.origin.point
            if seed.duplicate_of is not None:
                x, y = seed.duplicate_of.point
                seed.point = (x, y)
                x, y = (
                    round(x + self.r.uniform(-3e-4, 3e-4), 6),
                    round(y + self.r.uniform(-3e-4, 3e-4), 6),
                )
                if shapely.contains_xy(self._geometry(seed.grid), x, y):
                    seed.point = (x, y)

    def _geometry(self, index: int) -> Any:
        if index not in self.geometries:
            geometry = boundary_of(self.world.grids[index].region)
            shapely.prepare(geometry)
            self.geometries[index] = geometry
        return self.geometries[index]

    def _points(self, index: int, count: int) -> list[tuple[float, float]]:
        """``count`` uniform points in the grid by rejection sampling in bulk, rounded to 6
        decimals (0.1 m) before the test so that they stay inside as stored."""
        geometry = self._geometry(index)
        x0, y0, x1, y1 = geometry.bounds
        ratio = max(geometry.area / ((x1 - x0) * (y1 - y0)), 0.05)
        found: list[tuple[float, float]] = []
        while len(found) < count:
            n = int((count - len(found)) / ratio * 1.3) + 16
            x = np.round(self.rng.uniform(x0, x1, n), 6)
            y = np.round(self.rng.uniform(y0, y1, n), 6)
            inside = shapely.contains_xy(geometry, x, y)
            found += zip(x[inside].tolist(), y[inside].tolist(), strict=True)
        return found[:count]

    # -- open work for now ---------------------------------------------------------------------

    def _open_work(self) -> list[Seed]:
        """Open cases for every centre, department, police station, mediation committee, the
        tribunal and the justice office, in varied states; dispatched ones carry deadlines that
        have passed, fall due within a day, or are further away."""
        dues = itertools.cycle((-30.0, 6.0, 20.0, 72.0, 170.0, -8.0, 44.0, 280.0))
        seeds = []
        for grid, code, stop, way in self._centre_work() + self._unit_work():
            age = self.r.choice((0.0, 2.0, 5.0, 9.0)) if stop == "claimed" else 0.0
            seed = self._forced(grid, code, stop, way, next(dues) if ">" in way else None, age)
            seeds += [seed] if seed is not None else []
        return seeds

    def _centre_work(self) -> list[tuple[int, str, str, str]]:
        """Per community: waiting, accepted, in hand and sent to the police station (some in the
        first grid, whose grid worker is a printed login); per street: escalated, waiting, with
        the mediation committee and in hand. As (grid, category, stop, route)."""
        w, pick = self.world, self.r.choice
        communities: dict[int, list[int]] = {}
        streets: dict[int, list[int]] = {}
        for i, g in enumerate(w.grids):
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
            villages = [i for i in grids if w.grids[i].village]
            land = "dispute-land" if villages else "request-construction"
            wanted += [
                (pick(grids), "dispute-neighbour", "accepted", "^"),
                (pick(grids), "dispute-wages", "waiting", ""),
                (pick(grids), "dispute-wages", "handling", ">M"),
                (pick(villages or grids), land, "claimed", ""),
            ]
        return wanted

    def _unit_work(self) -> list[tuple[int, str, str, str]]:
        """The district centre, the tribunal, the justice office and each department."""
        w, pick = self.world, self.r.choice
        urban = [i for i, g in enumerate(w.grids) if not g.village] or list(range(len(w.grids)))
        rural = [i for i, g in enumerate(w.grids) if g.village] or urban
        wanted = [
            (pick(urban), "dispute-property", "accepted", "^^"),
            (pick(urban), "dispute-neighbour", "accepted", "^^"),
            (pick(urban), "dispute-debt", "handling", "^>T"),
            (pick(rural), "dispute-family", "dispatched", "^^>J"),
        ]
        # Extension requests wait for the first street's centre (the printed street login).
        first_street = [i for i in urban if w.grids[i].street_centre == w.grids[0].street_centre]
        for dept, code in DEPARTMENT_WORK:
            category = w.categories.get(code)
            way = (">" if category and category.default_tier == Tier.STREET else "^>") + dept
            where = rural if SPECS[code].where == "rural" else urban
            wanted += [(pick(where), code, stop, way) for stop in ("dispatched", "handling")]
            if dept in ("dept-renshe", "dept-zhujian"):
                wanted.append((pick(first_street or where), code, "extension", way))
        return wanted

    def _forced(
        self, grid: int, code: str, stop: str, way: str, due_in: float | None, age: float
    ) -> Seed | None:
        if code not in self.world.categories:
            return None
        u, hops = self.r.uniform, _hops(way)
        gaps = [] if stop == "waiting" else [u(0.3, 3)]
        gaps += [u(3, 40) if h == "^" else u(1, 8) if h == "v" else u(0.5, 5) for h in hops]
        if stop in ("claimed", "handling", "extension"):
            gaps += [u(1, 12), u(24, 90) if stop == "extension" else u(4, 60) + 24 * age]
        gaps.append(u(0.3, 6) if stop == "waiting" else u(0.5, 30))
        if due_in is not None:  # the dispatch comes at least two hours before its deadline
            gaps[-1] += max(2 - due_in - sum(gaps[1 + len(hops) :]), 0)
        channels, weights = _weights(CHANNELS[self.world.categories[code].kind])
        at = self.now - timedelta(hours=sum(gaps))
        forced = Forced(stop, way, tuple(gaps), due_in)
        return Seed(at, code, grid, self.r.choices(channels, weights)[0], forced=forced)

    # -- the report itself ------------------------------------------------------------------------

    def _slots(self, seed: Seed, grid: Grid) -> dict[str, str]:
        """Values for the text templates' slots; a repeat or duplicate keeps its first's."""
        first = seed.origin or seed.duplicate_of
        if first is not None and first.slots:
            return dict(first.slots)
        r = self.r
        site = f"{grid.community.name}{r.choice(grid.places)}"
        building, entrance, number = r.randint(1, 24), r.randint(1, 4), r.randint(1, 60)
        if grid.village:
            address, building_text = f"{site}{number}号", f"{number}号"
        else:
            room = f"{r.randint(1, 26)}{r.randint(1, 4):02d}"
            address, building_text = f"{site}{building}栋{entrance}单元{room}", f"{building}栋"
        road, road2 = r.sample(grid.roads, 2)
        n = self._crowd(seed.code)
        money = (
            n * r.uniform(2000, 15000)
            if seed.code == "dispute-wages"
            else r.lognormvariate(10.3, 0.8)
        )
        slots = {
            "site": site,
            "addr": address,
            "bld": building_text,
            "unit": f"{entrance}单元",
            "road": road,
            "road2": road2,
            "project": f"{grid.stem}{r.choice(_words('projects'))}",
            "shop": f"{road}某{r.choice(_words('shops'))}",
            "org": r.choice(_words("orgs")),
            "clinic": f"{grid.stem}{r.choice(_words('clinics'))}",
            "school": f"{grid.stem}{r.choice(_words('schools'))}",
            "surname": r.choice(_words("surnames")),
            "n": str(n),
            "amount": _money(money),
            "small": _money(r.randint(3, 50) * 100),
            "months": f"{r.randint(2, 8)}个月",
            "fee": str(r.choice((1.8, 2.0, 2.2, 2.5, 2.8))),
            "mu": str(r.randint(2, 30)),
            "k": str(r.randint(2, 9)),
            "when": r.choice(_words("when")),
            "years": str(r.randint(2, 6)),
        }
        return slots | dict(seed.hot.slots if seed.hot else ())

    def _crowd(self, code: str) -> int:
        if code in CROWDS:
            median, spread, low, high = CROWDS[code]
            return min(max(int(self.r.lognormvariate(math.log(median), spread)), low), high)
        return self.r.randint(3, 25)

    def _text(self, seed: Seed, kind: str) -> tuple[str, str, int]:
        """Title, description and people involved, from a template pair and the seed's slots."""
        r, pairs = self.r, _pairs(seed.code)
        first = seed.origin or seed.duplicate_of
        if first is not None and first.pair >= 0:
            seed.pair = first.pair
        else:
            fixed = [f"{{{k}}}" for k, _ in seed.hot.slots] if seed.hot else []
            choices = [i for i in range(len(pairs)) if any(f in "".join(pairs[i]) for f in fixed)]
            seed.pair = r.choice(choices or range(len(pairs)))
        title, situation = (t.format(**seed.slots) for t in pairs[seed.pair])
        parts = [
            r.choice(_words(f"prefix:{seed.channel}") or ("",)),
            situation,
            r.choice(_words(f"detail:{kind}") or ("",)),
            r.choice(_words(f"ask:{seed.code}") or _words(f"ask:{kind}")),
        ]
        if seed.origin is not None:
            day = seed.origin.at.astimezone(self.tz)
            title = f"再次反映：{title}"
            parts.insert(
                0, f"{day.month}月{day.day}日曾反映同一问题，经调解暂时平息，近日再次发生矛盾。"
            )
        crowd = seed.code in CROWDS or "{n}" in "".join(pairs[seed.pair])
        people = (
            int(seed.slots["n"]) if crowd else r.choices((1, 2, 3, 4, 5), (50, 30, 12, 5, 3))[0]
        )
        return title[:100], "".join(parts), people

    def _reporter(self, seed: Seed) -> tuple[str, str, bool]:
        """Contact name and phone (1380000xxxx), and whether the report is anonymous; a repeat
        comes from the same person."""
        if seed.origin is not None and seed.origin.life is not None:
            case = seed.origin.life.case
            return case.reporter_name, case.reporter_phone, case.anonymous
        r = self.r
        if seed.channel == "resident" and r.random() < 0.2:
            return "", "", True
        if r.random() >= CONTACT.get(seed.channel, 0.6):
            return "", "", False
        surname = r.choice(_words("surnames"))
        name = surname + r.choice(_words("titles")) if r.random() < 0.7 else self._name(surname)
        return name, f"1380000{r.randrange(10000):04d}", False

    def _name(self, surname: str = "") -> str:
        given = _words("given")
        name = (surname or self.r.choice(_words("surnames"))) + self.r.choice(given)
        return name + self.r.choice(given) if self.r.random() < 0.7 else name

    def _occurred(self, seed: Seed, kind: str) -> datetime:
        r = self.r
        if seed.channel == "grid_worker" or kind in (CaseKind.HAZARD, CaseKind.EMERGENCY):
            hours = r.uniform(0, 3)
        elif seed.code == "dispute-wages":
            hours = r.uniform(24, 30 * 24)
        else:
            hours = min(r.expovariate(1 / (30 if kind == CaseKind.DISPUTE else 12)), 480)
        return seed.at - timedelta(hours=hours)

    # -- lifecycles -------------------------------------------------------------------------------

    def run(self, seeds: Sequence[Seed]) -> list[Life]:
        lives = []
        for seed in seeds:
            life = self._start(seed)
            if life is None:
                continue
            seed.life = life
            lives.append(life)
            if life.case.handled_on_spot:
                plan = self._tail(late=False, close=False) if self.r.random() < 0.6 else []
            elif seed.forced is not None:
                plan = self._forced_plan(life, seed.forced)
            elif seed.duplicate_of is not None and self._mergeable(seed.duplicate_of):
                plan = self._duplicate_plan(seed.duplicate_of)
            else:
                plan = self._plan(life)
            self._run(life, plan)
        return lives

    def _start(self, seed: Seed) -> Life | None:
        """The case as ``cases.intake.submit`` creates it, with its first timeline entry."""
        grid, category = self.world.grids[seed.grid], self.world.categories[seed.code]
        holder = self._route(category, grid)
        if holder is None:
            return None
        seed.slots = self._slots(seed, grid)
        title, description, people = self._text(seed, category.kind)
        name, phone, anonymous = self._reporter(seed)
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
        self._move(life, life.holder, Status.SUBMITTED)
        self._parties(life)
        if on_spot:
            self._handle_on_spot(life, by)
            return life
        case.accept_due_at = deadlines.deadline(
            seed.at, category.accept_within, category.accept_unit
        )
        deadlines.set_due(case, case.accept_due_at, seed.at)
        self._event(
            life, seed.at, Action.SUBMIT, by, None, "", None, data={"channel": seed.channel}
        )
        return life

    def _submitter(self, seed: Seed, grid: Grid, holder: Unit) -> int | None:
        """Who entered the report: the grid worker, or the operator taking a call or a visit."""
        if seed.channel == "grid_worker":
            return grid.worker
        if seed.channel in ("hotline", "import"):
            return self._actor(self.world.district_centre, grid)
        return self._actor(holder, grid) if seed.channel == "walk_in" else None

    def _handle_on_spot(self, life: Life, by: int | None) -> None:
        """即时处置 as ``cases.intake`` records it: closed at grid tier on submission."""
        c, unit, t = life.case, life.holder, life.case.submitted_at
        c.handled_on_spot, c.status = True, Status.CLOSED
        c.outcome = self.r.choice(_words(f"on_spot:{c.kind}") or _words("on_spot:request"))
        c.accepted_at = c.resolved_at = c.closed_at = t
        c.resolved_tier, c.resolved_unit, life.dispatcher = Tier.GRID, unit, unit
        self._event(life, t, Action.SUBMIT, by, unit, "", None, data={"channel": c.channel})
        self._event(
            life, t, Action.HANDLE_ON_SPOT, by, unit, Status.SUBMITTED, unit, note=c.outcome
        )

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
        applicant = c.reporter_name if named else self._name(seed.slots["surname"])
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
            other, kind = self._name(), Party.Type.PERSON
        life.parties.append(Party(case=c, role=Party.Role.RESPONDENT, party_type=kind, name=other))

    def _route(self, category: Category, grid: Grid) -> Unit | None:
        """``cases.routing.route`` for a grid; in memory unless routing rules are configured."""
        key = (category.pk, grid.region.pk)
        if key in self.routes:
            return self.routes[key]
        if self.world.use_routing_rules:
            self.routes[key] = route(category, grid.region)
            return self.routes[key]
        paths = set(ancestor_paths(grid.region.path))
        wanted = [(category.default_unit_kind, category.default_tier)]
        self.routes[key] = None
        for kind, tier in wanted + [(UnitKind.CENTRE, tier) for tier in TIER_ORDER[1:]]:
            units = self.world.units.values()
            found = [
                u
                for u in units
                if (u.kind, u.tier) == (kind, tier) and u.jurisdiction.path in paths
            ]
            if found:
                self.routes[key] = max(found, key=lambda u: len(u.jurisdiction.path))
                break
        return self.routes[key]

    def _above(self, unit: Unit, grid: Grid) -> Unit | None:
        """``routing.centre_above``: the governance centre one tier up that covers the grid."""
        centres = {
            Tier.COMMUNITY: grid.centre,
            Tier.STREET: grid.street_centre,
            Tier.DISTRICT: self.world.district_centre,
        }
        above = TIER_ORDER[TIER_ORDER.index(Tier(unit.tier)) + 1 :]
        return next((centres[tier] for tier in above if tier in centres), None)

    def _actor(self, unit: Unit, grid: Grid, *, leader: bool = False) -> int | None:
        """A person acting for the unit: its operator mostly, the posted police officer."""
        if unit.kind == UnitKind.POLICE and grid.officer is not None:
            return grid.officer
        if leader and self.world.leaders.get(unit.pk):
            return self.world.leaders[unit.pk][0]
        staff = self.world.staff.get(unit.pk, [])
        if len(staff) > 1 and self.r.random() < 0.2:
            return self.r.choice(staff[1:])
        return staff[0] if staff else None

    def _event(
        self,
        life: Life,
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
        """A timeline entry as ``cases.actions.record`` writes it, after the change."""
        unit_id, from_id = unit.pk if unit else None, from_unit.pk if from_unit else None
        to = (life.case.status, from_id, life.holder.pk)
        life.events.append(
            (at, action, by, unit_id, before, *to, note, data or {}, action in PUBLIC)
        )

    def _log(
        self,
        life: Life,
        t: datetime,
        action: str,
        unit: Unit,
        before: str,
        *,
        from_unit: Unit | None = None,
        **extra: Any,
    ) -> None:
        """An entry for an action taken by a person of ``unit`` (by default the holder)."""
        by = self._actor(unit, life.grid)
        self._event(life, t, action, by, unit, before, from_unit or unit, **extra)

    def _move(self, life: Life, unit: Unit, status: str) -> None:
        life.holder = unit
        life.case.current_unit, life.case.current_tier, life.case.status = unit, unit.tier, status

    def _run(self, life: Life, plan: list[Step]) -> None:
        """Apply the steps in time order, replaying the sweep in between; stop at now."""
        t, i = life.case.submitted_at, 0
        while True:
            step = plan[i] if i < len(plan) else None
            moment = self._when(life, step, t) if step else self.now
            escalated = self._sweep(life, t, min(moment, self.now))
            if escalated is not None:
                t, i = escalated, 0
                plan = [] if life.seed.forced else self._after_escalation(life)
                continue
            if step is None or moment > self.now:
                break
            getattr(self, f"_do_{step.action}")(life, step, moment)
            t, i = moment, i + 1
        life.case.dispatcher_unit = life.dispatcher
        deadlines.set_due(life.case, life.case.due_at, self.now)

    def _when(self, life: Life, step: Step, t: datetime) -> datetime:
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

    def _sweep(self, life: Life, since: datetime, until: datetime) -> datetime | None:
        """The deadline sweep between the last change (``since``) and ``until``: due-soon and
        overdue marks, supervision cards on some overdue cases, automatic escalation; returns
        the moment the case moved up a tier."""
        c = life.case
        while c.due_at is not None and c.due_soon_at is not None:
            soon, due = max(c.due_soon_at, since) + SWEEP_LAG, max(c.due_at, since) + SWEEP_LAG
            escalation = max(c.due_at + self.escalate_after, since) + SWEEP_LAG
            if c.deadline_state == DeadlineState.NORMAL and soon < until:
                c.deadline_state = DeadlineState.DUE_SOON
                self._event(life, soon, Action.DUE_SOON, None, None, c.status, life.holder)
            elif c.deadline_state != DeadlineState.OVERDUE and due < until:
                c.deadline_state = DeadlineState.OVERDUE
                self._event(life, due, Action.OVERDUE, None, None, c.status, life.holder)
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
        c, target = life.case, self._above(life.holder, life.grid)
        c.auto_escalated_at = at
        if target is None:  # already at the top: only marked, the handler carries on
            return None
        before, from_unit = c.status, life.holder
        self._move(life, target, Status.ACCEPTED)
        life.dispatcher = None
        c.escalations += 1
        note, data = "超期未办结，系统自动上报", {"automatic": True}
        self._event(life, at, Action.ESCALATE, None, None, before, from_unit, note=note, data=data)
        return at

    def _supervise(self, life: Life, overdue: datetime, until: datetime) -> None:
        """督办 by the centre above the handling unit: a yellow card, sometimes a red one."""
        by_unit, c = self._above(life.holder, life.grid), life.case
        if by_unit is None or self.r.random() >= 0.4:
            return
        at = overdue + timedelta(hours=self.r.uniform(2, 40))
        for card in (Card.YELLOW, Card.RED):
            if at >= until:
                return
            by, note = (
                self._actor(by_unit, life.grid, leader=self.r.random() < 0.5),
                self._note(card),
            )
            fields = {
                "by_unit": by_unit,
                "target_unit": life.holder,
                "by_user_id": by,
                "note": note,
            }
            life.supervisions.append(Supervision(case=c, card=card, created_at=at, **fields))
            self._event(
                life,
                at,
                Action.SUPERVISE,
                by,
                by_unit,
                c.status,
                life.holder,
                note=note,
                data={"card": card},
            )
            if self.r.random() >= 0.3:
                return
            at += timedelta(hours=self.r.uniform(24, 60))

    # Each _do_<action> has the effects of the action of that name in cases.actions.

    def _do_accept(self, life: Life, step: Step, t: datetime) -> None:
        c, category = life.case, life.case.category
        c.status, c.accepted_at = Status.ACCEPTED, t
        if c.resolve_due_at is None:
            c.resolve_due_at = deadlines.deadline(t, category.resolve_within, category.resolve_unit)
        deadlines.set_due(c, c.resolve_due_at, t)
        self._log(life, t, Action.ACCEPT, life.holder, Status.SUBMITTED)

    def _do_reject(self, life: Life, step: Step, t: datetime) -> None:
        c = life.case
        c.status, c.reject_reason = Status.REJECTED, step.arg
        deadlines.set_due(c, None, t)
        self._log(life, t, Action.REJECT, life.holder, Status.SUBMITTED, note=step.arg)

    def _do_dispatch(self, life: Life, step: Step, t: datetime) -> None:
        c, centre, (to, due, note) = life.case, life.holder, step.arg
        c.resolve_due_at = due or c.resolve_due_at
        self._move(life, to, Status.DISPATCHED)
        life.dispatcher = centre
        deadlines.set_due(c, c.resolve_due_at, t)
        data = {"due_at": c.resolve_due_at.isoformat() if c.resolve_due_at else None}
        self._log(life, t, Action.DISPATCH, centre, Status.ACCEPTED, note=note, data=data)

    def _do_claim(self, life: Life, step: Step, t: datetime) -> None:
        before = life.case.status
        if before == Status.ACCEPTED:
            life.dispatcher = life.holder  # the centre handles it itself and verifies its own work
        life.case.status = Status.IN_PROGRESS
        self._log(life, t, Action.CLAIM, life.holder, before)

    def _do_progress(self, life: Life, step: Step, t: datetime) -> None:
        self._log(life, t, Action.PROGRESS, life.holder, life.case.status, note=step.arg)

    def _hand_over(self, life: Life, t: datetime, action: str, to: Unit | None, note: str) -> None:
        """Escalate (上报), assign down (下派) or return (退回): the case waits at ``to``."""
        c, unit, before = life.case, life.holder, life.case.status
        if to is None:
            return
        self._move(life, to, Status.ACCEPTED)
        life.dispatcher = None
        c.escalations += action == Action.ESCALATE
        data = {"automatic": False} if action == Action.ESCALATE else None
        self._log(life, t, action, unit, before, note=note, data=data)

    def _do_escalate(self, life: Life, step: Step, t: datetime) -> None:
        self._hand_over(life, t, Action.ESCALATE, self._above(life.holder, life.grid), step.arg)

    def _do_assign_down(self, life: Life, step: Step, t: datetime) -> None:
        self._hand_over(life, t, Action.ASSIGN_DOWN, life.grid.centre, step.arg)

    def _do_return(self, life: Life, step: Step, t: datetime) -> None:
        self._hand_over(life, t, Action.RETURN, life.dispatcher, step.arg)

    def _do_request_ext(self, life: Life, step: Step, t: datetime) -> None:
        (days, reason), unit = step.arg, life.holder
        by = self._actor(unit, life.grid)
        fields = {"requested_by_id": by, "unit": unit, "days": days, "reason": reason}
        request = ExtensionRequest(case=life.case, created_at=t, **fields)
        life.requests.append(request)
        data = {"days": days, "request": request}
        self._event(
            life,
            t,
            Action.REQUEST_EXTENSION,
            by,
            unit,
            life.case.status,
            unit,
            note=reason,
            data=data,
        )

    def _do_decide_ext(self, life: Life, step: Step, t: datetime) -> None:
        c, request = life.case, life.requests[-1]
        centre = life.dispatcher or life.holder
        by = self._actor(centre, life.grid)
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
        self._event(life, t, action, by, centre, c.status, life.holder, data={"request": request})

    def _do_resolve(self, life: Life, step: Step, t: datetime) -> None:
        c, unit = life.case, life.holder
        c.status, c.outcome, c.resolved_at = Status.RESOLVED, step.arg, t
        c.resolved_tier, c.resolved_unit = unit.tier, unit
        deadlines.set_due(c, None, t)
        self._log(life, t, Action.RESOLVE, unit, Status.IN_PROGRESS, note=step.arg)

    def _do_verify_fail(self, life: Life, step: Step, t: datetime) -> None:
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

    def _do_close(self, life: Life, step: Step, t: datetime) -> None:
        c, centre, category = life.case, life.dispatcher or life.holder, life.case.category
        c.status, c.closed_at = Status.CLOSED, t
        c.follow_up_due_at = deadlines.deadline(
            t, category.follow_up_within, category.follow_up_unit
        )
        deadlines.set_due(c, c.follow_up_due_at, t)
        self._log(
            life, t, Action.CLOSE, centre, Status.RESOLVED, from_unit=life.holder, note=step.arg
        )

    def _do_follow_up(self, life: Life, step: Step, t: datetime) -> None:
        c, centre, (satisfied, note) = life.case, life.dispatcher or life.holder, step.arg
        c.followed_up_at, c.follow_up_satisfied, c.follow_up_note = t, satisfied, note
        deadlines.set_due(c, None, t)
        self._log(
            life, t, Action.FOLLOW_UP, centre, c.status, note=note, data={"satisfied": satisfied}
        )

    def _do_rate(self, life: Life, step: Step, t: datetime) -> None:
        c = life.case
        (c.rating, c.rating_comment), c.rated_at = step.arg, t
        data = {"rating": c.rating}
        self._event(
            life,
            t,
            Action.RATE,
            None,
            None,
            c.status,
            life.holder,
            note=c.rating_comment,
            data=data,
        )

    def _do_merge(self, life: Life, step: Step, t: datetime) -> None:
        c, unit, into, before = life.case, life.holder, step.arg, life.case.status
        c.status, life.merge_into = Status.MERGED, into
        deadlines.set_due(c, None, t)
        by, note = self._actor(unit, life.grid), self._note("merge")
        self._event(life, t, Action.MERGE, by, unit, before, unit, note=note, data={"into": into})
        status, held = into.state_at(t)
        entry = (t, Action.MERGED_IN, by, unit.pk, status, status, held, held, note)
        into.events.append((*entry, {"duplicate": life}, False))

    def _mergeable(self, first: Seed) -> bool:
        return first.life is not None and first.life.case.status != Status.REJECTED

    # -- plans ----------------------------------------------------------------------------------

    def _note(self, key: str) -> str:
        return self.r.choice(_words(f"note:{key}"))

    def _outcome(self, life: Life) -> str:
        outcomes = _words(f"outcome:{life.seed.code}") or _words(f"outcome:{life.case.kind}")
        return self.r.choice(outcomes).format(**life.seed.slots)

    def _progress(self, life: Life) -> str:
        return self.r.choice(_words(f"progress:{life.case.kind}") or _words("progress:request"))

    def _plan(self, life: Life) -> list[Step]:
        """A lifecycle: accept (or reject), the route's hops, handling, closing and after."""
        r, c, spec = self.r, life.case, SPECS[life.seed.code]
        urgent = c.kind in (CaseKind.HAZARD, CaseKind.EMERGENCY)
        if life.holder.kind == UnitKind.CENTRE and not urgent and r.random() < 0.03:
            return [Step("reject", "work", r.expovariate(1 / (2 * HOUR)), arg=self._note("reject"))]
        if r.random() < 0.015 and c.accept_due_at is not None:
            steps = [Step("accept", "at", at=c.accept_due_at + timedelta(hours=r.uniform(0.5, 20)))]
        else:
            steps = [Step("accept", "work", r.expovariate(1 / ((0.5 if urgent else 1.5) * HOUR)))]
        way = r.choices(*_weights(spec.routes))[0]
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
            weights = (55, 25, 20) if late else (82, 13, 5)
            rating = r.choices(("satisfied", "basic", "unsatisfied"), weights)[0]
            comment = r.choice(_words(f"comment:{rating}"))
            steps.append(Step("rate", "wall", r.uniform(1, 72) * HOUR, arg=(rating, comment)))
        return steps

    def _after_escalation(self, life: Life) -> list[Step]:
        """After an automatic escalation the centre above takes the overdue case on itself."""
        r = self.r
        steps = [Step("claim", "work", r.uniform(1, 8) * HOUR)]
        steps.append(Step("resolve", "work", r.uniform(6, 40) * HOUR, arg=self._outcome(life)))
        return steps + self._tail(late=True)

    def _duplicate_plan(self, first: Seed) -> list[Step]:
        r = self.r
        steps = [Step("accept", "work", r.uniform(0.3, 3) * HOUR)] if r.random() < 0.3 else []
        return [*steps, Step("merge", "work", r.uniform(1, 8) * HOUR, arg=first.life)]

    def _forced_plan(self, life: Life, forced: Forced) -> list[Step]:
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
        holder, grid, hops = life.holder, life.grid, []
        for hop in _hops(way):
            target: Unit | None = None
            if holder.kind == UnitKind.CENTRE:
                if hop == "^":
                    target = self._above(holder, grid)
                elif hop == "v":
                    target = grid.centre if holder.tier == Tier.STREET else None
                else:
                    target = self._handler(hop[1:], life)
            if target is not None and target.pk == holder.pk:
                target = None
            hops.append((hop, target))
            holder = target or holder
        return hops

    def _handler(self, key: str, life: Life) -> Unit | None:
        named = {
            "P": life.grid.police,
            "M": life.grid.committee,
            "J": self.justice,
            "T": self.tribunal,
        }
        if key in named:
            return named[key]
        return self.world.units.get(SPECS[life.seed.code].dept if key == "dept" else key)


# ---------------------------------------------------------------------------------------------
# Writing


def generate_cases(*, now: datetime, seed: int = 2026, days: int = 730) -> CaseSummary:
    """Add ``days`` of case history ending at ``now`` to the loaded demo district.

    Reads the regions, units and people once, simulates in memory, then writes everything in one
    transaction with ``bulk_create`` and moves the daily number counters (CaseNumber) past the
    numbers used, so that ``cases.intake.submit`` continues after them.
    """
    started = time.perf_counter()
    world = World.load(seed)
    if world is None or not world.categories:
        return CaseSummary()
    simulation = Simulation(world, now=now, seed=seed)
    lives = simulation.run(simulation.seeds(days))
    summary = _write(lives)
    summary.hot_spots = simulation.hot_spots
    summary.seconds = time.perf_counter() - started
    return summary


def draw_cases(*, now: datetime, seed: int = 2026, days: int = 730) -> list[Case]:
    """The unsaved cases ``generate_cases`` would write, without numbers: for tests."""
    world = World.load(seed)
    if world is None:
        return []
    simulation = Simulation(world, now=now, seed=seed)
    return [life.case for life in simulation.run(simulation.seeds(days))]


def _write(lives: list[Life]) -> CaseSummary:
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


def _at(event: tuple[Any, ...]) -> datetime:
    moment: datetime = event[0]
    return moment


def _case_event(case_id: int, e: tuple[Any, ...]) -> CaseEvent:
    """The row for a simulated entry; references to requests and cases become ids and numbers."""
    data = {k: _reference(v) for k, v in e[9].items()}
    return CaseEvent(
        case_id=case_id,
        created_at=e[0],
        action=e[1],
        actor_id=e[2],
        actor_unit_id=e[3],
        from_status=e[4],
        to_status=e[5],
        from_unit_id=e[6],
        to_unit_id=e[7],
        note=e[8],
        data=data,
        public=e[10],
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


def _hops(way: str) -> list[str]:
    return re.findall(r"\^|v|>[\w-]+", way)


def _money(amount: float) -> str:
    if amount >= 10000:
        return f"{amount / 10000:.1f}万元"
    return f"{round(amount, -2):.0f}元"


@functools.cache
def _catalogue() -> dict[str, list[list[str]]]:
    sections: dict[str, list[list[str]]] = {}
    rows: list[list[str]] = []
    for raw in CATALOGUE.splitlines():
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            rows = sections.setdefault(line[1:-1], [])
        elif line:
            rows.append(line.split("|"))
    return sections


@functools.cache
def _words(key: str) -> tuple[str, ...]:
    """The items of a catalogue section; a ``chars:`` section is a string of characters."""
    catalogue = _catalogue()
    if f"chars:{key}" in catalogue:
        return tuple("".join(item for row in catalogue[f"chars:{key}"] for item in row))
    return tuple(item for row in catalogue.get(key, []) for item in row)


@functools.cache
def _pairs(code: str) -> tuple[tuple[str, str], ...]:
    return tuple((row[0], row[1]) for row in _catalogue()[f"case:{code}"])


# The text catalogue. ``[case:<category>]`` sections hold title|situation pairs; the others hold
# |-separated items, an empty item making that part optional. Slots in braces: see _slots.
CATALOGUE = """
[case:dispute-neighbour]
{site}{bld}楼上漏水影响楼下住户|{addr}住户反映，楼上卫生间长期渗水，导致其家中天花板霉变、墙皮脱落，多次与楼上沟通未果，双方发生口角。
{site}邻里因生活噪音发生争执|{addr}住户反映，楼上住户{when}经常有拖动家具、小孩跑跳的声音，影响休息，双方已多次争吵。
{site}邻居占用公共过道引发纠纷|{site}{bld}两户邻居因楼道公共区域堆放杂物、鞋柜等问题产生矛盾，{when}发生推搡。
{site}两户因宅基地边界发生争执|{site}{surname}姓村民与邻居因宅基地边界、围墙位置存在争议，对方准备砌墙，双方互不相让。
{site}相邻通行受阻引发邻里矛盾|{site}一户在通往后山的小路上设置障碍，相邻{n}户通行受阻，双方争执不下。
{site}犬只扰民引发邻里纠纷|{addr}住户饲养的大型犬{when}吠叫，且遛狗不拴绳，邻居多次劝说无效，双方关系紧张。
{site}装修损坏楼下墙面引发纠纷|{addr}楼上装修期间破坏防水层，造成楼下墙面、地板受损，双方对赔偿金额（约{small}）意见不一。
{site}空调外机噪音滴水引发争执|{site}{bld}一户空调外机正对邻居窗户，噪音大且滴水，邻居要求移位遭拒，双方争吵。
[case:dispute-family]
{surname}某夫妻因家庭琐事发生争吵|{addr}住户{surname}某与配偶近期因家庭开支、子女教育等问题多次争吵，{when}再次发生激烈口角，邻居听到后报告。
{site}老人赡养问题引发家庭矛盾|{addr}{surname}某的母亲年逾八旬，几个子女对赡养费用和轮流照顾意见不一，老人反映已有{months}无人按时给付生活费。
{surname}某兄妹因房产继承产生纠纷|{surname}某父亲去世后留下位于{site}的住房一套，兄妹{n}人对房屋如何继承分割产生分歧，多次协商未果。
{surname}某反映对方拖欠子女抚养费|{surname}某反映，其离婚后对方不按协议支付子女抚养费，已拖欠{amount}。
{site}婆媳矛盾激化请求调解|{addr}一户家庭婆媳关系紧张，{when}双方发生争执，家中老人情绪激动。
{surname}某反映离婚后探视子女受阻|{surname}某反映离婚后对方以各种理由阻挠其探视孩子，双方多次电话争吵。
[case:dispute-property]
{site}业主与物业因物业费上涨发生纠纷|{site}业主反映，物业公司未经业主大会同意拟上调物业费至每平方米{fee}元，约{n}户业主反对，双方在小区门口发生争执。
{site}电梯频繁故障引发业主与物业矛盾|{site}{bld}电梯近{months}多次困人，业主多次报修，物业以维修资金不足为由拖延，业主情绪激动。
{site}停车收费调整引发业主不满|{site}物业公司调整地面停车收费标准，部分业主拒绝缴费，物业设置道闸不让车辆进入，引发冲突。
{site}业主拒交物业费与物业发生冲突|{addr}业主因房屋渗水长期未维修而拒交物业费，物业公司限制其门禁，双方矛盾激化。
{site}公共维修资金使用引发争议|{site}业主对使用公共维修资金更换水泵的报价和程序有异议，要求公开账目，物业公司未予回应。
{site}业主集体投诉物业服务质量差|{site}业主反映小区垃圾清运不及时、绿化无人管护、门岗形同虚设，约{n}户业主联名要求更换物业。
[case:dispute-wages]
{project}{n}名农民工反映被拖欠工资|{project}{n}名农民工反映，{org}拖欠其{months}工资共计约{amount}，多次找项目部讨要未果，工人聚集在项目部门口。
{org}拖欠{n}名员工工资|{org}因经营困难已停工，{n}名员工反映公司拖欠工资{amount}，老板联系不上。
{n}名工人要求春节前结清工资|{n}名工人反映，{org}承包{project}劳务后以总包未拨款为由拖欠工资{amount}，临近年关急需回家过年。
{site}装修工人讨要工钱|{surname}某等{n}人在{site}从事装修，完工后业主和包工头互相推诿，工钱{amount}至今未结。
{project}班组长反映劳务费未结算|{project}班组长{surname}某反映，劳务分包合同约定的工程款{amount}已逾期{months}未付，手下{n}名工人的工资无法发放。
{surname}某反映工伤后公司拒绝赔偿|{surname}某在{org}工作期间受伤，经鉴定为十级伤残，公司拒绝支付工伤待遇，双方协商无果。
[case:dispute-debt]
{surname}某反映借款到期未还|{surname}某反映，其{months}前借给朋友{amount}，约定半年归还，现对方以生意亏损为由拒不还款。
{site}租户欠租不搬引发纠纷|{addr}房东反映，租户拖欠房租{months}，并拒绝搬离，双方多次发生争吵。
{org}拖欠货款引发纠纷|{surname}某向{org}供应建材，对方拖欠货款{amount}，多次催要无果。
{surname}某与合伙人因分红产生纠纷|{surname}某与他人合伙经营{shop}，因利润分配和账目不清产生矛盾，合伙人拒绝对账。
{site}房东不退押金引发纠纷|{addr}租户反映，租期未满房东要求收回房屋且不退押金{small}。
[case:dispute-consumer]
{shop}关门，预付卡消费者要求退款|{n}名消费者在{shop}办理的预付储值卡尚余{amount}未消费，商家突然关门，老板联系不上。
{site}业主投诉装修公司偷工减料|{addr}业主反映，某装修公司所用材料与合同约定不符，要求返工或赔偿{amount}，公司推诿。
{shop}商品质量问题拒绝退换|{surname}某在{shop}购买的商品使用不到一周即出现故障，商家拒绝退换。
{school}停课不退费|{school}突然停课，{n}名学员家长要求退还已缴学费共计约{amount}。
{surname}某反映家电安装额外收费|{surname}某网购空调，安装师傅上门后额外收取材料费{small}，与商家沟通未果。
[case:dispute-land]
{site}村民因山林权属发生争议|{site}{surname}姓村民与邻组村民对一片约{mu}亩的山林权属各执一词，对方近日上山砍伐树木，双方发生争执。
{site}村民因灌溉用水发生纠纷|{site}两个村民小组因共用水渠的放水顺序发生争吵，正值用水高峰，矛盾较为突出。
{site}土地流转费拖欠引发纠纷|{site}村民{surname}某将承包地流转给种植大户，对方拖欠流转费{amount}，并在地里搭建大棚。
{site}村民反映承包地被他人占用|{site}村民反映其承包的{mu}亩耕地被邻居翻耕种植，双方对地界各有说法。
{site}山塘承包到期续包引发争议|{site}一口山塘承包合同到期，原承包人要求续包，村民小组拟重新发包，双方僵持不下。
[case:dispute-traffic]
{road}两车碰撞后赔偿争议|{road}路口一辆小轿车与电动车发生碰撞，电动车驾驶人{surname}某腿部受伤，双方对责任和医疗费（约{amount}）争执不下。
{road}电动车撞伤行人引发赔偿纠纷|{road}一辆电动自行车撞倒行人{surname}某致其骨折住院，肇事方垫付部分费用后不再支付。
{road}交通事故后对方拒不赔偿|{surname}某驾车被追尾，事故认定书已出具，但对方拒绝按认定书赔偿维修费{small}。
{site}小区内倒车撞伤老人|{site}小区内一辆轿车倒车时撞倒一名老人，家属要求赔偿{amount}，车主认为要价过高。
{road}渣土车撞坏村民围墙|一辆渣土车在{road}转弯时撞坏{site}村民{surname}某的围墙，双方就赔偿金额未达成一致。
[case:dispute-expropriation]
{project}征地补偿标准引发村民不满|{site}{n}户村民反映，{project}征地补偿标准低于周边项目，要求提高补偿，部分村民阻止施工进场。
{site}村民对拆迁安置方案有异议|{site}拆迁户对安置房位置和面积认定有异议，认为评估价格偏低，拒绝签订协议，涉及{n}户。
{project}青苗补偿款未到位|{project}征收土地上的青苗和附着物补偿款{amount}迟迟未发放到户，村民多次到村部询问。
{site}被征地农民社保问题|{site}被征地农民反映，被征地后的社会保障待遇未落实，涉及{n}人。
{project}施工方进场引发对峙|{project}施工队在补偿协议未全部签订的情况下进场施工，与{n}名村民发生对峙。
[case:dispute-medical]
{surname}某家属与{clinic}发生医疗纠纷|{surname}某在{clinic}输液后出现过敏反应，经转院治疗后好转，家属认为诊所存在过错，要求赔偿{amount}。
{clinic}就诊后病情加重引发纠纷|{surname}某在{clinic}治疗{months}后病情未见好转反而加重，认为诊疗不当，双方协商未果。
{surname}某拔牙后感染引发纠纷|{surname}某在{clinic}拔牙后发生感染住院，要求诊所承担医疗费用，诊所不同意。
患者家属在{clinic}聚集讨要说法|患者{surname}某在{clinic}就诊后病情恶化，{n}名家属聚集在诊所门口，情绪激动。
[case:dispute-other]
{site}红白喜事占道引发争执|{site}一户村民办酒席搭棚占用道路，过往车辆无法通行，双方发生争执。
{site}宠物伤人赔偿纠纷|{addr}住户{surname}某被邻居家的狗咬伤，打疫苗花费{small}，双方对赔偿有争议。
{site}居民因停车位发生争执|{site}两名车主因争抢停车位发生口角，一方将对方车辆堵住不让离开。
{site}广场舞场地使用纠纷|{site}两支广场舞队因场地使用时间发生争执，{n}人参与争吵。
{site}建房遮挡采光引发纠纷|{site}村民{surname}某新建房屋加层，遮挡邻居采光，双方多次争吵。
[case:hazard-fire]
{site}{bld}楼道内电动车充电|{site}{bld}{unit}楼道内有{k}辆电动车停放充电，电线从窗户拉出，存在较大火灾隐患。
{site}消防通道被车辆堵塞|{site}小区消防通道长期被私家车占用，消防车无法通行，物业劝导无效。
{site}私拉电线飞线充电|{addr}住户从楼上窗口私拉电线到地面为电动车充电，线路老化裸露。
{site}{bld}消防栓无水、灭火器过期|{site}{bld}消防栓打开无水，楼层灭火器已过期{years}年，无人更换。
{shop}“三合一”场所住人|{shop}一层经营、二层仓储、阁楼住人，形成“三合一”场所，无独立疏散通道。
{site}楼道堆放大量易燃杂物|{site}{bld}楼道堆放纸箱、旧家具等大量易燃杂物，堵塞安全出口。
{site}老人室内烤火存在隐患|{site}一户老人冬季在室内用木炭烤火取暖，门窗紧闭，存在火灾和一氧化碳中毒隐患。
[case:hazard-road]
{road}路面塌陷形成深坑|{road}靠近{site}路段路面塌陷，形成约一米宽的深坑，夜间无警示，已有电动车摔倒。
{road}路口信号灯损坏|{road}与{road2}交叉口信号灯损坏{k}天，早晚高峰车辆抢行，险情不断。
{road}暴雨后大面积积水|{road}下穿通道暴雨后积水深约半米，有车辆熄火被困。
{road}弯道缺少警示标志|{road}靠近{site}的急弯处没有减速和警示标志，近期发生多起剐蹭。
{site}路段井盖缺失|{site}门口人行道井盖缺失，仅用树枝遮挡，行人特别是小孩容易跌落。
{road}桥梁护栏损坏|{road}跨河小桥护栏被车辆撞断约{k}米，未设置临时防护。
[case:hazard-construction]
{project}围挡倒塌|{project}临街围挡被大风吹倒，砸在人行道上，施工方未及时处理。
{project}塔吊作业覆盖居民区|{project}塔吊作业半径覆盖{site}居民楼，吊装时下方无人警戒。
{project}深基坑临边无防护|{project}深基坑临边防护缺失，紧邻人行通道，存在坠落风险。
{project}高空坠物砸坏车辆|{project}施工时有钢管从高处坠落，砸坏{site}门口停放的车辆。
{project}脚手架搭设不规范|{project}外墙脚手架未设置连墙件，部分立杆悬空，工人仍在上面作业。
[case:hazard-production]
{org}无证生产存在安全隐患|{site}附近{org}在民房内无证生产，车间电线杂乱，无消防设施。
{site}小作坊违规存放液化气瓶|{site}一处小作坊存放液化气瓶{k}个，与居住区域未分隔。
{org}粉尘车间除尘设施缺失|{org}打磨车间粉尘弥漫，未安装除尘设施，工人未佩戴防护用品。
{site}废品收购站存放危险物品|{site}废品收购站露天堆放废旧油桶和化学品包装，周边为居民区。
{org}有限空间作业无防护|{org}安排工人清理地下污水池，未进行气体检测，无人监护。
[case:hazard-public-order]
{site}夜间有人聚众赌博|群众反映{site}一处棋牌室{when}有人聚众赌博，人员进出频繁。
{shop}深夜醉酒闹事|{shop}经常有人深夜醉酒闹事，打砸桌椅，周边居民不敢出门。
{site}多辆电动车电瓶被盗|{site}近一周发生{k}起电动车电瓶被盗，车棚无监控、无照明。
{site}小区门禁损坏陌生人随意进出|{site}小区门禁损坏{months}无人维修，夜间陌生人随意进出，居民担心安全。
{road}有人兜售管制刀具|{road}夜市有摊贩兜售管制刀具，有中学生围观购买。
[case:hazard-housing]
{site}{bld}墙体出现明显裂缝|{site}{bld}外墙和楼梯间出现多条贯穿裂缝，最宽处可塞进手指，住户担心安全。
{site}老旧土坯房有倒塌危险|{site}一处老旧土坯房墙体倾斜，屋顶部分垮塌，仍有{n}位老人居住。
{site}自建房违规加层|{site}村民{surname}某在原有两层房屋上加盖两层，未经审批，底层墙体已开裂。
{site}阳台底板钢筋外露|{site}{bld}多户阳台底板混凝土脱落、钢筋外露锈蚀，下方为人行通道。
{site}房屋地基下沉|{site}一栋住宅地基下沉，门窗变形无法关闭，住户{n}户。
[case:hazard-food-drug]
{shop}销售过期食品|{surname}某在{shop}购买的牛奶已过保质期{k}天，货架上还有同批次产品在售。
{site}流动摊贩无证售卖熟食|{site}门口有流动摊贩无证售卖卤菜熟食，无防尘防蝇设施。
{shop}后厨卫生条件差|{shop}后厨污水横流，食材直接堆放在地上，有老鼠出没。
{site}药店无处方销售处方药|{site}附近一家药店无处方销售抗生素等处方药。
{school}食堂食材来源不明|{school}食堂使用的肉类无检疫证明，家长担心食品安全。
[case:hazard-geological]
{site}后山出现裂缝，有滑坡风险|{site}后山坡体出现一条长约{k}十米的裂缝，坡下有{n}户居民，连日降雨，险情可能加剧。
{site}降雨后边坡局部垮塌|{site}连续降雨后房屋后侧边坡局部垮塌，土石堆到墙根，住户已自行撤离。
{road}路边山体落石|{road}靠近{site}路段山体不断有落石，最大的约半立方米，车辆通行危险。
{site}地面出现塌陷坑|{site}菜地中突然出现直径约{k}米的塌陷坑，周边房屋地面有细小裂缝。
{site}房后挡土墙开裂|{site}村民{surname}某房后挡土墙开裂外鼓，雨季随时可能倒塌。
[case:request-environment]
{site}垃圾堆积无人清运|{site}垃圾收集点垃圾堆积已有{k}天，气味难闻，蚊蝇滋生。
{road}占道经营影响通行|{road}靠近{site}路段有摊贩长期占道经营，早晚高峰行人只能走机动车道。
{site}小广告乱贴乱画|{site}{bld}楼道和单元门上贴满开锁、通下水道小广告，清理后很快又贴上。
{site}生活污水直排河道|{site}附近有排污口将生活污水直排入河，河水发黑发臭。
{road}渣土车抛洒滴漏|{road}渣土车沿途抛洒泥土，晴天扬尘、雨天泥泞，居民意见很大。
{shop}油烟直排扰民|{shop}未安装油烟净化设施，油烟直排进{site}{bld}住户窗户。
{site}绿化带被毁种菜|{site}公共绿化带被部分居民毁绿种菜，还浇灌粪水，气味难闻。
[case:request-construction]
{project}夜间施工噪音扰民|{project}{when}仍在施工，打桩和混凝土泵车噪音很大，{site}居民无法入睡。
{project}施工扬尘严重|{project}土方作业未洒水、未覆盖，{site}居民家中窗台一天就积一层灰。
{project}渣土车带泥上路|{project}出入口未设置洗车平台，渣土车带泥上路，{road}路面泥泞。
{project}施工堵塞居民出行道路|{project}施工围挡占用{site}出入通道，居民只能绕行，老人小孩出行不便。
有人阻挠{project}正常施工|{project}项目部反映，有{n}名附近人员以施工影响为由堵在工地门口，阻挠车辆进出，要求给予补偿。
{project}施工震裂周边房屋|{site}居民反映，{project}打桩施工后家中墙体出现裂缝，要求施工方鉴定赔偿。
[case:request-facilities]
{road}路灯不亮|{road}靠近{site}路段有{k}盏路灯不亮，夜间行人看不清路。
{site}井盖破损|{site}{bld}门口雨水井盖破损下陷，容易绊倒行人。
{site}健身器材损坏|{site}广场健身器材多处断裂生锈，有老人锻炼时受伤。
{road}公交站台雨棚破损|{road}公交站台雨棚玻璃破碎，雨天候车乘客无处躲雨。
{site}排水管道堵塞|{site}{bld}排水管道堵塞，污水从一楼地漏冒出。
{site}楼道灯损坏|{site}{bld}{unit}楼道灯损坏{months}，老人晚上上下楼不便。
[case:request-noise]
{shop}夜间音响扰民|{shop}{when}播放音乐、喊麦，音响声音很大，{site}{bld}住户无法休息。
{site}广场舞音响声音过大|{site}广场舞音响{when}声音过大，附近住户多次沟通无效。
{site}{bld}装修噪音扰民|{addr}装修{when}施工，电钻声不断，违反装修时间规定。
{shop}KTV噪音扰民|{shop}{when}唱歌声音很大，低音震动楼板，楼上住户无法入睡。
{site}早市商贩叫卖噪音|{site}门口早市商贩{when}用喇叭循环叫卖，附近住户不堪其扰。
{site}冷却塔噪声扰民|{site}旁商场楼顶冷却塔昼夜运行，噪声很大，住户要求整改。
[case:request-other]
{site}居民建议增设停车位|{site}车位严重不足，车辆乱停乱放，居民建议利用闲置空地增设停车位。
{site}自来水水压不足|{site}{bld}高楼层住户反映自来水水压不足，早晚用水高峰基本无水。
{site}居民咨询老旧小区改造|{site}居民咨询老旧小区改造的时间安排和加装电梯政策。
{site}居民要求增加公交线路|{site}居民反映附近没有公交线路，老人看病买菜出行困难。
{site}快递柜设置不合理|{site}快递柜设在消防通道旁，取件人员聚集，居民建议挪位。
[case:petition-general]
{surname}某反映安置房办证问题|{surname}某来访反映，其安置房交房已{years}年仍未办理不动产权证，多次询问无果。
{surname}某反映企业改制职工待遇问题|{surname}某等{n}人反映原企业改制时职工身份置换补偿未落实。
{n}名群众联名反映{project}补偿问题|{n}名群众联名来信，反映{project}征拆补偿款分配不公，要求公开分配方案。
{surname}某来信反映低保待遇问题|{surname}某来信反映，其家庭困难但低保申请未获批准，对审核结果有异议。
{surname}某反映历史遗留宅基地问题|{surname}某来访反映，其家中宅基地在上世纪被占用，多年未得到解决。
[case:emergency-general]
{site}发生火情|{site}{bld}一户厨房起火，浓烟从窗户冒出，楼内有老人未撤离。
{road}发生多车相撞事故|{road}发生三车追尾事故，有人员受伤，交通严重拥堵。
{site}老人走失|{site}一名患有阿尔茨海默病的老人{when}走失，家属正在寻找。
{site}暴雨致居民被困|暴雨导致{site}低洼处积水，{n}户居民被困，需要转移。
{project}发生工人坠落事故|{project}一名工人从脚手架坠落，已送医，现场工友情绪激动。
{site}燃气泄漏|{site}{bld}楼道内闻到浓烈燃气味，住户已自行疏散。
[ask:dispute]
请求组织调解。|希望有关部门尽快介入调处。|双方情绪激动，请尽快介入，防止矛盾激化。|请求依法调处，维护合法权益。|已初步劝导，需进一步调解。|
[ask:hazard]
请尽快督促整改。|存在较大安全风险，请尽快处置。|已现场劝导并拍照留存，需跟踪整改。|建议联合相关部门开展检查。|
[ask:request]
请尽快处理。|希望有关部门管一管。|已反映多次，希望尽快解决。|请协调相关单位处理。|
[ask:petition]
请求依法依规答复。|请求有关部门协调解决。|
[ask:emergency]
请立即派员到场处置。|已拨打110，请综治中心同步跟进。|
[ask:dispute-wages]
工人扬言要到区政府反映，请尽快协调处置。|请求人社部门介入，督促企业支付工资。|请街道牵头组织劳资双方协商。|请关注，防止发生堵路等过激行为。
[detail:dispute]
双方系多年邻居。|此前村（居）委会已做过工作。|反映人已提供照片和聊天记录。|||
[detail:hazard]
已拍照上传。|周边有学校和居民区。|||
[detail:request]
周边居民意见较大。|已拍照上传。|||
[prefix:grid_worker]
网格员走访发现：|网格员巡查发现：|
[prefix:hotline]
市民来电反映：|12345热线转办：|来电人反映：
[prefix:walk_in]
群众来访反映：|来访人反映：
[prefix:resident]
||群众通过手机上报：
[outcome:dispute]
经调解员组织双方当面协商，双方达成一致，签订人民调解协议书，矛盾已化解。|经耐心释法说理，双方互谅互让，达成口头协议并已当场履行。
组织双方及村（居）委会干部协商，达成调解协议，约定一个月内履行完毕。|经调解未能达成一致，已引导当事人通过诉讼途径解决，并做好稳控工作。
经司法所主持调解，双方达成协议并申请司法确认。|已联系相关责任方，对方同意承担相应费用，纠纷已化解。
[outcome:dispute-wages]
经人社部门约谈企业负责人，企业已支付拖欠工资{amount}，工人已领取。|经街道牵头协调，总包单位代发工资，{n}名工人工资已全部结清。
企业承诺分期支付，首期款已到位，人社部门持续跟踪。|已下达劳动保障监察限期改正指令书，企业已足额支付工资。
[outcome:dispute-property]
物业公司同意暂缓调价，待业主大会表决后再议。|经协调，物业公司已完成维修，业主同意补交物业费。|住建部门约谈物业公司，督促其限期整改服务问题，业主代表认可。
[outcome:hazard]
已下达整改通知，责任单位已完成整改，经复查隐患已消除。|已组织清理，隐患已消除。|已设置警示标志并安排专人值守，相关部门已完成处置。
已督促责任人落实整改措施，复查合格。
[outcome:hazard-geological]
已组织受威胁群众临时转移，专业队伍完成边坡排险并设置监测点。|已设置警戒区，自然资源部门现场勘查后完成应急治理。
[outcome:request]
已协调责任单位处理完毕，现场已恢复正常。|执法人员已到场处理，责令限期整改，复查已整改到位。|已维修完毕，反映人确认。|已清理完毕，并安排人员定时巡查。
[outcome:request-construction]
已约谈施工单位，调整施工时间，夜间停止高噪声作业，并落实洒水降尘措施。|已协调项目部与居民代表沟通，施工方承诺加强管理，问题已解决。
[outcome:request-noise]
民警到场劝导，经营者已调低音量并承诺22点后停止使用音响。|已约谈经营者，责令整改，现场复查噪声已降低。
[outcome:petition]
已书面答复信访人，信访人表示接受。|已协调相关部门召开协调会，问题已按政策解决。
[outcome:emergency]
已处置完毕，无人员伤亡，现场已恢复正常。|已协调救援力量处置，伤者已送医，后续工作由相关部门跟进。
[on_spot:dispute]
网格员现场劝导，双方各让一步，矛盾当场化解。|网格员联合楼栋长现场协调，双方达成一致。|现场释法说理，当事人表示理解，纠纷已平息。
[on_spot:hazard]
已现场督促整改，杂物已清理完毕。|已劝导住户将电动车移出楼道并停止飞线充电。|已现场设置警示标识，隐患已排除。
[on_spot:request]
网格员现场协调，问题已解决。|已联系保洁人员现场清理完毕。|已劝导经营者整改，现场恢复正常。
[progress:dispute]
已电话联系双方当事人了解情况。|已上门走访核实情况。|已组织第一次调解，双方分歧较大，约定再次协商。|已邀请法律顾问参与，向双方释法说理。
[progress:hazard]
已现场核查，隐患属实，已下达整改通知书。|已设置警示标志，安排专人值守。|整改正在进行中，预计近期完成。|已联系产权单位落实整改责任。
[progress:request]
已转告责任单位，正在协调处理。|已现场查看，正在制定处理方案。|已约谈相关经营者，责令限期整改。
[progress:petition]
已约见信访人，听取诉求。|已调阅历史档案，正在核实政策依据。
[progress:emergency]
已派员到场处置。|现场已得到控制，正在做好后续工作。
[note:escalate]
涉及人数较多，本级调处难度大，请求上级协调。|当事人诉求超出本级职责范围，需上级协调相关部门。|经两次调解未果，矛盾有激化风险，提请上级调处。
需职能部门处置，提请上级统筹。
[note:reject]
反映事项已进入诉讼程序，已告知当事人依法处理。|反映内容不具体、无法核实，联系反映人补充未果。|不属于本平台受理范围，已告知向相关单位反映。
[note:dispatch]
请按时限办理并及时反馈。|请尽快核实处置。|涉及群众切身利益，请妥善处理。|
[note:assign_down]
请属地社区先行调处。|由社区就近处理，街道跟踪。|
[note:return]
该事项不属于本单位职责范围，请重新交办。|经核实应由其他部门负责，予以退回。
[note:extension]
需等待鉴定结果，申请延期。|涉及多个部门协调，申请延期。|当事人外出务工，暂无法组织调解，申请延期。|整改工程量较大，申请延期。
[note:yellow]
该事件已超期，请加快办理，两个工作日内反馈进展。|群众反映强烈，请抓紧办理。
[note:red]
该事件严重超期，请主要负责人亲自督办，限期办结。
[note:close]
||经核查，办理结果属实，予以结案。
[note:verify_fail]
办理结果反馈不完整，请补充现场照片后重新办结。|经电话核实问题尚未解决，请继续办理。
[note:satisfied]
电话回访，反映人对处理结果表示满意。|上门回访，当事人表示问题已解决。|回访时双方关系已缓和，未再发生矛盾。|电话回访，反映人认可处理结果。
[note:unsatisfied]
回访时反映人表示问题未彻底解决，已反馈承办单位。|反映人对办理时间过长有意见，已做好解释工作。
[note:merge]
与在办事件反映同一问题，合并办理。
[comment:satisfied]
||处理及时，谢谢！|工作人员态度很好。|问题解决了，很满意。
[comment:basic]
|基本解决了，希望以后再快一点。|处理结果还可以。
[comment:unsatisfied]
拖了很久才处理。|问题没有根本解决。|
[chars:surnames]
王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘杜戴夏钟汪田
任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文
[chars:given]
伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌辉鹏飞宇浩晨曦雪梅海燕子涵欣怡思远嘉豪俊雨婷春生德胜秋菊
[titles]
女士|先生|师傅|阿姨|大爷|女士|先生
[estate_words]
金桂|翠竹|阳光|和美|景华|尚品|馨园|锦绣|紫薇|枫林|御景|康乐|福星|春晓
[estate_suffixes]
小区|花园|雅苑|家园|新村|公寓|佳苑|名邸
[village_groups]
一组|二组|三组|四组|五组|六组|七组|八组|九组|十组
[road_suffixes]
路|大道|东路|北路|街|西路
[shops]
烧烤店|超市|KTV|餐馆|棋牌室|便利店|小吃店|水果店|酒吧|奶茶店
[orgs]
某建筑劳务公司|某装饰工程公司|某电子厂|某物流公司|某餐饮公司|某汽配厂|某家具厂|某建材商行
[projects]
安置房项目|道路改造工程|综合管廊工程|产业园项目|学校建设项目|棚改项目
[clinics]
社区卫生服务站|某诊所|某口腔诊所|某中医馆
[schools]
某培训机构|某幼儿园|某艺术培训学校|某托管中心
[when]
晚上十点以后|深夜|凌晨一两点|中午午休时间|每天早上六点左右|周末白天|近一周每天晚上
"""
