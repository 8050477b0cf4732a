"""Background delivery of the notification outbox."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from fengqiao.core.jobs import register_periodic


@task()
def deliver_notifications() -> int:
    from fengqiao.notifications.actions import deliver_pending

    return deliver_pending()


# Retries (back-off) become due without any new change, so the outbox is also swept regularly.
register_periodic("notifications.deliver", timedelta(minutes=1), deliver_notifications)
