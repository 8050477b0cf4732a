"""Admin for categories, routing rules and (read-only) cases with their timelines.

Cases change only through ``cases.actions``: the admin shows them, with the whole timeline, but
does not edit their state. Categories and routing rules are configuration and fully editable.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from fengqiao.cases.models import (
    Case,
    CaseEvent,
    Category,
    ExtensionRequest,
    RoutingRule,
    Supervision,
)
from fengqiao.lib.masking import mask_phone


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = [
        "name",
        "code",
        "parent",
        "kind",
        "default_unit_kind",
        "default_tier",
        "priority",
        "accept_within",
        "accept_unit",
        "resolve_within",
        "resolve_unit",
        "is_active",
    ]
    list_filter = ["kind", "parent", "default_tier", "is_active"]
    search_fields = ["name", "code", "description"]
    list_select_related = ["parent"]
    list_editable = ["is_active"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin[RoutingRule]):
    list_display = ["__str__", "category", "region", "unit", "unit_kind", "tier", "is_active"]
    list_filter = ["tier", "unit_kind", "is_active"]
    autocomplete_fields = ["region", "unit"]
    list_select_related = ["category__parent", "region", "unit"]


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(ReadOnlyInline):
    model = CaseEvent
    fields = [
        "created_at",
        "action",
        "actor",
        "actor_unit",
        "from_status",
        "to_status",
        "to_unit",
        "note",
        "public",
    ]
    ordering = ["created_at", "id"]


class SupervisionInline(ReadOnlyInline):
    model = Supervision
    fields = ["created_at", "card", "by_unit", "target_unit", "note"]


class ExtensionInline(ReadOnlyInline):
    model = ExtensionRequest
    fields = ["created_at", "unit", "days", "reason", "state", "decided_at"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin[Case]):
    list_display = [
        "number",
        "title",
        "category",
        "status",
        "current_unit",
        "deadline_state",
        "due_at",
        "submitted_at",
    ]
    list_filter = [
        "status",
        "deadline_state",
        "kind",
        "channel",
        "current_tier",
        "handled_on_spot",
        "rating",
    ]
    search_fields = ["number", "title", "description", "address"]
    list_select_related = ["category__parent", "current_unit"]
    date_hierarchy = "submitted_at"
    inlines = [EventInline, SupervisionInline, ExtensionInline]
    exclude = ["reporter_name", "reporter_phone"]
    readonly_fields = ["masked_phone"]

    @admin.display(description=_("联系电话（脱敏）"))
    def masked_phone(self, obj: Case) -> str:
        return mask_phone(obj.reporter_phone or "")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        names = [f.name for f in Case._meta.fields if f.name not in self.exclude]
        return [*names, "masked_phone"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # cases come in through submit(), which validates and routes

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
