"""Masking personal data for display (脱敏): what staff see unless they may reveal it."""

from __future__ import annotations


def mask_phone(phone: str) -> str:
    """``13812345678`` → ``138****5678``; short numbers keep only their last two digits."""
    digits = phone.strip()
    if not digits:
        return ""
    if len(digits) >= 7:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * max(0, len(digits) - 2) + digits[-2:]


def mask_id_number(number: str) -> str:
    """A resident ID number ``430203199001011234`` → ``4302**********1234``."""
    value = number.strip()
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_name(name: str) -> str:
    """``张三`` → ``张*``, ``欧阳小明`` → ``欧***``.

    The first character stays so staff can still address the person.
    """
    value = name.strip()
    if len(value) <= 1:
        return value
    return value[0] + "*" * (len(value) - 1)
