"""Admin for API tokens: create one (the key is shown once), list them, revoke them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fengqiao.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "name",
        "key_prefix",
        "unit",
        "user",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["unit"]
    search_fields = ["name", "key_prefix", "user__username"]
    readonly_fields = ["key_prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Who a token acts as is fixed at creation; make a new token instead of changing it.
        extra = ["unit", "user"] if obj is not None else []
        return [*self.readonly_fields, *extra]

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        key = None if change else obj.set_new_key()
        super().save_model(request, obj, form, change)
        if key is not None:
            messages.warning(
                request,
                _("令牌已创建，请立即复制保存，此后不会再显示：%(key)s") % {"key": key},
            )

    @admin.action(description=_("撤销所选令牌"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        messages.success(request, _("已撤销 %(n)d 个令牌。") % {"n": count})
