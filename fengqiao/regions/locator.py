"""Point → grid and its ancestors, for the whole process (定位：坐标 → 网格).

Grids are loaded once into a ``PolygonLocator`` (shapely STRtree, vectorised) and reloaded when
the region table changes. Whether it may have changed is told by the reference-data stamp
(``core.generation``: database triggers move it on any write to the regions, and to the other
reference tables, whoever writes), which a web request reads once anyway; when the stamp has
moved, one aggregate query (count and latest ``updated_at``) says whether the regions did, and
only then are the grids reloaded. So a change committed by any process (another web worker, a
management command, the admin) is seen by the next call in every process. ``forget()`` (called
when a Region is saved or deleted, and by ``regions.actions.import_regions``) makes the next
call check even if the stamp has not moved yet (a change in this process's open transaction).
Where the stamp row is missing (a flushed test database), the regions are checked at most once
every ``RECHECK_SECONDS``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Count, Max

from fengqiao.core import generation
from fengqiao.lib.gcj02 import gcj02_to_wgs84_array
from fengqiao.lib.locator import PolygonLocator
from fengqiao.regions.actions import boundary_of
from fengqiao.regions.models import Level, Region

CRS_CHOICES = ("wgs84", "gcj02")
# Without a stamp, how long a process trusts its grids before asking the database whether they
# changed.
RECHECK_SECONDS = 10.0


@dataclass(frozen=True)
class Location:
    """Where a point falls: its grid and the grid's ancestors, or outside the jurisdiction."""

    lon: float
    lat: float
    grid: Region | None
    ancestors: tuple[Region, ...]

    @property
    def inside(self) -> bool:
        return self.grid is not None

    def describe(self) -> str:
        if self.grid is None:
            return "不在辖区内（outside the jurisdiction）"
        return " / ".join(r.name for r in (*self.ancestors, self.grid))


@dataclass
class _Index:
    version: tuple[Any, ...]
    locator: PolygonLocator[int]
    regions: dict[int, Region]
    by_code: dict[str, Region]
    checked_at: float  # time.monotonic() of the last version check
    stamp: str | None = None  # the reference-data stamp at the last version check


_lock = threading.Lock()
_index: _Index | None = None


def forget() -> None:
    """Check the region table for changes on the next call (reloading only if it changed)."""
    with _lock:
        if _index is not None:
            _index.checked_at = -RECHECK_SECONDS
            _index.stamp = None


def _version() -> tuple[Any, ...]:
    agg = Region.objects.aggregate(n=Count("id"), changed=Max("updated_at"))
    return (agg["n"], agg["changed"])


def _load(version: tuple[Any, ...], now: float) -> _Index:
    regions = {r.id: r for r in Region.objects.all()}
    grids = [r for r in regions.values() if r.level == Level.GRID and r.boundary]
    geometries = [boundary_of(g) for g in grids]
    return _Index(
        version=version,
        locator=PolygonLocator([g.id for g in grids], geometries),
        regions=regions,
        by_code={r.code: r for r in regions.values()},
        checked_at=now,
    )


def _current() -> _Index:
    global _index
    stamp = generation.current()  # read before the version: see core.generation
    now = time.monotonic()
    with _lock:
        if _index is not None:
            if stamp is not None and stamp == _index.stamp:
                return _index
            if stamp is None and now - _index.checked_at < RECHECK_SECONDS:
                return _index
    version = _version()
    with _lock:
        if _index is None or _index.version != version:
            _index = _load(version, now)
        _index.checked_at, _index.stamp = now, stamp
        return _index


def _to_wgs84(lons: np.ndarray, lats: np.ndarray, crs: str) -> tuple[np.ndarray, np.ndarray]:
    if crs not in CRS_CHOICES:
        raise ValueError(f"unknown coordinate system {crs!r}; use one of {', '.join(CRS_CHOICES)}")
    if crs == "gcj02":
        return gcj02_to_wgs84_array(lons, lats)
    return lons, lats


def locate_many(
    lons: Sequence[float] | np.ndarray, lats: Sequence[float] | np.ndarray, *, crs: str = "wgs84"
) -> list[Location]:
    """Locate many points at once (vectorised); points outside every grid are ``inside=False``."""
    x, y = _to_wgs84(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float), crs)
    index = _current()
    found = index.locator.locate_indices(x, y)
    keys = index.locator.keys
    result = []
    for lon, lat, i in zip(x.tolist(), y.tolist(), found.tolist(), strict=True):
        grid = index.regions[keys[i]] if i >= 0 else None
        result.append(Location(lon, lat, grid, _ancestors(index, grid)))
    return result


def locate(lon: float, lat: float, *, crs: str = "wgs84") -> Location:
    """Locate one point; see ``locate_many``."""
    return locate_many([lon], [lat], crs=crs)[0]


def _ancestors(index: _Index, region: Region | None) -> tuple[Region, ...]:
    if region is None:
        return ()
    codes = region.path.strip("/").split("/")[:-1]
    return tuple(index.by_code[c] for c in codes if c in index.by_code)
