"""``fengqiao import_regions FILE``: import regions and grids from GeoJSON, all or nothing."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fengqiao.lib.regionfile import LEVELS, SOURCE_CRS, RegionFileError
from fengqiao.regions.actions import import_regions


class Command(BaseCommand):
    help = "从 GeoJSON（含 DataV 格式）导入区划与网格；任何一处错误都不导入任何内容。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--source-crs",
            choices=SOURCE_CRS,
            default="wgs84",
            help="文件的坐标系；gcj02 会转换为 WGS-84",
        )
        parser.add_argument(
            "--level", choices=LEVELS, default=None, help="把所有要素都当作这一层级"
        )
        parser.add_argument("--replace", action="store_true", help="更新已存在的代码")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取 {path}：{exc.strerror}") from exc
        try:
            summary = import_regions(
                data,
                source_crs=options["source_crs"],
                level_override=options["level"],
                replace=options["replace"],
            )
        except RegionFileError as exc:
            raise CommandError(f"{path}：未导入任何内容。\n{exc}") from exc
        levels = "，".join(f"{level} {n}" for level, n in summary.by_level.items())
        self.stdout.write(f"已导入：新建 {summary.created}，更新 {summary.updated}（{levels}）")
