"""Idempotency-Key: a retry replays the first response and does nothing again."""

from datetime import timedelta

import pytest
from django.utils import timezone

from fengqiao.api import idempotency
from fengqiao.api.models import IdempotencyRecord
from fengqiao.api.tests.helpers import assert_error, client_for, make_token, new_case_body
from fengqiao.cases.models import Case, CaseEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(personas):
    return client_for(make_token(personas.community_operator, personas.units["community"])[1])


def test_retried_create_returns_the_same_response_and_one_case(api):
    body = new_case_body()
    first = api.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = api.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1


def test_same_key_different_body_is_422(api):
    api.post("/api/v1/cases/", new_case_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    other = new_case_body(title="另一件事")
    response = api.post("/api/v1/cases/", other, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert_error(response, 422, "idempotency_mismatch")
    assert Case.objects.count() == 1


def test_retried_action_is_performed_once(api):
    number = api.post("/api/v1/cases/", new_case_body(), format="json").json()["number"]
    url = f"/api/v1/cases/{number}/actions/accept/"
    first = api.post(url, {"note": "好"}, format="json", HTTP_IDEMPOTENCY_KEY="a-1")
    second = api.post(url, {"note": "好"}, format="json", HTTP_IDEMPOTENCY_KEY="a-1")
    assert first.status_code == second.status_code == 200 and first.json() == second.json()
    assert CaseEvent.objects.filter(case__number=number, action="accept").count() == 1
    # without the key the retry is a second attempt, refused by the status check
    assert_error(api.post(url, {"note": "好"}, format="json"), 409, "not_allowed")


def test_an_error_is_not_stored_so_a_corrected_retry_runs(api):
    bad = api.post("/api/v1/cases/", {"title": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert bad.status_code == 400
    assert not IdempotencyRecord.objects.exists()


def test_a_request_still_running_is_409(api):
    """A second request while the first holds the key (its record has no result yet)."""
    body = new_case_body()
    first = api.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    assert first.status_code == 201
    IdempotencyRecord.objects.update(status_code=None, response_body=None)  # as if still running
    response = api.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    assert_error(response, 409, "idempotency_in_progress")
    assert Case.objects.count() == 1


def test_keys_belong_to_the_caller(api, personas):
    other = client_for(make_token(personas.street_operator, personas.units["street"])[1])
    body = new_case_body()
    api.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="same")
    response = other.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="same")
    assert response.status_code == 201 and Case.objects.count() == 2


def test_keys_expire_after_a_day(api):
    body = new_case_body()
    api.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="old")
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert idempotency.prune() == 1
    assert not IdempotencyRecord.objects.exists()


def test_an_expired_unpruned_key_is_free_again(api):
    api.post("/api/v1/cases/", new_case_body(), format="json", HTTP_IDEMPOTENCY_KEY="old")
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    other = new_case_body(title="另一件事")
    response = api.post("/api/v1/cases/", other, format="json", HTTP_IDEMPOTENCY_KEY="old")
    assert response.status_code == 201 and response.json()["title"] == "另一件事"


def test_bad_key_is_400(api):
    response = api.post(
        "/api/v1/cases/", new_case_body(), format="json", HTTP_IDEMPOTENCY_KEY="x" * 201
    )
    assert_error(response, 400, "invalid_input")


def test_cleanup_is_a_registered_periodic_job():
    from fengqiao.core.jobs import registered

    assert "api.prune_idempotency_records" in {job.name for job in registered()}
