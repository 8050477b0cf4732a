"""Tests for the WGS-84 <-> GCJ-02 conversion against published reference pairs.

Reference pairs come from other projects' own test suites. Two kinds, with different
tolerances:

* Pairs computed with the published formula (eviltransform, coordtransform, gcoord). These
  must agree to 1e-6 degrees (about 0.1 m); in practice they agree to the last bit.
* Pairs observed from a live map service (gcoord's china-cities fixture, rounded to 7 decimals).
  Real GCJ-02 differs from the reverse-engineered formula by about 5e-6 degrees (~0.5 m), so
  these are checked to 1e-5 degrees (~1 m): an independent check that the formula is right.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
import shapely
from shapely.geometry.base import BaseGeometry

from fengqiao.lib.gcj02 import (
    gcj02_to_wgs84,
    gcj02_to_wgs84_array,
    out_of_china,
    transform_geometry,
    wgs84_to_gcj02,
    wgs84_to_gcj02_array,
)

FORMULA_TOLERANCE = 1e-6  # degrees; pairs produced by the same published formula
SERVICE_TOLERANCE = 1e-5  # degrees; pairs observed from a live map service
ROUND_TRIP_TOLERANCE = 1e-7  # degrees; the brief's bound for gcj02_to_wgs84(wgs84_to_gcj02(p))

# (wgs_lon, wgs_lat, gcj_lon, gcj_lat)
FORMULA_PAIRS = [
    # googollee/eviltransform, python/test.py (same table in go/transform_test.go): shanghai
    pytest.param(121.5272106, 31.1774276, 121.531541859215, 31.17530398364597, id="shanghai"),
    # googollee/eviltransform, python/test.py: shenzhen
    pytest.param(113.912316, 22.543847, 113.9171764808363, 22.540796131694766, id="shenzhen"),
    # googollee/eviltransform, python/test.py: beijing
    pytest.param(116.377817, 39.911954, 116.38404722455657, 39.91334545536069, id="beijing"),
    # wandergis/coordtransform, test/app.js (README result block): wgs84togcj02(116.404, 39.915)
    pytest.param(116.404, 39.915, 116.41024449916938, 39.91640428150164, id="beijing-wandergis"),
]

SERVICE_PAIRS = [
    # hujiulong/gcoord, test/fixtures/china-cities.json: 湖南省 湘潭市 岳塘区, the city next to
    # Zhuzhou at the same latitude (27.83N), ~20 km from Fengqiao's district.
    pytest.param(112.9386277, 27.8331979, 112.9440511, 27.8297431, id="xiangtan"),
    # hujiulong/gcoord, test/fixtures/china-cities.json: 湖南省 长沙市 岳麓区
    pytest.param(112.933373, 28.2317248, 112.938817, 28.2282132, id="changsha"),
    # hujiulong/gcoord, test/fixtures/china-cities.json: 北京市 东城区
    pytest.param(116.4011517, 39.9028057, 116.4074002, 39.9042136, id="beijing-dongcheng"),
    # hujiulong/gcoord, test/fixtures/china-cities.json: 广东省 深圳市 福田区
    pytest.param(114.0527534, 22.5458236, 114.0578659, 22.5431014, id="shenzhen-futian"),
]


@pytest.mark.parametrize(("wgs_lon", "wgs_lat", "gcj_lon", "gcj_lat"), FORMULA_PAIRS)
def test_forward_matches_formula_pairs(
    wgs_lon: float, wgs_lat: float, gcj_lon: float, gcj_lat: float
) -> None:
    lon, lat = wgs84_to_gcj02(wgs_lon, wgs_lat)
    assert lon == pytest.approx(gcj_lon, abs=FORMULA_TOLERANCE)
    assert lat == pytest.approx(gcj_lat, abs=FORMULA_TOLERANCE)


@pytest.mark.parametrize(("wgs_lon", "wgs_lat", "gcj_lon", "gcj_lat"), FORMULA_PAIRS)
def test_inverse_matches_formula_pairs(
    wgs_lon: float, wgs_lat: float, gcj_lon: float, gcj_lat: float
) -> None:
    lon, lat = gcj02_to_wgs84(gcj_lon, gcj_lat)
    assert lon == pytest.approx(wgs_lon, abs=FORMULA_TOLERANCE)
    assert lat == pytest.approx(wgs_lat, abs=FORMULA_TOLERANCE)


@pytest.mark.parametrize(("wgs_lon", "wgs_lat", "gcj_lon", "gcj_lat"), SERVICE_PAIRS)
def test_forward_matches_map_service(
    wgs_lon: float, wgs_lat: float, gcj_lon: float, gcj_lat: float
) -> None:
    lon, lat = wgs84_to_gcj02(wgs_lon, wgs_lat)
    assert lon == pytest.approx(gcj_lon, abs=SERVICE_TOLERANCE)
    assert lat == pytest.approx(gcj_lat, abs=SERVICE_TOLERANCE)


@pytest.mark.parametrize(("wgs_lon", "wgs_lat", "gcj_lon", "gcj_lat"), SERVICE_PAIRS)
def test_inverse_matches_map_service(
    wgs_lon: float, wgs_lat: float, gcj_lon: float, gcj_lat: float
) -> None:
    lon, lat = gcj02_to_wgs84(gcj_lon, gcj_lat)
    assert lon == pytest.approx(wgs_lon, abs=SERVICE_TOLERANCE)
    assert lat == pytest.approx(wgs_lat, abs=SERVICE_TOLERANCE)


def test_gcoord_reference_point_both_directions() -> None:
    # hujiulong/gcoord, test/unit/crs/WGS84.spec.ts: WGS84 -> GCJ02 of [123, 45]
    lon, lat = wgs84_to_gcj02(123.0, 45.0)
    assert lon == pytest.approx(123.00607541, abs=FORMULA_TOLERANCE)
    assert lat == pytest.approx(45.00197815, abs=FORMULA_TOLERANCE)
    # hujiulong/gcoord, test/unit/crs/GCJ02.spec.ts: GCJ02 -> WGS84 of [123, 45]. gcoord stops
    # iterating at 1e-6 degrees, so its value is only that close to the exact inverse.
    lon, lat = gcj02_to_wgs84(123.0, 45.0)
    assert lon == pytest.approx(122.99395597, abs=FORMULA_TOLERANCE)
    assert lat == pytest.approx(44.99804071, abs=FORMULA_TOLERANCE)


def test_inverse_is_exact_not_the_one_step_approximation() -> None:
    # wandergis/coordtransform, test/app.js: its gcj02towgs84(116.404, 39.915) is the common
    # one-step approximation, about 2.5e-7 degrees off; ours must invert the forward transform.
    one_step = (116.39775550083061, 39.91359571849836)
    lon, lat = gcj02_to_wgs84(116.404, 39.915)
    back_lon, back_lat = wgs84_to_gcj02(lon, lat)
    assert abs(back_lon - 116.404) < 1e-9
    assert abs(back_lat - 39.915) < 1e-9
    assert lon == pytest.approx(one_step[0], abs=1e-6)  # close to, but better than, one step
    assert abs(lon - one_step[0]) > 1e-8


def _china_grid() -> tuple[np.ndarray, np.ndarray]:
    """A grid of points over populated China, kept clear of the bounding box's edges."""
    lons, lats = np.meshgrid(np.linspace(75.0, 134.0, 60), np.linspace(18.0, 53.0, 36))
    return lons.ravel(), lats.ravel()


def test_round_trip_error_is_below_1e7_degrees() -> None:
    for lon, lat in zip(*_china_grid(), strict=True):
        back = gcj02_to_wgs84(*wgs84_to_gcj02(float(lon), float(lat)))
        assert abs(back[0] - lon) < ROUND_TRIP_TOLERANCE
        assert abs(back[1] - lat) < ROUND_TRIP_TOLERANCE


def test_round_trip_zhuzhou() -> None:
    # Tianyuan District, Zhuzhou: the area Fengqiao is built for.
    gcj = wgs84_to_gcj02(113.1, 27.8)
    assert gcj != (113.1, 27.8)
    back = gcj02_to_wgs84(*gcj)
    assert back == pytest.approx((113.1, 27.8), abs=1e-9)


@pytest.mark.parametrize(
    ("lon", "lat"),
    [
        (-74.006, 40.7128),  # New York
        (2.3522, 48.8566),  # Paris
        (183.0, 45.0),  # hujiulong/gcoord, test/unit/crs/GCJ02.spec.ts: "not in China"
        (151.2093, -33.8688),  # Sydney
    ],
)
def test_outside_china_passes_through(lon: float, lat: float) -> None:
    assert out_of_china(lon, lat)
    assert wgs84_to_gcj02(lon, lat) == (lon, lat)
    assert gcj02_to_wgs84(lon, lat) == (lon, lat)
    out_lon, out_lat = wgs84_to_gcj02_array([lon], [lat])
    assert (out_lon[0], out_lat[0]) == (lon, lat)
    out_lon, out_lat = gcj02_to_wgs84_array([lon], [lat])
    assert (out_lon[0], out_lat[0]) == (lon, lat)


def test_array_functions_agree_with_scalar_ones() -> None:
    lons, lats = _china_grid()
    lons = np.append(lons, [-74.006, 183.0])  # mix in points outside China
    lats = np.append(lats, [40.7128, 45.0])
    fwd_lon, fwd_lat = wgs84_to_gcj02_array(lons, lats)
    inv_lon, inv_lat = gcj02_to_wgs84_array(lons, lats)
    for i, (lon, lat) in enumerate(zip(lons.tolist(), lats.tolist(), strict=True)):
        assert (fwd_lon[i], fwd_lat[i]) == pytest.approx(wgs84_to_gcj02(lon, lat), abs=1e-12)
        # The array inverse keeps iterating converged points until the slowest one is done,
        # so it may be a hair (~1e-12) closer to the exact answer than the scalar one.
        assert (inv_lon[i], inv_lat[i]) == pytest.approx(gcj02_to_wgs84(lon, lat), abs=1e-10)


def test_array_functions_keep_shape_and_do_not_modify_input() -> None:
    lons = np.array([[113.1, 113.2], [113.3, 113.4]])
    lats = np.array([[27.8, 27.9], [28.0, 28.1]])
    original = lons.copy(), lats.copy()
    out_lon, out_lat = gcj02_to_wgs84_array(lons, lats)
    assert out_lon.shape == out_lat.shape == (2, 2)
    assert out_lon.dtype == np.float64
    np.testing.assert_array_equal(lons, original[0])
    np.testing.assert_array_equal(lats, original[1])


def test_array_functions_accept_lists_and_pass_nan_through() -> None:
    out_lon, out_lat = wgs84_to_gcj02_array([113.1, float("nan")], [27.8, float("nan")])
    assert (out_lon[0], out_lat[0]) == pytest.approx(wgs84_to_gcj02(113.1, 27.8))
    assert np.isnan(out_lon[1]) and np.isnan(out_lat[1])
    out_lon, out_lat = gcj02_to_wgs84_array([], [])
    assert out_lon.shape == (0,)


def _expected(
    geom: BaseGeometry, convert: Callable[[float, float], tuple[float, float]]
) -> np.ndarray:
    """Convert a geometry's coordinates one by one with a scalar function, for comparison."""
    return np.array([convert(x, y) for x, y in shapely.get_coordinates(geom).tolist()])


@pytest.mark.parametrize(
    "geom",
    [
        shapely.Point(113.1, 27.8),
        shapely.LineString([(113.1, 27.8), (113.2, 27.9)]),
        shapely.box(113.0, 27.7, 113.2, 27.9),
        shapely.MultiPolygon(
            [shapely.box(113.0, 27.7, 113.1, 27.8), shapely.box(113.2, 27.8, 113.3, 27.9)]
        ),
        shapely.Polygon(
            shapely.box(113.0, 27.7, 113.3, 28.0).exterior.coords,
            [shapely.box(113.1, 27.8, 113.2, 27.9).exterior.coords],
        ),
    ],
    ids=["point", "linestring", "polygon", "multipolygon", "polygon-with-hole"],
)
def test_transform_geometry_matches_pointwise_conversion(geom: BaseGeometry) -> None:
    to_wgs = transform_geometry(geom, "gcj02_to_wgs84")
    assert to_wgs.geom_type == geom.geom_type
    np.testing.assert_allclose(
        shapely.get_coordinates(to_wgs), _expected(geom, gcj02_to_wgs84), atol=1e-12
    )
    to_gcj = transform_geometry(geom, "wgs84_to_gcj02")
    np.testing.assert_allclose(
        shapely.get_coordinates(to_gcj), _expected(geom, wgs84_to_gcj02), atol=1e-12
    )
    back = transform_geometry(to_wgs, "wgs84_to_gcj02")
    np.testing.assert_allclose(
        shapely.get_coordinates(back), shapely.get_coordinates(geom), atol=1e-9
    )


def test_transform_geometry_keeps_z_and_empty_geometries() -> None:
    point = transform_geometry(shapely.Point(113.1, 27.8, 55.0), "gcj02_to_wgs84")
    assert point.has_z and point.z == 55.0
    assert (point.x, point.y) == pytest.approx(gcj02_to_wgs84(113.1, 27.8), abs=1e-12)
    assert transform_geometry(shapely.Polygon(), "gcj02_to_wgs84").is_empty


def test_transform_geometry_rejects_unknown_direction() -> None:
    with pytest.raises(ValueError, match="unknown direction"):
        transform_geometry(shapely.Point(113.1, 27.8), "bd09_to_wgs84")  # type: ignore[arg-type]
