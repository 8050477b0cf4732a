"""``fengqiao export_regions``: write regions as GeoJSON in the format import_regions reads."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fengqiao.lib.regionfile import LEVELS
from fengqiao.regions.actions import export_regions
from fengqiao.regions.models import Region


class Command(BaseCommand):
    help = "把区划与网格导出为 GeoJSON（WGS-84）。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--root", help="只导出这个代码及其下级")
        parser.add_argument("--level", choices=LEVELS, help="只导出这一层级")
        parser.add_argument("-o", "--output", type=Path, help="输出文件（默认标准输出）")

    def handle(self, *args: Any, **options: Any) -> None:
        regions = Region.objects.all()
        if options["root"]:
            root = Region.objects.filter(code=options["root"]).first()
            if root is None:
                raise CommandError(f"没有代码为 {options['root']} 的区域")
            regions = regions.subtree(root)
        if options["level"]:
            regions = regions.filter(level=options["level"])
        text = json.dumps(export_regions(regions), ensure_ascii=False)
        if options["output"]:
            options["output"].write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text)
