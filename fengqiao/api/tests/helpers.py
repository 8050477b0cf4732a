"""Shared helpers for the API tests: tokens for personas, clients, a valid new-case body."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from rest_framework.test import APIClient

from fengqiao.api.models import ApiToken
from fengqiao.cases.tests.factories import GRID_1


def make_token(user: Any, unit: Any, name: str = "测试系统") -> tuple[ApiToken, str]:
    token = ApiToken(name=name, unit=unit, user=user)
    key = token.set_new_key()
    token.full_clean()
    token.save()
    return token, key


def client_for(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def new_case_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "category": "dispute-neighbour",
        "title": "楼上漏水影响楼下住户",
        "description": "3栋2单元502漏水，楼下402天花板渗水。",
        "occurred_at": (timezone.now() - timedelta(hours=2)).isoformat(),
        "lon": GRID_1[0],
        "lat": GRID_1[1],
        "reporter_name": "李四",
        "reporter_phone": "13812345678",
    }
    body.update(overrides)
    return body


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    return dict(error)
