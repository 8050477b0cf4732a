"""Admin for users, units and roles, in Chinese, for administrators who are not programmers."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from fengqiao.accounts.models import Membership, Unit, User


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 1
    autocomplete_fields = ["unit", "region"]


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    list_display = ["username", "full_name", "email", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "memberships__role", "memberships__unit__tier"]
    search_fields = ["username", "full_name", "email"]
    inlines = [MembershipInline]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("姓名"), {"fields": ["full_name"]}),
    )


class UnitMembershipInline(admin.TabularInline[Membership, Unit]):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "region"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    list_display = ["name", "code", "kind", "tier", "jurisdiction", "parent", "is_active"]
    list_filter = ["kind", "tier", "is_active"]
    search_fields = ["name", "code", "jurisdiction__name", "jurisdiction__code"]
    list_select_related = ["jurisdiction", "parent"]
    autocomplete_fields = ["jurisdiction", "parent"]
    inlines = [UnitMembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "unit", "role", "region"]
    list_filter = ["role", "unit__tier", "unit__kind"]
    search_fields = ["user__username", "user__full_name", "unit__name", "region__name"]
    list_select_related = ["user", "unit", "region"]
    autocomplete_fields = ["user", "unit", "region"]
