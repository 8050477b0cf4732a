"""The detectors are worker jobs: registered with their intervals and runnable as tasks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fengqiao.alerts.tasks import run_rule_detectors, run_surge_detection
from fengqiao.core.jobs import registered


def test_rules_every_five_minutes_and_surges_daily() -> None:
    every = {p.name: p.every for p in registered()}
    assert every["alerts.rules"] == timedelta(minutes=5)
    assert every["alerts.surges"] == timedelta(days=1)


@pytest.mark.django_db
def test_tasks_run_and_report_what_they_wrote() -> None:
    assert run_rule_detectors.call() == {"raised": 0, "findings": 0, "by_detector": {}}
    assert run_surge_detection.call()["raised"] == 0
