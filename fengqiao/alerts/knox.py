"""Near-repeat analysis (近重复模式): the Knox test with Monte Carlo significance.

Knox (1964) counted pairs of events that are close in both space and time; if events are
contagious (a burglary, a gas leak or a dispute raising the risk nearby for a few days) there are
more such pairs than chance allows. Following Ratcliffe's Near Repeat Calculator (Ratcliffe &
Rengert 2008), every pair of events falls in one cell of a table of distance bands x time bands;
the times are shuffled among the events many times (locations fixed), and each cell reports the
observed pair count, the mean count over the shuffles (expected), their ratio (the Knox ratio)
and the Monte Carlo p-value ``(1 + #shuffles with at least the observed count) / (shuffles + 1)``.

Bands are right-closed: with distance edges ``[0.1, 0.2]`` km the bands are ``[0, 0.1]``,
``(0.1, 0.2]`` and a last "beyond" row; time edges in days work the same way (with whole days,
edges ``[7, 14]`` give 0-7, 8-14 and beyond).

Cost: pairs closer than the largest distance edge are found once with a uniform grid (cells as
wide as that distance), so memory grows with the number of near pairs, not with n^2; each shuffle
only recomputes those pairs' time gaps and counts them (a compiled loop). The "beyond distance"
row needs every pair, but the multiset of all pairwise time gaps does not change when times are
shuffled, so that row is the all-pairs count per time band (once, from the sorted times) minus
the near pairs. Framework-free: no Django settings.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field

import numba
import numpy as np
import numpy.typing as npt

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius, for the local projection of latitude/longitude to kilometres."""

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class KnoxParameterError(ValueError):
    """Inputs the Knox test cannot run with; the message names the parameter."""


@dataclass(frozen=True)
class KnoxResult:
    """Tables of shape (distance bands + 1, time bands + 1); the last row and column are
    "beyond the largest edge"."""

    distance_edges: tuple[float, ...]
    time_edges: tuple[float, ...]
    observed: IntArray
    expected: FloatArray
    p_value: FloatArray
    iterations: int
    near_pairs: int
    seconds: float
    exceed: IntArray = field(repr=False)

    @property
    def knox_ratio(self) -> FloatArray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.expected > 0, self.observed / self.expected, np.nan)

    def as_json(self) -> dict[str, object]:
        cells = []
        for d in range(self.observed.shape[0]):
            for t in range(self.observed.shape[1]):
                ratio = float(self.knox_ratio[d, t])
                cells.append(
                    {
                        "distance_band": _band_label(self.distance_edges, d),
                        "time_band": _band_label(self.time_edges, t),
                        "observed": int(self.observed[d, t]),
                        "expected": float(self.expected[d, t]),
                        "knox_ratio": None if math.isnan(ratio) else ratio,
                        "p_value": float(self.p_value[d, t]),
                    }
                )
        return {
            "distance_edges_km": list(self.distance_edges),
            "time_edges_days": list(self.time_edges),
            "iterations": self.iterations,
            "near_pairs": self.near_pairs,
            "cells": cells,
            "seconds": round(self.seconds, 3),
        }


def _band_label(edges: tuple[float, ...], band: int) -> str:
    if band == len(edges):
        return f">{edges[-1]:g}"
    low = 0.0 if band == 0 else edges[band - 1]
    return f"{low:g}-{edges[band]:g}"


def project_latlon(latitude: FloatArray, longitude: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Kilometres east and north of the mean point (equirectangular; fine within a city)."""
    lat0 = math.radians(float(np.mean(latitude)))
    x = np.radians(longitude - np.mean(longitude)) * EARTH_RADIUS_KM * math.cos(lat0)
    y = np.radians(latitude - np.mean(latitude)) * EARTH_RADIUS_KM
    return x, y


def near_pairs(
    x: FloatArray, y: FloatArray, max_distance: float
) -> tuple[IntArray, IntArray, FloatArray]:
    """All pairs ``i < j`` no farther apart than ``max_distance``, with their distances.

    Points are binned in square cells ``max_distance`` wide; a pair can only be near if its
    cells touch, so each cell is joined with itself and four of its eight neighbours (the other
    four are covered from the other side).
    """
    n = x.size
    if n < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float64)
    cx = np.floor((x - x.min()) / max_distance).astype(np.int64) + 1
    cy = np.floor((y - y.min()) / max_distance).astype(np.int64) + 1
    height = int(cy.max()) + 2
    key = cx * height + cy
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    firsts: list[IntArray] = []
    seconds: list[IntArray] = []
    for dx, dy in ((0, 0), (1, -1), (1, 0), (1, 1), (0, 1)):
        target = sorted_key + dx * height + dy
        low = np.searchsorted(sorted_key, target, side="left")
        high = np.searchsorted(sorted_key, target, side="right")
        if dx == 0 and dy == 0:
            low = np.arange(n, dtype=np.int64) + 1  # same cell: only later points
        counts = np.maximum(high - low, 0)
        total = int(counts.sum())
        if total == 0:
            continue
        starts = np.cumsum(counts) - counts
        position = np.repeat(low - starts, counts) + np.arange(total, dtype=np.int64)
        a = np.repeat(order, counts)
        b = order[position]
        distance = np.hypot(x[a] - x[b], y[a] - y[b])
        near = distance <= max_distance
        firsts.append(np.minimum(a[near], b[near]))
        seconds.append(np.maximum(a[near], b[near]))
    if not firsts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float64)
    first = np.concatenate(firsts)
    second = np.concatenate(seconds)
    return first, second, np.hypot(x[first] - x[second], y[first] - y[second])


@numba.njit(cache=True)
def _count_cells(
    first: IntArray,
    second: IntArray,
    distance_band: npt.NDArray[np.int8],
    times: FloatArray,
    time_edges: FloatArray,
    counts: IntArray,
) -> None:
    """Add each near pair to its (distance band, time band) cell of ``counts``."""
    n_time = time_edges.size
    counts[:] = 0
    for p in range(first.size):
        gap = abs(times[first[p]] - times[second[p]])
        band = 0
        while band < n_time and gap > time_edges[band]:
            band += 1
        counts[distance_band[p], band] += 1


def _all_pair_time_counts(times: FloatArray, time_edges: FloatArray) -> IntArray:
    """Pairs of all events per time band (shuffling times leaves this unchanged)."""
    ordered = np.sort(times)
    n = ordered.size
    index = np.arange(n)
    within = [
        int((np.searchsorted(ordered, ordered + edge, side="right") - index - 1).sum())
        for edge in time_edges
    ]
    cumulative = np.array([*within, n * (n - 1) // 2], dtype=np.int64)
    return np.diff(cumulative, prepend=0)


def knox_test(
    x: FloatArray,
    y: FloatArray,
    times: FloatArray,
    distance_edges: list[float],
    time_edges: list[float],
    iterations: int,
    seed: int,
) -> KnoxResult:
    """Knox table of near-repeat pairs for events at ``(x, y)`` km on day ``times``."""
    began = time.perf_counter()
    _validate(x, y, times, distance_edges, time_edges, iterations)
    d_edges = np.asarray(distance_edges, dtype=np.float64)
    t_edges = np.asarray(time_edges, dtype=np.float64)
    first, second, distance = near_pairs(x, y, float(d_edges[-1]))
    distance_band = np.searchsorted(d_edges, distance, side="left").astype(np.int8)
    shape = (d_edges.size, t_edges.size + 1)
    observed_near = np.zeros(shape, dtype=np.int64)
    _count_cells(first, second, distance_band, times, t_edges, observed_near)
    # All pairs per time band: the multiset of time gaps does not change when times are
    # shuffled, so each shuffle's "beyond distance" row is this minus its near pairs.
    all_pairs = _all_pair_time_counts(times, t_edges)
    observed = np.vstack([observed_near, all_pairs - observed_near.sum(axis=0)])
    rng = np.random.default_rng(seed)
    total = np.zeros(observed.shape, dtype=np.int64)
    exceed = np.zeros(observed.shape, dtype=np.int64)
    shuffled = np.zeros(shape, dtype=np.int64)
    for _ in range(iterations):
        _count_cells(first, second, distance_band, rng.permutation(times), t_edges, shuffled)
        table = np.vstack([shuffled, all_pairs - shuffled.sum(axis=0)])
        total += table
        exceed += table >= observed
    return KnoxResult(
        distance_edges=tuple(float(e) for e in d_edges),
        time_edges=tuple(float(e) for e in t_edges),
        observed=observed,
        expected=total / iterations,
        p_value=(exceed + 1) / (iterations + 1),
        iterations=iterations,
        near_pairs=int(first.size),
        seconds=time.perf_counter() - began,
        exceed=exceed,
    )


def _validate(
    x: FloatArray,
    y: FloatArray,
    times: FloatArray,
    distance_edges: list[float],
    time_edges: list[float],
    iterations: int,
) -> None:
    if not (x.size == y.size == times.size):
        raise KnoxParameterError("x, y and times must have the same length")
    if x.size < 2:
        raise KnoxParameterError("the Knox test needs at least two events")
    if not (np.isfinite(x).all() and np.isfinite(y).all() and np.isfinite(times).all()):
        raise KnoxParameterError("coordinates and times must be finite numbers")
    for name, edges in (("--distance-bands", distance_edges), ("--time-bands", time_edges)):
        if not edges:
            raise KnoxParameterError(f"{name} needs at least one band edge")
        if edges[0] <= 0 or any(b <= a for a, b in itertools.pairwise(edges)):
            raise KnoxParameterError(f"{name} must be positive and increasing, not {edges}")
    if len(distance_edges) > 127:
        raise KnoxParameterError("--distance-bands allows at most 127 bands")
    if iterations < 1:
        raise KnoxParameterError(f"--iterations must be at least 1, not {iterations}")
