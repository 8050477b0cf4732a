"""/api/v1/alerts/: scoped lists and details, actions with the API's error body, run on demand."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from fengqiao.alerts import actions
from fengqiao.alerts.actions import Finding
from fengqiao.alerts.models import Alert, AlertStatus, Detector, Level
from fengqiao.api.tests.helpers import client_for, make_token
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
            detector=Detector.MASS_INCIDENT,
            key=key,
            level=Level.RED,
            region=region,
            category=None,
            window_start=NOW - timedelta(days=1),
            window_end=NOW,
            title=f"工地欠薪 {key}",
            explanation="涉及 60 人。",
            evidence=evidence,
            data={"people_involved": 60},
        )
    )
    assert alert is not None
    return alert


@pytest.fixture
def setup(personas: Personas, clock: Any) -> dict[str, Any]:
    case = make_case()
    here = raise_alert(personas.units["community"].jurisdiction, "here", (case.pk,))
    there = raise_alert(Region.objects.get(code="430299002001"), "there")
    _t, operator_key = make_token(personas.community_operator, personas.units["community"])
    _t, leader_key = make_token(personas.district_leader, personas.units["district"])
    _t, handler_key = make_token(personas.department_handler, personas.department)
    return {
        "here": here,
        "there": there,
        "case": case,
        "operator": client_for(operator_key),
        "leader": client_for(leader_key),
        "handler": client_for(handler_key),
    }


def test_list_is_scoped_and_filtered(setup: dict[str, Any]) -> None:
    body = setup["operator"].get("/api/v1/alerts/").json()
    assert [a["title"] for a in body["results"]] == ["工地欠薪 here"]
    leader = setup["leader"].get("/api/v1/alerts/?region=430299002").json()
    assert [a["title"] for a in leader["results"]] == ["工地欠薪 there"]
    assert leader["results"][0]["level_display"] == "红色预警"


def test_bad_filter_is_a_400_naming_the_field(setup: dict[str, Any]) -> None:
    response = setup["operator"].get("/api/v1/alerts/?level=purple")
    assert response.status_code == 400
    assert "level" in response.json()["error"]["fields"]


def test_detail_has_evidence_timeline_and_allowed_actions(setup: dict[str, Any]) -> None:
    here = setup["here"]
    body = setup["operator"].get(f"/api/v1/alerts/{here.pk}/").json()
    assert body["evidence"] == [setup["case"].number]
    assert body["analysis"] == {"people_involved": 60}
    assert body["allowed_actions"] == ["acknowledge", "respond", "false_alarm"]
    assert [e["action"] for e in body["timeline"]] == ["raise"]


def test_out_of_scope_is_404(setup: dict[str, Any]) -> None:
    there = setup["there"]
    response = setup["operator"].get(f"/api/v1/alerts/{there.pk}/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    response = setup["operator"].post(f"/api/v1/alerts/{there.pk}/actions/acknowledge/", {})
    assert response.status_code == 404


def test_acknowledge_respond_close(setup: dict[str, Any], personas: Personas) -> None:
    here, client = setup["here"], setup["operator"]
    body = client.post(f"/api/v1/alerts/{here.pk}/actions/acknowledge/", {"note": "收到"}).json()
    assert body["status"] == AlertStatus.ACKNOWLEDGED
    body = client.post(
        f"/api/v1/alerts/{here.pk}/actions/respond/", {"note": "人社局介入", "unit": "dept-renshe"}
    ).json()
    assert body["assigned_unit"] == "dept-renshe"
    # The department's handler now sees the alert and may close it.
    handler = setup["handler"]
    body = handler.post(f"/api/v1/alerts/{here.pk}/actions/close/", {"note": "工资已发放"}).json()
    assert body["status"] == AlertStatus.CLOSED
    assert body["hidden_evidence"] == 1  # the case itself is not the department's


def test_refusals_use_the_api_error_codes(setup: dict[str, Any]) -> None:
    here, client = setup["here"], setup["operator"]
    response = client.post(f"/api/v1/alerts/{here.pk}/actions/close/", {"note": "x"})
    assert response.status_code == 409 and response.json()["error"]["code"] == "not_allowed"
    response = client.post(f"/api/v1/alerts/{here.pk}/actions/false_alarm/", {"note": ""})
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_input"
    response = client.post(f"/api/v1/alerts/{here.pk}/actions/acknowledge/", {"nope": 1})
    assert response.status_code == 400 and "nope" in response.json()["error"]["fields"]


def test_run_on_demand_is_for_leaders(setup: dict[str, Any]) -> None:
    response = setup["operator"].post("/api/v1/alerts/run/", {"detectors": "rules"})
    assert response.status_code == 403
    response = setup["leader"].post("/api/v1/alerts/run/", {"detectors": "surges"})
    assert response.status_code == 202
    assert response.json()["task_id"]  # the test settings run tasks at once
    for what in ("stscan", "near_repeat"):
        response = setup["leader"].post("/api/v1/alerts/run/", {"detectors": what})
        assert response.status_code == 202
    response = setup["leader"].post("/api/v1/alerts/run/", {"detectors": "everything"})
    assert response.status_code == 400
