"""fieldwork.actions: visits, patrols and field reports, validated and written in one go."""

from datetime import timedelta

import pytest
from django.utils import timezone

from fengqiao.accounts.models import Membership, Role
from fengqiao.cases.choices import Channel, Status
from fengqiao.cases.errors import NotPermitted
from fengqiao.cases.models import Case
from fengqiao.fieldwork import actions
from fengqiao.fieldwork.actions import FieldError
from fengqiao.fieldwork.models import Patrol, Visit

from .conftest import NEXT_GRID, OUTSIDE, OWN_GRID, jpeg


def visit_fields(**overrides):
    fields = {
        "visited_at": timezone.now() - timedelta(minutes=30),
        "place_kind": "household",
        "address": "幸福小区3栋2单元502",
        "purpose": "入户走访",
        "people_met": "户主及其家人",
        "findings": "反映楼上漏水",
    }
    fields.update(overrides)
    return fields


def test_worker_grids_are_the_grids_of_their_roles(personas, region_tree):
    assert [g.code for g in actions.worker_grids(personas.grid_worker)] == ["430299001001001"]
    assert actions.worker_grids(personas.community_operator) == []
    # a grid worker role without a grid covers every grid of the unit's jurisdiction
    Membership.objects.create(
        user=personas.outsider, unit=personas.units["community"], role=Role.GRID_WORKER
    )
    assert [g.code for g in actions.worker_grids(personas.outsider)] == [
        "430299001001001",
        "430299001001002",
    ]


def test_log_visit_in_own_grid(personas, region_tree):
    visit = actions.log_visit(
        worker=personas.grid_worker, lon=OWN_GRID[0], lat=OWN_GRID[1], **visit_fields()
    )
    visit.refresh_from_db()
    assert visit.grid == region_tree["430299001001001"] and visit.case is None
    assert visit.people_met == "户主及其家人" and visit.lon == OWN_GRID[0]


def test_log_visit_with_an_issue_creates_and_links_a_case(personas):
    visit = actions.log_visit(
        worker=personas.grid_worker,
        report_issue={"category": "dispute-neighbour", "description": "楼上漏水，双方争执"},
        **visit_fields(),
    )
    case = visit.case
    assert case is not None and case.channel == Channel.GRID_WORKER
    assert case.reporter == personas.grid_worker and case.status == Status.SUBMITTED
    assert case.region.code == "430299001001001" and case.address == visit.address
    assert case.title.startswith("邻里纠纷：楼上漏水")
    assert case.current_unit == personas.units["community"]


def test_a_bad_issue_writes_neither_visit_nor_case(personas):
    with pytest.raises(FieldError) as error:
        actions.log_visit(
            worker=personas.grid_worker,
            report_issue={"category": "dispute-neighbour", "description": " "},
            **visit_fields(),
        )
    assert error.value.field == "issue_description"
    assert Visit.objects.count() == 0 and Case.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"visited_at": timezone.now() + timedelta(hours=1)}, "visited_at", "不能晚于现在"),
        ({"address": ""}, "address", "请填写走访地址"),
        ({"purpose": "长" * 201}, "purpose", "不能超过 200 个字"),
        ({"place_kind": "castle"}, "place_kind", "请选择走访对象"),
        ({"lon": NEXT_GRID[0], "lat": NEXT_GRID[1]}, "lon", "不在您负责的网格内"),
        ({"lon": OUTSIDE[0], "lat": OUTSIDE[1]}, "lon", "不在本辖区内"),
        ({"lon": OWN_GRID[0]}, "lon", "位置无效"),
    ],
)
def test_bad_visit_names_the_field_and_writes_nothing(personas, overrides, field, message):
    with pytest.raises(FieldError, match=message) as error:
        actions.log_visit(worker=personas.grid_worker, **visit_fields(**overrides))
    assert error.value.field == field
    assert Visit.objects.count() == 0


def test_only_grid_workers_log_field_work_and_only_in_their_grid(personas, region_tree):
    with pytest.raises(NotPermitted):
        actions.log_visit(worker=personas.community_operator, **visit_fields())
    with pytest.raises(FieldError, match="本人负责的网格") as error:
        actions.log_visit(
            worker=personas.grid_worker, grid=region_tree["430299001001002"], **visit_fields()
        )
    assert error.value.field == "grid"


def test_the_same_submission_key_records_one_visit(personas):
    kwargs = visit_fields(
        submission_key="k-1",
        report_issue={"category": "dispute-neighbour", "description": "楼上漏水"},
    )
    first = actions.log_visit(worker=personas.grid_worker, **kwargs)
    again = actions.log_visit(worker=personas.grid_worker, **kwargs)
    assert first.pk == again.pk and Visit.objects.count() == 1 and Case.objects.count() == 1
    with pytest.raises(FieldError, match="提交标识"):
        actions.log_visit(worker=personas.outsider, **kwargs)


def test_log_patrol(personas):
    now = timezone.now()
    patrol = actions.log_patrol(
        worker=personas.grid_worker,
        started_at=now - timedelta(hours=2),
        ended_at=now,
        route_note="幸福路—解放街",
    )
    assert patrol.grid.code == "430299001001001" and patrol.duration_minutes == 120


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        (-1, -2, "ended_at", "不能早于开始时间"),
        (-14, -1, "ended_at", "不能超过 12 小时"),
        (-1, 2, "ended_at", "不能晚于现在"),
        (3, 4, "started_at", "不能晚于现在"),
    ],
)
def test_bad_patrol_times_are_refused(personas, start, end, field, message):
    now = timezone.now()
    with pytest.raises(FieldError, match=message) as error:
        actions.log_patrol(
            worker=personas.grid_worker,
            started_at=now + timedelta(hours=start),
            ended_at=now + timedelta(hours=end),
            route_note="幸福路",
        )
    assert error.value.field == field and Patrol.objects.count() == 0


def test_patrol_may_end_a_few_minutes_ahead_of_the_server_clock(personas):
    now = timezone.now()
    actions.log_patrol(
        worker=personas.grid_worker,
        started_at=now - timedelta(hours=1),
        ended_at=now + timedelta(minutes=5),
        route_note="幸福路",
    )
    assert Patrol.objects.count() == 1


def test_report_with_photos_and_default_title(personas):
    case = actions.report(
        worker=personas.grid_worker,
        category="dispute-neighbour",
        description="楼道堆放杂物\n第二行",
        lon=OWN_GRID[0],
        lat=OWN_GRID[1],
        photos=[(jpeg(), "a.jpg"), (jpeg((0, 0, 200)), "b.jpg")],
    )
    assert case.title == "邻里纠纷：楼道堆放杂物"
    assert case.attachments.count() == 2 and case.channel == Channel.GRID_WORKER


def test_report_handled_on_spot_needs_an_outcome(personas):
    with pytest.raises(FieldError) as error:
        actions.report(
            worker=personas.grid_worker,
            category="dispute-neighbour",
            description="噪音",
            handled_on_spot=True,
        )
    assert error.value.field == "outcome" and Case.objects.count() == 0


def test_report_refuses_more_than_three_photos(personas):
    with pytest.raises(FieldError, match="最多上传 3 张") as error:
        actions.report(
            worker=personas.grid_worker,
            category="dispute-neighbour",
            description="噪音",
            photos=[(jpeg(), f"{i}.jpg") for i in range(4)],
        )
    assert error.value.field == "photos" and Case.objects.count() == 0
