"""State changes of the region tree: import (all or nothing) and path maintenance."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import shapely
from django.db import transaction

from fengqiao.lib.regionfile import (
    LEVELS,
    ExistingRegion,
    RegionFeature,
    check_region_tree,
    parse_region_geojson,
)
from fengqiao.regions.models import Region


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    by_level: dict[str, int] = field(default_factory=dict)


def boundary_of(region: Region) -> shapely.MultiPolygon | None:
    """The region's boundary as a shapely geometry (None when it has none)."""
    if not region.boundary:
        return None
    geometry = shapely.from_geojson(json.dumps(region.boundary))
    if isinstance(geometry, shapely.Polygon):
        geometry = shapely.MultiPolygon([geometry])
    return geometry


def _existing_regions() -> dict[str, ExistingRegion]:
    rows = Region.objects.select_related("parent").only("code", "level", "boundary", "parent__code")
    return {
        r.code: ExistingRegion(
            code=r.code,
            level=r.level,
            geometry=boundary_of(r),
            parent_code=r.parent.code if r.parent else None,
        )
        for r in rows
    }


def _write_feature(feature: RegionFeature, parents: Mapping[str, Region]) -> tuple[Region, bool]:
    point = feature.geometry.point_on_surface()
    parent = parents.get(feature.parent_code) if feature.parent_code else None
    if feature.level != LEVELS[0] and parent is None:
        raise AssertionError(f"parent {feature.parent_code} vanished during the import")
    return Region.objects.update_or_create(
        code=feature.code,
        defaults={
            "name": feature.name,
            "level": feature.level,
            "parent": parent,
            "boundary": json.loads(shapely.to_geojson(feature.geometry)),
            "point_lon": round(point.x, 7),
            "point_lat": round(point.y, 7),
            "path": "",
        },
    )


def rebuild_paths() -> int:
    """Recompute every region's materialised path from its parent links; returns rows changed."""
    regions = list(Region.objects.only("id", "code", "parent_id", "path"))
    by_id = {r.id: r for r in regions}
    changed = []
    for region in sorted(regions, key=lambda r: r.id):
        codes = []
        node: Region | None = region
        while node is not None:
            codes.append(node.code)
            node = by_id.get(node.parent_id) if node.parent_id else None
        path = "/" + "/".join(reversed(codes)) + "/"
        if region.path != path:
            region.path = path
            changed.append(region)
    Region.objects.bulk_update(changed, ["path"], batch_size=500)
    return len(changed)


def import_regions(
    data: bytes | str | Mapping[str, Any] | list[Any],
    *,
    source_crs: str = "wgs84",
    level_override: str | None = None,
    replace: bool = False,
) -> ImportSummary:
    """Import regions from GeoJSON, all or nothing.

    Every feature is validated first (structure, geometry, codes, the tree, containment in the
    parent, overlap with siblings; see ``lib.regionfile``); any problem raises
    ``RegionFileError`` listing them all and nothing is written. Existing codes are updated only
    with ``replace``. Costs one query per feature plus one pass over all regions for the paths.
    Tells ``regions.locator`` to look for the change on its next call.
    """
    from fengqiao.regions import locator  # it imports this module

    features = parse_region_geojson(data, source_crs=source_crs, level_override=level_override)
    summary = ImportSummary()
    with transaction.atomic():
        check_region_tree(features, _existing_regions(), replace=replace)
        parents = {r.code: r for r in Region.objects.filter(level__in=LEVELS[:-1])}
        for feature in sorted(features, key=lambda f: (LEVELS.index(f.level), f.index)):
            region, created = _write_feature(feature, parents)
            parents[region.code] = region
            summary.created += created
            summary.updated += not created
        rebuild_paths()
    # The paths are rebuilt in bulk, without signals: the locator must look again.
    locator.forget()
    summary.by_level = dict(Counter(f.level for f in features))
    return summary


def export_regions(regions: Any) -> dict[str, Any]:
    """A FeatureCollection in Fengqiao's own import format, ready for ``import_regions``."""
    features = []
    for region in regions.select_related("parent").order_by("path"):
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code": region.code,
                    "name": region.name,
                    "level": region.level,
                    "parent": region.parent.code if region.parent else None,
                },
                "geometry": region.boundary,
            }
        )
    return {"type": "FeatureCollection", "features": features}
