"""hazards.projects: project cases, owner evaluations and measures on hand-computed data."""

from datetime import datetime, timedelta

import pytest
import time_machine

from fengqiao.cases.errors import NotAllowed
from fengqiao.cases.models import Case
from fengqiao.cases.tests.factories import make_case
from fengqiao.fieldwork.actions import FieldError
from fengqiao.hazards import projects
from fengqiao.hazards.models import ProjectCase

from .conftest import SH, make_place


def project(personas, name="云龙大道二期"):
    return make_place(personas, place_type="construction", name=name, owner="云龙发展集团")


def resolved_case(unit, submitted, resolved, *, on_spot=False):
    """A case submitted and resolved at the given moments (fields set directly: only the
    timestamps matter to these measures, and the lifecycle has its own tests)."""
    with time_machine.travel(submitted, tick=False):
        case = make_case()
    Case.objects.filter(pk=case.pk).update(
        submitted_at=submitted,
        resolved_at=resolved,
        resolved_unit=unit,
        status="closed",
        handled_on_spot=on_spot,
    )
    case.refresh_from_db()
    return case


def test_measures_per_project_and_per_unit_match_hand_computation(personas):
    a, b = project(personas), project(personas, "高铁站配套")
    community, dept = personas.units["community"], personas.department
    mon = datetime(2025, 3, 3, 9, 0, tzinfo=SH)
    # Project A: three cases.
    #  1. community, resolved after 4 h (Mon 13:00): immediate (by Tue closing).
    #  2. department, resolved Fri 09:00 (96 h): not immediate.
    #  3. community, handled on the spot at once (0 h): immediate.
    # Project B: one case, department, resolved Tue 17:00 (32 h): immediate (Tue 17:30 limit).
    c1 = resolved_case(community, mon, mon + timedelta(hours=4))
    c2 = resolved_case(dept, mon, mon + timedelta(days=4))
    c3 = resolved_case(community, mon, mon, on_spot=True)
    c4 = resolved_case(dept, mon, mon + timedelta(hours=32))
    links = {}
    for case, place in ((c1, a), (c2, a), (c3, a), (c4, b)):
        links[case.pk] = projects.link_case(place, case, by=personas.community_operator)
    # Evaluations: A — c1 positive, c2 negative, c3 positive; B — c4 neutral.
    for case, verdict in ((c1, "positive"), (c2, "negative"), (c3, "positive"), (c4, "neutral")):
        projects.evaluate(links[case.pk], by=personas.community_operator, evaluation=verdict)
    report = projects.measures(mon - timedelta(days=1), datetime.now(tz=SH) + timedelta(days=1))

    pa, pb = report.by_project[a.pk], report.by_project[b.pk]
    assert pa.resolved == 3 and pa.handling_hours == [4.0, 96.0, 0.0]
    assert pa.mean_handling_hours == pytest.approx(100 / 3)
    assert (pa.immediate_rate.numerator, pa.immediate_rate.denominator) == (2, 3)
    assert (pa.positive_rate.numerator, pa.positive_rate.denominator) == (2, 3)
    assert (pb.immediate_rate.value, pb.positive_rate.value) == (1.0, 0.0)
    uc, ud = report.by_unit[community.pk], report.by_unit[dept.pk]
    assert (uc.resolved, uc.immediate, uc.evaluations, uc.positive) == (2, 2, 2, 2)
    assert (ud.resolved, ud.immediate, ud.evaluations, ud.positive) == (2, 1, 2, 0)
    assert ud.mean_handling_hours == pytest.approx(64.0)


def test_period_excludes_cases_resolved_outside_it(personas):
    a = project(personas)
    mon = datetime(2025, 3, 3, 9, 0, tzinfo=SH)
    projects.link_case(
        a,
        resolved_case(personas.department, mon, mon + timedelta(hours=2)),
        by=personas.community_operator,
    )
    report = projects.measures(mon + timedelta(days=1), mon + timedelta(days=8))
    assert report.by_project == {}


def test_evaluation_once_per_resolution_and_only_after_it(personas, clock):
    a = project(personas)
    open_case = make_case()
    link = projects.link_case(a, open_case, by=personas.community_operator)
    with pytest.raises(NotAllowed):
        projects.evaluate(link, by=personas.community_operator, evaluation="positive")
    Case.objects.filter(pk=open_case.pk).update(status="closed", resolved_at=datetime.now(tz=SH))
    link.case.refresh_from_db()
    projects.evaluate(link, by=personas.community_operator, evaluation="positive")
    with pytest.raises(NotAllowed):
        projects.evaluate(link, by=personas.community_operator, evaluation="negative")
    with pytest.raises(FieldError):
        projects.evaluate(link, by=personas.community_operator, evaluation="great")


def test_a_case_links_to_one_construction_project(personas, clock):
    a, school = project(personas), make_place(personas, place_type="school", name="小学")
    case = make_case()
    with pytest.raises(FieldError):
        projects.link_case(school, case, by=personas.community_operator)
    projects.link_case(a, case, by=personas.community_operator)
    with pytest.raises(NotAllowed):
        projects.link_case(project(personas, "另一项目"), case, by=personas.community_operator)
    assert ProjectCase.objects.count() == 1
