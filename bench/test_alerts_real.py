"""The real-data benchmark's own pieces (bench/alerts_real.py): skipping without the data and
placing LA requests in councils. The benchmark itself runs under ``make bench-alerts-real``."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from alerts_real import Request, council_of, main
from shapely.geometry import box

from fengqiao.alerts.satscan_io import Locations


def request(dataset: str, lat: float | None, lon: float | None, nc_id: str) -> Request:
    return Request(dataset, datetime(2020, 1, 1, 9), "Graffiti Removal", nc_id, lat, lon, "", "")


def test_without_the_shared_data_it_says_so_and_succeeds(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("alerts_real.DATA", tmp_path / "absent")
    assert main([]) == 0
    assert "skipped" in capsys.readouterr().out


def test_requests_go_to_the_council_holding_their_point() -> None:
    polygons = [box(-118.3, 34.0, -118.2, 34.1), box(-118.2, 34.0, -118.1, 34.1)]
    raw = np.array([[34.05, -118.25], [34.05, -118.15]])
    locations = Locations(ids=("44", "70"), raw=raw, points=raw, system="latlon")
    requests = [
        request("la_2020_sample", 34.05, -118.15, "44"),  # the point wins over the 2020 nc_id
        request("la_2018_mini", 34.05, -118.25, "70"),
        request("la_2017_subset", None, None, "70"),  # no point: the 2017/18 nc_id is trusted
        request("la_2020_sample", None, None, "44"),  # no point, 2020 numbering: left out
        request("la_2018_mini", 35.0, -118.25, "44"),  # a point outside every council
    ]
    assert council_of(requests, locations, polygons) == [1, 0, 1, -1, -1]
