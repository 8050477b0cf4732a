"""Conversion between WGS-84 and China's GCJ-02 ("Mars") offset coordinates.

Chinese web maps (AMap/Gaode, Tencent, DataV.GeoAtlas boundary files) publish coordinates in
GCJ-02, a deliberately obfuscated datum that is offset from WGS-84 by a few hundred metres.
Fengqiao stores everything in WGS-84, so data from those sources is converted on import.

The forward transform is the widely published reverse-engineered formula (Krasovsky 1940
ellipsoid constants). It has no closed-form inverse; ``gcj02_to_wgs84`` therefore solves
``wgs84_to_gcj02(x) == p`` by fixed-point iteration to better than 1e-9 degrees (about 0.1 mm)
instead of the common one-step approximation, which can be off by a metre or more.

Points outside a rough bounding box of China pass through unchanged, as in every public
implementation, because GCJ-02 is only applied to data inside China.
"""

from __future__ import annotations

from typing import Any, Literal, TypeAlias, TypeVar, get_args

import numpy as np
import numpy.typing as npt
import shapely

__all__ = [
    "Direction",
    "gcj02_to_wgs84",
    "gcj02_to_wgs84_array",
    "out_of_china",
    "transform_geometry",
    "wgs84_to_gcj02",
    "wgs84_to_gcj02_array",
]

# Krasovsky 1940 ellipsoid, as used by the published GCJ-02 formula.
A = 6378245.0
EE = 0.00669342162296594323

# The customary rough bounding box of China (eviltransform, gcoord). It is deliberately coarse:
# the formula itself is what the Chinese map providers apply inside this box.
MIN_LON, MAX_LON = 72.004, 137.8347
MIN_LAT, MAX_LAT = 0.8293, 55.8271

# Inverse iteration: the offset field changes slowly (its Jacobian is ~1e-3), so each
# fixed-point step gains roughly three digits; 1e-9 degrees is reached in 3-4 steps.
INVERSE_TOLERANCE = 1e-9
INVERSE_MAX_ITERATIONS = 30

FloatArray: TypeAlias = npt.NDArray[np.float64]
Direction = Literal["gcj02_to_wgs84", "wgs84_to_gcj02"]
GeometryT = TypeVar("GeometryT", bound=shapely.Geometry)


def out_of_china(lon: float, lat: float) -> bool:
    """Return True if the point lies outside the rough China box, where GCJ-02 is not applied."""
    return not (MIN_LON <= lon <= MAX_LON and MIN_LAT <= lat <= MAX_LAT)


def _offset_terms(x: Any, y: Any) -> tuple[Any, Any]:
    """Return the raw (longitude, latitude) offset terms of the published formula.

    ``x``/``y`` are longitude - 105 and latitude - 35, either floats or numpy arrays; the
    arithmetic is written once with numpy ufuncs so scalar and array results agree bit for bit.
    """
    shared = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    sqrt_abs_x = np.sqrt(np.abs(x))
    d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt_abs_x + shared
    d_lon = d_lon + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    d_lon = (
        d_lon + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    )
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt_abs_x + shared
    d_lat = d_lat + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    d_lat = (
        d_lat + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    )
    return d_lon, d_lat


def _offset(lon: Any, lat: Any) -> tuple[Any, Any]:
    """Return the GCJ-02 offset in degrees (to be added to WGS-84) for scalars or arrays."""
    d_lon, d_lat = _offset_terms(lon - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * np.pi
    magic = 1.0 - EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lon = (d_lon * 180.0) / (A / sqrt_magic * np.cos(rad_lat) * np.pi)
    d_lat = (d_lat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrt_magic) * np.pi)
    return d_lon, d_lat


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """Convert one WGS-84 (lon, lat) point to GCJ-02; points outside China are returned as is."""
    if out_of_china(lon, lat):
        return lon, lat
    d_lon, d_lat = _offset(lon, lat)
    return lon + float(d_lon), lat + float(d_lat)


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """Convert one GCJ-02 (lon, lat) point to WGS-84 by iterating the forward transform.

    Starting from the GCJ-02 point itself, each step moves the estimate by the remaining
    forward-transform error until it is below ``INVERSE_TOLERANCE`` degrees on both axes.
    """
    if out_of_china(lon, lat):
        return lon, lat
    wgs_lon, wgs_lat = lon, lat
    for _ in range(INVERSE_MAX_ITERATIONS):
        gcj_lon, gcj_lat = wgs84_to_gcj02(wgs_lon, wgs_lat)
        err_lon, err_lat = gcj_lon - lon, gcj_lat - lat
        wgs_lon -= err_lon
        wgs_lat -= err_lat
        if abs(err_lon) < INVERSE_TOLERANCE and abs(err_lat) < INVERSE_TOLERANCE:
            break
    return wgs_lon, wgs_lat


def _as_float_arrays(lons: npt.ArrayLike, lats: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Return float64 copies of the inputs broadcast to one common shape."""
    lon_arr, lat_arr = np.broadcast_arrays(
        np.asarray(lons, dtype=np.float64), np.asarray(lats, dtype=np.float64)
    )
    return lon_arr.copy(), lat_arr.copy()


def _in_china_mask(lons: FloatArray, lats: FloatArray) -> npt.NDArray[np.bool_]:
    """Vectorised negation of ``out_of_china``; NaN coordinates count as outside."""
    return (lons >= MIN_LON) & (lons <= MAX_LON) & (lats >= MIN_LAT) & (lats <= MAX_LAT)


def wgs84_to_gcj02_array(lons: npt.ArrayLike, lats: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Vectorised ``wgs84_to_gcj02``: convert arrays of WGS-84 coordinates to GCJ-02."""
    lon_arr, lat_arr = _as_float_arrays(lons, lats)
    mask = _in_china_mask(lon_arr, lat_arr)
    d_lon, d_lat = _offset(lon_arr[mask], lat_arr[mask])
    lon_arr[mask] += d_lon
    lat_arr[mask] += d_lat
    return lon_arr, lat_arr


def gcj02_to_wgs84_array(lons: npt.ArrayLike, lats: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Vectorised ``gcj02_to_wgs84``: exact iterative inverse applied to whole arrays.

    All points are iterated together until the worst one has converged, which costs at most
    one or two extra steps for the others and keeps the loop free of per-point Python code.
    """
    lon_arr, lat_arr = _as_float_arrays(lons, lats)
    mask = _in_china_mask(lon_arr, lat_arr)
    target_lon, target_lat = lon_arr[mask], lat_arr[mask]
    wgs_lon, wgs_lat = target_lon.copy(), target_lat.copy()
    for _ in range(INVERSE_MAX_ITERATIONS):
        gcj_lon, gcj_lat = wgs84_to_gcj02_array(wgs_lon, wgs_lat)
        err_lon, err_lat = gcj_lon - target_lon, gcj_lat - target_lat
        wgs_lon -= err_lon
        wgs_lat -= err_lat
        worst = max(
            float(np.max(np.abs(err_lon), initial=0.0)), float(np.max(np.abs(err_lat), initial=0.0))
        )
        if worst < INVERSE_TOLERANCE:
            break
    lon_arr[mask] = wgs_lon
    lat_arr[mask] = wgs_lat
    return lon_arr, lat_arr


def transform_geometry(geom: GeometryT, direction: Direction) -> GeometryT:
    """Return a copy of any shapely geometry converted between GCJ-02 and WGS-84.

    Z values, if present, are kept untouched: only longitude and latitude are offset.
    """
    if direction == "gcj02_to_wgs84":
        convert = gcj02_to_wgs84_array
    elif direction == "wgs84_to_gcj02":
        convert = wgs84_to_gcj02_array
    else:
        raise ValueError(f"unknown direction {direction!r}; expected one of {get_args(Direction)}")

    def apply(coords: FloatArray) -> FloatArray:
        out = np.array(coords, dtype=np.float64, copy=True)
        out[:, 0], out[:, 1] = convert(coords[:, 0], coords[:, 1])
        return out

    # Pass Z through when the geometry has it, so 3D input stays 3D and 2D stays 2D.
    converted: GeometryT = shapely.transform(geom, apply, include_z=bool(shapely.has_z(geom)))
    return converted
