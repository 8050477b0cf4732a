"""The space-time permutation scan against a brute-force reference and its own promises."""

import math
from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest

from fengqiao.alerts.satscan_io import Cases, Locations
from fengqiao.alerts.stscan import (
    ScanParameterError,
    ScanParameters,
    SpaceTimePermutationScan,
    log_likelihood_ratio,
    space_time_permutation_scan,
)

START = date(2024, 1, 1)


def make_data(seed, n_locations=14, n_days=20, n_cases=90, grid=True, hot=True):
    """Small random data; integer grid coordinates make many equal distances (ties)."""
    rng = np.random.default_rng(seed)
    if grid:
        points = rng.choice(36, size=n_locations, replace=False)
        coords = np.column_stack((points % 6, points // 6)).astype(float)
    else:
        coords = rng.uniform(0, 5, size=(n_locations, 2))
    location = rng.integers(0, n_locations, n_cases)
    day = rng.integers(0, n_days, n_cases)
    if hot:  # an outbreak: location 0 and its neighbours, three days
        location = np.concatenate([location, np.zeros(8, dtype=np.int64)])
        day = np.concatenate([day, rng.integers(5, 8, 8)])
    ids = tuple(f"L{i:02d}" for i in range(n_locations))
    locations = Locations(ids=ids, raw=coords, points=coords, system="cartesian")
    cases = Cases(
        location=location.astype(np.int64),
        day=day.astype(np.int64),
        start=START,
        end=START + timedelta(days=n_days - 1),
    )
    return locations, cases


def brute_force(locations, cases, parameters, day=None):
    """Every cylinder the slow, obvious way: (candidates in SaTScan's order, overall maximum)."""
    day = cases.day if day is None else day
    n_loc, n_days, total = len(locations.ids), cases.days, cases.total
    loc_tot = np.bincount(cases.location, minlength=n_loc)
    day_tot = np.bincount(cases.day, minlength=n_days)
    counts = np.zeros((n_loc, n_days), dtype=int)
    for z, d in zip(cases.location, day, strict=True):
        counts[z, d] += 1
    pts = locations.points
    found: list[Any] = []  # (llr, size, centre, members, start, end, observed)
    overall = 0.0
    for centre in range(n_loc):
        dist = [math.dist(pts[centre], pts[z]) for z in range(n_loc)]
        order = sorted(range(n_loc), key=lambda z: (dist[z], *pts[z]))
        members: list[int] = []
        for z in order:
            if dist[z] > parameters.max_radius_km:
                break
            if loc_tot[[*members, z]].sum() > parameters.max_share * total:
                break
            members.append(z)
            best: tuple[float, Any] = (0.0, None)
            ends = [n_days - 1] if parameters.prospective else range(n_days)
            for end in ends:
                for start in range(max(0, end - parameters.max_days + 1), end + 1):
                    observed = int(counts[members, start : end + 1].sum())
                    expected = sum(
                        loc_tot[m] * day_tot[d] / total
                        for m in members
                        for d in range(start, end + 1)
                    )
                    if observed < 2:
                        continue
                    llr = log_likelihood_ratio(observed, expected, total)
                    if llr > best[0]:
                        best = (llr, (start, end, observed))
            overall = max(overall, best[0])
            if best[1] is not None:
                found.append((best[0], len(members), centre, list(members), *best[1]))
    found.sort(key=lambda f: (-round(f[0], 9), f[1], f[2]))
    kept: list[Any] = []
    for f in found:
        if len(kept) == min(n_loc, 500):  # SaTScan ranks at most this many
            break
        clash = any(set(f[3]) & set(k[3]) and f[4] <= k[5] and k[4] <= f[5] for k in kept)
        if not clash:
            kept.append(f)
    return kept, overall


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("prospective", [False, True])
def test_fast_scan_finds_the_same_clusters_as_brute_force(seed, prospective):
    locations, cases = make_data(seed, grid=seed % 2 == 0)
    parameters = ScanParameters(
        max_radius_km=2.5, max_days=4, replicas=0, seed=1, prospective=prospective
    )
    scan = SpaceTimePermutationScan(locations, cases, parameters)
    expected, overall = brute_force(locations, cases, parameters)
    got = scan.candidates()
    assert len(got) == len(expected)
    for cluster, (llr, _, centre, members, start, end, observed) in zip(got, expected, strict=True):
        assert cluster.center == locations.ids[centre]
        assert cluster.location_ids == tuple(locations.ids[m] for m in members)
        assert (cluster.start, cluster.end) == (
            START + timedelta(days=start),
            START + timedelta(days=end),
        )
        assert cluster.observed == observed
        assert cluster.test_statistic == pytest.approx(llr, abs=1e-9)
    assert scan.maximum(cases.day) == pytest.approx(overall, abs=1e-9)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("prospective", [False, True])
def test_replica_maximum_matches_brute_force_on_shuffled_days(seed, prospective):
    locations, cases = make_data(seed + 10, n_locations=12, grid=False)
    parameters = ScanParameters(
        max_radius_km=3.0, max_days=5, replicas=0, seed=1, max_share=0.3, prospective=prospective
    )
    scan = SpaceTimePermutationScan(locations, cases, parameters)
    rng = np.random.default_rng(seed)
    for _ in range(3):
        day = rng.permutation(cases.day)
        _, overall = brute_force(locations, cases, parameters, day)
        assert scan.maximum(day) == pytest.approx(overall, abs=1e-9)
        # A guessed floor below or above the answer never changes it.
        for guess in (0.5 * overall, overall, 2 * overall + 1):
            assert scan.maximum(day, guess) == pytest.approx(overall, abs=1e-9)


def test_injected_outbreak_is_the_most_likely_cluster_and_significant():
    locations, cases = make_data(3, n_locations=14, n_days=30, n_cases=150, hot=False)
    extra_loc = np.full(15, 4)
    extra_day = np.array([20, 21, 22] * 5)
    cases = Cases(
        location=np.concatenate([cases.location, extra_loc]),
        day=np.concatenate([cases.day, extra_day]),
        start=cases.start,
        end=cases.end,
    )
    parameters = ScanParameters(max_radius_km=1.0, max_days=7, replicas=99, seed=5)
    result = space_time_permutation_scan(locations, cases, parameters)
    top = result.clusters[0]
    assert top.center == "L04" or "L04" in top.location_ids
    assert top.start <= START + timedelta(days=20) and top.end >= START + timedelta(days=22)
    assert top.p_value == pytest.approx(0.01)
    assert result.replica_maxima.size == 99


def test_same_seed_same_p_values_and_other_seed_differs_only_in_p_values():
    locations, cases = make_data(1)
    first = space_time_permutation_scan(
        locations, cases, ScanParameters(max_radius_km=2, max_days=3, replicas=49, seed=11)
    )
    again = space_time_permutation_scan(
        locations, cases, ScanParameters(max_radius_km=2, max_days=3, replicas=49, seed=11)
    )
    assert [c.as_json() for c in first.clusters] == [c.as_json() for c in again.clusters]
    assert np.array_equal(first.replica_maxima, again.replica_maxima)


def test_p_values_count_replicas_at_least_as_large():
    locations, cases = make_data(2)
    result = space_time_permutation_scan(
        locations, cases, ScanParameters(max_radius_km=2, max_days=3, replicas=19, seed=3)
    )
    for cluster in result.clusters:
        exceed = int((result.replica_maxima >= cluster.test_statistic - 1e-9).sum())
        assert cluster.p_value == pytest.approx((exceed + 1) / 20)
    # Secondary clusters are only reported while some replica's maximum is below them.
    assert all(c.p_value is not None and c.p_value < 1 for c in result.clusters[1:])


def test_log_likelihood_ratio_matches_the_formula():
    assert log_likelihood_ratio(5, 0.4, 194) == pytest.approx(
        5 * math.log(5 / 0.4) + 189 * math.log(189 / 193.6)
    )
    assert log_likelihood_ratio(1, 2.0, 10) == 0.0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"max_radius_km": 0}, "--max-radius-km must be a positive"),
        ({"max_radius_km": -1}, "--max-radius-km must be a positive"),
        ({"max_radius_km": float("nan")}, "--max-radius-km must be a positive"),
        ({"max_days": 0}, "--max-days must be at least 1"),
        ({"max_days": 99}, "--max-days 99 is longer than the study period"),
        ({"max_share": 0.0}, r"--max-share must be in \(0, 0.5\]"),
        ({"max_share": 0.6}, r"--max-share must be in \(0, 0.5\]"),
        ({"replicas": -1}, "--replicas must be 0 or more"),
    ],
)
def test_impossible_parameters_name_the_option(changes, message):
    locations, cases = make_data(0)
    values = {"max_radius_km": 2.0, "max_days": 3, "replicas": 9, "seed": 1} | changes
    with pytest.raises(ScanParameterError, match=message):
        SpaceTimePermutationScan(locations, cases, ScanParameters(**values))


def test_no_cases_is_an_error():
    locations, cases = make_data(0)
    empty = Cases(location=cases.location[:0], day=cases.day[:0], start=cases.start, end=cases.end)
    with pytest.raises(ScanParameterError, match="no cases"):
        SpaceTimePermutationScan(
            locations, empty, ScanParameters(max_radius_km=2, max_days=3, replicas=9, seed=1)
        )


def test_without_replicas_there_are_no_p_values_and_at_most_ten_clusters():
    locations, cases = make_data(4, n_locations=30, n_cases=200)
    result = space_time_permutation_scan(
        locations, cases, ScanParameters(max_radius_km=1.5, max_days=3, replicas=0, seed=1)
    )
    assert 1 <= len(result.clusters) <= 10
    assert all(cluster.p_value is None for cluster in result.clusters)
    assert result.as_json()["replicas"] == 0


@pytest.mark.parametrize("prospective", [False, True])
def test_batched_replicas_give_the_maxima_of_one_by_one_scans(prospective):
    locations, cases = make_data(8, n_locations=20, n_days=25, n_cases=150, grid=False)
    parameters = ScanParameters(
        max_radius_km=2.0, max_days=4, replicas=45, seed=9, prospective=prospective
    )
    scan = SpaceTimePermutationScan(locations, cases, parameters)
    scan._small = False  # force the batched path, which real-sized scans take
    batched = scan.replica_maxima()
    rng = np.random.default_rng(9)
    one_by_one = [scan.maximum(rng.permutation(cases.day)) for _ in range(45)]
    assert np.allclose(batched, one_by_one, rtol=0, atol=1e-9)
