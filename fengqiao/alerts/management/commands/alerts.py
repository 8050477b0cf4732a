"""``fengqiao alerts <subcommand>``: the early-warning engine from the command line.

Each subcommand is a small :class:`Subcommand` in ``SUBCOMMANDS``; adding one (rules, surges,
...) means writing its ``add_arguments`` and ``handle`` and listing it there.

``alerts stscan`` is called by scripts outside the project, so its options are fixed::

    alerts stscan --cases FILE.cas --geo FILE.geo [--coordinates latlon|cartesian]
        --start YYYY-MM-DD --end YYYY-MM-DD --max-radius-km R --max-days D
        [--max-share 0.5] --replicas N --seed S [--prospective] --json

``alerts knox`` runs the near-repeat Knox test on a CSV of events.
"""

from __future__ import annotations

import argparse
import csv
import json
from datetime import date
from pathlib import Path
from typing import Any, ClassVar, Protocol

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from fengqiao.alerts.knox import KnoxParameterError, knox_test, project_latlon
from fengqiao.alerts.satscan_io import SaTScanFileError, parse_date, read_cases, read_geo
from fengqiao.alerts.stscan import (
    ScanParameterError,
    ScanParameters,
    space_time_permutation_scan,
)


class Subcommand(Protocol):
    help: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def handle(self, command: BaseCommand, options: dict[str, Any]) -> None: ...


def _date(text: str) -> date:
    try:
        return parse_date(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _edges(text: str) -> list[float]:
    try:
        return [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a comma-separated list of numbers"
        ) from None


def _write(command: BaseCommand, payload: dict[str, object]) -> None:
    command.stdout.write(json.dumps(payload, ensure_ascii=False))


class SpaceTimeScan:
    help = "时空重排扫描统计（Kulldorff 2005，与 SaTScan 一致），读 SaTScan 的 .cas/.geo 文件"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--cases", type=Path, required=True, help="SaTScan 病例文件 (.cas)")
        parser.add_argument("--geo", type=Path, required=True, help="SaTScan 坐标文件 (.geo)")
        parser.add_argument(
            "--coordinates",
            choices=["latlon", "cartesian"],
            default="latlon",
            help="坐标：latlon（纬度 经度，默认）或 cartesian（公里）",
        )
        parser.add_argument("--start", type=_date, required=True, help="研究期起 YYYY-MM-DD")
        parser.add_argument("--end", type=_date, required=True, help="研究期止 YYYY-MM-DD")
        parser.add_argument("--max-radius-km", type=float, required=True, help="最大半径（公里）")
        parser.add_argument("--max-days", type=int, required=True, help="最长持续天数")
        parser.add_argument(
            "--max-share", type=float, default=0.5, help="圆内病例占全部病例的最大比例"
        )
        parser.add_argument("--replicas", type=int, required=True, help="蒙特卡洛重复次数")
        parser.add_argument("--seed", type=int, required=True, help="随机种子")
        parser.add_argument(
            "--prospective", action="store_true", help="前瞻性：只看截至研究期末仍在持续的聚集"
        )
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象")

    def handle(self, command: BaseCommand, options: dict[str, Any]) -> None:
        start, end = options["start"], options["end"]
        if start > end:
            raise CommandError(f"--start {start.isoformat()} is after --end {end.isoformat()}")
        parameters = ScanParameters(
            max_radius_km=options["max_radius_km"],
            max_days=options["max_days"],
            replicas=options["replicas"],
            seed=options["seed"],
            max_share=options["max_share"],
            prospective=options["prospective"],
        )
        try:
            parameters.check()
            locations = read_geo(options["geo"], options["coordinates"])
            cases = read_cases(options["cases"], locations, start, end)
            result = space_time_permutation_scan(locations, cases, parameters)
        except (SaTScanFileError, ScanParameterError) as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            _write(command, result.as_json())
            return
        for rank, cluster in enumerate(result.clusters, 1):
            command.stdout.write(
                f"{rank}. {cluster.center} ({len(cluster.location_ids)} 个地点, "
                f"{cluster.radius_km:.2f} km) {cluster.start} ~ {cluster.end}: "
                f"观察 {cluster.observed} / 期望 {cluster.expected:.2f}, "
                f"LLR {cluster.test_statistic:.6f}, p = {cluster.p_value}"
            )


class NearRepeat:
    help = "近重复（Knox 检验，蒙特卡洛）：读 CSV（x,y,date 或 latitude,longitude,date）"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--events",
            type=Path,
            required=True,
            help="CSV，表头含 x,y,date 或 latitude,longitude,date",
        )
        parser.add_argument(
            "--distance-bands", type=_edges, required=True, help="距离带上界（公里），逗号分隔"
        )
        parser.add_argument(
            "--time-bands", type=_edges, required=True, help="时间带上界（天），逗号分隔"
        )
        parser.add_argument("--iterations", type=int, default=99, help="蒙特卡洛次数")
        parser.add_argument("--seed", type=int, required=True, help="随机种子")
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象")

    def handle(self, command: BaseCommand, options: dict[str, Any]) -> None:
        x, y, days = read_events(options["events"])
        try:
            result = knox_test(
                x,
                y,
                days,
                options["distance_bands"],
                options["time_bands"],
                options["iterations"],
                options["seed"],
            )
        except KnoxParameterError as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            _write(command, result.as_json())
            return
        for cell in result.as_json()["cells"]:  # type: ignore[attr-defined]
            command.stdout.write(
                f"{cell['distance_band']} km × {cell['time_band']} 天: 观察 {cell['observed']}, "
                f"期望 {cell['expected']:.1f}, Knox 比 {cell['knox_ratio']}, p = {cell['p_value']}"
            )


def read_events(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Events CSV with ``x,y,date`` (km) or ``latitude,longitude,date``; errors name the line."""
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as error:
        raise CommandError(f"{path}: cannot be read ({error})") from None
    with handle:
        reader = csv.DictReader(handle)
        fields = set(reader.fieldnames or ())
        if {"x", "y", "date"} <= fields:
            first, second, latlon = "x", "y", False
        elif {"latitude", "longitude", "date"} <= fields:
            first, second, latlon = "latitude", "longitude", True
        else:
            raise CommandError(
                f"{path}:1: the header needs x,y,date or latitude,longitude,date columns"
            )
        a: list[float] = []
        b: list[float] = []
        days: list[int] = []
        origin: date | None = None
        for line, row in enumerate(reader, 2):
            try:
                a.append(float(row[first]))
                b.append(float(row[second]))
                when = parse_date(row["date"] or "")
            except (TypeError, ValueError) as error:
                raise CommandError(f"{path}:{line}: {error}") from None
            origin = origin or when
            days.append((when - origin).days)
    if len(a) < 2:
        raise CommandError(f"{path}: the Knox test needs at least two events")
    x, y = np.array(a), np.array(b)
    if latlon:
        x, y = project_latlon(latitude=x, longitude=y)
    return x, y, np.array(days, dtype=np.float64)


SUBCOMMANDS: dict[str, Subcommand] = {"stscan": SpaceTimeScan(), "knox": NearRepeat()}


class Command(BaseCommand):
    help = "研判预警：扫描统计与近重复分析（子命令见 alerts <子命令> --help）。"
    requires_system_checks: ClassVar[list[str]] = []  # type: ignore[misc]

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        subparsers = parser.add_subparsers(dest="subcommand", required=True, metavar="子命令")
        for name, subcommand in SUBCOMMANDS.items():
            subcommand.add_arguments(subparsers.add_parser(name, help=subcommand.help))

    def handle(self, *args: Any, **options: Any) -> None:
        SUBCOMMANDS[options["subcommand"]].handle(self, options)
