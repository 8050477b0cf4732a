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
