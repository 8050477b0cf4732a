"""The public map outlines behind the report page's map: no sign-in, simplified, cached."""

import json

import shapely
from django.urls import reverse

from fengqiao.portal import boundaries
from fengqiao.regions.models import Region


def wiggly_square():
    """A 0.2° square whose edges carry many points that lie within a few metres of a line."""
    ring = []
    for i in range(101):
        ring.append([113.0 + 0.002 * i, 27.8 + (0.00001 if i % 2 else 0)])
    ring += [[113.2, 28.0], [113.0, 28.0], [113.0, 27.8]]
    return {"type": "MultiPolygon", "coordinates": [[ring]]}


def test_communities_are_public_geojson(client, region_tree):
    response = client.get(reverse("portal:boundaries"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert "public" in response["Cache-Control"]
    data = json.loads(response.content)
    assert {f["properties"]["code"] for f in data["features"]} == {
        "430299001001",
        "430299001002",
        "430299002001",
        "430299002002",
    }
    assert data["features"][0]["properties"]["name"] == "街1社区1"


def test_grids_on_request_and_other_levels_refused(client, region_tree):
    grids = client.get(reverse("portal:boundaries"), {"level": "grid"}).json()
    assert len(grids["features"]) == 8
    assert client.get(reverse("portal:boundaries"), {"level": "district"}).status_code == 400


def test_outlines_are_simplified_and_keep_their_shape(client, region_tree):
    Region.objects.filter(code="430299001001").update(boundary=wiggly_square())
    data = client.get(reverse("portal:boundaries")).json()
    feature = next(f for f in data["features"] if f["id"] == "430299001001")
    outline = shapely.from_geojson(json.dumps(feature["geometry"]))
    assert shapely.get_num_coordinates(outline) < 10
    original = shapely.from_geojson(json.dumps(wiggly_square()))
    assert abs(outline.area - original.area) / original.area < 0.001


def test_outlines_are_cached_until_a_region_changes(client, region_tree, django_assert_num_queries):
    url = reverse("portal:boundaries")
    client.get(url)
    with django_assert_num_queries(1):  # the version check only
        client.get(url)
    region = Region.objects.get(code="430299001001")
    region.name = "改名社区"
    region.save()
    assert "改名社区" in client.get(url).content.decode()


def test_tolerance_is_as_specified():
    assert boundaries.TOLERANCE == 0.0002
