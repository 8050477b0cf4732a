"""Background jobs of the cases app."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from django_tasks import task

from fengqiao.core.jobs import register_periodic


@task()
def sweep_deadlines() -> dict[str, int]:
    from fengqiao.cases.sweep import sweep

    return asdict(sweep())


register_periodic("cases.sweep_deadlines", timedelta(minutes=1), sweep_deadlines)
