"""lib.recurrence: occurrences every N days, weeks or months, month ends kept."""

from datetime import date

import pytest

from fengqiao.lib.recurrence import Recurrence, add_months


def test_add_months_clamps_to_the_end_of_short_months():
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 1, 31), 3) == date(2025, 4, 30)
    assert add_months(date(2025, 11, 30), 2) == date(2026, 1, 30)
    assert add_months(date(2025, 3, 15), -3) == date(2024, 12, 15)


def test_monthly_on_the_31st_returns_to_the_31st_after_a_short_month():
    plan = Recurrence(date(2025, 1, 31), 1, "months")
    assert list(plan.between(date(2025, 1, 1), date(2025, 5, 31))) == [
        date(2025, 1, 31),
        date(2025, 2, 28),
        date(2025, 3, 31),
        date(2025, 4, 30),
        date(2025, 5, 31),
    ]


def test_every_two_months_and_every_three_weeks_and_days():
    assert list(
        Recurrence(date(2025, 1, 15), 2, "months").between(date(2025, 2, 1), date(2025, 9, 1))
    ) == [
        date(2025, 3, 15),
        date(2025, 5, 15),
        date(2025, 7, 15),
    ]
    weeks = Recurrence(date(2025, 3, 3), 3, "weeks")
    assert list(weeks.between(date(2025, 3, 4), date(2025, 4, 30))) == [
        date(2025, 3, 24),
        date(2025, 4, 14),
    ]
    days = Recurrence(date(2025, 12, 30), 1, "days")
    assert list(days.between(date(2025, 12, 29), date(2026, 1, 2))) == [
        date(2025, 12, 30),
        date(2025, 12, 31),
        date(2026, 1, 1),
        date(2026, 1, 2),
    ]


def test_until_ends_the_series_and_a_start_after_the_anchor_skips_ahead():
    plan = Recurrence(date(2025, 1, 10), 10, "days", until=date(2025, 2, 8))
    assert list(plan.between(date(2025, 1, 1), date(2025, 12, 31))) == [
        date(2025, 1, 10),
        date(2025, 1, 20),
        date(2025, 1, 30),
    ]
    far = Recurrence(date(2000, 1, 31), 1, "months")
    assert list(far.between(date(2025, 2, 1), date(2025, 3, 1))) == [date(2025, 2, 28)]


def test_period_end_is_the_day_before_the_next_occurrence():
    plan = Recurrence(date(2025, 1, 31), 1, "months")
    assert plan.period_end(date(2025, 2, 28)) == date(2025, 3, 30)


@pytest.mark.parametrize(
    ("every", "unit", "until"),
    [(0, "days", None), (1, "years", None), (1, "days", date(2024, 1, 1))],
)
def test_bad_recurrences_are_refused(every, unit, until):
    with pytest.raises(ValueError):
        Recurrence(date(2025, 1, 1), every, unit, until)
