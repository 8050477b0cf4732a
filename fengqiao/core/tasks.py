"""Housekeeping tasks of the worker itself."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from fengqiao.core.jobs import register_periodic

TASK_RESULT_RETENTION = timedelta(days=14)


@task()
def prune_task_results() -> int:
    """Delete finished task results older than the retention period; returns how many."""
    cutoff = timezone.now() - TASK_RESULT_RETENTION
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return int(deleted)


register_periodic("core.prune_task_results", timedelta(days=1), prune_task_results)


@task()
def prune_rate_counters() -> int:
    """Delete rate-limit counters of ended windows (see core.ratelimit); returns how many."""
    from fengqiao.core import ratelimit

    return ratelimit.prune()


register_periodic("core.prune_rate_counters", timedelta(hours=1), prune_rate_counters)
