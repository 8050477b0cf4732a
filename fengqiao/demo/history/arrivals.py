"""Arrivals: when, what and where the reports of the history come in.

Poisson counts per day and category with the weekly, seasonal and festival rhythms and slow
growth, each report in a grid drawn by how busy the grids are for that category; the hot spots;
disputes that flare up again at the same address; duplicate reports of the same hazard or
nuisance; and the open work of today (``open_work``). Each report then gets a point inside its
grid. Draws from the shared ``random.Random`` and numpy generator in a fixed order.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

import numpy as np
import shapely

from fengqiao.cases.choices import CaseKind
from fengqiao.demo.history.open_work import open_work
from fengqiao.demo.history.records import Seed
from fengqiao.demo.history.rhythms import (
    CASES_PER_DAY,
    CHANNELS,
    CLOSED_DAY,
    HOT_SPOTS,
    HOURS,
    REPEATABLE,
    SPECS,
    HotSpot,
    anchor,
    day_factor,
    festival,
    weights,
)
from fengqiao.demo.history.world import World
from fengqiao.lib.workcal import WorkCalendar
from fengqiao.regions.actions import boundary_of


class Arrivals:
    """Draws the reports of the ``days`` up to now; ``hot_spots`` describes the hot spots drawn
    (reads the grids' boundaries, once each)."""

    def __init__(
        self,
        world: World,
        *,
        now: datetime,
        r: random.Random,
        rng: np.random.Generator,
        cal: WorkCalendar,
        tz: tzinfo,
    ) -> None:
        self.world, self.now, self.r, self.rng, self.cal, self.tz = world, now, r, rng, cal, tz
        self.geometries: dict[int, Any] = {}
        self.hot_spots: list[str] = []

    def seeds(self, days: int) -> list[Seed]:
        """Every report of the ``days`` up to now, in order of submission."""
        today = self.now.astimezone(self.tz).date()
        start = today - timedelta(days=days - 1)
        base = self._background([start + timedelta(days=i) for i in range(days)])
        base += self._hot(start, today)
        more = [s for seed in base for s in self._repeats(seed) + self._duplicates(seed)]
        seeds = [s for s in base + more if s.at <= self.now]
        seeds += open_work(self.world, r=self.r, now=self.now)
        seeds.sort(key=lambda s: s.at)
        self._locate(seeds)
        return seeds

    def _grid_weights(self, code: str) -> Any:
        village = np.array([g.village for g in self.world.grids])
        factor = {
            "rural": np.where(village, 3.0, 0.3),
            "urban": np.where(village, 0.3, 1.0),
            "estates": np.where(village, 0.05, 1.0),
        }.get(SPECS[code].where, 1.0)
        grid_weights = np.array([g.weight for g in self.world.grids]) * factor
        return grid_weights / grid_weights.sum()

    def _background(self, dates: list[date]) -> list[Seed]:
        """Poisson counts per day and category (weekly, seasonal, festival rhythm, slow growth),
        each report in a grid drawn by the grids' weights for that category."""
        factor = np.array([day_factor(self.cal, d) for d in dates]) * np.linspace(
            0.9, 1.1, len(dates)
        )
        months = np.array([d.month - 1 for d in dates])
        seeds = []
        for code in self.world.categories:
            spec = SPECS[code]
            season = np.array(spec.season) / np.mean(spec.season)
            festivals = np.array([festival(code, d) for d in dates])
            counts = self.rng.poisson(
                CASES_PER_DAY * spec.share / 100 * factor * season[months] * festivals
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
        channels, channel_weights = weights(CHANNELS[self.world.categories[code].kind])
        if not self.cal.is_workday(day):
            channel_weights = [
                w * CLOSED_DAY.get(c, 1.0) for c, w in zip(channels, channel_weights, strict=True)
            ]
        channel = self.r.choices(channels, channel_weights)[0]
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
            grid, first = next(grids, None), anchor(spot, today)
            if spot.category not in self.world.categories or grid is None or first is None:
                continue
            if first < start:
                continue
            name = self.world.grids[grid].region.name
            self.hot_spots.append(f"{spot.name}（{name}，{first:%Y-%m-%d} 起 {spot.days} 天）")
            for offset in range(spot.days):
                day = first + timedelta(days=offset)
                count = int(self.rng.poisson(spot.per_day * day_factor(self.cal, day)))
                seeds += [self._arrival(day, spot.category, grid, spot) for _ in range(count)]
        return seeds

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
