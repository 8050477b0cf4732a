"""``fengqiao locate LON LAT``: which grid a point falls in."""

from __future__ import annotations

import math
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fengqiao.regions.locator import CRS_CHOICES, locate


class Command(BaseCommand):
    help = "查询坐标所在的网格及其上级区域。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("lon", type=float)
        parser.add_argument("lat", type=float)
        parser.add_argument("--crs", choices=CRS_CHOICES, default="wgs84")

    def handle(self, *args: Any, **options: Any) -> None:
        lon, lat = options["lon"], options["lat"]
        if not (
            math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90
        ):
            raise CommandError("经度须在 -180–180、纬度须在 -90–90 之间")
        location = locate(lon, lat, crs=options["crs"])
        code = location.grid.code if location.grid else "-"
        self.stdout.write(f"{code}\t{location.describe()}")
