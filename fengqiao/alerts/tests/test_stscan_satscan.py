"""Comparison with SaTScan 10.3.2's own results on its NYCfever sample (../shared/data/satscan).

The clusters (locations, days, statistic to 1e-6) must be SaTScan's. With SaTScan's own replica
maxima (its ``.llr.txt``) our p-values and the list of reported clusters must be SaTScan's
exactly; with our own replicas the p-values must agree within Monte Carlo error. The full
999-replica runs and the synthetic city are in ``bench/stscan.py``.
"""

import math
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from fengqiao.alerts.satscan_io import (
    read_cases,
    read_geo,
    read_satscan_clusters,
    read_satscan_replicas,
)
from fengqiao.alerts.stscan import ScanParameters, SpaceTimePermutationScan

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "satscan" / "nycfever"
ROUNDING = 5e-7  # SaTScan prints statistics with 6 decimals

pytestmark = pytest.mark.skipif(
    not (DATA / "NYCfever.cas").exists(), reason=f"SaTScan peer data not found at {DATA}"
)


def scan(prospective: bool, replicas: int = 0) -> SpaceTimePermutationScan:
    locations = read_geo(DATA / "NYCfever.geo", "latlon")
    cases = read_cases(DATA / "NYCfever.cas", locations, date(2001, 11, 1), date(2001, 11, 24))
    parameters = ScanParameters(
        max_radius_km=3, max_days=7, replicas=replicas, seed=20011124, prospective=prospective
    )
    return SpaceTimePermutationScan(locations, cases, parameters)


@pytest.mark.parametrize(
    ("prospective", "stem"),
    [(False, "nyc_retrospective_stdmc"), (True, "nyc_prospective_stdmc")],
)
def test_clusters_and_p_values_match_satscan_given_its_replicas(prospective, stem):
    reference = read_satscan_clusters(DATA / stem)
    replicas = read_satscan_replicas(DATA / stem)
    candidates = scan(prospective).candidates()
    reported = []
    for rank, cluster in enumerate(candidates):
        exceed = int((replicas >= cluster.test_statistic - ROUNDING).sum())
        if rank == 0 or exceed < replicas.size:
            reported.append((cluster, (exceed + 1) / (replicas.size + 1)))
    assert len(reported) == len(reference)
    for (cluster, p_value), theirs in zip(reported, reference, strict=True):
        assert cluster.center == theirs.center
        assert set(cluster.location_ids) == theirs.location_ids
        assert (cluster.start, cluster.end) == (theirs.start, theirs.end)
        assert cluster.observed == theirs.observed
        assert cluster.expected == pytest.approx(theirs.expected, rel=0.01, abs=0.006)
        assert cluster.test_statistic == pytest.approx(theirs.test_statistic, abs=1e-6)
        assert p_value == pytest.approx(theirs.p_value, abs=1e-9)


@pytest.mark.parametrize(
    ("prospective", "stem"),
    [(False, "nyc_retrospective_stdmc"), (True, "nyc_prospective_stdmc")],
)
def test_own_monte_carlo_p_values_agree_within_monte_carlo_error(prospective, stem):
    reference = {c.center: c for c in read_satscan_clusters(DATA / stem)}
    ours = scan(prospective, replicas=299).run()
    compared = 0
    for cluster in ours.clusters:
        theirs = reference.get(cluster.center)
        if theirs is None:
            continue
        p = theirs.p_value
        error = math.sqrt(max(p * (1 - p), 0.01) * (1 / 300 + 1 / 1000))
        assert cluster.p_value == pytest.approx(p, abs=4 * error + 0.004)
        compared += 1
    assert compared >= 3
    assert np.all(np.diff([c.test_statistic for c in ours.clusters]) <= 1e-9)
