"""Demo prevention work: places, plans with past and open tasks, hazards at every stage."""

from io import StringIO

import pytest
from django.core.management import call_command

from fengqiao.accounts.models import User
from fengqiao.fieldwork.models import Visit, Volunteer
from fengqiao.hazards.choices import DeadlineState, HazardStatus, TaskStatus
from fengqiao.hazards.inspections import tasks_for_worker
from fengqiao.hazards.models import Hazard, InspectionTask, Place

pytestmark = pytest.mark.django_db


def test_demo_has_prevention_work_for_the_demo_grid_worker():
    out = StringIO()
    call_command("demo", "--no-cases", stdout=out)
    assert "风险防范：重点场所 7 个" in out.getvalue()
    assert Place.objects.filter(place_type="construction").get().owner == "云龙发展投资集团"
    statuses = set(Hazard.objects.values_list("status", flat=True))
    assert statuses == set(HazardStatus.values)
    assert Hazard.objects.filter(deadline_state=DeadlineState.OVERDUE).exists()
    assert InspectionTask.objects.filter(status=TaskStatus.DONE).exists()
    assert InspectionTask.objects.filter(status=TaskStatus.PENDING).exists()
    worker = User.objects.get(username="xuelin01_wg01")
    assert tasks_for_worker(worker).exists()
    assert Visit.objects.filter(place__isnull=False).count() == 4
    assert Volunteer.objects.count() == 3
