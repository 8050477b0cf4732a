"""Knox near-repeat test at the sizes of issue 9, on generated events with near repeats.

Run from the repository root::

    python bench/knox.py [--seed 7] [--json]

Two runs, 5 distance bands of 100 m x 4 time bands of 7 days (Ratcliffe's Near Repeat
Calculator layout): 12,000 events with 99 iterations (goal <= 2 s) and 50,000 events with 999
iterations (goal <= 60 s and < 1 GB). Events are spread over a 20 km x 20 km district and one
year; 10 % of them are near repeats of an earlier event (within 150 m and 10 days), so the first
cells must come out significant. Each run is timed in a fresh child process, which reports its
peak resident memory (``ru_maxrss``); the numba kernel is compiled (and cached) beforehand.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse
import json
import platform
import resource
import subprocess
import time
from datetime import UTC, datetime
from typing import Any

import numpy as np

from fengqiao.alerts.knox import knox_test

DISTANCES = [0.1, 0.2, 0.3, 0.4, 0.5]
TIMES = [7.0, 14.0, 21.0, 28.0]
RUNS = [(12_000, 99, 2.0), (50_000, 999, 60.0)]


def events(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    base = n - n // 10
    x = rng.uniform(0, 20, base)
    y = rng.uniform(0, 20, base)
    t = rng.integers(0, 365, base).astype(np.float64)
    parent = rng.integers(0, base, n - base)
    angle = rng.uniform(0, 2 * np.pi, n - base)
    step = rng.uniform(0, 0.15, n - base)
    x = np.concatenate([x, x[parent] + step * np.cos(angle)])
    y = np.concatenate([y, y[parent] + step * np.sin(angle)])
    t = np.concatenate([t, t[parent] + rng.integers(0, 11, n - base)])
    return x, y, t


def child(n: int, iterations: int, seed: int) -> dict[str, Any]:
    x, y, t = events(n, seed)
    began = time.perf_counter()
    cpu = time.process_time()
    result = knox_test(x, y, t, DISTANCES, TIMES, iterations, seed)
    return {
        "events": n,
        "iterations": iterations,
        "seconds": round(time.perf_counter() - began, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "near_pairs": result.near_pairs,
        "knox_ratio_first_cell": round(float(result.knox_ratio[0, 0]), 2),
        "p_value_first_cell": float(result.p_value[0, 0]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], args.child[1], args.seed)))
        return 0
    knox_test(*events(200, 1), DISTANCES, TIMES, 2, 1)  # compile and cache the kernel
    rows = []
    for n, iterations, goal in RUNS:
        output = subprocess.run(  # noqa: S603 - our own script, fixed arguments
            [
                sys.executable,
                __file__,
                "--seed",
                str(args.seed),
                "--child",
                str(n),
                str(iterations),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        rows.append(json.loads(output) | {"goal_seconds": goal})
    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "load_average_after": [round(v, 2) for v in os.getloadavg()],
    }
    if args.json:
        print(json.dumps({"meta": meta, "rows": rows}, indent=2))
    else:
        print(
            f"Date {meta['date']}, Python {meta['python']}, numpy {meta['numpy']}, "
            f"load average after the run {meta['load_average_after']}\n"
        )
        print(
            "| events | iterations | near pairs (<= 500 m) | seconds (CPU) | goal | peak RSS "
            "| Knox ratio 0-100 m x 0-7 d | p |"
        )
        print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for r in rows:
            print(
                f"| {r['events']:,} | {r['iterations']} | {r['near_pairs']:,} "
                f"| {r['seconds']} ({r['cpu_seconds']}) | {r['goal_seconds']} s "
                f"| {r['peak_rss_mb']} MB | {r['knox_ratio_first_cell']} "
                f"| {r['p_value_first_cell']} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
