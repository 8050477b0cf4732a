"""CaseFilterSet and filter_cases(): the filters the workbench list, the API and exports share."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.http import QueryDict

from fengqiao.accounts.scoping import scope_for
from fengqiao.cases.choices import DeadlineState, Status
from fengqiao.cases.filtersets import CaseFilterSet, filter_cases
from fengqiao.cases.models import Case
from fengqiao.cases.tests.factories import make_case

SHANGHAI = ZoneInfo("Asia/Shanghai")
STREET_2 = {"lon": 113.25, "lat": 27.85}  # grid 430299002001001, handled by the district centre


def titles(params, queryset=None):
    found = filter_cases(params, Case.objects.all() if queryset is None else queryset)
    return sorted(case.title for case in found)


def set_fields(case, **fields):
    Case.objects.filter(pk=case.pk).update(**fields)


@pytest.fixture
def cases(personas):
    made = {
        "leak": make_case(title="leak", description="楼上漏水", address="幸福小区3栋"),
        "wages": make_case(title="wages", category="dispute-wages", description="拖欠三个月工资"),
        "fire": make_case(title="fire", category="hazard-fire", description="楼道堆放杂物"),
        "far": make_case(title="far", description="村口道路积水", **STREET_2),
    }
    set_fields(made["wages"], status=Status.ACCEPTED, deadline_state=DeadlineState.OVERDUE)
    set_fields(made["fire"], status=Status.CLOSED, channel="resident")
    return made


def test_no_filters_returns_everything(cases):
    assert titles({}) == ["far", "fire", "leak", "wages"]


def test_status_takes_several_values(cases):
    assert titles({"status": ["submitted", "accepted"]}) == ["far", "leak", "wages"]
    assert titles(QueryDict("status=closed&status=accepted")) == ["fire", "wages"]
    assert titles({"status": "closed"}) == ["fire"]


def test_simple_choice_filters(cases):
    assert titles({"kind": "hazard"}) == ["fire"]
    assert titles({"deadline_state": "overdue"}) == ["wages"]
    assert titles({"channel": "resident"}) == ["fire"]


def test_a_category_group_includes_its_subcategories(cases):
    assert titles({"category": "dispute"}) == ["far", "leak", "wages"]
    assert titles({"category": "dispute-wages"}) == ["wages"]
    assert titles({"category": "hazard"}) == ["fire"]


def test_region_filter_takes_the_whole_subtree(cases):
    assert titles({"region": "430299"}) == ["far", "fire", "leak", "wages"]
    assert titles({"region": "430299002"}) == ["far"]
    assert titles({"region": "430299001001001"}) == ["fire", "leak", "wages"]
    assert titles({"region": "430299001001002"}) == []


def test_current_unit_by_code(cases):
    assert titles({"current_unit": "district-centre"}) == ["far"]
    assert titles({"current_unit": "c11-centre"}) == ["fire", "leak"]
    assert titles({"current_unit": "street1-centre"}) == ["wages"]  # 劳资 goes to the street


def test_submitted_dates_are_inclusive_local_days(cases):
    # 23:30 and 00:10 Beijing time fall on different local days but the same UTC day.
    set_fields(cases["leak"], submitted_at=datetime(2025, 3, 3, 23, 30, tzinfo=SHANGHAI))
    set_fields(cases["wages"], submitted_at=datetime(2025, 3, 4, 0, 10, tzinfo=SHANGHAI))
    set_fields(cases["fire"], submitted_at=datetime(2025, 3, 4, 23, 59, 59, tzinfo=SHANGHAI))
    set_fields(cases["far"], submitted_at=datetime(2025, 3, 5, 0, 0, tzinfo=SHANGHAI))

    assert titles({"submitted_after": "2025-03-04"}) == ["far", "fire", "wages"]
    assert titles({"submitted_before": "2025-03-03"}) == ["leak"]
    assert titles({"submitted_after": "2025-03-04", "submitted_before": "2025-03-04"}) == [
        "fire",
        "wages",
    ]


def test_q_searches_number_title_description_and_address(cases):
    assert titles({"q": "漏水"}) == ["leak"]
    assert titles({"q": "幸福小区"}) == ["leak"]
    assert titles({"q": "WAGES"}) == ["wages"]
    assert titles({"q": cases["far"].number[-8:]}) == ["far"]
    assert titles({"q": "楼"}) == ["fire", "leak"]
    assert titles({"q": "  "}) == ["far", "fire", "leak", "wages"]


def test_filters_combine_with_and(cases):
    assert titles({"category": "dispute", "status": ["submitted"], "q": "积水"}) == ["far"]


def test_filters_never_widen_a_scoped_queryset(cases, personas):
    scoped = scope_for(personas.grid_worker).filter(
        Case.objects.all(), region_path="region_path", unit="current_unit"
    )
    assert titles({"region": "430299"}, scoped) == ["fire", "leak", "wages"]
    assert titles({"region": "430299002"}, scoped) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": ["bogus"]}, "status"),
        ({"kind": "alien"}, "kind"),
        ({"category": "no-such"}, "category"),
        ({"region": "999999"}, "region"),
        ({"current_unit": "nobody"}, "current_unit"),
        ({"deadline_state": "late"}, "deadline_state"),
        ({"channel": "pigeon"}, "channel"),
        ({"submitted_after": "2025-13-01"}, "submitted_after"),
        ({"submitted_before": "yesterday"}, "submitted_before"),
        ({"q": "长" * 101}, "q"),
    ],
)
def test_bad_values_are_form_errors_not_exceptions(cases, params, field):
    filterset = CaseFilterSet(params, queryset=Case.objects.all())
    assert not filterset.is_valid()
    assert list(filterset.errors) == [field] and filterset.errors[field]
    with pytest.raises(ValueError, match=f"^{field}: "):
        filter_cases(params, Case.objects.all())


def test_reversed_date_range_is_an_error(cases):
    with pytest.raises(ValueError, match="开始日期不能晚于结束日期"):
        filter_cases(
            {"submitted_after": "2025-03-05", "submitted_before": "2025-03-04"},
            Case.objects.all(),
        )
