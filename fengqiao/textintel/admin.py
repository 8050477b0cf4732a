"""Suggestion records are evidence of what staff did: read-only in the admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fengqiao.textintel.models import CategorySuggestion


@admin.register(CategorySuggestion)
class CategorySuggestionAdmin(admin.ModelAdmin[CategorySuggestion]):
    list_display = [
        "case",
        "suggested_category",
        "confidence",
        "chosen_category",
        "accepted",
        "model_version",
        "created_at",
    ]
    list_filter = ["accepted", "suggested_category"]
    list_select_related = ["case", "suggested_category", "chosen_category"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
