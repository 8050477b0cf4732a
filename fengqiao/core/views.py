"""The staff home page (首页) and small service endpoints."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from fengqiao.accounts.models import Membership, Role, User
from fengqiao.accounts.scoping import regions_visible_to
from fengqiao.regions.models import Level


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """A signed-in user's landing page: their roles, the map of their jurisdiction, and links."""
    memberships = (
        # login_required guarantees a real user here.
        Membership.objects.filter(user=cast(User, request.user))
        .select_related("unit__jurisdiction", "region")
        .order_by("unit__tier", "unit__name")
    )
    visible = regions_visible_to(request.user)
    context = {
        "memberships": memberships,
        "region_counts": {
            level.label: visible.filter(level=level.value).count() for level in Level
        },
        "has_territory": visible.exists(),
        "is_grid_worker": any(m.role == Role.GRID_WORKER for m in memberships),
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
    return render(request, "core/home.html", context)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for a load balancer: the process answers and the database responds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The site's 404: machine-readable under the APIs (their own error formats), a page
    elsewhere. Reached for URLs no route matches, such as ``/api/v1/cases/X/attachments/abc/``."""
    from django.utils.translation import gettext as _

    if request.path.startswith("/api/"):
        from fengqiao.api.errors import body

        return JsonResponse(body("not_found", _("找不到该资源，或您无权查看。")), status=404)
    if request.path.startswith("/open311/"):
        from fengqiao.open311.formats import error

        fmt = "xml" if request.path.endswith(".xml") else "json"
        return error(fmt, 404, _("找不到该资源。"))
    return render(request, "404.html", status=404)
