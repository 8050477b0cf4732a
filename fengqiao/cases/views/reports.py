"""What the report pages share (考核指标, 答复评查, the mediation and the inspection measures):
their refusals said on a page of the site, and their tables exported as CSV or Excel, audited."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from fengqiao.accounts.models import User
from fengqiao.cases.report import ReportError
from fengqiao.core.models import AuditEntry
from fengqiao.lib.tabular import write_csv, write_xlsx

EXPORT_FORMATS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_format(value: str) -> str:
    """``format``: "" for the page itself, or one of ``EXPORT_FORMATS``; ReportError otherwise."""
    if value and value not in EXPORT_FORMATS:
        raise ReportError("format", _("格式须为 csv 或 xlsx。"))
    return value


def refused(
    request: HttpRequest, exc: ReportError | PermissionDenied, *, title: str, page: str
) -> HttpResponse:
    """A report page's answer to bad parameters (400, with a link to ``page``, the URL name of
    the page with its defaults) or to a person without territory (403)."""
    if isinstance(exc, ReportError):
        context = {"title": title, "message": exc.message, "retry_url": reverse(page)}
        return render(request, "cases/report_error.html", context, status=400)
    context = {"title": title, "message": str(exc), "retry_url": ""}
    return render(request, "cases/report_error.html", context, status=403)


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
