"""``alerts stscan`` and ``alerts knox`` on the command line: JSON shape and clear errors."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

GEO = "A 0 0\nB 0.5 0\nC 0 0.5\nD 4 4\nE 4.5 4\nF 8 8\n"
CASES = (
    "A 3 2024/1/5\nB 2 2024/1/5\nC 2 2024/1/6\nA 1 2024/1/2\nD 1 2024/1/3\nE 1 2024/1/8\n"
    "F 1 2024/1/9\nD 1 2024/1/1\nF 2 2024/1/4\nE 1 2024/1/10\nB 1 2024/1/9\n"
)


@pytest.fixture
def files(tmp_path):
    (tmp_path / "t.geo").write_text(GEO)
    (tmp_path / "t.cas").write_text(CASES)
    return tmp_path


def stscan(files: Path, *extra: str, cases: str = "t.cas", geo: str = "t.geo") -> str:
    out = StringIO()
    call_command(
        "alerts",
        "stscan",
        "--cases",
        str(files / cases),
        "--geo",
        str(files / geo),
        "--coordinates",
        "cartesian",
        *extra,
        stdout=out,
    )
    return out.getvalue()


BASE = ("--start", "2024-01-01", "--end", "2024-01-10", "--max-radius-km", "1")
RUN = ("--max-days", "3", "--replicas", "19", "--seed", "4", "--json")


def test_json_output_has_the_fixed_shape(files):
    payload = json.loads(stscan(files, *BASE, *RUN))
    assert set(payload) == {"clusters", "replicas", "seconds"}
    assert payload["replicas"] == 19
    top = payload["clusters"][0]
    assert set(top) == {
        "center",
        "location_ids",
        "radius_km",
        "start",
        "end",
        "observed",
        "expected",
        "test_statistic",
        "p_value",
    }
    assert top["location_ids"][0] == top["center"]
    assert set(top["location_ids"]) <= {"A", "B", "C"}
    assert {top["start"], top["end"]} <= {"2024-01-05", "2024-01-06"}
    statistics = [c["test_statistic"] for c in payload["clusters"]]
    assert statistics == sorted(statistics, reverse=True)


def test_prospective_clusters_end_on_the_last_day(files):
    payload = json.loads(stscan(files, *BASE, *RUN, "--prospective"))
    assert payload["clusters"]
    assert all(c["end"] == "2024-01-10" for c in payload["clusters"])


def test_latlon_is_the_default_coordinate_system(files):
    (files / "ll.geo").write_text("A 40.0 -73.0\nB 40.001 -73.0\nC 40.0 -73.001\nD 41 -73\n")
    spread = "".join(f"D 1 2024/1/{day}\n" for day in (1, 2, 3, 8, 9, 10))
    (files / "ll.cas").write_text("A 2 2024/1/5\nB 2 2024/1/5\nC 2 2024/1/5\n" + spread)
    out = StringIO()
    call_command(
        "alerts",
        "stscan",
        "--cases",
        str(files / "ll.cas"),
        "--geo",
        str(files / "ll.geo"),
        *BASE,
        *RUN,
        stdout=out,
    )
    top = json.loads(out.getvalue())["clusters"][0]
    assert top["location_ids"] == ["A", "C", "B"]  # 0.085 km east, then 0.111 km north
    assert top["radius_km"] == pytest.approx(0.111, abs=0.001)  # 0.001 degree of latitude


@pytest.mark.parametrize(
    ("cas", "message"),
    [
        ("A 1 2024/1/5\nZ 1 2024/1/5\n", "bad.cas:2: location 'Z' is not in the coordinates file"),
        ("A 1 2024/1/32\n", "bad.cas:1: date '2024/1/32' does not exist"),
        ("A 1 2024/2/1\n", "bad.cas:1: date 2024-02-01 is outside the study period"),
        ("A -2 2024/1/5\n", "bad.cas:1: case count -2 is negative"),
        ("A 0 2024/1/5\n", "there are no cases in the study period"),
        ("", "there are no cases in the study period"),
    ],
)
def test_malformed_case_files_are_command_errors_naming_the_line(files, cas, message):
    (files / "bad.cas").write_text(cas)
    with pytest.raises(CommandError, match=message):
        stscan(files, *BASE, *RUN, cases="bad.cas")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--max-radius-km", "0"), "--max-radius-km must be a positive"),
        (("--max-radius-km", "-3"), "--max-radius-km must be a positive"),
        (("--max-days", "0"), "--max-days must be at least 1"),
        (("--max-share", "0.7"), r"--max-share must be in \(0, 0.5\]"),
        (("--max-share", "0"), r"--max-share must be in \(0, 0.5\]"),
        (("--start", "2024-01-11"), "--start 2024-01-11 is after --end 2024-01-10"),
        (("--start", "2024-02-30"), "argument --start: date '2024-02-30' does not exist"),
        (("--max-days", "three"), "argument --max-days: invalid int value"),
    ],
)
def test_impossible_parameters_are_command_errors_naming_the_option(files, options, message):
    values = dict(zip(BASE[::2], BASE[1::2], strict=True)) | {
        "--max-days": "3",
        "--replicas": "9",
        "--seed": "1",
    }
    values |= dict(zip(options[::2], options[1::2], strict=True))
    argv = [part for pair in values.items() for part in pair]
    with pytest.raises(CommandError, match=message):
        stscan(files, *argv, "--json")


def test_missing_required_option_is_a_command_error(files):
    with pytest.raises(CommandError, match="--replicas"):
        stscan(files, *BASE, "--max-days", "3", "--seed", "1")


def test_knox_subcommand_prints_a_table(tmp_path):
    rows = ["x,y,date"] + [
        f"{i % 5 * 0.05},{i // 5 * 0.05},2024-01-{1 + i % 9:02d}" for i in range(40)
    ]
    (tmp_path / "e.csv").write_text("\n".join(rows) + "\n")
    out = StringIO()
    call_command(
        "alerts",
        "knox",
        "--events",
        str(tmp_path / "e.csv"),
        "--distance-bands",
        "0.1,0.2",
        "--time-bands",
        "3,6",
        "--iterations",
        "19",
        "--seed",
        "1",
        "--json",
        stdout=out,
    )
    payload = json.loads(out.getvalue())
    assert len(payload["cells"]) == 3 * 3
    assert sum(cell["observed"] for cell in payload["cells"]) == 40 * 39 // 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b,c\n1,2,2024-01-01\n", "e.csv:1: the header needs"),
        ("x,y,date\n1,2,2024-01-01\n1,north,2024-01-02\n", "e.csv:3:"),
        ("x,y,date\n1,2,2024-01-01\n1,2,yesterday\n", "e.csv:3: date 'yesterday'"),
    ],
)
def test_knox_bad_events_file_names_the_line(tmp_path, text, message):
    (tmp_path / "e.csv").write_text(text)
    with pytest.raises(CommandError, match=message):
        call_command(
            "alerts",
            "knox",
            "--events",
            str(tmp_path / "e.csv"),
            "--distance-bands",
            "0.1",
            "--time-bands",
            "3",
            "--seed",
            "1",
        )


def test_parameters_are_checked_before_files_are_read(files):
    with pytest.raises(CommandError, match="--max-radius-km must be a positive"):
        stscan(files, *BASE[:-1], "0", *RUN, cases="absent.cas")


def test_missing_case_file_is_a_command_error(files):
    with pytest.raises(CommandError, match=r"absent\.cas: file not found"):
        stscan(files, *BASE, *RUN, cases="absent.cas")
