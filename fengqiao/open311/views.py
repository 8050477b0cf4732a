"""Open311 GeoReport v2 endpoints (https://wiki.open311.org/GeoReport_v2).

Reads are public and show only public data: no reporter, no internal notes. Only cases whose
小类 is mapped to an active service are listed. Creating a request needs an ``api_key``, which
is an ApiToken key (the same tokens as the REST API). Deviation from the spec: a request must
carry ``lat``/``long`` inside the district; ``address_string`` alone is refused with 400,
because the case is routed by the grid under the point.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from fengqiao.api.authentication import acting_user, token_for_key
from fengqiao.cases.choices import Action, Channel, Status
from fengqiao.cases.errors import CaseError, NotPermitted
from fengqiao.cases.intake import submit
from fengqiao.cases.models import Case, CaseEvent
from fengqiao.core import ratelimit
from fengqiao.open311.attributes import AttributeInputError, definition, read_answers
from fengqiao.open311.formats import error, render, w3c
from fengqiao.open311.models import ServiceAttribute, ServiceMapping

CLOSED_STATUSES = (Status.CLOSED, Status.REJECTED, Status.MERGED)
NOTE_ACTIONS = (Action.REJECT, Action.RESOLVE, Action.CLOSE, Action.HANDLE_ON_SPOT)
DEFAULT_SPAN = timedelta(days=90)
MAX_REQUESTS = 1000
READ_LIMIT, READ_WINDOW = 120, 600  # per client address


@require_GET
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(reverse("open311:discovery", args=["json"]))
    data = {
        "changeset": "2026-11-29T00:00:00+08:00",
        "contact": _("枫桥基层社会治理平台"),
        "key_service": _("api_key 即接口令牌，请向区综治中心申请。"),
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base.rsplit("/", 1)[0],
                "changeset": "2026-11-29T00:00:00+08:00",
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    return render(fmt, data, "discovery")


def _service(mapping: ServiceMapping) -> dict[str, Any]:
    return {
        "service_code": mapping.service_code,
        "service_name": mapping.name,
        "description": mapping.description,
        "metadata": bool(getattr(mapping, "has_attributes", False)),
        "type": "realtime",
        "keywords": mapping.keywords,
        "group": mapping.group,
    }


@require_GET
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    rows = ServiceMapping.objects.filter(is_active=True).annotate(
        has_attributes=Exists(ServiceAttribute.objects.filter(service=OuterRef("pk")))
    )
    return render(fmt, [_service(m) for m in rows], "services", "service")


@require_GET
def service_definition(request: HttpRequest, service_code: str, fmt: str) -> HttpResponse:
    mapping = ServiceMapping.objects.filter(service_code=service_code, is_active=True).first()
    if mapping is None:
        return error(fmt, 404, _("未知的服务编码：%(c)s") % {"c": service_code})
    attributes = [definition(a) for a in mapping.attributes.all()]
    return render(
        fmt,
        {"service_code": mapping.service_code, "attributes": attributes},
        "service_definition",
    )


def _public_cases() -> QuerySet[Case]:
    notes = CaseEvent.objects.filter(public=True, action__in=NOTE_ACTIONS).exclude(note="")
    return (
        Case.objects.filter(
            category__open311_services__is_active=True,
            category__open311_services__public=True,
            merged_into__isnull=True,
        )
        .select_related("category", "current_unit")
        .prefetch_related(
            Prefetch("events", queryset=notes, to_attr="public_notes"),
            Prefetch("category__open311_services", to_attr="services"),
        )
        .distinct()
    )


def _request(case: Case) -> dict[str, Any]:
    """One case as a GeoReport service request: public fields only."""
    notes: list[CaseEvent] = getattr(case, "public_notes", [])
    if case.status == Status.REJECTED and case.reject_reason:
        status_notes = case.reject_reason
    else:
        status_notes = notes[-1].shown_note if notes else ""
    mappings: list[ServiceMapping] = getattr(case.category, "services", [])
    mapping = next((m for m in mappings if m.is_active), None)
    return {
        "service_request_id": case.number,
        "status": "closed" if case.status in CLOSED_STATUSES else "open",
        "status_notes": status_notes,
        "service_name": mapping.name if mapping else case.category.name,
        "service_code": mapping.service_code if mapping else case.category.code,
        "description": case.description,
        "agency_responsible": case.current_unit.name,
        "service_notice": "",
        "requested_datetime": w3c(case.submitted_at),
        "updated_datetime": w3c(case.updated_at),
        "expected_datetime": w3c(case.resolve_due_at),
        "address": case.address,
        "address_id": "",
        "zipcode": "",
        "lat": case.lat,
        "long": case.lon,
        "media_url": "",
    }


def _throttled(request: HttpRequest, fmt: str) -> HttpResponse | None:
    key = ratelimit.key("open311-read", ratelimit.client_ip(request))
    if ratelimit.hit(key, READ_LIMIT, READ_WINDOW):
        return None
    response = error(fmt, 429, _("请求过于频繁，请稍后再试。"))
    response["Retry-After"] = str(ratelimit.retry_after(READ_WINDOW))
    return response


def _when(raw: str) -> Any:
    value = parse_datetime(raw.strip().replace(" ", "+"))
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _list_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    cases = _public_cases()
    ids = [i.strip() for i in request.GET.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        # Given ids override every other filter, as the spec says.
        cases = cases.filter(number__in=ids[:MAX_REQUESTS])
    else:
        bounds = {}
        for name in ("start_date", "end_date"):
            if request.GET.get(name):
                bounds[name] = _when(request.GET[name])
                if bounds[name] is None:
                    return error(fmt, 400, _("%(f)s 须为 W3C 日期时间。") % {"f": name})
        end = bounds.get("end_date") or timezone.now()
        start = bounds.get("start_date") or end - DEFAULT_SPAN
        cases = cases.filter(submitted_at__gte=start, submitted_at__lte=end)
        codes = [c for c in request.GET.get("service_code", "").split(",") if c]
        if codes:
            cases = cases.filter(category__open311_services__service_code__in=codes)
        state = request.GET.get("status", "")
        if state == "closed":
            cases = cases.filter(status__in=CLOSED_STATUSES)
        elif state == "open":
            cases = cases.exclude(status__in=CLOSED_STATUSES)
        elif state:
            return error(fmt, 400, _("status 只能是 open 或 closed。"))
    rows = [_request(c) for c in cases.order_by("-submitted_at")[:MAX_REQUESTS]]
    return render(fmt, rows, "service_requests", "request")


def _float(raw: str | None) -> float | None:
    return float(raw) if raw not in (None, "") else None


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    data = request.POST
    token = token_for_key(data.get("api_key", "")) if data.get("api_key") else None
    if token is None:
        return error(fmt, 403, _("api_key 无效或已撤销。"))
    code = data.get("service_code", "")
    mapping = ServiceMapping.objects.filter(service_code=code, is_active=True).first()
    if mapping is None:
        return error(fmt, 404, _("未知的服务编码：%(c)s") % {"c": code})
    try:
        lat, lon = _float(data.get("lat")), _float(data.get("long"))
    except ValueError:
        return error(fmt, 400, _("lat/long 须为数字（WGS-84）。"))
    if lat is None and lon is None:
        return error(fmt, 400, _("须提供本辖区内的坐标 lat/long（WGS-84），仅有地址无法受理。"))
    try:
        answers = read_answers(mapping, data)
    except AttributeInputError as exc:
        return error(fmt, 400, str(exc))
    description = data.get("description", "").strip()
    if answers.lines:
        description = "\n".join([description, _("补充信息："), *answers.lines]).strip()
    idem = request.headers.get("Idempotency-Key", "")
    key = hashlib.sha256(f"open311:{token.pk}:{idem}".encode()).hexdigest() if idem else ""
    name = (data.get("last_name", "") + data.get("first_name", "")).strip()
    try:
        case = submit(
            category=mapping.category,
            title=(description.splitlines()[0] if description else mapping.name)[:100],
            description=description,
            occurred_at=timezone.now(),
            channel=Channel.OPEN311,
            by=acting_user(token),
            lon=lon,
            lat=lat,
            address=data.get("address_string", "")[:200],
            people_involved=answers.people_involved or 1,
            reporter_name=name[:50],
            reporter_phone=data.get("phone", ""),
            submission_key=key,
        )
    except CaseError as exc:
        return error(fmt, 403 if isinstance(exc, NotPermitted) else 400, exc.message)
    row = {"service_request_id": case.number, "service_notice": "", "account_id": ""}
    return render(fmt, [row], "service_requests", "request", status=201)


@csrf_exempt  # a machine endpoint authenticated by api_key, not by a session cookie
@require_http_methods(["GET", "POST"])
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    return _throttled(request, fmt) or _list_requests(request, fmt)


@require_GET
def request_detail(request: HttpRequest, number: str, fmt: str) -> HttpResponse:
    throttled = _throttled(request, fmt)
    if throttled:
        return throttled
    case = _public_cases().filter(number=number).first()
    if case is None:
        return error(fmt, 404, _("找不到该请求：%(n)s") % {"n": number})
    return render(fmt, [_request(case)], "service_requests", "request")
