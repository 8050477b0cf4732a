"""Checking the identifiers of parties to a dispute (当事人身份信息校验), without Django.

* Resident identity card numbers (居民身份证号码), GB 11643-1999: 17 digits and a check
  character computed by ISO 7064 MOD 11-2, with a valid birth date in positions 7-14.
  The 15-digit numbers issued before 1999 (一代证) have no check digit and a two-digit year;
  they are accepted and converted to the 18-digit form (year ``19yy``, computed check
  character), since that is the number the holder's current card carries.
* Unified social credit codes of organisations (统一社会信用代码), GB 32100-2015: 18 characters
  from a 31-character alphabet (digits and capitals without I, O, Z, S, V), the last a check
  character computed modulo 31.
* Mainland phone numbers: mobile ``1[3-9]`` + 9 digits (an optional ``+86``/``86`` prefix is
  dropped) and landlines with an area code (``0731-22881234``, ``073122881234``), normalised to
  ``0731-22881234``; an extension is not accepted (a party is called, not a switchboard).

Every checker returns the normalised value or raises ``IdentifierError`` with a Chinese message
saying what is wrong, so a form can show it beside the field.
"""

from __future__ import annotations

import re
from datetime import date

__all__ = [
    "IdentifierError",
    "birth_date",
    "normalise_credit_code",
    "normalise_id_number",
    "normalise_phone",
]


class IdentifierError(ValueError):
    """A malformed identifier; ``message`` is for people (Chinese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_char(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def _birth(text: str) -> date | None:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def normalise_id_number(value: str, *, today: date | None = None) -> str:
    """A resident ID number in its 18-character form (upper-case ``X``), or IdentifierError."""
    text = value.strip().replace(" ", "").upper()
    if re.fullmatch(r"\d{15}", text):
        text = text[:6] + "19" + text[6:]
        text += id_check_char(text)
    elif not re.fullmatch(r"\d{17}[\dX]", text):
        raise IdentifierError("身份证号码应为 18 位（最后一位可为 X），或 15 位旧号码。")
    born = _birth(text[6:14])
    if born is None or born < date(1900, 1, 1) or born > (today or date.today()):
        raise IdentifierError("身份证号码中的出生日期无效。")
    if text[17] != id_check_char(text[:17]):
        raise IdentifierError("身份证号码校验位不正确，请核对。")
    return text


def birth_date(id_number: str) -> date | None:
    """The birth date an 18-digit ID number carries, or None if it carries none."""
    return _birth(id_number[6:14]) if len(id_number) == 18 else None


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    """The GB 32100 check character of the first 17 characters."""
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def normalise_credit_code(value: str) -> str:
    """A unified social credit code (upper case), or IdentifierError."""
    text = value.strip().replace(" ", "").upper()
    if len(text) != 18 or any(c not in _USCC_ALPHABET for c in text):
        raise IdentifierError("统一社会信用代码应为 18 位数字或大写字母（不含 I、O、Z、S、V）。")
    if text[17] != credit_code_check_char(text[:17]):
        raise IdentifierError("统一社会信用代码校验位不正确，请核对。")
    return text


_MOBILE = re.compile(r"1[3-9]\d{9}")
# Area codes are 010, 02x (3 digits) or 0 + three digits; local numbers 7 or 8 digits.
_LANDLINE = re.compile(r"(0(?:10|2\d|[3-9]\d{2}))-?([2-9]\d{6,7})")


def normalise_phone(value: str) -> str:
    """A mainland mobile number (11 digits) or a landline ``area-local``, or IdentifierError."""
    text = re.sub(r"[\s()（）]", "", value.strip())
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    text = text.lstrip("-")
    if _MOBILE.fullmatch(text):
        return text
    match = _LANDLINE.fullmatch(text)
    if match:
        return f"{match.group(1)}-{match.group(2)}"
    raise IdentifierError(
        "电话号码格式不正确：手机号为 1 开头的 11 位数字，固定电话需带区号（如 0731-22881234）。"
    )
