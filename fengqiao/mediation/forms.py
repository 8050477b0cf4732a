"""Forms of the dispute pages: they parse the input's shape; the rules live in
``mediation.actions``, whose ``CaseError`` messages the views attach to the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fengqiao.accounts.models import Membership, Role, Unit, User
from fengqiao.cases.forms import note_field
from fengqiao.cases.models import Party
from fengqiao.mediation.choices import (
    AgreementForm,
    Outcome,
    Performance,
    ReferralKind,
    ReferralOutcome,
    RiskLevel,
    RiskReason,
)
from fengqiao.mediation.models import Mediation, MediationOrg

LOCAL_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class PartyForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Party.Role.choices)
    party_type = forms.ChoiceField(label=_("类型"), choices=Party.Type.choices)
    name = forms.CharField(label=_("姓名/名称"), max_length=100)
    phone = forms.CharField(
        label=_("联系电话"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    id_number = forms.CharField(
        label=_("身份证号/统一社会信用代码"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    address = forms.CharField(label=_("地址"), required=False, max_length=200)


class StartForm(forms.Form):
    org = forms.ModelChoiceField(label=_("调解组织"), queryset=MediationOrg.objects.none())
    mediators = forms.ModelMultipleChoiceField(
        label=_("调解员"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    request = note_field(_("申请事项"), required=True, max_length=2000)
    facts = note_field(_("纠纷事实"), required=True, max_length=5000)
    applied_at = forms.DateTimeField(
        label=_("申请时间"), required=False, widget=LOCAL_DATETIME, help_text=_("留空为现在。")
    )

    def __init__(self, *args: Any, orgs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs  # type: ignore[attr-defined]
        org = orgs.first()
        if org is not None:
            self.fields["mediators"].queryset = User.objects.filter(  # type: ignore[attr-defined]
                pk__in=Membership.objects.filter(
                    unit__in=orgs.values("unit"), role=Role.MEDIATOR
                ).values("user_id"),
                is_active=True,
            )
            self.fields["org"].initial = org


class SessionForm(forms.Form):
    held_at = forms.DateTimeField(label=_("调解时间"), widget=LOCAL_DATETIME)
    place = forms.CharField(label=_("调解地点"), max_length=200)
    attendees = forms.CharField(label=_("参加人员"), max_length=500)
    summary = note_field(_("调解情况"), required=True, max_length=5000)
    next_steps = note_field(_("下一步安排"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"held_at": timezone.localtime().replace(second=0)})
        super().__init__(*args, **kwargs)
        self.fields["summary"].widget.attrs["rows"] = 6


class ConcludeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("调解结果"), choices=Outcome.choices)
    note = note_field(_("结果说明"), max_length=2000)
    terms = note_field(_("协议内容（调解成功时填写）"), max_length=5000)
    agreement_form = forms.ChoiceField(
        label=_("协议形式"), choices=AgreementForm.choices, initial=AgreementForm.WRITTEN
    )
    performance_method = forms.CharField(label=_("履行方式"), required=False, max_length=500)
    performance_due = forms.DateField(
        label=_("履行期限"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    referral_kind = forms.ChoiceField(
        label=_("移送类型（分流移送时填写）"),
        required=False,
        choices=[("", "—"), *ReferralKind.choices],
    )
    referral_unit = forms.ModelChoiceField(
        label=_("接收单位"), required=False, queryset=Unit.objects.filter(is_active=True)
    )


class PerformanceForm(forms.Form):
    performance = forms.ChoiceField(
        label=_("履行情况"),
        choices=[(c.value, c.label) for c in Performance if c != Performance.PENDING],
        widget=forms.RadioSelect,
    )
    note = note_field(_("回访记录"), required=True)


class ReferForm(forms.Form):
    kind = forms.ChoiceField(label=_("移送类型"), choices=ReferralKind.choices)
    to_unit = forms.ModelChoiceField(
        label=_("接收单位"), queryset=Unit.objects.filter(is_active=True).order_by("tier", "name")
    )
    reason = note_field(_("移送理由"), required=True)
    mediation = forms.ModelChoiceField(
        label=_("调解"), required=False, queryset=Mediation.objects.none()
    )


class RiskForm(forms.Form):
    level = forms.ChoiceField(label=_("风险等级"), choices=RiskLevel.choices)
    reasons = forms.MultipleChoiceField(
        label=_("风险因素"),
        required=False,
        choices=RiskReason.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    note = note_field(_("说明（与系统建议不同时必填）"))


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("查看理由"),
        max_length=500,
        help_text=_("将记入审计：谁、何时、哪个事件、为什么。"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReferralAnswerForm(forms.Form):
    note = note_field(_("说明/理由"))
    outcome = forms.ChoiceField(
        label=_("办理结果"), required=False, choices=[("", "—"), *ReferralOutcome.choices]
    )
