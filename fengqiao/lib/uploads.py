"""Check case attachments (事件附件) by their content before anything stores or shows them.

Residents and staff attach photos and documents to cases. The file name and the content type the
browser declares are chosen by the uploader, so neither is trusted: the type comes from the bytes
(magic numbers, then structure), and a name whose extension names a different type is refused
(one image format named as another is tolerated, as images are re-encoded anyway).

Accepted:

* Images: JPEG, PNG, WebP and GIF (first frame only). They are never stored as uploaded: each is
  decoded and re-encoded, upright (EXIF orientation applied), with every piece of metadata dropped
  (EXIF including GPS position, XMP, ICC, comments), scaled down to ``max_image_side``, and saved
  as JPEG, or as PNG when it has real transparency. This is what keeps a resident's home location
  out of a published photo and what neutralises polyglot files hidden in image containers.
* Documents, kept byte for byte: PDF, Word ``.docx``, Excel ``.xlsx`` and plain text (UTF-8 or
  GB18030, the encoding Chinese Windows editors and Excel CSV exports use).

Refused: executables and scripts, HTML/SVG/XML (a browser may run scripts in them), macro-enabled
and legacy binary Office files, archives, HEIC/HEIF/AVIF (Pillow here has no HEIF decoder), and
anything not recognised.

Everything happens in memory on the bytes given; the cost is one decode and one encode for an
image, one central-directory read for a DOCX/XLSX, one decode attempt for text. Nothing here
imports Django.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import Literal, NamedTuple

from PIL import Image, ImageOps

__all__ = [
    "CheckedFile",
    "RejectReason",
    "UploadLimits",
    "UploadRejected",
    "check_upload",
    "sniff_type",
]

RejectReason = Literal[
    "empty",
    "too_large",
    "unknown_type",
    "type_mismatch",
    "corrupt_image",
    "corrupt_document",
    "too_many_pixels",
    "unsupported_image",
]

# Families the bytes can be recognised as. Accepted ones map to the stored type and extension.
_ACCEPTED: dict[str, tuple[str, str]] = {
    "jpeg": ("image/jpeg", ".jpg"),
    "png": ("image/png", ".png"),
    "gif": ("image/gif", ".gif"),
    "webp": ("image/webp", ".webp"),
    "pdf": ("application/pdf", ".pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "text": ("text/plain", ".txt"),
}
_PIL_FORMATS = {"jpeg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP"}

_IMAGE_FAMILIES = frozenset(_PIL_FORMATS)
# Image names and image bytes may disagree among themselves (a PNG screenshot saved as .jpg, a
# phone's JPEG export still called .HEIC): common, and harmless since the bytes are re-encoded.
# Any other disagreement between name and content is refused.
_IMAGE_NAMES = _IMAGE_FAMILIES | {"heif"}

_LABELS: dict[str, tuple[str, str]] = {
    "jpeg": ("a JPEG image", "JPEG 图片"),
    "png": ("a PNG image", "PNG 图片"),
    "gif": ("a GIF image", "GIF 图片"),
    "webp": ("a WebP image", "WebP 图片"),
    "heif": ("a HEIC/HEIF/AVIF image", "HEIC/HEIF/AVIF 图片"),
    "pdf": ("a PDF document", "PDF 文档"),
    "docx": ("a Word document", "Word 文档"),
    "xlsx": ("an Excel workbook", "Excel 表格"),
    "text": ("plain text", "纯文本"),
    "executable": ("an executable program or script", "可执行程序或脚本"),
    "html": ("a web page (HTML)", "网页（HTML）"),
    "svg": ("an SVG image", "SVG 图片"),
    "xml": ("an XML file", "XML 文件"),
    "ole": ("an old-format Office document", "旧版 Office 文档"),
    "macro": ("an Office file with macros", "含宏的 Office 文件"),
    "office": ("an Office or OpenDocument file of another kind", "其他类型的办公文档"),
    "archive": ("an archive", "压缩包"),
}

# Why a recognised family is refused; families not listed get the generic message.
_REFUSALS: dict[str, tuple[str, str]] = {
    "executable": ("executable programs and scripts are not accepted", "不接受可执行程序或脚本"),
    "html": (
        "web pages, SVG and XML files are not accepted because they can carry scripts",
        "不接受网页、SVG 或 XML 文件（可能含有脚本）",
    ),
    "ole": (
        "old Office formats (.doc, .xls) are not accepted; save the file as .docx or .xlsx",
        "不接受旧版 Office 格式（.doc、.xls），请另存为 .docx 或 .xlsx 后上传",
    ),
    "macro": ("Office files with macros are not accepted", "不接受含宏的 Office 文件"),
    "archive": (
        "archives are not accepted; upload the files themselves",
        "不接受压缩包，请直接上传文件本身",
    ),
}
_REFUSALS["svg"] = _REFUSALS["xml"] = _REFUSALS["html"]
_UNKNOWN = (
    "the file type is not accepted (accepted: JPEG, PNG, WebP or GIF images; PDF, Word .docx, "
    "Excel .xlsx or plain-text documents)",
    "不支持的文件类型（可上传 JPG、PNG、WebP、GIF 图片，或 PDF、Word（.docx）、Excel（.xlsx）、"
    "TXT 文档）",
)

# The family an extension claims. Extensions not listed claim nothing and are not compared.
_EXTENSION_FAMILIES: dict[str, str] = {
    **dict.fromkeys((".jpg", ".jpeg", ".jpe", ".jfif"), "jpeg"),
    ".png": "png",
    ".gif": "gif",
    ".webp": "webp",
    **dict.fromkeys((".heic", ".heif", ".hif", ".avif"), "heif"),
    ".pdf": "pdf",
    ".docx": "docx",
    ".xlsx": "xlsx",
    **dict.fromkeys((".txt", ".text", ".log", ".csv", ".md"), "text"),
    **dict.fromkeys(
        (
            *(".exe", ".dll", ".com", ".scr", ".msi", ".bat", ".cmd", ".ps1", ".vbs", ".js"),
            *(".jse", ".wsf", ".hta", ".lnk", ".sh", ".bin", ".elf", ".so", ".apk", ".jar", ".dex"),
        ),
        "executable",
    ),
    **dict.fromkeys((".html", ".htm", ".xhtml", ".shtml", ".mht", ".mhtml"), "html"),
    **dict.fromkeys((".svg", ".svgz"), "svg"),
    ".xml": "xml",
    **dict.fromkeys((".doc", ".xls", ".ppt", ".wps", ".et"), "ole"),
    **dict.fromkeys((".docm", ".xlsm", ".pptm", ".dotm", ".xltm"), "macro"),
    **dict.fromkeys((".pptx", ".odt", ".ods", ".odp"), "office"),
    **dict.fromkeys((".zip", ".rar", ".7z", ".gz", ".tgz", ".bz2", ".xz", ".tar"), "archive"),
}

_EXECUTABLE_MAGIC = (
    b"\x7fELF",  # Linux, Android native
    b"MZ",  # Windows PE, DOS
    b"\xfe\xed\xfa\xce",  # Mach-O, both byte orders and widths
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal binary, Java class
    b"#!",  # Unix script
    b"dex\n",  # Android Dalvik
    b"\x00asm",  # WebAssembly
    b"L\x00\x00\x00\x01\x14\x02\x00",  # Windows shortcut
)
_ARCHIVE_MAGIC = (
    b"Rar!\x1a\x07",
    b"7z\xbc\xaf\x27\x1c",
    b"\x1f\x8b",  # gzip
    b"BZh",
    b"\xfd7zXZ\x00",
    b"PK\x05\x06",  # empty ZIP
    b"PK\x07\x08",  # spanned ZIP
)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# ISO-BMFF brands of HEIF stills (iPhone photos) and AVIF; video brands are simply unknown.
_HEIF_BRANDS = frozenset(
    (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis")
)

# Text starting with a tag, or carrying one of these anywhere, is markup that a browser could run.
_MARKUP_START = re.compile(r"\s*<[a-zA-Z!?/]")
_ACTIVE_TAG = re.compile(r"<\s*(script|svg|html|iframe|object|embed|body|meta)\b", re.IGNORECASE)
# C0 and C1 control characters other than tab, line feed, form feed and carriage return.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")

# [Content_Types].xml is a short list; anything bigger is not a real Office file.
_MAX_CONTENT_TYPES_BYTES = 1024 * 1024
_DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"

_MAX_NAME_LENGTH = 100


@dataclass(frozen=True)
class UploadLimits:
    """Size limits for one attachment; the defaults suit phone photos and office documents."""

    max_bytes: int = 10 * 1024 * 1024
    max_image_pixels: int = 40_000_000
    # Larger images are scaled down, keeping the aspect ratio, when re-encoded.
    max_image_side: int = 4096
    # Guards against ZIP bombs in DOCX/XLSX: sum of declared uncompressed sizes, and entry count.
    max_unpacked_bytes: int = 100 * 1024 * 1024
    max_archive_entries: int = 5000


@dataclass(frozen=True)
class CheckedFile:
    """An attachment that passed the checks, ready to store under a name of the caller's choice.

    ``content_type`` and ``extension`` describe ``data``: for an image that is the re-encoded
    JPEG or PNG, whatever format was uploaded. Text has its charset in ``content_type``.
    """

    kind: Literal["image", "document"]
    content_type: str
    extension: str
    data: bytes
    width: int | None
    height: int | None
    original_name: str


class UploadRejected(ValueError):
    """An attachment refused, with a short ``reason`` code and messages naming the file.

    ``str(error)`` is English for logs; ``message_zh`` is Simplified Chinese for the uploader.
    """

    def __init__(self, reason: RejectReason, filename: str, message: str, message_zh: str):
        self.reason: RejectReason = reason
        self.filename = filename
        self.message_zh = f"“{filename or '未命名文件'}”：{message_zh}"
        super().__init__(f"{filename or '(unnamed file)'}: {message}")


class _Refusal(Exception):
    """Raised inside the checks, which do not know the file name; becomes UploadRejected."""

    def __init__(self, reason: RejectReason, message: str, message_zh: str):
        super().__init__(message)
        self.reason: RejectReason = reason
        self.message = message
        self.message_zh = message_zh


class _Sniffed(NamedTuple):
    family: str | None
    charset: str | None = None


def check_upload(data: bytes, filename: str, limits: UploadLimits = UploadLimits()) -> CheckedFile:
    """Check one uploaded file by its content and return what may be stored.

    ``filename`` is only used for display and to catch a name that contradicts the content.
    Raises ``UploadRejected``.
    """
    name = _display_name(filename)
    try:
        return _check(data, name, limits)
    except _Refusal as refusal:
        raise UploadRejected(refusal.reason, name, refusal.message, refusal.message_zh) from None


def sniff_type(data: bytes) -> tuple[str, str] | None:
    """The accepted ``(content_type, extension)`` the bytes are, or None.

    None also covers recognised but refused types (executables, HTML, HEIC...) and damaged
    DOCX/XLSX. Images are reported as uploaded, not as ``check_upload`` would re-encode them.
    """
    try:
        sniffed = _sniff(data)
        family = sniffed.family
        if family == "zip":
            family = _inspect_zip(data, UploadLimits())
    except _Refusal:
        return None
    return _stored_type(family, sniffed.charset) if family in _ACCEPTED else None


def _check(data: bytes, name: str, limits: UploadLimits) -> CheckedFile:
    if not data:
        raise _Refusal("empty", "the file is empty", "文件为空")
    if len(data) > limits.max_bytes:
        raise _Refusal(
            "too_large",
            f"the file is too large ({_size(len(data))}; the limit is {_size(limits.max_bytes)})",
            f"文件过大（最大 {_size(limits.max_bytes)}）",
        )
    sniffed = _sniff(data)
    family = sniffed.family
    if family == "zip":
        family = _inspect_zip(data, limits)
    if family == "heif":
        raise _Refusal(
            "unsupported_image",
            "HEIC/HEIF/AVIF photos are not accepted; convert the photo to JPEG (on an iPhone: "
            "Settings > Camera > Formats > Most Compatible)",
            "暂不支持 HEIC/HEIF 格式的照片，请转换为 JPG 后上传（iPhone 可在“设置 > 相机 > 格式”"
            "中选择“兼容性最佳”）",
        )
    _check_name_agrees(name, family)
    if family is None or family not in _ACCEPTED:
        message, message_zh = _REFUSALS.get(family or "", _UNKNOWN)
        raise _Refusal("unknown_type", message, message_zh)
    if family in _IMAGE_FAMILIES:
        return _reencode_image(data, _PIL_FORMATS[family], name, limits)
    content_type, extension = _stored_type(family, sniffed.charset)
    return CheckedFile(
        kind="document",
        content_type=content_type,
        extension=extension,
        data=data,
        width=None,
        height=None,
        original_name=name or f"附件{extension}",
    )


def _stored_type(family: str | None, charset: str | None) -> tuple[str, str]:
    content_type, extension = _ACCEPTED[family or ""]
    if charset is not None:
        content_type = f"{content_type}; charset={charset}"
    return content_type, extension


def _check_name_agrees(name: str, family: str | None) -> None:
    """Refuse a name whose extension claims a different known type than the bytes are."""
    stem, dot, suffix = name.rpartition(".")
    extension = f".{suffix.lower()}" if dot and stem else ""
    claimed = _EXTENSION_FAMILIES.get(extension)
    if claimed is None or family is None or claimed == family:
        return
    if claimed in _IMAGE_NAMES and family in _IMAGE_FAMILIES:
        return
    label, label_zh = _LABELS[family]
    raise _Refusal(
        "type_mismatch",
        f"the name ends in {extension} but the content is {label}",
        f"文件扩展名与内容不符（扩展名为 {extension}，内容却是{label_zh}）",
    )


def _sniff(data: bytes) -> _Sniffed:
    """Recognise the bytes by their leading magic number, falling back to a text check.

    Returns the family ``"zip"`` for any ZIP; ``_inspect_zip`` tells DOCX and XLSX apart.
    """
    head = data[:64]
    if head.startswith(b"\xff\xd8\xff"):
        return _Sniffed("jpeg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _Sniffed("png")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return _Sniffed("gif")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _Sniffed("webp")
    if head[4:8] == b"ftyp":
        # Major brand at 8, minor version at 12, compatible brands from 16 to the box end.
        box_end = min(int.from_bytes(head[:4], "big"), len(head))
        brands = {head[i : i + 4] for i in range(8, box_end - 3, 4) if i != 12}
        return _Sniffed("heif" if brands & _HEIF_BRANDS else None)
    if head.startswith(b"%PDF-"):
        return _Sniffed(_check_pdf(data))
    if head.startswith(b"PK\x03\x04"):
        return _Sniffed("zip")
    if head.startswith(_OLE_MAGIC):
        return _Sniffed("ole")
    if head.startswith(_EXECUTABLE_MAGIC):
        return _Sniffed("executable")
    if head.startswith(_ARCHIVE_MAGIC):
        return _Sniffed("archive")
    return _sniff_text(data)


def _check_pdf(data: bytes) -> str:
    # Readers look for the trailer's %%EOF within the last kilobyte; without it the file was cut.
    if re.match(rb"%PDF-[12]\.[0-9]", data) is None or b"%%EOF" not in data[-1024:]:
        raise _Refusal(
            "corrupt_document",
            "the PDF is damaged or incomplete",
            "PDF 文件已损坏或不完整",
        )
    return "pdf"


def _sniff_text(data: bytes) -> _Sniffed:
    """Plain text in UTF-8 (with or without BOM) or GB18030; markup is told apart and refused."""
    if b"\x00" in data:
        return _Sniffed(None)
    for encoding, charset in (("utf-8-sig", "utf-8"), ("gb18030", "gb18030")):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _CONTROL_CHARS.search(text):
            return _Sniffed(None)
        if _MARKUP_START.match(text) or _ACTIVE_TAG.search(text):
            return _Sniffed(_markup_family(text))
        return _Sniffed("text", charset)
    return _Sniffed(None)


def _markup_family(text: str) -> str:
    lowered = text.lower()
    if "<svg" in lowered:
        return "svg"
    if lowered.lstrip().startswith("<?xml") and "<html" not in lowered:
        return "xml"
    return "html"


def _inspect_zip(data: bytes, limits: UploadLimits) -> str:
    """Tell a DOCX or XLSX from other ZIPs by its parts, refusing ZIP bombs.

    Reads only the central directory and ``[Content_Types].xml``; nothing else is unpacked, so
    the declared sizes are what a later reader would be made to unpack.
    """
    damaged = _Refusal("corrupt_document", "the file is damaged", "文件已损坏")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            unpacked = sum(entry.file_size for entry in entries)
            if len(entries) >= limits.max_archive_entries or unpacked >= limits.max_unpacked_bytes:
                raise _Refusal(
                    "too_large",
                    f"the file unpacks to too much data ({len(entries)} parts, {_size(unpacked)})",
                    "文件解压后内容过大",
                )
            names = {entry.filename for entry in entries}
            if "[Content_Types].xml" not in names:
                return "office" if {"mimetype", "content.xml"} <= names else "archive"
            types_entry = archive.getinfo("[Content_Types].xml")
            if types_entry.file_size > _MAX_CONTENT_TYPES_BYTES:
                raise damaged
            content_types = archive.read(types_entry)
    except _Refusal:
        raise
    except Exception as exc:
        # BadZipFile mostly; also OSError, EOFError, NotImplementedError (unsupported compression)
        # and RuntimeError (an encrypted part) for ZIPs that Office would never write.
        raise damaged from exc
    if b"macroenabled" in content_types.lower() or any(
        name.lower().endswith("vbaproject.bin") for name in names
    ):
        return "macro"
    if _DOCX_MAIN in content_types and any(name.startswith("word/") for name in names):
        return "docx"
    if _XLSX_MAIN in content_types and any(name.startswith("xl/") for name in names):
        return "xlsx"
    return "office"


def _reencode_image(data: bytes, pil_format: str, name: str, limits: UploadLimits) -> CheckedFile:
    """Decode the first frame, turn it upright, scale it down and save it without metadata."""
    image = _open_image(data, pil_format, limits)
    try:
        image.load()
    except Exception as exc:  # Pillow raises many types on damaged data, OSError the most.
        raise _decode_refusal(exc, limits) from exc
    image = _upright(image)
    image = _to_rgb_or_rgba(image)
    if max(image.size) > limits.max_image_side:
        side = limits.max_image_side
        image.thumbnail((side, side), Image.Resampling.LANCZOS)
    # Saving writes some of image.info (ICC profile, comment, transparency); drop all of it.
    image.info = {}
    out = io.BytesIO()
    if image.mode == "RGBA":
        image.save(out, format="PNG")
        content_type, extension = "image/png", ".png"
    else:
        image.save(out, format="JPEG", quality=85, optimize=True)
        content_type, extension = "image/jpeg", ".jpg"
    return CheckedFile(
        kind="image",
        content_type=content_type,
        extension=extension,
        data=out.getvalue(),
        width=image.width,
        height=image.height,
        original_name=name or f"附件{extension}",
    )


def _open_image(data: bytes, pil_format: str, limits: UploadLimits) -> Image.Image:
    """Open (header only), check the pixel count, verify, and reopen ready to decode.

    Pillow's own decompression-bomb check in ``Image.open`` (global ``Image.MAX_IMAGE_PIXELS``)
    stays in force; ``limits.max_image_pixels`` is checked here without touching that global.
    """
    try:
        image = Image.open(io.BytesIO(data), formats=[pil_format])
    except Exception as exc:
        raise _decode_refusal(exc, limits) from exc
    width, height = image.size
    if width < 1 or height < 1:
        raise _corrupt_image()
    if width * height > limits.max_image_pixels:
        raise _too_many_pixels(width * height, limits)
    try:
        # verify() checks what it can without decoding (PNG chunk CRCs) and spends the image.
        image.verify()
        image = Image.open(io.BytesIO(data), formats=[pil_format])
    except Exception as exc:
        raise _decode_refusal(exc, limits) from exc
    if pil_format == "JPEG" and max(width, height) > limits.max_image_side:
        # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when that still covers the target size.
        scale = limits.max_image_side / max(width, height)
        image.draft(None, (max(1, int(width * scale)), max(1, int(height * scale))))
    return image


def _upright(image: Image.Image) -> Image.Image:
    """The image turned as its EXIF orientation says; camera sensors store it sideways."""
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # A broken EXIF block should not lose a real photo; keep it as stored.
        return image


def _to_rgb_or_rgba(image: Image.Image) -> Image.Image:
    """RGBA if any pixel is at all transparent, otherwise RGB (ICC profiles are not applied)."""
    if image.mode.startswith("I"):
        # 16-bit greyscale PNG: scale to 8 bits, as a plain convert would clip it to white.
        image = image.point(lambda value: value / 256).convert("L")
    if image.has_transparency_data:
        rgba = image.convert("RGBA")
        alpha_min, _ = rgba.getchannel("A").getextrema()
        if alpha_min != 255:
            return rgba
        return rgba.convert("RGB")
    return image.convert("RGB")


def _decode_refusal(exc: Exception, limits: UploadLimits) -> _Refusal:
    """The refusal for an exception Pillow raised; on damaged data it raises many types."""
    if isinstance(exc, Image.DecompressionBombError | Image.DecompressionBombWarning):
        return _too_many_pixels(None, limits)
    return _corrupt_image()


def _corrupt_image() -> _Refusal:
    return _Refusal(
        "corrupt_image", "the image is damaged or incomplete", "图片已损坏或不完整，无法打开"
    )


def _too_many_pixels(pixels: int | None, limits: UploadLimits) -> _Refusal:
    size = f" ({pixels / 1_000_000:.0f} megapixels)" if pixels is not None else ""
    limit = limits.max_image_pixels
    return _Refusal(
        "too_many_pixels",
        f"the image is too large{size}; the limit is {limit / 1_000_000:g} megapixels",
        f"图片像素过多（最多 {limit / 10_000:g} 万像素）",
    )


def _display_name(filename: str) -> str:
    """The name to show: last path component, no control or format characters, <= 100 chars.

    Format characters include the right-to-left override used to make "gpj.exe" read as a
    ".jpg" name. Leading dots go so the name can never be a hidden file or "..".
    """
    name = unicodedata.normalize("NFC", filename).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        char for char in name if unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Zl", "Zp")
    )
    name = name.strip().lstrip(".").rstrip(". ")
    if len(name) > _MAX_NAME_LENGTH:
        _, dot, suffix = name.rpartition(".")
        keep = f"{dot}{suffix}" if dot and len(suffix) <= 10 else ""
        name = name[: _MAX_NAME_LENGTH - len(keep)].rstrip(". ") + keep
    return name


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
