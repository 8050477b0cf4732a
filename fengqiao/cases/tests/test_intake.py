"""submit(): validation, location, routing, numbering and on-the-spot handling."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from fengqiao.accounts.models import Unit
from fengqiao.cases.choices import Action, Status
from fengqiao.cases.errors import InvalidInput, NotPermitted
from fengqiao.cases.intake import submit
from fengqiao.cases.models import Case, Category, RoutingRule
from fengqiao.cases.tests.factories import GRID_1, make_case
from fengqiao.notifications.models import Notification


def test_submit_locates_routes_numbers_and_records(personas):
    case = make_case()
    assert re.fullmatch(r"FQ-\d{8}-00001", case.number)
    assert len(case.tracking_code) == 12
    assert case.region.code == "430299001001001"
    assert case.region_path == case.region.path
    assert case.current_unit == personas.units["community"]
    assert case.status == Status.SUBMITTED and case.current_tier == "community"
    assert case.accept_due_at is not None and case.accept_due_at > case.submitted_at
    assert case.due_at == case.accept_due_at
    assert [e.action for e in case.events.all()] == [Action.SUBMIT]
    assert Notification.objects.filter(unit=personas.units["community"], case=case).exists()
    assert make_case().number.endswith("-00002")


def test_community_without_a_centre_routes_to_the_street_centre(personas):
    case = make_case(lon=113.05, lat=28.1)  # community 430299001002 has no centre
    assert case.current_unit == personas.units["street"]


def test_routing_rule_overrides_the_default(personas, region_tree):
    category = Category.objects.get(code="dispute-wages")
    RoutingRule.objects.create(
        category=category, region=region_tree["430299001"], unit=personas.department
    )
    assert make_case(category="dispute-wages").current_unit == personas.department
    # a rule for another subtree does not apply here
    RoutingRule.objects.all().update(region=region_tree["430299002"])
    assert make_case(category="dispute-wages").current_unit == personas.units["street"]


def test_region_instead_of_a_point(personas, region_tree):
    case = make_case(lon=None, lat=None, region=region_tree["430299001001002"])
    assert case.region.code == "430299001001002" and case.lon is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"category": "no-such"}, "未知的事件类别"),
        ({"category": "dispute"}, "事件小类"),
        ({"lon": 100.0, "lat": 30.0}, "不在本辖区内"),
        ({"lon": 113.05, "lat": None}, "同时填写"),
        ({"lon": None, "lat": None}, "选点"),
        ({"title": "  "}, "请填写标题"),
        ({"title": "长" * 101}, "标题不能超过 100 个字"),
        ({"description": ""}, "请填写描述"),
        ({"occurred_at": timezone.now() + timedelta(days=1)}, "不能晚于现在"),
        ({"reporter_phone": "call me"}, "联系电话格式"),
        ({"people_involved": 0}, "涉及人数"),
        ({"channel": "pigeon"}, "来源渠道"),
    ],
)
def test_bad_input_names_the_problem_and_writes_nothing(personas, overrides, message):
    with pytest.raises(InvalidInput, match=message):
        make_case(**overrides)
    assert Case.objects.count() == 0


def test_reporter_contact_is_encrypted_at_rest(personas):
    case = make_case(reporter_phone="13812345678", reporter_name="王小明")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reporter_phone, reporter_name FROM cases_case WHERE id = %s", [case.pk]
        )
        phone, name = cursor.fetchone()
    assert "13812345678" not in phone and "王小明" not in name
    assert Case.objects.get(pk=case.pk).reporter_phone == "13812345678"


def test_anonymous_report_keeps_no_identity(personas):
    case = make_case(anonymous=True, by=personas.outsider, reporter_name="张三")
    assert case.reporter is None and case.reporter_name == ""


def test_grid_worker_handles_a_small_matter_on_the_spot(personas):
    case = make_case(
        channel="grid_worker",
        by=personas.grid_worker,
        handled_on_spot=True,
        outcome="现场劝导，双方已和解",
    )
    assert case.status == Status.CLOSED and case.handled_on_spot
    assert case.resolved_tier == "grid" and case.closed_at is not None
    assert [e.action for e in case.events.all()] == [Action.SUBMIT, Action.HANDLE_ON_SPOT]


def test_only_the_grids_own_worker_handles_on_the_spot(personas):
    with pytest.raises(NotPermitted):
        make_case(by=personas.community_operator, handled_on_spot=True, outcome="已处理")
    with pytest.raises(NotPermitted):  # a point in another grid
        make_case(
            by=personas.grid_worker, handled_on_spot=True, outcome="已处理", lon=113.15, lat=27.85
        )
    assert Case.objects.count() == 0


def test_gcj02_point_is_converted(personas):
    from fengqiao.lib.gcj02 import wgs84_to_gcj02

    lon, lat = wgs84_to_gcj02(*GRID_1)
    case = submit(
        category="dispute-neighbour",
        title="t",
        description="d",
        occurred_at=timezone.now(),
        channel="api",
        lon=lon,
        lat=lat,
        crs="gcj02",
    )
    assert case.lon is not None and case.lat is not None
    assert abs(case.lon - GRID_1[0]) < 1e-6 and abs(case.lat - GRID_1[1]) < 1e-6


def test_resubmitted_report_with_the_same_key_creates_one_case(personas):
    first = make_case(submission_key="form-7f3a")
    again = make_case(submission_key="form-7f3a", title="改了标题再提交")
    assert again.pk == first.pk and Case.objects.count() == 1
    assert make_case(submission_key="form-other").pk != first.pk
    assert make_case().pk and make_case().pk  # no key: every call is a new case


def test_a_category_switched_off_in_bulk_is_refused_at_once(personas):
    """Categories come from the process's copy, reloaded on any change, even a bulk update."""
    make_case(category="dispute-wages")
    Category.objects.filter(code="dispute-wages").update(is_active=False)
    with pytest.raises(InvalidInput, match="事件小类"):
        make_case(category="dispute-wages")


def test_a_unit_switched_off_no_longer_receives_cases(personas):
    assert make_case().current_unit == personas.units["community"]
    Unit.objects.filter(pk=personas.units["community"].pk).update(is_active=False)
    assert make_case().current_unit == personas.units["street"]
