"""Administrative regions and grids.

The tree is district (区) → street (镇/街道) → community (社区/村) → grid (网格).

Boundaries are stored as GeoJSON geometry in WGS-84 so that SQLite and PostgreSQL hold the same
thing and no spatial database extension is needed; point-in-polygon questions go through the
in-memory locator (``regions.locator``), which is faster than a spatial index in the database for
a district's few thousand grids.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from fengqiao.lib.regionfile import LEVELS


class Level(models.TextChoices):
    DISTRICT = "district", _("区")
    STREET = "street", _("镇/街道")
    COMMUNITY = "community", _("社区/村")
    GRID = "grid", _("网格")


assert tuple(Level.values) == LEVELS, "Region levels must match fengqiao.lib.regionfile.LEVELS"


class RegionQuerySet(models.QuerySet["Region"]):
    def subtree(self, root: Region) -> RegionQuerySet:
        """The root and everything below it (one indexed prefix query on ``path``)."""
        return self.filter(path__startswith=root.path)


class Region(models.Model):
    """One node of the region tree, with its boundary and a representative point.

    ``path`` is the materialised path of codes from the root (``/430290/430204006/``) so a
    subtree is one indexed ``LIKE 'prefix%'`` query; codes do not always nest by prefix (the demo
    district's streets keep their national codes), so the code alone cannot serve.
    """

    code = models.CharField(_("代码"), max_length=15, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    path = models.CharField(_("路径"), max_length=80, editable=False)
    boundary: models.JSONField[Any, Any] = models.JSONField(
        _("边界（GeoJSON，WGS-84）"), null=True, blank=True
    )
    point_lon = models.FloatField(_("代表点经度"), null=True, blank=True)
    point_lat = models.FloatField(_("代表点纬度"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["path"]
        indexes = [
            models.Index(
                fields=["path"], name="region_path_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["level", "code"], name="region_level_code_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def ancestors(self) -> list[Region]:
        """Ancestors from the root down, fetched in one query by the codes in ``path``."""
        codes = [c for c in self.path.strip("/").split("/")[:-1] if c]
        by_code = {r.code: r for r in Region.objects.filter(code__in=codes)}
        return [by_code[c] for c in codes if c in by_code]
