"""Importing regions through the real database: all or nothing, paths, replace, export."""

import json

import pytest
import shapely

from fengqiao.conftest import collection, feature, square, tree_features
from fengqiao.lib.gcj02 import wgs84_to_gcj02
from fengqiao.lib.regionfile import RegionFileError
from fengqiao.regions.actions import boundary_of, export_regions, import_regions
from fengqiao.regions.models import Region

pytestmark = pytest.mark.django_db


def test_import_builds_the_tree_with_paths_and_points():
    summary = import_regions(collection(tree_features()))
    assert summary.created == 15 and summary.updated == 0
    assert summary.by_level == {"district": 1, "street": 2, "community": 4, "grid": 8}
    grid = Region.objects.get(code="430299001001001")
    assert grid.path == "/430299/430299001/430299001001/430299001001001/"
    assert [r.code for r in grid.ancestors()] == ["430299", "430299001", "430299001001"]
    assert shapely.Point(grid.point_lon, grid.point_lat).within(boundary_of(grid))
    district = Region.objects.get(code="430299")
    assert Region.objects.subtree(district).count() == 15


def test_bad_feature_anywhere_imports_nothing():
    features = tree_features()
    bowtie = {
        "type": "MultiPolygon",
        "coordinates": [
            [[[113.0, 27.8], [113.1, 27.9], [113.1, 27.8], [113.0, 27.9], [113.0, 27.8]]]
        ],
    }
    features[-1]["geometry"] = bowtie
    with pytest.raises(RegionFileError) as excinfo:
        import_regions(collection(features))
    assert "430299002002002" in str(excinfo.value)
    assert Region.objects.count() == 0


def test_grid_outside_its_parent_is_rejected_and_nothing_written(region_tree):
    stray = feature(
        "430299001001003", "越界网格", "grid", "430299001001", square(114.0, 28.5, 0.05)
    )
    with pytest.raises(RegionFileError, match="430299001001003"):
        import_regions(collection([stray]))
    assert not Region.objects.filter(code="430299001001003").exists()


def test_overlapping_grid_is_rejected(region_tree):
    overlapping = feature(
        "430299001001003", "重叠网格", "grid", "430299001001", square(113.0, 27.8, 0.05)
    )
    with pytest.raises(RegionFileError):
        import_regions(collection([overlapping]))
    assert Region.objects.count() == 15


def test_existing_code_needs_replace_and_then_updates(region_tree):
    renamed = tree_features()[0]
    renamed["properties"]["name"] = "测试区（改名）"
    with pytest.raises(RegionFileError, match="430299"):
        import_regions(collection([renamed]))
    summary = import_regions(collection([renamed]), replace=True)
    assert summary.updated == 1
    assert Region.objects.get(code="430299").name == "测试区（改名）"
    # children keep their parent and paths
    assert Region.objects.get(code="430299002").path == "/430299/430299002/"


def test_gcj02_import_is_converted_to_wgs84():
    district = tree_features()[0]
    ring = district["geometry"]["coordinates"][0][0]
    district["geometry"]["coordinates"][0][0] = [list(wgs84_to_gcj02(x, y)) for x, y in ring]
    import_regions(collection([district]), source_crs="gcj02")
    stored = boundary_of(Region.objects.get(code="430299"))
    expected = shapely.from_geojson(json.dumps(square(113.0, 27.8, 0.4)))
    assert stored.symmetric_difference(expected).area < 1e-12


def test_unknown_source_crs_is_rejected():
    with pytest.raises(RegionFileError, match="bd09"):
        import_regions(collection(tree_features()), source_crs="bd09")
    assert Region.objects.count() == 0


def test_export_round_trips_through_import(region_tree):
    exported = export_regions(Region.objects.all())
    assert len(exported["features"]) == 15
    before = {r.code: (r.name, r.level, r.path, r.boundary) for r in Region.objects.all()}
    for region in sorted(Region.objects.all(), key=lambda r: -len(r.path)):
        region.delete()
    import_regions(json.dumps(exported))
    after = {r.code: (r.name, r.level, r.path, r.boundary) for r in Region.objects.all()}
    assert after == before
