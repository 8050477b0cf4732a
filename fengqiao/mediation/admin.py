"""Admin: mediation organisations are configuration (管理员维护); mediations, referrals and risk
assessments are read-only here, since they change only through ``mediation.actions``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fengqiao.mediation.models import Mediation, MediationOrg, Referral, RiskAssessment


@admin.register(MediationOrg)
class MediationOrgAdmin(admin.ModelAdmin[MediationOrg]):
    list_display = ["unit", "kind", "field", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["unit__name", "unit__code"]
    autocomplete_fields = ["unit"]


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Mediation)
class MediationAdmin(ReadOnly, admin.ModelAdmin[Mediation]):
    list_display = ["number", "case", "org", "state", "outcome", "performance", "started_at"]
    list_filter = ["state", "outcome", "performance", "org"]
    search_fields = ["number", "case__number"]
    list_select_related = ["case", "org__unit"]


@admin.register(Referral)
class ReferralAdmin(ReadOnly, admin.ModelAdmin[Referral]):
    list_display = ["case", "kind", "from_unit", "to_unit", "state", "outcome", "referred_at"]
    list_filter = ["kind", "state", "outcome"]
    search_fields = ["case__number"]
    list_select_related = ["case", "from_unit", "to_unit"]


@admin.register(RiskAssessment)
class RiskAssessmentAdmin(ReadOnly, admin.ModelAdmin[RiskAssessment]):
    list_display = ["case", "level", "suggested_level", "assessed_by", "assessed_at"]
    list_filter = ["level", "suggested_level"]
    search_fields = ["case__number"]
    list_select_related = ["case", "assessed_by"]
