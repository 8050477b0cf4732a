"""Space-time permutation scan vs SaTScan 10.3.2 on its NYCfever sample and the synthetic city.

Run from the repository root::

    python bench/stscan.py [--variants nyc_retro,nyc_prosp,synth_retro,...] [--replicas 999]
                           [--seed 20240601] [--json]

For each variant it reads the same ``.cas``/``.geo`` files and parameters SaTScan was run with
(``../shared/data/satscan/``; the ``.prm`` files there), runs our scan with ``--replicas`` Monte
Carlo replicas and compares with SaTScan's own results files:

* clusters: centre, location set, first and last day, observed cases, test statistic (to 1e-6),
  for every cluster SaTScan reported (its ``.col.txt``/``.gis.txt``);
* p-values computed from SaTScan's own replica maxima (``.llr.txt``): must equal SaTScan's;
* our own Monte Carlo p-values: largest difference from SaTScan's, in standard errors;
* wall and CPU seconds, next to SaTScan's (its ``.time.log``: elapsed and user seconds).

The variant ``synth_retro_nocap`` (circles up to half of all cases, no distance cap; ~8 times
the cylinders) is not in the default list. Exit status 1 if any cluster differs.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse
import json
import math
import platform
import re
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np

from fengqiao.alerts.satscan_io import (
    read_cases,
    read_geo,
    read_satscan_clusters,
    read_satscan_replicas,
)
from fengqiao.alerts.stscan import ScanParameters, SpaceTimePermutationScan

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "satscan"
ROUNDING = 5e-7  # SaTScan prints test statistics with 6 decimals


@dataclass(frozen=True)
class Variant:
    name: str
    folder: str
    stem: str
    cas: str
    geo: str
    coordinates: str
    start: date
    end: date
    radius_km: float
    prospective: bool
    outside: str = "error"


VARIANTS = {
    v.name: v
    for v in [
        Variant(
            "nyc_retro", "nycfever", "nyc_retrospective_stdmc", "NYCfever.cas", "NYCfever.geo",
            "latlon", date(2001, 11, 1), date(2001, 11, 24), 3.0, False,
        ),
        Variant(
            "nyc_prosp", "nycfever", "nyc_prospective_stdmc", "NYCfever.cas", "NYCfever.geo",
            "latlon", date(2001, 11, 1), date(2001, 11, 24), 3.0, True,
        ),
        Variant(
            "synth_retro", "synth", "synth_retro", "synth.cas", "synth.geo",
            "cartesian", date(2023, 1, 1), date(2023, 12, 31), 3.0, False,
        ),
        Variant(
            "synth_prosp365", "synth", "synth_prosp365", "synth.cas", "synth.geo",
            "cartesian", date(2023, 1, 1), date(2023, 12, 31), 3.0, True,
        ),
        Variant(
            "synth_prosp30", "synth", "synth_prosp30", "synth.cas", "synth.geo",
            "cartesian", date(2023, 12, 2), date(2023, 12, 31), 3.0, True, "ignore",
        ),
        Variant(
            "synth_retro_nocap", "synth", "synth_retro_nocap", "synth.cas", "synth.geo",
            "cartesian", date(2023, 1, 1), date(2023, 12, 31), 1e6, False,
        ),
    ]
}  # fmt: skip
DEFAULT = "nyc_retro,nyc_prosp,synth_retro,synth_prosp365,synth_prosp30"


def satscan_seconds(log: Path) -> tuple[float, float]:
    """SaTScan's elapsed wall and user CPU seconds from its ``/usr/bin/time -v`` log."""
    text = log.read_text()
    user = float(re.search(r"User time \(seconds\): ([\d.]+)", text)[1])  # type: ignore[index]
    clock = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", text)
    assert clock is not None
    hours = float(clock[1] or 0)
    return round(hours * 3600 + float(clock[2]) * 60 + float(clock[3]), 2), user


def run_variant(variant: Variant, replicas: int, seed: int) -> dict[str, Any]:
    folder = DATA / variant.folder
    stem = folder / variant.stem
    reference = read_satscan_clusters(stem)
    their_replicas = read_satscan_replicas(stem)
    locations = read_geo(folder / variant.geo, variant.coordinates)  # type: ignore[arg-type]
    cases = read_cases(
        folder / variant.cas,
        locations,
        variant.start,
        variant.end,
        outside=variant.outside,  # type: ignore[arg-type]
    )
    parameters = ScanParameters(
        max_radius_km=variant.radius_km,
        max_days=7,
        replicas=replicas,
        seed=seed,
        prospective=variant.prospective,
    )
    wall0, cpu0 = time.perf_counter(), time.process_time()
    scan = SpaceTimePermutationScan(locations, cases, parameters)
    result = scan.run()
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    candidates = scan.candidates()
    mismatches: list[str] = []
    with_their_replicas = []
    for rank, cluster in enumerate(candidates):
        exceed = int((their_replicas >= cluster.test_statistic - ROUNDING).sum())
        if rank == 0 or exceed < their_replicas.size:
            with_their_replicas.append((cluster, (exceed + 1) / (their_replicas.size + 1)))
    if len(with_their_replicas) != len(reference):
        mismatches.append(
            f"{len(with_their_replicas)} clusters reported with SaTScan's replicas, "
            f"SaTScan reported {len(reference)}"
        )
    p_equal = True
    for (cluster, p_theirs_replicas), theirs in zip(with_their_replicas, reference, strict=False):
        same = (
            cluster.center == theirs.center
            and set(cluster.location_ids) == theirs.location_ids
            and (cluster.start, cluster.end) == (theirs.start, theirs.end)
            and cluster.observed == theirs.observed
            and abs(cluster.test_statistic - theirs.test_statistic) <= 1e-6
        )
        if not same:
            mismatches.append(f"cluster {theirs.rank}: ours {cluster} vs SaTScan {theirs}")
        p_equal &= abs(p_theirs_replicas - theirs.p_value) < 1e-9
    ours = {c.center: c for c in result.clusters}
    z_scores = []
    for theirs in reference:
        mine = ours.get(theirs.center)
        if mine is None or mine.p_value is None:
            continue
        p = theirs.p_value
        error = math.sqrt(max(p * (1 - p), 1e-3) * (1 / (replicas + 1) + 1 / 1000))
        z_scores.append(abs(mine.p_value - p) / error)
    their_wall, their_user = satscan_seconds(stem.with_suffix(".time.log"))
    return {
        "variant": variant.name,
        "cases": cases.total,
        "locations": len(locations.ids),
        "days": cases.days,
        "circles": int(scan.circles.order.size),
        "replicas": replicas,
        "seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "satscan_seconds": their_wall,
        "satscan_cpu_seconds": their_user,
        "satscan_clusters": len(reference),
        "clusters_match": not mismatches,
        "p_values_match_with_satscan_replicas": p_equal,
        "our_clusters_reported": len(result.clusters),
        "max_p_value_difference_in_standard_errors": round(max(z_scores, default=0.0), 2),
        "our_p_values": [c.p_value for c in result.clusters[: len(reference)]],
        "satscan_p_values": [c.p_value for c in reference],
        "mismatches": mismatches,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variants", default=DEFAULT, help=f"comma-separated, of {list(VARIANTS)}")
    parser.add_argument("--replicas", type=int, default=999)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"SaTScan peer data not found at {DATA}; nothing to compare.", file=sys.stderr)
        return 0
    # Compile the kernels before timing anything (numba caches them on disk afterwards).
    run_variant(VARIANTS["nyc_retro"], 1, 1)
    rows = [
        run_variant(VARIANTS[name], args.replicas, args.seed) for name in args.variants.split(",")
    ]
    load = os.getloadavg()
    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "cpus": os.cpu_count(),
        "load_average_after": [round(v, 2) for v in load],
    }
    if args.json:
        print(json.dumps({"meta": meta, "rows": rows}, indent=2, default=str))
    else:
        print(
            f"Date {meta['date']}, Python {meta['python']}, numpy {meta['numpy']}, "
            f"{meta['cpus']} CPUs, load average after the run {meta['load_average_after']}\n"
        )
        print(
            "| variant | cases | circles | replicas | seconds (CPU) | SaTScan seconds (CPU) "
            "| clusters = SaTScan | p = SaTScan with its replicas | our p, max diff (SE) |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: |")
        for r in rows:
            print(
                f"| {r['variant']} | {r['cases']:,} | {r['circles']:,} | {r['replicas']} "
                f"| {r['seconds']} ({r['cpu_seconds']}) "
                f"| {r['satscan_seconds']} ({r['satscan_cpu_seconds']}) "
                f"| {'yes' if r['clusters_match'] else 'NO'} ({r['satscan_clusters']}) "
                f"| {'yes' if r['p_values_match_with_satscan_replicas'] else 'NO'} "
                f"| {r['max_p_value_difference_in_standard_errors']} |"
            )
        for r in rows:
            for line in r["mismatches"]:
                print(f"{r['variant']}: {line}")
    return 0 if all(r["clusters_match"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
