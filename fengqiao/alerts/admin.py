"""Admin for key periods and alert thresholds (configuration); alerts are read-only here, worked
in the workbench."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fengqiao.alerts.models import Alert, DailyReport, KeyPeriod, Thresholds
from fengqiao.alerts.thresholds import FIELDS


@admin.register(KeyPeriod)
class KeyPeriodAdmin(admin.ModelAdmin[KeyPeriod]):
    list_display = ["name", "starts_on", "ends_on", "threshold_multiplier", "is_active"]
    filter_horizontal = ["regions"]


@admin.register(Thresholds)
class ThresholdsAdmin(admin.ModelAdmin[Thresholds]):
    """预警阈值: one row for the whole district (no category) and one per category at most; the
    detectors read them at their next run."""

    list_display = ["__str__", *FIELDS]
    autocomplete_fields = ["category"]
    list_select_related = ["category"]
    ordering = ["category__code"]


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin[Alert]):
    list_display = ["title", "detector", "level", "status", "region", "last_seen_at"]
    list_filter = ["detector", "level", "status"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DailyReport)
class DailyReportAdmin(admin.ModelAdmin[DailyReport]):
    list_display = ["key_period", "community", "day", "nothing_to_report"]
    list_filter = ["key_period", "nothing_to_report"]
