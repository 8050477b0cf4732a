"""The performance measures (考核指标) on a small week of cases computed by hand.

The week is built through the real intake and lifecycle actions on a frozen clock; the comment
above each assertion lists the cases that make up its numerator and denominator.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from fengqiao.cases import actions, measures
from fengqiao.cases.measures import Rate, Scope
from fengqiao.cases.models import Case, Category
from fengqiao.cases.tests.factories import make_case

SH = ZoneInfo("Asia/Shanghai")
# Monday 2025-03-03 09:00: a plain working week, no holidays near.
T = datetime(2025, 3, 3, 9, 0, tzinfo=SH)
WEEK = (T, T + timedelta(days=7))
GRID_2 = (113.15, 27.85)  # grid 430299001001002, the same community as factories.GRID_1
NO_DATA = Rate(0, 0, None)


def at(hours: float) -> datetime:
    return T + timedelta(hours=hours)


@pytest.fixture
def clock():
    with time_machine.travel(T, tick=False) as traveller:
        yield traveller


def on_spot(personas, **fields):
    return make_case(
        handled_on_spot=True,
        by=personas.grid_worker,
        channel="grid_worker",
        outcome="当场调解，双方和解",
        **fields,
    )


def claimed(case, by):
    return actions.claim(actions.accept(case, by=by), by=by)


@pytest.fixture
def week(personas, clock):
    """Eleven cases around the week [T, T + 7 days); hours are counted from T.

    name        submitted   resolved (tier, unit)       closed  follow-up  rating
    spot1       0           0 (grid, community) 即时处置  0       -          -
    spot2       1 hazard    1 (grid, community) 即时处置  1       -          -
    quick       0           2 (community)               3       4          5 满意
    early       -24         2 (community)               3       -          -
    wages       0 wages     6 (street)                  7       8          9 基本满意
    pending     0           12 (community), unverified  -       -          -
    late        0           24 (district, department)   25      -          48 不满意, late
    open        0 grid 2    -                           -       -          -
    rejected    0           不予受理
    merged      0           并入 quick
    next_week   168         168 即时处置 (the first instant after the week)
    All but spot2 (hazard-road) and wages (dispute-wages) are dispute-neighbour; all but open
    are in grid 1.
    """
    p = personas
    community = p.community_operator
    cases = {}
    clock.move_to(at(-24))
    cases["early"] = claimed(make_case(), community)
    clock.move_to(T)
    cases["spot1"] = on_spot(p)
    for name in ["quick", "late", "pending"]:
        cases[name] = actions.accept(make_case(by=p.outsider), by=community)
    cases["quick"] = actions.claim(cases["quick"], by=community)
    cases["pending"] = actions.claim(cases["pending"], by=community)
    cases["late"] = actions.claim(
        actions.dispatch(cases["late"], by=community, to_unit=p.department),
        by=p.department_handler,
    )
    # dispute-wages is routed to the street centre
    cases["wages"] = claimed(make_case(category="dispute-wages", by=p.outsider), p.street_operator)
    cases["open"] = make_case(lon=GRID_2[0], lat=GRID_2[1])
    cases["rejected"] = actions.reject(make_case(), by=community, reason="不属于受理范围")
    cases["merged"] = actions.merge(make_case(), into=cases["quick"], by=community)
    clock.move_to(at(1))
    cases["spot2"] = on_spot(p, category="hazard-road")
    clock.move_to(at(2))
    cases["quick"] = actions.resolve(cases["quick"], by=community, outcome="已修复")
    cases["early"] = actions.resolve(cases["early"], by=community, outcome="已修复")
    clock.move_to(at(3))
    actions.verify(cases["quick"], by=community, passed=True)
    actions.verify(cases["early"], by=community, passed=True)
    clock.move_to(at(4))
    actions.follow_up(cases["quick"], by=community, satisfied=True, note="电话回访")
    clock.move_to(at(5))
    actions.rate(cases["quick"], by=p.outsider, rating="satisfied")
    clock.move_to(at(6))
    actions.resolve(cases["wages"], by=p.street_operator, outcome="已追回工资")
    clock.move_to(at(7))
    actions.verify(cases["wages"], by=p.street_operator, passed=True)
    clock.move_to(at(8))
    actions.follow_up(cases["wages"], by=p.street_operator, satisfied=True, note="上门回访")
    clock.move_to(at(9))
    actions.rate(cases["wages"], by=p.outsider, rating="basic")
    clock.move_to(at(12))
    actions.resolve(cases["pending"], by=community, outcome="已处理，待核查")
    clock.move_to(at(24))
    actions.resolve(cases["late"], by=p.department_handler, outcome="已赔偿")
    clock.move_to(at(25))
    actions.verify(cases["late"], by=community, passed=True)
    clock.move_to(at(48))
    actions.rate(cases["late"], by=p.outsider, rating="unsatisfied")
    # A real late resolution needs 30 working days to pass; pulling the deadline before the
    # resolution at hour 24 makes the same state in a small test.
    Case.objects.filter(pk=cases["late"].pk).update(resolve_due_at=at(20))
    clock.move_to(WEEK[1])
    cases["next_week"] = on_spot(p)
    return cases


def scope(**filters):
    return Scope(*WEEK, **filters)


def test_immediate_handling_rate_counts_submissions_in_the_week(week):
    # spot1, spot2 / spot1, spot2, quick, late, wages, pending, open; not early (submitted
    # before), rejected, merged, or next_week (submitted at the week's exclusive end)
    assert measures.immediate_handling_rate(scope()) == Rate(2, 7, 2 / 7)


def test_on_time_resolution_rate_counts_on_the_spot_as_on_time(week):
    # all but late / spot1, spot2, quick, early, wages, pending, late (resolved in the week,
    # pending still awaiting verification)
    assert measures.on_time_resolution_rate(scope()) == Rate(6, 7, 6 / 7)


def test_resolution_by_tier_has_every_tier_over_cases_resolved(week):
    # grid: spot1, spot2; community: quick, early, pending; street: wages; district: late
    assert measures.resolution_by_tier(scope()) == {
        "grid": Rate(2, 7, 2 / 7),
        "community": Rate(3, 7, 3 / 7),
        "street": Rate(1, 7, 1 / 7),
        "district": Rate(1, 7, 1 / 7),
    }
    assert list(measures.resolution_by_tier(scope())) == ["grid", "community", "street", "district"]


def test_satisfaction_rate_counts_basic_as_satisfied(week):
    # quick 满意, wages 基本满意 / those and late 不满意
    assert measures.satisfaction_rate(scope()) == Rate(2, 3, 2 / 3)


def test_follow_up_rate_leaves_out_cases_closed_on_the_spot(week):
    # quick, wages / quick, early, wages, late (spot1 and spot2 closed on the spot)
    assert measures.follow_up_rate(scope()) == Rate(2, 4, 0.5)


def test_average_handling_hours_is_wall_clock_from_submission(week):
    # spot1 0 + spot2 0 + quick 2 + early 26 + wages 6 + pending 12 + late 24 = 70 h / 7 cases
    assert measures.average_handling_hours(scope()) == pytest.approx(10.0)


def test_unit_scope_counts_cases_for_the_unit_that_resolved_them(week, personas):
    community = scope(unit=personas.units["community"])
    # late was dispatched by the community centre but resolved by the department: not counted
    summary = measures.summary(community)
    # spot1, spot2 / spot1, spot2, quick, pending, open (open: held there, unresolved)
    assert summary["immediate_handling_rate"] == Rate(2, 5, 2 / 5)
    # spot1, spot2, quick, early, pending, all on time
    assert summary["on_time_resolution_rate"] == Rate(5, 5, 1.0)
    assert summary["resolution_by_tier"]["street"] == Rate(0, 5, 0.0)
    # quick 满意 / quick
    assert summary["satisfaction_rate"] == Rate(1, 1, 1.0)
    # quick / quick, early
    assert summary["follow_up_rate"] == Rate(1, 2, 0.5)
    # (0 + 0 + 2 + 26 + 12) / 5
    assert summary["average_handling_hours"] == pytest.approx(8.0)


def test_a_real_zero_is_zero_not_no_data(week, personas):
    department = scope(unit=personas.department)
    # late alone: submitted, resolved late, closed without a visit, rated 不满意
    assert measures.immediate_handling_rate(department) == Rate(0, 1, 0.0)
    assert measures.on_time_resolution_rate(department) == Rate(0, 1, 0.0)
    assert measures.follow_up_rate(department) == Rate(0, 1, 0.0)
    assert measures.satisfaction_rate(department) == Rate(0, 1, 0.0)
    assert measures.average_handling_hours(department) == pytest.approx(24.0)


def test_a_resolved_case_counts_for_its_resolver_not_its_holder(week, personas):
    # No action moves a resolved case today, so its holder is its resolver; an imported history
    # need not be. Hand late (resolved by the department) to the community centre directly.
    Case.objects.filter(pk=week["late"].pk).update(current_unit=personas.units["community"])
    assert measures.on_time_resolution_rate(scope(unit=personas.department)) == Rate(0, 1, 0.0)
    # spot1, spot2, quick, early, pending as before; late is not the community's
    community = scope(unit=personas.units["community"])
    assert measures.on_time_resolution_rate(community) == Rate(5, 5, 1.0)


def test_region_scope_takes_the_whole_subtree(week, region_tree):
    community = scope(region=region_tree["430299001001"])
    grid_1 = scope(region=region_tree["430299001001001"])
    grid_2 = scope(region=region_tree["430299001001002"])
    # every case is in the community: as for the whole district
    assert measures.immediate_handling_rate(community) == Rate(2, 7, 2 / 7)
    # all but open / spot1, spot2, quick, late, wages, pending
    assert measures.immediate_handling_rate(grid_1) == Rate(2, 6, 2 / 6)
    # open alone, nothing resolved there
    assert measures.immediate_handling_rate(grid_2) == Rate(0, 1, 0.0)
    assert measures.on_time_resolution_rate(grid_2) == NO_DATA
    assert measures.immediate_handling_rate(scope(region=region_tree["430299002"])) == NO_DATA


def test_category_scope_takes_a_parents_children(week):
    dispute = Category.objects.get(code="dispute")
    # spot1 / spot1, quick, late, wages, pending, open (all but spot2, a hazard)
    assert measures.immediate_handling_rate(scope(category=dispute)) == Rate(1, 6, 1 / 6)
    # spot1 / spot1, quick, late, pending, open (not wages, a sibling 小类)
    neighbour = Category.objects.get(code="dispute-neighbour")
    assert measures.immediate_handling_rate(scope(category=neighbour)) == Rate(1, 5, 1 / 5)
    hazard = Category.objects.get(code="hazard")
    assert measures.immediate_handling_rate(scope(category=hazard)) == Rate(1, 1, 1.0)


def test_period_includes_its_start_and_excludes_its_end(week):
    # resolved at hours 2 (quick, early) counted; at hour 6 (wages) left for the next period
    hours_2_to_6 = Scope(at(2), at(6))
    assert measures.on_time_resolution_rate(hours_2_to_6) == Rate(2, 2, 1.0)
    # next_week, submitted and resolved at the first instant of the next week, counts there
    next_week = Scope(WEEK[1], WEEK[1] + timedelta(days=7))
    assert measures.immediate_handling_rate(next_week) == Rate(1, 1, 1.0)
    assert measures.resolution_by_tier(next_week)["grid"] == Rate(1, 1, 1.0)


def test_no_cases_means_no_data_not_zero(week):
    summary = measures.summary(Scope(T - timedelta(days=30), T - timedelta(days=23)))
    assert summary == {
        "immediate_handling_rate": NO_DATA,
        "on_time_resolution_rate": NO_DATA,
        "resolution_by_tier": dict.fromkeys(["grid", "community", "street", "district"], NO_DATA),
        "satisfaction_rate": NO_DATA,
        "follow_up_rate": NO_DATA,
        "average_handling_hours": None,
    }


def test_summary_agrees_with_each_measure(week):
    s = scope()
    assert measures.summary(s) == {
        "immediate_handling_rate": measures.immediate_handling_rate(s),
        "on_time_resolution_rate": measures.on_time_resolution_rate(s),
        "resolution_by_tier": measures.resolution_by_tier(s),
        "satisfaction_rate": measures.satisfaction_rate(s),
        "follow_up_rate": measures.follow_up_rate(s),
        "average_handling_hours": measures.average_handling_hours(s),
    }


def test_summary_is_one_query_with_every_filter(
    week, personas, region_tree, django_assert_max_num_queries
):
    dispute = Category.objects.get(code="dispute")
    s = scope(unit=personas.units["community"], region=region_tree["430299001"], category=dispute)
    with django_assert_max_num_queries(1):
        summary = measures.summary(s)
    # spot1 / spot1, quick, pending, open (spot2 is a hazard)
    assert summary["immediate_handling_rate"] == Rate(1, 4, 1 / 4)
    with django_assert_max_num_queries(1):
        measures.resolution_by_tier(s)


def test_summary_by_unit_gives_each_unit_its_own_summary_in_one_query(
    week, personas, region_tree, django_assert_max_num_queries
):
    with django_assert_max_num_queries(1):
        by_unit = measures.summary_by_unit(scope())
    units = personas.units
    # community: spot1, spot2, quick, early, pending, open (and the rejected report, which no
    # measure counts); street: wages; department: late (resolved there, dispatched from the
    # community)
    assert set(by_unit) == {units["community"].pk, units["street"].pk, personas.department.pk}
    for unit in (units["community"], units["street"], personas.department):
        assert by_unit[unit.pk] == measures.summary(scope(unit=unit))
    assert by_unit[personas.department.pk]["on_time_resolution_rate"] == Rate(0, 1, 0.0)
    assert by_unit[units["street"].pk]["satisfaction_rate"] == Rate(1, 1, 1.0)
    # Together the units account for every case the whole scope counts.
    whole = measures.summary(scope())
    for name in ("immediate_handling_rate", "on_time_resolution_rate", "satisfaction_rate"):
        assert sum(m[name].denominator for m in by_unit.values()) == whole[name].denominator
        assert sum(m[name].numerator for m in by_unit.values()) == whole[name].numerator
    # The filters apply as in ``summary``: the street's subtree without the department's case.
    street = measures.summary_by_unit(scope(region=region_tree["430299001"]))
    assert street[units["street"].pk] == measures.summary(
        scope(unit=units["street"], region=region_tree["430299001"])
    )


def test_total_of_the_units_is_the_summary(week, personas, region_tree):
    for s in (
        scope(),
        scope(region=region_tree["430299001001"]),
        scope(category=Category.objects.get(code="dispute")),
    ):
        total = measures.total(measures.summary_by_unit(s))
        summary = measures.summary(s)
        assert total["average_handling_hours"] == pytest.approx(
            summary.pop("average_handling_hours")
        )
        del total["average_handling_hours"]
        assert total == summary
    assert measures.total({})["average_handling_hours"] is None


def test_headline_rates_are_the_summarys(week, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        headline = measures.headline_rates(scope())
    summary = measures.summary(scope())
    assert headline == {name: summary[name] for name in measures.HEADLINE_RATES}


def test_summary_by_unit_is_empty_without_cases(week):
    assert (
        measures.summary_by_unit(Scope(WEEK[0] - timedelta(days=70), WEEK[0] - timedelta(days=63)))
        == {}
    )


def test_a_reopened_on_the_spot_case_is_measured_like_any_other(personas, clock):
    case = on_spot(personas)
    clock.move_to(at(1))
    case = actions.reopen(case, by=personas.community_operator, reason="双方又起争执")
    case = actions.claim(case, by=personas.community_operator)
    clock.move_to(at(2))
    case = actions.resolve(case, by=personas.community_operator, outcome="再次调解成功")
    actions.verify(case, by=personas.community_operator, passed=True)
    summary = measures.summary(scope())
    # the on-the-spot outcome did not stand
    assert summary["immediate_handling_rate"] == Rate(0, 1, 0.0)
    # resolved at hour 2, well before the deadline the reopening set
    assert summary["on_time_resolution_rate"] == Rate(1, 1, 1.0)
    # now closed after verification, it needs a visit
    assert summary["follow_up_rate"] == Rate(0, 1, 0.0)
    assert summary["average_handling_hours"] == pytest.approx(2.0)


def test_scope_needs_an_aware_ordered_period():
    with pytest.raises(ValueError, match="timezone-aware"):
        Scope(datetime(2025, 3, 3), datetime(2025, 3, 10))
    with pytest.raises(ValueError, match="ends before"):
        Scope(WEEK[1], WEEK[0])
