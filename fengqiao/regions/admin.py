"""Admin for regions: browse, search, rename, export; geometry changes only through the import."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from fengqiao.lib.regionfile import LEVELS, SOURCE_CRS, RegionFileError
from fengqiao.regions.actions import export_regions, import_regions
from fengqiao.regions.models import Region

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class RegionImportForm(forms.Form):
    file = forms.FileField(label=_("GeoJSON 文件"))
    source_crs = forms.ChoiceField(
        label=_("坐标系"),
        choices=[("wgs84", _("WGS-84（GPS）")), ("gcj02", _("GCJ-02（高德/腾讯/DataV）"))],
    )
    level = forms.ChoiceField(
        label=_("层级"),
        required=False,
        choices=[("", _("按文件中的层级"))] + [(lvl, lvl) for lvl in LEVELS],
    )
    replace = forms.BooleanField(label=_("更新已存在的代码"), required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件超过 50 MB。"))
        return upload


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin[Region]):
    list_display = ["code", "name", "level", "parent", "point_lon", "point_lat", "updated_at"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    readonly_fields = ["code", "level", "parent", "path", "boundary", "point_lon", "point_lat"]
    fields = ["code", "name", "level", "parent", "path", "point_lon", "point_lat", "boundary"]
    actions = ["export_geojson"]
    change_list_template = "admin/regions/region/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # regions arrive through the validated import, never half-filled by hand

    @admin.action(description=_("导出所选区域为 GeoJSON"))
    def export_geojson(self, request: HttpRequest, queryset: QuerySet[Region]) -> HttpResponse:
        body = json.dumps(export_regions(queryset), ensure_ascii=False)
        response = HttpResponse(body, content_type="application/geo+json; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="regions.geojson"'
        return response

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="regions_region_import",
            )
        ]
        return extra + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("regions.change_region"):
            return HttpResponse(status=403)
        form = RegionImportForm(request.POST or None, request.FILES or None)
        problems: list[str] = []
        if request.method == "POST" and form.is_valid():
            try:
                summary = import_regions(
                    form.cleaned_data["file"].read(),
                    source_crs=form.cleaned_data["source_crs"],
                    level_override=form.cleaned_data["level"] or None,
                    replace=form.cleaned_data["replace"],
                )
            except RegionFileError as exc:
                problems = exc.problems
            else:
                messages.success(
                    request,
                    _("导入完成：新建 %(c)d，更新 %(u)d。")
                    % {"c": summary.created, "u": summary.updated},
                )
                return redirect("admin:regions_region_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("导入区划与网格"),
            "form": form,
            "problems": problems,
            "opts": self.model._meta,
            "source_crs": SOURCE_CRS,
        }
        return TemplateResponse(request, "admin/regions/region/import.html", context)
