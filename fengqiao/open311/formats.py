"""GeoReport v2 bodies in JSON or XML, and the spec's error format.

Responses are lists of flat dicts; a few keys hold lists (discovery's endpoints, a service
definition's attributes), whose XML children are named by ``CHILD_TAGS``.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone

CHILD_TAGS = {
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}


def w3c(value: datetime | None) -> str | None:
    """A W3C datetime in local time with its offset, e.g. 2026-11-29T10:00:00+08:00."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, data: dict[str, Any]) -> None:
    for name, value in data.items():
        child = ET.SubElement(element, name)
        if isinstance(value, list):
            for item in value:
                grandchild = ET.SubElement(child, CHILD_TAGS.get(name, "item"))
                if isinstance(item, dict):
                    _fill(grandchild, item)
                else:
                    grandchild.text = _text(item)
        else:
            child.text = _text(value)


def to_xml(data: list[dict[str, Any]] | dict[str, Any], root: str, item: str | None) -> bytes:
    element = ET.Element(root)
    if isinstance(data, dict):
        _fill(element, data)
    else:
        for row in data:
            _fill(ET.SubElement(element, item or "item"), row)
    body: bytes = ET.tostring(element, encoding="utf-8", xml_declaration=True)
    return body


def render(
    fmt: str,
    data: list[dict[str, Any]] | dict[str, Any],
    root: str,
    item: str | None = None,
    status: int = 200,
) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(
            to_xml(data, root, item), status=status, content_type="text/xml; charset=utf-8"
        )
    return HttpResponse(
        json.dumps(data, ensure_ascii=False),
        status=status,
        content_type="application/json; charset=utf-8",
    )


def error(fmt: str, status: int, description: str) -> HttpResponse:
    """``[{"code": 400, "description": ...}]`` or ``<errors><error>…</error></errors>``."""
    return render(fmt, [{"code": status, "description": description}], "errors", "error", status)
