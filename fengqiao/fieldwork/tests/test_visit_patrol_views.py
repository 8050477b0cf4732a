"""/grid/visits/new/ and /grid/patrols/new/: forms that keep input and name their errors."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fengqiao.cases.models import Case
from fengqiao.fieldwork.forms import DATETIME_FORMAT
from fengqiao.fieldwork.models import Patrol, Visit

VISIT = "/grid/visits/new/"
PATROL = "/grid/patrols/new/"


def local(delta=timedelta()):
    return timezone.localtime(timezone.now() + delta).strftime(DATETIME_FORMAT)


def visit_form(**overrides):
    data = {
        "visited_at": local(-timedelta(minutes=20)),
        "place_kind": "enterprise",
        "address": "经开区创业路8号某机械厂",
        "purpose": "劳资矛盾排查",
        "people_met": "厂办主任",
        "findings": "工人反映两个月未发工资",
        "submission_key": uuid.uuid4().hex,
    }
    data.update(overrides)
    return data


def patrol_form(**overrides):
    data = {
        "started_at": local(-timedelta(hours=2)),
        "ended_at": local(-timedelta(minutes=5)),
        "route_note": "幸福路—解放街—菜市场",
        "findings": "无异常",
        "submission_key": uuid.uuid4().hex,
    }
    data.update(overrides)
    return data


def test_urls_are_named():
    assert reverse("fieldwork:visit_new") == VISIT and reverse("fieldwork:patrol_new") == PATROL


def test_visit_form_is_prefilled_with_now_and_labelled(worker_client):
    body = worker_client.get(VISIT).content.decode()
    assert 'type="datetime-local"' in body and local()[:10] in body
    assert "住户" in body and "企业" in body and "发现问题需上报" in body
    for field in ["visited_at", "address", "purpose", "people_met", "issue_description"]:
        assert f'for="id_{field}"' in body


def test_visit_is_saved_and_shown_at_home(worker_client, personas):
    response = worker_client.post(VISIT, visit_form())
    assert response.status_code == 302 and response["Location"] == reverse("fieldwork:home")
    visit = Visit.objects.get()
    assert visit.worker == personas.grid_worker and visit.case is None
    home = worker_client.get(response["Location"]).content.decode()
    assert "走访记录已保存" in home and "经开区创业路8号某机械厂" in home


def test_visit_with_an_issue_creates_the_linked_case(worker_client, personas):
    data = visit_form(
        report_issue="on", issue_category="dispute-wages", issue_description="拖欠30名工人工资"
    )
    response = worker_client.post(VISIT, data)
    visit = Visit.objects.get()
    case = Case.objects.get()
    assert visit.case == case and case.category.code == "dispute-wages"
    assert case.reporter == personas.grid_worker and case.channel == "grid_worker"
    assert case.current_unit == personas.units["street"]  # wages go to the street centre
    assert case.number in worker_client.get(response["Location"]).content.decode()
    # submitting the same form again records nothing more
    worker_client.post(VISIT, data)
    assert Visit.objects.count() == 1 and Case.objects.count() == 1


def test_an_issue_without_description_is_an_error_and_nothing_is_written(worker_client):
    data = visit_form(report_issue="on", issue_category="dispute-wages", issue_description="")
    body = worker_client.post(VISIT, data).content.decode()
    assert "请填写问题描述" in body.split('id="id_issue_description_error"')[1]
    assert Visit.objects.count() == 0 and Case.objects.count() == 0
    assert "经开区创业路8号某机械厂" in body


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"visited_at": local(timedelta(days=1))}, "visited_at", "不能晚于现在"),
        ({"visited_at": "昨天"}, "visited_at", "输入一个有效的日期/时间"),
        ({"place_kind": ""}, "place_kind", "请选择走访对象"),
        ({"purpose": ""}, "purpose", "请填写走访事由"),
        ({"lon": "113.15", "lat": "27.85"}, "lon", "不在您负责的网格内"),
    ],
)
def test_bad_visit_shows_the_error_in_place(worker_client, overrides, field, message):
    body = worker_client.post(VISIT, visit_form(**overrides)).content.decode()
    assert message in body.split(f'id="id_{field}_error"')[1].split("</ul>")[0]
    assert Visit.objects.count() == 0
    assert "工人反映两个月未发工资" in body


def test_patrol_is_saved(worker_client, personas):
    response = worker_client.post(PATROL, patrol_form())
    assert response.status_code == 302
    patrol = Patrol.objects.get()
    assert patrol.worker == personas.grid_worker and patrol.grid.code == "430299001001001"
    assert "巡逻记录已保存" in worker_client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"started_at": local(-timedelta(hours=1)), "ended_at": local(-timedelta(hours=2))},
            "ended_at",
            "结束时间不能早于开始时间",
        ),
        ({"ended_at": local(timedelta(hours=1))}, "ended_at", "不能晚于现在"),
        ({"started_at": local(-timedelta(hours=13))}, "ended_at", "不能超过 12 小时"),
        ({"route_note": ""}, "route_note", "请填写巡逻区域或路线"),
    ],
)
def test_bad_patrol_shows_the_error_in_place(worker_client, overrides, field, message):
    body = worker_client.post(PATROL, patrol_form(**overrides)).content.decode()
    assert message in body.split(f'id="id_{field}_error"')[1].split("</ul>")[0]
    assert Patrol.objects.count() == 0
    assert "无异常" in body


def test_patrol_double_submit_records_one(worker_client):
    data = patrol_form()
    worker_client.post(PATROL, data)
    worker_client.post(PATROL, data)
    assert Patrol.objects.count() == 1


def test_worker_of_several_grids_chooses_the_grid(client, personas, region_tree):
    from fengqiao.accounts.models import Membership, Role

    Membership.objects.create(
        user=personas.outsider, unit=personas.units["community"], role=Role.GRID_WORKER
    )
    client.force_login(personas.outsider)
    body = client.get(VISIT).content.decode()
    assert 'for="id_grid"' in body and "街1社区1网格2" in body
    body = client.post(VISIT, visit_form()).content.decode()
    assert "请选择网格" in body.split('id="id_grid_error"')[1].split("</ul>")[0]
    assert Visit.objects.count() == 0
    grid = region_tree["430299001001002"]
    response = client.post(VISIT, visit_form(grid=str(grid.pk)))
    assert response.status_code == 302 and Visit.objects.get().grid == grid
