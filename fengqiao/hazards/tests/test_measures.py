"""hazards.measures: inspection coverage and punctuality per grid and unit."""

from datetime import date, datetime, timedelta

from fengqiao.hazards import inspections
from fengqiao.hazards.choices import TaskStatus
from fengqiao.hazards.measures import inspection_measures
from fengqiao.hazards.models import InspectionTask

from .conftest import NEXT_GRID, SH, make_place


def test_coverage_and_punctuality_per_grid_and_unit(personas, clock, django_assert_num_queries):
    make_place(personas)
    make_place(personas, name="二号市场")
    make_place(personas, name="邻格市场", lon=NEXT_GRID[0], lat=NEXT_GRID[1])
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
    inspections.generate_tasks()  # 1, 2, 3 March × 3 markets = 9 tasks
    tasks = list(InspectionTask.objects.order_by("id"))
    assert len(tasks) == 9
    own = [t for t in tasks if t.grid.code.endswith("001001001")]
    # Own grid (6 tasks): 3 done on time, 1 done late, 2 not done.
    for task in own[:3]:
        InspectionTask.objects.filter(pk=task.pk).update(
            status=TaskStatus.DONE, completed_at=task.due_at - timedelta(hours=1)
        )
    InspectionTask.objects.filter(pk=own[3].pk).update(
        status=TaskStatus.DONE, completed_at=own[3].due_at + timedelta(hours=1)
    )
    later = datetime(2025, 4, 1, tzinfo=SH)  # every task's deadline has passed
    with django_assert_num_queries(1):
        rows = inspection_measures(date(2025, 3, 1), date(2025, 3, 4), now=later)
    by_grid = {m.label: m for m in rows}
    mine = by_grid["街1社区1网格1"]
    assert (mine.coverage.numerator, mine.coverage.denominator) == (4, 6)
    assert (mine.punctuality.numerator, mine.punctuality.denominator) == (3, 6)
    other = by_grid["街1社区1网格2"]
    assert (other.coverage.numerator, other.coverage.denominator) == (0, 3)
    (unit,) = inspection_measures(date(2025, 3, 1), date(2025, 3, 4), by="unit", now=later)
    assert (unit.label, unit.coverage.numerator, unit.due) == ("社区1综治中心", 4, 9)
    assert inspection_measures(date(2025, 3, 4), date(2025, 3, 5), now=later) == []
    # Today (3 March 09:00) no deadline has passed: only the done tasks count so far.
    today = {m.label: m for m in inspection_measures(date(2025, 3, 1), date(2025, 3, 4))}
    assert (today["街1社区1网格1"].coverage.numerator, today["街1社区1网格1"].due) == (4, 4)
    assert "街1社区1网格2" not in today
