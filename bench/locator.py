"""Benchmark of fengqiao.lib.locator on synthetic grids, pinned to one CPU core.

Run from the repository root::

    python bench/locator.py [--points 1000000] [--grids 2000] [--seed 42] [--naive-points 50000]
                            [--densify-m 0] [--json]

It builds ``--grids`` Voronoi grid polygons over a 20 km x 15 km box near 113.2E 27.9N (degrees),
draws ``--points`` uniform points over a box 5 % wider on every side (so some fall outside),
and times: building the locator, ``PolygonLocator.locate_indices`` (best of 3), the same with
the raster pre-index disabled (plain bulk STRtree query, best of 3) and the naive per-point loop
(one run on the first ``--naive-points`` points, because it is slow). It checks that all of them
agree, exits non-zero if they do not, and prints a markdown report or, with ``--json``, JSON.
``--densify-m M`` adds vertices so no edge is longer than about M metres, to mimic hand-drawn
grids with many vertices (the point-in-polygon test gets dearer with every vertex).
"""

from __future__ import annotations

import os
import sys

# Pin before numpy is imported, so no library starts helper threads on other cores.
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"
_CPU = min(os.sched_getaffinity(0))
os.sched_setaffinity(0, {_CPU})
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import asdict, dataclass  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
import numpy.typing as npt  # noqa: E402
import shapely  # noqa: E402

from fengqiao.lib.locator import PolygonLocator, naive_locate_indices  # noqa: E402

LON0, LAT0 = 113.2, 27.9
WIDTH_KM, HEIGHT_KM = 20.0, 15.0
MARGIN = 0.05  # extra width of the point box on every side, as a share of the jurisdiction


@dataclass(frozen=True)
class Row:
    """One line of the results table; ``points`` is 0 for the build step."""

    implementation: str
    points: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.points / self.seconds if self.points and self.seconds > 0 else 0.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--grids", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--naive-points", type=int, default=50_000)
    parser.add_argument("--densify-m", type=float, default=0.0, help="max edge length, metres")
    parser.add_argument("--json", action="store_true", help="print JSON instead of markdown")
    args = parser.parse_args(argv)
    if args.points < 1 or args.grids < 1 or args.naive_points < 1 or args.densify_m < 0:
        parser.error("--points, --grids and --naive-points must be positive, --densify-m >= 0")
    return args


def jurisdiction() -> tuple[float, float, float, float]:
    """The synthetic district as (west, south, east, north) in degrees."""
    width = WIDTH_KM / (111.32 * np.cos(np.radians(LAT0)))
    height = HEIGHT_KM / 110.57
    return LON0, LAT0, LON0 + float(width), LAT0 + float(height)


def make_grids(count: int, rng: np.random.Generator, densify_m: float) -> list[shapely.Polygon]:
    """``count`` Voronoi cells of random seeds, clipped to the district: a seamless tiling.

    With ``densify_m`` > 0, edges are split (in degrees, about 1e-5 per metre) so that shared
    edges gain the same vertices on both sides and the tiling stays seamless.
    """
    west, south, east, north = jurisdiction()
    frame = shapely.box(west, south, east, north)
    seeds = np.column_stack([rng.uniform(west, east, count), rng.uniform(south, north, count)])
    cells = shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=frame)
    clipped = shapely.intersection(shapely.get_parts(cells), frame)
    if densify_m > 0:
        clipped = shapely.segmentize(clipped, densify_m / 111_320.0)
    grids = [g for g in clipped.tolist() if isinstance(g, shapely.Polygon) and not g.is_empty]
    if len(grids) != count:
        raise RuntimeError(f"expected {count} grid polygons, got {len(grids)}")
    return grids


def make_points(
    count: int, rng: np.random.Generator
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Uniform points over the district grown by ``MARGIN`` on every side."""
    west, south, east, north = jurisdiction()
    dx, dy = MARGIN * (east - west), MARGIN * (north - south)
    lons = rng.uniform(west - dx, east + dx, count)
    lats = rng.uniform(south - dy, north + dy, count)
    return lons, lats


def best_of(runs: int, action: Callable[[], Any]) -> tuple[float, Any]:
    """Shortest wall time of ``runs`` calls, and the last call's result."""
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - start)
    return best, result


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo, or the platform's guess elsewhere."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    return {
        "cpu": cpu_model(),
        "pinned_cpu": str(_CPU),
        "python": platform.python_version(),
        "shapely": shapely.__version__,
        "geos": shapely.geos_version_string,
        "numpy": np.__version__,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Generate the data, time every implementation and check that they agree."""
    grid_rng, point_rng = np.random.default_rng(args.seed).spawn(2)
    grids = make_grids(args.grids, grid_rng, args.densify_m)
    lons, lats = make_points(args.points, point_rng)
    keys = [f"G{n:05d}" for n in range(len(grids))]
    build, locator = best_of(3, lambda: PolygonLocator(keys, grids))
    fast, indices = best_of(3, lambda: locator.locate_indices(lons, lats))
    plain = PolygonLocator(keys, grids, raster_cells=0)
    bulk, bulk_indices = best_of(3, lambda: plain.locate_indices(lons, lats))
    subset = min(args.naive_points, args.points)
    naive, naive_indices = best_of(
        1, lambda: naive_locate_indices(grids, lons[:subset], lats[:subset])
    )
    rows = [
        Row(f"build PolygonLocator ({len(grids):,} grids), best of 3", 0, build),
        Row("PolygonLocator.locate_indices (raster + exact test), best of 3", args.points, fast),
        Row("bulk STRtree query, no raster (raster_cells=0), best of 3", args.points, bulk),
        Row(
            f"naive loop (query + covers per point), first {subset:,} points, 1 run", subset, naive
        ),
    ]
    return {
        "command": command(args),
        "machine": machine(),
        "rows": [asdict(row) | {"points_per_second": row.rate} for row in rows],
        "outside_share": float(np.mean(indices == -1)),
        "agree_bulk": int(np.sum(indices == bulk_indices)),
        "agree_naive": int(np.sum(indices[:subset] == naive_indices)),
        "naive_points": subset,
        "points": args.points,
        "mean_vertices": float(np.mean(shapely.get_num_coordinates(grids))),
    }


def command(args: argparse.Namespace) -> str:
    """The command line that reproduces this run."""
    return (
        f"python bench/locator.py --points {args.points} --grids {args.grids} "
        f"--seed {args.seed} --naive-points {args.naive_points}"
        + (f" --densify-m {args.densify_m:g}" if args.densify_m else "")
    )


def markdown(result: dict[str, Any]) -> str:
    """The report as markdown: command, machine, table, agreement."""
    m = result["machine"]
    lines = [
        f"Command: `{result['command']}`",
        "",
        f"Machine: {m['cpu']}, pinned to one core (cpu {m['pinned_cpu']}); Python {m['python']}, "
        f"shapely {m['shapely']} (GEOS {m['geos']}), numpy {m['numpy']}. Date: {m['date']}.",
        "",
        "| implementation | points | seconds | points/s |",
        "| --- | ---: | ---: | ---: |",
    ]
    for row in result["rows"]:
        points = f"{row['points']:,}" if row["points"] else "-"
        rate = f"{row['points_per_second']:,.0f}" if row["points"] else "-"
        lines.append(f"| {row['implementation']} | {points} | {row['seconds']:.3f} | {rate} |")
    lines += [
        "",
        f"Agreement: locator = bulk STRtree on {result['agree_bulk']:,}/{result['points']:,} "
        f"points; locator = naive loop on {result['agree_naive']:,}/{result['naive_points']:,} "
        f"points. Outside every grid: {result['outside_share']:.1%} of points. Mean vertices "
        f"per grid polygon: {result['mean_vertices']:.1f}.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the report; 1 if the implementations disagree."""
    args = parse_args(argv)
    result = run(args)
    print(json.dumps(result, indent=2) if args.json else markdown(result))
    agreed = result["agree_bulk"] == result["points"]
    return 0 if agreed and result["agree_naive"] == result["naive_points"] else 1


if __name__ == "__main__":
    sys.exit(main())
