"""Readers for SaTScan's case (``.cas``) and coordinates (``.geo``) files.

SaTScan is the reference implementation of the scan statistics in ``stscan.py``; analysts keep
their data in its plain-text formats, so the space-time scan reads them directly and their
results can be compared line for line. Only what the space-time permutation model needs is read:

* coordinates file: ``location_id  latitude  longitude`` (``latlon``, decimal degrees, as SaTScan's
  ``CoordinatesType=1``) or ``location_id  x  y`` (``cartesian``, kilometres);
* case file: ``location_id  count  date`` with dates ``YYYY/M/D`` (SaTScan's day precision) or
  ``YYYY-MM-DD``.

Fields are separated by blanks or tabs; blank lines are skipped. Every problem raises
:class:`SaTScanFileError` naming the file and line, never a bare exception.
Framework-free: imports without Django settings.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

EARTH_RADIUS_KM = 6367.0
"""SaTScan's sphere: latitude/longitude become 3-D points on a sphere of this radius."""

CoordinateSystem = Literal["latlon", "cartesian"]
OutsidePolicy = Literal["error", "ignore"]

_DATE = re.compile(r"^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$")


class SaTScanFileError(ValueError):
    """A SaTScan input file that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Locations:
    """Locations of a coordinates file, in file order (the order SaTScan breaks ties by).

    ``points`` are the coordinates distances are measured in: kilometres in the plane for
    ``cartesian`` files, or 3-D kilometres on SaTScan's 6,367 km sphere for ``latlon`` files (the
    straight-line chord, as SaTScan measures it). ``raw`` keeps the file's two numbers.
    """

    ids: tuple[str, ...]
    raw: npt.NDArray[np.float64]
    points: npt.NDArray[np.float64]
    system: CoordinateSystem

    def index(self) -> dict[str, int]:
        return {location_id: i for i, location_id in enumerate(self.ids)}


@dataclass(frozen=True)
class Cases:
    """Cases expanded to one row per case: location index and day index from ``start``."""

    location: npt.NDArray[np.int64]
    day: npt.NDArray[np.int64]
    start: date
    end: date
    ignored_outside: int = 0

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def total(self) -> int:
        return int(self.location.size)


def latlon_to_points(
    latitude: npt.NDArray[np.float64], longitude: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """3-D coordinates on SaTScan's sphere (x = R cos lon cos lat, y = R sin lon cos lat, ...)."""
    lat = np.radians(latitude)
    lon = np.radians(longitude)
    return np.column_stack(
        (
            EARTH_RADIUS_KM * np.cos(lon) * np.cos(lat),
            EARTH_RADIUS_KM * np.sin(lon) * np.cos(lat),
            EARTH_RADIUS_KM * np.sin(lat),
        )
    )


def _lines(path: Path) -> list[tuple[int, list[str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SaTScanFileError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise SaTScanFileError(f"{path}: cannot be read ({error})") from None
    return [(n, line.split()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]


def _number(value: str, where: str, what: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise SaTScanFileError(f"{where}: {what} {value!r} is not a number") from None
    if not math.isfinite(number):
        raise SaTScanFileError(f"{where}: {what} {value!r} is not a finite number")
    return number


def parse_date(value: str) -> date:
    """``YYYY/M/D`` or ``YYYY-MM-DD``; raises ``ValueError`` with the offending text."""
    match = _DATE.match(value.strip())
    if not match:
        raise ValueError(f"date {value!r} is not YYYY/M/D or YYYY-MM-DD")
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ValueError(f"date {value!r} does not exist") from None


def read_geo(path: str | Path, system: CoordinateSystem = "latlon") -> Locations:
    """Read a coordinates file. Duplicate ids and out-of-range latitudes are errors."""
    path = Path(path)
    ids: list[str] = []
    raw: list[tuple[float, float]] = []
    seen: dict[str, int] = {}
    for number, fields in _lines(path):
        where = f"{path}:{number}"
        if len(fields) != 3:
            raise SaTScanFileError(
                f"{where}: expected 3 fields (location id and two coordinates), got {len(fields)}"
            )
        location_id = fields[0]
        if location_id in seen:
            raise SaTScanFileError(
                f"{where}: location {location_id!r} already given on line {seen[location_id]}"
            )
        first = _number(fields[1], where, "latitude" if system == "latlon" else "x")
        second = _number(fields[2], where, "longitude" if system == "latlon" else "y")
        if system == "latlon":
            if not -90.0 <= first <= 90.0:
                raise SaTScanFileError(f"{where}: latitude {first} is outside [-90, 90]")
            if not -180.0 <= second <= 180.0:
                raise SaTScanFileError(f"{where}: longitude {second} is outside [-180, 180]")
        seen[location_id] = number
        ids.append(location_id)
        raw.append((first, second))
    if not ids:
        raise SaTScanFileError(f"{path}: no locations")
    coordinates = np.array(raw, dtype=np.float64)
    points = (
        latlon_to_points(coordinates[:, 0], coordinates[:, 1])
        if system == "latlon"
        else coordinates.copy()
    )
    return Locations(ids=tuple(ids), raw=coordinates, points=points, system=system)


def read_cases(
    path: str | Path,
    locations: Locations,
    start: date,
    end: date,
    outside: OutsidePolicy = "error",
) -> Cases:
    """Read a case file against ``locations`` for the study period ``start``..``end``.

    Unknown location ids, malformed or negative counts and impossible dates are errors. A case
    dated outside the study period is an error too unless ``outside="ignore"`` (SaTScan's
    "relaxed bounds" study-period check), in which case it is left out and counted.
    """
    path = Path(path)
    index = locations.index()
    location_rows: list[int] = []
    day_rows: list[int] = []
    count_rows: list[int] = []
    ignored = 0
    for number, fields in _lines(path):
        where = f"{path}:{number}"
        if len(fields) < 3:
            raise SaTScanFileError(
                f"{where}: expected 3 fields (location id, count, date), got {len(fields)}"
            )
        if len(fields) > 3:
            raise SaTScanFileError(
                f"{where}: {len(fields)} fields; covariate columns are not supported by this "
                "space-time permutation scan (expected location id, count, date)"
            )
        location_id, count_text, date_text = fields
        if location_id not in index:
            raise SaTScanFileError(
                f"{where}: location {location_id!r} is not in the coordinates file"
            )
        try:
            count = int(count_text)
        except ValueError:
            raise SaTScanFileError(
                f"{where}: case count {count_text!r} is not a whole number"
            ) from None
        if count < 0:
            raise SaTScanFileError(f"{where}: case count {count} is negative")
        try:
            when = parse_date(date_text)
        except ValueError as error:
            raise SaTScanFileError(f"{where}: {error}") from None
        if not start <= when <= end:
            if outside == "ignore":
                ignored += count
                continue
            raise SaTScanFileError(
                f"{where}: date {when.isoformat()} is outside the study period "
                f"{start.isoformat()} to {end.isoformat()}"
            )
        if count:
            location_rows.append(index[location_id])
            day_rows.append((when - start).days)
            count_rows.append(count)
    counts = np.array(count_rows, dtype=np.int64)
    return Cases(
        location=np.repeat(np.array(location_rows, dtype=np.int64), counts),
        day=np.repeat(np.array(day_rows, dtype=np.int64), counts),
        start=start,
        end=end,
        ignored_outside=ignored,
    )


@dataclass(frozen=True)
class SaTScanCluster:
    """One cluster as SaTScan reported it (``.col.txt`` row plus its ``.gis.txt`` locations)."""

    rank: int
    center: str
    location_ids: frozenset[str]
    start: date
    end: date
    observed: int
    expected: float
    test_statistic: float
    p_value: float


def read_satscan_clusters(stem: str | Path) -> list[SaTScanCluster]:
    """Clusters of a SaTScan run from ``<stem>.col.txt`` and ``<stem>.gis.txt``, for comparing
    our results with the reference implementation (tests and ``bench/stscan.py``)."""
    stem = str(stem)
    members: dict[int, set[str]] = {}
    gis = _lines(Path(stem + ".gis.txt"))
    for _, fields in gis[1:]:
        members.setdefault(int(fields[1]), set()).add(fields[0])
    col = _lines(Path(stem + ".col.txt"))
    header = col[0][1]
    clusters = []
    for _, fields in col[1:]:
        row = dict(zip(header, fields, strict=False))
        rank = int(row["CLUSTER"])
        clusters.append(
            SaTScanCluster(
                rank=rank,
                center=row["LOC_ID"],
                location_ids=frozenset(members.get(rank, set())),
                start=parse_date(row["START_DATE"]),
                end=parse_date(row["END_DATE"]),
                observed=int(row["OBSERVED"]),
                expected=float(row["EXPECTED"]),
                test_statistic=float(row["TEST_STAT"]),
                p_value=float(row["P_VALUE"]),
            )
        )
    return clusters


def read_satscan_replicas(stem: str | Path) -> npt.NDArray[np.float64]:
    """The maximum statistic of every SaTScan replica (``<stem>.llr.txt``, 6 decimals)."""
    rows = _lines(Path(str(stem) + ".llr.txt"))
    return np.array([float(fields[0]) for _, fields in rows[1:]], dtype=np.float64)
