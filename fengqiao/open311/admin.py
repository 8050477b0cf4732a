from django.contrib import admin

from fengqiao.open311.models import ServiceAttribute, ServiceMapping


class ServiceAttributeInline(admin.TabularInline[ServiceAttribute, ServiceMapping]):
    model = ServiceAttribute
    extra = 0
    fields = [
        "order",
        "code",
        "description",
        "datatype",
        "required",
        "datatype_description",
        "values",
    ]


@admin.register(ServiceMapping)
class ServiceMappingAdmin(admin.ModelAdmin[ServiceMapping]):
    list_display = ["service_code", "name", "category", "group", "is_active"]
    list_filter = ["is_active", "group"]
    search_fields = ["service_code", "name", "keywords"]
    inlines = [ServiceAttributeInline]
