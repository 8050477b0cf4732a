"""Background jobs of the alerts app: the rule detectors every few minutes; surges, the
space-time scan and the near-repeat test daily.

Both can also be run on demand (the workbench's "run now" button enqueues the same tasks).
Running a detector twice is harmless: each finding updates the one alert of its pattern.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import Any

from django_tasks import task

from fengqiao.core.jobs import register_periodic


@task()
def run_rule_detectors() -> dict[str, Any]:
    from fengqiao.alerts.detectors import run_rules

    return asdict(run_rules())


@task()
def run_surge_detection() -> dict[str, Any]:
    from fengqiao.alerts.detectors import run_surges

    return asdict(run_surges())


@task()
def run_space_time_scan() -> dict[str, Any]:
    from fengqiao.alerts.scan_detector import run_scan

    return asdict(run_scan())


@task()
def run_near_repeat_test() -> dict[str, Any]:
    from fengqiao.alerts.near_repeat import run_near_repeat

    return asdict(run_near_repeat())


# What the "run now" buttons and POST /api/v1/alerts/run/ may enqueue.
ON_DEMAND = {
    "rules": run_rule_detectors,
    "surges": run_surge_detection,
    "stscan": run_space_time_scan,
    "near_repeat": run_near_repeat_test,
}

register_periodic("alerts.rules", timedelta(minutes=5), run_rule_detectors)
register_periodic("alerts.surges", timedelta(days=1), run_surge_detection)
register_periodic("alerts.stscan", timedelta(days=1), run_space_time_scan)
register_periodic("alerts.near_repeat", timedelta(days=1), run_near_repeat_test)
