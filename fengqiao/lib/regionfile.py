"""Parse and validate GeoJSON files of administrative regions before they are imported.

An import is all or nothing: rather than stopping at the first mistake, every check runs and all
problems are raised together in one ``RegionFileError``, so whoever prepared the file can fix
everything in one round. A clean result is a list of ``RegionFeature`` objects whose geometry is
always a valid WGS-84 ``MultiPolygon``, ready to be written.

Two steps, kept apart because the second needs the database's current regions:

* ``parse_region_geojson`` checks the file on its own (format, codes, levels, geometry) and
  converts GCJ-02 input to WGS-84.
* ``check_region_tree`` checks the features against each other and against existing regions
  (parents, containment, sibling overlaps, codes already taken).

Accepted formats: Fengqiao's own FeatureCollection (``code``/``name``/``level``/``parent``
properties), DataV.GeoAtlas downloads (``adcode``/``name``/``level``/``parent.adcode``), and a bare
JSON array of features, which some DataV snapshots are.

Nothing here imports Django; the caller maps ``RegionFeature`` onto its models.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
import shapely.errors
import shapely.geometry

from fengqiao.lib.gcj02 import FloatArray, transform_geometry

__all__ = [
    "CODE_LENGTHS",
    "LEVELS",
    "OVERLAP_TOLERANCE",
    "SOURCE_CRS",
    "ExistingRegion",
    "RegionFeature",
    "RegionFileError",
    "check_region_tree",
    "feature_label",
    "parse_region_geojson",
]

# Region levels from top to bottom: 区, 镇/街道, 社区/村, 网格.
LEVELS = ("district", "street", "community", "grid")

# Coordinate systems a file may be in; GCJ-02 is what Chinese web maps and DataV publish.
SOURCE_CRS = ("wgs84", "gcj02")

# National administrative division code lengths per level; grids use 15-digit grid codes.
CODE_LENGTHS = {"district": 6, "street": 9, "community": 12, "grid": 15}

# Share of a region's area that may stick out of its parent or overlap a sibling. Boundaries
# digitised separately never line up exactly; 0.5% tolerates that noise but not real errors.
OVERLAP_TOLERANCE = 0.005

# DataV levels that map onto Fengqiao levels; "province" and "city" lie above a district.
_DATAV_LEVELS = {"district": "district", "street": "street"}

_DIGITS = re.compile(r"[0-9]+")

# Names GeoJSON files use for WGS-84 longitude/latitude: OGC CRS84 and EPSG:4326 in their URN,
# URL and short spellings, plus plain "WGS84".
_WGS84_CRS = re.compile(
    r"(CRS:?84|EPSG\W+(\d+(\.\d+)*\W+)?(4326|4490)|WGS[\s_-]?84|CGCS[\s_-]?2000)\s*$", re.IGNORECASE
)


@dataclass(frozen=True)
class RegionFeature:
    """One region from an import file, checked and ready to be written."""

    index: int  # position in the file (0-based), for error messages
    code: str
    name: str
    level: str
    parent_code: str | None
    geometry: shapely.MultiPolygon  # always MultiPolygon, WGS-84, valid


@dataclass(frozen=True)
class ExistingRegion:
    """A region already in the database, as far as the tree checks need to know it."""

    code: str
    level: str
    geometry: shapely.MultiPolygon | None
    parent_code: str | None


class RegionFileError(ValueError):
    """Every problem found in a region file, one human-readable line each."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems: list[str] = list(problems)
        super().__init__("\n".join(self.problems))


def feature_label(index: int, code: str | None, name: str | None) -> str:
    """Name a feature the way every message does: 'feature #3 (code 430204006001, 某某社区)'.

    ``index`` is 0-based (``RegionFeature.index``); people count features from 1, so the label
    shows ``index + 1``.
    """
    code_part = f"code {code}" if code else "no code"
    name_part = name if name else "no name"
    return f"feature #{index + 1} ({code_part}, {name_part})"


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------


@dataclass
class _Header:
    """The non-geometric part of a feature; fields are None where the file had a problem."""

    index: int
    code: str | None
    name: str | None
    level: str | None
    parent_code: str | None

    @property
    def label(self) -> str:
        return feature_label(self.index, self.code, self.name)


def parse_region_geojson(
    data: bytes | str | Mapping[str, Any] | list[Any],
    *,
    source_crs: str = "wgs84",
    level_override: str | None = None,
) -> list[RegionFeature]:
    """Parse a region file and return its features, or raise one error listing every problem.

    ``data`` is the raw file (bytes or text) or already-decoded JSON. ``source_crs`` says which
    coordinate system the file is in; GCJ-02 input is converted to WGS-84. ``level_override``
    forces every feature to one level, e.g. to import a DataV file of 乡镇 as streets.
    Invalid arguments raise ``RegionFileError`` immediately, before the file is read.
    """
    _check_arguments(source_crs, level_override)
    problems: list[str] = []
    raw_features = _load_raw_features(data, problems)
    if raw_features is None:
        raise RegionFileError(problems)
    if not raw_features:
        problems.append("the file contains no features")
    headers: list[_Header] = []
    features: list[RegionFeature] = []
    for index, raw in enumerate(raw_features):
        header, feature = _parse_feature(index, raw, source_crs, level_override, problems)
        headers.append(header)
        if feature is not None:
            features.append(feature)
    problems.extend(_duplicate_code_problems(headers))
    if problems:
        raise RegionFileError(problems)
    return features


def _check_arguments(source_crs: str, level_override: str | None) -> None:
    """Reject bad arguments up front: they are the caller's mistake, not the file's."""
    if source_crs not in SOURCE_CRS:
        raise RegionFileError(
            [f"unknown source_crs {source_crs!r}; expected one of {', '.join(SOURCE_CRS)}"]
        )
    if level_override is not None and level_override not in LEVELS:
        raise RegionFileError(
            [f"unknown level_override {level_override!r}; expected one of {', '.join(LEVELS)}"]
        )


def _load_raw_features(
    data: bytes | str | Mapping[str, Any] | list[Any], problems: list[str]
) -> list[Any] | None:
    """Decode the file and return its list of raw features, or None if there is none to read."""
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            problems.append(f"the file is not UTF-8 text: {exc}")
            return None
    if isinstance(data, str):
        try:
            data = json.loads(data.lstrip("\ufeff"))
        except json.JSONDecodeError as exc:
            problems.append(f"the file is not valid JSON: {exc}")
            return None
    if isinstance(data, list):
        return data
    if isinstance(data, Mapping) and data.get("type") == "FeatureCollection":
        _check_declared_crs(data.get("crs"), problems)
        features = data.get("features")
        if isinstance(features, list):
            return features
        problems.append("the FeatureCollection has no 'features' list")
        return None
    found = data.get("type") if isinstance(data, Mapping) else type(data).__name__
    problems.append(
        f"expected a GeoJSON FeatureCollection or a JSON array of features, got {found!r}"
    )
    return None


def _check_declared_crs(crs: Any, problems: list[str]) -> None:
    """Complain about a legacy ``crs`` member that names anything but WGS-84 lon/lat.

    RFC 7946 dropped ``crs`` (coordinates are always WGS-84), but exports from desktop GIS still
    write it; a projected CRS there means the coordinates are metres, not degrees.
    """
    if crs is None:
        return
    name = None
    if isinstance(crs, Mapping) and isinstance(crs.get("properties"), Mapping):
        name = crs["properties"].get("name")
        if name is None and crs.get("type") == "EPSG":  # GeoJSON 2008 style: {"code": 4326}
            name = f"EPSG:{crs['properties'].get('code')}"
    if isinstance(name, str) and _WGS84_CRS.search(name):
        return
    shown = name if isinstance(name, str) else json.dumps(crs, ensure_ascii=False)[:200]
    problems.append(
        f"unknown coordinate system {shown!r}: the file must be WGS-84 longitude/latitude "
        "(EPSG:4326 / CRS84); reproject it before importing"
    )


def _parse_feature(
    index: int, raw: Any, source_crs: str, level_override: str | None, problems: list[str]
) -> tuple[_Header, RegionFeature | None]:
    """Check one raw feature; return its header (always) and the feature if it is clean."""
    if not isinstance(raw, Mapping) or raw.get("type") != "Feature":
        problems.append(f"{feature_label(index, None, None)}: not a GeoJSON Feature object")
        return _Header(index, None, None, None, None), None
    own: list[str] = []
    header = _parse_properties(index, raw.get("properties"), level_override, own)
    geometry = _parse_geometry(raw.get("geometry"), source_crs, own)
    problems.extend(f"{header.label}: {problem}" for problem in own)
    if own or geometry is None:
        return header, None
    # No problems means every header field the feature needs was filled in.
    assert header.code is not None and header.name is not None and header.level is not None
    feature = RegionFeature(
        index=index,
        code=header.code,
        name=header.name,
        level=header.level,
        parent_code=header.parent_code,
        geometry=geometry,
    )
    return header, feature


def _parse_properties(
    index: int, properties: Any, level_override: str | None, problems: list[str]
) -> _Header:
    """Read code, name, level and parent from either Fengqiao's or DataV's properties."""
    if not isinstance(properties, Mapping):
        problems.append("has no properties object")
        properties = {}
    is_datav = "adcode" in properties and "code" not in properties
    code = _read_code(properties.get("adcode" if is_datav else "code"), "code", problems)
    name = _read_name(properties.get("name"), problems)
    if level_override is not None:
        level: str | None = level_override
    elif is_datav:
        level = _read_datav_level(properties.get("level"), problems)
    else:
        level = _read_level(properties.get("level"), problems)
    parent_raw = properties.get("parent")
    if is_datav and isinstance(parent_raw, Mapping):
        parent_raw = parent_raw.get("adcode")
    parent_code = _read_code(parent_raw, "parent code", problems, required=False)
    if code is not None and code == parent_code:
        problems.append("is its own parent")
    if code is not None and level is not None and len(code) != CODE_LENGTHS[level]:
        problems.append(
            f"code {code} has {len(code)} digits, but a {level} code must have "
            f"{CODE_LENGTHS[level]}"
        )
    return _Header(index, code, name, level, parent_code)


def _read_code(value: Any, what: str, problems: list[str], *, required: bool = True) -> str | None:
    """Return a code as a string of digits; DataV's integer adcodes become strings."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(f"missing {what}")
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        return value.strip()
    problems.append(f"{what} {value!r} is not a string of digits")
    return None


def _read_name(value: Any, problems: list[str]) -> str | None:
    """Return the region's name, which must be a non-empty string."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    problems.append("missing name" if value in (None, "") else f"name {value!r} is not text")
    return None


def _read_level(value: Any, problems: list[str]) -> str | None:
    """Return a Fengqiao level name, which must be one of ``LEVELS``."""
    if isinstance(value, str) and value in LEVELS:
        return value
    problems.append(f"unknown level {value!r}; expected one of {', '.join(LEVELS)}")
    return None


def _read_datav_level(value: Any, problems: list[str]) -> str | None:
    """Map a DataV level onto a Fengqiao level; levels above a district cannot be imported."""
    if isinstance(value, str) and value in _DATAV_LEVELS:
        return _DATAV_LEVELS[value]
    if value in ("country", "province", "city"):
        problems.append(
            f"DataV level {value!r} cannot be imported (only district and street); "
            "pass level_override to force a level"
        )
    else:
        problems.append(f"unknown DataV level {value!r}; expected district or street")
    return None


def _parse_geometry(raw: Any, source_crs: str, problems: list[str]) -> shapely.MultiPolygon | None:
    """Return the feature's geometry as a valid WGS-84 MultiPolygon, or None after a problem."""
    geom = _build_polygonal(raw, problems)
    if geom is None:
        return None
    if geom.is_empty:
        problems.append("geometry is empty")
        return None
    if shapely.has_z(geom):
        geom = shapely.force_2d(geom)  # altitude means nothing for a boundary; drop it
    if not _coordinates_in_range(geom, problems):
        return None
    reason = shapely.is_valid_reason(geom)
    if reason != "Valid Geometry":
        problems.append(f"invalid geometry: {reason} (fix it in a GIS tool; it is not repaired)")
        return None
    multi = geom if isinstance(geom, shapely.MultiPolygon) else shapely.MultiPolygon([geom])
    if source_crs == "gcj02":
        multi = transform_geometry(multi, "gcj02_to_wgs84")
        reason = shapely.is_valid_reason(multi)
        if reason != "Valid Geometry":
            problems.append(f"geometry became invalid when converted from GCJ-02: {reason}")
            return None
    return multi


def _build_polygonal(
    raw: Any, problems: list[str]
) -> shapely.Polygon | shapely.MultiPolygon | None:
    """Build a shapely Polygon/MultiPolygon from a GeoJSON geometry object, or report why not."""
    if raw is None:
        problems.append("has no geometry")
        return None
    if not isinstance(raw, Mapping):
        problems.append("geometry is not a GeoJSON geometry object")
        return None
    geom_type = raw.get("type")
    if geom_type not in ("Polygon", "MultiPolygon"):
        problems.append(f"geometry type {geom_type!r} is not Polygon or MultiPolygon")
        return None
    if "coordinates" not in raw:
        problems.append("geometry has no coordinates")
        return None
    try:
        # NaN coordinates are reported by _coordinates_in_range; silence numpy's warning here.
        with np.errstate(invalid="ignore"):
            geom = shapely.geometry.shape(dict(raw))
    except (ValueError, TypeError, IndexError, KeyError, shapely.errors.ShapelyError) as exc:
        problems.append(f"malformed {geom_type} coordinates: {exc}")
        return None
    if not isinstance(geom, shapely.Polygon | shapely.MultiPolygon):
        problems.append(f"geometry type {geom_type!r} did not produce a polygon")
        return None
    return geom


def _coordinates_in_range(geom: shapely.Geometry, problems: list[str]) -> bool:
    """Check that every coordinate is a finite longitude/latitude.

    Values beyond ±180/±90 almost always mean the file was exported in a projected system
    (metres), e.g. CGCS2000 Gauss-Krüger or Web Mercator, so the message says so.
    """
    coords = shapely.get_coordinates(geom)
    if not np.isfinite(coords).all():
        problems.append("coordinates contain NaN or infinite values")
        return False
    bad = (np.abs(coords[:, 0]) > 180.0) | (np.abs(coords[:, 1]) > 90.0)
    if bad.any():
        lon, lat = coords[bad][0]
        problems.append(
            f"coordinates out of longitude/latitude range (e.g. {lon:g}, {lat:g}): this looks "
            "like a projected coordinate system in metres; export the file as WGS-84 "
            "longitude/latitude (EPSG:4326)"
        )
        return False
    return True


def _duplicate_code_problems(headers: Sequence[_Header]) -> list[str]:
    """Report every feature that reuses a code already used earlier in the file."""
    first_by_code: dict[str, _Header] = {}
    problems: list[str] = []
    for header in headers:
        if header.code is None:
            continue
        first = first_by_code.setdefault(header.code, header)
        if first is not header:
            problems.append(f"{header.label}: duplicate code, also used by {first.label}")
    return problems


# --------------------------------------------------------------------------------------------
# Tree checks
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Node:
    """A region in the combined tree: a file feature, or an existing region it does not replace."""

    code: str
    level: str
    parent_code: str | None
    geometry: shapely.MultiPolygon | None
    label: str
    index: int | None  # position in the file, None for existing regions


def check_region_tree(
    features: Sequence[RegionFeature],
    existing: Mapping[str, ExistingRegion],
    *,
    replace: bool = False,
) -> None:
    """Check parsed features against each other and the existing regions; raise on problems.

    Checks: codes already in ``existing`` (unless ``replace``), a parent one level up for every
    level below district, children lying within their parents, and siblings (same level and
    parent, from the file plus existing regions) not overlapping. A file feature takes the place
    of an existing region with the same code, so replacements are checked in their new shape.
    """
    problems: list[tuple[int, str]] = []
    nodes = _combined_nodes(features, existing)
    seen: dict[str, RegionFeature] = {}
    for feature in features:
        label = feature_label(feature.index, feature.code, feature.name)
        first = seen.setdefault(feature.code, feature)
        if first is not feature:
            first_label = feature_label(first.index, first.code, first.name)
            problems.append((feature.index, f"{label}: duplicate code, also used by {first_label}"))
        if feature.code in existing and not replace:
            problems.append((feature.index, f"{label}: code already exists; use replace"))
        for message in _parent_problems(feature, nodes):
            problems.append((feature.index, f"{label}: {message}"))
    problems.extend(_sibling_overlap_problems(list(nodes.values())))
    if problems:
        problems.sort(key=lambda item: item[0])  # stable: keeps each feature's own order
        raise RegionFileError([message for _, message in problems])


def _combined_nodes(
    features: Sequence[RegionFeature], existing: Mapping[str, ExistingRegion]
) -> dict[str, _Node]:
    """Merge existing regions and file features by code; the file's version wins."""
    nodes = {
        code: _Node(
            code, region.level, region.parent_code, region.geometry, f"existing region {code}", None
        )
        for code, region in existing.items()
    }
    for feature in features:
        if feature.code in nodes and nodes[feature.code].index is not None:
            continue  # a duplicate within the file; the first one stands for the code
        nodes[feature.code] = _Node(
            feature.code,
            feature.level,
            feature.parent_code,
            feature.geometry,
            feature_label(feature.index, feature.code, feature.name),
            feature.index,
        )
    return nodes


def _parent_problems(feature: RegionFeature, nodes: Mapping[str, _Node]) -> list[str]:
    """Check that a feature has a parent exactly one level up, and lies within it."""
    if feature.level not in LEVELS:
        return [f"unknown level {feature.level!r}"]
    depth = LEVELS.index(feature.level)
    if depth == 0:
        return []  # a district's parent (a city) lies outside Fengqiao's tree
    expected = LEVELS[depth - 1]
    if feature.parent_code is None:
        return [f"has no parent code; a {feature.level} needs a parent {expected}"]
    parent = nodes.get(feature.parent_code)
    if parent is None:
        return [f"parent {feature.parent_code} is neither in the file nor an existing region"]
    if parent.level != expected:
        return [
            f"parent {feature.parent_code} is a {parent.level}, but the parent of a "
            f"{feature.level} must be a {expected}"
        ]
    if parent.geometry is None:
        return []
    return _containment_problems(feature.geometry, parent.geometry, parent.label)


def _containment_problems(
    child: shapely.MultiPolygon, parent: shapely.MultiPolygon, parent_label: str
) -> list[str]:
    """Report a child that sticks out of its parent by more than the tolerance."""
    if shapely.covers(parent, child):
        return []  # the fast, common case: no area needs computing
    child_area = float(shapely.area(child))
    if child_area <= 0.0:
        return []
    try:
        outside = float(shapely.area(shapely.difference(child, parent)))
    except shapely.errors.GEOSException as exc:
        return [f"could not be compared with its parent {parent_label}: {exc}"]
    share = outside / child_area
    if share <= OVERLAP_TOLERANCE:
        return []
    return [
        f"{share:.2%} of its area lies outside its parent {parent_label} "
        f"(at most {OVERLAP_TOLERANCE:.1%} is tolerated)"
    ]


def _sibling_overlap_problems(nodes: Sequence[_Node]) -> list[tuple[int, str]]:
    """Report overlapping siblings where at least one of the pair comes from the file.

    An STRtree finds the candidate pairs whose bounding boxes meet, so the cost grows with the
    number of neighbours rather than with the square of the number of regions.
    """
    located: list[_Node] = []
    geometries: list[shapely.MultiPolygon] = []
    for node in nodes:
        if node.geometry is not None:
            located.append(node)
            geometries.append(node.geometry)
    from_file = [i for i, node in enumerate(located) if node.index is not None]
    if not from_file:
        return []
    tree = shapely.STRtree(geometries)
    query_pos, tree_pos = tree.query([geometries[i] for i in from_file], predicate="intersects")
    pairs = [
        (from_file[q], t)
        for q, t in zip(query_pos.tolist(), tree_pos.tolist(), strict=True)
        if _is_sibling_pair(located[from_file[q]], located[t])
    ]
    if not pairs:
        return []
    shares = _overlap_shares(
        np.array([geometries[a] for a, _ in pairs], dtype=object),
        np.array([geometries[b] for _, b in pairs], dtype=object),
    )
    problems: list[tuple[int, str]] = []
    for (a, b), share in zip(pairs, shares.tolist(), strict=True):
        index = located[a].index
        if index is None:
            continue  # cannot happen: every queried geometry comes from the file
        if math.isnan(share):  # GEOS could not intersect the pair
            message = (
                f"{located[a].label}: could not be compared with its sibling {located[b].label}"
            )
            problems.append((index, message))
        elif share > OVERLAP_TOLERANCE:
            message = (
                f"{located[a].label}: overlaps its sibling {located[b].label} by {share:.2%} "
                f"of the smaller area (at most {OVERLAP_TOLERANCE:.1%} is tolerated)"
            )
            problems.append((index, message))
    return problems


def _overlap_shares(first: npt.NDArray[np.object_], second: npt.NDArray[np.object_]) -> FloatArray:
    """Return, pairwise, the intersection area as a share of the smaller geometry's area.

    A pair GEOS cannot intersect (possible only with an invalid existing geometry, since file
    geometries are validated) gets NaN, which the caller reports as not comparable.
    """
    try:
        overlap = shapely.area(shapely.intersection(first, second))
    except shapely.errors.GEOSException:
        pairs = zip(first.tolist(), second.tolist(), strict=True)
        overlap = np.array([_safe_intersection_area(a, b) for a, b in pairs])
    smaller = np.minimum(shapely.area(first), shapely.area(second))
    # Valid polygons have positive area; the guard only keeps a degenerate input from dividing
    # by zero.
    shares: FloatArray = np.divide(overlap, smaller, out=np.zeros_like(overlap), where=smaller > 0)
    return shares


def _safe_intersection_area(a: shapely.Geometry, b: shapely.Geometry) -> float:
    """Intersection area of one pair, or NaN if GEOS fails on it."""
    try:
        return float(shapely.area(shapely.intersection(a, b)))
    except shapely.errors.GEOSException:
        return float("nan")


def _is_sibling_pair(a: _Node, b: _Node) -> bool:
    """True for two distinct siblings, counting a pair of file features only once."""
    if a is b or a.level != b.level or a.parent_code != b.parent_code:
        return False
    # Both from the file: the tree finds the pair twice, keep the one starting at the earlier.
    return b.index is None or (a.index is not None and a.index < b.index)
