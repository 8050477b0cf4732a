"""SMS providers: a pluggable class named by the SMS_PROVIDER setting.

A provider is any class with ``send(phone: str, text: str) -> None`` that raises on failure.
The default only logs (masked), so nothing leaves the machine until a real gateway is set up.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from fengqiao.lib.masking import mask_phone

logger = logging.getLogger(__name__)


class SmsProvider(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LoggingSmsProvider:
    """Writes the message to the log instead of sending it (the default)."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), text)


def sms_provider() -> SmsProvider:
    provider: SmsProvider = import_string(settings.SMS_PROVIDER)()
    return provider
