"""Periodic jobs are enqueued once per period, however many workers tick."""

from datetime import timedelta

import pytest
from django.utils import timezone

from fengqiao.core import jobs
from fengqiao.core.models import PeriodicJob

pytestmark = pytest.mark.django_db


class RecordingTask:
    def __init__(self):
        self.enqueued = 0

    def enqueue(self):
        self.enqueued += 1


@pytest.fixture
def job(monkeypatch):
    monkeypatch.setattr(jobs, "_REGISTRY", {})
    task = RecordingTask()
    jobs.register_periodic("test.job", timedelta(hours=1), task)
    return task


def test_due_job_is_enqueued_once_per_period(job):
    now = timezone.now()
    assert jobs.enqueue_due_jobs(now) == ["test.job"]
    # a second worker ticking at the same moment, and again later within the hour: nothing
    assert jobs.enqueue_due_jobs(now) == []
    assert jobs.enqueue_due_jobs(now + timedelta(minutes=59)) == []
    assert jobs.enqueue_due_jobs(now + timedelta(minutes=61)) == ["test.job"]
    assert job.enqueued == 2
    assert PeriodicJob.objects.get(name="test.job").last_run_at == now + timedelta(minutes=61)


def test_interval_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        jobs.register_periodic("bad", timedelta(0), RecordingTask())


def test_housekeeping_job_is_registered():
    names = [p.name for p in jobs.registered()]
    assert "core.prune_task_results" in names
