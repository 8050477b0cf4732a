"""/grid/ 我的网格: only grid workers, only their grid's open cases, bounded queries."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from fengqiao.cases import actions as case_actions
from fengqiao.cases.models import Case
from fengqiao.cases.tests.factories import make_case
from fengqiao.fieldwork import actions

from .conftest import NEXT_GRID, OTHER_STREET, OWN_GRID, OWN_GRID_2

HOME = "/grid/"


def test_home_url_is_named():
    assert reverse("fieldwork:home") == HOME


def test_sign_in_is_required(client, personas):
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "persona", ["community_operator", "street_operator", "district_leader", "outsider"]
)
def test_users_without_the_grid_worker_role_get_404(client, personas, persona):
    client.force_login(getattr(personas, persona))
    for name in ["home", "report", "visit_new", "patrol_new"]:
        assert client.get(reverse(f"fieldwork:{name}")).status_code == 404


def test_worker_sees_own_grids_open_cases_only(worker_client, personas):
    mine = make_case(title="本网格待受理", lon=OWN_GRID[0], lat=OWN_GRID[1])
    mine_too = make_case(title="本网格另一件", lon=OWN_GRID_2[0], lat=OWN_GRID_2[1])
    # Same community, so routed to the worker's own unit: visible_to() alone would show it.
    neighbour = make_case(title="隔壁网格的事", lon=NEXT_GRID[0], lat=NEXT_GRID[1])
    far = make_case(title="另一街道的事", lon=OTHER_STREET[0], lat=OTHER_STREET[1])
    closed = make_case(title="已驳回的事", lon=OWN_GRID[0], lat=OWN_GRID[1])
    case_actions.reject(closed, by=personas.community_operator, reason="重复")
    assert neighbour.current_unit == personas.units["community"]

    body = worker_client.get(HOME).content.decode()
    assert "街1社区1网格1" in body
    assert mine.title in body and mine_too.title in body
    assert neighbour.title not in body and far.title not in body and closed.title not in body


def test_open_cases_are_ordered_by_deadline_and_marked(worker_client, personas):
    later = make_case(title="期限晚的")
    soon = make_case(title="即将到期的")
    late = make_case(title="超期的")
    now = timezone.now()
    Case.objects.filter(pk=later.pk).update(due_at=now + timedelta(days=5))
    Case.objects.filter(pk=soon.pk).update(
        due_at=now + timedelta(hours=2), deadline_state="due_soon"
    )
    Case.objects.filter(pk=late.pk).update(
        due_at=now - timedelta(hours=2), deadline_state="overdue"
    )

    body = worker_client.get(HOME).content.decode()
    assert body.index("超期的") < body.index("即将到期的") < body.index("期限晚的")
    assert '<span class="badge overdue">已超期</span>' in body
    assert '<span class="badge due_soon">即将到期</span>' in body
    assert "年" in body and "月" in body  # Chinese dates


@time_machine.travel(datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
def test_recent_visits_and_patrols_are_listed(worker_client, personas):
    now = timezone.now()
    actions.log_visit(
        worker=personas.grid_worker,
        visited_at=now - timedelta(hours=1),
        place_kind="shop",
        address="解放街12号小卖部",
        purpose="安全检查",
    )
    actions.log_patrol(
        worker=personas.grid_worker,
        started_at=now - timedelta(hours=3),
        ended_at=now - timedelta(hours=2),
        route_note="幸福路—菜市场",
    )
    body = worker_client.get(HOME).content.decode()
    assert "解放街12号小卖部" in body and "商铺" in body
    assert "幸福路—菜市场" in body and "60 分钟" in body
    assert "本月走访 1 次，巡逻 1 次" in body
    assert "2026年11月18日 09:00" in body  # visited_at, in Beijing time


def test_nav_has_the_grid_links(worker_client):
    body = worker_client.get(HOME).content.decode()
    for label in ["我的网格", "现场上报", "走访", "巡逻"]:
        assert label in body
    assert 'aria-current="page"' in body


def test_home_query_count_is_bounded(worker_client, personas, django_assert_max_num_queries):
    for i in range(8):
        make_case(title=f"事件{i}")
        actions.log_visit(
            worker=personas.grid_worker,
            visited_at=timezone.now() - timedelta(hours=i + 1),
            place_kind="household",
            address=f"{i}号",
            purpose="走访",
            report_issue={"category": "dispute-neighbour", "description": "漏水"},
        )
        actions.log_patrol(
            worker=personas.grid_worker,
            started_at=timezone.now() - timedelta(hours=i + 2),
            ended_at=timezone.now() - timedelta(hours=i + 1),
            route_note="路线",
        )
    with django_assert_max_num_queries(11):  # 10, and the navigation's count of new notices
        response = worker_client.get(HOME)
    assert response.status_code == 200
