"""The resident pages (群众端): report a problem, get a tracking code, follow and rate the case.

No account is needed. The tracking code works like a key: whoever holds it may see the public
view of the case (``portal.public``), rate the outcome and say that the problem is not resolved.
It is 12 characters from a 32-letter alphabet (60 bits), never listed anywhere, and look-ups are
rate-limited per client and feedback per code (``portal.limits``), so codes cannot be guessed.
A wrong, unknown or malformed code always gets the same answer.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fengqiao.cases import actions
from fengqiao.cases.errors import CaseError
from fengqiao.cases.intake import new_tracking_code
from fengqiao.cases.models import Case
from fengqiao.portal import boundaries as public_boundaries
from fengqiao.portal import limits
from fengqiao.portal.forms import (
    MAX_PHOTOS,
    RateForm,
    ReopenForm,
    ReportForm,
    TrackForm,
    is_code,
    normalise_code,
)
from fengqiao.portal.public import find, public_view
from fengqiao.portal.reporting import PhotoRefused, file_report


@csrf_exempt  # checked by csrf_protect on _report, once the body is known to be acceptable
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """我要反映: the report form; a valid report becomes a case and redirects to its code.

    Before the body is read, a POST is counted against the per-client limit and refused if it
    is larger than ``limits.MAX_REQUEST_BYTES``; CSRF is checked after that (reading the CSRF
    token would read the whole body first).
    """
    if request.method == "POST":
        refused = limits.per_client(request, limits.REPORT)
        if refused is not None:
            return refused
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limits.MAX_REQUEST_BYTES:
            return _report_too_large(request)
        try:
            request.POST, request.FILES  # noqa: B018 -- parse now to catch Django's own limits
        except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
            return _report_too_large(request)
    return _report(request)


@csrf_protect
def _report(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render_report(request, ReportForm())
    form = ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_report(request, form)
    if form.cleaned_data["website"]:
        # The honeypot was filled in: a bot. It sees what a person would see; nothing is kept.
        return redirect("portal:done", code=new_tracking_code())
    try:
        case = file_report(form)
    except PhotoRefused as exc:
        form.add_error("photos", exc.message)
        return _render_report(request, form)
    except CaseError as exc:
        form.add_error(None, exc.message)
        return _render_report(request, form)
    return redirect("portal:done", code=case.tracking_code)


def _render_report(
    request: HttpRequest, form: ReportForm, *, status: int = 200, refused: str = ""
) -> HttpResponse:
    context = {
        "form": form,
        "refused": refused,
        "max_photos": MAX_PHOTOS,
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
    return render(request, "portal/report.html", context, status=status)


def _report_too_large(request: HttpRequest) -> HttpResponse:
    # The body was not read, so there is no input to keep: a fresh form under the message.
    refused = _("提交的内容过大（最多 %(mb)d MB），请少选几张照片或换成较小的照片后重新填写。") % {
        "mb": limits.MAX_REQUEST_BYTES // 2**20
    }
    return _render_report(request, ReportForm(), status=413, refused=refused)


@never_cache
@require_GET
def done(request: HttpRequest, code: str) -> HttpResponse:
    """提交成功: the tracking code, large, with the advice to keep it. Reads no database, so the
    page looks the same for a real report and for a bot caught by the honeypot."""
    if not is_code(code):
        return _not_found(request)
    groups = [code[i : i + 4] for i in range(0, len(code), 4)]
    return render(request, "portal/done.html", {"code": code, "code_groups": groups})


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """查询进度: enter a tracking code; a known one redirects to its status page."""
    if request.method != "POST":
        return render(request, "portal/track.html", {"form": TrackForm()})
    refused = limits.per_client(request, limits.TRACK)
    if refused is not None:
        return refused
    form = TrackForm(request.POST)
    if form.is_valid():
        # Looked up whatever its shape, so a malformed code costs the same as an unknown one.
        case = find(form.cleaned_data["code"])
        if case is not None:
            return redirect("portal:status", code=case.tracking_code)
        form.add_error("code", _("查询码不正确，请核对后重新输入。"))
    return render(request, "portal/track.html", {"form": form})


@never_cache
@require_GET
def status(request: HttpRequest, code: str) -> HttpResponse:
    """办理进度: the public view of the case, with the feedback forms when it is finished."""
    refused = limits.per_client(request, limits.TRACK)
    if refused is not None:
        return refused
    case = find(normalise_code(code))
    if case is None:
        return _not_found(request)
    return _render_status(request, case)


@never_cache
@require_POST
def rate(request: HttpRequest, code: str) -> HttpResponse:
    """满意度评价, by whoever holds the code (``actions.rate(by_reporter=True)``)."""
    return _feedback(request, code, RateForm(request.POST))


@never_cache
@require_POST
def reopen(request: HttpRequest, code: str) -> HttpResponse:
    """问题没有解决: the code holder sends the case back for handling (``actions.reopen``)."""
    return _feedback(request, code, ReopenForm(request.POST))


def _feedback(request: HttpRequest, code: str, form: RateForm | ReopenForm) -> HttpResponse:
    refused = limits.per_client(request, limits.TRACK)
    if refused is not None:
        return refused
    case = find(normalise_code(code))
    if case is None:
        return _not_found(request)
    refused = limits.exceeded(request, limits.FEEDBACK, case.tracking_code)
    if refused is not None:
        return refused
    if form.is_valid():
        try:
            thanks = _apply_feedback(case, form)
        except CaseError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, thanks)
            return redirect("portal:status", code=case.tracking_code)
    if isinstance(form, RateForm):
        return _render_status(request, case, rate_form=form)
    return _render_status(request, case, reopen_form=form)


def _apply_feedback(case: Case, form: RateForm | ReopenForm) -> str:
    data = form.cleaned_data
    if isinstance(form, RateForm):
        actions.rate(
            case, by=None, rating=data["rating"], comment=data["comment"], by_reporter=True
        )
        return _("感谢您的评价。")
    actions.reopen(case, by=None, reason=data["reason"], by_reporter=True)
    return _("已转回办理单位重新办理，请留意办理进度。")


def _render_status(
    request: HttpRequest,
    case: Case,
    *,
    rate_form: RateForm | None = None,
    reopen_form: ReopenForm | None = None,
) -> HttpResponse:
    view = public_view(case)
    context: dict[str, Any] = {
        "case": view,
        "rate_form": rate_form or RateForm(),
        "reopen_form": reopen_form or ReopenForm(),
        # A refused feedback form stays on the page with its error, even if the case moved on.
        "show_feedback": view.open_for_feedback or _has_errors(rate_form, reopen_form),
        "rate_open": rate_form is not None and bool(rate_form.errors),
        "reopen_open": reopen_form is not None and bool(reopen_form.errors),
    }
    response = render(request, "portal/status.html", context)
    # The URL carries the code: keep it out of other sites' Referer headers and search engines.
    # Not "no-referrer": Chromium then sends "Origin: null" with the rating form, failing CSRF.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _has_errors(*forms: Form | None) -> bool:
    return any(form is not None and bool(form.errors) for form in forms)


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/not_found.html", status=404)


@cache_control(public=True, max_age=3600)
@require_GET
def boundaries(request: HttpRequest) -> HttpResponse:
    """Public GeoJSON of the district's community (or, with ``?level=grid``, grid) outlines."""
    level = request.GET.get("level", "community")
    if level not in public_boundaries.LEVELS:
        return HttpResponseBadRequest("level must be community or grid")
    return HttpResponse(public_boundaries.geojson(level), content_type="application/geo+json")
