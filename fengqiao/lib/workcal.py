"""Chinese working-day calendar (工作日历) for case deadlines.

Deadlines for cases (办理时限) are counted in working days or working hours. A working day is
a Monday to Friday that is not an official public holiday (法定节假日), or a weekend day that the
State Council has made a make-up working day (调休上班), e.g. the Saturday after the Spring
Festival Golden Week. Each year's arrangement is announced by a General Office of the State
Council notice (国务院办公厅关于20XX年部分节假日安排的通知), usually in November of the year
before; the dates come from the ``chinesecalendar`` package (import name ``chinese_calendar``),
which transcribes those notices. A year the package does not know raises
``CalendarNotCovered`` rather than silently treating holidays as working days: upgrade the
package when a new notice is out, or list the dates in ``extra_holidays``/``extra_workdays``.

Working time is counted in the calendar's local time zone (Asia/Shanghai by default), in whole
microseconds, so results are exact to datetime's resolution. Office hours are wall-clock times
and are assumed not to straddle a daylight-saving change (China has had none since 1991).

Cost: ``is_workday`` is cached per date on each calendar; the ``add_*`` and
``working_seconds_between`` methods loop once per calendar day they cross, never per second.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo

import chinese_calendar  # type: ignore[import-untyped]

__all__ = [
    "COVERED_YEARS",
    "CalendarNotCovered",
    "WorkCalendar",
    "WorkingHours",
]

# The years the installed chinesecalendar has official arrangements for. The package itself
# checks dates against the first and last year of its holiday table, so this is the same range.
COVERED_YEARS = range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)

ONE_DAY = timedelta(days=1)
US_PER_SECOND = 1_000_000
US_PER_DAY = 86_400 * US_PER_SECOND


class CalendarNotCovered(ValueError):
    """The holiday data does not cover the year of a date that a deadline needs."""

    def __init__(self, year: int, covered: range = COVERED_YEARS) -> None:
        self.year = year
        self.covered = covered
        super().__init__(
            f"No official holiday arrangement for {year}: the installed chinesecalendar "
            f"{chinese_calendar.__version__} covers {covered.start}–{covered.stop - 1}. "
            "Upgrade chinesecalendar once the State Council has published that year's "
            "arrangement, or list the dates in extra_holidays/extra_workdays."
        )


@functools.cache
def _official_workday(day: date) -> bool:
    """Return whether ``day`` is a working day under the State Council arrangement.

    Shared by all calendars; the package's own check rescans its table on every call.
    """
    if day.year not in COVERED_YEARS:
        raise CalendarNotCovered(day.year)
    return bool(chinese_calendar.is_workday(day))


DEFAULT_PERIODS = ((time(8, 30), time(12, 0)), (time(14, 30), time(17, 30)))


@dataclass(frozen=True)
class WorkingHours:
    """The office hours of a working day in local time: (opening, closing) pairs.

    The default is a common Chinese government office day with a long lunch break. Periods must
    be in order and must not overlap (one may open when the previous closes).
    """

    periods: tuple[tuple[time, time], ...] = DEFAULT_PERIODS

    def __post_init__(self) -> None:
        if not self.periods:
            raise ValueError("WorkingHours needs at least one period")
        previous_close: time | None = None
        for opening, closing in self.periods:
            if opening.tzinfo is not None or closing.tzinfo is not None:
                raise ValueError("office hours are local wall-clock times, without tzinfo")
            if opening >= closing:
                raise ValueError(f"office period {opening}–{closing} must open before it closes")
            if previous_close is not None and opening < previous_close:
                raise ValueError(
                    f"office period {opening}–{closing} overlaps or precedes the one "
                    f"closing at {previous_close}; list periods in order"
                )
            previous_close = closing

    @property
    def closing(self) -> time:
        """When the office day ends: the close of the last period."""
        return self.periods[-1][1]


DEFAULT_HOURS = WorkingHours()


def _us_of_day(moment: time | datetime) -> int:
    """Microseconds since local midnight of a wall-clock time."""
    seconds = moment.hour * 3600 + moment.minute * 60 + moment.second
    return seconds * US_PER_SECOND + moment.microsecond


class WorkCalendar:
    """Working days and office hours of Fengqiao's offices, for computing deadlines.

    ``extra_holidays`` are local days off (a settings value, e.g. a district-wide closure);
    ``extra_workdays`` are local make-up working days. They override the official arrangement
    and also work in years the package does not cover. A date may not be in both.
    """

    covered_years: range

    def __init__(
        self,
        *,
        tz: tzinfo | str = "Asia/Shanghai",
        hours: WorkingHours = DEFAULT_HOURS,
        extra_holidays: Iterable[date] = (),
        extra_workdays: Iterable[date] = (),
        uncovered_years: Literal["error", "weekdays"] = "error",
    ) -> None:
        if uncovered_years not in ("error", "weekdays"):
            raise ValueError("uncovered_years must be 'error' or 'weekdays'")
        # "weekdays": in a year the holiday data does not cover yet, count Monday to Friday
        # (plus the extras) instead of refusing; the caller decides which failure it prefers.
        self.uncovered_years = uncovered_years
        self.tz: tzinfo = ZoneInfo(tz) if isinstance(tz, str) else tz
        self.hours = hours
        self.covered_years = COVERED_YEARS
        self.extra_holidays = frozenset(_plain_date(d) for d in extra_holidays)
        self.extra_workdays = frozenset(_plain_date(d) for d in extra_workdays)
        both = self.extra_holidays & self.extra_workdays
        if both:
            listed = ", ".join(d.isoformat() for d in sorted(both))
            raise ValueError(f"dates listed both as extra holidays and extra workdays: {listed}")
        self._periods = tuple((_us_of_day(a), _us_of_day(b)) for a, b in hours.periods)
        self._closing_us = self._periods[-1][1]
        self._office_us_per_day = sum(b - a for a, b in self._periods)
        self._workday_cache: dict[date, bool] = {}

    def __repr__(self) -> str:
        return f"WorkCalendar(tz={self.tz!s}, hours={self.hours.periods!r})"

    def is_workday(self, day: date) -> bool:
        """Return whether offices open on ``day`` (a date, not a datetime).

        Raises CalendarNotCovered outside ``covered_years`` unless ``day`` is an extra date.
        """
        cached = self._workday_cache.get(day)
        if cached is not None:
            return cached
        day = _plain_date(day)
        if day in self.extra_holidays:
            result = False
        elif day in self.extra_workdays:
            result = True
        elif day.year not in COVERED_YEARS and self.uncovered_years == "weekdays":
            result = day.weekday() < 5
        else:
            result = _official_workday(day)
        self._workday_cache[day] = result
        return result

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """Return the deadline for "resolve within ``days`` working days" of ``start``.

        The deadline is the close of office hours on the ``days``-th working day after the day
        of ``start``: the day of ``start`` itself never counts, even when the case arrives at
        opening time. A case received on Monday 09:00 with 3 working days is due on Thursday
        at closing; one received on a Saturday or during a holiday is due at closing of the
        third working day after it. With ``days == 0`` the deadline is the close of the current
        day if ``start`` is a working day and before its closing, else the close of the next
        working day. The result is an aware datetime in the calendar's time zone.
        """
        if days < 0:
            raise ValueError(f"days must be >= 0, not {days}")
        local = self._local(start)
        day = local.date()
        if days == 0:
            if self.is_workday(day) and _us_of_day(local) < self._closing_us:
                return self._at(day, self._closing_us)
            days = 1
        while days:
            day += ONE_DAY
            if self.is_workday(day):
                days -= 1
        return self._at(day, self._closing_us)

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """Return the moment when ``hours`` of office time have passed since ``start``.

        Only office time counts; from outside office hours counting begins at the next opening.
        The result is the earliest such moment, so work that exactly fills a morning ends at the
        lunch-break closing time, not at the afternoon opening.
        """
        return self.add_working_seconds(start, hours * 3600)

    def add_working_seconds(self, start: datetime, seconds: float) -> datetime:
        """Return the moment when ``seconds`` of office time have passed since ``start``.

        See ``add_working_hours``; ``seconds`` is rounded to whole microseconds, and zero
        returns ``start`` itself (in the calendar's time zone).
        """
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(f"seconds must be finite and >= 0, not {seconds}")
        local = self._local(start)
        remaining = round(seconds * US_PER_SECOND)
        if remaining == 0:
            return local
        day = local.date()
        position = _us_of_day(local)
        while True:
            if self.is_workday(day):
                for opening, closing in self._periods:
                    if closing <= position:
                        continue
                    begin = max(opening, position)
                    available = closing - begin
                    if remaining <= available:
                        return self._at(day, begin + remaining)
                    remaining -= available
            day += ONE_DAY
            position = 0

    def working_seconds_between(self, start: datetime, end: datetime) -> float:
        """Return the office seconds in [start, end), or 0 if ``end`` is not after ``start``.

        Used to push a deadline back by the office time a case was suspended (clock paused).
        """
        local_start, local_end = self._local(start), self._local(end)
        if local_end <= local_start:
            return 0.0
        first, last = local_start.date(), local_end.date()
        low, high = _us_of_day(local_start), _us_of_day(local_end)
        if first == last:
            return self._office_us(first, low, high) / US_PER_SECOND
        total = self._office_us(first, low, US_PER_DAY) + self._office_us(last, 0, high)
        # Whole days in between: one cached lookup each, no per-period arithmetic.
        day = first + ONE_DAY
        while day < last:
            if self.is_workday(day):
                total += self._office_us_per_day
            day += ONE_DAY
        return total / US_PER_SECOND

    def add(self, start: datetime, amount: float, unit: Literal["hours", "days"]) -> datetime:
        """Add a time limit given as an amount and unit, as case types store it.

        ``days`` must be a whole number; see ``add_working_days`` and ``add_working_hours``.
        """
        if unit == "hours":
            return self.add_working_hours(start, amount)
        if unit == "days":
            if not float(amount).is_integer():
                raise ValueError(f"working days must be a whole number, not {amount}")
            return self.add_working_days(start, int(amount))
        raise ValueError(f"unit must be 'hours' or 'days', not {unit!r}")

    def _office_us(self, day: date, low: int, high: int) -> int:
        """Office microseconds on ``day`` between the wall-clock offsets ``low`` and ``high``."""
        if high <= low or not self.is_workday(day):
            return 0
        total = 0
        for opening, closing in self._periods:
            overlap = min(closing, high) - max(opening, low)
            if overlap > 0:
                total += overlap
        return total

    def _local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"naive datetime {moment.isoformat()}: deadlines need an aware one")
        return moment.astimezone(self.tz)

    def _at(self, day: date, us_of_day: int) -> datetime:
        seconds, micro = divmod(us_of_day, US_PER_SECOND)
        minutes, second = divmod(seconds, 60)
        hour, minute = divmod(minutes, 60)
        return datetime(day.year, day.month, day.day, hour, minute, second, micro, tzinfo=self.tz)


def _plain_date(day: date) -> date:
    """Reject datetimes where a date is expected: their day depends on a time zone."""
    if isinstance(day, datetime):
        raise TypeError(f"expected a date, got the datetime {day!r}; convert it in a time zone")
    return day
