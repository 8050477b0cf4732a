"""The early-warning detectors on real 311 requests (issue 9, item 7): what they find, how long.

Run from the repository root::

    python bench/alerts_real.py [--replicas 999] [--json]

Reads ``../shared/data/open311/`` (see its README; never copied into the repository) and skips
cleanly when it is absent:

* **Surges** (EARS C1/C2/C3, CUSUM, EWMA, the seasonal baseline; ``alerts.surveillance``) on the
  NYC "illegal animal" complaints, 2010-2025: daily counts of all complaints and of the four
  commonest descriptors. Every day is tested; the product's ``combined_level`` turns the
  verdicts into a level, as the surge detector does.
* **Space-time permutation scan** (``alerts.stscan``, retrospective) on each LA window (3-5
  days) per request type with at least 100 requests: locations are the 99 neighbourhood councils
  at their polygon centroids (a request belongs to the council whose polygon holds its point;
  see ``council_of``), max radius 4 km, max 2 days (at most half of the shortest window), seed
  2026.
* **Knox test** (``alerts.knox``) on LA illegal dumping and graffiti per window: times in
  fractional days, distance bands 0.1/0.2/0.4/0.8 km, time bands 0.5/1/2 days; on all
  requests, with repeat reports of one address and type on one day removed (a second report of
  the same pile is not a near repeat), and then also without the city crews' own reports
  (``CREW_SOURCES``), which follow the crews' routes.

Seconds are wall-clock on this machine; the load average is printed beside them.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse
import csv
import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from fengqiao.alerts.knox import knox_test, project_latlon
from fengqiao.alerts.satscan_io import Cases, Locations, latlon_to_points
from fengqiao.alerts.stscan import ScanParameters, space_time_permutation_scan
from fengqiao.alerts.surveillance import combined_level, cusum, ears, ewma, seasonal_baseline

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "open311"
SEED = 2026
SCAN_RADIUS_KM = 4.0
SCAN_MAX_DAYS = 2
SCAN_MIN_REQUESTS = 100
KNOX_TYPES = ("Illegal Dumping Pickup", "Graffiti Removal")
KNOX_DISTANCES = [0.1, 0.2, 0.4, 0.8]
KNOX_TIMES = [0.5, 1.0, 2.0]
# City crews log the graffiti and dumping they clean along their route: not residents' reports.
CREW_SOURCES = frozenset({"Driver Self Report", "Work Crew"})
NYC_SERIES = 4  # the commonest descriptors, besides all complaints


def load_average() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def _moment(text: str) -> datetime | None:
    try:
        return datetime.strptime(text.strip()[:19], "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


# --------------------------------------------------------------------------- NYC surges


def nyc_surges() -> dict[str, Any]:
    rows: list[tuple[date, str]] = []
    with (DATA / "nyc311_animal_complaints_2010_2025.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            moment = _moment(row["created_at"])
            if moment is not None:
                rows.append((moment.date(), row["descriptor"] or "(none)"))
    start = min(d for d, _ in rows)
    end = max(d for d, _ in rows)
    n = (end - start).days + 1
    commonest = [name for name, _ in Counter(k for _, k in rows).most_common(NYC_SERIES)]
    series: dict[str, np.ndarray[Any, np.dtype[np.float64]]] = {
        name: np.zeros(n) for name in ["all", *commonest]
    }
    for day, descriptor in rows:
        series["all"][(day - start).days] += 1
        if descriptor in series:
            series[descriptor][(day - start).days] += 1
    found = {}
    for name, counts in series.items():
        began = time.perf_counter()
        verdicts = {
            "C1": ears(counts, "C1"),
            "C2": ears(counts, "C2"),
            "C3": ears(counts, "C3"),
            "CUSUM": cusum(counts),
            "EWMA": ewma(counts),
            "seasonal": seasonal_baseline(counts, start),
        }
        seasonal = verdicts["seasonal"]
        levels: list[dict[str, Any]] = []
        for t in range(n):
            if counts[t] == 0:
                continue
            fitted = bool(np.isfinite(seasonal.expected[t]))
            others = sum(bool(verdicts[m].alarm[t]) for m in ("C2", "C3", "CUSUM"))
            expected = float(seasonal.expected[t] if fitted else verdicts["C2"].expected[t])
            level = combined_level(
                bool(seasonal.alarm[t]) if fitted else None, others, counts[t], expected
            )
            if level is not None:
                levels.append(
                    {
                        "day": (start + timedelta(days=t)).isoformat(),
                        "count": int(counts[t]),
                        "expected": round(expected, 2),
                        "level": level,
                    }
                )
        by_year = Counter(entry["day"][:4] for entry in levels if entry["level"] != "blue")
        strongest = sorted(levels, key=lambda e: -e["count"] / max(e["expected"], 0.1))[:5]
        found[name] = {
            "cases": int(counts.sum()),
            "days": n,
            "alarm_days": {m: int(v.alarm.sum()) for m, v in verdicts.items()},
            "alerts": dict(Counter(entry["level"] for entry in levels)),
            "yellow_or_above_by_year": dict(sorted(by_year.items())),
            "strongest": strongest,
            "seconds": round(time.perf_counter() - began, 2),
        }
    return {"start": start.isoformat(), "end": end.isoformat(), "series": found}


# --------------------------------------------------------------------------- LA


@dataclass(frozen=True)
class Request:
    dataset: str
    moment: datetime
    kind: str
    nc_id: str
    lat: float | None
    lon: float | None
    address: str
    source: str


def la_requests() -> list[Request]:
    found = []
    with (DATA / "la311_service_requests_sample.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            moment = _moment(row["created_at"])
            if moment is None:
                continue
            lat: float | None
            lon: float | None
            try:
                lat, lon = float(row["latitude"]), float(row["longitude"])
            except ValueError:
                lat = lon = None
            found.append(
                Request(
                    row["dataset"],
                    moment,
                    row["request_type"],
                    (row["nc_id"] or "").strip().split(".")[0],
                    lat,
                    lon,
                    row["address"].strip().upper(),
                    row["request_source"].strip(),
                )
            )
    return found


def councils() -> tuple[Locations, dict[str, str], list[Any]]:
    """The councils at their centroids, their names, and their polygons (file order)."""
    from shapely.geometry import shape

    collection = json.loads((DATA / "la_neighborhood_councils.geojson").read_text("utf-8"))
    ids, names, coordinates, polygons = [], {}, [], []
    for feature in collection["features"]:
        nc_id = str(feature["properties"]["nc_id"])
        polygon = shape(feature["geometry"])
        ids.append(nc_id)
        names[nc_id] = str(feature["properties"]["name"])
        coordinates.append((polygon.centroid.y, polygon.centroid.x))
        polygons.append(polygon)
    raw = np.array(coordinates, dtype=np.float64)
    points = latlon_to_points(raw[:, 0], raw[:, 1])
    return Locations(ids=tuple(ids), raw=raw, points=points, system="latlon"), names, polygons


def council_of(requests: list[Request], locations: Locations, polygons: list[Any]) -> list[int]:
    """Each request's council: the polygon holding its point; without a point, its ``nc_id``
    in the 2017/18 files (the 2020 file numbers councils differently from the GeoJSON: its
    ``nc_id`` 44 is Lake Balboa, the GeoJSON's 44 is Echo Park); -1 when neither works."""
    import shapely

    where = np.full(len(requests), -1, dtype=np.int64)
    located = [i for i, r in enumerate(requests) if r.lat is not None and r.lon is not None]
    lon = np.array([requests[i].lon for i in located], dtype=np.float64)
    lat = np.array([requests[i].lat for i in located], dtype=np.float64)
    rows = np.array(located, dtype=np.int64)
    for k, polygon in enumerate(polygons):
        inside = shapely.contains_xy(polygon, lon, lat)
        where[rows[inside & (where[rows] < 0)]] = k
    index = locations.index()
    for i, request in enumerate(requests):
        if request.lat is None and request.dataset != "la_2020_sample":
            where[i] = index.get(request.nc_id, -1)
    return [int(k) for k in where]


def la_scans(requests: list[Request], replicas: int) -> list[dict[str, Any]]:
    locations, names, polygons = councils()
    council = council_of(requests, locations, polygons)
    results = []
    by_window: dict[str, list[tuple[Request, int]]] = defaultdict(list)
    for request, where in zip(requests, council, strict=True):
        by_window[request.dataset].append((request, where))
    for dataset, pairs in sorted(by_window.items()):
        rows = [r for r, _where in pairs]
        first = min(r.moment.date() for r in rows)
        last = max(r.moment.date() for r in rows)
        types = Counter(r.kind for r in rows)
        for kind, total in types.most_common():
            if total < SCAN_MIN_REQUESTS:
                continue
            mine = [(r, where) for r, where in pairs if r.kind == kind and where >= 0]
            cases = Cases(
                location=np.array([where for _r, where in mine], dtype=np.int64),
                day=np.array([(r.moment.date() - first).days for r, _w in mine], dtype=np.int64),
                start=first,
                end=last,
            )
            parameters = ScanParameters(
                max_radius_km=SCAN_RADIUS_KM,
                max_days=SCAN_MAX_DAYS,
                replicas=replicas,
                seed=SEED,
            )
            began = time.perf_counter()
            result = space_time_permutation_scan(locations, cases, parameters)
            seconds = time.perf_counter() - began
            significant = [c for c in result.clusters if (c.p_value or 1.0) < 0.05]
            results.append(
                {
                    "window": f"{dataset} {first}..{last}",
                    "type": kind,
                    "requests": total,
                    "scanned": cases.total,
                    "significant": len(significant),
                    "top": [
                        {
                            "centre": names[c.center],
                            "councils": len(c.location_ids),
                            "radius_km": round(c.radius_km, 2),
                            "days": f"{c.start}..{c.end}",
                            "observed": c.observed,
                            "expected": round(c.expected, 1),
                            "llr": round(c.test_statistic, 2),
                            "p": c.p_value,
                        }
                        for c in significant[:3]
                    ],
                    "seconds": round(seconds, 2),
                }
            )
    return results


def la_knox(requests: list[Request], replicas: int) -> list[dict[str, Any]]:
    results = []
    for dataset in sorted({r.dataset for r in requests}):
        for kind in KNOX_TYPES:
            rows = [
                r for r in requests if r.dataset == dataset and r.kind == kind and r.lat is not None
            ]
            seen: set[tuple[str, date]] = set()
            distinct = []
            for r in sorted(rows, key=lambda r: r.moment):
                key = (r.address, r.moment.date())
                if not r.address or key not in seen:
                    distinct.append(r)
                seen.add(key)
            public = [r for r in distinct if r.source not in CREW_SOURCES]
            for label, events in (
                ("all", rows),
                ("one per address and day", distinct),
                ("and no crew reports", public),
            ):
                if len(events) < 20:
                    continue
                origin = min(r.moment for r in events)
                lat = np.array([r.lat for r in events], dtype=np.float64)
                lon = np.array([r.lon for r in events], dtype=np.float64)
                x, y = project_latlon(lat, lon)
                times = np.array(
                    [(r.moment - origin).total_seconds() / 86400 for r in events],
                    dtype=np.float64,
                )
                result = knox_test(x, y, times, KNOX_DISTANCES, KNOX_TIMES, replicas, SEED)
                ratio = result.knox_ratio
                results.append(
                    {
                        "window": dataset,
                        "type": kind,
                        "events": label,
                        "n": len(events),
                        "near_cell": {
                            "observed": int(result.observed[0, 0]),
                            "expected": round(float(result.expected[0, 0]), 1),
                            "ratio": round(float(ratio[0, 0]), 2),
                            "p": float(result.p_value[0, 0]),
                        },
                        "significant_cells": [
                            f"{d}/{t}"
                            for d in range(len(KNOX_DISTANCES))
                            for t in range(len(KNOX_TIMES))
                            if result.p_value[d, t] < 0.05 and ratio[d, t] > 1
                        ],
                        "seconds": round(result.seconds, 2),
                    }
                )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=999)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.replicas < 1:
        parser.error("--replicas must be at least 1")
    if not DATA.is_dir():
        print(f"skipped: {DATA} is not there (the shared 311 data set is optional)")
        return 0
    report: dict[str, Any] = {"load_before": load_average()}
    began = time.perf_counter()
    report["nyc_surges"] = nyc_surges()
    report["nyc_seconds"] = round(time.perf_counter() - began, 2)
    began = time.perf_counter()
    requests = la_requests()
    report["la_read_seconds"] = round(time.perf_counter() - began, 2)
    began = time.perf_counter()
    report["la_scans"] = la_scans(requests, args.replicas)
    report["la_scan_seconds"] = round(time.perf_counter() - began, 2)
    began = time.perf_counter()
    report["la_knox"] = la_knox(requests, args.replicas)
    report["la_knox_seconds"] = round(time.perf_counter() - began, 2)
    report["load_after"] = load_average()
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        print_report(report)
    return 0


def print_report(report: dict[str, Any]) -> None:
    print(f"load average before: {report['load_before']}, after: {report['load_after']}")
    nyc = report["nyc_surges"]
    print(f"\nNYC animal complaints {nyc['start']}..{nyc['end']} ({report['nyc_seconds']} s)")
    for name, entry in nyc["series"].items():
        print(
            f"  {name}: {entry['cases']} cases; alarm days {entry['alarm_days']}; "
            f"alerts {entry['alerts']}; {entry['seconds']} s"
        )
        print(f"    yellow+ by year: {entry['yellow_or_above_by_year']}")
        for e in entry["strongest"]:
            print(f"    {e['day']} {e['count']} vs {e['expected']} ({e['level']})")
    print(f"\nLA space-time scans ({report['la_scan_seconds']} s)")
    for entry in report["la_scans"]:
        print(
            f"  {entry['window']} {entry['type']}: {entry['scanned']}/{entry['requests']} "
            f"scanned, {entry['significant']} clusters p<0.05, {entry['seconds']} s"
        )
        for c in entry["top"]:
            print(
                f"    {c['centre']} +{c['councils'] - 1} ({c['radius_km']} km) {c['days']}: "
                f"{c['observed']} vs {c['expected']}, LLR {c['llr']}, p {c['p']}"
            )
    print(f"\nLA Knox ({report['la_knox_seconds']} s)")
    for entry in report["la_knox"]:
        cell = entry["near_cell"]
        print(
            f"  {entry['window']} {entry['type']} ({entry['events']}, n={entry['n']}): "
            f"<=0.1 km & <=0.5 d {cell['observed']} vs {cell['expected']} "
            f"(ratio {cell['ratio']}, p {cell['p']}); significant cells "
            f"{entry['significant_cells']}; {entry['seconds']} s"
        )


if __name__ == "__main__":
    raise SystemExit(main())
