"""Text normalisation for Chinese reports (文本规范化), shared by the text-intelligence modules.

Two reports of the same matter differ in ways that say nothing about the matter: full-width
against half-width letters and digits (ＡＢＣ１２３ / ABC123), punctuation and blanks, a phone
number added for call-back, the date the resident wrote it. :func:`normalise` removes those so
that similarity measures compare what the report is about. Numbers that identify the matter
(building 3栋, 5000元 owed) are kept; only phone-like digit runs and dates are removed.

Texts longer than :data:`MAX_CHARS` are truncated (the first part of a report names the matter;
a pasted 100,000-character document would otherwise dominate the cost of every comparison).

Pure functions, no Django.
"""

from __future__ import annotations

import re
import unicodedata

MAX_CHARS = 2_000
"""Characters of a report kept for comparison after normalisation; the rest is ignored."""

# Mobile (1xx xxxx xxxx), landline with area code (0731-8888 8888) and masked numbers as the
# boards print them (138****1234, *****). Any run of 7+ digits is treated as a phone or ID number.
_PHONE = re.compile(
    r"(?:\+?86[-\s]?)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}"
    r"|0\d{2,3}[-\s]?\d{7,8}"
    r"|\d*\*{3,}\d*"
    r"|\d{7,}"
)
# 2019年3月5日, 2019-03-05, 2019/3/5, 2019.3.5, 3月5日, 5号 after a month, times 10:30 / 10点30分.
_DATE = re.compile(
    r"\d{2,4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?"
    r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
    r"|\d{1,2}\s*月\s*\d{1,2}\s*[日号]"
    r"|\d{1,2}[:：]\d{2}(?:[:：]\d{2})?"
    r"|\d{1,2}\s*点(?:\s*\d{1,2}\s*分)?"
)
_PHONE_WORDS = re.compile(r"(?:联系)?(?:电话|手机号码|手机号|手机|座机|联系方式)[:：]?")
# Python's \W is "not a letter, digit or underscore" in any script, so CJK characters stay.
_NOT_WORD = re.compile(r"[\W_]+")


def to_halfwidth(text: str) -> str:
    """Full-width letters, digits and punctuation to half-width (NFKC), ideographic space to space.

    NFKC also folds compatibility forms such as circled digits (①→1) and Roman numerals.
    """
    return unicodedata.normalize("NFKC", text)


def strip_phone_numbers(text: str) -> str:
    """Remove phone numbers, masked numbers (``*****``) and the words that introduce them."""
    return _PHONE_WORDS.sub("", _PHONE.sub("", text))


def strip_dates(text: str) -> str:
    """Remove dates and clock times (2019年3月5日, 2019-03-05, 3月5日, 10:30, 10点30分)."""
    return _DATE.sub("", text)


def strip_punctuation(text: str) -> str:
    """Keep letters, digits and CJK characters only; punctuation, symbols and blanks go."""
    return _NOT_WORD.sub("", text)


def normalise(text: str, *, max_chars: int = MAX_CHARS) -> str:
    """The comparable core of a report: half-width, lower case, no phone numbers, dates,
    punctuation or blanks, at most ``max_chars`` characters.

    >>> normalise("３栋楼下噪音！电话：13812345678，2024年5月3日")
    '3栋楼下噪音'
    """
    if max_chars < 1:
        raise ValueError("max_chars must be at least 1")
    # Truncate generously before the regular expressions so a huge text costs little.
    text = to_halfwidth(text[: max_chars * 4]).lower()
    text = strip_punctuation(strip_dates(strip_phone_numbers(text)))
    return text[:max_chars]
