"""Categories, regions (with GeoJSON boundaries) and units."""

import pytest

from fengqiao.api.tests.helpers import assert_error, client_for, make_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(personas):
    return client_for(make_token(personas.district_leader, personas.units["district"])[1])


def test_categories_lists_active_leaf_and_parent_codes(api):
    codes = {c["code"]: c for c in api.get("/api/v1/categories/").json()}
    assert codes["dispute-neighbour"]["parent"]


def test_regions_by_level_and_geojson(api):
    grids = api.get("/api/v1/regions/?level=grid").json()
    assert len(grids) == 8 and "boundary" not in grids[0]
    detail = api.get("/api/v1/regions/430299001/").json()
    assert detail["boundary"]["type"] == "MultiPolygon" and detail["parent"] == "430299"
    feature = api.get("/api/v1/regions/430299001/?format=geojson")
    assert feature["Content-Type"].startswith("application/geo+json")
    assert feature.json()["type"] == "Feature"
    collection = api.get("/api/v1/regions/?level=street&format=geojson").json()
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 2
    assert_error(api.get("/api/v1/regions/?level=planet"), 400, "invalid_input")
    assert_error(api.get("/api/v1/regions/999/"), 404, "not_found")


def test_units(api):
    codes = {u["code"] for u in api.get("/api/v1/units/").json()}
    assert {"c11-centre", "dept-renshe"} <= codes


def test_regions_are_scoped_like_the_map(personas):
    community = client_for(make_token(personas.community_operator, personas.units["community"])[1])
    codes = [r["code"] for r in community.get("/api/v1/regions/").json()]
    assert codes == ["430299001001", "430299001001001", "430299001001002"]
    assert_error(community.get("/api/v1/regions/430299002/"), 404, "not_found")
    handler = client_for(make_token(personas.department_handler, personas.department)[1])
    assert handler.get("/api/v1/regions/").json() == []


@pytest.mark.parametrize("path", ["/api/v1/regions/?format=", "/api/v1/regions/430299/?format="])
def test_an_empty_format_is_400(api, path):
    error = assert_error(api.get(path), 400, "invalid_input")
    assert list(error["fields"]) == ["format"]
