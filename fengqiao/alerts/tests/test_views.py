"""Workbench alert pages: scoping (404 outside), the action buttons, map data, key periods."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fengqiao.alerts import actions
from fengqiao.alerts.actions import Finding
from fengqiao.alerts.models import Alert, AlertStatus, DailyReport, Detector, KeyPeriod, Level
from fengqiao.cases.tests.factories import make_case
from fengqiao.conftest import Personas
from fengqiao.regions.models import Region

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 3, 5, 9, 0, tzinfo=SH)


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def raise_alert(region: Region, key: str, evidence: tuple[int, ...] = ()) -> Alert:
    alert = actions.raise_or_update(
        Finding(
            detector=Detector.REPEAT_ADDRESS,
            key=key,
            level=Level.ORANGE,
            region=region,
            category=None,
            window_start=NOW - timedelta(days=3),
            window_end=NOW,
            title=f"幸福路8号 {key}",
            explanation="同一地址 30 天内发生 3 起纠纷。",
            evidence=evidence,
            data={},
        )
    )
    assert alert is not None
    return alert


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def two_alerts(personas: Personas, clock: Any) -> tuple[Alert, Alert]:
    case = make_case()
    here = raise_alert(personas.units["community"].jurisdiction, "here", (case.pk,))
    there = raise_alert(Region.objects.get(code="430299002001"), "there")
    return here, there


def test_list_shows_only_alerts_in_scope(personas: Personas, two_alerts: Any) -> None:
    here, there = two_alerts
    page = client_for(personas.community_operator).get("/alerts/")
    assert page.status_code == 200
    body = page.content.decode()
    assert here.title in body and there.title not in body
    assert "橙色预警" in body


def test_list_queries_do_not_grow_with_alerts(personas: Personas, two_alerts: Any) -> None:
    client = client_for(personas.district_leader)
    client.get("/alerts/")  # the first request loads the process's copy of the memberships
    with CaptureQueriesContext(connection) as few:
        client.get("/alerts/")
    for i in range(5):
        raise_alert(personas.units["community"].jurisdiction, f"more-{i}")
    with CaptureQueriesContext(connection) as many:
        client.get("/alerts/")
    assert len(many) == len(few)


def test_detail_out_of_scope_is_404(personas: Personas, two_alerts: Any) -> None:
    _here, there = two_alerts
    assert client_for(personas.community_operator).get(f"/alerts/{there.pk}/").status_code == 404
    assert client_for(personas.outsider).get(f"/alerts/{there.pk}/").status_code == 404


def test_detail_shows_explanation_evidence_and_buttons(personas: Personas, two_alerts: Any) -> None:
    here, _there = two_alerts
    body = client_for(personas.community_operator).get(f"/alerts/{here.pk}/").content.decode()
    assert "同一地址 30 天内发生 3 起纠纷" in body
    assert here.evidence.get().number in body
    assert f"/alerts/{here.pk}/do/acknowledge/" in body


def test_acknowledge_then_close_from_the_page(personas: Personas, two_alerts: Any) -> None:
    here, _there = two_alerts
    client = client_for(personas.community_operator)
    response = client.post(f"/alerts/{here.pk}/do/acknowledge/", {"acknowledge-note": "收到"})
    assert response.status_code == 302
    response = client.post(f"/alerts/{here.pk}/do/close/", {"close-note": "已调解"})
    assert response.status_code == 302
    here.refresh_from_db()
    assert here.status == AlertStatus.CLOSED
    assert "已调解" in client.get(f"/alerts/{here.pk}/").content.decode()


def test_a_refused_action_is_shown_in_place(personas: Personas, two_alerts: Any) -> None:
    here, _there = two_alerts
    client = client_for(personas.community_operator)
    response = client.post(f"/alerts/{here.pk}/do/close/", {"close-note": "x"})
    assert response.status_code == 400
    assert "不能办结" in response.content.decode()
    response = client.post(f"/alerts/{here.pk}/do/false_alarm/", {"false_alarm-note": ""})
    assert response.status_code == 400 and "请填写误报原因" in response.content.decode()


def test_grid_worker_cannot_post_actions(personas: Personas, two_alerts: Any) -> None:
    here, _there = two_alerts
    # The grid worker's scope is one grid: the community alert is not even visible.
    response = client_for(personas.grid_worker).post(f"/alerts/{here.pk}/do/acknowledge/")
    assert response.status_code == 404


def test_map_data_is_scoped(personas: Personas, two_alerts: Any) -> None:
    data = client_for(personas.street_operator).get("/alerts/map/data.geojson").json()
    assert [f["properties"]["title"] for f in data["features"]] == ["幸福路8号 here"]
    assert client_for(personas.street_operator).get("/alerts/map/").status_code == 200


def test_bad_filter_shows_an_error_not_a_crash(personas: Personas, two_alerts: Any) -> None:
    response = client_for(personas.district_leader).get("/alerts/?level=purple")
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


def test_key_period_daily_reports(personas: Personas, clock: Any) -> None:
    period = KeyPeriod.objects.create(
        name="春节", starts_on=date(2025, 3, 1), ends_on=date(2025, 3, 10)
    )
    client = client_for(personas.community_operator)
    page = client.get(f"/alerts/key-periods/{period.pk}/")
    assert page.status_code == 200 and "1 个社区尚未报告" in page.content.decode()
    refused = client.post(f"/alerts/key-periods/{period.pk}/", {"community": "430299001001"})
    assert refused.status_code == 400 and "今日无异常" in refused.content.decode()
    done = client.post(
        f"/alerts/key-periods/{period.pk}/",
        {"community": "430299001001", "nothing_to_report": "on"},
    )
    assert done.status_code == 302
    report = DailyReport.objects.get()
    assert report.nothing_to_report and report.day == date(2025, 3, 5)
    assert "0 个社区尚未报告" in client.get(f"/alerts/key-periods/{period.pk}/").content.decode()
    # A community outside the operator's scope cannot be reported for.
    other = client.post(
        f"/alerts/key-periods/{period.pk}/",
        {"community": "430299002001", "nothing_to_report": "on"},
    )
    assert other.status_code == 400
    assert client_for(personas.outsider).get(f"/alerts/key-periods/{period.pk}/").status_code == 404


def test_leaders_can_run_the_detectors_now(personas: Personas, two_alerts: Any) -> None:
    leader = client_for(personas.district_leader)
    assert "立即运行规则研判" in leader.get("/alerts/").content.decode()
    assert leader.post("/alerts/run/", {"detectors": "rules"}).status_code == 302
    assert "立即运行时空聚集研判" in leader.get("/alerts/").content.decode()
    for what in ("stscan", "near_repeat"):
        assert leader.post("/alerts/run/", {"detectors": what}).status_code == 302
    operator = client_for(personas.community_operator)
    assert "立即运行规则研判" not in operator.get("/alerts/").content.decode()
    assert operator.post("/alerts/run/", {"detectors": "rules"}).status_code == 404


def test_active_key_period_is_announced_on_the_list(personas: Personas, clock: Any) -> None:
    KeyPeriod.objects.create(name="春节", starts_on=date(2025, 3, 1), ends_on=date(2025, 3, 10))
    body = client_for(personas.community_operator).get("/alerts/").content.decode()
    assert "春节" in body and "社区每日报告" in body


def test_list_puts_the_most_serious_first(personas: Personas, clock: Any) -> None:
    region = personas.units["community"].jurisdiction
    for key, level in (("a-blue", Level.BLUE), ("b-red", Level.RED), ("c-yellow", Level.YELLOW)):
        actions.raise_or_update(
            Finding(
                detector=Detector.SURGE,
                key=key,
                level=level,
                region=region,
                category=None,
                window_start=NOW,
                window_end=NOW,
                title=f"预警{key}",
                explanation="x",
                evidence=(),
                data={},
            )
        )
    body = client_for(personas.community_operator).get("/alerts/").content.decode()
    positions = [body.index(f"预警{key}") for key in ("b-red", "c-yellow", "a-blue")]
    assert positions == sorted(positions)
