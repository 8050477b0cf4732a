"""The notification outbox (通知): rows written in the same transaction as the change they
announce, delivered afterwards by the worker with retries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fengqiao.accounts.models import Unit
from fengqiao.core import notes
from fengqiao.core.fields import EncryptedTextField

# Where a notice's subject and body templates are kept in ``Notification.data`` (core.notes).
SUBJECT_KEY = "subject_template"
BODY_KEY = "body_template"


class Channel(models.TextChoices):
    INBOX = "inbox", _("站内消息")
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")


class State(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class Notification(models.Model):
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("接收单位"), on_delete=models.PROTECT, null=True, blank=True
    )
    address = EncryptedTextField(_("地址/号码"), blank=True)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), max_length=2000)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("事件"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
    )
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    # The subject's and body's templates when the software wrote them (core.notes), so that an
    # inbox shows them in the reader's language; ``link``, a page of the site to open.
    data = models.JSONField(_("数据"), default=dict, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="notification_pending_idx",
                condition=Q(state="pending"),
            ),
            models.Index(fields=["unit", "channel", "created_at"], name="notification_unit_idx"),
            models.Index(fields=["user", "channel", "created_at"], name="notification_user_idx"),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def shown_subject(self) -> str:
        """The subject in the active language (``subject`` is the site's, as sent)."""
        return notes.shown(self.subject, self.data, SUBJECT_KEY)

    @property
    def shown_body(self) -> str:
        """The body in the active language (``body`` is the site's, as sent)."""
        return notes.shown(self.body, self.data, BODY_KEY)

    @property
    def link(self) -> str:
        """The page a reader opens from the notice: its case, or the page the notice names."""
        if self.case_id is not None and self.case is not None:
            return reverse("cases:detail", args=[self.case.number])
        link = (self.data or {}).get("link")
        return link if isinstance(link, str) and link.startswith("/") else ""


class InboxMark(models.Model):
    """How far a person has read their inbox (消息已读位置): notices created after ``seen_at``
    are new to them. One mark per person, because a unit's inbox entry is one row that all its
    members read (a per-notice read flag on it would be one member's reading for all)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="inbox_mark",
    )
    seen_at = models.DateTimeField(_("已读至"))

    class Meta:
        verbose_name = _("消息已读位置")
        verbose_name_plural = _("消息已读位置")

    def __str__(self) -> str:
        return f"{self.user} {self.seen_at:%Y-%m-%d %H:%M}"
