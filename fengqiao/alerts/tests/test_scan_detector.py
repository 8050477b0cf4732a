"""The space-time cluster detector on a small district: an injected burst is found and raises
one alert, quiet data raise none, and the same burst the next day updates the same alert."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from fengqiao.alerts.models import Alert, Detector, Level
from fengqiao.alerts.scan_detector import ScanSettings, cluster_level, day_seed, run_scan
from fengqiao.cases.models import Case
from fengqiao.cases.tests.factories import make_case
from fengqiao.conftest import Personas

SH = ZoneInfo("Asia/Shanghai")
DAY = date(2025, 3, 11)  # the last complete day scanned
NOW = datetime(2025, 3, 12, 10, 0, tzinfo=SH)
# The test district's eight grids are 0.1° x 0.2°; these points lie one in each.
GRID_POINTS = [
    (113.05 + 0.2 * s + 0.1 * g, 27.9 + 0.2 * c)
    for s in range(2)
    for c in range(2)
    for g in range(2)
]
HOT_GRID = "430299001001001"  # the grid of GRID_POINTS[0]
SETTINGS = ScanSettings(study_days=20, max_days=5, replicas=199, min_cases=10)


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def add_case(day: date, grid: int, kind_category: str = "request-noise", hour: int = 10) -> Case:
    case = make_case(
        category=kind_category,
        title="夜间噪声扰民",
        lon=GRID_POINTS[grid][0],
        lat=GRID_POINTS[grid][1],
    )
    at = datetime(day.year, day.month, day.day, hour, tzinfo=SH)
    Case.objects.filter(pk=case.pk).update(submitted_at=at, occurred_at=at)
    return case


def background(last: date) -> None:
    """Two cases a day over the study period, going round the grids: no pattern at all."""
    for back in range(SETTINGS.study_days):
        for k in range(2):
            add_case(last - timedelta(days=back), (2 * back + k) % len(GRID_POINTS))


def burst(day: date, n: int) -> list[Case]:
    return [add_case(day, 0, hour=8 + i % 12) for i in range(n)]


def stscan_alerts() -> list[Alert]:
    return list(Alert.objects.filter(detector=Detector.STSCAN).order_by("id"))


def test_an_injected_burst_raises_one_alert_with_its_cases(personas: Personas, clock: Any) -> None:
    background(DAY)
    injected = burst(DAY - timedelta(days=1), 5) + burst(DAY, 6)
    run = run_scan(DAY, settings=SETTINGS)
    assert run.kinds["request"]["clusters"] == 1 and run.skipped_cases == 0
    [alert] = stscan_alerts()
    assert alert.data["grids"] == [HOT_GRID] and alert.data["kind"] == "request"
    assert alert.data["start"] == (DAY - timedelta(days=1)).isoformat()
    assert alert.data["end"] == DAY.isoformat()
    assert alert.data["p_value"] == pytest.approx(1 / 200)  # no replica reaches it
    assert alert.level == Level.YELLOW  # p < 0.01; orange needs p <= 0.001 (999 replicas)
    evidence = set(alert.evidence.values_list("id", flat=True))
    assert {c.pk for c in injected} <= evidence
    # the background cases of the hot grid on those two days are in the cylinder too
    assert len(evidence) == alert.data["observed"]
    assert alert.region.code == HOT_GRID
    assert alert.dedupe_key == f"stscan:request:{HOT_GRID}:{(DAY - timedelta(days=1)).isoformat()}"
    assert "诉求投诉类事件" in alert.explanation and "p = 0.005" in alert.explanation


def test_quiet_data_raise_no_alert(personas: Personas, clock: Any) -> None:
    background(DAY)
    run = run_scan(DAY, settings=SETTINGS)
    assert run.kinds["request"]["clusters"] == 0
    assert stscan_alerts() == []


def test_the_same_burst_next_day_updates_the_same_alert(personas: Personas, clock: Any) -> None:
    background(DAY)
    first = burst(DAY - timedelta(days=1), 5) + burst(DAY, 6)
    run_scan(DAY, settings=SETTINGS)
    [alert] = stscan_alerts()
    add_case(DAY + timedelta(days=1), 3)  # the ordinary day goes on elsewhere
    add_case(DAY + timedelta(days=1), 5)
    more = burst(DAY + timedelta(days=1), 5)
    run_scan(DAY + timedelta(days=1), settings=SETTINGS)
    [again] = stscan_alerts()
    assert again.pk == alert.pk
    assert {c.pk for c in first + more} <= set(again.evidence.values_list("id", flat=True))
    assert again.data["end"] == (DAY + timedelta(days=1)).isoformat()
    assert again.events.filter(action="update").count() == 1


def test_cases_of_another_kind_are_scanned_apart(personas: Personas, clock: Any) -> None:
    background(DAY)
    for _ in range(3):
        add_case(DAY, 0, "dispute-neighbour")
    run = run_scan(DAY, settings=SETTINGS)
    # three disputes are fewer than min_cases: the dispute kind is not scanned at all
    assert "dispute" not in run.kinds and stscan_alerts() == []


def test_same_day_same_seed_same_answer(personas: Personas, clock: Any) -> None:
    background(DAY)
    burst(DAY, 4)
    first = run_scan(DAY, settings=SETTINGS).kinds["request"]["best_p"]
    assert run_scan(DAY, settings=SETTINGS).kinds["request"]["best_p"] == first
    assert day_seed(DAY, "request") != day_seed(DAY + timedelta(days=1), "request")


def test_levels_follow_p_value_and_size() -> None:
    assert cluster_level(0.001, 12, 2.0) == Level.ORANGE
    assert cluster_level(0.001, 9, 1.0) == Level.YELLOW  # too few cases for orange
    assert cluster_level(0.001, 12, 5.0) == Level.YELLOW  # not three times the expected
    assert cluster_level(0.005, 30, 2.0) == Level.YELLOW
    assert cluster_level(0.03, 30, 2.0) == Level.BLUE
