"""Forms of the prevention pages: they parse input; the rules live in ``actions``,
``inspections`` and ``projects``, whose ``FieldError`` is shown beside the field it names."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fengqiao.accounts.models import Unit
from fengqiao.cases.errors import CaseError
from fengqiao.fieldwork.forms import LocalDateTimeField, PhotosField, category_choices
from fengqiao.hazards.choices import (
    Answer,
    Evaluation,
    HazardLevel,
    HazardType,
    PeriodUnit,
    PlaceType,
)
from fengqiao.hazards.models import HazardPhoto, Place
from fengqiao.regions.models import Region

DATE = forms.DateInput(attrs={"type": "date"})


class Form(forms.Form):
    """No "名称:" colon in a Chinese form; an action's error goes beside its field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def add_action_error(self, exc: CaseError) -> None:
        field = getattr(exc, "field", None)
        if field and field.startswith("finding_1_"):
            field = "finding_" + field.removeprefix("finding_1_")
        self.add_error(field if field in self.fields else None, exc.message)


class KeyedForm(Form):
    """A hidden ``submission_key`` (fresh per page) makes a double submit write once."""

    submission_key = forms.CharField(
        widget=forms.HiddenInput,
        required=False,
        max_length=64,
        validators=[RegexValidator(r"^[A-Za-z0-9-]*$")],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("submission_key"):
            self.initial["submission_key"] = uuid.uuid4().hex


def _point_fields(required: bool) -> tuple[forms.FloatField, forms.FloatField]:
    attrs = {"step": "any", "inputmode": "decimal"}
    return (
        forms.FloatField(
            label=_("经度"),
            required=required,
            min_value=-180,
            max_value=180,
            widget=forms.NumberInput(attrs=attrs),
        ),
        forms.FloatField(
            label=_("纬度"),
            required=required,
            min_value=-90,
            max_value=90,
            widget=forms.NumberInput(attrs=attrs),
        ),
    )


class PlaceForm(Form):
    place_type = forms.ChoiceField(label=_("场所类型"), choices=PlaceType.choices)
    name = forms.CharField(label=_("名称"), max_length=100)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    lon, lat = _point_fields(required=True)
    responsible_unit = forms.ModelChoiceField(
        label=_("监管单位"), queryset=Unit.objects.filter(is_active=True), required=False
    )
    contact_name = forms.CharField(label=_("负责人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("负责人电话"), max_length=20, required=False)
    owner = forms.CharField(label=_("业主单位（建设项目必填）"), max_length=100, required=False)
    owner_contact = forms.CharField(label=_("业主联系人"), max_length=50, required=False)
    owner_phone = forms.CharField(label=_("业主联系电话"), max_length=20, required=False)
    contractor = forms.CharField(label=_("施工单位"), max_length=100, required=False)


class HazardForm(KeyedForm):
    hazard_type = forms.ChoiceField(label=_("隐患类型"), choices=HazardType.choices)
    level = forms.ChoiceField(label=_("隐患等级"), choices=HazardLevel.choices)
    title = forms.CharField(label=_("隐患名称"), max_length=100)
    description = forms.CharField(
        label=_("隐患描述"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    place = forms.ModelChoiceField(
        label=_("场所（可不选）"), queryset=Place.objects.none(), required=False
    )
    lon, lat = _point_fields(required=False)
    address = forms.CharField(label=_("地点说明"), max_length=200, required=False)
    found_at = LocalDateTimeField(label=_("发现时间"), required=False, help_text=_("不填为现在。"))
    responsible_unit = forms.ModelChoiceField(
        label=_("责任单位"), queryset=Unit.objects.filter(is_active=True)
    )
    responsible_person = forms.CharField(label=_("责任人"), max_length=50, required=False)
    responsible_phone = forms.CharField(label=_("责任人电话"), max_length=20, required=False)
    measures = forms.CharField(
        label=_("整改措施"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    deadline_days = forms.IntegerField(
        label=_("整改期限（工作日）"), required=False, min_value=1, max_value=365
    )
    deadline = forms.DateField(
        label=_("或截止日期"), required=False, widget=DATE, help_text=_("两者填一项。")
    )
    photos = PhotosField(label=_("隐患照片（最多 3 张）"), required=False)

    def __init__(self, *args: Any, places: QuerySet[Place], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places.filter(closed=False)  # type: ignore[attr-defined]

    def action_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class NoteForm(Form):
    note = forms.CharField(
        label=_("说明"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RectifiedForm(Form):
    note = forms.CharField(
        label=_("整改情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    photos = PhotosField(label=_("整改照片（最多 3 张）"), required=False)


class VerifyForm(Form):
    passed = forms.TypedChoiceField(
        label=_("核查结论"),
        choices=[("1", _("整改到位，核查通过")), ("0", _("整改不到位，退回整改"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("核查意见"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EscalateForm(Form):
    to_unit = forms.ModelChoiceField(
        label=_("上报至"), queryset=Unit.objects.filter(is_active=True)
    )
    note = forms.CharField(
        label=_("上报理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RaiseCaseForm(Form):
    category = forms.ChoiceField(label=_("事件类别"))
    note = forms.CharField(label=_("转办说明"), max_length=1000, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()  # type: ignore[attr-defined]


class PhotoForm(Form):
    stage = forms.ChoiceField(label=_("阶段"), choices=HazardPhoto.Stage.choices)
    photos = PhotosField(label=_("照片（最多 3 张）"))


class PlanForm(Form):
    name = forms.CharField(label=_("计划名称"), max_length=100)
    unit = forms.ModelChoiceField(label=_("组织单位"), queryset=Unit.objects.none())
    region = forms.ModelChoiceField(label=_("范围"), queryset=Region.objects.none(), required=False)
    place_type = forms.ChoiceField(
        label=_("场所类型"),
        choices=[("", _("不限（按网格排查）")), *PlaceType.choices],
        required=False,
    )
    place = forms.ModelChoiceField(
        label=_("或指定场所"), queryset=Place.objects.none(), required=False
    )
    every = forms.IntegerField(label=_("每隔"), min_value=1, max_value=366, initial=1)
    period_unit = forms.ChoiceField(label=_("周期单位"), choices=PeriodUnit.choices)
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE)
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE, required=False)
    complete_within = forms.IntegerField(
        label=_("完成时限（工作日）"), min_value=0, max_value=60, initial=5
    )
    checklist = forms.CharField(
        label=_("检查项（每行一项）"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )

    def __init__(
        self,
        *args: Any,
        units: QuerySet[Unit],
        regions: QuerySet[Region],
        places: QuerySet[Place],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]
        self.fields["place"].queryset = places.filter(closed=False)  # type: ignore[attr-defined]

    def action_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["checklist"] = data["checklist"].splitlines()
        return data


class InspectionForm(KeyedForm):
    """排查: one required answer per checklist item, and optionally one finding (a hazard)."""

    inspected_at = LocalDateTimeField(label=_("排查时间"))
    notes = forms.CharField(
        label=_("排查情况"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    lon = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-180, max_value=180)
    lat = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-90, max_value=90)
    has_finding = forms.BooleanField(label=_("发现隐患，登记入台账"), required=False)
    finding_hazard_type = forms.ChoiceField(
        label=_("隐患类型"), choices=[("", _("请选择")), *HazardType.choices], required=False
    )
    finding_level = forms.ChoiceField(
        label=_("隐患等级"), choices=[("", _("请选择")), *HazardLevel.choices], required=False
    )
    finding_title = forms.CharField(label=_("隐患名称"), max_length=100, required=False)
    finding_description = forms.CharField(
        label=_("隐患描述"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    finding_measures = forms.CharField(label=_("整改措施"), max_length=2000, required=False)
    finding_responsible_unit = forms.ModelChoiceField(
        label=_("责任单位"), queryset=Unit.objects.filter(is_active=True), required=False
    )
    finding_deadline_days = forms.IntegerField(
        label=_("整改期限（工作日）"), min_value=1, max_value=365, required=False
    )
    finding_photos = PhotosField(label=_("隐患照片（最多 3 张）"), required=False)

    def __init__(self, *args: Any, checklist: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checklist = checklist
        for index, item in enumerate(checklist):
            self.fields[f"answer_{index}"] = forms.ChoiceField(
                label=f"{index + 1}. {item}",
                choices=Answer.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("请对此项作答。")},
            )
            self.fields[f"note_{index}"] = forms.CharField(
                label=_("说明"), max_length=500, required=False
            )

    def answer_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"answer_{i}"], self[f"note_{i}"]) for i in range(len(self.checklist))]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("has_finding"):
            for name in (
                "hazard_type",
                "level",
                "title",
                "description",
                "measures",
                "responsible_unit",
                "deadline_days",
            ):
                if not cleaned.get(f"finding_{name}"):
                    self.add_error(f"finding_{name}", _("登记隐患时必填。"))
        return cleaned

    def action_kwargs(self) -> dict[str, Any]:
        c = self.cleaned_data
        answers = {
            str(i): {"answer": c[f"answer_{i}"], "note": c[f"note_{i}"]}
            for i in range(len(self.checklist))
        }
        findings = []
        if c["has_finding"]:
            findings.append(
                {
                    "hazard_type": c["finding_hazard_type"],
                    "level": c["finding_level"],
                    "title": c["finding_title"],
                    "description": c["finding_description"],
                    "measures": c["finding_measures"],
                    "responsible_unit": c["finding_responsible_unit"],
                    "deadline_days": c["finding_deadline_days"],
                    "photos": c["finding_photos"],
                }
            )
        return {
            "answers": answers,
            "notes": c["notes"],
            "inspected_at": c["inspected_at"],
            "lon": c["lon"],
            "lat": c["lat"],
            "findings": findings,
            "submission_key": c["submission_key"],
        }


class LinkCaseForm(Form):
    number = forms.CharField(label=_("事件编号"), max_length=20)


class EvaluationForm(Form):
    link = forms.IntegerField(widget=forms.HiddenInput)
    evaluation = forms.ChoiceField(
        label=_("业主评价"), choices=Evaluation.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(label=_("意见"), max_length=500, required=False)
