"""Recurring dates for rolling inspection plans (滚动排查): every N days, weeks or months.

A plan recurs from an anchor date. Occurrence ``k`` is always computed from the anchor, never
from the previous occurrence, so a monthly plan anchored on the 31st falls on the last day of
short months (30 April, 28 or 29 February) and returns to the 31st in long months instead of
drifting to the 28th for ever.

Cost: ``between`` steps once per occurrence from the first one at or after ``start`` (found
arithmetically for days and weeks, by month count for months), never day by day.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

__all__ = ["Recurrence", "add_months"]

Unit = Literal["days", "weeks", "months"]
UNITS: tuple[Unit, ...] = ("days", "weeks", "months")


def add_months(anchor: date, months: int) -> date:
    """``anchor`` moved by ``months`` calendar months, its day clamped to the month's length."""
    index = anchor.year * 12 + (anchor.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(anchor.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Recurrence:
    """Every ``every`` ``unit`` from ``anchor`` (inclusive), until ``until`` (inclusive) if set."""

    anchor: date
    every: int
    unit: Unit
    until: date | None = None

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unit must be one of {UNITS}, not {self.unit!r}")
        if self.every < 1:
            raise ValueError("every must be at least 1")
        if self.until is not None and self.until < self.anchor:
            raise ValueError("until must not be before the anchor")

    def nth(self, k: int) -> date:
        """The ``k``-th occurrence (0 is the anchor)."""
        if self.unit == "months":
            return add_months(self.anchor, k * self.every)
        step = self.every * (7 if self.unit == "weeks" else 1)
        return self.anchor + timedelta(days=k * step)

    def _first_index_at_or_after(self, day: date) -> int:
        if day <= self.anchor:
            return 0
        if self.unit == "months":
            months = (day.year - self.anchor.year) * 12 + day.month - self.anchor.month
            k = max(0, months // self.every - 1)
        else:
            step = self.every * (7 if self.unit == "weeks" else 1)
            k = max(0, (day - self.anchor).days // step - 1)
        while self.nth(k) < day:
            k += 1
        return k

    def between(self, start: date, end: date) -> Iterator[date]:
        """Occurrences ``d`` with ``start <= d <= end`` (and not after ``until``), in order."""
        last = end if self.until is None else min(end, self.until)
        k = self._first_index_at_or_after(start)
        while (day := self.nth(k)) <= last:
            yield day
            k += 1

    def period_end(self, occurrence: date) -> date:
        """The day before the occurrence after ``occurrence``: the window it covers."""
        k = self._first_index_at_or_after(occurrence)
        return self.nth(k + 1) - timedelta(days=1)
