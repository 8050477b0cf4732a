"""Performance measures (考核指标) over a scope of cases, for dashboards and reports.

Every measure is computed by the database: one aggregate query over the cases a ``Scope``
selects, however many cases there are. ``summary`` computes them all in that same single query.
Cost: each timestamp a measure reads a period by is indexed (submission, and partial indexes on
the resolution, closing and rating times, which a new case does not have yet), so the query
reads the period's cases, found through those indexes (SQLite's multi-index OR, PostgreSQL's
bitmap OR), then filters them by unit, region and category; docs/benchmarks.md has its cost at
100,000 cases.

Each measure looks at the cases whose *relevant timestamp* falls in the period (submission for
即时处置率, resolution for 按期办结率 and the tier shares and handling time, rating for 满意率,
closing for 回访率), so a case submitted in one month and resolved in the next counts towards
each measure in the month the measured event happened. Periods are half-open, ``[start, end)``:
consecutive periods never count a case twice.

A rate is returned as a ``Rate`` with its numerator and denominator, so a dashboard can show
"12/15" and a reader can check it; its ``value`` is ``None`` when there is nothing to measure,
never a misleading 0%.

Measures do not ask who is looking: a dashboard builds the ``Scope`` from what the viewer may
see (their unit, their region), as ``Case.objects.visible_to`` would allow.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce
from typing import Any

from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from fengqiao.accounts.models import Unit
from fengqiao.cases.choices import Rating, Status
from fengqiao.cases.models import Case, Category
from fengqiao.cases.routing import TIER_ORDER
from fengqiao.regions.models import Region

# Handled on the spot (即时处置) and never reopened since: the on-the-spot outcome stood. A
# reopened case keeps ``handled_on_spot`` but then goes through the normal flow (deadline,
# verification, follow-up visit), so it is measured like any other case.
ON_SPOT = Q(handled_on_spot=True, reopened=0)


@dataclass(frozen=True)
class Scope:
    """Which cases a measure looks at: a period and optional unit, region and category.

    ``start``/``end``: the period ``[start, end)``, timezone-aware, applied to the timestamp each
    measure names in its docstring.

    ``unit`` (承办单位): cases resolved by this unit (``resolved_unit``), and cases not (or no
    longer) resolved that this unit holds now (``current_unit``). A case dispatched by a centre
    to a department counts for the department that resolved it, not for the centre. Only this
    unit, not the units below it; use ``region`` for everything within a jurisdiction.

    ``region``: cases in this region's subtree (``region_path`` starts with ``region.path``).

    ``category``: cases of this category; for a 大类, cases of any of its 小类.
    """

    start: datetime
    end: datetime
    unit: Unit | None = None
    region: Region | None = None
    category: Category | None = None

    def __post_init__(self) -> None:
        if timezone.is_naive(self.start) or timezone.is_naive(self.end):
            raise ValueError("a measure's period needs timezone-aware datetimes")
        if self.end < self.start:
            raise ValueError("a measure's period ends before it starts")


@dataclass(frozen=True)
class Rate:
    """``numerator / denominator`` as a fraction in [0, 1]; ``value`` is None when there is no
    denominator (nothing to measure), which a dashboard shows as "—", not as 0%."""

    numerator: int
    denominator: int
    value: float | None


def _rate(numerator: int, denominator: int) -> Rate:
    return Rate(numerator, denominator, numerator / denominator if denominator else None)


def _scoped(scope: Scope) -> QuerySet[Case]:
    """The cases within the scope's unit, region and category (the period is per measure)."""
    cases = Case.objects.all()
    if scope.unit is not None:
        cases = cases.filter(
            Q(resolved_unit=scope.unit) | Q(resolved_unit__isnull=True, current_unit=scope.unit)
        )
    if scope.region is not None:
        cases = cases.filter(region_path__startswith=scope.region.path)
    if scope.category is not None:
        category = scope.category
        if category.parent_id is None:  # a 大类: its 小类 (and itself, should a case sit there)
            cases = cases.filter(Q(category=category) | Q(category__parent=category))
        else:
            cases = cases.filter(category=category)
    return cases


def _during(field: str, scope: Scope) -> Q:
    return Q(**{f"{field}__gte": scope.start, f"{field}__lt": scope.end})


@dataclass(frozen=True)
class _Part:
    """One group of measures' share of the query: the cases it looks at, what it counts."""

    cases: Q
    aggregates: dict[str, Aggregate]


def _aggregate(scope: Scope, *parts: _Part) -> dict[str, Any]:
    """Run the parts as one query: rows matching any part, each aggregate filtered to its own."""
    where = reduce(operator.or_, (part.cases for part in parts))
    aggregates = {name: agg for part in parts for name, agg in part.aggregates.items()}
    return _scoped(scope).filter(where).aggregate(**aggregates)


def _submitted_part(scope: Scope) -> _Part:
    # Rejected reports and merged duplicates are not cases anyone handled.
    cases = _during("submitted_at", scope) & ~Q(status__in=[Status.REJECTED, Status.MERGED])
    return _Part(
        cases,
        {
            "submitted": Count("pk", filter=cases),
            "submitted_on_spot": Count("pk", filter=cases & ON_SPOT),
        },
    )


def _resolved_part(scope: Scope, *, detail: bool = True) -> _Part:
    # ``resolved_at`` is the latest 办结; a failed verification or a reopening clears it, so only
    # cases that stand resolved (awaiting verification or closed) are counted. ``detail``: the
    # tiers and the handling time too, not only the on-time count.
    cases = _during("resolved_at", scope)
    on_time = ON_SPOT | Q(resolved_at__lte=F("resolve_due_at"))
    aggregates: dict[str, Aggregate] = {
        "resolved": Count("pk", filter=cases),
        "resolved_on_time": Count("pk", filter=cases & on_time),
    }
    if detail:
        duration = ExpressionWrapper(
            F("resolved_at") - F("submitted_at"), output_field=DurationField()
        )
        aggregates["resolved_duration"] = Avg(duration, filter=cases)
        for tier in TIER_ORDER:
            aggregates[f"resolved_{tier}"] = Count("pk", filter=cases & Q(resolved_tier=tier))
    return _Part(cases, aggregates)


def _rated_part(scope: Scope) -> _Part:
    cases = _during("rated_at", scope) & ~Q(rating="")
    return _Part(
        cases,
        {
            "rated": Count("pk", filter=cases),
            "rated_satisfied": Count(
                "pk", filter=cases & Q(rating__in=[Rating.SATISFIED, Rating.BASIC])
            ),
        },
    )


def _closed_part(scope: Scope) -> _Part:
    # A case closed on the spot had no one to visit: the reporter was the grid worker.
    cases = _during("closed_at", scope) & ~ON_SPOT
    return _Part(
        cases,
        {
            "closed": Count("pk", filter=cases),
            "closed_followed_up": Count("pk", filter=cases & Q(followed_up_at__isnull=False)),
        },
    )


def _hours(duration: timedelta | None) -> float | None:
    # Both backends come back as a timedelta: PostgreSQL averages an interval, and Django
    # converts SQLite's average of microseconds.
    return None if duration is None else duration.total_seconds() / 3600


def immediate_handling_rate(scope: Scope) -> Rate:
    """即时处置率 (immediate handling rate), by ``submitted_at``.

    Cases handled on the spot by a grid worker (and not reopened since) over all cases submitted
    in the period, leaving out rejected reports (不予受理) and merged duplicates (已合并).
    One query.
    """
    row = _aggregate(scope, _submitted_part(scope))
    return _rate(row["submitted_on_spot"], row["submitted"])


def on_time_resolution_rate(scope: Scope) -> Rate:
    """按期办结率 (on-time resolution rate), by ``resolved_at``.

    Of the cases resolved (办结) in the period, those resolved by their resolve deadline
    (``resolved_at <= resolve_due_at``, the deadline as extended and as moved by suspensions) or
    handled on the spot (no deadline: resolved the moment they were reported). A resolved case
    without a deadline that was not handled on the spot counts as late rather than on time; the
    lifecycle gives every accepted case one, so this happens only with bad imported data.
    One query.
    """
    row = _aggregate(scope, _resolved_part(scope))
    return _rate(row["resolved_on_time"], row["resolved"])


def resolution_by_tier(scope: Scope) -> dict[str, Rate]:
    """化解层级 (where cases are resolved: 小事不出村、大事不出镇), by ``resolved_at``.

    For each tier, grid to district (keys ``Tier`` values, all four always present, in that
    order), the share of the cases resolved in the period whose ``resolved_tier`` is that tier:
    the tier of the unit that resolved it. One query.
    """
    return _tiers(_aggregate(scope, _resolved_part(scope)))


def _tiers(row: dict[str, Any]) -> dict[str, Rate]:
    return {str(tier): _rate(row[f"resolved_{tier}"], row["resolved"]) for tier in TIER_ORDER}


def satisfaction_rate(scope: Scope) -> Rate:
    """满意率 (satisfaction rate), by ``rated_at``.

    Reporters' ratings of 满意 (satisfied) or 基本满意 (basically satisfied) over all ratings made
    in the period. The follow-up call's own 满意 (``follow_up_satisfied``) is not a rating by the
    reporter and is not counted here. One query.
    """
    row = _aggregate(scope, _rated_part(scope))
    return _rate(row["rated_satisfied"], row["rated"])


def follow_up_rate(scope: Scope) -> Rate:
    """回访率 (follow-up rate), by ``closed_at``.

    Of the cases closed (结案) in the period, those the centre has followed up (回访) by now,
    leaving out cases closed on the spot, which need no visit. A follow-up may come after the
    period ends, so the rate of a recent period still rises as visits are made. One query.
    """
    row = _aggregate(scope, _closed_part(scope))
    return _rate(row["closed_followed_up"], row["closed"])


def average_handling_hours(scope: Scope) -> float | None:
    """平均办理时长 (average handling time) in hours, by ``resolved_at``; None when none.

    Wall-clock hours from ``submitted_at`` to ``resolved_at`` over the cases resolved in the
    period, nights, holidays and suspensions included (the deadline measures count working time;
    this one is what the reporter waited). Cases handled on the spot count as 0 hours, which is
    what they took. One query.
    """
    return _hours(_aggregate(scope, _resolved_part(scope))["resolved_duration"])


def _all_parts(scope: Scope) -> tuple[_Part, ...]:
    return (
        _submitted_part(scope),
        _resolved_part(scope),
        _rated_part(scope),
        _closed_part(scope),
    )


def summary(scope: Scope) -> dict[str, Any]:
    """All the measures above for one scope, keyed by function name, in one query."""
    return _summary(_aggregate(scope, *_all_parts(scope)))


def summary_by_unit(scope: Scope) -> dict[int, dict[str, Any]]:
    """``summary`` for every unit that answers for cases in the scope, in one grouped query.

    The unit a case counts for (承办单位) is the one ``Scope.unit`` means: the unit that resolved
    it, or, until it is resolved, the unit holding it now (every case has one). The key is the
    unit's id; a unit with nothing measured in the period is absent. Each unit's
    figures equal ``summary`` of the same scope with ``unit`` set to that unit (tested), which is
    what a ranking of units (单位排名) compares.
    """
    parts = _all_parts(scope)
    where = reduce(operator.or_, (part.cases for part in parts))
    aggregates = {name: agg for part in parts for name, agg in part.aggregates.items()}
    rows = (
        _scoped(scope)
        .filter(where)
        .annotate(answering_unit=Coalesce("resolved_unit", "current_unit"))
        .values("answering_unit")
        .annotate(**aggregates)
        .order_by()
    )
    return {row["answering_unit"]: _summary(row) for row in rows}


def total(by_unit: Mapping[Any, dict[str, Any]]) -> dict[str, Any]:
    """``summary`` of a scope worked out from its ``summary_by_unit``, without a query: every
    case counts for exactly one unit, so numerators and denominators add up, and
    the average handling time is the units' averages weighted by the cases each resolved."""
    figures = list(by_unit.values())

    def added(name: str) -> Rate:
        return _rate(
            sum(f[name].numerator for f in figures), sum(f[name].denominator for f in figures)
        )

    resolved = sum(f["on_time_resolution_rate"].denominator for f in figures)
    hours = sum(
        f["average_handling_hours"] * f["on_time_resolution_rate"].denominator
        for f in figures
        if f["average_handling_hours"] is not None
    )
    return {
        "immediate_handling_rate": added("immediate_handling_rate"),
        "on_time_resolution_rate": added("on_time_resolution_rate"),
        "resolution_by_tier": {
            str(tier): _rate(
                sum(f["resolution_by_tier"][str(tier)].numerator for f in figures), resolved
            )
            for tier in TIER_ORDER
        },
        "satisfaction_rate": added("satisfaction_rate"),
        "follow_up_rate": added("follow_up_rate"),
        "average_handling_hours": hours / resolved if resolved else None,
    }


# The rates a trend over many periods shows (``headline_rates``).
HEADLINE_RATES = ("immediate_handling_rate", "on_time_resolution_rate", "satisfaction_rate")


def headline_rates(scope: Scope) -> dict[str, Rate]:
    """即时处置率, 按期办结率 and 满意率 of one scope: one query with a third of ``summary``'s
    aggregates, for a trend that asks it of many periods."""
    row = _aggregate(
        scope, _submitted_part(scope), _resolved_part(scope, detail=False), _rated_part(scope)
    )
    return {
        "immediate_handling_rate": _rate(row["submitted_on_spot"], row["submitted"]),
        "on_time_resolution_rate": _rate(row["resolved_on_time"], row["resolved"]),
        "satisfaction_rate": _rate(row["rated_satisfied"], row["rated"]),
    }


def _summary(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "immediate_handling_rate": _rate(row["submitted_on_spot"], row["submitted"]),
        "on_time_resolution_rate": _rate(row["resolved_on_time"], row["resolved"]),
        "resolution_by_tier": _tiers(row),
        "satisfaction_rate": _rate(row["rated_satisfied"], row["rated"]),
        "follow_up_rate": _rate(row["closed_followed_up"], row["closed"]),
        "average_handling_hours": _hours(row["resolved_duration"]),
    }
