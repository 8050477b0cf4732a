"""Field work of grid workers (网格员): visits (走访) and patrols (巡逻) in their own grid.

A visit is a call on a household, enterprise, construction project or shop to hear about
problems before they grow; what it turns up may become a case (``Visit.case``). A patrol is a walk
or ride through the grid along a route. Both are written only through ``fieldwork.actions``;
rolling inspections (滚动排查) and coverage come later and build on these.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fengqiao.cases.models import Case
from fengqiao.core.fields import EncryptedTextField
from fengqiao.regions.models import Region


class PlaceKind(models.TextChoices):
    HOUSEHOLD = "household", _("住户")
    ENTERPRISE = "enterprise", _("企业")
    PROJECT = "project", _("项目")
    SHOP = "shop", _("商铺")
    OTHER = "other", _("其他")


class Visit(models.Model):
    """走访: a grid worker's call on a place in their grid, and what they found there."""

    grid = models.ForeignKey(
        Region, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="visits"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("网格员"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    visited_at = models.DateTimeField(_("走访时间"))
    place_kind = models.CharField(_("走访对象"), max_length=12, choices=PlaceKind.choices)
    address = models.CharField(_("地址"), max_length=200)
    # Names of residents are personal data: encrypted at rest, never searched.
    people_met = EncryptedTextField(_("走访人员"), blank=True)
    purpose = models.CharField(_("走访事由"), max_length=200)
    findings = models.TextField(_("走访情况"), max_length=2000, blank=True)
    case = models.ForeignKey(
        Case,
        verbose_name=_("上报事件"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
        help_text=_("走访中发现问题而上报的事件。"),
    )
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    # Sent once per form, so a resubmitted form returns the visit already recorded.
    submission_key = models.CharField(max_length=64, blank=True, default="", editable=False)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission_key"],
                name="visit_submission_key_unique",
                condition=~Q(submission_key=""),
            ),
        ]
        indexes = [
            models.Index(fields=["grid", "visited_at"], name="visit_grid_time_idx"),
            models.Index(fields=["worker", "visited_at"], name="visit_worker_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_place_kind_display()} {self.address} {self.visited_at:%Y-%m-%d}"


class Patrol(models.Model):
    """巡逻: a grid worker's round of their grid, from start to end, along an area or route."""

    grid = models.ForeignKey(
        Region, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="patrols"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("网格员"),
        on_delete=models.PROTECT,
        related_name="patrols",
    )
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"))
    route_note = models.CharField(_("巡逻区域或路线"), max_length=500)
    findings = models.TextField(_("巡逻情况"), max_length=2000, blank=True)
    submission_key = models.CharField(max_length=64, blank=True, default="", editable=False)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("巡逻记录")
        verbose_name_plural = _("巡逻记录")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__gte=F("started_at")), name="patrol_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["submission_key"],
                name="patrol_submission_key_unique",
                condition=~Q(submission_key=""),
            ),
        ]
        indexes = [
            models.Index(fields=["grid", "started_at"], name="patrol_grid_time_idx"),
            models.Index(fields=["worker", "started_at"], name="patrol_worker_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.grid.name} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration_minutes(self) -> int:
        return int((self.ended_at - self.started_at).total_seconds() // 60)
