"""Background jobs of prevention work: inspection tasks, reminders, overdue marks."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from django_tasks import task

from fengqiao.core.jobs import register_periodic


@task()
def run_prevention_jobs() -> dict[str, int]:
    """Create due inspection tasks, remind grid workers, mark overdue tasks and hazards."""
    from fengqiao.hazards.jobs import run_all

    return asdict(run_all())


register_periodic("hazards.prevention_jobs", timedelta(minutes=10), run_prevention_jobs)
