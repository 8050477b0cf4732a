"""Service attributes: the definition as the spec lists it, and answers checked on POST."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from fengqiao.cases.models import Case
from fengqiao.open311.models import ServiceAttribute, ServiceMapping
from fengqiao.open311.tests.test_views import BASE, assert_error, key, post, xml

__all__ = ["key"]  # the fixture, used by name

pytestmark = pytest.mark.django_db
ATTRIBUTE_FIELDS = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
]


@pytest.fixture
def service() -> ServiceMapping:
    mapping = ServiceMapping.objects.get(service_code="dispute-neighbour")
    ServiceAttribute.objects.create(
        service=mapping,
        code="when",
        order=1,
        datatype="multivaluelist",
        required=True,
        description="发生时段",
        values=[{"key": "day", "name": "白天"}, {"key": "night", "name": "夜间"}],
    )
    ServiceAttribute.objects.create(
        service=mapping,
        code="people_involved",
        order=2,
        datatype="number",
        description="涉及人数",
        datatype_description="整数",
    )
    ServiceAttribute.objects.create(
        service=mapping, code="since", order=3, datatype="datetime", description="开始时间"
    )
    return mapping


def test_services_with_attributes_say_metadata_true(service: ServiceMapping) -> None:
    rows = {r["service_code"]: r for r in Client().get(f"{BASE}services.json").json()}
    assert rows["dispute-neighbour"]["metadata"] is True
    assert all(r["metadata"] is False for code, r in rows.items() if code != "dispute-neighbour")


def test_definition_lists_every_spec_field_in_order(service: ServiceMapping) -> None:
    data = Client().get(f"{BASE}services/dispute-neighbour.json").json()
    assert data["service_code"] == "dispute-neighbour"
    first, second, third = data["attributes"]
    assert list(first) == ATTRIBUTE_FIELDS
    assert first == {
        "variable": True,
        "code": "when",
        "datatype": "multivaluelist",
        "required": True,
        "datatype_description": None,
        "order": 1,
        "description": "发生时段",
        "values": [{"key": "day", "name": "白天"}, {"key": "night", "name": "夜间"}],
    }
    assert (second["code"], second["datatype"], second["values"]) == (
        "people_involved",
        "number",
        [],
    )
    assert third["datatype"] == "datetime"


def test_definition_xml_element_names(service: ServiceMapping) -> None:
    root = xml(Client().get(f"{BASE}services/dispute-neighbour.xml"))
    attribute = root.find("attributes/attribute")
    assert attribute is not None
    assert [child.tag for child in attribute] == ATTRIBUTE_FIELDS
    assert attribute.findtext("variable") == "true"
    assert [v.findtext("key") for v in attribute.findall("values/value")] == ["day", "night"]


def test_answers_reach_the_case(key: str, service: ServiceMapping) -> None:
    answers: dict[str, Any] = {
        "attribute[when][]": ["day", "night"],
        "attribute[people_involved]": "12",
        "attribute[since]": "2026-11-20T08:00:00+08:00",
    }
    response = post(key, **answers)
    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()[0]["service_request_id"])
    assert "发生时段：白天、夜间" in case.description
    assert "开始时间：2026-11-20T08:00:00+08:00" in case.description
    assert case.people_involved == 12


@pytest.mark.parametrize(
    ("fields", "phrase"),
    [
        ({}, "attribute[when]"),  # required and missing
        ({"attribute[when]": "dusk"}, "dusk"),  # not an option
        ({"attribute[when]": "day", "attribute[colour]": "red"}, "colour"),  # unknown
        ({"attribute[when]": "day", "attribute[people_involved]": "many"}, "数字"),
        ({"attribute[when]": "day", "attribute[people_involved]": "2.5"}, "整数"),
        ({"attribute[when]": "day", "attribute[people_involved]": "nan"}, "数字"),
        ({"attribute[when]": "day", "attribute[since]": "yesterday"}, "W3C"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_answers_are_400_and_store_nothing(
    key: str, service: ServiceMapping, fields: dict[str, Any], phrase: str, fmt: str
) -> None:
    message = assert_error(post(key, fmt, **fields), 400, fmt)
    assert phrase in message
    assert not Case.objects.exists()


def test_a_list_attribute_needs_well_formed_options(service: ServiceMapping) -> None:
    attribute = ServiceAttribute(
        service=service, code="kind", datatype="singlevaluelist", description="类型"
    )
    for values in ([], [{"key": "a"}], [{"key": "a", "name": "甲"}, {"key": "a", "name": "乙"}]):
        attribute.values = values
        with pytest.raises(ValidationError):
            attribute.full_clean()
    attribute.values = [{"key": "a", "name": "甲"}]
    attribute.full_clean()
    number = ServiceAttribute(
        service=service, code="n", datatype="number", description="数", values=[{"key": "a"}]
    )
    with pytest.raises(ValidationError):
        number.full_clean()


def test_the_demo_attributes_are_valid_and_answerable(key: str) -> None:
    from fengqiao.open311.models import add_demo_attributes

    add_demo_attributes()
    add_demo_attributes()  # idempotent
    attributes = ServiceAttribute.objects.filter(service__service_code="request-noise")
    assert [a.code for a in attributes] == ["period", "people_involved"]
    for attribute in attributes:
        attribute.full_clean()
    answers: dict[str, Any] = {"attribute[period][]": ["night"], "attribute[people_involved]": "3"}
    response = post(key, service_code="request-noise", **answers)
    assert response.status_code == 201, response.content
