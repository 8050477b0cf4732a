"""Region boundaries for maps, scoped to what the user may see."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBadRequest, JsonResponse
from django.views.decorators.http import require_GET

from fengqiao.accounts.scoping import regions_visible_to
from fengqiao.regions.models import Level


@login_required
@require_GET
def boundaries(request: HttpRequest) -> JsonResponse | HttpResponseBadRequest:
    """GeoJSON FeatureCollection of the visible regions of one level (default: grids)."""
    level = request.GET.get("level", Level.GRID)
    if level not in Level.values:
        return HttpResponseBadRequest(f"unknown level {level!r}; use one of {Level.values}")
    regions = regions_visible_to(request.user).filter(level=level).exclude(boundary=None)
    features = [
        {
            "type": "Feature",
            "id": region.code,
            "properties": {"code": region.code, "name": region.name, "level": region.level},
            "geometry": region.boundary,
        }
        for region in regions.only("code", "name", "level", "boundary")
    ]
    response = JsonResponse({"type": "FeatureCollection", "features": features})
    response["Cache-Control"] = "private, max-age=60"
    return response
