"""The output serializers: fields built once per class, each response its own."""

import pytest

from fengqiao.api.serializers import CaseDetailSerializer, CaseSerializer
from fengqiao.cases.tests.factories import make_case

pytestmark = pytest.mark.django_db


def test_each_serializer_reads_its_own_context(personas):
    case = make_case()
    first = CaseDetailSerializer(case, context={"allowed_actions": ["accept"]})
    second = CaseDetailSerializer(case, context={"allowed_actions": ["reject"]})
    assert first.data["allowed_actions"] == ["accept"]
    assert second.data["allowed_actions"] == ["reject"]


def test_a_subclass_keeps_its_own_fields(personas):
    case = make_case()
    assert "allowed_actions" not in CaseSerializer(case).data
    assert "allowed_actions" in CaseDetailSerializer(case).data
    assert "allowed_actions" not in CaseSerializer(case).data


def test_case_data_is_the_serializers_output_for_every_case(personas):
    """The create response's shortcut renders exactly what CaseSerializer does, case after
    case on the same bound serializer (no value of one case leaks into the next)."""
    from fengqiao.api.serializers import case_data

    cases = [
        make_case(),
        make_case(anonymous=True, reporter_name="", reporter_phone=""),
        make_case(
            lon=None, lat=None, region=personas.units["community"].jurisdiction.children.first()
        ),
        make_case(reporter_name="王小明", reporter_phone="13912345678", address="3栋"),
    ]
    for case in cases + cases[::-1]:
        assert case_data(case) == dict(CaseSerializer(case).data)


def test_plain_fields_are_copied_not_shared_between_serializers(personas):
    from rest_framework import serializers

    from fengqiao.api.serializers import CaseCreateSerializer

    first, second = CaseCreateSerializer(), CaseCreateSerializer()
    assert first.fields["title"] is not second.fields["title"]
    assert first.fields["title"].parent is first and second.fields["title"].parent is second
    assert isinstance(first.fields["title"], serializers.CharField)
    case = make_case()
    one, two = CaseSerializer(case), CaseSerializer(case)
    assert one.fields["category"] is not two.fields["category"]
    assert one.fields["category"].parent is one
