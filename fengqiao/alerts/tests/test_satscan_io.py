"""SaTScan case and coordinates files: what is read, and the errors that name the line."""

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from fengqiao.alerts.satscan_io import (
    EARTH_RADIUS_KM,
    SaTScanFileError,
    parse_date,
    read_cases,
    read_geo,
)

START, END = date(2024, 3, 1), date(2024, 3, 10)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def geo(tmp_path):
    return read_geo(write(tmp_path, "a.geo", "A\t0\t0\nB 1.5 0\n\nC 0 2\n"), "cartesian")


def test_geo_keeps_file_order_and_cartesian_kilometres(geo):
    assert geo.ids == ("A", "B", "C")
    assert geo.points.tolist() == [[0, 0], [1.5, 0], [0, 2]]


def test_latlon_points_lie_on_satscans_sphere(tmp_path):
    locations = read_geo(write(tmp_path, "a.geo", "N 90 0\nE 0 90\nO 0 0\nP 1 0\n"))
    assert np.allclose(np.linalg.norm(locations.points, axis=1), EARTH_RADIUS_KM)
    assert np.allclose(locations.points[0], [0, 0, EARTH_RADIUS_KM], atol=1e-9)
    # One degree of latitude: the chord on a 6,367 km sphere.
    chord = np.linalg.norm(locations.points[2] - locations.points[3])
    assert chord == pytest.approx(2 * EARTH_RADIUS_KM * np.sin(np.radians(0.5)))


def test_cases_expand_counts_and_count_days_from_start(tmp_path, geo):
    path = write(tmp_path, "a.cas", "A 2 2024/3/1\nC\t1\t2024-03-10\nB 0 2024/3/5\n")
    cases = read_cases(path, geo, START, END)
    assert cases.location.tolist() == [0, 0, 2]
    assert cases.day.tolist() == [0, 0, 9]
    assert cases.days == 10 and cases.total == 3


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("Z 1 2024/3/2", "a.cas:2: location 'Z' is not in the coordinates file"),
        ("A 1 2024/2/30", "a.cas:2: date '2024/2/30' does not exist"),
        ("A 1 03/02/2024", "a.cas:2: date '03/02/2024' is not YYYY/M/D or YYYY-MM-DD"),
        ("A 1 2024/3/11", "a.cas:2: date 2024-03-11 is outside the study period"),
        ("A -1 2024/3/2", "a.cas:2: case count -1 is negative"),
        ("A 1.5 2024/3/2", "a.cas:2: case count '1.5' is not a whole number"),
        ("A 1", "a.cas:2: expected 3 fields"),
        ("A 1 2024/3/2 male", "covariate columns are not supported"),
    ],
)
def test_bad_case_lines_name_file_and_line(tmp_path, geo, line, message):
    path = write(tmp_path, "a.cas", f"A 1 2024/3/1\n{line}\n")
    with pytest.raises(SaTScanFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_cases(path, geo, START, END)


def test_cases_outside_the_period_can_be_ignored_like_satscans_relaxed_check(tmp_path, geo):
    path = write(tmp_path, "a.cas", "A 1 2024/3/1\nB 4 2024/2/20\n")
    cases = read_cases(path, geo, START, END, outside="ignore")
    assert cases.total == 1 and cases.ignored_outside == 4


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A 0 0\nA 1 1\n", "a.geo:2: location 'A' already given on line 1"),
        ("A 91 0\n", "a.geo:1: latitude 91.0 is outside"),
        ("A 0 181\n", "a.geo:1: longitude 181.0 is outside"),
        ("A north 0\n", "a.geo:1: latitude 'north' is not a number"),
        ("A 0\n", "a.geo:1: expected 3 fields"),
        ("\n", "a.geo: no locations"),
    ],
)
def test_bad_coordinates_files_name_file_and_line(tmp_path, text, message):
    with pytest.raises(SaTScanFileError, match=message):
        read_geo(write(tmp_path, "a.geo", text))


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(SaTScanFileError, match="file not found"):
        read_geo(tmp_path / "absent.geo")


def test_parse_date_accepts_satscan_and_iso_forms():
    assert parse_date("2001/11/8") == parse_date("2001-11-08") == date(2001, 11, 8)
