"""fieldwork.coverage and the volunteer and place-visit actions."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from fengqiao.cases.errors import NotPermitted
from fengqiao.fieldwork import actions
from fengqiao.fieldwork.actions import FieldError
from fengqiao.fieldwork.coverage import visit_coverage, volunteer_hours
from fengqiao.hazards.actions import close_place, register_place

from .conftest import NEXT_GRID, OWN_GRID


def place(personas, name, point=OWN_GRID):
    return register_place(
        by=personas.community_operator,
        place_type="enterprise",
        name=name,
        lon=point[0],
        lat=point[1],
    )


def visit(personas, where, when=None):
    return actions.log_visit(
        worker=personas.grid_worker,
        visited_at=when or timezone.now() - timedelta(hours=1),
        place_kind="enterprise",
        address=where.name,
        purpose="安全走访",
        place=where,
    )


def test_coverage_is_the_share_of_open_places_visited(personas, region_tree):
    a, b, c = place(personas, "甲厂"), place(personas, "乙厂"), place(personas, "丙厂")
    place(personas, "邻格厂", NEXT_GRID)
    visit(personas, a)
    visit(personas, a)  # twice: still one place
    visit(personas, b)
    close_place(c, by=personas.community_operator)  # closed: not counted
    grids = [region_tree["430299001001001"], region_tree["430299001001002"]]
    now = timezone.now()
    own, other = visit_coverage(now - timedelta(days=1), now, grids)
    assert (own.coverage.numerator, own.coverage.denominator) == (2, 2)
    assert (other.coverage.numerator, other.coverage.denominator, other.coverage.value) == (0, 1, 0)
    older = visit_coverage(now - timedelta(days=30), now - timedelta(days=1), grids)[0]
    assert older.coverage.numerator == 0


def test_visit_to_a_closed_place_is_refused(personas):
    a = place(personas, "甲厂")
    close_place(a, by=personas.community_operator)
    a.refresh_from_db()
    with pytest.raises(FieldError) as error:
        visit(personas, a)
    assert error.value.field == "place"


def test_volunteers_and_their_hours(personas, region_tree):
    grid = region_tree["430299001001001"]
    v = actions.register_volunteer(
        by=personas.grid_worker,
        grid=grid,
        name="赵六",
        phone="13900001111",
        joined_on=date(2024, 5, 1),
    )
    start = timezone.now() - timedelta(days=2)
    for hours in ("2", "1.5"):
        actions.log_volunteer_activity(
            by=personas.grid_worker,
            volunteer=v,
            kind="patrol",
            started_at=start,
            hours=hours,
            note="夜间巡逻",
        )
    assert volunteer_hours(start - timedelta(hours=1), timezone.now(), grid.path) == {
        v.pk: Decimal("3.5")
    }
    with pytest.raises(FieldError) as error:
        actions.log_volunteer_activity(
            by=personas.grid_worker,
            volunteer=v,
            kind="patrol",
            started_at=start,
            hours="0.7",
            note="x",
        )
    assert error.value.field == "hours"
    with pytest.raises(NotPermitted):
        actions.register_volunteer(
            by=personas.grid_worker,
            grid=region_tree["430299002001001"],
            name="x",
            joined_on=date(2024, 1, 1),
        )


def test_visit_page_offers_the_grids_places_and_records_the_choice(personas, worker_client):
    from django.urls import reverse

    from fengqiao.fieldwork.models import Visit

    a = place(personas, "甲厂")
    place(personas, "邻格厂", NEXT_GRID)
    page = worker_client.get(reverse("fieldwork:visit_new"))
    assert "甲厂" in page.text and "邻格厂" not in page.text
    response = worker_client.post(
        reverse("fieldwork:visit_new"),
        {
            "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "place": a.pk,
            "place_kind": "enterprise",
            "address": "甲厂",
            "purpose": "安全走访",
        },
    )
    assert response.status_code == 302 and Visit.objects.get().place == a


@pytest.fixture
def mid_month():
    import time_machine

    with time_machine.travel(
        datetime(2025, 3, 12, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


def test_volunteers_page_registers_and_records_hours(personas, worker_client, mid_month):
    from django.urls import reverse

    from fengqiao.fieldwork.models import Volunteer, VolunteerActivity

    url = reverse("fieldwork:volunteers")
    assert "还没有登记志愿者" in worker_client.get(url).text
    response = worker_client.post(
        url, {"register": "", "v-name": "赵六", "v-phone": "139", "v-joined_on": "2024-05-01"}
    )
    assert response.status_code == 200 and "联系电话格式不正确" in response.text
    response = worker_client.post(
        url,
        {"register": "", "v-name": "赵六", "v-phone": "13900001111", "v-joined_on": "2024-05-01"},
    )
    assert response.status_code == 302
    volunteer = Volunteer.objects.get()
    started = (timezone.localtime() - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    response = worker_client.post(
        url,
        {
            "activity": "",
            "a-volunteer": volunteer.pk,
            "a-kind": "patrol",
            "a-started_at": started,
            "a-hours": "2.5",
            "a-note": "夜间巡逻",
        },
    )
    assert response.status_code == 302 and VolunteerActivity.objects.get().hours == Decimal("2.5")
    page = worker_client.get(url).text
    assert "赵*" in page and "本月服务 2.5 小时" in page and "赵六" not in page
