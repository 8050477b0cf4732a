"""The URL map of the API benchmark's server: the product's, plus ``POST /bench/insert/``.

``insert_one`` is the framework's ceiling for a write (一次最简单的写入): a plain Django view
through the same middleware, server and database as the API, that parses the JSON body and
inserts one row (an ``AuditEntry``, a small table the API does not touch) with the ORM. Only
``bench/api_settings.py`` points at this module; the product URL map never includes it.

``create_plain`` is an experiment, not a product endpoint: the create of the API without DRF
(``bench/api.py --plain``). Like the ceiling it has no authentication or rate limit; it checks
the body's shape by hand and calls the same ``cases.intake.submit`` (validate, locate, route,
timeline, outbox) for the benchmark's service account, answering with the case's number only.
It measures how much of a create's cost is DRF's and how much is the intake itself.
"""

from __future__ import annotations

import json
import os
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from fengqiao.core.models import AuditEntry

# The service account of the benchmark, set by bench/api.py (AuditEntry.user is required).
USER_ID = int(os.environ.get("FENGQIAO_BENCH_USER_ID", "0"))

handler404 = "fengqiao.core.views.page_not_found"


@csrf_exempt
@require_POST
def insert_one(request: HttpRequest) -> JsonResponse:
    """Insert one row; 201 with its id, or 400 if the body is not a JSON object."""
    try:
        body = json.loads(request.body)
    except ValueError:
        return JsonResponse({"error": "body is not JSON"}, status=400)
    if not isinstance(body, dict):
        return JsonResponse({"error": "body is not a JSON object"}, status=400)
    entry = AuditEntry.objects.create(
        kind=AuditEntry.Kind.EXPORT,
        user_id=USER_ID,
        object_type="bench",
        object_id=str(body.get("category", ""))[:50],
    )
    return JsonResponse({"id": entry.pk}, status=201)


@csrf_exempt
@require_POST
def create_plain(request: HttpRequest) -> JsonResponse:
    """File a case through ``intake.submit`` without DRF; 201 with its number, or 400."""
    from datetime import datetime

    from fengqiao.cases.choices import Channel
    from fengqiao.cases.errors import CaseError
    from fengqiao.cases.intake import submit

    try:
        body = json.loads(request.body)
        occurred_at = datetime.fromisoformat(body["occurred_at"])
        case = submit(
            category=str(body["category"]),
            title=str(body["title"]),
            description=str(body["description"]),
            occurred_at=occurred_at,
            channel=Channel.API,
            by=_bench_user(),
            lon=float(body["lon"]),
            lat=float(body["lat"]),
            reporter_name=str(body.get("reporter_name", "")),
            reporter_phone=str(body.get("reporter_phone", "")),
        )
    except (ValueError, KeyError, TypeError, CaseError) as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse({"number": case.number}, status=201)


_user: list[Any] = []


def _bench_user() -> Any:
    """The benchmark's service account, loaded once per process."""
    if not _user:
        from fengqiao.accounts.models import User

        _user.append(User.objects.get(pk=USER_ID))
    return _user[0]


urlpatterns = [
    path("bench/insert/", insert_one),
    path("bench/create-plain/", create_plain),
    path("", include("fengqiao.urls")),
]
