"""The URL map of the API benchmark's server: the product's, plus ``POST /bench/insert/``.

``insert_one`` is the framework's ceiling for a write (一次最简单的写入): a plain Django view
through the same middleware, server and database as the API, that parses the JSON body and
inserts one row (an ``AuditEntry``, a small table the API does not touch) with the ORM. Only
``bench/api_settings.py`` points at this module; the product URL map never includes it.
"""

from __future__ import annotations

import json
import os

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


urlpatterns = [
    path("bench/insert/", insert_one),
    path("", include("fengqiao.urls")),
]
