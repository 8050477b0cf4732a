"""Forms of the resident pages: a report, a tracking-code lookup, a rating, "not resolved".

Everything the resident can get wrong is checked here, beside the field it belongs to, before
anything is written: the category, the text, the place (the point must fall in a grid of the
district), the contact details and every photo (checked by content with ``check_upload``).
``cases.intake.submit`` checks again; what it still refuses is shown at the top of the form.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fengqiao.cases.choices import Rating
from fengqiao.cases.intake import PHONE, TRACKING_ALPHABET
from fengqiao.cases.models import Category
from fengqiao.lib.uploads import UploadLimits, UploadRejected, check_upload
from fengqiao.regions.locator import locate
from fengqiao.regions.models import Level, Region

MAX_DESCRIPTION = 2000
MAX_PHOTOS = 3
PHOTO_LIMITS = UploadLimits()  # 10 MB a file
MAX_PHOTO_BYTES = MAX_PHOTOS * PHOTO_LIMITS.max_bytes
TITLE_FROM_DESCRIPTION = 20
CODE_LENGTH = 12
_CODE = re.compile(f"[{TRACKING_ALPHABET}]{{{CODE_LENGTH}}}")
# Spaces and every kind of dash a phone keyboard or a copied SMS may put into a code.
_CODE_NOISE = re.compile(r"[\s\-‐‑‒–—―－・·.]+")


def normalise_code(raw: str) -> str:
    """A tracking code as typed or pasted → canonical form: NFKC (full-width letters from a
    Chinese keyboard become ASCII), upper case, without spaces and dashes."""
    text = unicodedata.normalize("NFKC", raw or "")
    return _CODE_NOISE.sub("", text).upper()[:32]


def is_code(code: str) -> bool:
    return _CODE.fullmatch(code) is not None


@dataclass(frozen=True)
class Photo:
    """An uploaded photo that passed ``check_upload``; the raw bytes go to ``add_attachment``."""

    name: str
    data: bytes


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to ``MAX_PHOTOS`` files, each checked by content; cleans to a list of ``Photo``."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Photo]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(
                _("最多上传 %(n)d 张照片。") % {"n": MAX_PHOTOS}, code="too_many"
            )
        if sum(f.size or 0 for f in files) > MAX_PHOTO_BYTES:
            raise forms.ValidationError(
                _("照片合计不能超过 %(mb)d MB。") % {"mb": MAX_PHOTO_BYTES // 2**20},
                code="too_large",
            )
        return [self._check(f) for f in files]

    def _check(self, upload: UploadedFile) -> Photo:
        name = upload.name or ""
        if (upload.size or 0) > PHOTO_LIMITS.max_bytes:
            # Refused by its declared size, before reading it into memory.
            raise forms.ValidationError(
                _("“%(name)s”：文件过大（最大 %(mb)d MB）。")
                % {"name": name, "mb": PHOTO_LIMITS.max_bytes // 2**20},
                code="too_large",
            )
        data = upload.read()
        try:
            checked = check_upload(data, name, PHOTO_LIMITS)
        except UploadRejected as exc:
            raise forms.ValidationError(exc.message_zh, code=exc.reason) from exc
        if checked.kind != "image":
            raise forms.ValidationError(
                _("“%(name)s”不是照片：请上传 JPG、PNG、WebP 或 GIF 图片。") % {"name": name},
                code="not_image",
            )
        return Photo(name=name, data=data)


class CommunityChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        parent = obj.parent.name if obj.parent_id and obj.parent else ""
        return f"{obj.name}（{parent}）" if parent else str(obj.name)


def report_categories() -> QuerySet[Category]:
    """The 小类 a resident may choose: active, under an active 大类, in the admin's order."""
    return (
        Category.objects.filter(is_active=True, parent__isnull=False, parent__is_active=True)
        .select_related("parent")
        .order_by("parent__sort_order", "parent__code", "sort_order", "code")
    )


class PortalForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")  # Chinese labels take no trailing colon
        super().__init__(*args, **kwargs)


class ReportForm(PortalForm):
    """A resident's report (我要反映)."""

    category = forms.ChoiceField(
        label=_("反映的问题属于哪一类"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择问题类别。"),
            "invalid_choice": _("请从列表中选择问题类别。"),
        },
    )
    title = forms.CharField(
        label=_("标题（可不填）"),
        required=False,
        max_length=100,
        help_text=_("不填时取描述的前 20 个字。"),
    )
    description = forms.CharField(
        label=_("问题描述"),
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("请说明发生了什么、在哪里、涉及哪些人，最多 2000 字。"),
        error_messages={"required": _("请描述您要反映的问题。")},
    )
    photos = PhotosField(
        label=_("照片（可不传，最多 3 张）"),
        required=False,
        help_text=_("每张不超过 10 MB。照片中的拍摄位置等信息会被自动去除。"),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    community = CommunityChoiceField(
        label=_("所在社区"),
        required=False,
        queryset=Region.objects.none(),
        empty_label=_("— 请选择社区 —"),
        # Its errors are shown with the other place errors, beside the location fieldset.
        widget=forms.Select(attrs={"aria-describedby": "location-help location-error"}),
        error_messages={"invalid_choice": _("请从列表中选择社区。")},
    )
    address = forms.CharField(
        label=_("详细地址"),
        required=False,
        max_length=200,
        help_text=_("例如：某小区 3 栋 2 单元门口。"),
    )
    anonymous = forms.BooleanField(
        label=_("匿名反映"),
        required=False,
        widget=forms.CheckboxInput(attrs={"aria-describedby": "anonymous-help"}),
    )
    contact_name = forms.CharField(
        label=_("联系人（可不填）"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 50, "autocomplete": "name"}),
    )
    contact_phone = forms.CharField(
        label=_("联系电话（可不填）"),
        required=False,
        help_text=_("留下电话，办理结果会以短信告诉您。"),
        widget=forms.TextInput(attrs={"type": "tel", "maxlength": 20, "autocomplete": "tel"}),
    )
    # Honeypot: a plausible field that people never see (hidden by CSS, aria-hidden, out of the
    # tab order); bots that fill every field fill it too.
    website = forms.CharField(
        label=_("个人网站"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    submission_key = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.categories = list(report_categories())
        category = self.fields["category"]
        assert isinstance(category, forms.ChoiceField)
        category.choices = [(c.code, c.name) for c in self.categories]
        community = self.fields["community"]
        assert isinstance(community, forms.ModelChoiceField)
        community.queryset = (
            Region.objects.filter(level=Level.COMMUNITY).select_related("parent").order_by("path")
        )
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4().hex)

    def category_groups(self) -> list[tuple[Category, list[Category]]]:
        """The 小类 grouped under their 大类, for the picker."""
        groups: dict[int, tuple[Category, list[Category]]] = {}
        for c in self.categories:
            assert c.parent is not None
            groups.setdefault(c.parent.pk, (c.parent, []))[1].append(c)
        return list(groups.values())

    def chosen_category(self) -> Category:
        code = self.cleaned_data["category"]
        return next(c for c in self.categories if c.code == code)

    def location_errors(self) -> list[str]:
        """Errors about the place, shown together beside the location fieldset."""
        return [str(e) for name in ("lon", "lat", "community") for e in self.errors.get(name, [])]

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor, message) of every field error, for the list at the top of the page."""
        anchors = {"lon": "location-error", "lat": "location-error", "community": "location-error"}
        summary = []
        for name, errors in self.errors.items():
            if name == "__all__":
                continue
            anchor = anchors.get(name, f"id_{name}")
            if name == "category":
                anchor = "id_category_error"
            summary += [(anchor, str(message)) for message in errors]
        return summary

    def clean_submission_key(self) -> str:
        # The page's own hidden field; anything else than a UUID is ignored rather than shown,
        # as the resident cannot fix it (the report just loses double-submit protection).
        value = self.cleaned_data.get("submission_key") or ""
        try:
            return uuid.UUID(value).hex
        except ValueError:
            return ""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        self._clean_place(data)
        self._clean_contact(data)
        description = data.get("description") or ""
        if not (data.get("title") or "").strip() and description:
            # Cut at the first sentence end within the limit, and never end on a comma.
            text = " ".join(description.split())[:TITLE_FROM_DESCRIPTION]
            for stop in "。！？；":
                if stop in text[4:]:
                    text = text[: text.index(stop, 4)]
            data["title"] = text.rstrip("，、,;；。.！!？? ") or text
        return data

    def _clean_place(self, data: dict[str, Any]) -> None:
        if self.has_error("lon") or self.has_error("lat") or self.has_error("community"):
            return
        lon, lat = data.get("lon"), data.get("lat")
        if lon is not None and lat is not None:
            if locate(lon, lat).grid is None:
                self.add_error(
                    "lon",
                    _("该位置不在本辖区内，请重新在地图上选点，或在下面选择所在社区。"),
                )
            return
        data["lon"] = data["lat"] = None
        if data.get("community") is None:
            self.add_error(
                "community",
                _("请告诉我们问题发生在哪里：使用当前位置、在地图上选点，或选择所在社区。"),
            )

    def _clean_contact(self, data: dict[str, Any]) -> None:
        if data.get("anonymous"):
            # Anonymous: whatever was typed into the contact fields is dropped, unchecked.
            data["contact_name"] = data["contact_phone"] = ""
            return
        name = (data.get("contact_name") or "").strip()
        phone = (data.get("contact_phone") or "").strip()
        if len(name) > 50:
            self.add_error("contact_name", _("联系人不能超过 50 个字。"))
        if phone and (len(phone) > 20 or not PHONE.match(phone)):
            self.add_error("contact_phone", _("电话号码格式不正确，请填写手机或座机号码。"))
        data["contact_name"], data["contact_phone"] = name, phone


class TrackForm(PortalForm):
    # No max_length: any input, however malformed, gets the same "wrong code" answer.
    code = forms.CharField(
        label=_("查询码"),
        help_text=_("提交反映后得到的 12 位查询码，不区分大小写。"),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "maxlength": 40,
            }
        ),
        error_messages={"required": _("请输入查询码。")},
    )

    def clean_code(self) -> str:
        return normalise_code(self.cleaned_data["code"][:64])


class RateForm(PortalForm):
    rating = forms.ChoiceField(
        label=_("您对办理结果满意吗"),
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择满意程度。"), "invalid_choice": _("请选择满意程度。")},
    )
    comment = forms.CharField(
        label=_("意见或建议（可不填）"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReopenForm(PortalForm):
    reason = forms.CharField(
        label=_("哪些问题还没有解决"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请说明还有哪些问题没有解决。")},
    )
