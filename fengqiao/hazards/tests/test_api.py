"""The prevention API: places, hazards and their actions, inspections, measures."""

import base64
from datetime import date

from rest_framework.test import APIClient

from fengqiao.api.tests.helpers import assert_error
from fengqiao.hazards import inspections
from fengqiao.hazards.choices import HazardStatus
from fengqiao.hazards.models import Hazard, InspectionTask

from .conftest import OUTSIDE, OWN_GRID, jpeg, make_hazard, make_place


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def hazard_body(personas, **overrides):
    body = {
        "hazard_type": "fire",
        "level": "major",
        "title": "液化气瓶存放不规范",
        "description": "餐馆后厨存放 5 个气瓶。",
        "responsible_unit": personas.units["community"].code,
        "measures": "移至专用气瓶间",
        "deadline_days": 2,
        "lon": OWN_GRID[0],
        "lat": OWN_GRID[1],
        "photos": [{"filename": "瓶.jpg", "content": base64.b64encode(jpeg()).decode()}],
    }
    body.update(overrides)
    return body


def test_create_place_and_refuse_one_outside_the_district(personas):
    client = api(personas.community_operator)
    response = client.post(
        "/api/v1/hazards/places/",
        {
            "place_type": "school",
            "name": "实验小学",
            "lon": OWN_GRID[0],
            "lat": OWN_GRID[1],
            "contact_phone": "13812345678",
        },
        format="json",
    )
    assert response.status_code == 201 and response.json()["contact_phone"] == "138****5678"
    error = assert_error(
        client.post(
            "/api/v1/hazards/places/",
            {"place_type": "school", "name": "x", "lon": OUTSIDE[0], "lat": OUTSIDE[1]},
            format="json",
        ),
        400,
        "invalid_input",
    )
    assert "lon" in error["fields"]
    listed = client.get("/api/v1/hazards/places/").json()
    assert [p["name"] for p in listed["results"]] == ["实验小学"]
    assert api(personas.outsider).get("/api/v1/hazards/places/").json()["count"] == 0


def test_create_hazard_and_follow_it_to_sign_off(personas, clock):
    worker = api(personas.grid_worker)
    response = worker.post("/api/v1/hazards/", hazard_body(personas), format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert Hazard.objects.get(pk=pk).photos.count() == 1
    detail = worker.get(f"/api/v1/hazards/{pk}/").json()
    assert detail["allowed_actions"][:2] == ["start", "rectified"]
    assert [e["action"] for e in detail["timeline"]] == ["register"]
    for name, body in [
        ("start", {}),
        ("rectified", {"note": "已移走"}),
        ("verify", {"passed": True}),
    ]:
        assert (
            worker.post(f"/api/v1/hazards/{pk}/actions/{name}/", body, format="json").status_code
            == 200
        )
    assert_error(
        worker.post(f"/api/v1/hazards/{pk}/actions/close/", {}, format="json"), 403, "not_permitted"
    )
    done = api(personas.community_operator).post(
        f"/api/v1/hazards/{pk}/actions/close/", {}, format="json"
    )
    assert done.json()["hazard"]["status"] == HazardStatus.CLOSED


def test_hazard_bad_input_is_a_clear_error(personas, clock):
    client = api(personas.grid_worker)
    error = assert_error(
        client.post(
            "/api/v1/hazards/",
            hazard_body(personas, deadline_days=None, deadline="2025-03-01"),
            format="json",
        ),
        400,
        "invalid_input",
    )
    assert "deadline" in error["fields"]
    error = assert_error(
        client.post(
            "/api/v1/hazards/",
            hazard_body(
                personas,
                photos=[{"filename": "a.jpg", "content": base64.b64encode(b"%PDF-1.4").decode()}],
            ),
            format="json",
        ),
        400,
        "invalid_input",
    )
    assert "photos" in error["fields"]
    assert_error(
        client.post("/api/v1/hazards/", hazard_body(personas, colour="red"), format="json"),
        400,
        "invalid_input",
    )
    assert Hazard.objects.count() == 0


def test_out_of_scope_hazard_is_404(personas, clock):
    hazard = make_hazard(personas)
    assert_error(api(personas.outsider).get(f"/api/v1/hazards/{hazard.pk}/"), 404, "not_found")


def test_inspection_through_the_api(personas, clock):
    make_place(personas)
    inspections.create_plan(
        by=personas.community_operator,
        name="周检",
        unit=personas.units["community"],
        every=1,
        period_unit="weeks",
        starts_on=date(2025, 3, 3),
        checklist=["通道", "灭火器"],
        place_type="market",
        region=personas.units["community"].jurisdiction,
    )
    inspections.generate_tasks()
    task = InspectionTask.objects.get()
    client = api(personas.grid_worker)
    listed = client.get("/api/v1/hazards/tasks/", {"status": "pending"}).json()
    assert listed["results"][0]["checklist"] == ["通道", "灭火器"]
    url = f"/api/v1/hazards/tasks/{task.pk}/inspection/"
    error = assert_error(
        client.post(url, {"answers": {"0": {"answer": "ok"}}}, format="json"), 400, "invalid_input"
    )
    assert "answer_1" in error["fields"]
    finding = {
        "hazard_type": "fire",
        "level": "ordinary",
        "title": "灭火器过期",
        "description": "过期",
        "measures": "更换",
        "responsible_unit": personas.units["community"].code,
        "deadline_days": 3,
    }
    response = client.post(
        url,
        {
            "answers": {"0": {"answer": "ok"}, "1": {"answer": "problem", "note": "过期"}},
            "findings": [finding],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert len(response.json()["findings"]) == 1
    measures = (
        api(personas.community_operator)
        .get("/api/v1/hazards/measures/inspections/", {"start": "2025-03-01", "end": "2025-04-01"})
        .json()
    )
    assert measures[0]["done"] == 1 and measures[0]["coverage"] == 1.0
    assert_error(
        api(personas.community_operator).get(
            "/api/v1/hazards/measures/inspections/", {"start": "2025-03-01"}
        ),
        400,
        "invalid_input",
    )


def test_lists_use_the_strict_pagination_and_filters(personas, clock):
    make_hazard(personas)
    client = api(personas.community_operator)
    assert_error(client.get("/api/v1/hazards/", {"page_size": "0"}), 400, "invalid_input")
    assert_error(client.get("/api/v1/hazards/", {"page": "9"}), 404, "not_found")
    assert_error(client.get("/api/v1/hazards/tasks/", {"status": "nope"}), 400, "invalid_input")
    assert_error(client.get("/api/v1/hazards/", {"level": "huge"}), 400, "invalid_input")
    assert client.get("/api/v1/hazards/", {"page_size": "1"}).json()["count"] == 1


def test_bad_page_and_dates_are_400(personas):
    client = api(personas.community_operator)
    assert_error(client.get("/api/v1/hazards/places/", {"page": ""}), 400, "invalid_input")
    assert_error(
        client.get(
            "/api/v1/hazards/measures/projects/", {"start": "0001-01-01", "end": "2000-01-01"}
        ),
        400,
        "invalid_input",
    )
