"""Site-wide records: periodic-job bookkeeping, the audit trail of personal-data access."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnly(models.Model):
    """A timeline entry (流转记录): written once, never changed or deleted, so history survives.

    The base of every app's timeline model (cases, hazards, alerts)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("timeline entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("timeline entries are append-only")


class PeriodicJob(models.Model):
    """When a periodic job (deadline sweep, warning scan, clean-up ...) is next due.

    Several workers may run at once: each claims a due job with a conditional UPDATE on
    ``next_run_at``, so exactly one of them enqueues it per period.
    """

    name = models.CharField(_("任务名"), max_length=100, unique=True)
    next_run_at = models.DateTimeField(_("下次运行"))
    last_run_at = models.DateTimeField(_("上次运行"), null=True, blank=True)

    class Meta:
        verbose_name = _("定时任务")
        verbose_name_plural = _("定时任务")

    def __str__(self) -> str:
        return self.name


class AuditEntry(models.Model):
    """Who saw or took out personal data, and when (审计): reveals and exports.

    Written by the action that reveals or exports, in the same request; append-only.
    """

    class Kind(models.TextChoices):
        EXPORT = "export", _("导出")
        REVEAL = "reveal", _("查看个人信息")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    user = models.ForeignKey(
        "accounts.User", verbose_name=_("用户"), on_delete=models.PROTECT, related_name="+"
    )
    object_type = models.CharField(_("对象类型"), max_length=50, blank=True)
    object_id = models.CharField(_("对象"), max_length=50, blank=True)
    reason = models.CharField(_("理由"), max_length=500, blank=True)
    detail: models.JSONField[Any, Any] = models.JSONField(_("详情"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


class RateCounter(models.Model):
    """How often one client did one thing in the current fixed window (限流计数).

    ``fengqiao.core.ratelimit`` increments it with conditional UPDATEs, so several web workers
    count together; rows of finished windows are pruned by a periodic job.
    """

    # Unique through Meta.constraints: on PostgreSQL unique=True would add a second "_like" index.
    key = models.CharField(_("键"), max_length=100)
    window_start = models.DateTimeField(_("窗口开始"))
    count = models.PositiveIntegerField(_("次数"), default=0)

    class Meta:
        verbose_name = _("限流计数")
        verbose_name_plural = _("限流计数")
        constraints = [models.UniqueConstraint(fields=["key"], name="ratecounter_key_unique")]

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class Generation(models.Model):
    """The stamp of the reference data (参考数据版本): one row whose ``value`` database triggers
    replace with a fresh random string on every write to the tables that routing, intake and
    token checks read (units, memberships, users, regions, categories, routing rules, API
    tokens), whoever writes them: a request, a bulk update, a command or another process.

    ``fengqiao.core.generation`` keeps per-process copies of those tables and reloads them when
    the stamp changes; see its docstring for why the value is random rather than a counter.
    """

    value = models.CharField(_("版本"), max_length=40)

    class Meta:
        verbose_name = _("参考数据版本")
        verbose_name_plural = _("参考数据版本")

    def __str__(self) -> str:
        return self.value
