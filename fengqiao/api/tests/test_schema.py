"""The OpenAPI document validates and names every endpoint; the docs page is self-contained."""

import re

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from fengqiao.api.actions import ACTIONS

pytestmark = pytest.mark.django_db


def test_schema_command_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert "openapi: 3" in out.read_text()


def test_schema_lists_every_endpoint_and_error_response():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    for name in ACTIONS:
        operation = paths[f"/api/v1/cases/{{number}}/actions/{name}/"]["post"]
        assert {"400", "401", "403", "404", "409", "422", "429"} <= set(operation["responses"])
    for path in ["/api/v1/cases/", "/api/v1/categories/", "/api/v1/regions/", "/api/v1/units/"]:
        assert path in paths
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_schema_endpoint_is_served(personas):
    response = APIClient().get("/api/v1/schema/?format=json")
    assert response.status_code == 200 and response.json()["openapi"].startswith("3.")


def test_docs_page_renders_without_external_urls():
    response = APIClient().get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/v1/cases/{number}/actions/accept/" in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    assert '<html lang="zh-hans">' in html and "机器可读的 OpenAPI 3 文档" in html


def test_docs_page_follows_the_chosen_language():
    client = APIClient()
    client.cookies["django_language"] = "en"
    html = client.get("/api/v1/docs/").content.decode()
    assert '<html lang="en">' in html
    assert 'Machine-readable OpenAPI 3 document: <a href="/api/v1/schema/">' in html
    assert "<th>Method</th><th>Path</th>" in html and "机器可读" not in html


def test_every_operation_documents_throttling_and_authentication():
    """Every endpoint is rate limited and needs credentials, so its 429 and 401 are documented."""
    import json

    from drf_spectacular.generators import SchemaGenerator

    document = json.loads(
        json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str)
    )
    missing = [
        f"{method.upper()} {path}: {status}"
        for path, operations in document["paths"].items()
        if not path.endswith("/schema/")
        for method, operation in operations.items()
        for status in ("401", "429")
        if status not in operation["responses"]
    ]
    assert missing == []
