"""API tokens (接口令牌) for other systems, and the replay records behind Idempotency-Key.

A token acts as a user: give each calling system its own service account with one membership
in the unit it works for, and what the token may see and do follows from that membership
exactly as for a person. Only the SHA-256 of a key is stored; the key is shown once.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from fengqiao.accounts.models import Membership, Unit

KEY_PREFIX = "fq_"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    name = models.CharField(
        _("名称"), max_length=100, help_text=_("调用方系统，例如“12345 热线”。")
    )
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代表账号"),
        on_delete=models.PROTECT,
        related_name="api_tokens",
        help_text=_("令牌以该账号的身份和权限调用接口；该账号须在上述单位任职。"),
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters of the key, so an operator can tell tokens apart without the key.
    key_prefix = models.CharField(_("令牌前缀"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name}（{self.key_prefix}…）"

    def clean(self) -> None:
        if (
            self.unit_id
            and self.user_id
            and not Membership.objects.filter(user_id=self.user_id, unit_id=self.unit_id).exists()
        ):
            raise ValidationError({"user": _("该账号在所选单位没有岗位。")})

    def set_new_key(self) -> str:
        """Give the token a fresh random key (256 bits); returns it for showing once."""
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        self.key_hash, self.key_prefix = hash_key(key), key[:10]
        return key

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotencyRecord(models.Model):
    """The stored result of a POST sent with an Idempotency-Key, replayed to a retry.

    A replay cache, not history: rows expire after ``IDEMPOTENCY_TTL`` (``api.tasks``).
    ``status_code`` is null while the first request is still running.
    """

    # "user:<id>" or "token:<id>": keys are per caller, so two systems never collide.
    owner = models.CharField(max_length=40)
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body: models.JSONField[Any, Any] = models.JSONField(
        null=True, blank=True, encoder=DjangoJSONEncoder
    )
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("幂等记录")
        verbose_name_plural = _("幂等记录")
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotency_owner_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.key}"
