"""Cases (事件) and everything that hangs off them: categories, routing rules, the timeline.

A case is anything reported for governance to act on: a dispute, a hazard, a request or
complaint, a petition, an emergency. Its state changes only through ``cases.actions``; each
change appends a ``CaseEvent`` to its timeline in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fengqiao.accounts.models import Tier, Unit, UnitKind
from fengqiao.cases.choices import (
    OPEN_STATUSES,
    Action,
    Card,
    CaseKind,
    Channel,
    DeadlineState,
    Priority,
    Rating,
    Status,
    TimeUnit,
)
from fengqiao.core.fields import EncryptedTextField
from fengqiao.core.models import AppendOnly
from fengqiao.core.notes import ShownNote
from fengqiao.regions.models import Region


class Category(models.Model):
    """A two-level category tree (大类/小类) with the handling and deadline policy of each."""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("大类"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    kind = models.CharField(_("事件类型"), max_length=16, choices=CaseKind.choices)
    description = models.CharField(
        _("通俗说明"), max_length=200, blank=True, help_text=_("给群众看的简短说明。")
    )
    default_unit_kind = models.CharField(
        _("默认承办单位类型"), max_length=16, choices=UnitKind.choices, default=UnitKind.CENTRE
    )
    default_tier = models.CharField(
        _("默认承办层级"), max_length=16, choices=Tier.choices, default=Tier.COMMUNITY
    )
    priority = models.CharField(
        _("优先级"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    accept_within = models.PositiveIntegerField(_("受理时限"), default=1)
    accept_unit = models.CharField(
        _("受理时限单位"), max_length=8, choices=TimeUnit.choices, default=TimeUnit.DAYS
    )
    resolve_within = models.PositiveIntegerField(_("办结时限"), default=15)
    resolve_unit = models.CharField(
        _("办结时限单位"), max_length=8, choices=TimeUnit.choices, default=TimeUnit.DAYS
    )
    follow_up_within = models.PositiveIntegerField(_("回访时限"), default=5)
    follow_up_unit = models.CharField(
        _("回访时限单位"), max_length=8, choices=TimeUnit.choices, default=TimeUnit.DAYS
    )
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("事件类别")
        verbose_name_plural = _("事件类别")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.parent.name}/{self.name}" if self.parent_id and self.parent else self.name

    @property
    def is_leaf(self) -> bool:
        return self.parent_id is not None


class RoutingRule(models.Model):
    """Where cases of a category (or its parent, or any) in a region subtree go first.

    The most specific rule wins: a category beats its parent beats none; a deeper region beats a
    shallower one. A rule names either a unit or a unit kind and tier, resolved to the unit of
    that kind whose jurisdiction covers the case's grid.
    """

    category = models.ForeignKey(
        Category,
        verbose_name=_("类别"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text=_("留空则适用于所有类别。"),
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("区域"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text=_("留空则适用于全辖区。"),
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("指定单位"), on_delete=models.CASCADE, null=True, blank=True
    )
    unit_kind = models.CharField(_("单位类型"), max_length=16, choices=UnitKind.choices, blank=True)
    tier = models.CharField(_("层级"), max_length=16, choices=Tier.choices, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("分派规则")
        verbose_name_plural = _("分派规则")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | (~Q(unit_kind="") & ~Q(tier="")),
                name="routing_rule_has_target",
            )
        ]

    def __str__(self) -> str:
        target = (
            self.unit.name
            if self.unit
            else f"{self.get_tier_display()}{self.get_unit_kind_display()}"
        )
        return f"{self.category or _('全部类别')} @ {self.region or _('全辖区')} → {target}"


class CaseNumber(models.Model):
    """Per-day counter behind readable case numbers (FQ-20261129-00042)."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: Any) -> CaseQuerySet:
        """The cases ``user`` may see: their territory plus work assigned to their units."""
        from fengqiao.accounts.scoping import scope_for

        return self.filter(scope_for(user).q(region_path="region_path", unit="current_unit"))


class Case(models.Model):
    # Unique through Meta.constraints, not unique=True: on PostgreSQL unique=True also builds a
    # second "_like" index per column, which every sweep UPDATE would have to maintain.
    number = models.CharField(_("编号"), max_length=20, editable=False)
    tracking_code = models.CharField(_("查询码"), max_length=16, editable=False)
    # A key the submitting form or client sends once per report, so that a resubmitted form or
    # a retried request returns the case already created instead of a second one.
    submission_key = models.CharField(max_length=64, blank=True, default="", editable=False)
    kind = models.CharField(_("事件类型"), max_length=16, choices=CaseKind.choices)
    category = models.ForeignKey(
        Category, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="cases"
    )
    title = models.CharField(_("标题"), max_length=100)
    description = models.TextField(_("描述"), max_length=5000)
    occurred_at = models.DateTimeField(_("发生时间"))
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("所属网格/区域"), on_delete=models.PROTECT, related_name="cases"
    )
    # The region's path, copied so that scoping and statistics filter without a join.
    region_path = models.CharField(max_length=80, editable=False)
    channel = models.CharField(_("来源渠道"), max_length=16, choices=Channel.choices)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上报人账号"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reported_cases",
    )
    anonymous = models.BooleanField(_("匿名"), default=False)
    reporter_name = EncryptedTextField(_("联系人"), blank=True)
    reporter_phone = EncryptedTextField(_("联系电话"), blank=True)
    people_involved = models.PositiveIntegerField(
        _("涉及人数"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100000)]
    )
    priority = models.CharField(
        _("优先级"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    suspended_status = models.CharField(
        max_length=16, choices=Status.choices, blank=True, editable=False
    )
    # No index of its own: case_unit_status_idx starts with this column.
    current_unit = models.ForeignKey(
        Unit,
        verbose_name=_("当前承办单位"),
        on_delete=models.PROTECT,
        related_name="current_cases",
        db_index=False,
    )
    current_tier = models.CharField(_("当前层级"), max_length=16, choices=Tier.choices)
    dispatcher_unit = models.ForeignKey(
        Unit,
        verbose_name=_("交办单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dispatched_cases",
        db_index=False,  # covered by case_dispatcher_status_idx
    )
    submitted_at = models.DateTimeField(_("上报时间"))
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    accept_due_at = models.DateTimeField(_("受理期限"), null=True, blank=True)
    resolve_due_at = models.DateTimeField(_("办结期限"), null=True, blank=True)
    follow_up_due_at = models.DateTimeField(_("回访期限"), null=True, blank=True)
    # The deadline that matters in the current status; null when none runs (or it is paused).
    due_at = models.DateTimeField(_("当前期限"), null=True, blank=True)
    due_soon_at = models.DateTimeField(null=True, blank=True, editable=False)
    deadline_state = models.CharField(
        _("期限状态"), max_length=8, choices=DeadlineState.choices, default=DeadlineState.NORMAL
    )
    suspended_at = models.DateTimeField(_("挂起时间"), null=True, blank=True)
    escalations = models.PositiveIntegerField(_("上报次数"), default=0)
    auto_escalated_at = models.DateTimeField(null=True, blank=True, editable=False)
    handled_on_spot = models.BooleanField(_("即时处置"), default=False)
    outcome = models.TextField(_("办理结果"), blank=True, max_length=5000)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    resolved_tier = models.CharField(_("化解层级"), max_length=16, choices=Tier.choices, blank=True)
    resolved_unit = models.ForeignKey(
        Unit,
        verbose_name=_("办结单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resolved_cases",
    )
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    reject_reason = models.CharField(_("不予受理理由"), max_length=500, blank=True)
    followed_up_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    follow_up_satisfied = models.BooleanField(_("回访满意"), null=True, blank=True)
    follow_up_note = models.CharField(_("回访记录"), max_length=1000, blank=True)
    rating = models.CharField(_("群众评价"), max_length=12, choices=Rating.choices, blank=True)
    rating_comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    reopened = models.PositiveIntegerField(_("重新办理次数"), default=0)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("并入"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("事件")
        verbose_name_plural = _("事件")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="case_number_unique"),
            models.UniqueConstraint(fields=["tracking_code"], name="case_tracking_code_unique"),
            models.UniqueConstraint(
                fields=["submission_key"],
                name="case_submission_key_unique",
                condition=~Q(submission_key=""),
            ),
        ]
        indexes = [
            # The deadline sweep reads only open, running cases by their next threshold.
            models.Index(
                fields=["due_soon_at"],
                name="case_due_soon_idx",
                condition=Q(deadline_state="normal", due_soon_at__isnull=False),
            ),
            models.Index(
                fields=["due_at"],
                name="case_overdue_idx",
                condition=Q(due_at__isnull=False) & ~Q(deadline_state="overdue"),
            ),
            models.Index(
                fields=["due_at"],
                name="case_escalate_idx",
                condition=Q(deadline_state="overdue", auto_escalated_at__isnull=True),
            ),
            models.Index(fields=["current_unit", "status"], name="case_unit_status_idx"),
            # The measures (cases.measures) read a period by each measure's own timestamp. These
            # are set only when a case is resolved, closed or rated, so a new case is not
            # entered in these partial indexes.
            models.Index(
                fields=["resolved_at"],
                name="case_resolved_at_idx",
                condition=Q(resolved_at__isnull=False),
            ),
            models.Index(
                fields=["closed_at"],
                name="case_closed_at_idx",
                condition=Q(closed_at__isnull=False),
            ),
            models.Index(
                fields=["rated_at"], name="case_rated_at_idx", condition=Q(rated_at__isnull=False)
            ),
            models.Index(
                fields=["region_path"],
                name="case_region_path_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["submitted_at"], name="case_submitted_idx"),
            # The workbench lists sort by the running deadline; with this index the database
            # walks it and stops after a page instead of sorting every visible case.
            models.Index(fields=["due_at", "-submitted_at"], name="case_deadline_order_idx"),
            # "My work": what a centre dispatched and must verify or visit.
            models.Index(
                fields=["dispatcher_unit", "status", "followed_up_at"],
                name="case_dispatcher_status_idx",
            ),
            models.Index(fields=["status", "category"], name="case_status_category_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Party(models.Model):
    """A person or organisation in a dispute (当事人); the mediation issue builds on it."""

    class Role(models.TextChoices):
        APPLICANT = "applicant", _("申请人")
        RESPONDENT = "respondent", _("被申请人")
        THIRD = "third", _("第三人")

    class Type(models.TextChoices):
        PERSON = "person", _("自然人")
        ORGANISATION = "organisation", _("单位")

    case = models.ForeignKey(
        Case, verbose_name=_("事件"), on_delete=models.PROTECT, related_name="parties"
    )
    role = models.CharField(_("角色"), max_length=12, choices=Role.choices)
    party_type = models.CharField(
        _("类型"), max_length=12, choices=Type.choices, default=Type.PERSON
    )
    name = EncryptedTextField(_("姓名/名称"))
    phone = EncryptedTextField(_("联系电话"), blank=True)
    id_number = EncryptedTextField(_("身份证号/统一社会信用代码"), blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")

    def __str__(self) -> str:
        return f"{self.get_role_display()}"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"cases/{instance.case.number}/{instance.stored_name}"


class Attachment(models.Model):
    """A photo or document attached to a case, checked by content; images re-encoded."""

    case = models.ForeignKey(
        Case, verbose_name=_("事件"), on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    stored_name = models.CharField(max_length=60, editable=False)
    original_name = models.CharField(_("文件名"), max_length=100)
    content_type = models.CharField(_("类型"), max_length=100)
    kind = models.CharField(_("种类"), max_length=10)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.original_name


class CaseEvent(ShownNote, AppendOnly):
    """One step on a case's timeline (流转记录). Append-only: never updated or deleted."""

    case = models.ForeignKey(
        Case, verbose_name=_("事件"), on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(_("动作"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    actor_unit = models.ForeignKey(
        Unit,
        verbose_name=_("操作单位"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    from_status = models.CharField(_("原状态"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=Status.choices, blank=True)
    from_unit = models.ForeignKey(
        Unit,
        verbose_name=_("原单位"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    to_unit = models.ForeignKey(
        Unit,
        verbose_name=_("新单位"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("说明"), blank=True, max_length=5000)
    data: models.JSONField[Any, Any] = models.JSONField(_("数据"), default=dict, blank=True)
    public = models.BooleanField(_("对群众公开"), default=False)
    created_at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "created_at"], name="caseevent_case_time_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.created_at:%Y-%m-%d %H:%M}"


class ExtensionRequest(models.Model):
    """A handling unit's request for more time (延期申请), decided by the dispatching centre."""

    class State(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已同意")
        DENIED = "denied", _("已驳回")
        # The case left the unit that asked (上报, 退回, 下派, 重新打开), or that unit resolved it
        # or it was merged, before anyone decided: no one can decide it any more.
        LAPSED = "lapsed", _("已失效")

    case = models.ForeignKey(
        Case, verbose_name=_("事件"), on_delete=models.PROTECT, related_name="extension_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("申请单位"), on_delete=models.PROTECT, related_name="+"
    )
    days = models.PositiveIntegerField(
        _("延期工作日"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    reason = models.CharField(_("理由"), max_length=500)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("申请时间"))

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.days}"


class Supervision(models.Model):
    """A supervision card (督办): a higher unit urges the handling unit; it counts against it."""

    case = models.ForeignKey(
        Case, verbose_name=_("事件"), on_delete=models.PROTECT, related_name="supervisions"
    )
    card = models.CharField(_("督办等级"), max_length=8, choices=Card.choices)
    by_unit = models.ForeignKey(
        Unit, verbose_name=_("督办单位"), on_delete=models.PROTECT, related_name="+"
    )
    target_unit = models.ForeignKey(
        Unit,
        verbose_name=_("被督办单位"),
        on_delete=models.PROTECT,
        related_name="supervisions_received",
    )
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("督办人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    note = models.CharField(_("督办意见"), max_length=1000)
    created_at = models.DateTimeField(_("督办时间"))

    class Meta:
        verbose_name = _("督办")
        verbose_name_plural = _("督办")

    def __str__(self) -> str:
        return f"{self.get_card_display()} {self.created_at:%Y-%m-%d}"
