"""Tests for the Chinese working-day calendar.

Holiday facts are the State Council's, as transcribed by chinesecalendar 1.11.0 (checked in its
``chinese_calendar/constants.py``):

* 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号, 2024-11-12):
  Spring Festival 1月28日(周二)至2月4日(周二) off, 1月26日(周日) and 2月8日(周六) working;
  National Day with Mid-Autumn 10月1日(周三)至8日(周三) off, 9月28日(周日) and 10月11日(周六)
  working.
* 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04): Spring Festival 2月15日(周日)
  至23日(周一) off, 2月14日(周六) and 2月28日(周六) working.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import chinese_calendar  # type: ignore[import-untyped]
import pytest

from fengqiao.lib.workcal import COVERED_YEARS, CalendarNotCovered, WorkCalendar, WorkingHours

SHANGHAI = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar()


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0) -> datetime:
    """A Shanghai wall-clock moment."""
    return datetime(y, m, d, hh, mm, ss, tzinfo=SHANGHAI)


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


# --- Which days are working days -------------------------------------------------------------


def test_spring_festival_2025_is_eight_days_off_with_two_make_up_days():
    for day in days_between(date(2025, 1, 28), date(2025, 2, 4)):
        assert not CAL.is_workday(day), day
    assert CAL.is_workday(date(2025, 1, 26))  # Sunday before the holiday
    assert CAL.is_workday(date(2025, 2, 8))  # Saturday after it
    assert CAL.is_workday(date(2025, 1, 27))
    assert CAL.is_workday(date(2025, 2, 5))
    assert not CAL.is_workday(date(2025, 2, 9))  # an ordinary Sunday


def test_spring_festival_2026_is_nine_days_off_with_two_make_up_saturdays():
    for day in days_between(date(2026, 2, 15), date(2026, 2, 23)):
        assert not CAL.is_workday(day), day
    assert date(2026, 2, 14).weekday() == 5
    assert date(2026, 2, 28).weekday() == 5
    assert CAL.is_workday(date(2026, 2, 14))
    assert CAL.is_workday(date(2026, 2, 28))
    assert not CAL.is_workday(date(2026, 2, 21))  # a Saturday inside the holiday
    assert not CAL.is_workday(date(2026, 3, 7))  # an ordinary Saturday


def test_national_day_2025_golden_week_with_make_up_days():
    for day in days_between(date(2025, 10, 1), date(2025, 10, 8)):
        assert not CAL.is_workday(day), day
    assert date(2025, 9, 28).weekday() == 6
    assert date(2025, 10, 11).weekday() == 5
    assert CAL.is_workday(date(2025, 9, 28))
    assert CAL.is_workday(date(2025, 10, 11))
    assert CAL.is_workday(date(2025, 10, 9))


def test_package_data_names_the_holidays_used_above():
    assert chinese_calendar.get_holiday_detail(date(2025, 1, 29)) == (True, "Spring Festival")
    assert chinese_calendar.get_holiday_detail(date(2025, 2, 8)) == (False, "Spring Festival")
    assert chinese_calendar.get_holiday_detail(date(2025, 10, 6)) == (True, "Mid-autumn Festival")
    assert chinese_calendar.get_holiday_detail(date(2025, 10, 11)) == (False, "National Day")
    assert chinese_calendar.get_holiday_detail(date(2026, 2, 28)) == (False, "Spring Festival")


def test_calendar_agrees_with_package_on_every_day_of_2025_and_2026():
    for day in days_between(date(2025, 1, 1), date(2026, 12, 31)):
        assert CAL.is_workday(day) == chinese_calendar.is_workday(day), day


def test_is_workday_rejects_a_datetime():
    with pytest.raises(TypeError, match="expected a date"):
        CAL.is_workday(at(2025, 3, 3, 9))


# --- Working days ----------------------------------------------------------------------------


def test_start_day_does_not_count_even_at_opening():
    # Monday 09:00, 3 working days: Tue, Wed, Thu -> Thursday at closing.
    assert CAL.add_working_days(at(2025, 3, 3, 9), 3) == at(2025, 3, 6, 17, 30)
    assert CAL.add_working_days(at(2025, 3, 3, 7), 1) == at(2025, 3, 4, 17, 30)
    assert CAL.add_working_days(at(2025, 3, 3, 20), 1) == at(2025, 3, 4, 17, 30)


def test_add_working_days_crosses_national_day_golden_week():
    # Tuesday 30 Sep 2025: next working days are Thu 9 Oct, Fri 10 Oct, Sat 11 Oct (make-up).
    start = at(2025, 9, 30, 10)
    assert CAL.add_working_days(start, 1) == at(2025, 10, 9, 17, 30)
    assert CAL.add_working_days(start, 3) == at(2025, 10, 11, 17, 30)
    assert CAL.add_working_days(start, 4) == at(2025, 10, 13, 17, 30)
    # Received during the holiday: the first working day after it is day 1.
    assert CAL.add_working_days(at(2025, 10, 3, 10), 1) == at(2025, 10, 9, 17, 30)


def test_make_up_sunday_counts_as_a_working_day():
    # Friday 26 Sep 2025: Sat 27 is off, Sun 28 is a make-up working day, then Mon 29.
    assert CAL.add_working_days(at(2025, 9, 26, 10), 1) == at(2025, 9, 28, 17, 30)
    assert CAL.add_working_days(at(2025, 9, 26, 10), 2) == at(2025, 9, 29, 17, 30)


def test_add_working_days_crosses_spring_festival_2025():
    # Friday 24 Jan: Sun 26 (make-up), Mon 27, then the holiday until Tue 4 Feb, then Wed 5 Feb.
    assert CAL.add_working_days(at(2025, 1, 24, 9), 3) == at(2025, 2, 5, 17, 30)
    # Wed 5, Thu 6, Fri 7, Sat 8 (make-up).
    assert CAL.add_working_days(at(2025, 2, 4, 9), 4) == at(2025, 2, 8, 17, 30)


def test_zero_working_days_is_end_of_current_or_next_working_day():
    assert CAL.add_working_days(at(2025, 3, 4, 7), 0) == at(2025, 3, 4, 17, 30)
    assert CAL.add_working_days(at(2025, 3, 4, 12, 45), 0) == at(2025, 3, 4, 17, 30)
    assert CAL.add_working_days(at(2025, 3, 4, 17, 30), 0) == at(2025, 3, 5, 17, 30)
    assert CAL.add_working_days(at(2025, 3, 8, 10), 0) == at(2025, 3, 10, 17, 30)  # Saturday
    assert CAL.add_working_days(at(2025, 9, 30, 18), 0) == at(2025, 10, 9, 17, 30)


def test_add_working_days_converts_other_time_zones_and_returns_local_time():
    # 20:00 UTC on 30 Sep is 04:00 on 1 Oct in Shanghai, a holiday.
    result = CAL.add_working_days(datetime(2025, 9, 30, 20, tzinfo=UTC), 1)
    assert result == at(2025, 10, 9, 17, 30)
    assert result.tzinfo is SHANGHAI
    assert result.utcoffset() == timedelta(hours=8)


def test_negative_working_days_is_an_error():
    with pytest.raises(ValueError, match="days must be >= 0"):
        CAL.add_working_days(at(2025, 3, 3, 9), -1)


# --- Working hours ---------------------------------------------------------------------------


def test_add_working_hours_crosses_lunch():
    assert CAL.add_working_hours(at(2025, 3, 3, 11), 2) == at(2025, 3, 3, 15, 30)


def test_add_working_hours_crosses_evening():
    assert CAL.add_working_hours(at(2025, 3, 3, 17), 1) == at(2025, 3, 4, 9)


def test_add_working_hours_crosses_weekend():
    assert CAL.add_working_hours(at(2025, 3, 7, 17), 1) == at(2025, 3, 10, 9)


def test_add_working_hours_crosses_golden_week():
    # Half an hour on Tue 30 Sep, then 1.5 h from the opening on Thu 9 Oct.
    assert CAL.add_working_hours(at(2025, 9, 30, 17), 2) == at(2025, 10, 9, 10)


def test_add_working_hours_uses_make_up_saturday():
    assert CAL.add_working_hours(at(2025, 10, 10, 17), 1) == at(2025, 10, 11, 9)


def test_add_working_hours_from_outside_office_hours_starts_at_next_opening():
    assert CAL.add_working_hours(at(2025, 3, 8, 10), 1) == at(2025, 3, 10, 9, 30)  # Saturday
    assert CAL.add_working_hours(at(2025, 3, 3, 12, 30), 1) == at(2025, 3, 3, 15, 30)  # lunch
    assert CAL.add_working_hours(at(2025, 3, 3, 6), 0.5) == at(2025, 3, 3, 9)


def test_add_working_hours_ends_at_closing_when_work_fills_the_period():
    assert CAL.add_working_hours(at(2025, 3, 3, 8, 30), 3.5) == at(2025, 3, 3, 12)
    assert CAL.add_working_hours(at(2025, 3, 3, 8, 30), 6.5) == at(2025, 3, 3, 17, 30)


def test_add_zero_working_hours_returns_start():
    assert CAL.add_working_hours(at(2025, 3, 8, 10), 0) == at(2025, 3, 8, 10)


def test_negative_or_infinite_hours_is_an_error():
    with pytest.raises(ValueError, match="seconds must be finite"):
        CAL.add_working_hours(at(2025, 3, 3, 9), -1)
    with pytest.raises(ValueError, match="seconds must be finite"):
        CAL.add_working_seconds(at(2025, 3, 3, 9), float("inf"))


def test_add_dispatches_on_unit():
    start = at(2025, 3, 3, 11)
    assert CAL.add(start, 2, "hours") == at(2025, 3, 3, 15, 30)
    assert CAL.add(start, 3, "days") == at(2025, 3, 6, 17, 30)
    assert CAL.add(start, 3.0, "days") == at(2025, 3, 6, 17, 30)
    with pytest.raises(ValueError, match="whole number"):
        CAL.add(start, 1.5, "days")
    with pytest.raises(ValueError, match="unit must be"):
        CAL.add(start, 1, "weeks")  # type: ignore[arg-type]


# --- Working time between two moments --------------------------------------------------------


def test_working_seconds_between_over_a_weekend():
    # Fri 16:30-17:30, then Mon 08:30-09:30.
    assert CAL.working_seconds_between(at(2025, 3, 7, 16, 30), at(2025, 3, 10, 9, 30)) == 7200


def test_working_seconds_between_over_golden_week():
    assert CAL.working_seconds_between(at(2025, 9, 30, 16, 30), at(2025, 10, 9, 9, 30)) == 7200
    # Whole days from Sat 27 Sep to Sun 12 Oct: Sun 28, Mon 29, Tue 30, Thu 9, Fri 10, Sat 11.
    office_day = 6.5 * 3600
    whole = CAL.working_seconds_between(at(2025, 9, 27), at(2025, 10, 12))
    assert whole == 6 * office_day


def test_working_seconds_between_within_a_day_skips_lunch():
    assert CAL.working_seconds_between(at(2025, 3, 3, 11), at(2025, 3, 3, 15)) == 1.5 * 3600


def test_working_seconds_between_over_a_whole_year_counts_every_working_day():
    workdays_2025 = sum(
        chinese_calendar.is_workday(d) for d in days_between(date(2025, 1, 1), date(2025, 12, 31))
    )
    # 261 weekdays, less 18 that are holidays, plus 5 make-up weekend days.
    assert workdays_2025 == 248
    total = CAL.working_seconds_between(at(2025, 1, 1), at(2026, 1, 1))
    assert total == workdays_2025 * 6.5 * 3600


def test_span_ending_at_midnight_of_an_uncovered_year_needs_no_data_for_it():
    last = COVERED_YEARS.stop - 1
    office_day = 6.5 * 3600 if CAL.is_workday(date(last, 12, 31)) else 0
    assert CAL.working_seconds_between(at(last, 12, 31), at(last + 1, 1, 1)) == office_day


def test_working_seconds_between_is_zero_when_end_is_not_after_start():
    assert CAL.working_seconds_between(at(2025, 3, 3, 11), at(2025, 3, 3, 11)) == 0
    assert CAL.working_seconds_between(at(2025, 3, 4, 11), at(2025, 3, 3, 11)) == 0


def test_working_seconds_between_accepts_mixed_time_zones():
    start = datetime(2025, 3, 3, 3, tzinfo=UTC)  # 11:00 in Shanghai
    end = datetime(2025, 3, 3, 16, tzinfo=timezone(timedelta(hours=9)))  # 15:00 in Shanghai
    assert CAL.working_seconds_between(start, end) == 1.5 * 3600


def test_round_trip_add_then_measure_returns_the_same_amount():
    rng = random.Random(20250128)
    first = at(2025, 1, 1)
    span_us = int((at(2026, 6, 30) - first).total_seconds()) * 1_000_000
    for _ in range(500):
        start = first + timedelta(microseconds=rng.randrange(span_us))
        seconds = rng.randrange(0, 200 * 3600 * 1_000_000) / 1_000_000
        end = CAL.add_working_seconds(start, seconds)
        assert CAL.working_seconds_between(start, end) == seconds, (start, seconds)
        # The deadline is the earliest moment with that much office time behind it.
        if seconds:
            earlier = end - timedelta(microseconds=1)
            assert CAL.working_seconds_between(start, earlier) < seconds


def test_round_trip_with_arbitrary_float_is_exact_to_a_microsecond():
    rng = random.Random(7)
    for _ in range(200):
        start = at(2025, 1, 1) + timedelta(seconds=rng.uniform(0, 365 * 86400))
        seconds = rng.uniform(0, 100 * 3600)
        end = CAL.add_working_seconds(start.astimezone(UTC), seconds)
        assert CAL.working_seconds_between(start, end) == pytest.approx(seconds, abs=1e-6)


# --- Local extras ----------------------------------------------------------------------------


def test_extra_holiday_and_extra_workday_override_the_official_arrangement():
    cal = WorkCalendar(extra_holidays=[date(2025, 3, 5)], extra_workdays=[date(2025, 3, 8)])
    assert not cal.is_workday(date(2025, 3, 5))  # a Wednesday off locally
    assert cal.is_workday(date(2025, 3, 8))  # a Saturday worked locally
    # Mon 3 Mar: Tue 4, (Wed 5 off), Thu 6, Fri 7, Sat 8.
    assert cal.add_working_days(at(2025, 3, 3, 9), 4) == at(2025, 3, 8, 17, 30)
    assert cal.working_seconds_between(at(2025, 3, 5), at(2025, 3, 6)) == 0


def test_extra_dates_work_outside_covered_years():
    year = COVERED_YEARS.stop + 5
    cal = WorkCalendar(extra_holidays=[date(year, 1, 2)], extra_workdays=[date(year, 1, 3)])
    assert not cal.is_workday(date(year, 1, 2))
    assert cal.is_workday(date(year, 1, 3))
    with pytest.raises(CalendarNotCovered):
        cal.is_workday(date(year, 1, 4))


def test_date_in_both_extra_lists_is_an_error():
    with pytest.raises(ValueError, match="2025-03-05"):
        WorkCalendar(extra_holidays=[date(2025, 3, 5)], extra_workdays=[date(2025, 3, 5)])


# --- Coverage and input errors ---------------------------------------------------------------


def test_package_covers_2025_and_2026():
    assert 2025 in COVERED_YEARS
    assert 2026 in COVERED_YEARS
    assert CAL.covered_years == COVERED_YEARS


@pytest.mark.parametrize("year", [2099, COVERED_YEARS.start - 1])
def test_year_not_covered_raises_with_year_and_range(year):
    covered = f"{COVERED_YEARS.start}–{COVERED_YEARS.stop - 1}"
    with pytest.raises(CalendarNotCovered, match=f"{year}.*covers {covered}") as info:
        CAL.is_workday(date(year, 6, 1))
    assert info.value.year == year
    assert isinstance(info.value, ValueError)


def test_deadline_running_past_the_last_covered_year_raises():
    last = COVERED_YEARS.stop - 1
    with pytest.raises(CalendarNotCovered, match=str(last + 1)):
        CAL.add_working_days(at(last, 12, 30, 9), 5)


@pytest.mark.parametrize(
    "call",
    [
        lambda naive: CAL.add_working_days(naive, 1),
        lambda naive: CAL.add_working_hours(naive, 1),
        lambda naive: CAL.add_working_seconds(naive, 1),
        lambda naive: CAL.add(naive, 1, "days"),
        lambda naive: CAL.working_seconds_between(naive, at(2025, 3, 4)),
        lambda naive: CAL.working_seconds_between(at(2025, 3, 2), naive),
    ],
)
def test_naive_datetime_is_rejected(call):
    with pytest.raises(ValueError, match="naive datetime"):
        call(datetime(2025, 3, 3, 9))


@pytest.mark.parametrize(
    ("periods", "message"),
    [
        ((), "at least one period"),
        (((time(12), time(9)),), "must open before it closes"),
        (((time(9), time(9)),), "must open before it closes"),
        (((time(9), time(12)), (time(11), time(17))), "overlaps"),
        (((time(14), time(17)), (time(9), time(12))), "overlaps or precedes"),
        (((time(9, tzinfo=UTC), time(12)),), "without tzinfo"),
    ],
)
def test_bad_working_hours_are_rejected(periods, message):
    with pytest.raises(ValueError, match=message):
        WorkingHours(periods)


def test_custom_hours_and_time_zone():
    hours = WorkingHours(((time(9), time(12)), (time(12), time(18))))  # touching periods are fine
    cal = WorkCalendar(tz=SHANGHAI, hours=hours)
    assert hours.closing == time(18)
    assert cal.add_working_hours(at(2025, 3, 3, 11), 2) == at(2025, 3, 3, 13)
    assert cal.add_working_days(at(2025, 3, 3, 11), 1) == at(2025, 3, 4, 18)
    assert cal.working_seconds_between(at(2025, 3, 3), at(2025, 3, 4)) == 9 * 3600


def test_uncovered_year_counts_weekdays_when_asked() -> None:
    cal = WorkCalendar(uncovered_years="weekdays")
    assert cal.is_workday(date(2099, 1, 5))  # a Monday
    assert not cal.is_workday(date(2099, 1, 3))  # a Saturday
    with pytest.raises(CalendarNotCovered):
        WorkCalendar().is_workday(date(2099, 1, 5))
    with pytest.raises(ValueError):
        WorkCalendar(uncovered_years="guess")  # type: ignore[arg-type]
