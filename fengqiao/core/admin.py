from django.contrib import admin

from fengqiao.core.models import AuditEntry, PeriodicJob


@admin.register(PeriodicJob)
class PeriodicJobAdmin(admin.ModelAdmin[PeriodicJob]):
    list_display = ["name", "next_run_at", "last_run_at"]
    search_fields = ["name"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ["created_at", "kind", "user", "object_type", "object_id", "reason"]
    list_filter = ["kind", "object_type"]
    search_fields = ["user__username", "object_id", "reason"]
    readonly_fields = ["kind", "user", "object_type", "object_id", "reason", "detail", "created_at"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
