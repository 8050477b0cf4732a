"""Forms of the grid worker pages: they parse and check input; the rules live in ``actions``.

Each form shows an error beside its field, including errors the action raises (``FieldError``
names the field). A hidden ``submission_key`` (a fresh uuid4 per page) makes a double submit
record one report, visit or patrol.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fengqiao.cases.errors import CaseError
from fengqiao.cases.models import Category
from fengqiao.fieldwork.actions import MAX_PHOTOS
from fengqiao.fieldwork.models import PlaceKind, VolunteerActivityKind
from fengqiao.hazards.models import Place
from fengqiao.lib.uploads import UploadLimits, UploadRejected, check_upload
from fengqiao.regions.models import Region

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def category_choices() -> list[tuple[str, Any]]:
    """Active sub-categories grouped under their 大类, for a ``<select>`` with optgroups."""
    leaves = (
        Category.objects.filter(is_active=True, parent__isnull=False, parent__is_active=True)
        .select_related("parent")
        .order_by("parent__sort_order", "parent__code", "sort_order", "code")
    )
    groups: dict[str, list[tuple[str, str]]] = {}
    for leaf in leaves:
        assert leaf.parent is not None
        groups.setdefault(leaf.parent.name, []).append((leaf.code, leaf.name))
    return [("", _("请选择")), *groups.items()]


class LocalDateTimeField(forms.DateTimeField):
    """A phone's native date-time picker (``datetime-local``), read in the site's time zone."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        )
        kwargs.setdefault("input_formats", [DATETIME_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"])
        super().__init__(**kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to ``MAX_PHOTOS`` images, each checked by its content; cleaned to (bytes, name)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[tuple[bytes, str]]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("最多上传 %(n)d 张照片。") % {"n": MAX_PHOTOS})
        return [self._photo(super(PhotosField, self).clean(f, initial)) for f in files]

    @staticmethod
    def _photo(upload: UploadedFile) -> tuple[bytes, str]:
        name = upload.name or ""
        if (upload.size or 0) > UploadLimits.max_bytes:
            raise ValidationError(_("“%(name)s”：文件过大（最大 10 MB）。") % {"name": name})
        data = upload.read()
        try:
            checked = check_upload(data, name)
        except UploadRejected as exc:
            raise ValidationError(exc.message_zh) from exc
        if checked.kind != "image":
            raise ValidationError(_("“%(name)s”不是照片，请上传图片。") % {"name": name})
        return data, name


class FieldworkForm(forms.Form):
    """Common parts: the worker's grid (a choice only when they have several) and the key."""

    submission_key = forms.CharField(
        widget=forms.HiddenInput,
        required=False,
        max_length=64,
        validators=[RegexValidator(r"^[A-Za-z0-9-]*$")],
    )

    def __init__(self, *args: Any, grids: Sequence[Region], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")  # no "名称:" colon in a Chinese form
        super().__init__(*args, **kwargs)
        self.grids = {str(g.pk): g for g in grids}
        if not self.is_bound and not self.initial.get("submission_key"):
            self.initial["submission_key"] = uuid.uuid4().hex
        if len(self.grids) > 1:
            self.fields["grid"] = forms.ChoiceField(
                label=_("网格"),
                choices=[("", _("请选择")), *((k, g.name) for k, g in self.grids.items())],
                error_messages={"required": _("请选择网格。")},
            )
            self.order_fields(["grid"])

    def chosen_grid(self) -> Region | None:
        """The chosen grid (None while unknown: the action picks the only one or asks)."""
        return self.grids.get(self.cleaned_data.get("grid") or "")

    def add_action_error(self, exc: CaseError) -> None:
        """Show an error from an action beside the field it names, else above the form."""
        field = getattr(exc, "field", None)
        self.add_error(field if field in self.fields else None, exc.message)


class LocationMixin(forms.Form):
    """A point from the phone's GPS or a pin on the map, in two hidden inputs (WGS-84)."""

    lon = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-180, max_value=180)
    lat = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-90, max_value=90)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (cleaned.get("lon") is None) != (cleaned.get("lat") is None) and not self.errors:
            self.add_error("lon", _("位置不完整，请重新定位或选点。"))
        return cleaned


class ReportForm(LocationMixin, FieldworkForm):
    """现场上报."""

    category = forms.ChoiceField(label=_("事件类别"))
    description = forms.CharField(
        label=_("事件描述"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("写清楚发生了什么、涉及哪些人、现在的情况。"),
        error_messages={"required": _("请填写事件描述。")},
    )
    title = forms.CharField(
        label=_("标题（可不填）"),
        max_length=100,
        required=False,
        help_text=_("不填则按类别和描述自动生成。"),
    )
    occurred_at = LocalDateTimeField(
        label=_("发生时间"), required=False, help_text=_("不填为现在。")
    )
    address = forms.CharField(
        label=_("地址或位置说明"),
        max_length=200,
        required=False,
        help_text=_("如：3栋2单元门口、菜市场东侧。"),
    )
    photos = PhotosField(
        label=_("现场照片（最多 3 张）"),
        required=False,
        help_text=_("拍照时的定位信息会被去除。"),
    )
    handled_on_spot = forms.BooleanField(label=_("已现场处置（即时处置）"), required=False)
    outcome = forms.CharField(
        label=_("处置结果"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("已现场处置时必填：做了什么、结果如何。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()  # type: ignore[attr-defined]
        self.fields["category"].error_messages["required"] = _("请选择事件类别。")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("handled_on_spot") and not (cleaned.get("outcome") or "").strip():
            self.add_error("outcome", _("已现场处置的，请填写处置结果。"))
        return cleaned

    def action_kwargs(self) -> dict[str, Any]:
        c = self.cleaned_data
        return {
            "category": c["category"],
            "title": c["title"],
            "description": c["description"],
            "occurred_at": c["occurred_at"],
            "grid": self.chosen_grid(),
            "lon": c["lon"],
            "lat": c["lat"],
            "address": c["address"],
            "photos": c["photos"],
            "handled_on_spot": c["handled_on_spot"],
            "outcome": c["outcome"] if c["handled_on_spot"] else "",
            "submission_key": c["submission_key"],
        }


class VisitForm(LocationMixin, FieldworkForm):
    """走访登记, with an optional issue found on the visit that becomes a case."""

    visited_at = LocalDateTimeField(label=_("走访时间"))
    place = forms.ModelChoiceField(
        label=_("重点场所（可不选）"),
        queryset=Place.objects.none(),
        required=False,
        help_text=_("走访登记在册的重点场所时请选择，计入走访覆盖率。"),
    )
    place_kind = forms.ChoiceField(
        label=_("走访对象"),
        choices=PlaceKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择走访对象。")},
    )
    address = forms.CharField(
        label=_("走访地址"),
        max_length=200,
        help_text=_("门牌号、单位或项目名称。"),
        error_messages={"required": _("请填写走访地址。")},
    )
    people_met = forms.CharField(
        label=_("走访人员（可不填）"),
        max_length=200,
        required=False,
        help_text=_("只记工作需要的信息，如“户主及其家人”。"),
    )
    purpose = forms.CharField(
        label=_("走访事由"),
        max_length=200,
        help_text=_("如：入户走访、矛盾排查、安全检查、政策宣传。"),
        error_messages={"required": _("请填写走访事由。")},
    )
    findings = forms.CharField(
        label=_("走访情况"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    report_issue = forms.BooleanField(label=_("发现问题需上报"), required=False)
    issue_category = forms.ChoiceField(label=_("问题类别"), required=False)
    issue_title = forms.CharField(label=_("问题标题（可不填）"), max_length=100, required=False)
    issue_description = forms.CharField(
        label=_("问题描述"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issue_category"].choices = category_choices()  # type: ignore[attr-defined]
        self.fields["place"].queryset = Place.objects.filter(  # type: ignore[attr-defined]
            grid__in=list(self.grids.values()), closed=False
        ).order_by("name")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("report_issue"):
            if not cleaned.get("issue_category"):
                self.add_error("issue_category", _("请选择问题类别。"))
            if not (cleaned.get("issue_description") or "").strip():
                self.add_error("issue_description", _("请填写问题描述。"))
        return cleaned

    def action_kwargs(self) -> dict[str, Any]:
        c = self.cleaned_data
        issue = None
        if c["report_issue"]:
            issue = {
                "category": c["issue_category"],
                "title": c["issue_title"],
                "description": c["issue_description"],
            }
        return {
            "grid": self.chosen_grid(),
            "visited_at": c["visited_at"],
            "place_kind": c["place_kind"],
            "address": c["address"],
            "people_met": c["people_met"],
            "purpose": c["purpose"],
            "findings": c["findings"],
            "lon": c["lon"],
            "lat": c["lat"],
            "report_issue": issue,
            "submission_key": c["submission_key"],
            "place": c["place"],
        }


class PatrolForm(FieldworkForm):
    """巡逻登记."""

    started_at = LocalDateTimeField(label=_("开始时间"))
    ended_at = LocalDateTimeField(label=_("结束时间"))
    route_note = forms.CharField(
        label=_("巡逻区域或路线"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如：幸福路—解放街—菜市场—3号小区。"),
        error_messages={"required": _("请填写巡逻区域或路线。")},
    )
    findings = forms.CharField(
        label=_("巡逻情况"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("发现问题请另行“现场上报”。"),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        started, ended = cleaned.get("started_at"), cleaned.get("ended_at")
        if started and ended and ended < started:
            self.add_error("ended_at", _("结束时间不能早于开始时间。"))
        return cleaned

    def action_kwargs(self) -> dict[str, Any]:
        c = self.cleaned_data
        return {
            "grid": self.chosen_grid(),
            "started_at": c["started_at"],
            "ended_at": c["ended_at"],
            "route_note": c["route_note"],
            "findings": c["findings"],
            "submission_key": c["submission_key"],
        }


def now_local() -> str:
    """The current minute for a ``datetime-local`` input's initial value."""
    return timezone.localtime().strftime(DATETIME_FORMAT)


class VolunteerForm(FieldworkForm):
    """登记平安志愿者."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    skills = forms.CharField(
        label=_("特长（可不填）"),
        max_length=200,
        required=False,
        help_text=_("如：调解、法律咨询。"),
    )
    joined_on = forms.DateField(label=_("加入日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def action_kwargs(self) -> dict[str, Any]:
        c = self.cleaned_data
        grid = self.chosen_grid() or next(iter(self.grids.values()))
        return {
            "grid": grid,
            "name": c["name"],
            "phone": c["phone"],
            "skills": c["skills"],
            "joined_on": c["joined_on"],
        }


class VolunteerActivityForm(FieldworkForm):
    """志愿服务记录."""

    volunteer = forms.ChoiceField(label=_("志愿者"))
    kind = forms.ChoiceField(label=_("活动类型"), choices=VolunteerActivityKind.choices)
    started_at = LocalDateTimeField(label=_("开始时间"))
    hours = forms.DecimalField(
        label=_("时长（小时）"), min_value=Decimal("0.5"), max_value=24, decimal_places=1
    )
    note = forms.CharField(label=_("活动内容"), max_length=500)

    def __init__(self, *args: Any, volunteers: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].choices = [  # type: ignore[attr-defined]
            ("", _("请选择")),
            *((str(pk), label) for pk, label in volunteers),
        ]
