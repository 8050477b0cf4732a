"""Benchmark of the surge methods (fengqiao.alerts.surveillance) on simulated daily counts.

Run from the repository root::

    python bench/surges.py [--series 20] [--seed 2026] [--json]

For each baseline level (1, 5 and 20 reports a day on average) it simulates ``--series`` two-year
daily series: Poisson counts with a weekly rhythm (weekends at 60 %) and an annual one (±30 %,
peaking in summer). Into the second year it injects six outbreaks per series, one of each size
(2 and 4 baseline standard deviations extra a day, i.e. ``size·sqrt(μ)``, at least one case)
and duration (1, 3 and 7 days), at random starts at least 45 days apart. Every method runs with
its defaults on every series and is scored on the second year only, and so is the product's
combination of them (``combined_level`` over EARS C2, C3, CUSUM and the seasonal baseline, with
at least 3 cases in the last three days), counting any level and yellow or above:

- detection rate: the share of outbreaks with an alarm on one of their days;
- days to detection: median of (first alarm day - outbreak start), over detected outbreaks;
- false alarms per 100 days: alarm days outside outbreaks and the 7 days after each, per 100
  such days.
"""

from __future__ import annotations

import os
import sys

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import date  # noqa: E402

import numpy as np  # noqa: E402
import numpy.typing as npt  # noqa: E402

from fengqiao.alerts.surveillance import (  # noqa: E402
    METHODS,
    combined_level,
    run,
    seasonal_baseline,
)

START = date(2025, 1, 6)  # a Monday
DAYS = 730
EVALUATED = slice(365, DAYS)
LEVELS = (1.0, 5.0, 20.0)
SIZES = (2.0, 4.0)
DURATIONS = (1, 3, 7)
AFTERGLOW = 7  # days after an outbreak that count neither way
MIN_CASES = 3  # the product's default: a surge needs 3 cases in its last three days
# The product's combined rule (detectors.run_surges): any level, and yellow or above.
COMBINED = ("Product: any level", "Product: yellow+")


@dataclass
class Outbreak:
    start: int
    days: int
    size: float


@dataclass
class Tally:
    outbreaks: dict[tuple[float, int], list[int]] = field(default_factory=dict)  # delays, -1 missed
    false_alarm_days: int = 0
    quiet_days: int = 0
    seconds: float = 0.0

    def add_outbreak(self, key: tuple[float, int], delay: int) -> None:
        self.outbreaks.setdefault(key, []).append(delay)


def simulate(
    rng: np.random.Generator, level: float
) -> tuple[npt.NDArray[np.float64], list[Outbreak]]:
    t = np.arange(DAYS)
    weekday = (START.weekday() + t) % 7
    weekly = np.where(weekday >= 5, 0.6, 1.0)
    annual = 1 + 0.3 * np.sin(2 * np.pi * (t - 100) / 365.25)
    mean = level * weekly * annual
    counts = rng.poisson(mean).astype(np.float64)
    outbreaks: list[Outbreak] = []
    combos = [(s, d) for s in SIZES for d in DURATIONS]
    rng.shuffle(combos)
    # Six slots of 60 days in the second year, one outbreak at a random offset in each.
    for slot, (size, duration) in enumerate(combos):
        begin = 365 + slot * 60 + int(rng.integers(0, 60 - duration - AFTERGLOW))
        extra = np.maximum(1.0, size * np.sqrt(mean[begin : begin + duration]))
        counts[begin : begin + duration] += rng.poisson(extra)
        outbreaks.append(Outbreak(begin, duration, size))
    return counts, outbreaks


def product_levels(
    counts: npt.NDArray[np.float64],
    alarms: dict[str, npt.NDArray[np.bool_]],
    expected: npt.NDArray[np.float64],
) -> npt.NDArray[np.int64]:
    """Per day the product's level (0 none, 1 blue, 2 yellow, 3 orange, 4 red)."""
    rank = {None: 0, "blue": 1, "yellow": 2, "orange": 3, "red": 4}
    levels = np.zeros(DAYS, dtype=np.int64)
    for t in range(EVALUATED.start, DAYS):
        if counts[t] == 0 or counts[t - 2 : t + 1].sum() < MIN_CASES:
            continue
        others = int(alarms["C2"][t]) + int(alarms["C3"][t]) + int(alarms["CUSUM"][t])
        level = combined_level(bool(alarms["Seasonal"][t]), others, counts[t], expected[t])
        levels[t] = rank[level]
    return levels


def score(alarm: npt.NDArray[np.bool_], outbreaks: list[Outbreak], tally: Tally) -> None:
    quiet = np.zeros(DAYS, dtype=bool)
    quiet[EVALUATED] = True
    for ob in outbreaks:
        hits = np.flatnonzero(alarm[ob.start : ob.start + ob.days])
        tally.add_outbreak((ob.size, ob.days), int(hits[0]) if hits.size else -1)
        quiet[ob.start : ob.start + ob.days + AFTERGLOW] = False
    tally.false_alarm_days += int(np.sum(alarm & quiet))
    tally.quiet_days += int(np.sum(quiet))


def bench(series: int, seed: int) -> dict[str, dict[str, Tally]]:
    rng = np.random.default_rng(seed)
    results: dict[str, dict[str, Tally]] = {}
    for level in LEVELS:
        per_method = {method: Tally() for method in (*METHODS, *COMBINED)}
        for _ in range(series):
            counts, outbreaks = simulate(rng, level)
            alarms: dict[str, npt.NDArray[np.bool_]] = {}
            seasonal = None
            for method in METHODS:
                began = time.perf_counter()
                if method == "Seasonal":  # each day costs a fit: evaluate the scored year only
                    seasonal = seasonal_baseline(counts, START, days=np.arange(365, DAYS))
                    alarms[method] = seasonal.alarm
                else:
                    alarms[method] = run(method, counts, START).alarm
                per_method[method].seconds += time.perf_counter() - began
                score(alarms[method], outbreaks, per_method[method])
            assert seasonal is not None
            levels = product_levels(counts, alarms, seasonal.expected)
            score(levels >= 1, outbreaks, per_method[COMBINED[0]])
            score(levels >= 2, outbreaks, per_method[COMBINED[1]])
        results[f"{level:g}"] = per_method
    return results


def summarise(results: dict[str, dict[str, Tally]]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for level, per_method in results.items():
        for method, tally in per_method.items():
            row: dict[str, object] = {"level": level, "method": method}
            all_delays: list[int] = []
            for (size, days), delays in sorted(tally.outbreaks.items()):
                found = [d for d in delays if d >= 0]
                row[f"det {size:g}sd×{days}d"] = round(len(found) / len(delays), 2)
                all_delays += found
            row["detected"] = round(
                sum(len([d for d in v if d >= 0]) for v in tally.outbreaks.values())
                / sum(len(v) for v in tally.outbreaks.values()),
                2,
            )
            row["days to detect (median)"] = float(np.median(all_delays)) if all_delays else None
            row["false alarms /100 days"] = round(
                100 * tally.false_alarm_days / max(1, tally.quiet_days), 2
            )
            row["seconds"] = round(tally.seconds, 2)
            rows.append(row)
    return rows


def markdown(rows: list[dict[str, object]]) -> str:
    headers = list(rows[0])
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(row[h]) for h in headers) + " |" for row in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--series", type=int, default=20, help="series per baseline level")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.series < 1:
        parser.error("--series must be at least 1")
    began = time.perf_counter()
    rows = summarise(bench(args.series, args.seed))
    elapsed = time.perf_counter() - began
    if args.json:
        print(json.dumps({"rows": rows, "seconds": elapsed}, ensure_ascii=False, indent=1))
        return
    print(f"python {platform.python_version()}, {args.series} series per level, seed {args.seed}")
    print(f"total {elapsed:.1f} s\n")
    print(markdown(rows))


if __name__ == "__main__":
    main()
