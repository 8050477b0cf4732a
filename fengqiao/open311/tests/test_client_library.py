"""The third-party ``georeport`` client (PyPI, read-only GeoReport v2) against a live server.

``georeport`` is not a project dependency: the test is skipped unless it is importable, e.g.
``PYTHONPATH=<a venv with georeport>/site-packages pytest fengqiao/open311``.
"""

from __future__ import annotations

from typing import Any

import pytest

from fengqiao.cases.tests.factories import make_case

georeport = pytest.importorskip("georeport")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_client_reads_services_and_requests(
    live_server: Any, personas: Any, fmt: str
) -> None:
    case = make_case()
    client = georeport.GeoReport(f"{live_server.url}/open311/v2", output_format=fmt)
    codes = [s["service_code"] for s in client.get_service_list()]
    assert "dispute-neighbour" in codes
    assert client.get_service_definition("dispute-neighbour")["service_code"] == "dispute-neighbour"
    found = client.get_service_request(case.number)
    assert found["service_request_id"] == case.number and found["status"] == "open"
    listed = client.get_service_requests(service_code="dispute-neighbour", status="open")
    listed = listed if isinstance(listed, list) else [listed]  # xmltodict: one row is a dict
    assert [r["service_request_id"] for r in listed] == [case.number]
