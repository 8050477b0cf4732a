"""Builders for the resident-page tests: photos, a valid report, the code from a redirect."""

import io
import re
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from fengqiao.cases.tests.factories import GRID_1


def jpeg_with_gps(size=(64, 48)) -> bytes:
    """A small JPEG whose EXIF says where it was taken (in Zhuzhou)."""
    image = Image.new("RGB", size, (30, 120, 200))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (27.0, 51.0, 0.0), 3: "E", 4: (113.0, 3.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def photo(name="现场.jpg", data=None):
    return SimpleUploadedFile(name, data if data is not None else jpeg_with_gps(), "image/jpeg")


def report_data(**overrides):
    """A valid report at a point inside grid 430299001001001."""
    data = {
        "category": "dispute-neighbour",
        "title": "",
        "description": "楼上每天深夜装修，噪音很大，多次沟通无果，希望社区出面协调。",
        "lon": str(GRID_1[0]),
        "lat": str(GRID_1[1]),
        "community": "",
        "address": "幸福小区3栋",
        "contact_name": "王小明",
        "contact_phone": "13912345678",
        "website": "",
        "submission_key": uuid.uuid4().hex,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def code_from(response) -> str:
    match = re.fullmatch(r"/r/done/([2-9A-Z]{12})/", response["Location"])
    assert match, response["Location"]
    return match.group(1)
