"""Deadlines (办理时限) in Chinese working time, and the derived fields the sweep reads."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from fengqiao.cases.choices import DeadlineState
from fengqiao.cases.models import Case
from fengqiao.lib.workcal import WorkCalendar


@lru_cache(maxsize=1)
def _calendar(holidays: tuple[str, ...], workdays: tuple[str, ...], uncovered: str) -> WorkCalendar:
    try:
        extra_holidays = [date.fromisoformat(d) for d in holidays]
        extra_workdays = [date.fromisoformat(d) for d in workdays]
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"LOCAL_HOLIDAYS/LOCAL_WORKDAYS need YYYY-MM-DD dates: {exc}"
        ) from exc
    return WorkCalendar(
        tz=settings.TIME_ZONE,
        extra_holidays=extra_holidays,
        extra_workdays=extra_workdays,
        uncovered_years="error" if uncovered == "error" else "weekdays",
    )


def calendar() -> WorkCalendar:
    """The district's working calendar: national holidays plus LOCAL_HOLIDAYS/LOCAL_WORKDAYS."""
    return _calendar(
        tuple(settings.LOCAL_HOLIDAYS),
        tuple(settings.LOCAL_WORKDAYS),
        settings.CALENDAR_UNCOVERED_YEARS,
    )


def deadline(start: datetime, amount: int, unit: str) -> datetime:
    return calendar().add(start, amount, "hours" if unit == "hours" else "days")


def set_due(case: Case, due: datetime | None, now: datetime) -> None:
    """Make ``due`` the case's running deadline and derive the sweep's fields from it."""
    case.due_at = due
    if due is None:
        case.due_soon_at = None
        case.deadline_state = DeadlineState.NORMAL
        return
    case.due_soon_at = due - timedelta(hours=settings.DUE_SOON_HOURS)
    if due <= now:
        case.deadline_state = DeadlineState.OVERDUE
    elif case.due_soon_at <= now:
        case.deadline_state = DeadlineState.DUE_SOON
    else:
        case.deadline_state = DeadlineState.NORMAL


def shift(due: datetime | None, working_seconds: float) -> datetime | None:
    """Move a deadline later by the working time a case spent suspended (clock paused)."""
    if due is None or working_seconds <= 0:
        return due
    return calendar().add_working_seconds(due, working_seconds)
