"""Forms of the workbench: one per lifecycle action, and new-case entry by staff.

Forms only parse and check the shape of the input; the rules live in ``cases.actions`` and
``cases.intake``, whose ``CaseError`` messages the views attach to the form.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fengqiao.accounts.models import Unit, UnitKind
from fengqiao.cases.choices import Card, Channel, Rating
from fengqiao.cases.models import Case, Category
from fengqiao.cases.routing import ancestor_paths, tier_rank
from fengqiao.regions.models import Level, Region

YES_NO = [("yes", _("是")), ("no", _("否"))]


def note_field(label: Any, *, required: bool = False, max_length: int = 1000) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NoteForm(forms.Form):
    note = note_field(_("说明"))


class ReasonForm(forms.Form):
    reason = note_field(_("理由"), required=True, max_length=500)


class DispatchForm(forms.Form):
    to_unit = forms.ModelChoiceField(label=_("承办单位"), queryset=Unit.objects.none())
    due_at = forms.DateTimeField(
        label=_("办理期限（可选）"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("留空则按类别规定的办结时限。"),
    )
    note = note_field(_("交办意见"))

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        queryset = Unit.objects.filter(is_active=True).exclude(pk=case.current_unit_id)
        self.fields["to_unit"].queryset = queryset.order_by("tier", "kind", "name")  # type: ignore[attr-defined]


class AssignDownForm(forms.Form):
    to_unit = forms.ModelChoiceField(label=_("下派给"), queryset=Unit.objects.none())
    note = note_field(_("说明"))

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rank = tier_rank(case.current_tier)
        lower = [
            u.pk
            for u in Unit.objects.filter(
                kind=UnitKind.CENTRE,
                is_active=True,
                jurisdiction__path__in=ancestor_paths(case.region_path),
            )
            if tier_rank(u.tier) < rank
        ]
        self.fields["to_unit"].queryset = Unit.objects.filter(pk__in=lower)  # type: ignore[attr-defined]


class ExtensionForm(forms.Form):
    days = forms.IntegerField(label=_("延期工作日"), min_value=1, max_value=60)
    reason = note_field(_("延期理由"), required=True, max_length=500)


class DecideExtensionForm(forms.Form):
    approve = forms.ChoiceField(label=_("是否同意"), choices=YES_NO, widget=forms.RadioSelect)
    note = note_field(_("审批意见"))


class SuperviseForm(forms.Form):
    card = forms.ChoiceField(label=_("督办等级"), choices=Card.choices, widget=forms.RadioSelect)
    note = note_field(_("督办意见"), required=True)


class ResolveForm(forms.Form):
    outcome = note_field(_("办理结果"), required=True, max_length=5000)


class VerifyForm(forms.Form):
    passed = forms.ChoiceField(
        label=_("核查结果"),
        widget=forms.RadioSelect,
        choices=[("yes", _("通过，结案")), ("no", _("不通过，退回继续办理"))],
    )
    note = note_field(_("核查意见"))


class FollowUpForm(forms.Form):
    satisfied = forms.ChoiceField(label=_("群众是否满意"), choices=YES_NO, widget=forms.RadioSelect)
    note = note_field(_("回访记录"), required=True)


class MergeForm(forms.Form):
    into = forms.CharField(
        label=_("并入事件编号"), max_length=20, help_text=_("例如 FQ-20261129-00042")
    )
    note = note_field(_("说明"))


class AttachForm(forms.Form):
    file = forms.FileField(label=_("附件（照片或文档，最大 10 MB）"))


class RateForm(forms.Form):
    rating = forms.ChoiceField(label=_("评价"), choices=Rating.choices, widget=forms.RadioSelect)
    comment = note_field(_("意见"), max_length=500)


ACTION_FORMS: dict[str, type[forms.Form]] = {
    "accept": NoteForm,
    "reject": ReasonForm,
    "claim": forms.Form,
    "dispatch": DispatchForm,
    "assign_down": AssignDownForm,
    "escalate": ReasonForm,
    "progress": NoteForm,
    "resolve": ResolveForm,
    "request_extension": ExtensionForm,
    "decide_extension": DecideExtensionForm,
    "return": ReasonForm,
    "suspend": ReasonForm,
    "resume": NoteForm,
    "verify": VerifyForm,
    "follow_up": FollowUpForm,
    "reopen": ReasonForm,
    "merge": MergeForm,
    "supervise": SuperviseForm,
    "attach": AttachForm,
}
CASE_BOUND_FORMS = {"dispatch", "assign_down"}


class CategoryChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Category) -> str:
        return f"{obj.parent.name if obj.parent else ''} / {obj.name}"


class NewCaseForm(forms.Form):
    """Hotline and walk-in entry by staff (热线、来访登记)."""

    channel = forms.ChoiceField(
        label=_("来源"),
        choices=[
            (Channel.HOTLINE.value, Channel.HOTLINE.label),
            (Channel.WALK_IN.value, Channel.WALK_IN.label),
        ],
    )
    category = CategoryChoiceField(
        label=_("类别"),
        queryset=Category.objects.filter(is_active=True, parent__isnull=False)
        .select_related("parent")
        .order_by("sort_order"),
    )
    title = forms.CharField(label=_("标题"), max_length=100)
    description = forms.CharField(label=_("描述"), max_length=5000, widget=forms.Textarea)
    occurred_at = forms.DateTimeField(
        label=_("发生时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    lon = forms.FloatField(label=_("经度"), required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(label=_("纬度"), required=False, widget=forms.HiddenInput)
    region = forms.ModelChoiceField(
        label=_("所在网格或社区（没有地图位置时）"),
        required=False,
        queryset=Region.objects.filter(level__in=[Level.GRID, Level.COMMUNITY]).order_by("path"),
    )
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    people_involved = forms.IntegerField(
        label=_("涉及人数"), min_value=1, max_value=100000, initial=1
    )
    reporter_name = forms.CharField(label=_("反映人"), max_length=50, required=False)
    reporter_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    anonymous = forms.BooleanField(label=_("匿名反映"), required=False)
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    confirm_new = forms.BooleanField(label=_("已查看相似事件，仍然新建"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4().hex)
            self.initial.setdefault("occurred_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_point = data.get("lon") is not None and data.get("lat") is not None
        if not has_point and not data.get("region"):
            raise forms.ValidationError(_("请在地图上选点，或选择所在网格/社区。"))
        return data
