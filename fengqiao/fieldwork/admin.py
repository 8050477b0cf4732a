"""Admin for visits and patrols: read-only records, searchable and filterable.

They are written by grid workers through ``fieldwork.actions``; the admin shows them but does
not add, edit or delete them (history survives). The names of people met are personal data and
are not shown here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from fengqiao.fieldwork.models import Patrol, Visit, Volunteer, VolunteerActivity


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ["visited_at", "grid", "worker", "place_kind", "address", "purpose", "case"]
    list_filter = [
        "place_kind",
        "visited_at",
        ("case", admin.EmptyFieldListFilter),
        ("grid", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = [
        "address",
        "purpose",
        "findings",
        "grid__name",
        "grid__code",
        "worker__username",
        "worker__full_name",
        "case__number",
    ]
    search_help_text = _("地址、事由、情况、网格、网格员或事件编号")
    list_select_related = ["grid", "worker", "case"]
    date_hierarchy = "visited_at"
    exclude = ["people_met"]


@admin.register(Patrol)
class PatrolAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "ended_at", "grid", "worker", "route_note"]
    list_filter = ["started_at", ("grid", admin.RelatedOnlyFieldListFilter)]
    search_fields = [
        "route_note",
        "findings",
        "grid__name",
        "grid__code",
        "worker__username",
        "worker__full_name",
    ]
    search_help_text = _("路线、情况、网格或网格员")
    list_select_related = ["grid", "worker"]
    date_hierarchy = "started_at"


@admin.register(Volunteer)
class VolunteerAdmin(ReadOnlyAdmin):
    """Registered through ``fieldwork.actions.register_volunteer``; names stay encrypted and
    are not listed here."""

    list_display = ["id", "grid", "skills", "joined_on", "active"]
    list_filter = ["active", ("grid", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["grid"]
    exclude = ["name", "phone"]


@admin.register(VolunteerActivity)
class VolunteerActivityAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "volunteer", "kind", "hours", "note"]
    list_filter = ["kind", "started_at"]
    list_select_related = ["volunteer"]
    date_hierarchy = "started_at"
