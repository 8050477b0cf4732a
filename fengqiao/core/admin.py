from django.contrib import admin

from fengqiao.core.models import PeriodicJob


@admin.register(PeriodicJob)
class PeriodicJobAdmin(admin.ModelAdmin[PeriodicJob]):
    list_display = ["name", "next_run_at", "last_run_at"]
    search_fields = ["name"]
