"""Tests for checking case attachments by content.

Every file is made here: images with Pillow, the PDF by hand, DOCX/XLSX with zipfile. Nothing is
read from disk.
"""

from __future__ import annotations

import io
import random
import re
import struct
import zipfile
import zlib

import pytest
from PIL import ExifTags, Image, ImageCms

from fengqiao.lib.uploads import (
    CheckedFile,
    UploadLimits,
    UploadRejected,
    check_upload,
    sniff_type,
)

CJK = re.compile(r"[\u4e00-\u9fff]")

DOCX_TYPES = """<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="{main}"/>
</Types>"""
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


# --- file makers -------------------------------------------------------------------------------


def make_image(fmt: str, size=(60, 40), mode="RGB", color=(200, 30, 30), **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, format=fmt, **save)
    return out.getvalue()


def make_camera_jpeg(orientation: int = 6) -> bytes:
    """A 40x20 photo as a sensor stores it (left half red, right half blue), with GPS and more."""
    image = Image.new("RGB", (40, 20), (220, 0, 0))
    image.paste((0, 0, 220), (20, 0, 40, 20))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "Huawei"
    exif[ExifTags.Base.Model] = "Mate 60"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (27.0, 49.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (113.0, 8.0, 15.0)
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    image.save(
        out,
        format="JPEG",
        exif=exif,
        icc_profile=srgb,
        comment=b"home of Zhang San",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">secret</x:xmpmeta>',
    )
    return out.getvalue()


def make_pdf() -> bytes:
    """A one-page PDF written by hand, with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def make_office(main_type: str, parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", DOCX_TYPES.format(main=main_type))
        archive.writestr("_rels/.rels", "<Relationships/>")
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def make_docx(main_type: str = DOCX_MAIN) -> bytes:
    return make_office(
        main_type, {"word/document.xml": "<w:document>走访记录</w:document>".encode()}
    )


def make_xlsx() -> bytes:
    return make_office(XLSX_MAIN, {"xl/workbook.xml": b"<workbook/>", "xl/sheet1.xml": b"<x/>"})


def inflate_declared_sizes(data: bytes, declared: int) -> bytes:
    """Rewrite every central-directory entry's uncompressed size, as a ZIP bomb would declare."""
    out = bytearray(data)
    start = 0
    while (start := out.find(b"PK\x01\x02", start)) != -1:
        struct.pack_into("<I", out, start + 24, declared)
        start += 4
    return bytes(out)


def png_with_header(width: int, height: int) -> bytes:
    """A tiny PNG whose IHDR declares the given size, with correct CRCs but no real pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


def reject(data: bytes, name: str, **limits) -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        check_upload(data, name, UploadLimits(**limits))
    error = caught.value
    assert CJK.search(error.message_zh), error.message_zh
    return error


def pixel(image: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    value = image.getpixel(xy)
    assert isinstance(value, tuple)
    return value


def reopen(checked: CheckedFile) -> Image.Image:
    image = Image.open(io.BytesIO(checked.data))
    image.load()
    return image


# --- images --------------------------------------------------------------------------------------


def test_camera_photo_is_turned_upright_and_loses_gps_and_all_metadata():
    data = make_camera_jpeg(orientation=6)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # really there

    checked = check_upload(data, "现场照片.jpg")

    assert checked.kind == "image"
    assert (checked.content_type, checked.extension) == ("image/jpeg", ".jpg")
    # Orientation 6 means "rotate 90° clockwise to view": 40x20 stored becomes 20x40, with the
    # left (red) half on top.
    assert (checked.width, checked.height) == (20, 40)
    image = reopen(checked)
    assert image.size == (20, 40)
    red, _, blue = pixel(image, (10, 5))
    assert red > 150 > blue
    red, _, blue = pixel(image, (10, 35))
    assert blue > 150 > red
    assert len(image.getexif()) == 0
    assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info)
    assert b"Huawei" not in checked.data
    assert b"Zhang San" not in checked.data
    assert b"secret" not in checked.data
    assert checked.original_name == "现场照片.jpg"


def test_photo_without_orientation_keeps_its_shape():
    checked = check_upload(make_camera_jpeg(orientation=1), "a.jpg")
    assert (checked.width, checked.height) == (40, 20)


def test_png_with_transparency_stays_png_with_alpha():
    image = Image.new("RGBA", (30, 30), (0, 120, 0, 255))
    image.putpixel((0, 0), (0, 0, 0, 0))
    out = io.BytesIO()
    image.save(out, format="PNG")

    checked = check_upload(out.getvalue(), "标注.png")

    assert (checked.content_type, checked.extension) == ("image/png", ".png")
    result = reopen(checked)
    assert result.mode == "RGBA"
    assert pixel(result, (0, 0))[3] == 0
    assert pixel(result, (10, 10)) == (0, 120, 0, 255)


def test_opaque_png_is_saved_as_jpeg():
    checked = check_upload(make_image("PNG", mode="RGBA", color=(1, 2, 3, 255)), "shot.png")
    assert (checked.content_type, checked.extension) == ("image/jpeg", ".jpg")


def test_webp_is_reencoded_as_jpeg():
    data = make_image("WEBP", size=(50, 30))
    assert sniff_type(data) == ("image/webp", ".webp")

    checked = check_upload(data, "photo.webp")

    assert (checked.content_type, checked.extension) == ("image/jpeg", ".jpg")
    assert (checked.width, checked.height) == (50, 30)
    assert reopen(checked).format == "JPEG"


def test_animated_gif_keeps_only_its_first_frame():
    frames = [Image.new("P", (20, 20), index) for index in (1, 2)]
    for frame, color in zip(frames, ((255, 0, 0), (0, 0, 255)), strict=True):
        frame.putpalette([0, 0, 0, *color, *color] + [0] * 759)
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=100)

    checked = check_upload(out.getvalue(), "动图.gif")

    image = reopen(checked)
    assert getattr(image, "n_frames", 1) == 1
    red, _, blue = pixel(image.convert("RGB"), (5, 5))
    assert red > 200 > blue


def test_gif_with_transparency_becomes_png():
    image = Image.new("P", (10, 10), 1)
    image.putpixel((0, 0), 0)
    out = io.BytesIO()
    image.save(out, format="GIF", transparency=0)
    checked = check_upload(out.getvalue(), "icon.gif")
    assert checked.extension == ".png"
    assert pixel(reopen(checked), (0, 0))[3] == 0


def test_large_image_is_scaled_down_keeping_aspect():
    checked = check_upload(
        make_image("JPEG", size=(400, 200)), "wide.jpg", UploadLimits(max_image_side=100)
    )
    assert (checked.width, checked.height) == (100, 50)
    assert reopen(checked).size == (100, 50)


def test_sixteen_bit_greyscale_png_is_not_clipped_to_white():
    image = Image.new("I;16", (8, 8), 128 * 256)
    out = io.BytesIO()
    image.save(out, format="PNG")
    value = pixel(reopen(check_upload(out.getvalue(), "scan.png")), (4, 4))
    assert 100 < value[0] < 160


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
def test_photo_with_broken_exif_is_still_accepted():
    out = io.BytesIO()
    broken = b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\xff\xff\x01"
    Image.new("RGB", (30, 10)).save(out, format="JPEG", exif=broken)
    checked = check_upload(out.getvalue(), "old-phone.jpg")
    assert (checked.width, checked.height) == (30, 10)
    assert b"Exif" not in checked.data


@pytest.mark.parametrize("name", ["photo.jpeg", "PHOTO.JPG", "photo.jfif", "IMG_0001"])
def test_jpeg_aliases_and_missing_extension_are_fine(name):
    assert check_upload(make_image("JPEG"), name).original_name == name


@pytest.mark.parametrize(("fmt", "name"), [("PNG", "wechat.jpg"), ("JPEG", "IMG_0001.HEIC")])
def test_image_named_as_another_image_format_is_reencoded_not_refused(fmt, name):
    checked = check_upload(make_image(fmt), name)
    assert (checked.extension, checked.original_name) == (".jpg", name)


# --- documents -----------------------------------------------------------------------------------


def test_pdf_is_kept_byte_for_byte():
    data = make_pdf()
    checked = check_upload(data, "调解协议.pdf")
    assert checked == CheckedFile(
        kind="document",
        content_type="application/pdf",
        extension=".pdf",
        data=data,
        width=None,
        height=None,
        original_name="调解协议.pdf",
    )


def test_docx_and_xlsx_are_told_apart_by_their_parts():
    docx = check_upload(make_docx(), "报告.docx")
    xlsx = check_upload(make_xlsx(), "台账.xlsx")
    assert (docx.kind, docx.extension) == ("document", ".docx")
    assert docx.content_type.endswith("wordprocessingml.document")
    assert xlsx.extension == ".xlsx"
    assert xlsx.content_type.endswith("spreadsheetml.sheet")
    assert xlsx.data == make_xlsx()


@pytest.mark.parametrize(
    ("data", "charset"),
    [
        ("居民反映：楼道灯坏了。\nLine two\ttab".encode(), "utf-8"),
        (b"\xef\xbb\xbf" + "带 BOM 的文本".encode(), "utf-8"),
        ("网格员走访记录，编号 3".encode("gb18030"), "gb18030"),
    ],
)
def test_plain_text_in_utf8_or_gb18030_is_accepted(data, charset):
    checked = check_upload(data, "记录.txt")
    assert checked.content_type == f"text/plain; charset={charset}"
    assert (checked.kind, checked.extension, checked.data) == ("document", ".txt", data)


def test_csv_export_counts_as_text():
    assert check_upload("姓名,电话\n张三,123\n".encode("gb18030"), "名单.csv").extension == ".txt"


# --- refusals ------------------------------------------------------------------------------------


def test_empty_file_is_refused():
    error = reject(b"", "a.jpg")
    assert error.reason == "empty"
    assert "a.jpg" in str(error)


def test_oversize_file_is_refused_before_parsing():
    error = reject(b"x" * 3000, "big.pdf", max_bytes=1000)
    assert error.reason == "too_large"
    assert error.message_zh == "“big.pdf”：文件过大（最大 1 KB）"
    assert str(error) == "big.pdf: the file is too large (3 KB; the limit is 1 KB)"


def test_size_limit_message_names_megabytes():
    error = reject(b"x" * (10 * 1024 * 1024 + 1), "大文件.txt")
    assert error.message_zh == "“大文件.txt”：文件过大（最大 10 MB）"
    assert str(error) == "大文件.txt: the file is too large (10 MB; the limit is 10 MB)"


def test_random_bytes_are_an_unknown_type():
    data = random.Random(7).randbytes(4000)
    assert reject(data, "data.jpg").reason == "unknown_type"
    assert sniff_type(data) is None


@pytest.mark.parametrize(
    "header",
    [
        b"\x7fELF\x02\x01\x01" + b"\x00" * 57,
        b"MZ\x90\x00\x03" + b"\x00" * 59,
        b"#!/bin/sh\nrm -rf /\n",
    ],
)
def test_executable_renamed_jpg_is_a_type_mismatch(header):
    error = reject(header, "风景.jpg")
    assert error.reason == "type_mismatch"
    assert ".jpg" in str(error)
    assert "可执行程序" in error.message_zh


def test_executable_without_a_telling_name_is_refused():
    assert reject(b"\x7fELF" + b"\x00" * 60, "update").reason == "unknown_type"


def test_pdf_renamed_jpg_is_a_type_mismatch():
    error = reject(make_pdf(), "photo.jpg")
    assert error.reason == "type_mismatch"
    assert "PDF" in error.message_zh


def test_docx_renamed_xlsx_is_a_type_mismatch():
    assert reject(make_docx(), "台账.xlsx").reason == "type_mismatch"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "page.html"),
        (b"  <html><head><title>x</title></head></html>", "page.htm"),
        (
            b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "logo.svg",
        ),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "logo"),
        ("说明\n<script>alert(1)</script>".encode(), "notes"),
    ],
)
def test_html_and_svg_are_refused(data, name):
    error = reject(data, name)
    assert error.reason == "unknown_type"
    assert "脚本" in error.message_zh


def test_html_named_txt_is_a_type_mismatch():
    assert reject(b"<html><script>alert(1)</script></html>", "notes.txt").reason == "type_mismatch"


def test_text_with_nul_bytes_is_refused():
    assert reject(b"hello\x00world", "a.txt").reason == "unknown_type"


def test_truncated_jpeg_is_a_corrupt_image():
    data = make_image("JPEG", size=(300, 200), quality=95)
    assert reject(data[: len(data) // 2], "cut.jpg").reason == "corrupt_image"


def test_truncated_png_is_a_corrupt_image():
    data = make_image("PNG", size=(300, 200))
    assert reject(data[: len(data) - 30], "cut.png").reason == "corrupt_image"


def test_png_declaring_a_huge_size_is_refused_without_decoding():
    error = reject(png_with_header(100_000, 100_000), "bomb.png")
    assert error.reason == "too_many_pixels"
    assert Image.MAX_IMAGE_PIXELS == 89_478_485  # Pillow's global is left alone


def test_image_over_the_configured_pixel_limit_is_refused():
    error = reject(png_with_header(8000, 8000), "big.png")
    assert error.reason == "too_many_pixels"
    assert "64 megapixels" in str(error)
    assert error.message_zh == "“big.png”：图片像素过多（最多 4000 万像素）"
    small_limit = reject(make_image("JPEG", size=(300, 300)), "a.jpg", max_image_pixels=10_000)
    assert small_limit.reason == "too_many_pixels"


def test_heic_photo_asks_for_jpeg():
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 100
    error = reject(heic, "IMG_0001.HEIC")
    assert error.reason == "unsupported_image"
    assert "JPG" in error.message_zh
    assert "JPEG" in str(error)
    assert reject(heic, "IMG_0001.jpg").reason == "unsupported_image"
    assert sniff_type(heic) is None


def test_pdf_without_end_marker_is_corrupt():
    assert reject(make_pdf()[:-7], "cut.pdf").reason == "corrupt_document"


def test_zip_declaring_huge_contents_is_refused():
    error = reject(inflate_declared_sizes(make_docx(), 2**31 - 1), "bomb.docx")
    assert error.reason == "too_large"
    assert "解压" in error.message_zh


def test_zip_with_too_many_entries_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", DOCX_TYPES.format(main=DOCX_MAIN))
        for index in range(5000):
            archive.writestr(f"word/{index}.xml", b"")
    assert reject(out.getvalue(), "many.docx").reason == "too_large"


def test_macro_document_is_refused():
    docm = make_docx(DOCM_MAIN)
    assert reject(docm, "a.docm").reason == "unknown_type"
    assert reject(docm, "a.docx").reason == "type_mismatch"
    with_vba = make_office(DOCX_MAIN, {"word/document.xml": b"<x/>", "word/vbaProject.bin": b"x"})
    assert reject(with_vba, "b.docx").reason == "type_mismatch"


def test_plain_zip_and_legacy_office_files_are_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("photos/a.jpg", make_image("JPEG"))
    assert reject(out.getvalue(), "photos.zip").reason == "unknown_type"
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    error = reject(ole, "旧报告.doc")
    assert error.reason == "unknown_type"
    assert ".docx" in error.message_zh


def test_damaged_zip_is_a_corrupt_document():
    data = make_docx()
    assert reject(data[: len(data) // 2], "a.docx").reason == "corrupt_document"


# --- names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.jpg", "passwd.jpg"),
        ("C:\\Users\\张三\\Desktop\\现场照片.jpg", "现场照片.jpg"),
        ("bad\x00na\x1bme\n.jpg", "badname.jpg"),
        ("photo\u202egpj.exe.jpg", "photogpj.exe.jpg"),  # right-to-left override removed
        ("..", "附件.jpg"),
        ("", "附件.jpg"),
        ("  .hidden.jpg  ", "hidden.jpg"),
    ],
)
def test_display_name_is_sanitised(name, expected):
    assert check_upload(make_image("JPEG"), name).original_name == expected


def test_long_name_is_cut_to_100_characters_keeping_the_extension():
    checked = check_upload(make_image("JPEG"), "长" * 300 + ".jpg")
    assert len(checked.original_name) == 100
    assert checked.original_name.endswith("长.jpg")


def test_rejection_names_the_sanitised_file():
    error = reject(b"", "../../secret/空文件.txt")
    assert error.filename == "空文件.txt"
    assert error.message_zh == "“空文件.txt”：文件为空"
    assert str(error) == "空文件.txt: the file is empty"


# --- sniff_type ----------------------------------------------------------------------------------


def test_sniff_type_reports_accepted_types_only():
    assert sniff_type(make_image("JPEG")) == ("image/jpeg", ".jpg")
    assert sniff_type(make_image("PNG")) == ("image/png", ".png")
    assert sniff_type(make_image("GIF")) == ("image/gif", ".gif")
    assert sniff_type(make_pdf()) == ("application/pdf", ".pdf")
    docx, xlsx = sniff_type(make_docx()), sniff_type(make_xlsx())
    assert docx is not None and docx[1] == ".docx"
    assert xlsx is not None and xlsx[1] == ".xlsx"
    assert sniff_type("文本".encode("gb18030")) == ("text/plain; charset=gb18030", ".txt")
    assert sniff_type(b"\x7fELF" + b"\x00" * 60) is None
    assert sniff_type(b"<html></html>") is None
    assert sniff_type(inflate_declared_sizes(make_docx(), 2**31 - 1)) is None
