"""The third-party ``georeport`` client (PyPI, read-only GeoReport v2) against a live server.

``georeport`` 0.3.1 (Apache-2.0) is a development dependency, so ``make test`` runs this. The
client has no POST (its methods: service list, service definition, one request, requests), so
creating a request is covered by the conformance tests in ``test_views.py`` alone.
"""

from __future__ import annotations

from typing import Any

import georeport  # type: ignore[import-untyped]
import pytest

from fengqiao.cases.tests.factories import make_case


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_client_reads_services_and_requests(
    live_server: Any, personas: Any, fmt: str
) -> None:
    # A request (诉求) is listed publicly; disputes are not (their parties are private).
    code = "request-environment"
    case = make_case(category=code, title="小区门口垃圾堆放", description="垃圾三天没人清运。")
    client = georeport.GeoReport(f"{live_server.url}/open311/v2", output_format=fmt)
    codes = [s["service_code"] for s in client.get_service_list()]
    assert code in codes and "dispute-neighbour" in codes
    assert client.get_service_definition(code)["service_code"] == code
    found = client.get_service_request(case.number)
    assert found["service_request_id"] == case.number and found["status"] == "open"
    assert found["service_code"] == code
    listed = client.get_service_requests(service_code=code, status="open")
    listed = listed if isinstance(listed, list) else [listed]  # xmltodict: one row is a dict
    assert [r["service_request_id"] for r in listed] == [case.number]
