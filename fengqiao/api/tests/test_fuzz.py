"""Schemathesis fuzzes every operation of the OpenAPI document against the real app in-process.

For each operation it generates requests from the schema (valid and invalid), sends them through
Django's WSGI handler with a real token and database, and fails on any 5xx response, on a
response whose status code, content type, headers or body the document does not describe.
``make test`` runs a bounded, derandomised number of examples per operation; ``make fuzz`` runs
many more with a fresh seed (FUZZ_EXAMPLES, FUZZ_SEED) and its results are in docs/api.md.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from fengqiao.api.tests.helpers import make_token
from fengqiao.cases.tests.factories import make_case

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
SEED = os.environ.get("FUZZ_SEED")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


def _schema_document() -> dict[str, Any]:
    # The same document /api/v1/schema/ serves, made without a request; JSON round trip turns
    # lazy translations into plain strings.
    document = SchemaGenerator().get_schema(request=None, public=True)
    return dict(json.loads(json.dumps(document, default=str)))


schema = schemathesis.openapi.from_dict(_schema_document())
APP = get_wsgi_application()


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Any:
    """Calling the WSGI app directly fires request_finished, whose close_old_connections would
    close the test's connection mid-transaction on PostgreSQL (SQLite's in-memory database is
    never closed); Django's own test client disconnects it the same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def generous_rate_limits(settings: Any) -> None:
    """A long run sends thousands of requests with one token inside one minute; throttling has
    its own tests, and here a 429 would only hide the operation from the fuzzer."""
    rates = {"user": "1000000/min", "anon": "1000000/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


@pytest.fixture
def api_key(personas: Any) -> str:
    """A community operator's token, and a few cases so that reads find something."""
    for _ in range(3):
        make_case()
    return make_token(personas.community_operator, personas.units["community"])[1]


@pytest.mark.django_db(transaction=False)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=SEED is None,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case: Any, api_key: str) -> None:
    response = case.call(app=APP, headers={"Authorization": f"Token {api_key}"})
    case.validate_response(response, checks=CHECKS)
