"""Key places (重点场所), construction projects and their cases, inspection plans and the
measures page in the workbench. Lookups go through ``visible_to``; writes through the actions."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fengqiao.accounts.models import Membership, Unit
from fengqiao.accounts.scoping import regions_visible_to
from fengqiao.cases import report
from fengqiao.cases.errors import CaseError
from fengqiao.cases.models import Case
from fengqiao.cases.views import reports
from fengqiao.fieldwork.coverage import visit_coverage
from fengqiao.hazards import actions, inspections, permissions, projects
from fengqiao.hazards.choices import OPEN_STATUSES, PlaceType
from fengqiao.hazards.filtersets import PlaceFilterSet
from fengqiao.hazards.forms import EvaluationForm, LinkCaseForm, PlaceForm, PlanForm
from fengqiao.hazards.measures import inspection_measures
from fengqiao.hazards.models import InspectionPlan, OwnerEvaluation, Place, ProjectCase
from fengqiao.hazards.views.register import user_of
from fengqiao.lib.masking import mask_name, mask_phone
from fengqiao.regions.models import Level

PAGE_SIZE = 50


@login_required
@require_GET
def place_list(request: HttpRequest) -> HttpResponse:
    queryset = Place.objects.visible_to(request.user).select_related("grid", "responsible_unit")
    filterset = PlaceFilterSet(request.GET, queryset=queryset)
    places = filterset.qs if filterset.is_valid() else queryset.none()
    page = Paginator(places.order_by("region_path", "name"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "hazards/places.html",
        {"filterset": filterset, "page": page, "query": query.urlencode()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def place_new(request: HttpRequest) -> HttpResponse:
    form = PlaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            place = actions.register_place(by=user_of(request), **form.cleaned_data)
        except CaseError as exc:
            form.add_action_error(exc)
        else:
            messages.success(request, _("场所已登记。"))
            return redirect("hazards:place", pk=place.pk)
    return render(request, "hazards/place_new.html", {"form": form})


def _project_context(place: Place, link_form: LinkCaseForm | None) -> dict[str, Any]:
    links = list(
        ProjectCase.objects.filter(project=place)
        .select_related("case__resolved_unit")
        .order_by("-linked_at")
    )
    evaluated: dict[tuple[int, datetime | None], OwnerEvaluation] = {
        (e.link_id, e.resolved_at): e for e in OwnerEvaluation.objects.filter(link__project=place)
    }
    rows = []
    for link in links:
        case = link.case
        pending = bool(case and case.resolved_at and (link.pk, case.resolved_at) not in evaluated)
        rows.append(
            {
                "link": link,
                "case": case,
                "evaluation": evaluated.get((link.pk, case.resolved_at)) if case else None,
                "hours": (case.resolved_at - case.submitted_at).total_seconds() / 3600
                if case and case.resolved_at
                else None,
                "can_evaluate": pending,
                "form": EvaluationForm(initial={"link": link.pk}, prefix=f"e{link.pk}"),
            }
        )
    start = timezone.make_aware(datetime(2000, 1, 1))
    # Everything up to and including now (the period's end is exclusive).
    project_report = projects.measures(
        start, timezone.now() + timedelta(seconds=1), projects=[place]
    )
    return {
        "project_rows": rows,
        "link_form": link_form or LinkCaseForm(),
        "project_measures": project_report.by_project.get(place.pk),
    }


def _place_page(
    request: HttpRequest, place: Place, link_form: LinkCaseForm | None = None, status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {
        "place": place,
        "contact_name": mask_name(place.contact_name or ""),
        "contact_phone": mask_phone(place.contact_phone or ""),
        "owner_contact": mask_name(place.owner_contact or ""),
        "owner_phone": mask_phone(place.owner_phone or ""),
        "hazards": place.hazards.filter(status__in=OPEN_STATUSES).order_by("due_at"),
        "inspections": place.inspections.select_related("inspector").order_by("-inspected_at")[:10],
        "can_close": not place.closed
        and permissions.covers(user_of(request), place.region_path, permissions.STAFF_ROLES),
    }
    if place.place_type == PlaceType.CONSTRUCTION:
        context.update(_project_context(place, link_form))
    return render(request, "hazards/place.html", context, status=status)


@login_required
@require_GET
def place_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _place_page(request, get_object_or_404(Place.objects.visible_to(request.user), pk=pk))


@login_required
@require_POST
def place_close(request: HttpRequest, pk: int) -> HttpResponse:
    place = get_object_or_404(Place.objects.visible_to(request.user), pk=pk)
    try:
        actions.close_place(place, by=user_of(request))
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("场所已关闭，不再生成排查任务。"))
    return redirect("hazards:place", pk=place.pk)


@login_required
@require_POST
def project_link(request: HttpRequest, pk: int) -> HttpResponse:
    """关联事件: by case number, among the cases this user may see."""
    place = get_object_or_404(Place.objects.visible_to(request.user), pk=pk)
    form = LinkCaseForm(request.POST)
    if form.is_valid():
        case = Case.objects.visible_to(request.user).filter(number=form.cleaned_data["number"])
        found = case.first()
        if found is None:
            form.add_error("number", _("找不到该事件，或您无权查看。"))
        else:
            try:
                projects.link_case(place, found, by=user_of(request))
            except CaseError as exc:
                form.add_action_error(exc)
            else:
                messages.success(request, _("事件已关联到项目。"))
                return redirect("hazards:place", pk=place.pk)
    return _place_page(request, place, form, status=400)


@login_required
@require_POST
def project_evaluate(request: HttpRequest, pk: int, link: int) -> HttpResponse:
    place = get_object_or_404(Place.objects.visible_to(request.user), pk=pk)
    item = get_object_or_404(
        ProjectCase.objects.select_related("case", "project"), pk=link, project=place
    )
    form = EvaluationForm(request.POST, prefix=f"e{item.pk}")
    if not form.is_valid():
        messages.error(request, _("请选择业主评价。"))
    else:
        try:
            projects.evaluate(
                item,
                by=user_of(request),
                evaluation=form.cleaned_data["evaluation"],
                comment=form.cleaned_data["comment"],
            )
        except CaseError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("业主评价已记录。"))
    return redirect("hazards:place", pk=place.pk)


def _staff_units(request: HttpRequest) -> Any:
    user = user_of(request)
    if user.is_superuser:
        return Unit.objects.filter(is_active=True)
    ids = Membership.objects.filter(user=user, role__in=list(permissions.STAFF_ROLES)).values_list(
        "unit_id", flat=True
    )
    return Unit.objects.filter(pk__in=ids, is_active=True)


@login_required
@require_http_methods(["GET", "POST"])
def plan_list(request: HttpRequest) -> HttpResponse:
    """滚动排查计划: the plans in view, and a form for a new one (operators and leaders)."""
    user = user_of(request)
    form = PlanForm(
        request.POST or None,
        units=_staff_units(request),
        regions=regions_visible_to(user).order_by("path"),
        places=Place.objects.visible_to(user).order_by("name"),
        initial={"starts_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = inspections.create_plan(by=user, **form.action_kwargs())
        except CaseError as exc:
            form.add_action_error(exc)
        else:
            messages.success(request, _("排查计划“%(n)s”已制定。") % {"n": plan.name})
            return redirect("hazards:plans")
    plans = (
        InspectionPlan.objects.visible_to(user)
        .select_related("unit", "region", "place")
        .order_by("-active", "name")[:200]
    )
    return render(request, "hazards/plans.html", {"form": form, "plans": plans})


@login_required
@require_POST
def plan_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(InspectionPlan.objects.visible_to(request.user), pk=pk)
    try:
        cancelled = inspections.deactivate_plan(plan, by=user_of(request))
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("计划已停用，取消未到期任务 %(n)d 项。") % {"n": cancelled})
    return redirect("hazards:plans")


@login_required
@require_GET
def measures(request: HttpRequest) -> HttpResponse:
    """排查与走访考核: per grid and unit, and the project-environment measures, for a month."""
    user = user_of(request)
    try:
        start = report.month_of(request.GET.get("month"))
    except report.ReportError as exc:
        return reports.refused(request, exc, title=_("排查考核"), page="hazards:measures")
    start_dt, end_dt = report.month_period(start)
    end = end_dt.date()
    regions = regions_visible_to(user)
    root = regions.order_by("path").first()
    region_path = root.path if root is not None and not user.is_superuser else ""
    if root is None and not user.is_superuser:
        region_path = "/nowhere/"
    grids = list(regions.filter(level=Level.GRID).order_by("path")[:500])
    visible_projects = list(
        Place.objects.visible_to(user).filter(place_type=PlaceType.CONSTRUCTION)
    )
    project_report = projects.measures(start_dt, end_dt, projects=visible_projects)
    units = Unit.objects.in_bulk([k for k in project_report.by_unit if k])
    context = {
        "month": f"{start:%Y-%m}",
        "by_grid": inspection_measures(start, end, by="grid", region_path=region_path),
        "by_unit": inspection_measures(start, end, by="unit", region_path=region_path),
        "coverage": [c for c in visit_coverage(start_dt, end_dt, grids) if c.coverage.denominator],
        "projects": [
            (p, project_report.by_project[p.pk])
            for p in visible_projects
            if p.pk in project_report.by_project
        ],
        "project_units": [
            (units.get(k), m)
            for k, m in sorted(project_report.by_unit.items(), key=lambda kv: kv[0])
        ],
    }
    return render(request, "hazards/measures.html", context)
