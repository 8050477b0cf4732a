"""Deterministic generator of the demo district's regions (district → street → community → grid).

What: builds the four-level region tree of a demo district modelled on Zhuzhou's development
zone 经开区 / 云龙示范区 (north-east of Zhuzhou city, around 113.2°E 27.9°N) and writes it as one
GeoJSON FeatureCollection to ``fengqiao/demo/data/district.geojson``, which ships in the repo.
Run it with ``python -m fengqiao.demo.generate`` from the repository root.

Why a generator rather than real data: real grid boundaries are not published, and a demo must
not pretend to know them. ALL BOUNDARIES HERE ARE SYNTHETIC: a smoothed random outline of about
20 km x 15 km is cut into Voronoi cells (the grids), the cell edges are bent by a smooth warp so
they look like roads and streams, and the cells are grouped into contiguous communities and
streets. None of it follows a real administrative line.

Why these geometric rules: the region importer validates them exactly, so they hold by
construction. The cell linework is noded and snapped to a 1e-6° grid *once*, and every grid is a
face of that single noded arrangement; shared edges are therefore identical vertex for vertex,
and each community, street and the district is the coverage union of its grids. Siblings never
overlap, every child lies within its parent, and the children of a parent union to it exactly.

Names and codes:

* District: code ``430290`` is SYNTHETIC (the 示范区 has no national code of its own); the name
  云龙示范区（经开区） is real.
* Streets: 学林街道 ``430204006`` and 云田镇 ``430204101`` carry their real names and real
  codes; 龙头铺街道 is a real name with the SYNTHETIC code ``430290001`` (the street is no longer
  in the national lists under its own code).
* Communities and villages: every name is INVENTED. No list of the real communities could be
  found for this work. Some stems are borrowed from real local place names (云峰湖, 美泉 and
  沙坡里 in 云田; 龙母河 and 轨道城, after the 轨道科技城, in 龙头铺), but no claim is made that
  a community of that name exists. Codes follow the national pattern (street code + ``0xx`` for
  社区, ``2xx`` for 村) and are synthetic.
* Grids: named ``<社区名>第N网格``, numbered in reading order (north to south, west to east).

Determinism: a fixed seed drives a private ``numpy`` generator, every ordering is explicit, and
the file is written with sorted keys, so two runs with the same shapely/GEOS give identical bytes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import MultiPoint, Polygon
from shapely.geometry.polygon import orient

DISTRICT_CODE = "430290"
DISTRICT_NAME = "云龙示范区（经开区）"
STREETS: list[tuple[str, str]] = [
    ("430204006", "学林街道"),
    ("430204101", "云田镇"),
    ("430290001", "龙头铺街道"),
]

# Community names per street, in the order they are handed out (nearest the district centre first).
COMMUNITY_NAMES: dict[str, tuple[str, ...]] = {
    "430204006": (
        "学林社区",
        "书香社区",
        "杏坛社区",
        "智谷社区",
        "桂园社区",
        "杉塘社区",
        "白马垅社区",
        "新塘湾社区",
    ),
    "430204101": (
        "云田社区",
        "花木社区",
        "美泉村",
        "沙坡里村",
        "云峰湖村",
        "长塘村",
        "彭家冲村",
        "白鹤村",
    ),
    "430290001": (
        "龙头铺社区",
        "龙母河社区",
        "轨道城社区",
        "大丰社区",
        "寺冲社区",
        "枫林社区",
        "双湾社区",
    ),
}

DATA_PATH = Path(__file__).resolve().parent / "data" / "district.geojson"

SEED = 20_240_917
GRID_COUNT = 200
MIN_GRIDS, MAX_GRIDS = 6, 12
PRECISION = 1e-6  # degrees; about 0.1 m, the coordinate grid of the shipped file
DECIMALS = 6

CENTER_LON, CENTER_LAT = 113.200, 27.925
KM_PER_DEG_LAT = 110.574
KM_PER_DEG_LON = 111.320 * math.cos(math.radians(CENTER_LAT))

# The streets lie in bands across the district, south to north: 学林 (the vocational-education
# town, nearest Zhuzhou city), 龙头铺 in the middle, 云田 (flowers and villages) towards Changsha.
BAND_ORDER = ("430204006", "430290001", "430204101")
BAND_AXIS_DEGREES = 70.0  # direction the bands follow one another, counter-clockwise from east

Feature = dict[str, Any]
FloatArray = NDArray[np.float64]
Warp = Callable[[FloatArray], FloatArray]


@dataclass(frozen=True)
class Cell:
    """One grid cell: its final (rounded, lon/lat) polygon and its centre in local km."""

    polygon: Polygon
    centre: tuple[float, float]


# --------------------------------------------------------------------------------------------
# Geometry of the cells
# --------------------------------------------------------------------------------------------


def make_outline(rng: np.random.Generator) -> Polygon:
    """A smooth, irregular, star-shaped outline of about 20 km x 15 km in local km.

    Low harmonics of the polar radius give a plausible lumpy district shape; being a function of
    the angle keeps the ring simple (no self-intersection), hence a valid polygon.
    """
    theta = np.linspace(0.0, 2.0 * np.pi, 180, endpoint=False)
    radius = np.ones_like(theta)
    for k in range(2, 7):
        amplitude = rng.uniform(0.05, 0.10) * 2.0 / k
        radius += amplitude * np.cos(k * theta + rng.uniform(0.0, 2.0 * np.pi))
    x = 10.0 * radius * np.cos(theta)
    y = 7.5 * radius * np.sin(theta)
    tilt = math.radians(25.0)
    xr = x * math.cos(tilt) - y * math.sin(tilt)
    yr = x * math.sin(tilt) + y * math.cos(tilt)
    outline = Polygon(np.column_stack([xr, yr]))
    if not outline.is_valid:
        raise RuntimeError("outline is not a valid polygon")
    return outline


def seed_spacing(x: float, y: float) -> float:
    """Minimum distance (km) between grid seeds at a point: small in the urban south-west.

    Grids are drawn per head of population, so the town side gets small grids and the rural
    north-east gets large ones.
    """
    ramp = min(max((x + y + 12.0) / 24.0, 0.0), 1.0)
    return 0.62 + 0.45 * ramp


def sample_seeds(rng: np.random.Generator, outline: Polygon, count: int) -> FloatArray:
    """Dart-throwing sample of ``count`` seed points inside the outline, spaced by density.

    Seeds keep clear of the outline so that edge cells are not slivers.
    """
    inner = outline.buffer(-0.35)
    minx, miny, maxx, maxy = inner.bounds
    seeds: list[tuple[float, float]] = []
    for _ in range(200_000):
        x, y = float(rng.uniform(minx, maxx)), float(rng.uniform(miny, maxy))
        if not shapely.contains_xy(inner, x, y):
            continue
        gap = seed_spacing(x, y)
        if all((x - sx) ** 2 + (y - sy) ** 2 >= gap * gap for sx, sy in seeds):
            seeds.append((x, y))
            if len(seeds) == count:
                return np.array(seeds, dtype=np.float64)
    raise RuntimeError(f"could only place {len(seeds)} of {count} grid seeds")


def make_warp(rng: np.random.Generator) -> Warp:
    """A smooth displacement of the plane (km → km) that bends straight Voronoi edges.

    Sums of a few sine waves; their total slope stays below 0.6, so the map is one-to-one and
    the topology of the linework (which edge meets which) is preserved.
    """
    waves: list[tuple[float, float, float, float, int]] = []
    slope = [0.0, 0.0]
    for axis in (0, 1):
        for _ in range(3):
            wavelength = rng.uniform(1.3, 3.0)
            amplitude = rng.uniform(0.03, 0.06)
            angle = rng.uniform(0.0, 2.0 * np.pi)
            phase = rng.uniform(0.0, 2.0 * np.pi)
            k = 2.0 * np.pi / wavelength
            waves.append((amplitude, k * math.cos(angle), k * math.sin(angle), phase, axis))
            slope[axis] += amplitude * k
    if max(slope) >= 0.6:
        raise RuntimeError("warp is too steep to keep the linework's topology")

    def warp(coords: FloatArray) -> FloatArray:
        out = coords.copy()
        for amplitude, kx, ky, phase, axis in waves:
            out[:, axis] += amplitude * np.sin(kx * coords[:, 0] + ky * coords[:, 1] + phase)
        return out

    return warp


def km_to_lonlat(coords: FloatArray) -> FloatArray:
    """Local km (east, north of the centre) to WGS-84 lon/lat; an affine map, fine at 20 km."""
    lon = CENTER_LON + coords[:, 0] / KM_PER_DEG_LON
    lat = CENTER_LAT + coords[:, 1] / KM_PER_DEG_LAT
    return np.column_stack([lon, lat])


def lonlat_to_km(lon: float, lat: float) -> tuple[float, float]:
    """WGS-84 lon/lat to local km; the inverse of :func:`km_to_lonlat`."""
    return (lon - CENTER_LON) * KM_PER_DEG_LON, (lat - CENTER_LAT) * KM_PER_DEG_LAT


def round_coords(coords: FloatArray) -> FloatArray:
    """Round coordinates to the file's 6 decimals (idempotent on already rounded values)."""
    return np.round(coords, DECIMALS)


def build_faces(outline: Polygon, seeds: FloatArray, warp: Warp) -> list[Polygon]:
    """The grid polygons: clipped Voronoi cells, warped, noded on the 1e-6° grid, polygonized.

    Returned in seed order. Each face comes out of one noded arrangement, so neighbours share
    identical edges; a cell that clipping or warping split into pieces (rare) is not expected
    and is reported as an error rather than silently dropped.
    """
    diagram = shapely.voronoi_polygons(
        MultiPoint(seeds), extend_to=outline.buffer(5.0), ordered=True
    )
    cells = shapely.intersection(shapely.get_parts(diagram), outline)
    linework = shapely.union_all(shapely.boundary(cells))
    linework = shapely.segmentize(linework, 0.12)
    linework = shapely.transform(linework, lambda c: km_to_lonlat(warp(c)))
    noded = shapely.union_all(shapely.get_parts(linework), grid_size=PRECISION)
    faces = list(shapely.get_parts(shapely.polygonize(shapely.get_parts(noded))))
    if len(faces) != len(seeds):
        raise RuntimeError(f"{len(faces)} faces for {len(seeds)} seeds: a cell was split")
    tree = shapely.STRtree(faces)
    ordered: list[Polygon] = []
    for point in shapely.get_parts(MultiPoint(km_to_lonlat(warp(seeds)))):
        hits = tree.query(point, predicate="within")
        if len(hits) != 1:
            raise RuntimeError(f"seed {point} lies in {len(hits)} faces")
        face = shapely.transform(faces[int(hits[0])], round_coords)
        if not isinstance(face, Polygon):
            raise RuntimeError("a face is not a polygon")
        ordered.append(face)
    if len(set(map(shapely.to_wkb, ordered))) != len(ordered):
        raise RuntimeError("two seeds fell in the same face")
    return ordered


def make_cells() -> list[Cell]:
    """All grid cells of the district, in seed order, from the fixed seed."""
    rng = np.random.default_rng(SEED)
    outline = make_outline(rng)
    seeds = sample_seeds(rng, outline, GRID_COUNT)
    warp = make_warp(rng)
    faces = build_faces(outline, seeds, warp)
    cells = []
    for face in faces:
        point = face.representative_point() if not face.centroid.within(face) else face.centroid
        cells.append(Cell(polygon=face, centre=lonlat_to_km(point.x, point.y)))
    return cells


def adjacency(polygons: Sequence[Polygon]) -> list[set[int]]:
    """For each polygon, the indices of the polygons sharing an edge (not just a corner) with it."""
    tree = shapely.STRtree(polygons)
    left, right = tree.query(polygons, predicate="intersects")
    neighbours: list[set[int]] = [set() for _ in polygons]
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i < j and polygons[i].boundary.intersection(polygons[j].boundary).length > 0.0:
            neighbours[i].add(j)
            neighbours[j].add(i)
    return neighbours


# --------------------------------------------------------------------------------------------
# Grouping cells into streets and communities
# --------------------------------------------------------------------------------------------


def split_evenly(total: int, weights: Sequence[float]) -> list[int]:
    """Integer shares of ``total`` proportional to ``weights`` (largest remainder, stable)."""
    raw = [total * w / sum(weights) for w in weights]
    shares = [math.floor(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: (shares[i] - raw[i], i))
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


def grow_regions(
    members: Sequence[int],
    neighbours: Sequence[set[int]],
    centres: Sequence[tuple[float, float]],
    starts: Sequence[int],
    targets: Sequence[int],
) -> list[list[int]]:
    """Partition ``members`` into contiguous regions grown from ``starts`` towards ``targets``.

    At each step the region furthest below its target takes the free neighbouring cell nearest
    its current centroid. Growing only across shared edges makes every region contiguous; the
    centroid pull keeps it compact. Raises if some member cannot be reached.
    """
    free = set(members) - set(starts)
    regions = [[s] for s in starts]
    sums = [list(centres[s]) for s in starts]
    frontier = [{n for n in neighbours[s] if n in free} for s in starts]
    while free:
        order = sorted(range(len(regions)), key=lambda r: (len(regions[r]) / targets[r], r))
        region = next((r for r in order if frontier[r]), None)
        if region is None:
            raise RuntimeError("cells not reachable from any region start")
        cx, cy = (v / len(regions[region]) for v in sums[region])
        cell = min(
            frontier[region],
            key=lambda n: ((centres[n][0] - cx) ** 2 + (centres[n][1] - cy) ** 2, n),
        )
        free.discard(cell)
        regions[region].append(cell)
        sums[region][0] += centres[cell][0]
        sums[region][1] += centres[cell][1]
        for f in frontier:
            f.discard(cell)
        frontier[region].update(n for n in neighbours[cell] if n in free)
    return [sorted(r) for r in regions]


def farthest_starts(
    members: Sequence[int], centres: Sequence[tuple[float, float]], count: int, first: int
) -> list[int]:
    """``count`` well-spread start cells: ``first``, then repeatedly the cell farthest from all."""
    starts = [first]
    while len(starts) < count:

        def gap(n: int) -> tuple[float, int]:
            return min(math.dist(centres[n], centres[s]) for s in starts), -n

        starts.append(max((n for n in members if n not in starts), key=gap))
    return starts


def is_simple_region(cells: Sequence[Cell], members: Sequence[int]) -> bool:
    """True when the union of the members is one polygon without holes."""
    union = shapely.coverage_union_all([cells[m].polygon for m in members])
    return isinstance(union, Polygon) and not union.interiors


def split_streets(cells: Sequence[Cell]) -> dict[str, list[int]]:
    """Cells of each street, as bands across the district sized by the street's community count.

    Cells are ordered along the band axis and cut into consecutive runs; if a run is not one
    hole-free polygon, the axis is turned a few degrees at a time until all three are.
    """
    weights = [float(len(COMMUNITY_NAMES[code])) for code in BAND_ORDER]
    targets = split_evenly(len(cells), weights)
    for turn in (0, 5, -5, 10, -10, 15, -15, 20, -20, 25, -25, 30, -30):
        angle = math.radians(BAND_AXIS_DEGREES + turn)
        dx, dy = math.cos(angle), math.sin(angle)
        order = sorted(
            range(len(cells)), key=lambda n: (cells[n].centre[0] * dx + cells[n].centre[1] * dy, n)
        )
        bands: dict[str, list[int]] = {}
        for code, size in zip(BAND_ORDER, targets, strict=True):
            start = sum(len(band) for band in bands.values())
            bands[code] = sorted(order[start : start + size])
        if all(is_simple_region(cells, band) for band in bands.values()):
            return bands
    raise RuntimeError("no band layout gives three single-polygon streets")


def split_communities(
    cells: Sequence[Cell], neighbours: Sequence[set[int]], street: Sequence[int], count: int
) -> list[list[int]]:
    """Cells of ``count`` contiguous communities within one street, each of 6-12 grids.

    Tries start layouts beginning from each cell in turn (farthest from the street's centre
    first) and keeps the first partition that meets the size and shape rules.
    """
    centres = [c.centre for c in cells]
    mx = sum(centres[m][0] for m in street) / len(street)
    my = sum(centres[m][1] for m in street) / len(street)
    candidates = sorted(street, key=lambda n: (-math.dist(centres[n], (mx, my)), n))
    targets = split_evenly(len(street), [1.0] * count)
    for first in candidates:
        starts = farthest_starts(street, centres, count, first)
        groups = grow_regions(street, neighbours, centres, starts, targets)
        if all(MIN_GRIDS <= len(g) <= MAX_GRIDS for g in groups) and all(
            is_simple_region(cells, g) for g in groups
        ):
            return groups
    raise RuntimeError(f"no valid community layout for a street of {len(street)} grids")


# --------------------------------------------------------------------------------------------
# Features
# --------------------------------------------------------------------------------------------


def multipolygon_coords(geometry: shapely.Geometry) -> list[list[list[list[float]]]]:
    """GeoJSON MultiPolygon coordinates (exterior rings counter-clockwise), 6 decimals."""
    parts = [orient(p, sign=1.0) for p in shapely.get_parts(geometry) if isinstance(p, Polygon)]
    parts.sort(key=lambda p: p.bounds)
    return [
        [
            [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in ring.coords]
            for ring in (part.exterior, *part.interiors)
        ]
        for part in parts
    ]


def make_feature(
    code: str, name: str, level: str, parent: str | None, geometry: shapely.Geometry
) -> Feature:
    """One GeoJSON feature with exactly the properties the region importer expects."""
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name, "level": level, "parent": parent},
        "geometry": {"type": "MultiPolygon", "coordinates": multipolygon_coords(geometry)},
    }


def reading_order(cells: Sequence[Cell], members: Sequence[int]) -> list[int]:
    """Members sorted north to south in 1 km bands, then west to east: how grids are numbered."""
    return sorted(members, key=lambda m: (-math.floor(cells[m].centre[1]), cells[m].centre[0], m))


def community_codes(street_code: str, names: Sequence[str]) -> list[str]:
    """Codes for the named communities: ``0xx`` for 社区 and ``2xx`` for 村, as nationally."""
    codes, next_community, next_village = [], 1, 201
    for name in names:
        if name.endswith("村"):
            codes.append(f"{street_code}{next_village:03d}")
            next_village += 1
        else:
            codes.append(f"{street_code}{next_community:03d}")
            next_community += 1
    return codes


def street_features(
    cells: Sequence[Cell], groups: Sequence[list[int]], street_code: str
) -> list[Feature]:
    """Community and grid features of one street.

    Names (and so codes) are handed out in list order to the communities nearest the zone's
    centre point first, so the town-like 社区 of 云田镇 sit on its urban side.
    """
    names = COMMUNITY_NAMES[street_code]
    by_centre = sorted(
        groups, key=lambda g: (math.hypot(*np.mean([cells[m].centre for m in g], axis=0)), g)
    )
    features = []
    for group, name, code in zip(
        by_centre, names, community_codes(street_code, names), strict=True
    ):
        polygons = [cells[m].polygon for m in group]
        features.append(
            make_feature(code, name, "community", street_code, shapely.coverage_union_all(polygons))
        )
        for number, m in enumerate(reading_order(cells, group), start=1):
            grid_code, grid_name = f"{code}{number:03d}", f"{name}第{number}网格"
            features.append(make_feature(grid_code, grid_name, "grid", code, cells[m].polygon))
    return features


def generate_features() -> list[Feature]:
    """All features of the demo district: district, streets, communities, grids, by code."""
    cells = make_cells()
    neighbours = adjacency([c.polygon for c in cells])
    streets = split_streets(cells)
    polygons = [c.polygon for c in cells]
    district = shapely.coverage_union_all(polygons)
    features = [make_feature(DISTRICT_CODE, DISTRICT_NAME, "district", None, district)]
    lower: list[Feature] = []
    for code, name in STREETS:
        members = streets[code]
        street = shapely.coverage_union_all([polygons[m] for m in members])
        features.append(make_feature(code, name, "street", DISTRICT_CODE, street))
        groups = split_communities(cells, neighbours, members, len(COMMUNITY_NAMES[code]))
        lower.extend(street_features(cells, groups, code))
    rank = {"community": 0, "grid": 1}
    lower.sort(key=lambda f: (rank[f["properties"]["level"]], f["properties"]["code"]))
    features[1:] = sorted(features[1:], key=lambda f: str(f["properties"]["code"]))
    return features + lower


def render_geojson(features: Sequence[Feature]) -> str:
    """The FeatureCollection as text: sorted keys, one feature per line, UTF-8 names kept."""
    lines = [
        json.dumps(f, ensure_ascii=False, sort_keys=True, separators=(",", ":")) for f in features
    ]
    return '{"features":[\n' + ",\n".join(lines) + '\n],"type":"FeatureCollection"}\n'


def main() -> None:
    """Generate the district and write it to :data:`DATA_PATH`."""
    features = generate_features()
    DATA_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATA_PATH.write_text(render_geojson(features), encoding="utf-8", newline="\n")
    counts: dict[str, int] = {}
    for feature in features:
        level = feature["properties"]["level"]
        counts[level] = counts.get(level, 0) + 1
    print(f"wrote {DATA_PATH} ({DATA_PATH.stat().st_size} bytes): {counts}")


if __name__ == "__main__":
    main()
