"""Admin for prevention records: read-only, since every change goes through the actions
(``hazards.actions``, ``hazards.inspections``); contacts are encrypted and not shown.
Inspection plans may be switched off here (``active``) by an administrator."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fengqiao.fieldwork.admin import ReadOnlyAdmin
from fengqiao.hazards.models import (
    Hazard,
    HazardEvent,
    InspectionPlan,
    InspectionRecord,
    InspectionTask,
    OwnerEvaluation,
    Place,
    ProjectCase,
)


@admin.register(Place)
class PlaceAdmin(ReadOnlyAdmin):
    list_display = ["name", "place_type", "grid", "responsible_unit", "owner", "closed"]
    list_filter = ["place_type", "closed"]
    search_fields = ["name", "address", "owner", "contractor", "grid__name"]
    list_select_related = ["grid", "responsible_unit"]
    exclude = ["contact_name", "contact_phone", "owner_contact", "owner_phone"]


@admin.register(Hazard)
class HazardAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "level",
        "hazard_type",
        "status",
        "deadline_state",
        "due_at",
        "responsible_unit",
    ]
    list_filter = ["status", "level", "hazard_type", "deadline_state", "source"]
    search_fields = ["title", "description", "address"]
    list_select_related = ["responsible_unit"]
    date_hierarchy = "found_at"
    exclude = ["responsible_phone"]


@admin.register(HazardEvent)
class HazardEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "hazard", "action", "actor", "to_status"]
    list_filter = ["action"]
    list_select_related = ["hazard", "actor"]


@admin.register(InspectionPlan)
class InspectionPlanAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "name",
        "unit",
        "region",
        "place_type",
        "place",
        "every",
        "period_unit",
        "starts_on",
        "active",
    ]
    list_filter = ["active", "period_unit", "place_type"]
    list_select_related = ["unit", "region", "place"]
    fields = ["active"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # plans are made on the plans page, which validates them

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(InspectionTask)
class InspectionTaskAdmin(ReadOnlyAdmin):
    list_display = ["plan", "place", "grid", "scheduled_for", "due_at", "status", "overdue"]
    list_filter = ["status", "overdue", "scheduled_for"]
    list_select_related = ["plan", "place", "grid"]


@admin.register(InspectionRecord)
class InspectionRecordAdmin(ReadOnlyAdmin):
    list_display = ["inspected_at", "grid", "place", "inspector"]
    list_select_related = ["grid", "place", "inspector"]


@admin.register(ProjectCase)
class ProjectCaseAdmin(ReadOnlyAdmin):
    list_display = ["project", "case", "linked_at"]
    list_select_related = ["project", "case"]


@admin.register(OwnerEvaluation)
class OwnerEvaluationAdmin(ReadOnlyAdmin):
    list_display = ["link", "evaluation", "resolved_at", "created_at"]
    list_filter = ["evaluation"]
