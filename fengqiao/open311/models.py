"""Open311 services: which 事件小类 a GeoReport v2 client may report, under which code."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fengqiao.cases.models import Category


class ServiceMapping(models.Model):
    service_code = models.SlugField(_("服务编码"), max_length=40, unique=True)
    name = models.CharField(_("服务名称"), max_length=50)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("事件小类"),
        on_delete=models.PROTECT,
        related_name="open311_services",
        limit_choices_to={"parent__isnull": False},
    )
    group = models.CharField(_("分组"), max_length=50, blank=True)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True, help_text=_("以逗号分隔"))
    is_active = models.BooleanField(_("启用"), default=True)
    # Open311's request list is public. Disputes, petitions and emergencies concern people's
    # private matters, so only requests/complaints and hazards are listed by default.
    public = models.BooleanField(
        _("公开列出"), default=False, help_text=_("在公开的事件列表（GET requests）中显示。")
    )

    class Meta:
        verbose_name = _("Open311 服务")
        verbose_name_plural = _("Open311 服务")
        ordering = ["service_code"]

    def __str__(self) -> str:
        return f"{self.service_code} {self.name}"


PUBLIC_KINDS = frozenset({"request", "hazard"})


def seed() -> int:
    """One service per active 小类 that has none yet; never touches existing (edited) rows."""
    have = set(ServiceMapping.objects.values_list("category_id", flat=True))
    taken = set(ServiceMapping.objects.values_list("service_code", flat=True))
    new = []
    leaves = Category.objects.filter(parent__isnull=False, is_active=True).select_related("parent")
    for category in leaves:
        if category.pk in have or category.code in taken:
            continue
        new.append(
            ServiceMapping(
                service_code=category.code,
                name=category.name,
                description=category.description[:200],
                category=category,
                group=category.parent.name if category.parent else "",
                public=category.kind in PUBLIC_KINDS,
            )
        )
    ServiceMapping.objects.bulk_create(new)
    return len(new)
