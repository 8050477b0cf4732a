"""Background jobs of dispute resolution."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from fengqiao.core.jobs import register_periodic


@task()
def remind_performance() -> int:
    from fengqiao.mediation.reminders import remind_performance as remind

    return remind()


register_periodic("mediation.remind_performance", timedelta(hours=1), remind_performance)
