"""Tests for parsing and validating region import files.

Geometries are small hand-made boxes near Zhuzhou (113.0-113.4E, 27.6-28.0N) so that GCJ-02
conversion applies to them; codes follow the national lengths (6/9/12/15 digits).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
import shapely.errors

from fengqiao.lib.gcj02 import gcj02_to_wgs84
from fengqiao.lib.regionfile import (
    LEVELS,
    SOURCE_CRS,
    ExistingRegion,
    RegionFeature,
    RegionFileError,
    check_region_tree,
    feature_label,
    parse_region_geojson,
)

DISTRICT = "430211"
STREET = "430211001"
COMMUNITY = "430211001001"
GRID = "430211001001001"

# ../shared/data/geo/ relative to the repository root (/work/main).
REAL_FILE = (
    Path(__file__).resolve().parents[3].parent
    / "shared"
    / "data"
    / "geo"
    / "zhuzhou_430200_districts.geojson"
)


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def ring(x0: float, y0: float, x1: float, y1: float) -> list[list[float]]:
    """A closed counter-clockwise GeoJSON ring for the box (x0, y0)-(x1, y1)."""
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]


def polygon(x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [ring(x0, y0, x1, y1)]}


def feature(
    code: Any = DISTRICT,
    name: Any = "天元区",
    level: Any = "district",
    parent: Any = None,
    geometry: Any = "default",
) -> dict[str, Any]:
    """A feature in Fengqiao's own format."""
    if geometry == "default":
        geometry = polygon(113.0, 27.6, 113.4, 28.0)
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name, "level": level, "parent": parent},
        "geometry": geometry,
    }


def datav_feature(adcode: Any, name: str, level: str, parent: Any = 430200) -> dict[str, Any]:
    """A feature shaped like a DataV.GeoAtlas download, with the properties it carries."""
    return {
        "type": "Feature",
        "properties": {
            "adcode": adcode,
            "name": name,
            "center": [113.1, 27.8],
            "centroid": [113.2, 27.8],
            "childrenNum": 0,
            "level": level,
            "parent": {"adcode": parent} if parent is not None else None,
            "subFeatureIndex": 0,
            "acroutes": [100000, 430000, 430200],
        },
        "geometry": {
            "type": "MultiPolygon",
            "coordinates": [[ring(113.0, 27.6, 113.4, 28.0)]],
        },
    }


def collection(*features: Any, **extra: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features), **extra}


def problems_of(data: Any, **kwargs: Any) -> list[str]:
    """Parse ``data``, expect a RegionFileError, and return its problem lines."""
    with pytest.raises(RegionFileError) as info:
        parse_region_geojson(data, **kwargs)
    return info.value.problems


def region(
    index: int,
    code: str,
    level: str,
    parent: str | None,
    box: tuple[float, float, float, float],
    name: str = "某某",
) -> RegionFeature:
    """A parsed feature for the tree checks, built directly."""
    return RegionFeature(
        index=index,
        code=code,
        name=name,
        level=level,
        parent_code=parent,
        geometry=shapely.MultiPolygon([shapely.box(*box)]),
    )


def tree_problems(
    features: list[RegionFeature],
    existing: dict[str, ExistingRegion] | None = None,
    *,
    replace: bool = False,
) -> list[str]:
    with pytest.raises(RegionFileError) as info:
        check_region_tree(features, existing or {}, replace=replace)
    return info.value.problems


def existing_region(
    code: str,
    level: str,
    parent: str | None,
    box: tuple[float, float, float, float] | None,
) -> ExistingRegion:
    geometry = shapely.MultiPolygon([shapely.box(*box)]) if box else None
    return ExistingRegion(code=code, level=level, geometry=geometry, parent_code=parent)


# A small consistent tree: one district split into two streets, one street into two
# communities, one community into two grids.
DISTRICT_BOX = (113.0, 27.6, 113.4, 28.0)
STREET_BOXES = [(113.0, 27.6, 113.2, 28.0), (113.2, 27.6, 113.4, 28.0)]
COMMUNITY_BOXES = [(113.0, 27.6, 113.2, 27.8), (113.0, 27.8, 113.2, 28.0)]
GRID_BOXES = [(113.0, 27.6, 113.1, 27.8), (113.1, 27.6, 113.2, 27.8)]


def full_tree() -> list[RegionFeature]:
    return [
        region(0, DISTRICT, "district", None, DISTRICT_BOX, "天元区"),
        region(1, "430211001", "street", DISTRICT, STREET_BOXES[0]),
        region(2, "430211002", "street", DISTRICT, STREET_BOXES[1]),
        region(3, "430211001001", "community", "430211001", COMMUNITY_BOXES[0]),
        region(4, "430211001002", "community", "430211001", COMMUNITY_BOXES[1]),
        region(5, "430211001001001", "grid", "430211001001", GRID_BOXES[0]),
        region(6, "430211001001002", "grid", "430211001001", GRID_BOXES[1]),
    ]


# --------------------------------------------------------------------------------------------
# parse_region_geojson: happy paths
# --------------------------------------------------------------------------------------------


def test_constants() -> None:
    assert LEVELS == ("district", "street", "community", "grid")
    assert SOURCE_CRS == ("wgs84", "gcj02")


def test_parses_fengqiao_format_with_all_levels() -> None:
    data = collection(
        feature(DISTRICT, "天元区", "district", None),
        feature(STREET, "嵩山路街道", "street", DISTRICT),
        feature(COMMUNITY, "某某社区", "community", STREET),
        feature(GRID, "第一网格", "grid", COMMUNITY),
    )
    features = parse_region_geojson(data)
    assert [(f.index, f.code, f.name, f.level, f.parent_code) for f in features] == [
        (0, DISTRICT, "天元区", "district", None),
        (1, STREET, "嵩山路街道", "street", DISTRICT),
        (2, COMMUNITY, "某某社区", "community", STREET),
        (3, GRID, "第一网格", "grid", COMMUNITY),
    ]
    for parsed in features:
        assert isinstance(parsed.geometry, shapely.MultiPolygon)
        assert parsed.geometry.is_valid
        assert parsed.geometry.equals(shapely.box(*DISTRICT_BOX))


@pytest.mark.parametrize("kind", ["dict", "str", "bytes", "bytes-with-bom", "bare-array"])
def test_accepts_every_input_form(kind: str) -> None:
    data: Any = collection(feature())
    if kind == "str":
        data = json.dumps(data, ensure_ascii=False)
    elif kind == "bytes":
        data = json.dumps(data, ensure_ascii=False).encode("utf-8")
    elif kind == "bytes-with-bom":
        data = "\ufeff".encode() + json.dumps(data, ensure_ascii=False).encode("utf-8")
    elif kind == "bare-array":
        data = json.dumps(data["features"])
    features = parse_region_geojson(data)
    assert [(f.code, f.name) for f in features] == [(DISTRICT, "天元区")]


def test_multipolygon_is_kept_and_polygon_is_wrapped() -> None:
    two_parts = {
        "type": "MultiPolygon",
        "coordinates": [[ring(113.0, 27.6, 113.1, 27.7)], [ring(113.2, 27.6, 113.3, 27.7)]],
    }
    features = parse_region_geojson(
        collection(feature(geometry=two_parts), feature(code="430212", name="渌口区"))
    )
    assert len(features[0].geometry.geoms) == 2
    assert isinstance(features[1].geometry, shapely.MultiPolygon)
    assert len(features[1].geometry.geoms) == 1


def test_polygon_with_hole_is_accepted() -> None:
    with_hole = {
        "type": "Polygon",
        "coordinates": [ring(113.0, 27.6, 113.4, 28.0), ring(113.1, 27.7, 113.2, 27.8)[::-1]],
    }
    (parsed,) = parse_region_geojson(collection(feature(geometry=with_hole)))
    assert parsed.geometry.area == pytest.approx(0.16 - 0.01)


def test_z_coordinates_are_dropped() -> None:
    coords = [[x, y, 50.0] for x, y in ring(113.0, 27.6, 113.4, 28.0)]
    (parsed,) = parse_region_geojson(
        collection(feature(geometry={"type": "Polygon", "coordinates": [coords]}))
    )
    assert not parsed.geometry.has_z


def test_codes_and_names_are_trimmed_and_integer_codes_accepted() -> None:
    (parsed,) = parse_region_geojson(collection(feature(code=" 430211 ", name=" 天元区 ")))
    assert (parsed.code, parsed.name) == (DISTRICT, "天元区")
    (parsed,) = parse_region_geojson(collection(feature(code=430211)))
    assert parsed.code == DISTRICT


@pytest.mark.parametrize(
    "crs_name",
    [
        "urn:ogc:def:crs:OGC:1.3:CRS84",
        "urn:ogc:def:crs:EPSG::4326",
        "EPSG:4326",
        "http://www.opengis.net/def/crs/EPSG/0/4326",
        "WGS 84",
        # CGCS2000 geographic coordinates differ from WGS-84 by centimetres; Chinese government
        # GIS exports name it, so it is accepted as lon/lat without conversion.
        "EPSG:4490",
        "CGCS2000",
    ],
)
def test_wgs84_crs_member_is_accepted(crs_name: str) -> None:
    data = collection(feature(), crs={"type": "name", "properties": {"name": crs_name}})
    assert len(parse_region_geojson(data)) == 1


def test_old_style_epsg_crs_member_is_accepted() -> None:
    data = collection(feature(), crs={"type": "EPSG", "properties": {"code": 4326}})
    assert len(parse_region_geojson(data)) == 1


# --------------------------------------------------------------------------------------------
# parse_region_geojson: DataV format
# --------------------------------------------------------------------------------------------


def test_parses_datav_districts() -> None:
    data = collection(
        datav_feature(430211, "天元区", "district"),
        datav_feature(430202, "荷塘区", "district"),
    )
    features = parse_region_geojson(data)
    assert [(f.code, f.name, f.level, f.parent_code) for f in features] == [
        ("430211", "天元区", "district", "430200"),
        ("430202", "荷塘区", "district", "430200"),
    ]


def test_parses_datav_streets_as_bare_array() -> None:
    data = [datav_feature(430211001, "嵩山路街道", "street", parent=430211)]
    (parsed,) = parse_region_geojson(json.dumps(data, ensure_ascii=False).encode())
    assert (parsed.code, parsed.level, parsed.parent_code) == ("430211001", "street", DISTRICT)


def test_datav_root_feature_without_parent() -> None:
    (parsed,) = parse_region_geojson([datav_feature(430211, "天元区", "district", parent=None)])
    assert parsed.parent_code is None


@pytest.mark.parametrize("level", ["city", "province"])
def test_datav_levels_above_district_are_rejected(level: str) -> None:
    problems = problems_of(collection(datav_feature(430200, "株洲市", level, parent=430000)))
    assert len(problems) == 1
    assert problems[0].startswith("feature #1 (code 430200, 株洲市): ")
    assert f"DataV level '{level}' cannot be imported" in problems[0]


def test_datav_unknown_level_is_rejected() -> None:
    problems = problems_of(collection(datav_feature(430211, "天元区", "county")))
    assert "unknown DataV level 'county'" in problems[0]


def test_level_override_forces_every_feature() -> None:
    data = collection(
        datav_feature(430211001, "嵩山路街道", "city", parent=430211),
        feature(code="430211002", name="泰山路街道", level="district", parent=DISTRICT),
    )
    features = parse_region_geojson(data, level_override="street")
    assert [f.level for f in features] == ["street", "street"]


def test_level_override_still_applies_code_length_rule() -> None:
    problems = problems_of(
        collection(datav_feature(430211, "天元区", "district")), level_override="grid"
    )
    assert "code 430211 has 6 digits, but a grid code must have 15" in problems[0]


# --------------------------------------------------------------------------------------------
# parse_region_geojson: GCJ-02 input
# --------------------------------------------------------------------------------------------


def test_gcj02_input_is_converted_to_wgs84() -> None:
    gcj_ring = ring(113.05, 27.7, 113.15, 27.8)
    data = collection(feature(geometry={"type": "Polygon", "coordinates": [gcj_ring]}))
    (parsed,) = parse_region_geojson(data, source_crs="gcj02")
    got = shapely.get_coordinates(parsed.geometry)
    expected = np.array([gcj02_to_wgs84(x, y) for x, y in gcj_ring])
    np.testing.assert_allclose(got, expected, atol=1e-10)
    # GCJ-02 near Zhuzhou is shifted roughly +0.005 degrees east and -0.003 north of WGS-84,
    # so converting moves the polygon west and north by a few hundred metres.
    shift = got[0] - np.array(gcj_ring[0])
    assert -0.007 < shift[0] < -0.003
    assert 0.001 < shift[1] < 0.005
    assert parsed.geometry.is_valid


def test_wgs84_input_is_left_alone() -> None:
    (parsed,) = parse_region_geojson(collection(feature()), source_crs="wgs84")
    np.testing.assert_array_equal(
        shapely.get_coordinates(parsed.geometry), np.array(ring(*DISTRICT_BOX))
    )


# --------------------------------------------------------------------------------------------
# parse_region_geojson: problems with the file as a whole
# --------------------------------------------------------------------------------------------


def test_unknown_source_crs_raises_immediately() -> None:
    # Raised before the (also broken) file is looked at.
    problems = problems_of(b"not json at all", source_crs="bd09")
    assert problems == ["unknown source_crs 'bd09'; expected one of wgs84, gcj02"]


def test_unknown_level_override_raises_immediately() -> None:
    problems = problems_of(b"not json at all", level_override="county")
    assert len(problems) == 1
    assert "unknown level_override 'county'" in problems[0]


def test_not_json() -> None:
    problems = problems_of(b'{"type": "FeatureCollection", "features": [')
    assert len(problems) == 1
    assert problems[0].startswith("the file is not valid JSON")


def test_not_utf8() -> None:
    problems = problems_of("天元区".encode("gbk"))
    assert problems[0].startswith("the file is not UTF-8 text")


@pytest.mark.parametrize(
    ("data", "found"),
    [
        (feature(), "'Feature'"),
        ({"type": "Polygon", "coordinates": []}, "'Polygon'"),
        (42, "'int'"),
        ('"a string"', "'str'"),
    ],
)
def test_not_a_feature_collection_or_array(data: Any, found: str) -> None:
    problems = problems_of(data)
    assert problems == [
        f"expected a GeoJSON FeatureCollection or a JSON array of features, got {found}"
    ]


def test_feature_collection_without_features_list() -> None:
    problems = problems_of({"type": "FeatureCollection", "features": None})
    assert problems == ["the FeatureCollection has no 'features' list"]


def test_empty_file_is_a_problem() -> None:
    assert problems_of(collection()) == ["the file contains no features"]


@pytest.mark.parametrize(
    "crs",
    [
        {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
        {"type": "name", "properties": {"name": "EPSG:43260"}},
        {"type": "name", "properties": {"name": "EPSG:4547"}},  # CGCS2000 Gauss-Krueger metres
        {"type": "link", "properties": {"href": "http://example.com/crs"}},
    ],
)
def test_unknown_crs_member(crs: dict[str, Any]) -> None:
    problems = problems_of(collection(feature(), crs=crs))
    assert len(problems) == 1
    assert problems[0].startswith("unknown coordinate system")


# --------------------------------------------------------------------------------------------
# parse_region_geojson: problems with single features
# --------------------------------------------------------------------------------------------


def test_feature_label_format() -> None:
    assert (
        feature_label(3, "430204006001", "某某社区") == "feature #4 (code 430204006001, 某某社区)"
    )
    assert feature_label(0, None, None) == "feature #1 (no code, no name)"


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        (None, "has no geometry"),
        ({"type": "Point", "coordinates": [113.1, 27.8]}, "'Point' is not Polygon or MultiPolygon"),
        (
            {"type": "GeometryCollection", "geometries": []},
            "'GeometryCollection' is not Polygon or MultiPolygon",
        ),
        ({"type": "Polygon"}, "geometry has no coordinates"),
        (
            {"type": "Polygon", "coordinates": [[[113.0, 27.6], [113.1, 27.6]]]},
            "malformed Polygon coordinates",
        ),
        (
            {"type": "Polygon", "coordinates": [[[113.0, 27.6], ["x", 27.6], [113.1, 27.7]]]},
            "malformed Polygon coordinates",
        ),
        ("POLYGON ((0 0, 1 0, 1 1, 0 0))", "geometry is not a GeoJSON geometry object"),
        ({"type": "Polygon", "coordinates": []}, "geometry is empty"),
        ({"type": "MultiPolygon", "coordinates": []}, "geometry is empty"),
    ],
)
def test_geometry_problems(geometry: Any, message: str) -> None:
    problems = problems_of(collection(feature(geometry=geometry)))
    assert len(problems) == 1
    assert problems[0].startswith(f"feature #1 (code {DISTRICT}, 天元区): ")
    assert message in problems[0]


def test_feature_without_geometry_member() -> None:
    raw = feature()
    del raw["geometry"]
    assert "has no geometry" in problems_of(collection(raw))[0]


def test_bow_tie_is_reported_as_self_intersection_and_not_repaired() -> None:
    bow_tie = {
        "type": "Polygon",
        "coordinates": [
            [[113.0, 27.6], [113.2, 27.8], [113.2, 27.6], [113.0, 27.8], [113.0, 27.6]]
        ],
    }
    problems = problems_of(collection(feature(geometry=bow_tie)))
    assert len(problems) == 1
    assert "invalid geometry: Self-intersection[" in problems[0]
    assert "not repaired" in problems[0]


def test_projected_coordinates_are_reported_as_such() -> None:
    # CGCS2000 3-degree Gauss-Krueger zone 38 metres, as desktop GIS exports often are.
    projected = polygon(38_500_000.0, 3_080_000.0, 38_501_000.0, 3_081_000.0)
    problems = problems_of(collection(feature(geometry=projected)))
    assert len(problems) == 1
    assert "coordinates out of longitude/latitude range (e.g. 3.85e+07, 3.08e+06)" in problems[0]
    assert "projected" in problems[0]


def test_latitude_out_of_range_alone_is_reported() -> None:
    problems = problems_of(collection(feature(geometry=polygon(113.0, 89.5, 113.1, 90.5))))
    assert "out of longitude/latitude range" in problems[0]


def test_non_finite_coordinates() -> None:
    geometry = {"type": "Polygon", "coordinates": [ring(113.0, 27.6, float("nan"), 27.8)]}
    problems = problems_of(collection(feature(geometry=geometry)))
    assert "NaN or infinite" in problems[0]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"code": None}, "missing code"),
        ({"code": ""}, "missing code"),
        ({"code": "   "}, "missing code"),
        ({"code": "43A211"}, "code '43A211' is not a string of digits"),
        ({"code": -430211}, "code -430211 is not a string of digits"),
        ({"code": True}, "code True is not a string of digits"),
        ({"code": 430211.0}, "code 430211.0 is not a string of digits"),
        ({"name": None}, "missing name"),
        ({"name": ""}, "missing name"),
        ({"name": "  "}, "name '  ' is not text"),
        ({"name": 42}, "name 42 is not text"),
        ({"level": "county"}, "unknown level 'county'; expected one of district, street"),
        ({"level": None}, "unknown level None"),
        ({"parent": "4302x0"}, "parent code '4302x0' is not a string of digits"),
        ({"parent": DISTRICT}, "is its own parent"),
    ],
)
def test_property_problems(kwargs: dict[str, Any], message: str) -> None:
    problems = problems_of(collection(feature(**kwargs)))
    assert len(problems) == 1
    assert problems[0].startswith("feature #1 (")
    assert message in problems[0]


def test_missing_properties_object() -> None:
    raw = feature()
    raw["properties"] = None
    problems = problems_of(collection(raw))
    assert problems[0] == "feature #1 (no code, no name): has no properties object"
    assert "feature #1 (no code, no name): missing code" in problems


@pytest.mark.parametrize("raw", ["a string", None, {"type": "Polygon"}, {"properties": {}}])
def test_item_that_is_not_a_feature(raw: Any) -> None:
    problems = problems_of([feature(), raw])
    assert problems == ["feature #2 (no code, no name): not a GeoJSON Feature object"]


@pytest.mark.parametrize(
    ("level", "code", "digits", "expected"),
    [
        ("district", "430211001", 9, 6),
        ("street", "430211", 6, 9),
        ("community", "430211001", 9, 12),
        ("grid", "430211001001", 12, 15),
    ],
)
def test_code_length_rule(level: str, code: str, digits: int, expected: int) -> None:
    problems = problems_of(collection(feature(code=code, level=level, parent="430200")))
    assert problems == [
        f"feature #1 (code {code}, 天元区): code {code} has {digits} digits, "
        f"but a {level} code must have {expected}"
    ]


def test_duplicate_codes_name_both_features() -> None:
    data = collection(
        feature(DISTRICT, "天元区"),
        feature("430212", "渌口区"),
        feature(DISTRICT, "天元区（重复）"),
    )
    problems = problems_of(data)
    assert problems == [
        f"feature #3 (code {DISTRICT}, 天元区（重复）): duplicate code, "
        f"also used by feature #1 (code {DISTRICT}, 天元区)"
    ]


def test_duplicates_are_found_even_among_otherwise_broken_features() -> None:
    data = collection(feature(DISTRICT, geometry=None), feature(DISTRICT, "天元区2"))
    problems = problems_of(data)
    assert any("has no geometry" in p for p in problems)
    assert any("duplicate code" in p and "feature #1" in p for p in problems)


def test_every_problem_is_collected_into_one_error() -> None:
    bow_tie = {
        "type": "Polygon",
        "coordinates": [
            [[113.0, 27.6], [113.2, 27.8], [113.2, 27.6], [113.0, 27.8], [113.0, 27.6]]
        ],
    }
    data = collection(
        feature(DISTRICT, "天元区"),  # fine
        feature(STREET, "", "street", DISTRICT),  # missing name
        feature(COMMUNITY, "某某社区", "village", STREET, geometry=bow_tie),  # two problems
        feature(GRID, "第一网格", "grid", COMMUNITY, geometry=None),  # no geometry
        crs={"type": "name", "properties": {"name": "EPSG:3857"}},
    )
    with pytest.raises(RegionFileError) as info:
        parse_region_geojson(data)
    problems = info.value.problems
    assert len(problems) == 5
    assert problems[0].startswith("unknown coordinate system 'EPSG:3857'")
    assert problems[1] == f"feature #2 (code {STREET}, no name): missing name"
    assert problems[2].startswith(f"feature #3 (code {COMMUNITY}, 某某社区): unknown level")
    assert problems[3].startswith(f"feature #3 (code {COMMUNITY}, 某某社区): invalid geometry")
    assert problems[4] == f"feature #4 (code {GRID}, 第一网格): has no geometry"
    assert str(info.value) == "\n".join(problems)
    assert isinstance(info.value, ValueError)


def test_region_file_error_keeps_problem_list() -> None:
    error = RegionFileError(["a", "b"])
    assert error.problems == ["a", "b"]
    assert str(error) == "a\nb"


# --------------------------------------------------------------------------------------------
# check_region_tree
# --------------------------------------------------------------------------------------------


def test_consistent_tree_passes() -> None:
    check_region_tree(full_tree(), {})


def test_district_parent_outside_the_tree_is_allowed() -> None:
    check_region_tree([region(0, DISTRICT, "district", "430200", DISTRICT_BOX)], {})


def test_missing_parent_code() -> None:
    problems = tree_problems([region(0, STREET, "street", None, STREET_BOXES[0])])
    assert problems == [
        f"feature #1 (code {STREET}, 某某): has no parent code; a street needs a parent district"
    ]


def test_parent_that_does_not_exist() -> None:
    problems = tree_problems([region(0, STREET, "street", "430299", STREET_BOXES[0])])
    assert problems == [
        f"feature #1 (code {STREET}, 某某): parent 430299 is neither in the file nor an "
        "existing region"
    ]


def test_parent_from_existing_regions() -> None:
    existing = {DISTRICT: existing_region(DISTRICT, "district", None, DISTRICT_BOX)}
    check_region_tree([region(0, STREET, "street", DISTRICT, STREET_BOXES[0])], existing)


def test_parent_on_the_wrong_level() -> None:
    features = [
        region(0, DISTRICT, "district", None, DISTRICT_BOX),
        region(1, STREET, "street", DISTRICT, STREET_BOXES[0]),
        region(2, GRID, "grid", STREET, GRID_BOXES[0]),  # skips the community level
        region(3, "430211002", "street", STREET, STREET_BOXES[1]),  # a street under a street
    ]
    problems = tree_problems(features)
    assert problems == [
        f"feature #3 (code {GRID}, 某某): parent {STREET} is a street, but the parent of a "
        "grid must be a community",
        f"feature #4 (code 430211002, 某某): parent {STREET} is a street, but the parent of a "
        "street must be a district",
    ]


def test_parent_on_the_wrong_level_in_existing_regions() -> None:
    existing = {STREET: existing_region(STREET, "street", DISTRICT, STREET_BOXES[0])}
    problems = tree_problems([region(0, GRID, "grid", STREET, GRID_BOXES[0])], existing)
    assert "is a street, but the parent of a grid must be a community" in problems[0]


def test_child_sticking_out_of_its_parent() -> None:
    # The street's box reaches 0.02 degrees east of the district: 0.02 / 0.22 = 9.09% outside.
    features = [
        region(0, DISTRICT, "district", None, DISTRICT_BOX, "天元区"),
        region(1, STREET, "street", DISTRICT, (113.2, 27.6, 113.42, 28.0)),
    ]
    problems = tree_problems(features)
    assert problems == [
        f"feature #2 (code {STREET}, 某某): 9.09% of its area lies outside its parent "
        f"feature #1 (code {DISTRICT}, 天元区) (at most 0.5% is tolerated)"
    ]


def test_child_outside_existing_parent() -> None:
    existing = {DISTRICT: existing_region(DISTRICT, "district", None, DISTRICT_BOX)}
    problems = tree_problems(
        [region(0, STREET, "street", DISTRICT, (113.5, 27.6, 113.6, 27.7))], existing
    )
    assert "100.00% of its area lies outside its parent existing region 430211" in problems[0]


def test_digitising_noise_at_the_parent_edge_is_tolerated() -> None:
    # 0.0008 / 0.2008 = 0.4% outside the district: below the 0.5% tolerance.
    features = [
        region(0, DISTRICT, "district", None, DISTRICT_BOX),
        region(1, STREET, "street", DISTRICT, (113.2, 27.6, 113.4008, 28.0)),
    ]
    check_region_tree(features, {})


def test_parent_without_geometry_skips_containment() -> None:
    existing = {DISTRICT: existing_region(DISTRICT, "district", None, None)}
    check_region_tree([region(0, STREET, "street", DISTRICT, (120.0, 30.0, 120.1, 30.1))], existing)


def test_overlapping_siblings_in_the_file() -> None:
    features = [
        region(0, DISTRICT, "district", None, DISTRICT_BOX),
        region(1, "430211001", "street", DISTRICT, (113.0, 27.6, 113.2, 28.0), "甲街道"),
        # Overlaps street 1 by 0.05 of its 0.2 width: 25% of the smaller (equal) area.
        region(2, "430211002", "street", DISTRICT, (113.15, 27.6, 113.35, 28.0), "乙街道"),
    ]
    problems = tree_problems(features)
    assert problems == [
        "feature #2 (code 430211001, 甲街道): overlaps its sibling "
        "feature #3 (code 430211002, 乙街道) by 25.00% of the smaller area "
        "(at most 0.5% is tolerated)"
    ]


def test_overlap_share_uses_the_smaller_sibling() -> None:
    features = [
        region(0, "430211001001001", "grid", None, (113.0, 27.6, 113.2, 27.8)),
        region(1, "430211001001002", "grid", None, (113.19, 27.6, 113.21, 27.62)),
    ]
    # The small grid lies half inside the large one: 50% of the smaller area.
    problems = tree_problems(features)
    assert any("by 50.00% of the smaller area" in p for p in problems)


def test_overlap_with_an_existing_sibling() -> None:
    existing = {
        DISTRICT: existing_region(DISTRICT, "district", None, DISTRICT_BOX),
        "430211001": existing_region("430211001", "street", DISTRICT, STREET_BOXES[0]),
    }
    features = [region(0, "430211002", "street", DISTRICT, (113.1, 27.6, 113.4, 28.0))]
    problems = tree_problems(features, existing)
    assert problems == [
        "feature #1 (code 430211002, 某某): overlaps its sibling existing region 430211001 "
        "by 50.00% of the smaller area (at most 0.5% is tolerated)"
    ]


def test_small_overlap_and_shared_edges_are_tolerated() -> None:
    features = [
        region(0, DISTRICT, "district", None, DISTRICT_BOX),
        region(1, "430211001", "street", DISTRICT, (113.0, 27.6, 113.2, 28.0)),
        region(2, "430211002", "street", DISTRICT, (113.2, 27.6, 113.4, 28.0)),  # shares an edge
    ]
    check_region_tree(features, {})
    # 0.0008 of a 0.2-wide street overlaps: 0.4%, within tolerance.
    features[2] = region(2, "430211002", "street", DISTRICT, (113.1992, 27.6, 113.4, 28.0))
    check_region_tree(features, {})


def test_overlapping_regions_that_are_not_siblings_are_not_compared() -> None:
    existing = {
        "430211001": existing_region("430211001", "street", DISTRICT, STREET_BOXES[0]),
        "430211002": existing_region("430211002", "street", DISTRICT, STREET_BOXES[1]),
    }
    # Same level, different parents, overlapping: not siblings (containment catches real
    # errors here through the parents).
    features = [
        region(0, "430211001001", "community", "430211001", (113.0, 27.6, 113.2, 27.8)),
        region(1, "430211002001", "community", "430211002", (113.2, 27.6, 113.4, 27.8)),
        region(2, "430211001002", "community", "430211001", (113.0, 27.8, 113.2, 28.0)),
    ]
    check_region_tree(features, existing)


def test_existing_overlaps_not_involving_the_file_are_not_reported() -> None:
    existing = {
        DISTRICT: existing_region(DISTRICT, "district", None, DISTRICT_BOX),
        "430211001": existing_region("430211001", "street", DISTRICT, STREET_BOXES[0]),
        "430211002": existing_region("430211002", "street", DISTRICT, DISTRICT_BOX),
    }
    features = [region(0, "430211001001", "community", "430211001", COMMUNITY_BOXES[0])]
    check_region_tree(features, existing)


def test_invalid_existing_parent_is_reported_not_crashed_on() -> None:
    # Existing geometry predates validation: a bow-tie. GEOS cannot compute the difference.
    bow_tie = shapely.Polygon([(113.0, 27.6), (113.2, 27.8), (113.2, 27.6), (113.0, 27.8)])
    existing = {
        DISTRICT: ExistingRegion(DISTRICT, "district", shapely.MultiPolygon([bow_tie]), None)
    }
    features = [region(0, STREET, "street", DISTRICT, (113.05, 27.6, 113.15, 27.8))]
    problems = tree_problems(features, existing)
    assert len(problems) == 1
    assert "could not be compared with its parent existing region 430211" in problems[0]


def test_sibling_pair_geos_cannot_intersect_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing_intersection(*args: Any, **kwargs: Any) -> Any:
        raise shapely.errors.GEOSException("TopologyException: simulated")

    monkeypatch.setattr(shapely, "intersection", failing_intersection)
    features = [
        region(0, "430211001", "street", None, STREET_BOXES[0]),
        region(1, "430211002", "street", None, STREET_BOXES[1]),
    ]
    problems = tree_problems([region(2, DISTRICT, "district", None, DISTRICT_BOX), *features])
    assert (
        "feature #1 (code 430211001, 某某): could not be compared with its sibling "
        "feature #2 (code 430211002, 某某)"
    ) in problems


def test_code_already_exists() -> None:
    existing = {DISTRICT: existing_region(DISTRICT, "district", None, DISTRICT_BOX)}
    problems = tree_problems([region(0, DISTRICT, "district", None, DISTRICT_BOX)], existing)
    assert problems == [f"feature #1 (code {DISTRICT}, 某某): code already exists; use replace"]


def test_replace_allows_existing_codes_and_uses_the_new_geometry() -> None:
    existing = {
        DISTRICT: existing_region(DISTRICT, "district", None, DISTRICT_BOX),
        # The old shape of street 001 overlaps street 002's area; the file replaces it.
        "430211001": existing_region("430211001", "street", DISTRICT, DISTRICT_BOX),
    }
    features = [
        region(0, "430211001", "street", DISTRICT, STREET_BOXES[0]),
        region(1, "430211002", "street", DISTRICT, STREET_BOXES[1]),
    ]
    check_region_tree(features, existing, replace=True)
    problems = tree_problems(features, existing, replace=False)
    assert problems == ["feature #1 (code 430211001, 某某): code already exists; use replace"]


def test_replaced_parent_is_checked_in_its_new_shape() -> None:
    existing = {DISTRICT: existing_region(DISTRICT, "district", None, DISTRICT_BOX)}
    features = [
        region(0, DISTRICT, "district", None, (113.0, 27.6, 113.2, 28.0), "天元区"),
        region(1, "430211002", "street", DISTRICT, STREET_BOXES[1]),
    ]
    problems = tree_problems(features, existing, replace=True)
    assert problems == [
        "feature #2 (code 430211002, 某某): 100.00% of its area lies outside its parent "
        f"feature #1 (code {DISTRICT}, 天元区) (at most 0.5% is tolerated)"
    ]


def test_duplicate_codes_passed_directly() -> None:
    features = [
        region(0, DISTRICT, "district", None, DISTRICT_BOX),
        region(1, DISTRICT, "district", None, DISTRICT_BOX),
    ]
    problems = tree_problems(features)
    assert problems[0] == (
        f"feature #2 (code {DISTRICT}, 某某): duplicate code, also used by "
        f"feature #1 (code {DISTRICT}, 某某)"
    )


def test_unknown_level_passed_directly() -> None:
    problems = tree_problems([region(0, DISTRICT, "county", None, DISTRICT_BOX)])
    assert problems == [f"feature #1 (code {DISTRICT}, 某某): unknown level 'county'"]


def test_tree_problems_are_all_collected_and_sorted_by_feature() -> None:
    existing = {DISTRICT: existing_region(DISTRICT, "district", None, DISTRICT_BOX)}
    features = [
        region(0, "430211001", "street", DISTRICT, (113.0, 27.6, 113.3, 28.0)),  # overlaps #2
        region(1, "430211001001", "community", None, COMMUNITY_BOXES[0]),  # no parent
        region(2, "430211002", "street", DISTRICT, (113.2, 27.6, 113.5, 28.0)),  # sticks out
        region(3, DISTRICT, "district", None, DISTRICT_BOX),  # exists
    ]
    problems = tree_problems(features, existing)
    assert [p.split(":")[0] for p in problems] == [
        "feature #1 (code 430211001, 某某)",
        "feature #2 (code 430211001001, 某某)",
        "feature #3 (code 430211002, 某某)",
        f"feature #4 (code {DISTRICT}, 某某)",
    ]
    assert "overlaps its sibling feature #3" in problems[0]
    assert "has no parent code" in problems[1]
    assert "lies outside its parent" in problems[2]
    assert "already exists" in problems[3]


def test_thousands_of_grids_stay_fast() -> None:
    # 60 x 60 = 3600 grids tiling one community, plus one existing overlapping grid: the
    # STRtree keeps this to neighbour pairs instead of ~6.5 million comparisons.
    size = 0.2 / 60
    grids = [
        region(
            i * 60 + j,
            f"430211001{i * 60 + j:06d}",
            "grid",
            COMMUNITY,
            (113.0 + i * size, 27.6 + j * size, 113.0 + (i + 1) * size, 27.6 + (j + 1) * size),
        )
        for i in range(60)
        for j in range(60)
    ]
    existing = {
        COMMUNITY: existing_region(COMMUNITY, "community", STREET, (113.0, 27.6, 113.2, 27.8)),
        "430211001999999": existing_region(
            "430211001999999", "grid", COMMUNITY, (113.0, 27.6, 113.0 + size, 27.6 + size)
        ),
    }
    started = time.perf_counter()
    problems = tree_problems(grids, existing)
    elapsed = time.perf_counter() - started
    assert problems == [
        "feature #1 (code 430211001000000, 某某): overlaps its sibling existing region "
        "430211001999999 by 100.00% of the smaller area (at most 0.5% is tolerated)"
    ]
    assert elapsed < 10.0  # generous for slow CI; typically well under a second


# --------------------------------------------------------------------------------------------
# The real DataV file for Zhuzhou
# --------------------------------------------------------------------------------------------


def test_real_zhuzhou_datav_file() -> None:
    if not REAL_FILE.exists():
        pytest.skip(f"{REAL_FILE} is not available")
    raw = REAL_FILE.read_bytes()
    features = parse_region_geojson(raw, source_crs="gcj02")
    assert len(features) == 9
    by_code = {f.code: f for f in features}
    assert by_code["430211"].name == "天元区"
    assert {f.level for f in features} == {"district"}
    assert {f.parent_code for f in features} == {"430200"}
    for parsed in features:
        assert isinstance(parsed.geometry, shapely.MultiPolygon)
        assert parsed.geometry.is_valid
    # The first vertex was converted with the GCJ-02 inverse.
    first_raw = json.loads(raw)["features"][3]["geometry"]["coordinates"][0][0][0]
    first_got = shapely.get_coordinates(by_code["430211"].geometry)[0]
    assert tuple(first_got) == pytest.approx(gcj02_to_wgs84(*first_raw), abs=1e-10)
    # DataV districts share borders cleanly enough for the sibling check, and the city
    # (430200) is not in Fengqiao's tree, which a district may name as its parent.
    check_region_tree(features, {})
