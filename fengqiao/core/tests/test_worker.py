"""``fengqiao worker`` against the real database task backend."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from fengqiao.core.models import PeriodicJob
from fengqiao.core.tasks import prune_task_results

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_worker_enqueues_due_jobs_and_runs_queued_tasks():
    old = prune_task_results.enqueue()
    DBTaskResult.objects.filter(id=old.id).update(
        status="SUCCESSFUL", finished_at=timezone.now() - timedelta(days=30)
    )
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    assert "stopped" in out.getvalue()
    assert PeriodicJob.objects.filter(name="core.prune_task_results").exists()
    # the old result was pruned by the periodic job that the worker enqueued and then ran
    assert not DBTaskResult.objects.filter(id=old.id).exists()
    ran = DBTaskResult.objects.get(task_path__endswith="prune_task_results")
    assert ran.status == "SUCCESSFUL" and ran.return_value == 1


@pytest.mark.django_db
def test_worker_rejects_a_silly_interval():
    with pytest.raises(CommandError, match="interval"):
        call_command("worker", "--interval", "0", stdout=StringIO())
