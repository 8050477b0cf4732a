from django.contrib import admin

from fengqiao.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ["subject", "channel", "unit", "user", "state", "attempts", "created_at"]
    list_filter = ["channel", "state"]
    search_fields = ["subject", "case__number"]
    list_select_related = ["unit", "user"]
    readonly_fields = [f.name for f in Notification._meta.fields if f.name != "address"]
    exclude = ["address"]  # personal data: phone numbers are not shown in the admin

    def has_add_permission(self, request: object) -> bool:
        return False
