"""Conformance with GeoReport v2, written field by field from the spec."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.test import Client
from django.utils import timezone

from fengqiao.api.tests.helpers import make_token
from fengqiao.cases import actions
from fengqiao.cases.models import Case
from fengqiao.cases.tests.factories import GRID_1, make_case
from fengqiao.open311 import views
from fengqiao.open311.models import ServiceMapping, seed

pytestmark = pytest.mark.django_db
BASE = "/open311/v2/"
SERVICE_FIELDS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


@pytest.fixture(autouse=True)
def neighbour_disputes_listed(db: Any) -> None:
    """The tests' cases are neighbour disputes, which are not listed publicly by default."""
    ServiceMapping.objects.filter(service_code="dispute-neighbour").update(public=True)


def test_only_requests_and_hazards_are_listed_publicly_by_default() -> None:
    public = ServiceMapping.objects.exclude(service_code="dispute-neighbour").filter(public=True)
    assert public.exists()
    assert set(public.values_list("category__kind", flat=True)) == {"request", "hazard"}


def test_a_dispute_of_an_unlisted_service_is_not_in_the_public_list(personas: Any) -> None:
    ServiceMapping.objects.update(public=False)
    case = make_case()
    response = Client().get("/open311/v2/requests.json")
    assert case.number not in response.content.decode()


@pytest.fixture
def key(personas: Any) -> str:
    return make_token(personas.community_operator, personas.units["community"])[1]


def post(key: str, fmt: str = "json", **fields: Any) -> Any:
    body = {
        "api_key": key,
        "service_code": "dispute-neighbour",
        "lat": str(GRID_1[1]),
        "long": str(GRID_1[0]),
        "description": "楼上漏水影响楼下住户",
        "first_name": "四",
        "last_name": "李",
        "phone": "13812345678",
        "email": "li@example.com",
    }
    body.update(fields)
    body = {k: v for k, v in body.items() if v is not None}
    return Client().post(f"{BASE}requests.{fmt}", body)  # form-encoded, as the spec says


def xml(response: Any) -> ET.Element:
    return ET.fromstring(response.content)  # noqa: S314 (our own output, not untrusted input)


def assert_error(response: Any, status: int, fmt: str = "json") -> str:
    assert response.status_code == status, response.content
    if fmt == "xml":
        root = xml(response)
        assert root.tag == "errors"
        (item,) = list(root)
        assert item.tag == "error"
        assert item.findtext("code") == str(status)
        return item.findtext("description") or ""
    (item,) = response.json()
    assert item["code"] == status and item["description"]
    return str(item["description"])


def test_seed_makes_one_service_per_leaf_and_keeps_admin_edits() -> None:
    mapping = ServiceMapping.objects.get(service_code="dispute-neighbour")
    mapping.name = "邻里纠纷（改）"
    mapping.save()
    assert seed() == 0
    mapping.refresh_from_db()
    assert mapping.name == "邻里纠纷（改）"
    assert mapping.category.parent_id is not None


def test_discovery_in_both_formats() -> None:
    data = Client().get(f"{BASE}discovery.json").json()
    assert data["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    root = xml(Client().get(f"{BASE}discovery.xml"))
    assert root.tag == "discovery"
    assert root.find("endpoints/endpoint/formats/format") is not None


def test_services_json_lists_every_spec_field() -> None:
    rows = Client().get(f"{BASE}services.json").json()
    assert rows and all(list(row) == SERVICE_FIELDS for row in rows)
    row = next(r for r in rows if r["service_code"] == "dispute-neighbour")
    assert row["metadata"] is False and row["type"] == "realtime" and row["group"]


def test_services_xml_element_names() -> None:
    root = xml(Client().get(f"{BASE}services.xml"))
    assert root.tag == "services"
    service = root.find("service")
    assert service is not None
    assert [child.tag for child in service] == SERVICE_FIELDS
    assert service.findtext("metadata") == "false"


def test_inactive_service_is_not_listed() -> None:
    ServiceMapping.objects.filter(service_code="dispute-neighbour").update(is_active=False)
    codes = [r["service_code"] for r in Client().get(f"{BASE}services.json").json()]
    assert "dispute-neighbour" not in codes


def test_service_definition_in_both_formats() -> None:
    data = Client().get(f"{BASE}services/dispute-neighbour.json").json()
    assert data == {"service_code": "dispute-neighbour", "attributes": []}
    root = xml(Client().get(f"{BASE}services/dispute-neighbour.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "dispute-neighbour"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_definition_is_404(fmt: str) -> None:
    assert_error(Client().get(f"{BASE}services/nope.{fmt}"), 404, fmt)


def test_post_creates_case_through_intake(key: str) -> None:
    response = post(key)
    assert response.status_code == 201, response.content
    (row,) = response.json()
    assert list(row) == ["service_request_id", "service_notice", "account_id"]
    case = Case.objects.get(number=row["service_request_id"])
    assert case.channel == "open311" and case.reporter_name == "李四"
    assert case.category.code == "dispute-neighbour"


def test_post_xml_response(key: str) -> None:
    root = xml(post(key, "xml"))
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id", "").startswith("FQ-")


def test_post_with_idempotency_key_creates_one_case(key: str) -> None:
    client = Client()
    body = {
        "api_key": key,
        "service_code": "dispute-neighbour",
        "lat": GRID_1[1],
        "long": GRID_1[0],
        "description": "x",
    }
    first = client.post(f"{BASE}requests.json", body, headers={"Idempotency-Key": "k1"})
    again = client.post(f"{BASE}requests.json", body, headers={"Idempotency-Key": "k1"})
    assert first.json() == again.json()
    assert Case.objects.count() == 1


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_without_or_with_bad_api_key_is_403(key: str, fmt: str) -> None:
    assert_error(post("", fmt), 403, fmt)
    assert_error(post("fq_wrong", fmt), 403, fmt)
    assert not Case.objects.exists()


def test_post_with_revoked_key_is_403(personas: Any) -> None:
    token, key = make_token(personas.community_operator, personas.units["community"])
    token.revoked_at = timezone.now()
    token.save()
    assert_error(post(key), 403)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_unknown_service_code_is_404(key: str, fmt: str) -> None:
    assert_error(post(key, fmt, service_code="nope"), 404, fmt)


def test_post_outside_district_is_400_with_intake_message(key: str) -> None:
    assert "不在本辖区" in assert_error(post(key, lat="40.0", long="116.4"), 400)


def test_post_address_only_is_400(key: str) -> None:
    message = assert_error(post(key, lat=None, long=None, address_string="人民路1号"), 400)
    assert "lat/long" in message


def test_post_bad_coordinates_and_missing_description_are_400(key: str) -> None:
    assert_error(post(key, lat="abc"), 400)
    assert_error(post(key, description=""), 400)


def test_get_request_by_id_has_every_field_and_no_personal_data(key: str) -> None:
    number = post(key).json()[0]["service_request_id"]
    response = Client().get(f"{BASE}requests/{number}.json")
    (row,) = response.json()
    assert list(row) == REQUEST_FIELDS
    assert row["status"] == "open" and row["service_code"] == "dispute-neighbour"
    assert row["requested_datetime"].endswith("+08:00")
    assert row["lat"] == GRID_1[1] and row["long"] == GRID_1[0]
    assert "13812345678" not in response.content.decode()
    assert "李四" not in response.content.decode()


def test_get_request_by_id_xml(key: str) -> None:
    number = post(key).json()[0]["service_request_id"]
    root = xml(Client().get(f"{BASE}requests/{number}.xml"))
    assert root.tag == "service_requests"
    request = root.find("request")
    assert request is not None
    assert [child.tag for child in request] == REQUEST_FIELDS
    assert b"13812345678" not in ET.tostring(root)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_request_is_404(fmt: str) -> None:
    assert_error(Client().get(f"{BASE}requests/FQ-20000101-00001.{fmt}"), 404, fmt)


def test_rejected_case_is_closed_with_reason_as_status_notes(personas: Any) -> None:
    case = make_case()
    actions.reject(case, by=personas.community_operator, reason="不属于受理范围")
    (row,) = Client().get(f"{BASE}requests/{case.number}.json").json()
    assert row["status"] == "closed" and row["status_notes"] == "不属于受理范围"


def numbers(query: str) -> list[str]:
    return [r["service_request_id"] for r in Client().get(f"{BASE}requests.json{query}").json()]


def test_get_requests_filters(personas: Any) -> None:
    neighbour = make_case()
    other = make_case(category="dispute-neighbour")
    actions.reject(other, by=personas.community_operator, reason="重复")
    old = make_case()
    Case.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(days=120))
    assert set(numbers("")) == {neighbour.number, other.number}  # last 90 days
    # Ids override the 90-day default, so the old case is found too.
    found = numbers(f"?service_request_id={neighbour.number},{old.number}")
    assert sorted(found) == sorted([neighbour.number, old.number])
    assert numbers("?status=open") == [neighbour.number]
    assert numbers("?status=closed") == [other.number]
    assert set(numbers("?service_code=dispute-neighbour")) == {neighbour.number, other.number}
    assert numbers("?service_code=nope") == []
    start = (timezone.now() - timedelta(days=200)).isoformat()
    end = (timezone.now() - timedelta(days=100)).isoformat()
    assert numbers(f"?start_date={start}&end_date={end}") == [old.number]


def test_get_requests_xml_and_bad_filters(personas: Any) -> None:
    make_case()
    root = xml(Client().get(f"{BASE}requests.xml"))
    assert root.tag == "service_requests" and root.find("request/status") is not None
    assert_error(Client().get(f"{BASE}requests.json?status=maybe"), 400)
    assert_error(Client().get(f"{BASE}requests.xml?start_date=yesterday"), 400, "xml")


def test_get_requests_is_rate_limited(monkeypatch: pytest.MonkeyPatch) -> None:
    import time_machine

    monkeypatch.setattr(views, "READ_LIMIT", 2)
    client = Client()
    # Mid-window (windows are epoch-aligned), so the three requests count in one window.
    with time_machine.travel(timezone.now().replace(minute=5, second=0), tick=False):
        assert client.get(f"{BASE}requests.json").status_code == 200
        assert client.get(f"{BASE}requests.json").status_code == 200
        response = client.get(f"{BASE}requests.json")
    assert_error(response, 429)
    assert int(response["Retry-After"]) >= 1
