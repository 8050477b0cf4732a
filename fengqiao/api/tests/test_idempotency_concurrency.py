"""Two requests with the same Idempotency-Key at the same moment (PostgreSQL, real threads).

Each thread has its own connection. The unique (owner, key) row is inserted first in its own
transaction, so only one request runs; the other waits on the insert and then either replays
the finished result or is told the first is still running (409). Either way: one case.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from fengqiao.api.tests.helpers import client_for, make_token, new_case_body
from fengqiao.cases.models import Case, CaseEvent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions are tested on PostgreSQL")


def both_at_once(send):
    barrier = threading.Barrier(2)

    def work():
        try:
            barrier.wait(5)
            return send()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(work), pool.submit(work)]
        return [f.result() for f in futures]


def test_simultaneous_creates_with_one_key_make_one_case(personas):
    _, key = make_token(personas.community_operator, personas.units["community"])
    body = new_case_body()
    responses = both_at_once(
        lambda: client_for(key).post(
            "/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="same"
        )
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses in ([201, 201], [201, 409]), [r.content for r in responses]
    assert Case.objects.count() == 1


def test_simultaneous_actions_with_one_key_run_once(personas):
    _, key = make_token(personas.community_operator, personas.units["community"])
    number = client_for(key).post("/api/v1/cases/", new_case_body(), format="json").json()["number"]
    url = f"/api/v1/cases/{number}/actions/accept/"
    responses = both_at_once(
        lambda: client_for(key).post(url, {"note": "好"}, format="json", HTTP_IDEMPOTENCY_KEY="a")
    )
    assert sorted(r.status_code for r in responses) in ([200, 200], [200, 409])
    assert CaseEvent.objects.filter(case__number=number, action="accept").count() == 1
