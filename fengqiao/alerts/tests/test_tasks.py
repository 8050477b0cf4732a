"""The detectors are worker jobs: registered with their intervals and runnable as tasks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fengqiao.alerts.tasks import (
    ON_DEMAND,
    run_near_repeat_test,
    run_rule_detectors,
    run_space_time_scan,
    run_surge_detection,
)
from fengqiao.core.jobs import registered


def test_rules_every_five_minutes_and_surges_daily() -> None:
    every = {p.name: p.every for p in registered()}
    assert every["alerts.rules"] == timedelta(minutes=5)
    assert every["alerts.surges"] == timedelta(days=1)


@pytest.mark.django_db
def test_tasks_run_and_report_what_they_wrote() -> None:
    assert run_rule_detectors.call() == {"raised": 0, "findings": 0, "by_detector": {}}
    assert run_surge_detection.call()["raised"] == 0


def test_scan_and_near_repeat_run_daily_and_on_demand() -> None:
    every = {p.name: p.every for p in registered()}
    assert every["alerts.stscan"] == timedelta(days=1)
    assert every["alerts.near_repeat"] == timedelta(days=1)
    assert ON_DEMAND["stscan"] is run_space_time_scan
    assert ON_DEMAND["near_repeat"] is run_near_repeat_test


@pytest.mark.django_db
def test_scan_tasks_on_an_empty_database_raise_nothing() -> None:
    scan = run_space_time_scan.call()
    assert scan["raised"] == 0 and scan["kinds"] == {}
    assert run_near_repeat_test.call()["raised"] == 0
