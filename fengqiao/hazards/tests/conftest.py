"""Shared pieces of the prevention tests: points in the test tree, photos, factories."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from PIL import Image

from fengqiao.hazards import actions

SH = ZoneInfo("Asia/Shanghai")
# Points in the test tree of fengqiao/conftest.py (see fieldwork/tests/conftest.py).
OWN_GRID = (113.06, 27.85)  # 430299001001001, the grid worker's grid
NEXT_GRID = (113.15, 27.85)  # 430299001001002
OTHER_STREET = (113.25, 27.85)  # 430299002001001
OUTSIDE = (100.0, 30.0)
MONDAY = datetime(2025, 3, 3, 9, 0, tzinfo=SH)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def jpeg(colour=(200, 30, 30), size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


def make_place(personas, point=OWN_GRID, **overrides):
    fields = {
        "place_type": "market",
        "name": "幸福农贸市场",
        "lon": point[0],
        "lat": point[1],
        "address": "幸福路 8 号",
        "contact_name": "张三",
        "contact_phone": "13812345678",
    }
    fields.update(overrides)
    return actions.register_place(by=personas.community_operator, **fields)


def make_hazard(personas, **overrides):
    fields = {
        "hazard_type": "fire",
        "level": "serious",
        "title": "消防通道堆放杂物",
        "description": "市场东侧消防通道被货物堵塞。",
        "responsible_unit": personas.units["community"],
        "measures": "清理杂物，设置禁止堆放标识。",
        "deadline_days": 3,
        "lon": OWN_GRID[0],
        "lat": OWN_GRID[1],
    }
    fields.update(overrides)
    return actions.register_hazard(by=personas.grid_worker, **fields)
