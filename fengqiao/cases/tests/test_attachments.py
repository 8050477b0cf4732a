"""Attachments: checked by content, re-encoded without location, stored, on the timeline."""

import io

import pytest
from PIL import Image

from fengqiao.cases import actions
from fengqiao.cases.choices import Action
from fengqiao.cases.errors import InvalidInput
from fengqiao.cases.models import Attachment
from fengqiao.cases.tests.factories import make_case


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def jpeg_with_gps():
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (27.0, 51.0, 0.0), 3: "E", 4: (113.0, 3.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_photo_is_stored_without_its_location(personas):
    case = make_case()
    raw = jpeg_with_gps()
    assert b"Exif" in raw
    attachment = actions.add_attachment(case, data=raw, filename="现场照片.jpg", by=None)
    stored = attachment.file.read()
    assert b"Exif" not in stored and Image.open(io.BytesIO(stored)).size == (40, 30)
    assert attachment.original_name == "现场照片.jpg" and attachment.kind == "image"
    assert case.events.filter(action=Action.ATTACH).exists()


def test_disguised_file_is_refused_and_nothing_is_stored(personas, tmp_path):
    case = make_case()
    with pytest.raises(InvalidInput):
        actions.add_attachment(
            case, data=b"MZ\x90\x00" + b"\x00" * 200, filename="photo.jpg", by=None
        )
    with pytest.raises(InvalidInput):
        actions.add_attachment(case, data=b"", filename="empty.pdf", by=None)
    assert Attachment.objects.count() == 0
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_attachment_limit_removes_the_written_file(personas, tmp_path, monkeypatch):
    case = make_case()
    monkeypatch.setattr(actions, "MAX_ATTACHMENTS", 1)
    actions.add_attachment(case, data=jpeg_with_gps(), filename="a.jpg", by=None)
    with pytest.raises(Exception, match="最多"):
        actions.add_attachment(case, data=jpeg_with_gps(), filename="b.jpg", by=None)
    assert Attachment.objects.count() == 1
    assert len([p for p in tmp_path.rglob("*") if p.is_file()]) == 1
