"""Who sees a hazard (the permission matrix of STYLE.md) and bounded queries on the lists."""

import pytest
from django.urls import reverse

from .conftest import make_hazard


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("grid_worker", 200),
        ("community_operator", 200),
        ("street_operator", 200),
        ("district_leader", 200),
        ("department_handler", 404),
        ("outsider", 404),
    ],
)
def test_hazard_page_by_persona(client, personas, clock, persona, status):
    hazard = make_hazard(personas)
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("hazards:detail", args=[hazard.pk])).status_code == status


def test_responsible_department_sees_the_hazard_it_must_rectify(client, personas, clock):
    hazard = make_hazard(personas, responsible_unit=personas.department)
    client.force_login(personas.department_handler)
    page = client.get(reverse("hazards:detail", args=[hazard.pk]))
    assert page.status_code == 200 and 'data-action="start"' in page.text
    assert 'data-action="close"' not in page.text


def test_register_list_costs_the_same_queries_for_more_hazards(
    client, personas, clock, django_assert_max_num_queries
):
    client.force_login(personas.community_operator)
    for n in range(3):
        make_hazard(personas, title=f"隐患{n}")
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("hazards:list"))
    for n in range(3, 15):
        make_hazard(personas, title=f"隐患{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("hazards:list"))
    assert page.text.count("隐患1") >= 1


def test_measures_and_task_pages_cost_the_same_queries_for_more_tasks(
    client, personas, clock, django_assert_max_num_queries
):
    from datetime import date

    from fengqiao.hazards import inspections

    from .conftest import make_place

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
    make_place(personas)
    inspections.generate_tasks()
    worker, operator = personas.grid_worker, personas.community_operator
    # The first requests load the process's copies of the memberships (core.generation).
    for user, page in ((operator, "hazards:measures"), (worker, "hazards:field_tasks")):
        client.force_login(user)
        client.get(reverse(page))
    counts = []
    for more in range(2):
        if more:
            for n in range(8):
                make_place(personas, name=f"市场{n}")
            inspections.generate_tasks(date(2025, 3, 4))
        client.force_login(operator)
        with django_assert_max_num_queries(40) as measures:
            client.get(reverse("hazards:measures"), {"month": "2025-03"})
        client.force_login(worker)
        with django_assert_max_num_queries(40) as tasks:
            assert client.get(reverse("hazards:field_tasks")).status_code == 200
        counts.append((len(measures.captured_queries), len(tasks.captured_queries)))
    assert counts[0] == counts[1]
