"""Prevention (风险防范): key places, the hazard register, rolling inspections, project cases.

- ``Place`` (重点场所): a school, market, construction project, enterprise, rental-housing
  cluster or other place that is inspected and visited; it lies in a grid.
- ``Hazard`` (风险隐患台账): a risk found before it becomes a case, with a responsible unit, a
  rectification deadline in working days and a sign-off (销号); ``HazardEvent`` is its
  append-only timeline and ``HazardPhoto`` its evidence.
- ``InspectionPlan`` (滚动排查计划) recurs every N days, weeks or months over a region's grids,
  the places of a type or one place; the worker turns each occurrence into ``InspectionTask``
  rows, and an ``InspectionRecord`` answers the plan's checklist and may open hazards.
- ``ProjectCase`` links a case to a construction project (项目建设环境"即时清淤"), and
  ``OwnerEvaluation`` is the owner's (业主) verdict after each resolution.

Every state change goes through ``hazards.actions``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fengqiao.accounts.models import Unit
from fengqiao.cases.models import Case
from fengqiao.core.fields import EncryptedTextField
from fengqiao.core.models import AppendOnly
from fengqiao.core.notes import ShownNote
from fengqiao.hazards.choices import (
    DeadlineState,
    Evaluation,
    HazardAction,
    HazardLevel,
    HazardSource,
    HazardStatus,
    HazardType,
    PeriodUnit,
    PlaceType,
    TaskStatus,
)
from fengqiao.regions.models import Region

USER = settings.AUTH_USER_MODEL


def _scope_q(user: Any, unit_field: str | None) -> Q:
    from fengqiao.accounts.scoping import scope_for

    return scope_for(user).q(region_path="region_path", unit=unit_field)


class PlaceQuerySet(models.QuerySet["Place"]):
    def visible_to(self, user: Any) -> PlaceQuerySet:
        """The places in the user's territory (``accounts.scoping``)."""
        return self.filter(_scope_q(user, None))


class HazardQuerySet(models.QuerySet["Hazard"]):
    def visible_to(self, user: Any) -> HazardQuerySet:
        """The user's territory, plus what their units must rectify wherever it lies."""
        return self.filter(_scope_q(user, "responsible_unit"))


class PlanQuerySet(models.QuerySet["InspectionPlan"]):
    def visible_to(self, user: Any) -> PlanQuerySet:
        return self.filter(_scope_q(user, "unit"))


class TaskQuerySet(models.QuerySet["InspectionTask"]):
    def visible_to(self, user: Any) -> TaskQuerySet:
        return self.filter(_scope_q(user, None))


class RecordQuerySet(models.QuerySet["InspectionRecord"]):
    def visible_to(self, user: Any) -> RecordQuerySet:
        return self.filter(_scope_q(user, None))


class Place(models.Model):
    """重点场所: a key place in a grid, with the people responsible for it."""

    place_type = models.CharField(_("场所类型"), max_length=16, choices=PlaceType.choices)
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lon = models.FloatField(_("经度"))
    lat = models.FloatField(_("纬度"))
    grid = models.ForeignKey(
        Region, verbose_name=_("所属网格"), on_delete=models.PROTECT, related_name="places"
    )
    region_path = models.CharField(max_length=80, editable=False)
    responsible_unit = models.ForeignKey(
        Unit,
        verbose_name=_("监管单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="places",
    )
    contact_name = EncryptedTextField(_("负责人"), blank=True)
    contact_phone = EncryptedTextField(_("负责人电话"), blank=True)
    # Construction projects (建设项目) only: the owner (业主) and the contractor (施工单位).
    owner = models.CharField(_("业主单位"), max_length=100, blank=True)
    owner_contact = EncryptedTextField(_("业主联系人"), blank=True)
    owner_phone = EncryptedTextField(_("业主联系电话"), blank=True)
    contractor = models.CharField(_("施工单位"), max_length=100, blank=True)
    closed = models.BooleanField(_("已关闭"), default=False)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("登记人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("重点场所")
        verbose_name_plural = _("重点场所")
        ordering = ["region_path", "name"]
        indexes = [
            models.Index(
                fields=["region_path"],
                name="place_region_path_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["place_type", "closed"], name="place_type_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class Hazard(models.Model):
    """风险隐患: a risk in the register, followed from finding to sign-off (销号)."""

    hazard_type = models.CharField(_("隐患类型"), max_length=20, choices=HazardType.choices)
    level = models.CharField(_("隐患等级"), max_length=10, choices=HazardLevel.choices)
    title = models.CharField(_("隐患名称"), max_length=100)
    description = models.TextField(_("隐患描述"), max_length=5000)
    place = models.ForeignKey(
        Place,
        verbose_name=_("场所"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hazards",
    )
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    address = models.CharField(_("地点"), max_length=200, blank=True)
    # The grid where it lies; a hazard raised from a case located only to a community lies there.
    region = models.ForeignKey(
        Region, verbose_name=_("所属网格/区域"), on_delete=models.PROTECT, related_name="hazards"
    )
    region_path = models.CharField(max_length=80, editable=False)
    source = models.CharField(_("发现方式"), max_length=12, choices=HazardSource.choices)
    case = models.ForeignKey(
        Case,
        verbose_name=_("来源事件"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hazards",
    )
    inspection = models.ForeignKey(
        "InspectionRecord",
        verbose_name=_("来源排查"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
    )
    raised_case = models.ForeignKey(
        Case,
        verbose_name=_("转办事件"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="raised_from_hazards",
    )
    responsible_unit = models.ForeignKey(
        Unit,
        verbose_name=_("责任单位"),
        on_delete=models.PROTECT,
        related_name="hazards",
        db_index=False,  # covered by hazard_unit_status_idx
    )
    responsible_person = models.CharField(_("责任人"), max_length=50, blank=True)
    responsible_phone = EncryptedTextField(_("责任人电话"), blank=True)
    measures = models.TextField(_("整改措施"), max_length=2000)
    found_at = models.DateTimeField(_("发现时间"))
    due_at = models.DateTimeField(_("整改期限"), null=True, blank=True)
    deadline_state = models.CharField(
        _("期限状态"), max_length=8, choices=DeadlineState.choices, default=DeadlineState.NORMAL
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=HazardStatus.choices, default=HazardStatus.IDENTIFIED
    )
    rectification_note = models.TextField(_("整改情况"), max_length=2000, blank=True)
    rectified_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)
    verified_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    reported_by = models.ForeignKey(
        USER, verbose_name=_("登记人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submission_key = models.CharField(max_length=64, blank=True, default="", editable=False)
    created_at = models.DateTimeField(_("登记时间"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = HazardQuerySet.as_manager()

    class Meta:
        verbose_name = _("风险隐患")
        verbose_name_plural = _("风险隐患台账")
        ordering = ["-found_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission_key"],
                name="hazard_submission_key_unique",
                condition=~Q(submission_key=""),
            ),
        ]
        indexes = [
            # The overdue job reads only running deadlines not yet flagged.
            models.Index(
                fields=["due_at"],
                name="hazard_overdue_idx",
                condition=Q(
                    due_at__isnull=False,
                    deadline_state="normal",
                    status__in=["identified", "rectifying", "escalated"],
                ),
            ),
            models.Index(fields=["responsible_unit", "status"], name="hazard_unit_status_idx"),
            models.Index(
                fields=["region_path"],
                name="hazard_region_path_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["status", "level"], name="hazard_status_level_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.title}"


class HazardEvent(ShownNote, AppendOnly):
    """One step on a hazard's timeline. Append-only: never updated or deleted."""

    hazard = models.ForeignKey(
        Hazard, verbose_name=_("隐患"), on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(_("动作"), max_length=16, choices=HazardAction.choices)
    actor = models.ForeignKey(
        USER, verbose_name=_("操作人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_status = models.CharField(_("原状态"), max_length=12, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, blank=True)
    note = models.TextField(_("说明"), max_length=2000, blank=True)
    data: models.JSONField[Any, Any] = models.JSONField(_("数据"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("隐患记录")
        verbose_name_plural = _("隐患记录")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["hazard", "created_at"], name="hazardevent_time_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.created_at:%Y-%m-%d %H:%M}"


def photo_path(instance: HazardPhoto, filename: str) -> str:
    return f"hazards/{instance.hazard_id}/{instance.stored_name}"


class HazardPhoto(models.Model):
    """Evidence: a photo of the finding or of the rectification, re-encoded without EXIF."""

    class Stage(models.TextChoices):
        FINDING = "finding", _("隐患照片")
        RECTIFICATION = "rectification", _("整改照片")

    hazard = models.ForeignKey(
        Hazard, verbose_name=_("隐患"), on_delete=models.PROTECT, related_name="photos"
    )
    stage = models.CharField(_("阶段"), max_length=14, choices=Stage.choices)
    file = models.FileField(_("文件"), upload_to=photo_path, max_length=200)
    stored_name = models.CharField(max_length=60, editable=False)
    original_name = models.CharField(_("文件名"), max_length=100)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_by = models.ForeignKey(
        USER, verbose_name=_("上传人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("隐患照片")
        verbose_name_plural = _("隐患照片")

    def __str__(self) -> str:
        return self.original_name


class InspectionPlan(models.Model):
    """滚动排查计划: what to inspect, how often, with which checklist.

    The target is one place, or the open places of ``place_type`` in ``region``'s subtree, or
    (with neither) every grid in ``region``'s subtree. ``complete_within`` working days from an
    occurrence is the task's deadline.
    """

    name = models.CharField(_("计划名称"), max_length=100)
    unit = models.ForeignKey(
        Unit, verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="inspection_plans"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("范围"), on_delete=models.PROTECT, related_name="inspection_plans"
    )
    region_path = models.CharField(max_length=80, editable=False)
    place_type = models.CharField(
        _("场所类型"), max_length=16, choices=PlaceType.choices, blank=True
    )
    place = models.ForeignKey(
        Place,
        verbose_name=_("场所"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspection_plans",
    )
    every = models.PositiveIntegerField(_("每隔"))
    period_unit = models.CharField(_("周期单位"), max_length=8, choices=PeriodUnit.choices)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    complete_within = models.PositiveIntegerField(_("完成时限（工作日）"), default=5)
    checklist: models.JSONField[Any, Any] = models.JSONField(_("检查项"), default=list)
    active = models.BooleanField(_("启用"), default=True)
    # The last occurrence turned into tasks; the job starts after it.
    generated_through = models.DateField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        USER, verbose_name=_("制定人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("制定时间"), auto_now_add=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("排查计划")
        verbose_name_plural = _("排查计划")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(every__gte=1), name="plan_every_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class InspectionTask(models.Model):
    """One due inspection of a place or grid (排查任务), for the grid's workers.

    Unique per plan, target and occurrence, so the generating job may run twice or on two
    workers at once and still create each task exactly once.
    """

    plan = models.ForeignKey(
        InspectionPlan, verbose_name=_("计划"), on_delete=models.PROTECT, related_name="tasks"
    )
    place = models.ForeignKey(
        Place,
        verbose_name=_("场所"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspection_tasks",
    )
    grid = models.ForeignKey(
        Region, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="inspection_tasks"
    )
    region_path = models.CharField(max_length=80, editable=False)
    scheduled_for = models.DateField(_("排查日期"))
    due_at = models.DateTimeField(_("完成期限"))
    status = models.CharField(
        _("状态"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.PENDING
    )
    overdue = models.BooleanField(_("已超期"), default=False)
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    completed_by = models.ForeignKey(
        USER, verbose_name=_("排查人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("生成时间"))

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("排查任务")
        verbose_name_plural = _("排查任务")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "place", "scheduled_for"],
                name="task_place_occurrence_unique",
                condition=Q(place__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["plan", "grid", "scheduled_for"],
                name="task_grid_occurrence_unique",
                condition=Q(place__isnull=True),
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="task_overdue_idx",
                condition=Q(status="pending", overdue=False),
            ),
            models.Index(
                fields=["due_at"],
                name="task_remind_idx",
                condition=Q(status="pending", reminded_at__isnull=True),
            ),
            models.Index(fields=["grid", "status", "due_at"], name="task_grid_status_idx"),
        ]

    def __str__(self) -> str:
        target = self.place.name if self.place_id and self.place else self.grid.name
        return f"{self.plan.name} · {target} · {self.scheduled_for}"


class InspectionRecord(models.Model):
    """排查记录: one inspection with every checklist item answered, and what was found."""

    task = models.OneToOneField(
        InspectionTask,
        verbose_name=_("任务"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="record",
    )
    place = models.ForeignKey(
        Place,
        verbose_name=_("场所"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
    )
    grid = models.ForeignKey(
        Region, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="inspections"
    )
    region_path = models.CharField(max_length=80, editable=False)
    inspector = models.ForeignKey(
        USER, verbose_name=_("排查人"), on_delete=models.PROTECT, related_name="inspections"
    )
    inspected_at = models.DateTimeField(_("排查时间"))
    # [{"item": "消防通道畅通", "answer": "ok" | "problem" | "na", "note": ""}, ...]
    answers: models.JSONField[Any, Any] = models.JSONField(_("检查结果"), default=list)
    notes = models.TextField(_("排查情况"), max_length=2000, blank=True)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    submission_key = models.CharField(max_length=64, blank=True, default="", editable=False)
    created_at = models.DateTimeField(_("记录时间"))

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("排查记录")
        verbose_name_plural = _("排查记录")
        ordering = ["-inspected_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission_key"],
                name="inspection_submission_key_unique",
                condition=~Q(submission_key=""),
            ),
        ]
        indexes = [models.Index(fields=["grid", "inspected_at"], name="inspection_grid_idx")]

    def __str__(self) -> str:
        return f"{self.grid.name} {self.inspected_at:%Y-%m-%d}"


class ProjectCase(models.Model):
    """A case about a construction project (项目建设环境): a complaint or an obstruction."""

    project = models.ForeignKey(
        Place, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="project_cases"
    )
    # Nullable so the case can be removed by an administrator without losing the project's
    # history; the cases app knows nothing of this link.
    case = models.OneToOneField(
        Case,
        verbose_name=_("事件"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="project_link",
    )
    linked_by = models.ForeignKey(
        USER, verbose_name=_("关联人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    linked_at = models.DateTimeField(_("关联时间"))

    class Meta:
        verbose_name = _("项目事件")
        verbose_name_plural = _("项目事件")

    def __str__(self) -> str:
        return f"{self.project} · {self.case_id}"


class OwnerEvaluation(models.Model):
    """业主评价: the project owner's verdict after one resolution of a linked case."""

    link = models.ForeignKey(
        ProjectCase,
        verbose_name=_("项目事件"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    resolved_at = models.DateTimeField(_("所评办结时间"))
    evaluation = models.CharField(_("评价"), max_length=10, choices=Evaluation.choices)
    comment = models.CharField(_("意见"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("记录人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("评价时间"))

    class Meta:
        verbose_name = _("业主评价")
        verbose_name_plural = _("业主评价")
        constraints = [
            models.UniqueConstraint(
                fields=["link", "resolved_at"], name="owner_evaluation_once_per_resolution"
            )
        ]

    def __str__(self) -> str:
        return self.get_evaluation_display()
