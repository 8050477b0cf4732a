"""答复评查 (case review of replies): the replies of the cases resolved in one month in the user's
territory, weakest first by reply quality (``textintel.review``), so a reviewer (评查员) reads the
ones most likely to fall short; filtered by handling unit or by a missing element; exported as
CSV or Excel (audited)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from fengqiao.accounts.models import User
from fengqiao.cases import report
from fengqiao.cases.views import reports
from fengqiao.textintel import review
from fengqiao.textintel.models import ReplyReview

PAGE_SIZE = 50
EXPORT_LIMIT = 10_000


@login_required
@require_GET
def review_page(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    params = request.GET
    try:
        fmt = reports.export_format(params.get("format", ""))
        choice, reviews = review.month_reviews(
            user,
            month=params.get("month"),
            region=params.get("region", ""),
            unit=params.get("unit", ""),
            missing=params.get("missing", ""),
        )
    except (report.ReportError, PermissionDenied) as exc:
        return reports.refused(request, exc, title=_("答复评查"), page="cases:review")
    if fmt:
        return _export(request, user, reviews, fmt, choice)
    totals = review.totals(reviews)
    paginator = Paginator(reviews, PAGE_SIZE)
    paginator.count = totals["count"]  # counted with the totals: one query fewer
    page = paginator.get_page(request.GET.get("page"))
    rows = [{"review": r, "case": r.case, "shown": review.shown(r)} for r in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/review.html",
        {
            "choice": choice,
            "month_text": f"{choice['month']:%Y-%m}",
            "page": page,
            "rows": rows,
            "totals": totals,
            # "措施 3、依据 5" / "measures 3, basis 5"
            "lacking_text": str(_("、")).join(f"{label} {n}" for label, n in totals["lacking"]),
            "regions": report.region_choices(user),
            "elements": [(str(e), label) for e, label in review.ELEMENT_LABELS.items()],
            "weak": round(review.WEAK * 100),
            "query": query.urlencode(),
        },
    )


def _export(
    request: HttpRequest,
    user: User,
    reviews: QuerySet[ReplyReview],
    fmt: str,
    choice: dict[str, Any],
) -> HttpResponse:
    header = [
        _("编号"),
        _("标题"),
        _("办结单位"),
        _("办结时间"),
        _("用时（天）"),
        _("总分"),
        _("相关性"),
        _("完整性"),
        _("及时性"),
        _("未见要素"),
    ]
    rows = []
    for r in reviews[:EXPORT_LIMIT]:
        shown = review.shown(r)
        case = r.case
        rows.append(
            [
                case.number,
                case.title,
                case.resolved_unit.name if case.resolved_unit else "",
                timezone.localtime(case.resolved_at) if case.resolved_at else None,
                r.days,
                shown["overall"],
                shown["relevance"],
                shown["completeness"],
                shown["timeliness"],
                shown["missing_text"],
            ]
        )
    return reports.exported(
        request,
        user,
        rows=rows,
        header=header,
        fmt=fmt,
        object_type="reply_reviews",
        filename=f"reply-review-{choice['month']:%Y-%m}",
        sheet_title=str(_("答复评查")),
    )
