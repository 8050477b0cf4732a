"""Alerts (预警) raised by the detectors, their timeline, and key periods (重要节点).

An alert is one pattern: a detector's dedupe key (``surge:<region>:<category>``,
``overdue:<case>``, ...) names it, and while an alert with that key is open the detector updates
it (wider window, more evidence, a higher level) instead of raising another. State changes go
through ``alerts.actions`` only; each appends an ``AlertEvent``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fengqiao.accounts.models import Unit
from fengqiao.alerts.thresholds import DEFAULTS, FIELDS
from fengqiao.cases.models import Case, Category
from fengqiao.core import notes
from fengqiao.core.models import AppendOnly
from fengqiao.core.notes import ShownNote
from fengqiao.regions.models import Region


class Level(models.TextChoices):
    """四色预警: red is the most serious."""

    RED = "red", _("红色预警")
    ORANGE = "orange", _("橙色预警")
    YELLOW = "yellow", _("黄色预警")
    BLUE = "blue", _("蓝色预警")


LEVEL_RANK = {Level.BLUE: 1, Level.YELLOW: 2, Level.ORANGE: 3, Level.RED: 4}


def level_rank(level: str) -> int:
    return LEVEL_RANK[Level(level)]


class AlertStatus(models.TextChoices):
    NEW = "new", _("待签收")
    ACKNOWLEDGED = "acknowledged", _("已签收")
    RESPONDING = "responding", _("处置中")
    CLOSED = "closed", _("已办结")
    FALSE_ALARM = "false_alarm", _("误报")


OPEN_ALERT_STATUSES = (AlertStatus.NEW, AlertStatus.ACKNOWLEDGED, AlertStatus.RESPONDING)


class Detector(models.TextChoices):
    OVERDUE = "overdue", _("超期未办结")
    ESCALATED = "escalated", _("多次上报")
    REPEAT_PARTIES = "repeat_parties", _("同一当事人反复纠纷")
    REPEAT_ADDRESS = "repeat_address", _("同一地址反复纠纷")
    REPEAT_GRID = "repeat_grid", _("同网格同类反复纠纷")
    MASS_INCIDENT = "mass_incident", _("群体性事件风险")
    VIOLENT_PHRASES = "violent_phrases", _("极端言行风险")
    SURGE = "surge", _("类别激增")
    STSCAN = "stscan", _("时空聚集")
    NEAR_REPEAT = "near_repeat", _("近重复")
    MISSING_REPORTS = "missing_reports", _("节点日报告缺报")
    HAZARD_OVERDUE = "hazard_overdue", _("隐患整改超期")


class AlertQuerySet(models.QuerySet["Alert"]):
    def visible_to(self, user: Any) -> AlertQuerySet:
        """Alerts in the user's territory or assigned to their units (as cases are)."""
        from fengqiao.accounts.scoping import scope_for

        return self.filter(scope_for(user).q(region_path="region_path", unit="assigned_unit"))

    def open(self) -> AlertQuerySet:
        return self.filter(status__in=OPEN_ALERT_STATUSES)


# Where in ``Alert.data`` a detector's title and explanation keep their templates (core.notes).
TITLE_TEMPLATE = "title_template"
EXPLANATION_TEMPLATE = "explanation_template"


class Alert(models.Model):
    detector = models.CharField(_("预警类型"), max_length=20, choices=Detector.choices)
    level = models.CharField(_("预警等级"), max_length=8, choices=Level.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=AlertStatus.choices, default=AlertStatus.NEW
    )
    # One open alert per pattern: the detector's key (e.g. "surge:430299001001:dispute-wages").
    dedupe_key = models.CharField(_("模式标识"), max_length=200, editable=False)
    title = models.CharField(_("标题"), max_length=200)
    explanation = models.TextField(_("研判说明"), max_length=5000)
    region = models.ForeignKey(
        Region, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="alerts"
    )
    region_path = models.CharField(max_length=80, editable=False)
    category = models.ForeignKey(
        Category,
        verbose_name=_("类别"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alerts",
    )
    window_start = models.DateTimeField(_("时间窗起"))
    window_end = models.DateTimeField(_("时间窗止"))
    evidence = models.ManyToManyField(
        Case, verbose_name=_("相关事件"), related_name="alerts", blank=True
    )
    data: models.JSONField[Any, Any] = models.JSONField(_("研判数据"), default=dict, blank=True)
    assigned_unit = models.ForeignKey(
        Unit,
        verbose_name=_("处置单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alerts",
    )
    response_notes = models.TextField(_("处置记录"), blank=True, max_length=10000)
    raised_at = models.DateTimeField(_("首次预警时间"))
    last_seen_at = models.DateTimeField(_("最近研判时间"))
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["-last_seen_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                name="alert_open_dedupe_unique",
                condition=Q(status__in=["new", "acknowledged", "responding"]),
            )
        ]
        indexes = [
            models.Index(
                fields=["region_path"],
                name="alert_region_path_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["status", "level"], name="alert_status_level_idx"),
            models.Index(fields=["dedupe_key", "-raised_at"], name="alert_key_idx"),
        ]

    def __str__(self) -> str:
        return f"[{self.get_level_display()}] {self.shown_title}"

    @property
    def shown_title(self) -> str:
        """The title in the active language (a detector's is translated; core.notes)."""
        return notes.shown(self.title, self.data, TITLE_TEMPLATE)

    @property
    def shown_explanation(self) -> str:
        return notes.shown(self.explanation, self.data, EXPLANATION_TEMPLATE)

    @property
    def title_note(self) -> str | notes.SystemNote:
        """The title as written (a detector's template, or a person's text), to quote."""
        return notes.recalled(self.title, self.data, TITLE_TEMPLATE)

    @property
    def explanation_note(self) -> str | notes.SystemNote:
        return notes.recalled(self.explanation, self.data, EXPLANATION_TEMPLATE)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ALERT_STATUSES


class AlertAction(models.TextChoices):
    RAISE = "raise", _("发出预警")
    UPDATE = "update", _("研判更新")
    ACKNOWLEDGE = "acknowledge", pgettext_lazy("alert", "签收")
    RESPOND = "respond", _("处置")
    CLOSE = "close", _("办结")
    FALSE_ALARM = "false_alarm", _("标记误报")


class AlertEvent(ShownNote, AppendOnly):
    """One step on an alert's timeline. Append-only."""

    alert = models.ForeignKey(
        Alert, verbose_name=_("预警"), on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(_("动作"), max_length=16, choices=AlertAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    from_status = models.CharField(
        _("原状态"), max_length=16, choices=AlertStatus.choices, blank=True
    )
    to_status = models.CharField(_("新状态"), max_length=16, choices=AlertStatus.choices)
    level = models.CharField(_("等级"), max_length=8, choices=Level.choices)
    note = models.TextField(_("说明"), blank=True, max_length=5000)
    data: models.JSONField[Any, Any] = models.JSONField(_("数据"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("预警记录")
        verbose_name_plural = _("预警记录")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["alert", "created_at"], name="alertevent_alert_time_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.created_at:%Y-%m-%d %H:%M}"


class KeyPeriod(models.Model):
    """A key period (重要节点安保, e.g. a festival or a major meeting) with stricter thresholds.

    During it, every rule threshold in its regions (all regions when none are chosen) is
    multiplied by ``threshold_multiplier`` (0.5 halves them), and each community files a daily
    report (``DailyReport``), "nothing to report" included.
    """

    name = models.CharField(_("名称"), max_length=100)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    regions = models.ManyToManyField(
        Region,
        verbose_name=_("适用区域"),
        blank=True,
        related_name="+",
        help_text=_("留空则适用于全辖区。"),
    )
    threshold_multiplier = models.FloatField(
        _("阈值系数"),
        default=0.5,
        validators=[MinValueValidator(0.1), MaxValueValidator(1.0)],
        help_text=_("0.5 表示各项预警阈值减半。"),
    )
    daily_report = models.BooleanField(_("要求社区每日报告"), default=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("重要节点")
        verbose_name_plural = _("重要节点")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="keyperiod_dates_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.starts_on}—{self.ends_on}）"


class DailyReport(models.Model):
    """A community's daily report during a key period (日报告), "nothing to report" included."""

    key_period = models.ForeignKey(
        KeyPeriod, verbose_name=_("重要节点"), on_delete=models.PROTECT, related_name="reports"
    )
    community = models.ForeignKey(
        Region, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("日期"))
    nothing_to_report = models.BooleanField(_("无异常"), default=False)
    content = models.TextField(_("报告内容"), blank=True, max_length=5000)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报告人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("报告时间"))

    class Meta:
        verbose_name = _("节点日报告")
        verbose_name_plural = _("节点日报告")
        ordering = ["-day", "community"]
        constraints = [
            models.UniqueConstraint(
                fields=["key_period", "community", "day"], name="dailyreport_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.community} {self.day}"


def _count(label: Any, default: int, meaning: Any) -> models.PositiveSmallIntegerField[Any, Any]:
    """A threshold field: blank means "keep the value below" (lazy texts stay lazy)."""
    return models.PositiveSmallIntegerField(
        label,
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=format_lazy(
            _("{meaning}留空则沿用默认值（{default}）。"), meaning=meaning, default=default
        ),
    )


class Thresholds(models.Model):
    """Alert thresholds (预警阈值) set by an administrator: for one category, or for the whole
    district (no category). A blank field keeps the value below it; the most specific wins:
    the built-in defaults, then the district row, then the built-in values for the category
    (``alerts.thresholds.CATEGORY_THRESHOLDS``), then the category's row. Key periods multiply
    the result.
    """

    category = models.OneToOneField(
        Category,
        verbose_name=_("事件类别"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("留空则为全辖区默认值；类别按代码精确匹配（大类的设置不传给小类）。"),
    )
    overdue_cases = _count(
        _("超期事件数"),
        DEFAULTS.overdue_cases,
        _("一个社区有这么多件超期事件即黄色预警（两倍为橙色），只在全辖区设置中生效。"),
    )
    long_overdue_days = _count(
        _("严重超期天数"),
        DEFAULTS.long_overdue_days,
        _("任一事件超期这么多天即橙色预警，只在全辖区设置中生效。"),
    )
    escalations = _count(
        _("上报次数"), DEFAULTS.escalations, _("一件事件上报这么多次即黄色预警，再多一次为橙色。")
    )
    repeat_count = _count(
        _("反复纠纷次数"),
        DEFAULTS.repeat_count,
        _("同一当事人、地址或网格同类纠纷在时间窗内达到这么多件即预警。"),
    )
    repeat_days = _count(_("反复纠纷时间窗（天）"), DEFAULTS.repeat_days, _("统计反复纠纷的天数。"))
    mass_people = _count(
        _("群体性事件人数（橙色）"), DEFAULTS.mass_people, _("涉及人数达到即橙色预警。")
    )
    mass_people_red = _count(
        _("群体性事件人数（红色）"),
        DEFAULTS.mass_people_red,
        _("涉及人数达到即红色预警，须大于橙色人数。"),
    )
    surge_min_cases = _count(
        _("激增最少件数"), DEFAULTS.surge_min_cases, _("激增预警要求最近三天至少这么多件。")
    )

    class Meta:
        verbose_name = _("预警阈值")
        verbose_name_plural = _("预警阈值")
        constraints = [
            # One district-wide row: the category's own uniqueness does not cover NULL.
            models.UniqueConstraint(
                Coalesce("category", 0), name="alerts_thresholds_one_per_category"
            )
        ]

    def __str__(self) -> str:
        return str(self.category) if self.category_id else str(_("全辖区默认"))

    def clean(self) -> None:
        if (
            self.mass_people is not None
            and self.mass_people_red is not None
            and self.mass_people_red <= self.mass_people
        ):
            raise ValidationError(
                {
                    "mass_people_red": _("红色预警人数须大于橙色预警人数（%(n)d）。")
                    % {"n": self.mass_people}
                }
            )

    def values(self) -> dict[str, int]:
        """The fields that are set, by name (those of ``alerts.thresholds.RuleThresholds``)."""
        return {name: value for name in FIELDS if (value := getattr(self, name)) is not None}
