"""Two workers generating tasks and flagging overdue hazards at once (PostgreSQL, threads).

Each thread has its own connection. The tasks' unique constraints make the second insert of a
task a no-op; ``SKIP LOCKED`` gives each hazard to one worker. Either way: one task per target
and occurrence, one overdue mark and timeline entry per hazard.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime

import pytest
from django.db import connection, connections

from fengqiao.hazards import inspections, jobs
from fengqiao.hazards.choices import HazardAction
from fengqiao.hazards.models import HazardEvent, InspectionTask

from .conftest import NEXT_GRID, SH, make_hazard, make_place

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions are tested on PostgreSQL")


def both_at_once(work):
    barrier = threading.Barrier(2)

    def run():
        try:
            barrier.wait(5)
            return work()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(2) as pool:
        return [f.result() for f in [pool.submit(run), pool.submit(run)]]


def test_two_workers_generate_each_task_once(personas):
    make_place(personas)
    make_place(personas, name="二号", lon=NEXT_GRID[0], lat=NEXT_GRID[1])
    inspections.create_plan(
        by=personas.community_operator,
        name="日检",
        unit=personas.units["community"],
        every=1,
        period_unit="days",
        starts_on=date(2025, 3, 1),
        checklist=["a"],
        place_type="market",
        region=personas.units["community"].jurisdiction,
    )
    both_at_once(lambda: inspections.generate_tasks(date(2025, 3, 10)))
    assert InspectionTask.objects.count() == 20  # 10 days × 2 markets, none twice


def test_two_workers_flag_each_overdue_hazard_once(personas):
    import time_machine

    with time_machine.travel(datetime(2025, 3, 3, 9, tzinfo=SH), tick=False):
        for n in range(5):
            make_hazard(personas, title=f"隐患{n}", deadline_days=1)
    later = datetime(2025, 3, 10, 9, tzinfo=SH)
    flagged = both_at_once(lambda: jobs.mark_overdue_hazards(later))
    assert sum(flagged) == 5
    assert HazardEvent.objects.filter(action=HazardAction.OVERDUE).count() == 5
