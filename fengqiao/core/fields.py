"""Model fields for personal data that must be encrypted at rest (加密存储)."""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


def encryption_keys() -> tuple[str, ...]:
    """The configured keys, newest first; without any, one derived from SECRET_KEY.

    ``FIELD_ENCRYPTION_KEYS`` is a comma-separated list of Fernet keys: the first encrypts, all
    decrypt, so a key is rotated by putting the new one first and re-saving the rows.
    """
    configured = tuple(settings.FIELD_ENCRYPTION_KEYS)
    if configured:
        return configured
    digest = hashlib.sha256(b"fengqiao-field-encryption:" + settings.SECRET_KEY.encode()).digest()
    return (base64.urlsafe_b64encode(digest).decode(),)


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must hold Fernet keys (32 url-safe base64 bytes each; make one "
            "with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())')"
        ) from exc


def encrypt(text: str) -> str:
    return _fernet(encryption_keys()).encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(encryption_keys()).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "Encrypted data cannot be read with the configured FIELD_ENCRYPTION_KEYS "
            "(a key was removed before the rows were re-encrypted?)"
        ) from exc


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text stored as a Fernet token. It cannot be searched or filtered, only read and written."""

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value in (None, ""):
            return value
        return decrypt(value)
