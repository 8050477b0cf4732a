"""Field work of grid workers (网格员): visits (走访) and patrols (巡逻) in their own grid.

A visit is a call on a household, enterprise, construction project or shop to hear about
problems before they grow; what it turns up may become a case (``Visit.case``). A patrol is a walk
or ride through the grid along a route. Both are written only through ``fieldwork.actions``;
rolling inspections (滚动排查) live in ``hazards``; coverage of key places is in
``fieldwork.coverage``. Volunteers (平安志愿者) and their activities and hours are here too.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
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
    # The key place visited (重点场所), when it is one; coverage counts these.
    place = models.ForeignKey(
        "hazards.Place",
        verbose_name=_("重点场所"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
    )
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


class VolunteerActivityKind(models.TextChoices):
    PATROL = "patrol", _("治安巡逻")
    MEDIATION = "mediation", _("矛盾调解")
    PUBLICITY = "publicity", _("法治宣传")
    SERVICE = "service", _("便民服务")
    OTHER = "other", _("其他")


class Volunteer(models.Model):
    """平安志愿者: a resident who helps in a grid (patrols, mediation, publicity)."""

    grid = models.ForeignKey(
        Region, verbose_name=_("所在网格"), on_delete=models.PROTECT, related_name="volunteers"
    )
    region_path = models.CharField(max_length=80, editable=False)
    name = EncryptedTextField(_("姓名"))
    phone = EncryptedTextField(_("联系电话"), blank=True)
    skills = models.CharField(_("特长"), max_length=200, blank=True)
    joined_on = models.DateField(_("加入日期"))
    active = models.BooleanField(_("在册"), default=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("平安志愿者")
        verbose_name_plural = _("平安志愿者")
        ordering = ["region_path", "id"]
        indexes = [
            models.Index(
                fields=["region_path"],
                name="volunteer_region_path_idx",
                opclasses=["varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{_('志愿者')} {self.pk}"


class VolunteerActivity(models.Model):
    """One activity of a volunteer and the hours it took (志愿服务时长)."""

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("志愿者"), on_delete=models.PROTECT, related_name="activities"
    )
    kind = models.CharField(_("活动类型"), max_length=12, choices=VolunteerActivityKind.choices)
    started_at = models.DateTimeField(_("开始时间"))
    hours = models.DecimalField(
        _("时长（小时）"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("24"))],
    )
    note = models.CharField(_("活动内容"), max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("志愿服务记录")
        verbose_name_plural = _("志愿服务记录")
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["volunteer", "started_at"], name="volact_volunteer_time_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d}"
