"""The near-repeat detector on a small district: fire hazards that follow each other close by
raise one alert, scattered ones raise none, and the pattern continuing updates the same alert."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import time_machine

from fengqiao.alerts.models import Alert, Detector, Level
from fengqiao.alerts.near_repeat import KnoxSettings, near_repeat_level, run_near_repeat
from fengqiao.cases.models import Case
from fengqiao.cases.tests.factories import make_case
from fengqiao.conftest import Personas

SH = ZoneInfo("Asia/Shanghai")
DAY = date(2025, 3, 11)
NOW = datetime(2025, 3, 12, 10, 0, tzinfo=SH)
SETTINGS = KnoxSettings(window_days=60, iterations=199, min_events=20)
SPOT = (113.052, 27.852)  # inside grid 430299001001001


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def fire(day: date, lon: float, lat: float, category: str = "hazard-fire") -> Case:
    case = make_case(category=category, title="楼道内电动车充电", lon=lon, lat=lat)
    at = datetime(day.year, day.month, day.day, 15, tzinfo=SH)
    Case.objects.filter(pk=case.pk).update(submitted_at=at, occurred_at=at)
    return case


def scattered(n: int = 24) -> None:
    """Fire hazards at random places and days across the 40 km district: no near repeats."""
    rng = np.random.default_rng(7)
    for _ in range(n):
        day = DAY - timedelta(days=int(rng.integers(0, SETTINGS.window_days)))
        fire(day, 113.01 + 0.38 * rng.random(), 27.81 + 0.38 * rng.random())


def spree(last: date, n: int = 5) -> list[Case]:
    """Fire hazards within ~100 m of each other on consecutive days."""
    return [
        fire(last - timedelta(days=n - 1 - i), SPOT[0] + 0.0003 * i, SPOT[1] + 0.0002 * i)
        for i in range(n)
    ]


def near_repeat_alerts() -> list[Alert]:
    return list(Alert.objects.filter(detector=Detector.NEAR_REPEAT).order_by("id"))


def test_fires_following_each_other_close_by_raise_an_alert(personas: Personas, clock: Any) -> None:
    scattered()
    recent = spree(DAY)
    run = run_near_repeat(DAY, settings=SETTINGS)
    assert run.categories["hazard-fire"]["p_value"] == pytest.approx(1 / 200)
    [alert] = near_repeat_alerts()
    assert alert.dedupe_key == "near_repeat:hazard-fire" and alert.category is not None
    assert alert.level == Level.YELLOW  # p < 0.01 and far more than twice the expected pairs
    assert set(alert.evidence.values_list("id", flat=True)) == {c.pk for c in recent}
    assert alert.region.code == "430299001001001"  # all five in one grid
    assert "近重复" in alert.explanation and "0.2 公里" in alert.explanation
    near = next(c for c in alert.data["cells"] if c["distance_band"] == "0-0.2")
    assert near["time_band"] == "0-3" and near["observed"] >= 5


def test_scattered_fires_raise_nothing(personas: Personas, clock: Any) -> None:
    scattered()
    run = run_near_repeat(DAY, settings=SETTINGS)
    assert run.categories["hazard-fire"]["events"] == 24
    assert near_repeat_alerts() == []


def test_a_pattern_that_ended_long_ago_raises_nothing(personas: Personas, clock: Any) -> None:
    scattered()
    spree(DAY - timedelta(days=30))
    run = run_near_repeat(DAY, settings=SETTINGS)
    assert run.categories["hazard-fire"]["p_value"] < 0.05
    assert near_repeat_alerts() == []


def test_the_pattern_continuing_updates_the_same_alert(personas: Personas, clock: Any) -> None:
    scattered()
    spree(DAY)
    run_near_repeat(DAY, settings=SETTINGS)
    [alert] = near_repeat_alerts()
    later = fire(DAY + timedelta(days=1), SPOT[0] + 0.0005, SPOT[1])
    run_near_repeat(DAY + timedelta(days=1), settings=SETTINGS)
    [again] = near_repeat_alerts()
    assert again.pk == alert.pk and again.evidence.filter(pk=later.pk).exists()


def test_other_categories_are_not_tested(personas: Personas, clock: Any) -> None:
    for i in range(25):
        fire(DAY - timedelta(days=i % 3), SPOT[0], SPOT[1], category="hazard-road")
    run = run_near_repeat(DAY, settings=SETTINGS)
    assert run.categories == {} and near_repeat_alerts() == []


def test_levels() -> None:
    assert near_repeat_level(0.005, 3.0, 8) == Level.YELLOW
    assert near_repeat_level(0.005, 1.5, 8) == Level.BLUE
    assert near_repeat_level(0.03, 5.0, 8) == Level.BLUE
    assert near_repeat_level(0.06, 5.0, 8) is None
    assert near_repeat_level(0.001, 5.0, 2) is None  # too few pairs
    assert near_repeat_level(0.001, 1.1, 40) is None  # too small an excess
