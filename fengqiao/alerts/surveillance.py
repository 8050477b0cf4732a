"""Category surges (类别激增): temporal surveillance of daily counts, framework-free (NumPy only).

Every method takes one daily count series (one region × category, oldest first) and returns a
``Detection``: per day the method's statistic, the expected count, the count above which the day
alarms and whether it did. Days without enough history have ``nan`` statistics and no alarm.

Methods and their published definitions (docs/alerts.md has the references in full):

- ``ears`` C1, C2, C3 — the CDC's Early Aberration Reporting System (Hutwagner et al. 2003;
  Fricker, Hegler & Dunfee 2008). C1 compares today with the mean and sample standard deviation
  of days t-7..t-1; C2 with days t-9..t-3 (a two-day guard band, so a rising outbreak does not
  hide in its own baseline); C3 sums ``max(0, C2 - 1)`` over today and the two days before.
  C1 and C2 alarm above 3 standard deviations, C3 above 2.
- ``cusum`` — the standardised one-sided upper CUSUM (Page 1954; Montgomery, *Introduction to
  Statistical Quality Control*, ch. 9): ``S_t = max(0, S_{t-1} + z_t - k)``, alarm when
  ``S_t > h``.
- ``ewma`` — the exponentially weighted moving average chart (Roberts 1959; Montgomery ch. 9):
  ``Z_t = λ z_t + (1-λ) Z_{t-1}`` with the exact time-varying limit
  ``L · sqrt(λ/(2-λ) · (1-(1-λ)^{2t}))``.
- ``seasonal_baseline`` — a regression baseline in the manner of the improved Farrington
  method (Farrington et al. 1996; Noufaily et al. 2013), adapted to daily counts: a quasi-Poisson
  log-linear model with trend, day-of-week and annual harmonic terms fitted on the history before
  a guard band, past outbreaks down-weighted by their Anscombe residuals (> 2.58), and the
  threshold taken as the negative binomial quantile with the fitted mean and dispersion.

For CUSUM and EWMA on counts the in-control mean and standard deviation are estimated per day
from a moving baseline (default days t-30..t-3, a 2-day guard band) unless given, which is how
surveillance systems use them (Fricker 2008); the textbook examples use known values.

``min_sd`` floors every estimated standard deviation. Governance counts per community and
category are sparse: a week of zeros has standard deviation 0, and one report would then be an
infinite number of standard deviations above it. The R ``surveillance`` package calls the same
floor ``minSigma`` (default 0); ours defaults to 1, i.e. one case a day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
EarsMethod = Literal["C1", "C2", "C3"]


class SurveillanceError(ValueError):
    """Bad input or parameters; the message names what is wrong."""


@dataclass(frozen=True)
class Detection:
    """Per-day result of one method on one series (all arrays as long as the input).

    ``statistic`` is the method's own score (standard deviations for EARS, CUSUM and EWMA; for
    the seasonal baseline the Farrington exceedance score ``(y - expected) / (upper - expected)``,
    which alarms above 1). ``upper`` is the count the day had to exceed to alarm.
    """

    method: str
    statistic: FloatArray
    threshold: float
    expected: FloatArray
    upper: FloatArray
    alarm: BoolArray

    @property
    def alarm_days(self) -> list[int]:
        return [int(i) for i in np.flatnonzero(self.alarm)]


# --------------------------------------------------------------------------- input checks


def as_counts(counts: npt.ArrayLike) -> FloatArray:
    """The series as a float array, refusing what is not a one-dimensional count series."""
    try:
        values = np.asarray(counts, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise SurveillanceError(f"counts must be numbers: {exc}") from None
    if values.ndim != 1:
        raise SurveillanceError(f"counts must be one series (1-d), got shape {values.shape}")
    bad = np.flatnonzero(~np.isfinite(values) | (values < 0))
    if bad.size:
        raise SurveillanceError(
            f"counts must be finite and non-negative; day {int(bad[0])} is {values[bad[0]]!r}"
        )
    return values


def _positive(name: str, value: float) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
        raise SurveillanceError(f"{name} must be a positive number, got {value!r}")


def _window_stats(
    y: FloatArray, lag_first: int, lag_last: int, min_sd: float
) -> tuple[FloatArray, FloatArray]:
    """Mean and sample SD (n-1) of days t-lag_last..t-lag_first for each t (nan if short)."""
    n, width = y.size, lag_last - lag_first + 1
    mean = np.full(n, np.nan)
    sd = np.full(n, np.nan)
    if n > lag_last:
        windows = np.lib.stride_tricks.sliding_window_view(y, width)
        # windows[j] covers days j..j+width-1; day t needs j = t - lag_last.
        usable = windows[: n - lag_last]
        mean[lag_last:] = usable.mean(axis=1)
        sd[lag_last:] = usable.std(axis=1, ddof=1) if width > 1 else 0.0
    return mean, np.maximum(sd, min_sd)


def _baseline(
    y: FloatArray,
    mean: npt.ArrayLike | None,
    sd: npt.ArrayLike | None,
    baseline: int,
    guard: int,
    min_sd: float,
) -> tuple[FloatArray, FloatArray]:
    """Given or moving-window in-control mean and SD for each day."""
    if (mean is None) != (sd is None):
        raise SurveillanceError("give both mean and sd, or neither (moving baseline)")
    if mean is not None and sd is not None:
        mu = np.broadcast_to(np.asarray(mean, dtype=np.float64), y.shape).copy()
        sigma = np.broadcast_to(np.asarray(sd, dtype=np.float64), y.shape).copy()
        if np.any(sigma <= 0):
            raise SurveillanceError("sd must be positive")
        return mu, sigma
    if baseline < 2:
        raise SurveillanceError(f"baseline must be at least 2 days, got {baseline}")
    if guard < 0:
        raise SurveillanceError(f"guard must be 0 or more days, got {guard}")
    return _window_stats(y, guard + 1, guard + baseline, min_sd)


# --------------------------------------------------------------------------- EARS


def ears(
    counts: npt.ArrayLike,
    method: EarsMethod = "C1",
    *,
    baseline: int = 7,
    threshold: float | None = None,
    min_sd: float = 1.0,
) -> Detection:
    """EARS C1, C2 or C3 (Hutwagner et al. 2003).

    C1: ``(y_t - mean(t-7..t-1)) / sd(t-7..t-1)``; C2 the same over ``t-9..t-3``; both alarm
    above ``threshold`` (default 3). C3: ``Σ_{i=0..2} max(0, C2_{t-i} - 1)``, alarm above
    ``threshold`` (default 2). ``baseline`` is the window length (7 in EARS).
    """
    y = as_counts(counts)
    if method not in ("C1", "C2", "C3"):
        raise SurveillanceError(f"method must be C1, C2 or C3, got {method!r}")
    if baseline < 3:
        raise SurveillanceError(f"baseline must be at least 3 days, got {baseline}")
    if min_sd < 0:
        raise SurveillanceError(f"min_sd must be 0 or more, got {min_sd}")
    limit = float(threshold if threshold is not None else (2.0 if method == "C3" else 3.0))
    _positive("threshold", limit)
    lag = 1 if method == "C1" else 3
    mean, sd = _window_stats(y, lag, lag + baseline - 1, min_sd)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (y - mean) / sd
    if method != "C3":
        statistic, upper = z, mean + limit * sd
    else:
        part = np.maximum(0.0, z - 1.0)
        statistic = np.full(y.size, np.nan)
        statistic[2:] = part[2:] + part[1:-1] + part[:-2]
        before = statistic - part  # the two earlier days' share
        # Today alarms when its own part exceeds what the two earlier days left to reach.
        upper = mean + sd * (1.0 + np.maximum(0.0, limit - before))
    alarm = np.nan_to_num(statistic, nan=-np.inf) > limit
    return Detection(f"EARS {method}", statistic, limit, mean, upper, alarm)


# --------------------------------------------------------------------------- CUSUM and EWMA


def cusum(
    counts: npt.ArrayLike,
    *,
    k: float = 0.5,
    h: float = 4.0,
    mean: npt.ArrayLike | None = None,
    sd: npt.ArrayLike | None = None,
    baseline: int = 28,
    guard: int = 2,
    min_sd: float = 1.0,
    reset: bool = True,
) -> Detection:
    """Standardised upper CUSUM: ``S_t = max(0, S_{t-1} + (y_t - μ_t)/σ_t - k)``, alarm ``S_t > h``.

    ``k`` is the reference value (half the shift to detect, in SDs), ``h`` the decision
    interval. With ``reset`` the sum restarts at 0 after an alarm, as surveillance systems do,
    so a long outbreak alarms again only when it keeps accumulating.
    """
    y = as_counts(counts)
    _positive("h", h)
    if not (math.isfinite(k) and k >= 0):
        raise SurveillanceError(f"k must be 0 or more, got {k!r}")
    mu, sigma = _baseline(y, mean, sd, baseline, guard, min_sd)
    z = (y - mu) / sigma
    statistic = np.full(y.size, np.nan)
    alarm = np.zeros(y.size, dtype=bool)
    s = 0.0
    for t in range(y.size):
        if not math.isfinite(z[t]):
            continue
        s = max(0.0, s + float(z[t]) - k)
        statistic[t] = s
        if s > h:
            alarm[t] = True
            if reset:
                s = 0.0
    # The count that would have tipped today over h, given yesterday's sum.
    previous = np.concatenate([[0.0], np.nan_to_num(statistic[:-1], nan=0.0)])
    if reset:
        previous[1:][alarm[:-1]] = 0.0
    upper = mu + sigma * (h + k - previous)
    return Detection("CUSUM", statistic, h, mu, upper, alarm)


def ewma(
    counts: npt.ArrayLike,
    *,
    lam: float = 0.3,
    L: float = 3.0,
    mean: npt.ArrayLike | None = None,
    sd: npt.ArrayLike | None = None,
    baseline: int = 28,
    guard: int = 2,
    min_sd: float = 1.0,
    reset: bool = True,
) -> Detection:
    """Upper EWMA chart on standardised counts, in SD units of the observations.

    ``Z_t = λ z_t + (1-λ) Z_{t-1}`` from ``Z_0 = 0`` with ``z_t = (y_t - μ_t)/σ_t``; the day
    alarms when ``Z_t > L · sqrt(λ/(2-λ) · (1-(1-λ)^{2i}))``, ``i`` counting days since the chart
    (re)started. For constant ``μ, σ`` this is Montgomery's chart: his ``z_i = μ0 + σ Z_t``.
    """
    y = as_counts(counts)
    _positive("L", L)
    if not (math.isfinite(lam) and 0 < lam <= 1):
        raise SurveillanceError(f"lam must be in (0, 1], got {lam!r}")
    mu, sigma = _baseline(y, mean, sd, baseline, guard, min_sd)
    z = (y - mu) / sigma
    statistic = np.full(y.size, np.nan)
    limits = np.full(y.size, np.nan)
    alarm = np.zeros(y.size, dtype=bool)
    smoothed, i = 0.0, 0
    for t in range(y.size):
        if not math.isfinite(z[t]):
            continue
        i += 1
        previous = smoothed
        smoothed = lam * float(z[t]) + (1 - lam) * smoothed
        limit = L * math.sqrt(lam / (2 - lam) * (1 - (1 - lam) ** (2 * i)))
        statistic[t], limits[t] = smoothed, limit
        if smoothed > limit:
            alarm[t] = True
            if reset:
                smoothed, i = 0.0, 0
        limits[t] = mu[t] + sigma[t] * (limit - (1 - lam) * previous) / lam
    return Detection("EWMA", statistic, L, mu, limits, alarm)


# --------------------------------------------------------------------------- seasonal baseline


@dataclass(frozen=True)
class _Fit:
    beta: FloatArray
    cov_unscaled: FloatArray  # (X'WX)^-1
    phi: float
    mu: FloatArray


def _irls(X: FloatArray, y: FloatArray, prior: FloatArray, iterations: int = 50) -> _Fit | None:
    """Quasi-Poisson log-linear fit by iteratively reweighted least squares; None if it fails."""
    n, p = X.shape
    mu = np.maximum(y, 0.5)
    eta = np.log(mu)
    beta = np.zeros(p)
    for _ in range(iterations):
        w = prior * mu
        zwork = eta + (y - mu) / mu
        xtw = X.T * w
        try:
            new_beta = np.asarray(np.linalg.solve(xtw @ X, xtw @ zwork), dtype=np.float64)
        except np.linalg.LinAlgError:
            return None
        eta = np.clip(X @ new_beta, -30.0, 30.0)
        mu = np.exp(eta)
        done = np.max(np.abs(new_beta - beta)) < 1e-8
        beta = new_beta
        if done:
            break
    w = prior * mu
    try:
        cov = np.asarray(np.linalg.inv((X.T * w) @ X), dtype=np.float64)
    except np.linalg.LinAlgError:
        return None
    dof = max(1, n - p)
    phi = max(1.0, float(np.sum(prior * (y - mu) ** 2 / mu)) / dof)
    return _Fit(beta, cov, phi, mu)


def _design(days: npt.NDArray[np.int64], weekday0: int, trend: bool, annual: bool) -> FloatArray:
    columns: list[FloatArray] = [np.ones(days.size)]
    if trend:
        columns.append(days / 365.25)
    weekday = (weekday0 + days) % 7
    for d in range(1, 7):
        columns.append((weekday == d).astype(np.float64))
    if annual:
        angle = 2 * np.pi * days / 365.25
        columns += [np.sin(angle), np.cos(angle)]
    return np.column_stack(columns)


def _anscombe(y: FloatArray, fit: _Fit, X: FloatArray, prior: FloatArray) -> FloatArray:
    """Standardised Anscombe residuals of a quasi-Poisson fit (Farrington et al. 1996)."""
    w = prior * fit.mu
    hat = np.einsum("ij,jk,ik->i", X, fit.cov_unscaled, X) * w
    denom = fit.mu ** (1 / 6) * np.sqrt(fit.phi * np.clip(1 - hat, 1e-6, None))
    return np.asarray(1.5 * (y ** (2 / 3) - fit.mu ** (2 / 3)) / denom, dtype=np.float64)


def nb_quantile(mean: float, phi: float, prob: float) -> int:
    """Smallest k with P(Y ≤ k) ≥ prob for Y negative binomial with the given mean and variance
    ``phi * mean`` (Poisson when phi ≤ 1), as in Noufaily et al. (2013)."""
    if mean <= 0:
        return 0
    top = int(mean + 12 * math.sqrt(max(phi, 1.0) * mean) + 20)
    k = np.arange(top + 1, dtype=np.float64)
    if phi <= 1.0 + 1e-9:
        logpmf = -mean + k * math.log(mean) - np.concatenate([[0.0], np.cumsum(np.log(k[1:]))])
    else:
        r = mean / (phi - 1)
        p = 1 / phi  # r / (r + mean)
        steps = np.log(k[:-1] + r) - np.log(k[1:]) + math.log(1 - p)
        logpmf = r * math.log(p) + np.concatenate([[0.0], np.cumsum(steps)])
    cdf = np.cumsum(np.exp(logpmf))
    hit = np.flatnonzero(cdf >= prob)
    return int(hit[0]) if hit.size else top


def seasonal_baseline(
    counts: npt.ArrayLike,
    start: date,
    *,
    alpha: float = 0.001,
    history: int = 730,
    min_history: int = 56,
    guard: int = 7,
    days: npt.ArrayLike | None = None,
    downweight: float = 2.58,
) -> Detection:
    """Regression baseline with weekday and annual terms, Farrington/Noufaily style.

    For each evaluated day t the model is fitted on days ``t-guard-history .. t-guard-1`` (at
    least ``min_history`` of them): ``log μ = β0 [+ β1·year] + weekday + [sin, cos of the year]``
    (the annual pair only with a year of history; the trend kept only when significant at 5 %,
    as Farrington's algorithm does). Quasi-Poisson dispersion ``φ = max(1, Pearson χ²/(n-p))``;
    days with Anscombe residuals above ``downweight`` get weight ``s^-2`` and the model is
    refitted (Noufaily's improvement, so past outbreaks do not raise the baseline). The day
    alarms when its count exceeds the ``1-alpha`` negative binomial quantile with mean ``μ_t``
    and dispersion ``φ``. ``start`` dates day 0 (for weekdays); ``days`` limits which indices are
    evaluated (default: all with enough history), since each costs one fit.
    """
    y = as_counts(counts)
    if not 0 < alpha < 0.5:
        raise SurveillanceError(f"alpha must be in (0, 0.5), got {alpha!r}")
    if min_history < 14 or history < min_history:
        raise SurveillanceError("need min_history ≥ 14 and history ≥ min_history")
    if guard < 0:
        raise SurveillanceError(f"guard must be 0 or more days, got {guard}")
    n = y.size
    wanted = (
        np.arange(n, dtype=np.int64) if days is None else np.asarray(days, dtype=np.int64).ravel()
    )
    if wanted.size and (wanted.min() < 0 or wanted.max() >= n):
        raise SurveillanceError(f"days must be indices into the series (0..{n - 1})")
    expected = np.full(n, np.nan)
    upper = np.full(n, np.nan)
    statistic = np.full(n, np.nan)
    alarm = np.zeros(n, dtype=bool)
    weekday0 = start.weekday()  # Monday = 0
    for t in wanted:
        last = int(t) - guard  # exclusive end of the fitting window
        first = max(0, last - history)
        if last - first < min_history:
            continue
        fitted = _fit_window(y, first, last, int(t), weekday0, downweight)
        if fitted is None:
            continue
        mean_t, phi = fitted
        bound = nb_quantile(mean_t, phi, 1 - alpha)
        expected[t], upper[t] = mean_t, bound
        statistic[t] = (y[t] - mean_t) / max(bound - mean_t, 1e-9)
        alarm[t] = y[t] > bound
    return Detection("Seasonal", statistic, 1.0, expected, upper, alarm)


def _fit_window(
    y: FloatArray, first: int, last: int, t: int, weekday0: int, downweight: float
) -> tuple[float, float] | None:
    """Fit the baseline on ``y[first:last]`` and predict day ``t``: (mean, dispersion)."""
    days = np.arange(first, last, dtype=np.int64)
    obs = y[first:last]
    if obs.sum() == 0:
        return 0.0, 1.0
    annual = last - first >= 365
    prior = np.ones(days.size)
    trend = True
    X = _design(days - t, weekday0 + t, trend, annual)  # centred on t: intercept is day t
    fit = _irls(X, obs, prior)
    if fit is not None:
        se = math.sqrt(max(fit.phi * fit.cov_unscaled[1, 1], 0.0))
        trend = se > 0 and abs(fit.beta[1]) / se > 1.96
    if not trend:
        X = _design(days - t, weekday0 + t, False, annual)
        fit = _irls(X, obs, prior)
    if fit is None:
        return None
    residuals = _anscombe(obs, fit, X, prior)
    outliers = residuals > downweight
    if outliers.any():
        prior = np.ones(days.size)
        prior[outliers] = residuals[outliers] ** -2.0
        prior *= days.size / prior.sum()
        refit = _irls(X, obs, prior)
        if refit is not None:
            fit = refit
    x0 = _design(np.zeros(1, dtype=np.int64), weekday0 + t, trend, annual)[0]
    mean_t = float(np.exp(np.clip(x0 @ fit.beta, -30.0, 30.0)))
    return mean_t, fit.phi


METHODS = ("C1", "C2", "C3", "CUSUM", "EWMA", "Seasonal")


def combined_level(seasonal: bool | None, others: int, count: float, expected: float) -> str | None:
    """The alert level (``"red"``, ``"orange"``, ``"yellow"``, ``"blue"`` or None) from the
    seasonal baseline's verdict (None when the series is too young for a fit) and the number of
    the three short-baseline methods (EARS C2, C3, CUSUM) that alarm on the day.

    The short baselines know nothing of weekdays or seasons and alarm several times per 100
    quiet days on rhythmic series (docs/benchmarks.md), so without the seasonal baseline they
    give a blue alert at most (all three agreeing), or yellow when there is no seasonal fit.
    With it: yellow alone, orange with two or more others, red when all four agree and the
    count is at least three times the expected one.
    """
    if seasonal is None:
        return "yellow" if others >= 3 else ("blue" if others == 2 else None)
    if not seasonal:
        return "blue" if others >= 3 else None
    if others >= 3 and count >= 3 * max(expected, 1.0):
        return "red"
    return "orange" if others >= 2 else "yellow"


def run(method: str, counts: npt.ArrayLike, start: date) -> Detection:
    """Run one named method with its default parameters (the product's detectors use this)."""
    ears_methods: dict[str, EarsMethod] = {"C1": "C1", "C2": "C2", "C3": "C3"}
    if method in ears_methods:
        return ears(counts, ears_methods[method])
    if method == "CUSUM":
        return cusum(counts)
    if method == "EWMA":
        return ewma(counts)
    if method == "Seasonal":
        return seasonal_baseline(counts, start)
    raise SurveillanceError(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
