"""Periodic jobs: a registry and the scheduler tick that the worker runs.

Apps register their periodic tasks here (``register_periodic``); ``fengqiao worker`` calls
``enqueue_due_jobs`` every few seconds, which enqueues each due job on the durable task queue
(django-tasks' database backend) exactly once per period, even with several workers running.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from fengqiao.core.models import PeriodicJob

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    name: str
    every: timedelta
    task: Any  # a django_tasks Task


_REGISTRY: dict[str, Periodic] = {}


def register_periodic(name: str, every: timedelta, task: Any) -> None:
    """Declare that ``task`` runs every ``every``; call at import time of the app's tasks."""
    if every <= timedelta(0):
        raise ValueError(f"periodic job {name!r} needs a positive interval")
    _REGISTRY[name] = Periodic(name=name, every=every, task=task)


def registered() -> list[Periodic]:
    return sorted(_REGISTRY.values(), key=lambda p: p.name)


def _claim(job: Periodic, now: datetime) -> bool:
    """Move the job's next run forward if it is due; True if this caller won the claim."""
    try:
        with transaction.atomic():
            PeriodicJob.objects.get_or_create(name=job.name, defaults={"next_run_at": now})
    except IntegrityError:
        pass  # another worker created it first
    claimed = PeriodicJob.objects.filter(name=job.name, next_run_at__lte=now).update(
        next_run_at=now + job.every, last_run_at=now
    )
    return claimed == 1


def enqueue_due_jobs(now: datetime | None = None) -> list[str]:
    """Enqueue every registered job that is due; returns the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in registered():
        if _claim(job, now):
            job.task.enqueue()
            enqueued.append(job.name)
            logger.info("enqueued periodic job %s", job.name)
    return enqueued
