"""The measures report (考核指标) on the hand-computed week of ``test_measures``: the ranking of
units, the trend, the page with its export, and the API, with their scoping and bad input.

March 2025 holds the week and ``next_week`` (on the spot, 10 March). By unit:
community centre: submitted spot1, spot2, quick, early (2 March), pending, open, next_week (7);
resolved on time: spot1, spot2, quick, early, pending, next_week (6/6); street centre: wages
(1/1 on time, 基本满意); department: late (0/1 on time, 不满意).
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from fengqiao.api.tests.helpers import assert_error, client_for, make_token
from fengqiao.cases import measures, report
from fengqiao.cases.measures import Rate, Scope
from fengqiao.cases.tests import test_measures
from fengqiao.core.models import AuditEntry

# The hand-computed week's fixtures.
clock = test_measures.clock
week = test_measures.week
SH = test_measures.SH
MARCH = "2025-03"
URL = "/cases/measures/"
API = "/api/v1/cases/measures/"


def march_scope(**filters):
    from datetime import datetime

    return Scope(datetime(2025, 3, 1, tzinfo=SH), datetime(2025, 4, 1, tzinfo=SH), **filters)


def names(built):
    return [(row.rank, row.unit.name if row.unit else None) for row in built.units]


def test_ranking_by_on_time_rate_shares_ranks_and_puts_more_cases_first(week, personas):
    built = report.build(personas.district_leader, month=MARCH)
    # community 6/6 and street 1/1 both 100 %: rank 1, the community first (more cases);
    # the department 0/1 is third, not second
    assert names(built) == [(1, "社区1综治中心"), (1, "第1街道综治中心"), (3, "人社局")]
    assert built.units[0].measures == measures.summary(
        march_scope(unit=personas.units["community"], region=built.region)
    )
    assert built.units[0].measures["on_time_resolution_rate"] == Rate(6, 6, 1.0)
    assert built.region is not None and built.region.code == "430299"
    whole = measures.summary(march_scope(region=built.region))
    hours = whole.pop("average_handling_hours")
    assert built.summary["average_handling_hours"] == pytest.approx(hours)
    assert {k: v for k, v in built.summary.items() if k != "average_handling_hours"} == whole


def test_ranking_by_hours_puts_the_quickest_first(week, personas):
    built = report.build(personas.district_leader, month=MARCH, ranking="hours")
    # street 6 h; community (0 + 0 + 2 + 26 + 12 + 0) / 6 ≈ 6.7 h; department 24 h
    assert names(built) == [(1, "第1街道综治中心"), (2, "社区1综治中心"), (3, "人社局")]


def test_ranking_by_satisfaction_leaves_units_without_ratings_unranked(week, personas):
    built = report.build(personas.district_leader, month=MARCH, ranking="satisfaction")
    # quick 满意 (community 1/1), wages 基本满意 (street 1/1), late 不满意 (department 0/1)
    assert names(built) == [(1, "社区1综治中心"), (1, "第1街道综治中心"), (3, "人社局")]
    follow = report.build(personas.district_leader, month="2025-02", ranking="follow_up")
    assert follow.units == []


def test_trend_is_six_months_ending_with_the_month(week, personas):
    built = report.build(personas.district_leader, month=MARCH)
    assert [m for m, _ in built.trend] == [
        date(2024, 10, 1),
        date(2024, 11, 1),
        date(2024, 12, 1),
        date(2025, 1, 1),
        date(2025, 2, 1),
        date(2025, 3, 1),
    ]
    february = built.trend[-2][1]
    assert february["on_time_resolution_rate"] == Rate(0, 0, None)
    assert built.trend[-1][1] == {k: built.summary[k] for k in measures.HEADLINE_RATES}
    # early was submitted on 2 March too (24 h before the week), so February is empty
    assert february["immediate_handling_rate"] == Rate(0, 0, None)


def test_a_superuser_without_a_region_sees_every_region(week, personas, client):
    from fengqiao.conftest import make_user

    admin = make_user("site_admin")
    admin.is_superuser = True
    admin.save()
    built = report.build(admin, month=MARCH)
    assert built.region is None
    whole = measures.summary(march_scope())
    assert built.summary["on_time_resolution_rate"] == whole["on_time_resolution_rate"]
    client.force_login(admin)
    page = client.get(URL, {"month": MARCH}).content.decode()
    assert '<option value="">全部</option>' in page and "全部区域" in page


def test_bad_parameters_are_refused_with_the_field(week, personas):
    leader = personas.district_leader
    for kwargs, field in [
        ({"month": "2025-13"}, "month"),
        ({"month": "March"}, "month"),
        ({"month": "1899-01"}, "month"),
        ({"ranking": "speed"}, "rank"),
        ({"ranking": ""}, "rank"),
        ({"category": "no-such"}, "category"),
    ]:
        with pytest.raises(report.ReportError) as caught:
            report.build(leader, **kwargs)
        assert caught.value.field == field and caught.value.message


# --- the page ---------------------------------------------------------------------------------


def test_page_shows_the_measures_the_ranking_and_the_trend(week, personas, client):
    client.force_login(personas.district_leader)
    response = client.get(URL, {"month": MARCH})
    assert response.status_code == 200
    page = response.content.decode()
    assert "考核指标" in page and "单位排名" in page and "近六个月趋势" in page
    # the community centre's line: 6/6 resolved on time
    assert '100%<span class="muted">（6/6）</span>' in page
    assert page.index("社区1综治中心") < page.index("第1街道综治中心") < page.index("人社局")
    assert 'id="measures-chart-data"' in page and "echarts.min.js" in page


def test_page_runs_a_fixed_number_of_queries(week, personas, client, django_assert_max_num_queries):
    client.force_login(personas.district_leader)
    client.get(URL, {"month": MARCH})  # warm the per-process reference data
    with django_assert_max_num_queries(20):
        assert client.get(URL, {"month": MARCH}).status_code == 200


def test_page_in_english(week, personas, client):
    client.force_login(personas.district_leader)
    client.cookies["django_language"] = "en"
    page = client.get(URL, {"month": MARCH}).content.decode()
    assert "Performance measures" in page and "On-time resolution rate" in page
    assert "考核指标" not in page


def test_a_region_outside_the_territory_is_a_404(week, personas, client):
    client.force_login(personas.community_operator)
    assert client.get(URL, {"region": "430299002"}).status_code == 404
    assert client.get(URL, {"region": "nowhere"}).status_code == 404
    own = client.get(URL, {"month": MARCH})
    assert own.status_code == 200
    # the community operator's territory is the community: the street's case is not there
    assert "人社局" in own.content.decode()


def test_someone_without_territory_is_told_so(week, personas, client):
    client.force_login(personas.department_handler)
    response = client.get(URL)
    assert response.status_code == 403
    assert "您没有可统计的辖区" in response.content.decode()


def test_page_refuses_bad_input_with_a_message(week, personas, client):
    client.force_login(personas.district_leader)
    for params, said in [
        ({"month": "2025-3"}, "月份格式应为 YYYY-MM"),
        ({"rank": "x"}, "排名依据应为 on_time"),
        ({"category": "x"}, "找不到类别 x"),
        ({"format": "pdf"}, "格式须为 csv 或 xlsx"),
    ]:
        response = client.get(URL, params)
        assert response.status_code == 400, params
        assert said in response.content.decode()


def test_page_needs_a_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_export_writes_the_ranking_and_is_audited(week, personas, client):
    client.force_login(personas.district_leader)
    before = AuditEntry.objects.filter(object_type="case_measures").count()
    response = client.get(URL, {"month": MARCH, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == ('attachment; filename="measures-430299-2025-03.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["名次", "承办单位", "受理数", "办结数", "按期办结率（%）"]
    assert rows[1][:5] == ["1", "社区1综治中心", "7", "6", "100.0"]
    assert rows[3][:5] == ["3", "人社局", "1", "1", "0.0"]
    xlsx = client.get(URL, {"month": MARCH, "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    entries = AuditEntry.objects.filter(object_type="case_measures")
    assert entries.count() == before + 2
    assert entries.order_by("pk").first().detail == {
        "filters": {"month": MARCH},
        "format": "csv",
    }


# --- the API ----------------------------------------------------------------------------------


def test_api_gives_the_same_report(week, personas):
    api = client_for(make_token(personas.district_leader, personas.units["district"])[1])
    data = api.get(API, {"month": MARCH}).json()
    built = report.build(personas.district_leader, month=MARCH)
    assert data["month"] == MARCH and data["region"] == {
        "code": "430299",
        "name": built.region.name,
    }
    assert data["start"] == "2025-03-01T00:00:00+08:00" and data["rank"] == "on_time"
    assert [(u["rank"], u["unit"]["code"]) for u in data["units"]] == [
        (1, "c11-centre"),
        (1, "street1-centre"),
        (3, "dept-renshe"),
    ]
    assert data["units"][0]["measures"]["on_time_resolution_rate"] == {
        "numerator": 6,
        "denominator": 6,
        "value": 1.0,
    }
    assert data["summary"]["resolution_by_tier"]["district"]["numerator"] == 1
    assert [m["month"] for m in data["trend"]][-2:] == ["2025-02", MARCH]


def test_api_errors_are_in_the_api_format(week, personas):
    api = client_for(make_token(personas.district_leader, personas.units["district"])[1])
    error = assert_error(api.get(API, {"month": "2025-00"}), 400, "invalid_input")
    assert error["fields"] == {"month": ["2025-00"]}
    assert_error(api.get(API, {"rank": "fastest"}), 400, "invalid_input")
    assert_error(api.get(API, {"rank": ""}), 400, "invalid_input")
    assert_error(api.get(API, {"region": "nowhere"}), 404, "not_found")
    handler = client_for(make_token(personas.department_handler, personas.department)[1])
    assert_error(handler.get(API), 403, "not_permitted")
    assert_error(client_for("wrong").get(API), 401, "not_authenticated")


def test_api_token_sees_only_its_units_territory(week, personas):
    community = client_for(make_token(personas.community_operator, personas.units["community"])[1])
    data = community.get(API, {"month": MARCH}).json()
    assert data["region"]["code"] == "430299001001"
    assert_error(community.get(API, {"region": "430299"}), 404, "not_found")
