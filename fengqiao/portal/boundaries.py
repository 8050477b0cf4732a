"""Public map data for the report page: the district's community and grid outlines.

Region boundaries are public information (grids are published on notice boards); the staff
endpoint ``regions:boundaries`` is scoped to a user's territory, this one is not. Outlines are
simplified (shapely, tolerance 0.0002° ≈ 20 m, topology kept) and rounded to 1e-6°, which shrinks
the download several-fold, and the encoded result is cached until a region changes.
"""

from __future__ import annotations

import json
from typing import Any

import shapely
from django.core.cache import cache
from django.db.models import Count, Max

from fengqiao.regions.models import Level, Region

LEVELS = (Level.COMMUNITY, Level.GRID)
TOLERANCE = 0.0002
PRECISION = 1e-6
CACHE_SECONDS = 24 * 3600


def geojson(level: str) -> bytes:
    """The FeatureCollection of all regions of ``level`` as UTF-8 JSON; cached per version.

    Costs one aggregate query when cached; otherwise one query and the simplification.
    """
    version = Region.objects.filter(level=level).aggregate(n=Count("id"), changed=Max("updated_at"))
    changed = version["changed"].timestamp() if version["changed"] else 0
    key = f"portal:boundaries:{level}:{version['n']}:{changed}"
    body: bytes | None = cache.get(key)
    if body is None:
        body = json.dumps(_collection(level), ensure_ascii=False, separators=(",", ":")).encode()
        cache.set(key, body, CACHE_SECONDS)
    return body


def _collection(level: str) -> dict[str, Any]:
    regions = (
        Region.objects.filter(level=level)
        .exclude(boundary=None)
        .only("code", "name", "boundary")
        .order_by("path")
    )
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": region.code,
                "properties": {"code": region.code, "name": region.name},
                "geometry": _simplified(region.boundary),
            }
            for region in regions
        ],
    }


def _simplified(boundary: Any) -> Any:
    geometry = shapely.from_geojson(json.dumps(boundary))
    geometry = shapely.simplify(geometry, TOLERANCE, preserve_topology=True)
    geometry = shapely.set_precision(geometry, PRECISION)
    return json.loads(shapely.to_geojson(geometry))
