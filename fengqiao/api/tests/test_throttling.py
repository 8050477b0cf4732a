"""Rate limits per token and per address, counted in the database."""

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from fengqiao.api.tests.helpers import assert_error, client_for, make_token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mid_window():
    """Counting windows are aligned to the minute: hold the clock mid-window so that a slow
    request cannot carry the next one into a fresh window."""
    from datetime import UTC, datetime

    import time_machine

    with time_machine.travel(datetime(2026, 11, 30, 2, 0, 20, tzinfo=UTC), tick=False):
        yield


def rates(user, anon):
    from django.conf import settings

    config = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": user, "anon": anon}}
    return override_settings(REST_FRAMEWORK=config)


def test_token_over_its_rate_gets_429_with_retry_after(personas):
    _, key = make_token(personas.community_operator, personas.units["community"])
    other = client_for(make_token(personas.street_operator, personas.units["street"])[1])
    with rates("2/min", "100/min"):
        api = client_for(key)
        assert api.get("/api/v1/units/").status_code == 200
        assert api.get("/api/v1/units/").status_code == 200
        response = api.get("/api/v1/units/")
        assert_error(response, 429, "throttled")
        assert int(response["Retry-After"]) == 40
        # another token has its own budget
        assert other.get("/api/v1/units/").status_code == 200


def test_anonymous_clients_are_limited_per_address(personas):
    with rates("100/min", "1/min"):
        client = APIClient()
        assert client.get("/api/v1/schema/").status_code == 200
        response = client.get("/api/v1/schema/")
        assert response.status_code == 429 and "Retry-After" in response


def test_parse_rate():
    from django.core.exceptions import ImproperlyConfigured

    from fengqiao.api.throttling import parse_rate

    assert parse_rate("120/min") == (120, 60)
    assert parse_rate("5/s") == (5, 1)
    assert parse_rate("1000/day") == (1000, 86400)
    with pytest.raises(ImproperlyConfigured):
        parse_rate("lots")
