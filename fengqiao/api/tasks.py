"""Background jobs of the API app."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from fengqiao.core.jobs import register_periodic


@task()
def prune_idempotency_records() -> int:
    """Delete Idempotency-Key records older than their 24 hours; returns how many."""
    from fengqiao.api.idempotency import prune

    return prune()


register_periodic("api.prune_idempotency_records", timedelta(hours=1), prune_idempotency_records)
