"""The surge methods against worked examples from their published descriptions.

Numbers in comments were computed by hand from the definitions (see surveillance.py's docstring).
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest

from fengqiao.alerts.surveillance import (
    SurveillanceError,
    combined_level,
    cusum,
    ears,
    ewma,
    nb_quantile,
    run,
    seasonal_baseline,
)

# Montgomery, Introduction to Statistical Quality Control (6th ed.), Table 9.1: 20 observations
# from N(10, 1), then 10 from N(11, 1). His Examples 9.1 (CUSUM) and 9.2 (EWMA) use them.
MONTGOMERY = [
    9.45, 7.99, 9.29, 11.66, 12.16, 10.18, 8.04, 11.46, 9.20, 10.34,
    9.03, 11.47, 10.51, 9.40, 10.08, 9.37, 10.62, 10.31, 8.52, 10.84,
    10.90, 9.33, 12.29, 11.50, 10.60, 11.08, 10.38, 11.62, 11.31, 10.52,
]  # fmt: skip


def test_c1_uses_the_seven_days_before_today() -> None:
    # Days 0..6 = 1..7: mean 4, sample variance (9+4+1+0+1+4+9)/6 = 28/6, sd = 2.16025.
    # Day 7 = 12: C1 = (12 - 4) / 2.16025 = 3.7033 > 3, an alarm.
    result = ears([1, 2, 3, 4, 5, 6, 7, 12], "C1", min_sd=0)
    assert result.statistic[7] == pytest.approx(8 / math.sqrt(28 / 6))
    assert result.statistic[7] == pytest.approx(3.7033, abs=1e-4)
    assert result.alarm_days == [7]
    # The bound is mean + 3 sd = 4 + 6.4807 = 10.4807: 12 exceeds it.
    assert result.upper[7] == pytest.approx(10.4807, abs=1e-4)
    assert np.isnan(result.statistic[:7]).all()


def test_c1_does_not_alarm_just_below_three_sd() -> None:
    # Same baseline, day 7 = 10: (10 - 4) / 2.16025 = 2.7775 ≤ 3.
    result = ears([1, 2, 3, 4, 5, 6, 7, 10], "C1", min_sd=0)
    assert result.statistic[7] == pytest.approx(2.7775, abs=1e-4)
    assert result.alarm_days == []


def test_c2_skips_two_guard_days() -> None:
    # Baseline days 0..6 = 2,2,2,2,2,2,8: mean 20/7 = 2.857, sd = sqrt(Σ(x-m)^2/6):
    # six of (2-2.857)^2 = 0.7347 → 4.408, plus (8-2.857)^2 = 26.449 → 30.857/6 = 5.1429,
    # sd = 2.2678. Days 7 and 8 (guard band) are 50 and 50 and do not enter the baseline.
    # Day 9 = 12: C2 = (12 - 2.857)/2.2678 = 4.0317.
    series = [2, 2, 2, 2, 2, 2, 8, 50, 50, 12]
    result = ears(series, "C2", min_sd=0)
    assert result.expected[9] == pytest.approx(20 / 7)
    assert result.statistic[9] == pytest.approx(4.0317, abs=1e-4)
    assert result.alarm[9]
    # C1 on the same day would see the two 50s in its baseline and stay quiet.
    assert not ears(series, "C1", min_sd=0).alarm[9]


def test_c3_sums_the_exceedances_of_the_last_three_c2_values() -> None:
    # Baseline for days 9, 10, 11 is always a flat 4 with alternating 3/5 for spread:
    # days 0..8 = 3,5,3,5,3,5,3,5,3. For day 9 the window is days 0..6: 3,5,3,5,3,5,3,
    # mean 27/7 = 3.857, sd = sqrt((4·0.7347 + 3·1.3061)/6) = sqrt(1.1429) = 1.0690.
    series = [3, 5, 3, 5, 3, 5, 3, 5, 3, 6, 6, 6]
    result = ears(series, "C3", min_sd=0)
    c2 = ears(series, "C2", min_sd=0).statistic
    # Day 9: C2 = (6 - 3.857)/1.0690 = 2.0045, so its part is max(0, 2.0045 - 1) = 1.0045.
    assert c2[9] == pytest.approx(2.0045, abs=1e-4)
    # C3 at day 11 = parts of days 9, 10, 11, each C2 - 1 where positive.
    parts = np.maximum(0, c2[9:12] - 1)
    assert result.statistic[11] == pytest.approx(parts.sum())
    assert result.alarm[11] == (parts.sum() > 2)
    # Day 9 alone (1.0045 plus nothing before) stays below 2.
    assert not result.alarm[9]


def test_c3_alarms_on_a_sustained_moderate_rise_that_c1_misses() -> None:
    # Baseline 2,6,2,6,...: mean ≈ 4, sd ≈ 2.1. Each 8 is only ≈ 1.9 sd above (no C1 alarm), but
    # three of them give C3 ≈ 3 × 0.9 = 2.7 > 2.
    series = [2, 6] * 6 + [8, 8, 8, 8]
    c1, c3 = ears(series, "C1", min_sd=0), ears(series, "C3", min_sd=0)
    assert not c1.alarm.any()
    assert c3.alarm.any()


def test_min_sd_keeps_a_single_report_after_silence_from_alarming() -> None:
    series = [0] * 7 + [1]
    assert math.isinf(ears(series, "C1", min_sd=0).statistic[7])
    floored = ears(series, "C1")  # min_sd = 1: (1 - 0)/1 = 1
    assert floored.statistic[7] == pytest.approx(1.0)
    assert floored.alarm_days == []


def test_cusum_reproduces_montgomery_example_9_1() -> None:
    # μ0 = 10, σ = 1, K = 0.5, H = 5: C1 = max(0, 9.45 - 10.5) = 0, C4 = 11.66 - 10.5 = 1.16,
    # C5 = 1.16 + 12.16 - 10.5 = 2.82; the chart first exceeds H at period 29 (C29 = 5.28).
    result = cusum(MONTGOMERY, k=0.5, h=5, mean=10, sd=1, reset=False)
    assert result.statistic[3] == pytest.approx(1.16)
    assert result.statistic[4] == pytest.approx(2.82)
    assert round(result.statistic[28], 2) == 5.28
    assert round(result.statistic[29], 2) == 5.30
    assert result.alarm_days == [28, 29]


def test_cusum_restarts_after_an_alarm_when_reset() -> None:
    result = cusum(MONTGOMERY, k=0.5, h=5, mean=10, sd=1, reset=True)
    assert result.alarm_days == [28]
    assert result.statistic[29] == pytest.approx(0.02)  # 0 + 10.52 - 10.5


def test_ewma_reproduces_montgomery_example_9_2() -> None:
    # λ = 0.1, L = 2.7, z0 = 10: z1 = 0.1·9.45 + 0.9·10 = 9.945, z2 = 0.1·7.99 + 0.9·9.945
    # = 9.7495. UCL_i = 10 + 2.7·sqrt(0.1/1.9·(1 - 0.9^(2i))): UCL1 = 10.27, UCL29 = 10.6188.
    # z28 = 10.5731 is inside its limit (10.6186); z29 = 10.6468 is the first point beyond.
    result = ewma(MONTGOMERY, lam=0.1, L=2.7, mean=10, sd=1, reset=False)
    assert 10 + result.statistic[0] == pytest.approx(9.945)
    assert 10 + result.statistic[1] == pytest.approx(9.7495)
    assert 10 + result.statistic[27] == pytest.approx(10.5731, abs=1e-4)
    assert 10 + result.statistic[28] == pytest.approx(10.6468, abs=1e-4)
    assert result.alarm_days == [28, 29]


def test_moving_baseline_cusum_and_ewma_find_a_step_in_counts() -> None:
    rng = np.random.default_rng(7)
    series = rng.poisson(5, 120).astype(float)
    series[100:107] += 10
    for detection in (cusum(series), ewma(series)):
        assert detection.alarm[100:107].any(), detection.method
        assert np.isnan(detection.statistic[:30]).all()


def test_nb_quantile_matches_poisson_and_negative_binomial_tables() -> None:
    # Poisson(2): P(≤4) = 0.9473, P(≤5) = 0.9834 → the 0.95 quantile is 5.
    assert nb_quantile(2.0, 1.0, 0.95) == 5
    # NB with mean 2, variance 4 (φ = 2): size r = 2, p = 0.5; P(k) = (k+1)/2^(k+2):
    # cumulative 0.25, 0.5, 0.6875, 0.8125, 0.8906, 0.9375, 0.9648 → 0.95 quantile is 6.
    assert nb_quantile(2.0, 2.0, 0.95) == 6
    assert nb_quantile(0.0, 1.0, 0.99) == 0


def test_seasonal_baseline_learns_the_weekday_rhythm() -> None:
    # Weekdays 10 a day, weekends 2: a Saturday with 8 is a surge, a Tuesday with 12 is not.
    start = date(2026, 1, 5)  # a Monday
    rng = np.random.default_rng(3)
    weekday = np.array([(start.weekday() + i) % 7 for i in range(140)])
    series = rng.poisson(np.where(weekday >= 5, 2.0, 10.0)).astype(float)
    saturday = int(np.flatnonzero(weekday[120:] == 5)[0]) + 120
    tuesday = int(np.flatnonzero(weekday[120:] == 1)[0]) + 120
    series[saturday], series[tuesday] = 12, 12
    result = seasonal_baseline(series, start, days=[saturday, tuesday], alpha=0.01)
    assert result.expected[saturday] == pytest.approx(2.0, abs=0.6)
    assert result.expected[tuesday] == pytest.approx(10.0, abs=1.5)
    assert result.alarm[saturday]
    assert not result.alarm[tuesday]


def test_seasonal_baseline_downweights_a_past_outbreak() -> None:
    start = date(2026, 1, 1)
    rng = np.random.default_rng(5)
    series = rng.poisson(4, 200).astype(float)
    series[150:157] += 30  # an old outbreak inside the fitting window
    series[199] = 15
    result = seasonal_baseline(series, start, days=[199], alpha=0.01)
    # Without down-weighting the 7 days of +30 would lift the mean by about 1.3 a day.
    assert result.expected[199] == pytest.approx(4.0, abs=0.8)
    assert result.alarm[199]


def test_seasonal_baseline_needs_history() -> None:
    result = seasonal_baseline([3] * 40, date(2026, 1, 1))
    assert not result.alarm.any()
    assert np.isnan(result.expected).all()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: ears([1, -1, 2]), "day 1"),
        (lambda: ears([[1, 2]]), "1-d"),
        (lambda: ears([1, float("nan")]), "non-negative"),
        (lambda: ears([1, 2], "C4"), "C1, C2 or C3"),  # type: ignore[arg-type]
        (lambda: cusum([1, 2], h=0), "h must be"),
        (lambda: ewma([1, 2], lam=1.5), "lam must be"),
        (lambda: cusum([1, 2], mean=1), "both mean and sd"),
        (lambda: seasonal_baseline([1] * 100, date(2026, 1, 1), days=[100]), "indices"),
        (lambda: run("FOO", [1], date(2026, 1, 1)), "unknown method"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(call: object, message: str) -> None:
    with pytest.raises(SurveillanceError, match=message):
        call()  # type: ignore[operator]


def test_run_dispatches_every_named_method() -> None:
    series = np.random.default_rng(1).poisson(3, 100)
    for method in ("C1", "C2", "C3", "CUSUM", "EWMA", "Seasonal"):
        assert run(method, series, date(2026, 1, 1)).alarm.shape == (100,)


@pytest.mark.parametrize(
    ("seasonal", "others", "count", "expected", "level"),
    [
        (True, 3, 9, 3.0, "red"),
        (True, 3, 8, 3.0, "orange"),  # all agree, but under three times the expectation
        (True, 2, 5, 1.0, "orange"),
        (True, 0, 3, 0.1, "yellow"),
        (False, 3, 5, 2.0, "blue"),
        (False, 2, 5, 2.0, None),
        (None, 3, 5, 0.5, "yellow"),
        (None, 2, 5, 0.5, "blue"),
        (None, 1, 5, 0.5, None),
    ],
)
def test_combined_level_trusts_the_seasonal_baseline_most(
    seasonal: bool | None, others: int, count: float, expected: float, level: str | None
) -> None:
    assert combined_level(seasonal, others, count, expected) == level
