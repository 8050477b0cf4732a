"""The grid worker pages (网格员, phone first): my grid, report from the field, visits, patrols.

Only users holding the grid worker role see them; anyone else gets a 404, as for anything out
of scope. Forms keep their input on errors, are safe to submit twice (``submission_key``) and
keep their text across an expired session (``keep_post``). Every write goes through
``fieldwork.actions``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.db.models import F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from fengqiao.accounts.models import User
from fengqiao.cases.choices import OPEN_STATUSES
from fengqiao.cases.errors import CaseError
from fengqiao.cases.models import Case
from fengqiao.core.keep_post import keep_post, restore
from fengqiao.fieldwork import actions
from fengqiao.fieldwork.coverage import volunteer_hours
from fengqiao.fieldwork.forms import (
    PatrolForm,
    ReportForm,
    VisitForm,
    VolunteerActivityForm,
    VolunteerForm,
    now_local,
)
from fengqiao.fieldwork.models import Patrol, Visit, Volunteer
from fengqiao.lib.masking import mask_name
from fengqiao.regions.models import Region

OPEN_CASES_SHOWN = 100
RECENT_SHOWN = 5


def _worker(request: HttpRequest) -> tuple[User, list[Region]]:
    """The signed-in grid worker and their grids; 404 for anyone without a grid."""
    user = cast(User, request.user)  # keep_post lets only signed-in users through
    grids = actions.worker_grids(user)
    if not grids:
        raise Http404
    return user, grids


def _grid_paths_q(grids: list[Region]) -> Q:
    condition = Q(pk__in=[])
    for grid in grids:
        condition |= Q(region_path__startswith=grid.path)
    return condition


def _map_context(grids: list[Region]) -> dict[str, Any]:
    """The worker's grid boundaries, embedded in the page for the pin map (no extra request)."""
    features = [
        {
            "type": "Feature",
            "properties": {"code": g.code, "name": g.name},
            "geometry": g.boundary,
        }
        for g in grids
        if g.boundary
    ]
    return {
        "grid_boundaries": {"type": "FeatureCollection", "features": features},
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }


@keep_post
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """我的网格: the grid's open cases by deadline, the worker's recent visits and patrols."""
    user, grids = _worker(request)
    # visible_to also holds work assigned to the worker's unit (the community centre), which
    # covers other grids; the grid page shows only what lies in the worker's own grids.
    open_cases = list(
        Case.objects.visible_to(user)
        .filter(_grid_paths_q(grids), status__in=OPEN_STATUSES)
        .select_related("category", "current_unit")
        .order_by(F("due_at").asc(nulls_last=True), "submitted_at")[: OPEN_CASES_SHOWN + 1]
    )
    month_start = timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    context = {
        "grids": grids,
        "open_cases": open_cases[:OPEN_CASES_SHOWN],
        "more_cases": len(open_cases) > OPEN_CASES_SHOWN,
        "visits": Visit.objects.filter(worker=user)
        .select_related("grid", "case")
        .defer("people_met")  # encrypted, not shown here: no decrypting per row
        .order_by("-visited_at", "-id")[:RECENT_SHOWN],
        "patrols": Patrol.objects.filter(worker=user)
        .select_related("grid")
        .order_by("-started_at", "-id")[:RECENT_SHOWN],
        "visits_this_month": Visit.objects.filter(worker=user, visited_at__gte=month_start).count(),
        "patrols_this_month": Patrol.objects.filter(
            worker=user, started_at__gte=month_start
        ).count(),
    }
    return render(request, "fieldwork/home.html", context)


@keep_post
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """现场上报: category, description, photos, location; optionally handled on the spot."""
    user, grids = _worker(request)
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES, grids=grids)
        if form.is_valid():
            try:
                case = actions.report(worker=user, **form.action_kwargs())
            except CaseError as exc:
                form.add_action_error(exc)
            else:
                return redirect("fieldwork:report_done", number=case.number)
    else:
        form = ReportForm(grids=grids, initial=restore(request))
    context = {
        "form": form,
        "grids": grids,
        # A browser cannot be given files back: say so when a refused form had photos.
        "photos_dropped": bool(request.FILES),
        **_map_context(grids),
    }
    return render(request, "fieldwork/report_form.html", context)


@keep_post
@require_GET
def report_done(request: HttpRequest, number: str) -> HttpResponse:
    """The confirmation after a report: its number and where it went."""
    user, _grids = _worker(request)
    case = get_object_or_404(
        Case.objects.visible_to(user).select_related("category__parent", "current_unit", "region"),
        number=number,
        reporter=user,
    )
    return render(
        request,
        "fieldwork/report_done.html",
        {"case": case, "photos": case.attachments.count()},
    )


@keep_post
@require_http_methods(["GET", "POST"])
def visit_new(request: HttpRequest) -> HttpResponse:
    """走访登记; an issue found on the visit can be reported as a case at the same time."""
    user, grids = _worker(request)
    if request.method == "POST":
        form = VisitForm(request.POST, grids=grids)
        if form.is_valid():
            try:
                visit = actions.log_visit(worker=user, **form.action_kwargs())
            except CaseError as exc:
                form.add_action_error(exc)
            else:
                if visit.case is not None:
                    messages.success(
                        request,
                        _("走访记录已保存，发现的问题已上报，事件编号 %(n)s。")
                        % {"n": visit.case.number},
                    )
                else:
                    messages.success(request, _("走访记录已保存。"))
                return redirect("fieldwork:home")
    else:
        form = VisitForm(grids=grids, initial={"visited_at": now_local(), **restore(request)})
    return render(request, "fieldwork/visit_form.html", {"form": form, "grids": grids})


@keep_post
@require_http_methods(["GET", "POST"])
def patrol_new(request: HttpRequest) -> HttpResponse:
    """巡逻登记: when, where, and what was seen."""
    user, grids = _worker(request)
    if request.method == "POST":
        form = PatrolForm(request.POST, grids=grids)
        if form.is_valid():
            try:
                actions.log_patrol(worker=user, **form.action_kwargs())
            except CaseError as exc:
                form.add_action_error(exc)
            else:
                messages.success(request, _("巡逻记录已保存。"))
                return redirect("fieldwork:home")
    else:
        now = timezone.localtime().replace(second=0, microsecond=0)
        initial = {"started_at": now - timedelta(hours=1), "ended_at": now, **restore(request)}
        form = PatrolForm(grids=grids, initial=initial)
    return render(request, "fieldwork/patrol_form.html", {"form": form, "grids": grids})


@keep_post
@require_http_methods(["GET", "POST"])
def volunteers(request: HttpRequest) -> HttpResponse:
    """平安志愿者: the volunteers of my grids with this month's hours; register one, or record
    an activity (two forms on one page, told apart by the button pressed)."""
    user, grids = _worker(request)
    people = list(
        Volunteer.objects.filter(grid__in=grids, active=True).select_related("grid").order_by("id")
    )
    choices = [(v.pk, f"{mask_name(v.name)}（{v.grid.name}）") for v in people]
    register = VolunteerForm(grids=grids, prefix="v")
    activity = VolunteerActivityForm(
        grids=grids, volunteers=choices, prefix="a", initial={"started_at": now_local()}
    )
    if request.method == "POST" and "register" in request.POST:
        register = VolunteerForm(request.POST, grids=grids, prefix="v")
        if register.is_valid():
            try:
                actions.register_volunteer(by=user, **register.action_kwargs())
            except CaseError as exc:
                register.add_action_error(exc)
            else:
                messages.success(request, _("志愿者已登记。"))
                return redirect("fieldwork:volunteers")
    elif request.method == "POST":
        activity = VolunteerActivityForm(request.POST, grids=grids, volunteers=choices, prefix="a")
        if activity.is_valid():
            c = activity.cleaned_data
            chosen = next(v for v in people if str(v.pk) == c["volunteer"])
            try:
                actions.log_volunteer_activity(
                    by=user,
                    volunteer=chosen,
                    kind=c["kind"],
                    started_at=c["started_at"],
                    hours=c["hours"],
                    note=c["note"],
                )
            except CaseError as exc:
                activity.add_action_error(exc)
            else:
                messages.success(request, _("志愿服务记录已保存。"))
                return redirect("fieldwork:volunteers")
    month_start = timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    prefix = grids[0].path if len(grids) == 1 else ""  # narrows the query; rows are ours anyway
    hours = volunteer_hours(month_start, timezone.now() + timedelta(minutes=1), prefix)
    rows = [(label, hours.get(v.pk, 0)) for v, (_pk, label) in zip(people, choices, strict=True)]
    context = {"rows": rows, "register": register, "activity": activity, "grids": grids}
    return render(request, "fieldwork/volunteers.html", context)
