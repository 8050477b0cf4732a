"""The rhythms of the demo history: how often each category is reported, when, where and how.

Weekly and monthly factors, the Spring Festival (wage disputes before it, closed offices during its
Golden Week), the category specs with their route notation (see ``Spec``), report channels and
their hours, and the hot spots. Plain data and pure functions: the draws are made elsewhere.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from fengqiao.lib.workcal import WorkCalendar

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
def weights(text: str) -> tuple[list[str], list[float]]:
    """``"a:3 b:1"`` → (["a", "b"], [3.0, 1.0])."""
    pairs = [item.split(":") for item in text.split()]
    return [name for name, _ in pairs], [float(weight) for _, weight in pairs]


def hops(way: str) -> list[str]:
    """A route's hops: ``"^>M"`` → ["^", ">M"] (see ``Spec``)."""
    return re.findall(r"\^|v|>[\w-]+", way)


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
        "书香夜市噪声", "request-noise", "书香社区", "now", 10, 2.5, (("shop", "书香夜市烧烤摊"),)
    ),
    # A burst of a few days (electric-bike batteries stolen night after night, the gate broken):
    # the space-time scan's kind of pattern (it compares the last days of a grid with its own
    # recent weeks). The night market above is for the surge detector: ten days, so that its
    # start lies inside the fourteen days the demo's catch-up looks at, whatever the date.
    HotSpot(
        "杏坛花园治安隐患集中",
        "hazard-public-order",
        "杏坛社区",
        "now",
        4,
        6.0,
        (("site", "杏坛花园小区"),),
    ),
)


def day_factor(cal: WorkCalendar, day: date) -> float:
    """The weekly rhythm, with public holidays as quiet as a weekend and make-up working days
    (调休) as busy as an ordinary weekday."""
    weekday = day.weekday()
    if cal.is_workday(day):
        return WEEKLY[weekday] if weekday < 5 else 1.0  # a make-up working day (调休)
    return WEEKLY[weekday] if weekday >= 5 else 0.6  # a public holiday


def festival(code: str, day: date) -> float:
    """The Spring Festival's factor for a category on a day."""
    for year in (day.year, day.year + 1):
        new_year = SPRING_FESTIVAL.get(year)
        delta = (day - new_year).days if new_year else 999
        if -1 <= delta <= 6:  # the Golden Week: offices close, fireworks go up
            return 1.5 if code == "hazard-fire" else 0.75
        if code == "dispute-wages" and -40 <= delta < -1:
            return 1 + 1.5 * math.exp(-(((delta + 18) / 10) ** 2))
        if code == "dispute-family" and 7 <= delta <= 35:
            return 1.3
    return 1.0


def anchor(spot: HotSpot, today: date) -> date | None:
    """The first day of the hot spot's latest occurrence that has ended by today."""
    if spot.anchor == "now":
        return today - timedelta(days=spot.days - 1)
    for year in range(today.year, today.year - 3, -1):
        new_year = SPRING_FESTIVAL.get(year)
        if spot.anchor == "spring":
            first = new_year - timedelta(days=spot.days + 7) if new_year else None
        else:
            first = date(year, 7, 1) if spot.anchor == "summer" else date(year, 6, 5)
        if first is not None and first + timedelta(days=spot.days) <= today:
            return first
    return None
