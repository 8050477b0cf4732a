"""Tests of the demo district generator: the hierarchy and geometry rules the importer relies on.

Plain pytest, no Django. The geometric checks run on the *shipped* file (what the importer will
read, coordinates already rounded to 6 decimals); a separate test proves that file is exactly
what the generator produces today.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import defaultdict
from typing import Any

import pytest
import shapely
from shapely.geometry import MultiPolygon, shape

from fengqiao.demo import generate

AREA_TOLERANCE = 1e-12  # square degrees, about 0.01 m²: "no area at all" after rounding
CODE_LENGTHS = {"district": 6, "street": 9, "community": 12, "grid": 15}


@pytest.fixture(scope="module")
def features() -> list[dict[str, Any]]:
    """The features of the shipped data file."""
    text = generate.DATA_PATH.read_text(encoding="utf-8")
    collection = json.loads(text)
    assert collection["type"] == "FeatureCollection"
    return list(collection["features"])


@pytest.fixture(scope="module")
def geometries(features: list[dict[str, Any]]) -> dict[str, MultiPolygon]:
    """Shapely geometry of each feature, by code."""
    result: dict[str, MultiPolygon] = {}
    for f in features:
        geometry = shape(f["geometry"])
        assert isinstance(geometry, MultiPolygon)
        result[f["properties"]["code"]] = geometry
    return result


@pytest.fixture(scope="module")
def children(features: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Child codes of each parent code."""
    result: dict[str, list[str]] = defaultdict(list)
    for f in features:
        parent = f["properties"]["parent"]
        if parent is not None:
            result[parent].append(f["properties"]["code"])
    return dict(result)


def by_level(features: list[dict[str, Any]], level: str) -> list[dict[str, Any]]:
    return [f for f in features if f["properties"]["level"] == level]


def test_counts_per_level(features: list[dict[str, Any]]) -> None:
    assert len(by_level(features, "district")) == 1
    assert len(by_level(features, "street")) == 3
    assert len(by_level(features, "community")) == 23
    assert 180 <= len(by_level(features, "grid")) <= 220
    assert len(features) == 1 + 3 + 23 + len(by_level(features, "grid"))


def test_grids_per_community(
    features: list[dict[str, Any]], children: dict[str, list[str]]
) -> None:
    for community in by_level(features, "community"):
        assert 6 <= len(children[community["properties"]["code"]]) <= 12


def test_district_and_streets_are_the_documented_ones(features: list[dict[str, Any]]) -> None:
    district = by_level(features, "district")[0]["properties"]
    assert district == {
        "code": generate.DISTRICT_CODE,
        "name": "云龙示范区（经开区）",
        "level": "district",
        "parent": None,
    }
    streets = [(f["properties"]["code"], f["properties"]["name"]) for f in features[1:4]]
    assert sorted(streets) == sorted(generate.STREETS)
    assert all(f["properties"]["parent"] == generate.DISTRICT_CODE for f in features[1:4])


def test_properties_and_codes(features: list[dict[str, Any]]) -> None:
    codes = {f["properties"]["code"]: f["properties"] for f in features}
    assert len(codes) == len(features), "codes are unique"
    for f in features:
        props = f["properties"]
        assert f["type"] == "Feature"
        assert set(props) == {"code", "name", "level", "parent"}
        assert re.fullmatch(r"\d+", props["code"])
        assert len(props["code"]) == CODE_LENGTHS[props["level"]]
        assert props["name"]
        if props["level"] in ("community", "grid"):
            assert props["code"].startswith(props["parent"])
            assert len(props["code"]) == len(props["parent"]) + 3
        if props["parent"] is not None:
            parent_level = codes[props["parent"]]["level"]
            levels = list(CODE_LENGTHS)
            assert levels.index(parent_level) == levels.index(props["level"]) - 1


def test_grid_names(features: list[dict[str, Any]]) -> None:
    names = {f["properties"]["code"]: f["properties"]["name"] for f in features}
    for grid in by_level(features, "grid"):
        props = grid["properties"]
        number = int(props["code"][-3:])
        assert props["name"] == f"{names[props['parent']]}第{number}网格"


def test_geometries_valid_multipolygons(
    features: list[dict[str, Any]], geometries: dict[str, MultiPolygon]
) -> None:
    for f in features:
        assert f["geometry"]["type"] == "MultiPolygon"
        geometry = geometries[f["properties"]["code"]]
        assert geometry.is_valid, shapely.is_valid_reason(geometry)
        assert not geometry.is_empty
        assert geometry.area > 0


def test_coordinates_have_six_decimals(features: list[dict[str, Any]]) -> None:
    for f in features:
        for polygon in f["geometry"]["coordinates"]:
            for ring in polygon:
                for lon, lat in ring:
                    assert round(lon, 6) == lon and round(lat, 6) == lat


def test_siblings_do_not_overlap(
    geometries: dict[str, MultiPolygon], children: dict[str, list[str]]
) -> None:
    for kids in children.values():
        for a, b in itertools.combinations(kids, 2):
            assert geometries[a].intersection(geometries[b]).area < AREA_TOLERANCE, (a, b)


def test_children_within_parent(
    geometries: dict[str, MultiPolygon], children: dict[str, list[str]]
) -> None:
    for parent, kids in children.items():
        for kid in kids:
            assert geometries[kid].difference(geometries[parent]).area < AREA_TOLERANCE, kid


def test_children_union_to_parent(
    geometries: dict[str, MultiPolygon], children: dict[str, list[str]]
) -> None:
    for parent, kids in children.items():
        union = shapely.union_all([geometries[k] for k in kids])
        assert union.symmetric_difference(geometries[parent]).area < AREA_TOLERANCE, parent


def test_streets_and_communities_are_contiguous(
    features: list[dict[str, Any]], geometries: dict[str, MultiPolygon]
) -> None:
    for f in features:
        if f["properties"]["level"] != "grid":
            geometry = geometries[f["properties"]["code"]]
            assert len(geometry.geoms) == 1, f["properties"]["code"]
            assert not geometry.geoms[0].interiors, f["properties"]["code"]


def test_outline_lies_near_zhuzhou(geometries: dict[str, MultiPolygon]) -> None:
    minx, miny, maxx, maxy = geometries[generate.DISTRICT_CODE].bounds
    assert 113.0 <= minx < maxx <= 113.4
    assert 27.7 <= miny < maxy <= 28.1


def test_generation_is_deterministic() -> None:
    first, second = generate.generate_features(), generate.generate_features()
    assert first == second
    assert generate.render_geojson(first) == generate.render_geojson(second)


def test_shipped_file_matches_fresh_generation() -> None:
    shipped = generate.DATA_PATH.read_text(encoding="utf-8")
    assert shipped == generate.render_geojson(generate.generate_features()), (
        "district.geojson is stale: run `python -m fengqiao.demo.generate`"
    )


def test_shipped_file_is_small() -> None:
    assert generate.DATA_PATH.stat().st_size < 1_500_000
