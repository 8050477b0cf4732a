"""The case measures report (事件考核指标): one month's measures, the ranking of units and the
trend, for the territory a person oversees. The web page (``cases.views.measures``) and the API
(``GET /api/v1/cases/measures/``) both build it here, so they take the same parameters, refuse
the same bad input and see the same cases.

Who sees what: a person sees the measures of their territory (``regions_visible_to``), by
default the widest region they oversee; a region outside it is a 404, as everywhere. Someone
without territory (a department's handler, a mediator) has nothing to measure here (403); their
unit appears in the ranking of whoever oversees the cases it handles. A superuser without a
region sees the whole database.

Cost: ``summary_by_unit`` for the month (its ``total`` is the month's summary), one
``headline_rates`` for each earlier month of the trend (``TREND_MONTHS``), the units' names,
the region and the category: a fixed number of queries, each an aggregate over the cases of one
month, found through the indexes on each measure's timestamp.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fengqiao.accounts.models import Unit, User
from fengqiao.accounts.scoping import regions_visible_to
from fengqiao.cases import measures
from fengqiao.cases.measures import Rate, Scope
from fengqiao.cases.models import Category
from fengqiao.regions.models import Level, Region

# How many months the trend shows, this month included.
TREND_MONTHS = 6
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Ranking:
    """One way of ranking units: which measure, its label, and whether higher is better."""

    measure: str
    label: Any  # a lazy translation
    higher_is_better: bool = True


# The measures a ranking can follow; the first is the default (按期办结率: the deadline is what
# a unit is held to). Units with nothing to measure come last, unranked.
RANKINGS: dict[str, Ranking] = {
    "on_time": Ranking("on_time_resolution_rate", gettext_lazy("按期办结率")),
    "satisfaction": Ranking("satisfaction_rate", gettext_lazy("满意率")),
    "immediate": Ranking("immediate_handling_rate", gettext_lazy("即时处置率")),
    "follow_up": Ranking("follow_up_rate", gettext_lazy("回访率")),
    "hours": Ranking("average_handling_hours", gettext_lazy("平均办理时长"), False),
}


class ReportError(ValueError):
    """Bad input: ``message`` says what is wrong with the parameter ``field``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class UnitRow:
    """One line of the ranking: ``rank`` is None for a unit with nothing to measure by the
    ranking's measure; equal figures share a rank (1, 1, 3)."""

    rank: int | None
    unit: Unit | None
    measures: dict[str, Any]


@dataclass(frozen=True)
class Report:
    month: date
    start: datetime
    end: datetime
    region: Region | None
    category: Category | None
    ranking: str
    summary: dict[str, Any]
    units: list[UnitRow]
    trend: list[tuple[date, dict[str, Rate]]]  # measures.HEADLINE_RATES per month, oldest first

    @property
    def month_text(self) -> str:
        return f"{self.month:%Y-%m}"


def month_of(text: str | None) -> date:
    """``YYYY-MM`` (this month when empty) as the month's first day; years 2000–2100."""
    if not text:
        return timezone.localdate().replace(day=1)
    match = MONTH.match(text.strip())
    if match is None or not 2000 <= int(match[1]) <= 2100 or not 1 <= int(match[2]) <= 12:
        raise ReportError("month", _("月份格式应为 YYYY-MM（2000 年到 2100 年）。"))
    return date(int(match[1]), int(match[2]), 1)


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _previous_month(first: date) -> date:
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


def _aware(day: date) -> datetime:
    return datetime.combine(day, time(), timezone.get_current_timezone())


def month_period(first: date) -> tuple[datetime, datetime]:
    """The month starting on ``first`` as ``[start, end)`` in local time."""
    return _aware(first), _aware(_next_month(first))


def region_choices(user: User) -> list[Region]:
    """The regions a person may pick: their territory down to communities (grids are too many
    to list and are reached through the API's ``region`` parameter)."""
    regions = regions_visible_to(user).exclude(level=Level.GRID).defer("boundary")
    return list(regions.order_by("path")[:500])


def region_for(user: User, code: str) -> Region | None:
    """The region ``code`` within ``user``'s territory (Http404 outside it), or their widest
    region when empty (PermissionDenied without territory; None, meaning every region, for a
    superuser). The measures pages of other apps take their region here too."""
    if code:
        region = regions_visible_to(user).filter(code=code).defer("boundary").first()
        if region is None:
            raise Http404(_("找不到区域。"))
        return region
    if user.is_superuser:
        return None  # everything, as the page's "全部" says
    region = regions_visible_to(user).order_by("path").defer("boundary").first()
    if region is None:
        raise PermissionDenied(_("您没有可统计的辖区。"))
    return region


def _category(code: str) -> Category | None:
    if not code:
        return None
    category = Category.objects.filter(code=code).first()
    if category is None:
        raise ReportError("category", _("找不到类别 %(code)s。") % {"code": code})
    return category


def _sort_value(ranking: Ranking) -> Callable[[dict[str, Any]], float | None]:
    def value(figures: dict[str, Any]) -> float | None:
        figure = figures[ranking.measure]
        number = figure.value if isinstance(figure, Rate) else figure
        if number is None:
            return None
        return float(number) if ranking.higher_is_better else -float(number)

    return value


def ranked(by_unit: dict[int, dict[str, Any]], ranking: Ranking) -> list[UnitRow]:
    """The units best first by ``ranking``; ties share a rank and are listed by the number of
    cases measured (more first), then by name; units without the figure come last, unranked."""
    units = Unit.objects.in_bulk([pk for pk in by_unit if pk is not None])
    value = _sort_value(ranking)

    def weight(figures: dict[str, Any]) -> int:
        figure = figures[ranking.measure]
        if isinstance(figure, Rate):
            return figure.denominator
        return int(figures["on_time_resolution_rate"].denominator)

    def order(item: tuple[int, dict[str, Any]]) -> tuple[bool, float, int, str]:
        pk, figures = item
        number = value(figures)
        name = units[pk].name if pk in units else ""
        return (number is None, -(number or 0.0), -weight(figures), name)

    rows: list[UnitRow] = []
    previous: float | None = None
    rank = 0
    for position, (pk, figures) in enumerate(sorted(by_unit.items(), key=order), start=1):
        number = value(figures)
        if number is not None and number != previous:
            rank = position
        previous = number
        unit = units.get(pk)  # None only if the unit was deleted since the query
        rows.append(UnitRow(rank if number is not None else None, unit, figures))
    return rows


def build(
    user: User,
    *,
    month: str | None = None,
    region: str = "",
    category: str = "",
    ranking: str | None = None,
) -> Report:
    """The report for ``user``: ReportError for bad input, Http404 for a region outside their
    territory, PermissionDenied when they oversee no territory at all. ``month`` empty or None
    is this month, ``region`` empty the widest region they oversee; ``ranking`` None is the
    first of ``RANKINGS`` (given, even empty, it must be one of them)."""
    first = month_of(month)
    if ranking is None:
        ranking = next(iter(RANKINGS))
    elif ranking not in RANKINGS:
        raise ReportError(
            "rank", _("排名依据应为 %(choices)s 之一。") % {"choices": ", ".join(RANKINGS)}
        )
    chosen_category = _category(category.strip())
    chosen_region = region_for(user, region.strip())

    def scope(start: date) -> Scope:
        return Scope(
            start=_aware(start),
            end=_aware(_next_month(start)),
            region=chosen_region,
            category=chosen_category,
        )

    months = [first]
    for _i in range(TREND_MONTHS - 1):
        months.insert(0, _previous_month(months[0]))
    this = scope(first)
    by_unit = measures.summary_by_unit(this)
    summary = measures.total(by_unit)
    headline = {name: summary[name] for name in measures.HEADLINE_RATES}
    trend = [(m, measures.headline_rates(scope(m))) for m in months[:-1]] + [(first, headline)]
    return Report(
        month=first,
        start=this.start,
        end=this.end,
        region=chosen_region,
        category=chosen_category,
        ranking=ranking,
        summary=summary,
        units=ranked(by_unit, RANKINGS[ranking]),
        trend=trend,
    )
