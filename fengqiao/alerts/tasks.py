"""Background jobs of the alerts app: the rule detectors every few minutes, surges daily.

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


register_periodic("alerts.rules", timedelta(minutes=5), run_rule_detectors)
register_periodic("alerts.surges", timedelta(days=1), run_surge_detection)
