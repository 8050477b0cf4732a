"""A case's whole life through the API, with one token per unit, and who sees what."""

import pytest

from fengqiao.api.tests.helpers import assert_error, client_for, make_token, new_case_body
from fengqiao.cases.choices import Channel, Status
from fengqiao.cases.models import Case

pytestmark = pytest.mark.django_db


@pytest.fixture
def community(personas):
    return client_for(make_token(personas.community_operator, personas.units["community"])[1])


@pytest.fixture
def department(personas):
    return client_for(make_token(personas.department_handler, personas.department)[1])


@pytest.fixture
def outsider(personas):
    # The outsider holds no role; give them a membership-free token by creating it directly.
    from fengqiao.api.models import ApiToken

    token = ApiToken(name="x", unit=personas.department, user=personas.outsider)
    key = token.set_new_key()
    token.save()
    return client_for(key)


def act(client, number, action, **body):
    return client.post(f"/api/v1/cases/{number}/actions/{action}/", body, format="json")


def test_create_accept_dispatch_claim_resolve_verify(personas, community, department):
    created = community.post("/api/v1/cases/", new_case_body(), format="json")
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    assert created["Location"] == f"/api/v1/cases/{number}/"
    assert Case.objects.get(number=number).channel == Channel.API
    # the department cannot see it before dispatch
    assert_error(department.get(f"/api/v1/cases/{number}/"), 404, "not_found")

    assert act(community, number, "accept", note="已核实").json()["case"]["status"] == "accepted"
    result = act(community, number, "dispatch", to_unit="dept-renshe", note="请处理")
    assert result.status_code == 200 and result.json()["case"]["status"] == "dispatched"

    detail = department.get(f"/api/v1/cases/{number}/").json()
    assert "claim" in detail["allowed_actions"]
    assert act(department, number, "claim").json()["case"]["status"] == "in_progress"
    assert act(department, number, "progress", note="已约谈双方").status_code == 200
    resolved = act(department, number, "resolve", outcome="维修防水层")
    assert resolved.json()["case"]["status"] == "resolved"
    closed = act(community, number, "verify", passed=True, note="属实")
    assert closed.json()["case"]["status"] == Status.CLOSED

    timeline = community.get(f"/api/v1/cases/{number}/timeline/").json()
    assert [e["action"] for e in timeline] == [
        "submit",
        "accept",
        "dispatch",
        "claim",
        "progress",
        "resolve",
        "close",
    ]


def test_personal_data_is_masked(community):
    created = community.post("/api/v1/cases/", new_case_body(), format="json").json()
    assert created["reporter_phone"] == "138****5678"
    assert created["reporter_name"] == "李*"
    listed = community.get("/api/v1/cases/").json()["results"][0]
    assert "13812345678" not in str(listed) and listed["reporter_phone"] == "138****5678"


def test_list_filters_and_paginates(community):
    for i in range(3):
        community.post("/api/v1/cases/", new_case_body(title=f"事件{i}"), format="json")
    page = community.get("/api/v1/cases/?page_size=2&status=submitted").json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    assert community.get("/api/v1/cases/?q=事件1").json()["count"] == 1
    assert community.get("/api/v1/cases/?status=closed").json()["count"] == 0


def test_list_query_count_does_not_grow(community, django_assert_max_num_queries):
    for i in range(5):
        community.post("/api/v1/cases/", new_case_body(title=f"事件{i}"), format="json")
    with django_assert_max_num_queries(12):
        assert community.get("/api/v1/cases/").json()["count"] == 5


@pytest.mark.parametrize("page_size", ["0", "201", "abc", "null", ""])
def test_bad_page_size_is_400(community, page_size):
    response = community.get(f"/api/v1/cases/?page_size={page_size}")
    error = assert_error(response, 400, "invalid_input")
    assert list(error["fields"]) == ["page_size"]


@pytest.mark.parametrize("page", ["", "abc", "-1"])
def test_bad_page_is_400(community, page):
    error = assert_error(community.get(f"/api/v1/cases/?page={page}"), 400, "invalid_input")
    assert list(error["fields"]) == ["page"]


def test_bad_filter_is_400(community):
    error = assert_error(community.get("/api/v1/cases/?status=nonsense"), 400, "invalid_input")
    assert "status" in error["fields"]


def test_outsider_gets_404_for_everything_about_a_case(personas, community, outsider):
    number = community.post("/api/v1/cases/", new_case_body(), format="json").json()["number"]
    for url in ["", "timeline/", "attachments/"]:
        assert_error(outsider.get(f"/api/v1/cases/{number}/{url}"), 404, "not_found")
    assert_error(act(outsider, number, "accept"), 404, "not_found")
    assert outsider.get("/api/v1/cases/").json()["count"] == 0
    assert Case.objects.get(number=number).status == Status.SUBMITTED


def test_wrong_status_is_409(community):
    number = community.post("/api/v1/cases/", new_case_body(), format="json").json()["number"]
    assert_error(act(community, number, "resolve", outcome="x"), 409, "not_allowed")


def test_no_role_on_a_visible_case_is_403(personas, community):
    # The district leader sees the case (territory) but is not an operator of the community.
    leader = client_for(make_token(personas.district_leader, personas.units["district"])[1])
    number = community.post("/api/v1/cases/", new_case_body(), format="json").json()["number"]
    assert_error(act(leader, number, "accept"), 403, "not_permitted")


def test_invalid_input_from_the_action_is_400(community):
    number = community.post("/api/v1/cases/", new_case_body(), format="json").json()["number"]
    assert_error(act(community, number, "reject", reason="   "), 400, "invalid_input")


def test_missing_field_and_unknown_field_are_400(community):
    number = community.post("/api/v1/cases/", new_case_body(), format="json").json()["number"]
    error = assert_error(act(community, number, "reject"), 400, "invalid_input")
    assert "reason" in error["fields"]
    error = assert_error(act(community, number, "accept", notes="typo"), 400, "invalid_input")
    assert "notes" in error["fields"]
    body = new_case_body(colour="red")
    error = assert_error(
        community.post("/api/v1/cases/", body, format="json"), 400, "invalid_input"
    )
    assert list(error["fields"]) == ["colour"]


def test_malformed_json_is_400(community):
    response = community.post("/api/v1/cases/", '{"title": ', content_type="application/json")
    assert_error(response, 400, "malformed_request")


@pytest.mark.parametrize("idempotency_key", [None, "big-1"])
def test_a_body_over_the_limit_is_413_and_stores_nothing(community, idempotency_key):
    import json

    from django.conf import settings

    description = "长" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 3 + 10)
    headers = {"HTTP_IDEMPOTENCY_KEY": idempotency_key} if idempotency_key else {}
    response = community.post(
        "/api/v1/cases/",
        json.dumps(new_case_body(description=description), ensure_ascii=False),
        content_type="application/json",
        **headers,
    )
    error = assert_error(response, 413, "payload_too_large")
    assert "MB" in error["message"]
    assert not Case.objects.exists()


def test_wrong_content_type_is_415(community):
    response = community.post("/api/v1/cases/", "title=x", content_type="text/plain")
    assert_error(response, 415, "unsupported_media_type")


def test_bad_coordinates_are_400(community):
    error = assert_error(
        community.post("/api/v1/cases/", new_case_body(lon=200), format="json"),
        400,
        "invalid_input",
    )
    assert "lon" in error["fields"]
    outside = new_case_body(lon=100.0, lat=30.0)
    error = assert_error(
        community.post("/api/v1/cases/", outside, format="json"), 400, "invalid_input"
    )
    assert "辖区" in error["message"]


def test_unknown_action_and_case_are_404(community):
    assert_error(community.get("/api/v1/cases/FQ-20990101-00001/"), 404, "not_found")
    assert community.post("/api/v1/cases/X/actions/fly/", {}, format="json").status_code == 404


def test_wrong_method_is_405(community):
    assert_error(community.delete("/api/v1/cases/"), 405, "method_not_allowed")


def test_attachments_upload_list_download(community, outsider):
    number = community.post("/api/v1/cases/", new_case_body(), format="json").json()["number"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("说明.txt", "现场情况说明".encode(), content_type="text/plain")
    created = community.post(
        f"/api/v1/cases/{number}/attachments/", {"file": upload}, format="multipart"
    )
    assert created.status_code == 201, created.content
    item = created.json()
    listed = community.get(f"/api/v1/cases/{number}/attachments/").json()
    assert [a["id"] for a in listed] == [item["id"]]
    download = community.get(f"/api/v1/cases/{number}/attachments/{item['id']}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).decode() == "现场情况说明"
    assert_error(
        outsider.get(f"/api/v1/cases/{number}/attachments/{item['id']}/"), 404, "not_found"
    )
    as_json = community.post(f"/api/v1/cases/{number}/attachments/", {}, format="json")
    assert_error(as_json, 415, "unsupported_media_type")


def test_session_authentication_works_for_the_browser(personas, client):
    client.force_login(personas.community_operator)
    assert client.get("/api/v1/cases/").status_code == 200
