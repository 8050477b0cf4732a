"""What the report pages (考核指标, 答复评查) share: their errors said on a page of the site, and
their tables exported as CSV or Excel, audited."""

from __future__ import annotations

from collections.abc import Sequence

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fengqiao.accounts.models import User
from fengqiao.core.models import AuditEntry
from fengqiao.lib.tabular import write_csv, write_xlsx

EXPORT_FORMATS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def error_page(
    request: HttpRequest, *, title: str, message: str, status: int, retry_url: str = ""
) -> HttpResponse:
    """Bad parameters (400, with a link back to the page's default) or no territory (403)."""
    context = {"title": title, "message": message, "retry_url": retry_url}
    return render(request, "cases/report_error.html", context, status=status)


def exported(
    request: HttpRequest,
    user: User,
    *,
    rows: Sequence[Sequence[object]],
    header: Sequence[str],
    fmt: str,
    object_type: str,
    filename: str,
    sheet_title: str,
) -> HttpResponse:
    """``rows`` as a CSV or Excel download (``fmt``), with an audit entry naming the page's
    filters (``object_type``: what was exported)."""
    if fmt == "csv":
        body, content_type = write_csv(rows, header), "text/csv; charset=utf-8"
    else:
        body, content_type = write_xlsx(rows, header, sheet_title=sheet_title), XLSX
    AuditEntry.objects.create(
        kind=AuditEntry.Kind.EXPORT,
        user=user,
        object_type=object_type,
        detail={"filters": {k: v for k, v in request.GET.items() if k != "format"}, "format": fmt},
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
