"""事件考核指标: the measures of one month in the user's territory, the ranking of units and the
six-month trend (``cases.report``), with the ranking exported as CSV or Excel."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from fengqiao.accounts.models import Tier, User
from fengqiao.cases import report
from fengqiao.cases.measures import Rate
from fengqiao.cases.models import Category
from fengqiao.cases.routing import TIER_ORDER
from fengqiao.cases.views import reports


def _percent(rate: Rate) -> float | None:
    return None if rate.value is None else round(rate.value * 100, 1)


def _rows(built: report.Report) -> list[list[object]]:
    rows: list[list[object]] = []
    for row in built.units:
        m = row.measures
        rows.append(
            [
                row.rank,
                row.unit.name if row.unit else _("（无承办单位）"),
                m["immediate_handling_rate"].denominator,
                m["on_time_resolution_rate"].denominator,
                _percent(m["on_time_resolution_rate"]),
                _percent(m["satisfaction_rate"]),
                _percent(m["immediate_handling_rate"]),
                _percent(m["follow_up_rate"]),
                None
                if m["average_handling_hours"] is None
                else round(m["average_handling_hours"], 1),
            ]
        )
    return rows


def _header() -> list[str]:
    return [
        _("名次"),
        _("承办单位"),
        _("受理数"),
        _("办结数"),
        _("按期办结率（%）"),
        _("满意率（%）"),
        _("即时处置率（%）"),
        _("回访率（%）"),
        _("平均办理时长（小时）"),
    ]


@login_required
@require_GET
def measures_page(request: HttpRequest) -> HttpResponse:
    """考核指标 of one month: ``month`` (YYYY-MM), ``region`` (code), ``category`` (code),
    ``rank`` (a key of ``report.RANKINGS``); ``format=csv|xlsx`` exports the ranking."""
    user = cast(User, request.user)
    params = request.GET
    try:
        fmt = reports.export_format(params.get("format", ""))
        built = report.build(
            user,
            month=params.get("month"),
            region=params.get("region", ""),
            category=params.get("category", ""),
            ranking=params.get("rank"),
        )
    except (report.ReportError, PermissionDenied) as exc:
        return reports.refused(request, exc, title=_("考核指标"), page="cases:measures")
    if fmt:
        return _export(request, user, built, fmt)
    trend_rows = [
        {
            "month": f"{month:%Y-%m}",
            "on_time": _percent(m["on_time_resolution_rate"]),
            "satisfaction": _percent(m["satisfaction_rate"]),
            "immediate": _percent(m["immediate_handling_rate"]),
            "submitted": m["immediate_handling_rate"].denominator,
            "resolved": m["on_time_resolution_rate"].denominator,
        }
        for month, m in built.trend
    ]
    context: dict[str, Any] = {
        "report": built,
        "s": built.summary,
        "tiers": [(Tier(t).label, built.summary["resolution_by_tier"][str(t)]) for t in TIER_ORDER],
        "rankings": [(key, r.label) for key, r in report.RANKINGS.items()],
        "ranking_label": report.RANKINGS[built.ranking].label,
        "regions": report.region_choices(user),
        "categories": Category.objects.filter(parent__isnull=True).order_by("code"),
        "trend": trend_rows,
        "chart": {
            "months": [r["month"] for r in trend_rows],
            "series": [
                {"name": str(_("按期办结率")), "data": [r["on_time"] for r in trend_rows]},
                {"name": str(_("满意率")), "data": [r["satisfaction"] for r in trend_rows]},
                {"name": str(_("即时处置率")), "data": [r["immediate"] for r in trend_rows]},
            ],
        },
        "query": params.urlencode(),
    }
    return render(request, "cases/measures.html", context)


def _export(request: HttpRequest, user: User, built: report.Report, fmt: str) -> HttpResponse:
    where = built.region.code if built.region else "all"
    return reports.exported(
        request,
        user,
        rows=_rows(built),
        header=_header(),
        fmt=fmt,
        object_type="case_measures",
        filename=f"measures-{where}-{built.month_text}",
        sheet_title=str(_("单位排名")),
    )
