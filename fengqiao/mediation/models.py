"""Diversified dispute resolution (多元化解): mediation organisations, mediations on dispute cases,
their sessions and performance checks, referrals to other channels, escalation-risk assessments.

Parties (当事人) are ``cases.Party``. Every change goes through ``mediation.actions``, which also
appends the case's timeline entry; the rows here are never deleted (``PROTECT`` everywhere).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fengqiao.accounts.models import Unit
from fengqiao.cases.models import Case
from fengqiao.mediation.choices import (
    AgreementForm,
    MediationState,
    OrgKind,
    Outcome,
    Performance,
    ReferralKind,
    ReferralOutcome,
    ReferralState,
    RiskLevel,
)


class MediationOrg(models.Model):
    """A mediation organisation (调解组织): the mediation profile of a unit.

    The unit (usually of kind 调解委员会) holds the mediators as memberships with the mediator
    role; this row adds what the documents and statistics need.
    """

    unit = models.OneToOneField(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="mediation_org"
    )
    kind = models.CharField(_("组织类型"), max_length=16, choices=OrgKind.choices)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    field = models.CharField(
        _("专业领域"), max_length=100, blank=True, help_text=_("行业性、专业性调委会填写。")
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("调解组织")
        verbose_name_plural = _("调解组织")

    def __str__(self) -> str:
        return self.unit.name


class Mediation(models.Model):
    """A mediation (调解) of one dispute case by one organisation, from application to outcome.

    A case has at most one open mediation; after one ends without agreement another may start.
    """

    case = models.ForeignKey(
        Case, verbose_name=_("事件"), on_delete=models.PROTECT, related_name="mediations"
    )
    number = models.CharField(_("调解案号"), max_length=30, editable=False)
    org = models.ForeignKey(
        MediationOrg, verbose_name=_("调解组织"), on_delete=models.PROTECT, related_name="+"
    )
    mediators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("调解员"), related_name="mediations"
    )
    state = models.CharField(
        _("状态"), max_length=12, choices=MediationState.choices, default=MediationState.OPEN
    )
    applied_at = models.DateTimeField(_("申请时间"))
    request = models.TextField(_("申请事项"), max_length=2000)
    facts = models.TextField(_("纠纷事实"), max_length=5000)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("受理人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("受理时间"))
    outcome = models.CharField(_("调解结果"), max_length=16, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("结果说明"), max_length=2000, blank=True)
    concluded_at = models.DateTimeField(_("终结时间"), null=True, blank=True)
    agreement_form = models.CharField(
        _("协议形式"), max_length=8, choices=AgreementForm.choices, blank=True
    )
    terms = models.TextField(_("协议内容"), max_length=5000, blank=True)
    performance_method = models.CharField(_("履行方式"), max_length=500, blank=True)
    performance_due = models.DateField(_("履行期限"), null=True, blank=True)
    performance = models.CharField(
        _("履行情况"), max_length=8, choices=Performance.choices, blank=True
    )
    performance_checked_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    # Set when the mediators were reminded that the deadline passed without a check.
    performance_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("调解")
        verbose_name_plural = _("调解")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="mediation_number_unique"),
            models.UniqueConstraint(
                fields=["case"], condition=Q(state="open"), name="mediation_one_open_per_case"
            ),
        ]
        indexes = [
            models.Index(fields=["org", "state"], name="mediation_org_state_idx"),
            models.Index(fields=["concluded_at"], name="mediation_concluded_idx"),
            # The reminder job reads only agreements still waiting for their check.
            models.Index(
                fields=["performance_due"],
                name="mediation_performance_due_idx",
                condition=Q(performance="pending", performance_reminded_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state == MediationState.OPEN


class Session(models.Model):
    """One mediation session (调解笔录): when, where, who attended, what was said, what next."""

    mediation = models.ForeignKey(
        Mediation, verbose_name=_("调解"), on_delete=models.PROTECT, related_name="sessions"
    )
    held_at = models.DateTimeField(_("调解时间"))
    place = models.CharField(_("调解地点"), max_length=200)
    attendees = models.CharField(_("参加人员"), max_length=500)
    summary = models.TextField(_("调解情况"), max_length=5000)
    next_steps = models.CharField(_("下一步安排"), max_length=1000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = _("调解笔录")
        verbose_name_plural = _("调解笔录")
        ordering = ["held_at", "id"]

    def __str__(self) -> str:
        return f"{self.mediation} {self.held_at:%Y-%m-%d}"


class PerformanceCheck(models.Model):
    """A follow-up on whether the agreement was carried out (履行回访)."""

    mediation = models.ForeignKey(
        Mediation, verbose_name=_("调解"), on_delete=models.PROTECT, related_name="checks"
    )
    performance = models.CharField(_("履行情况"), max_length=8, choices=Performance.choices)
    note = models.CharField(_("回访记录"), max_length=1000)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回访人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("回访时间"))

    class Meta:
        verbose_name = _("履行回访")
        verbose_name_plural = _("履行回访")
        ordering = ["checked_at", "id"]

    def __str__(self) -> str:
        return f"{self.mediation} {self.get_performance_display()}"


class Referral(models.Model):
    """A dispute passed to another channel (分流移送): court, arbitration, judicial confirmation,
    an administrative body, letters and visits. The receiving unit accepts or returns it and
    records the outcome."""

    case = models.ForeignKey(
        Case, verbose_name=_("事件"), on_delete=models.PROTECT, related_name="referrals"
    )
    mediation = models.ForeignKey(
        Mediation,
        verbose_name=_("调解"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    kind = models.CharField(_("移送类型"), max_length=24, choices=ReferralKind.choices)
    from_unit = models.ForeignKey(
        Unit, verbose_name=_("移送单位"), on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        Unit, verbose_name=_("接收单位"), on_delete=models.PROTECT, related_name="referrals_in"
    )
    reason = models.CharField(_("移送理由"), max_length=1000)
    state = models.CharField(
        _("状态"), max_length=10, choices=ReferralState.choices, default=ReferralState.PENDING
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("移送人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    referred_at = models.DateTimeField(_("移送时间"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("接收/退回时间"), null=True, blank=True)
    return_reason = models.CharField(_("退回理由"), max_length=1000, blank=True)
    outcome = models.CharField(
        _("办理结果"), max_length=16, choices=ReferralOutcome.choices, blank=True
    )
    outcome_note = models.CharField(_("结果说明"), max_length=1000, blank=True)
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("分流移送")
        verbose_name_plural = _("分流移送")
        ordering = ["-referred_at"]
        indexes = [models.Index(fields=["to_unit", "state"], name="referral_to_state_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.to_unit_id} ({self.get_kind_display()})"


class RiskAssessment(models.Model):
    """A confirmed escalation-risk assessment (激化风险评估) of a dispute; the latest counts.

    Keeps what the system suggested beside what the person confirmed, so a review can see where
    they differed and why.
    """

    case = models.ForeignKey(
        Case, verbose_name=_("事件"), on_delete=models.PROTECT, related_name="risk_assessments"
    )
    suggested_level = models.CharField(_("建议等级"), max_length=8, choices=RiskLevel.choices)
    suggested_reasons: models.JSONField[Any, Any] = models.JSONField(
        _("建议理由"), default=dict, blank=True
    )
    level = models.CharField(_("风险等级"), max_length=8, choices=RiskLevel.choices)
    reasons: models.JSONField[Any, Any] = models.JSONField(_("风险因素"), default=list, blank=True)
    note = models.CharField(_("说明"), max_length=1000, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评估人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assessed_at = models.DateTimeField(_("评估时间"), db_index=True)

    class Meta:
        verbose_name = _("激化风险评估")
        verbose_name_plural = _("激化风险评估")
        ordering = ["-assessed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_level_display()}"


class MediationNumber(models.Model):
    """Per-organisation, per-year counter of mediation numbers (``xuelin-tiaowei-2026-0012``)."""

    org = models.ForeignKey(MediationOrg, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="mediationnumber_org_year")
        ]

    def __str__(self) -> str:
        return f"{self.org_id}/{self.year}: {self.last}"
