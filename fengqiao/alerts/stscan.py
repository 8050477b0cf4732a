"""Kulldorff's space-time permutation scan statistic (时空重排扫描统计), as SaTScan computes it.

Kulldorff, Heffernan, Hartman, Assunção & Mostashari (2005), "A space-time permutation scan
statistic for disease outbreak detection", PLoS Medicine 2(3): e59. Only case counts by location
and day are needed: the expected count of location z on day d is ``C_z * C_d / C`` (row total times
column total over the grand total), so a cylinder - a circle of locations times a run of days -
expects ``C_circle * C_window / C`` cases. A cylinder with ``c`` observed and ``mu`` expected cases
(``c > mu``, at least two cases) scores the log-likelihood ratio

    c log(c / mu) + (C - c) log((C - c) / (C - mu)).

Cylinders follow SaTScan 10.3.2: around every location a circle grows one neighbour at a time,
nearest first (ties at equal distance broken by the smaller coordinates), while the neighbour lies
within the maximum radius and the circle holds at most ``max_share`` of all cases; every run of 1
to ``max_days`` days is tried (retrospective), or only runs ending on the last day (prospective).
Every circle offers its best window (the first one found on ties); these are sorted by the test
statistic (ties: fewer locations first, then lower centre index) and a cylinder is kept as a
secondary cluster unless it shares a location and a day with a more likely kept one - what
SaTScan 10.3.2 reports on its reference data (docs/scan-statistics.md explains why).

Significance is by Monte Carlo: the days of the cases are shuffled among the cases (which keeps
every location's and every day's total, so every cylinder's expected count stays fixed) and the
maximum statistic of each replica is recorded; a cluster's p-value is ``(1 + #replicas with a
maximum >= its statistic) / (replicas + 1)``. Prospective replicas scan the same alive windows.
Secondary clusters are reported while some replica's maximum is below their statistic (SaTScan's
rule), the most likely cluster always.

Speed: the cylinder expectations never change, so per replica only the case counts are rebuilt
(one ``bincount``), cumulated over days, and scanned by a compiled kernel (numba) that adds one
neighbour's cumulative row per circle and screens every window with one subtraction and one
table look-up against a floor the replica's maximum is known to reach; logarithms are only taken
for windows that beat it.
Framework-free: imports without Django settings.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import numba
import numpy as np
import numpy.typing as npt

from fengqiao.alerts.satscan_io import Cases, Locations

MIN_CASES = 2
"""SaTScan's minimum number of cases in a high-rate cluster (its default, kept fixed)."""
MIN_RATIO_TO_REPORT = 0.001
"""SaTScan does not report secondary clusters with a smaller test statistic."""
MAX_RANKED_CLUSTERS = 500
"""SaTScan ranks at most this many candidate clusters when looking for secondary clusters."""
TIE_TOLERANCE = 1e-9
"""Two test statistics closer than this are treated as equal (ranking and p-value counts)."""
SMALL_SCAN = 5_000_000
"""Scans with fewer cylinders than this run their replicas on one thread."""
BATCH = 32
"""Replicas scanned together, one per thread at a time (memory: a location x day matrix each)."""


IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


class ScanParameterError(ValueError):
    """Parameters no scan can run with; the message names the parameter."""


@dataclass(frozen=True)
class ScanParameters:
    """What to scan. ``max_share`` is the largest share of all cases a circle may hold."""

    max_radius_km: float
    max_days: int
    replicas: int
    seed: int
    max_share: float = 0.5
    prospective: bool = False

    def check(self) -> None:
        """Errors that need no data (run before reading files)."""
        if not (self.max_radius_km > 0 and math.isfinite(self.max_radius_km)):
            raise ScanParameterError(
                f"--max-radius-km must be a positive number of kilometres, not {self.max_radius_km}"
            )
        if self.max_days < 1:
            raise ScanParameterError(f"--max-days must be at least 1, not {self.max_days}")
        if not 0 < self.max_share <= 0.5:
            raise ScanParameterError(f"--max-share must be in (0, 0.5], not {self.max_share}")
        if self.replicas < 0:
            raise ScanParameterError(f"--replicas must be 0 or more, not {self.replicas}")

    def validate(self, cases: Cases) -> None:
        self.check()
        if self.max_days > cases.days:
            raise ScanParameterError(
                f"--max-days {self.max_days} is longer than the study period ({cases.days} days)"
            )
        if cases.total == 0:
            raise ScanParameterError("there are no cases in the study period")


@dataclass(frozen=True)
class Cluster:
    """One reported space-time cluster (时空聚集)."""

    center: str
    location_ids: tuple[str, ...]
    radius_km: float
    start: date
    end: date
    observed: int
    expected: float
    test_statistic: float
    p_value: float | None

    def as_json(self) -> dict[str, object]:
        return {
            "center": self.center,
            "location_ids": list(self.location_ids),
            "radius_km": self.radius_km,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "observed": self.observed,
            "expected": self.expected,
            "test_statistic": self.test_statistic,
            "p_value": self.p_value,
        }


@dataclass(frozen=True)
class ScanResult:
    clusters: list[Cluster]
    replicas: int
    replica_maxima: FloatArray = field(repr=False)
    seconds: float

    def as_json(self) -> dict[str, object]:
        return {
            "clusters": [cluster.as_json() for cluster in self.clusters],
            "replicas": self.replicas,
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class Circles:
    """Every circle of the scan: for centre ``i``, neighbours ``order[ptr[i]:ptr[i + 1]]`` in the
    order they join, and their distances; circle ``k`` of centre ``i`` is its first ``k + 1``."""

    ptr: IntArray
    order: IntArray
    distance: FloatArray


def build_circles(
    locations: Locations, location_totals: IntArray, max_radius_km: float, max_cases: float
) -> Circles:
    """Neighbours of each location within the radius, nearest first, while the circle holds at
    most ``max_cases`` cases (SaTScan stops at the first neighbour that would exceed it)."""
    points = locations.points
    n = points.shape[0]
    # Ties at equal distance: the smaller coordinates (first axis first) join first, as in SaTScan.
    tie_keys = [points[:, axis] for axis in reversed(range(points.shape[1]))]
    ptr = np.zeros(n + 1, dtype=np.int64)
    orders: list[IntArray] = []
    distances: list[FloatArray] = []
    for centre in range(n):
        distance = np.sqrt(((points - points[centre]) ** 2).sum(axis=1))
        inside = np.flatnonzero(distance <= max_radius_km)
        ranked = inside[np.lexsort([key[inside] for key in tie_keys] + [distance[inside]])]
        cumulative = np.cumsum(location_totals[ranked])
        keep = int(np.searchsorted(cumulative > max_cases, True))
        orders.append(ranked[:keep])
        distances.append(distance[ranked[:keep]])
        ptr[centre + 1] = ptr[centre] + keep
    return Circles(
        ptr=ptr,
        order=np.concatenate(orders).astype(np.int64),
        distance=np.concatenate(distances).astype(np.float64),
    )


def log_likelihood_ratio(c: float, mu: float, total: float) -> float:
    """The space-time permutation statistic of one cylinder (0 unless ``c > mu``)."""
    if c <= mu:
        return 0.0
    if c == total:
        return c * math.log(c / mu)
    return c * math.log(c / mu) + (total - c) * math.log((total - c) / (total - mu))


@numba.njit(cache=True, inline="always")
def _llr(c: float, mu: float, total: float) -> float:
    if c == total:
        return float(c * np.log(c / mu))
    return float(c * np.log(c / mu) + (total - c) * np.log((total - c) / (total - mu)))


@numba.njit(cache=True, parallel=True)
def _scan(
    cumulative: npt.NDArray[np.int32],
    ptr: IntArray,
    order: IntArray,
    location_totals: IntArray,
    day_prefix: FloatArray,
    total: int,
    max_days: int,
    prospective: bool,
    min_cases: int,
    best_llr: FloatArray,
    best_where: IntArray,
) -> None:
    """Scan every cylinder. ``cumulative[z, t]`` = cases of location z before day t.

    Writes, for every circle (index ``k`` into ``order``), its best window: ``best_llr[k]`` and
    ``best_where[k] = (first day, last day, cases)``; ties keep the first window in SaTScan's
    order (by last day, then first day).
    """
    n_centres = ptr.size - 1
    n_days = day_prefix.size - 1
    grand = float(total)
    first_end = n_days - 1 if prospective else 0
    for centre in numba.prange(n_centres):
        running = np.zeros(n_days + 1, dtype=np.int64)
        circle_cases = 0
        best = 0.0
        for k in range(ptr[centre], ptr[centre + 1]):
            z = order[k]
            for t in range(n_days + 1):
                running[t] += cumulative[z, t]
            circle_cases += location_totals[z]
            share = circle_cases / grand
            best = 0.0
            where_start = 0
            where_end = 0
            where_cases = 0
            for end in range(first_end, n_days):
                first_start = max(0, end - max_days + 1)
                for start in range(first_start, end + 1):
                    c = running[end + 1] - running[start]
                    if c < min_cases:
                        continue
                    mu = share * (day_prefix[end + 1] - day_prefix[start])
                    if c <= mu:
                        continue
                    gap = c - mu
                    # Cheap bound LLR <= C (c - mu)^2 / (mu (C - mu)): skip the logarithms when
                    # this cylinder cannot beat the best one (the margin covers rounding).
                    if grand * gap * gap * (1.0 + 1e-9) <= best * mu * (grand - mu):
                        continue
                    value = _llr(float(c), mu, grand)
                    if value > best:
                        best = value
                        where_start = start
                        where_end = end
                        where_cases = c
            best_llr[k] = best
            best_where[k, 0] = where_start
            best_where[k, 1] = where_end
            best_where[k, 2] = where_cases


@numba.njit(cache=True)
def _largest_expectations(best: float, most_cases: int, grand: float) -> FloatArray:
    """``table[c]``: the largest expectation at which ``c`` cases still score above ``best``.

    The statistic falls as the expectation rises (for ``mu < c``), so a cylinder with ``c``
    cases can only beat ``best`` if its expectation is below ``table[c]``; bisection on a log
    scale, widened by a hair so that rounding never hides a candidate. 0 below two cases.
    """
    table = np.zeros(most_cases + 1, dtype=np.float64)
    for c in range(2, most_cases + 1):
        cases = float(c)
        if best <= 0.0:
            table[c] = cases
            continue
        low = -60.0  # log of an expectation that surely scores above best
        high = np.log(cases)
        for _ in range(80):
            middle = 0.5 * (low + high)
            if _llr(cases, np.exp(middle), grand) > best:
                low = middle
            else:
                high = middle
        table[c] = min(cases, np.exp(high) * (1.0 + 1e-9))
    return table


@numba.njit(cache=True)
def _centre_maximum(
    cumulative: npt.NDArray[np.int32],
    ptr: IntArray,
    order: IntArray,
    location_totals: IntArray,
    window_cases: FloatArray,
    by_start: FloatArray,
    grand: float,
    prospective: bool,
    centre: int,
    floor: float,
    largest: FloatArray,
) -> float:
    """Best statistic of the cylinders about ``centre`` if above ``floor``, else ``floor``.

    ``window_cases[d - 1, s]`` (and its transpose ``by_start``) is the number of cases of all
    locations in the ``d`` days from day ``s``; ``largest`` is :func:`_largest_expectations` for
    ``floor``. Each circle's windows are first screened in one pass over start days (one
    subtraction and one table look-up per window, no logarithm); only a window length with a
    window that beats ``floor`` is scanned again with logarithms.
    """
    n_days = cumulative.shape[1] - 1
    max_days = window_cases.shape[0]
    running = np.zeros(n_days + 1, dtype=np.int32)
    hits = np.zeros(max_days + 1, dtype=np.bool_)
    circle_cases = 0
    best = floor
    for k in range(ptr[centre], ptr[centre + 1]):
        z = order[k]
        for t in range(n_days + 1):
            running[t] += cumulative[z, t]
        circle_cases += location_totals[z]
        share = circle_cases / grand
        hits[:] = prospective
        if not prospective:
            for start in range(n_days):
                base = running[start]
                span = min(max_days, n_days - start)
                for length in range(1, span + 1):
                    c = running[start + length] - base
                    hits[length] |= share * by_start[start, length - 1] < largest[c]
        for length in range(1, max_days + 1):
            if not hits[length]:
                continue
            first = n_days - length if prospective else 0
            last = n_days - length
            row = window_cases[length - 1]
            for start in range(first, last + 1):
                c = running[start + length] - running[start]
                mu = share * row[start]
                if c < 2 or mu >= largest[c]:
                    continue
                value = _llr(float(c), mu, grand)
                if value > best:
                    best = value
    return best


@numba.njit(cache=True, parallel=True)
def _scan_maxima(
    cumulative: npt.NDArray[np.int32],
    ptr: IntArray,
    order: IntArray,
    location_totals: IntArray,
    window_cases: FloatArray,
    total: int,
    prospective: bool,
    centres: IntArray,
    floor: float,
    largest: FloatArray,
    best_llr: FloatArray,
) -> None:
    """:func:`_centre_maximum` of each of ``centres`` (threads share the centres)."""
    by_start = np.ascontiguousarray(window_cases.T)
    for position in numba.prange(centres.size):
        best_llr[position] = _centre_maximum(
            cumulative,
            ptr,
            order,
            location_totals,
            window_cases,
            by_start,
            float(total),
            prospective,
            centres[position],
            floor,
            largest,
        )


@numba.njit(cache=True, parallel=True)
def _batch_maxima(
    cumulative: npt.NDArray[np.int32],
    ptr: IntArray,
    order: IntArray,
    location_totals: IntArray,
    window_cases: FloatArray,
    total: int,
    prospective: bool,
    floor: float,
    largest: FloatArray,
    maxima: FloatArray,
) -> None:
    """Maximum over all centres of each replica in ``cumulative[replica]`` (or ``floor``);
    threads share the replicas, so they never wait for each other within a replica."""
    by_start = np.ascontiguousarray(window_cases.T)
    n_centres = ptr.size - 1
    for replica in numba.prange(cumulative.shape[0]):
        best = floor
        for centre in range(n_centres):
            best = max(
                best,
                _centre_maximum(
                    cumulative[replica],
                    ptr,
                    order,
                    location_totals,
                    window_cases,
                    by_start,
                    float(total),
                    prospective,
                    centre,
                    floor,
                    largest,
                ),
            )
        maxima[replica] = best


class SpaceTimePermutationScan:
    """Precomputed circles and expectations of one data set; scans observed and permuted days."""

    def __init__(self, locations: Locations, cases: Cases, parameters: ScanParameters) -> None:
        parameters.validate(cases)
        self.locations = locations
        self.cases = cases
        self.parameters = parameters
        self.n_locations = len(locations.ids)
        self.n_days = cases.days
        self.total = cases.total
        self.location_totals = np.bincount(cases.location, minlength=self.n_locations).astype(
            np.int64
        )
        day_totals = np.bincount(cases.day, minlength=self.n_days).astype(np.float64)
        self.day_prefix = np.concatenate(([0.0], np.cumsum(day_totals)))
        # A prospective scan only looks at the last max_days days: the kernels get those days
        # alone (day indices from ``offset``), which makes each replica's count matrix tiny.
        self.offset = self.n_days - parameters.max_days if parameters.prospective else 0
        self.span = self.n_days - self.offset
        self.scan_prefix = self.day_prefix[self.offset :] - self.day_prefix[self.offset]
        self.window_cases = np.zeros((parameters.max_days, self.span), dtype=np.float64)
        for length in range(1, parameters.max_days + 1):
            cases_in = self.scan_prefix[length:] - self.scan_prefix[:-length]
            self.window_cases[length - 1, : cases_in.size] = cases_in
        # No window of any circle holds more cases than the busiest run of max_days days.
        self.most_cases = int(self.window_cases.max())
        self._tables: dict[float, FloatArray] = {}
        self._all_centres = np.arange(self.n_locations, dtype=np.int64)
        self._sample_centres = self._all_centres[::25].copy()
        self.circles = build_circles(
            locations,
            self.location_totals,
            parameters.max_radius_km,
            parameters.max_share * self.total,
        )
        windows = parameters.max_days * (1 if parameters.prospective else self.span)
        self._small = self.circles.order.size * windows < SMALL_SCAN

    def cumulative_counts(self, day: IntArray) -> npt.NDArray[np.int32]:
        """Cases of each location before each scanned day: shape (locations, scanned days + 1)."""
        location = self.cases.location
        if self.offset:
            inside = day >= self.offset
            location, day = location[inside], day[inside] - self.offset
        cells = np.bincount(
            location * self.span + day, minlength=self.n_locations * self.span
        ).reshape(self.n_locations, self.span)
        cumulative = np.zeros((self.n_locations, self.span + 1), dtype=np.int32)
        np.cumsum(cells, axis=1, out=cumulative[:, 1:])
        return cumulative

    def circle_bests(self, day: IntArray) -> tuple[FloatArray, IntArray]:
        """Each circle's best window: statistics and (first day, last day, cases) rows."""
        size = self.circles.order.size
        best_llr = np.zeros(size, dtype=np.float64)
        best_where = np.zeros((size, 3), dtype=np.int64)
        _scan(
            self.cumulative_counts(day),
            self.circles.ptr,
            self.circles.order,
            self.location_totals,
            self.scan_prefix,
            self.total,
            self.parameters.max_days,
            self.parameters.prospective,
            MIN_CASES,
            best_llr,
            best_where,
        )
        return best_llr, best_where

    def maximum(self, day: IntArray, guess: float = 0.0) -> float:
        """The largest statistic of any cylinder for cases on these days.

        The kernel only evaluates cylinders that can beat a floor, so a good floor saves most of
        the work. With a ``guess`` (a typical replica maximum) the scan starts from it and the
        answer is exact whenever some cylinder beats it; otherwise (or without a guess) a first
        pass over every 25th centre finds a statistic some cylinder reaches and the full pass
        starts from that.
        """
        cumulative = self.cumulative_counts(day)
        # Rounded down to 1e-3 the guess is still a valid floor, and its table is reused.
        guess = math.floor(guess * 1000) / 1000
        if guess > 0:
            found = self._maximum_from(cumulative, self._all_centres, guess)
            if found > guess:
                return found
        floor = self._maximum_from(cumulative, self._sample_centres, 0.0)
        return self._maximum_from(cumulative, self._all_centres, floor)

    def _table(self, floor: float) -> FloatArray:
        table = self._tables.get(floor)
        if table is None:
            table = _largest_expectations(floor, self.most_cases, float(self.total))
            if len(self._tables) < 1000:
                self._tables[floor] = table
        return table

    def _maximum_from(
        self, cumulative: npt.NDArray[np.int32], centres: IntArray, floor: float
    ) -> float:
        """Largest statistic about ``centres`` if above ``floor``, else ``floor``.

        Small scans run on one thread: starting threads costs more than they save there.
        """
        best_llr = np.full(centres.size, floor, dtype=np.float64)
        table = self._table(floor)
        threads = numba.get_num_threads()
        if self._small:
            numba.set_num_threads(1)
        try:
            _scan_maxima(
                cumulative,
                self.circles.ptr,
                self.circles.order,
                self.location_totals,
                self.window_cases,
                self.total,
                self.parameters.prospective,
                centres,
                floor,
                table,
                best_llr,
            )
        finally:
            numba.set_num_threads(threads)
        return float(best_llr.max(initial=floor))

    def replica_maxima(self, progress: Callable[[int], None] | None = None) -> FloatArray:
        """Maximum statistic of each Monte Carlo replica (days shuffled among the cases).

        The first ten replicas are scanned one by one (:meth:`maximum`, threads sharing the
        centres). After that, replicas go in batches with the 10th percentile of the maxima so
        far as the floor, threads sharing the replicas; a replica in which nothing beats the
        floor is scanned again on its own. The shuffles come from one generator in replica
        order, so the maxima do not depend on batching or threads.
        """
        rng = np.random.default_rng(self.parameters.seed)
        replicas = self.parameters.replicas
        maxima = np.zeros(replicas, dtype=np.float64)
        done = 0
        while done < replicas:
            if done < 10 or self._small:
                guess = float(np.quantile(maxima[:done], 0.1)) if done >= 10 else 0.0
                maxima[done] = self.maximum(rng.permutation(self.cases.day), guess)
                done += 1
            else:
                size = min(BATCH, replicas - done)
                days = [rng.permutation(self.cases.day) for _ in range(size)]
                floor = math.floor(float(np.quantile(maxima[:done], 0.1)) * 1000) / 1000
                batch = np.zeros(size, dtype=np.float64)
                _batch_maxima(
                    np.stack([self.cumulative_counts(day) for day in days]),
                    self.circles.ptr,
                    self.circles.order,
                    self.location_totals,
                    self.window_cases,
                    self.total,
                    self.parameters.prospective,
                    floor,
                    self._table(floor),
                    batch,
                )
                for offset, day in enumerate(days):
                    found = float(batch[offset])
                    maxima[done + offset] = found if found > floor else self.maximum(day)
                done += size
            if progress is not None:
                progress(done)
        return maxima

    def candidates(self) -> list[Cluster]:
        """Ranked clusters of the observed data, none overlapping a more likely one (no p-values).

        Every circle offers its best window; they are ranked by statistic (ties: fewer
        locations, then lower centre index) and a cylinder is dropped when it shares a location
        and a day with a more likely kept one, which is how SaTScan 10.3 chooses them.
        """
        best_llr, best_where = self.circle_bests(self.cases.day)
        best_where[:, :2] += self.offset  # back to days from the start of the study period
        ptr = self.circles.ptr
        centre_of = np.repeat(np.arange(self.n_locations), np.diff(ptr))
        size_of = np.arange(self.circles.order.size) - ptr[centre_of] + 1

        def compare(a: int, b: int) -> int:
            return _compare_candidates(a, b, best_llr, size_of, centre_of)

        ranked = sorted(
            (int(k) for k in np.flatnonzero(best_llr > 0)), key=functools.cmp_to_key(compare)
        )
        kept: list[Cluster] = []
        # Day spans already claimed at each location by kept clusters.
        claimed: list[list[tuple[int, int]]] = [[] for _ in range(self.n_locations)]
        limit = min(self.n_locations, MAX_RANKED_CLUSTERS)
        for k in ranked:
            if len(kept) >= limit:
                break
            centre, size = int(centre_of[k]), int(size_of[k])
            members = self._members(centre, size)
            first_day, last_day = int(best_where[k, 0]), int(best_where[k, 1])
            if any(
                first_day <= other_last and other_first <= last_day
                for z in members
                for other_first, other_last in claimed[z]
            ):
                continue
            for z in members:
                claimed[z].append((first_day, last_day))
            kept.append(self._cluster(centre, size, float(best_llr[k]), best_where[k]))
        return kept

    def run(self, progress: Callable[[int], None] | None = None) -> ScanResult:
        began = time.perf_counter()
        candidates = self.candidates()
        maxima = self.replica_maxima(progress)
        reported: list[Cluster] = []
        replicas = self.parameters.replicas
        for rank, cluster in enumerate(candidates):
            exceed = int(np.count_nonzero(maxima >= cluster.test_statistic - TIE_TOLERANCE))
            if rank > 0 and (
                cluster.test_statistic < MIN_RATIO_TO_REPORT
                or (replicas > 0 and exceed + 1 > replicas)
                or (replicas == 0 and rank >= 10)
            ):
                continue
            p_value = (exceed + 1) / (replicas + 1) if replicas else None
            reported.append(dataclasses.replace(cluster, p_value=p_value))
        return ScanResult(
            clusters=reported,
            replicas=replicas,
            replica_maxima=maxima,
            seconds=time.perf_counter() - began,
        )

    def _members(self, centre: int, size: int) -> IntArray:
        start = int(self.circles.ptr[centre])
        return self.circles.order[start : start + size]

    def _cluster(self, centre: int, size: int, llr: float, where: IntArray) -> Cluster:
        first_day, last_day, observed = (int(v) for v in where)
        members = self._members(centre, size)
        share = self.location_totals[members].sum() / self.total
        expected = float(share * (self.day_prefix[last_day + 1] - self.day_prefix[first_day]))
        return Cluster(
            center=self.locations.ids[centre],
            location_ids=tuple(self.locations.ids[z] for z in members),
            radius_km=float(self.circles.distance[int(self.circles.ptr[centre]) + size - 1]),
            start=self.cases.start + timedelta(days=first_day),
            end=self.cases.start + timedelta(days=last_day),
            observed=observed,
            expected=expected,
            test_statistic=llr,
            p_value=None,
        )


def _compare_candidates(a: int, b: int, llr: FloatArray, size: IntArray, centre: IntArray) -> int:
    """SaTScan's ranking: higher statistic; on ties fewer locations, then lower centre index."""
    if abs(llr[a] - llr[b]) >= TIE_TOLERANCE:
        return -1 if llr[a] > llr[b] else 1
    if size[a] != size[b]:
        return -1 if size[a] < size[b] else 1
    if centre[a] != centre[b]:
        return -1 if centre[a] < centre[b] else 1
    return 0


def space_time_permutation_scan(
    locations: Locations,
    cases: Cases,
    parameters: ScanParameters,
    progress: Callable[[int], None] | None = None,
) -> ScanResult:
    """Run the whole scan: clusters ranked most to least likely, with Monte Carlo p-values."""
    return SpaceTimePermutationScan(locations, cases, parameters).run(progress)
