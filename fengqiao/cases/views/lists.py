"""My work, the filtered case list with export and bulk dispatch, the map and the overdue board.

Every list starts from ``Case.objects.visible_to(user)`` and uses ``CaseFilterSet``, the same
filters as the exports and the API. Query counts are bounded whatever the number of cases.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case as Choose
from django.db.models import Count, F, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fengqiao.accounts.models import Unit, User
from fengqiao.cases import actions
from fengqiao.cases.choices import OPEN_STATUSES, DeadlineState, Status
from fengqiao.cases.errors import CaseError
from fengqiao.cases.exporter import export_cases
from fengqiao.cases.filtersets import CaseFilterSet
from fengqiao.cases.models import Case
from fengqiao.cases.permissions import Roles
from fengqiao.core.models import AuditEntry

PAGE_SIZE = 50
COUNT_CAP = 1000


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """Counts at most COUNT_CAP + 1 rows: an exact count of 100,000 visible cases costs more
    than the page itself, and "1000+" tells a person just as much."""

    @cached_property
    def count(self) -> int:
        queryset = cast(QuerySet[Case], self.object_list)
        return int(queryset.order_by()[: COUNT_CAP + 1].count())

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP


LIST_RELATED = ["category__parent", "current_unit", "region"]


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # every view here is behind login_required


def _by_deadline(queryset: QuerySet[Case]) -> QuerySet[Case]:
    return queryset.order_by(F("due_at").asc(nulls_last=True), "-submitted_at")


@login_required
@require_GET
def my_work(request: HttpRequest) -> HttpResponse:
    """我的工作: what my units must act on now, the nearest deadline first."""
    roles = Roles(_user(request))
    units = roles.unit_ids
    mine = Q(current_unit_id__in=units, status__in=[*OPEN_STATUSES, Status.SUSPENDED])
    to_verify = Q(dispatcher_unit_id__in=units, status=Status.RESOLVED) | Q(
        current_unit_id__in=units, dispatcher_unit__isnull=True, status=Status.RESOLVED
    )
    to_visit = Q(
        dispatcher_unit_id__in=units,
        status=Status.CLOSED,
        followed_up_at__isnull=True,
        handled_on_spot=False,
    )
    # Work in hand first, then verifications, then follow-up visits; each by its deadline.
    stage = Choose(
        When(status=Status.RESOLVED, then=Value(1)),
        When(status=Status.CLOSED, then=Value(2)),
        default=Value(0),
        output_field=IntegerField(),
    )
    cases = (
        Case.objects.filter(mine | to_verify | to_visit)
        .annotate(stage=stage)
        .order_by("stage", F("due_at").asc(nulls_last=True), "-submitted_at")
        .select_related(*LIST_RELATED)
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = Case.objects.filter(mine).aggregate(
        overdue=Count("id", filter=Q(deadline_state=DeadlineState.OVERDUE)),
        due_soon=Count("id", filter=Q(deadline_state=DeadlineState.DUE_SOON)),
        total=Count("id"),
    )
    return render(request, "cases/my_work.html", {"page": page, "counts": counts})


def _filtered(request: HttpRequest) -> tuple[CaseFilterSet, QuerySet[Case]]:
    visible = Case.objects.visible_to(request.user)
    filterset = CaseFilterSet(request.GET or None, queryset=visible)
    cases = filterset.qs if filterset.is_bound and filterset.is_valid() else visible
    if filterset.is_bound and not filterset.is_valid():
        cases = visible.none()
    return filterset, cases


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    """事件列表 with the shared filters, export of the filtered list and bulk dispatch."""
    filterset, cases = _filtered(request)
    cases = _by_deadline(cases).select_related(*LIST_RELATED)
    page = CappedPaginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    roles = Roles(_user(request))
    context = {
        "filterset": filterset,
        "page": page,
        "query": query.urlencode(),
        "dispatch_units": Unit.objects.filter(is_active=True).order_by("tier", "kind", "name")
        if roles.unit_ids or _user(request).is_superuser
        else Unit.objects.none(),
    }
    return render(request, "cases/list.html", context)


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """The filtered list as CSV or XLSX; contacts masked; every export is audited."""
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("csv", "xlsx"):
        return HttpResponse(_("格式须为 csv 或 xlsx。"), status=400)
    filterset, cases = _filtered(request)
    if filterset.is_bound and not filterset.is_valid():
        return HttpResponse(_("筛选条件有误。"), status=400)
    body = export_cases(cases.order_by("-submitted_at"), cast(Any, fmt))
    params = {k: v for k, v in request.GET.items() if k != "format"}
    AuditEntry.objects.create(
        kind=AuditEntry.Kind.EXPORT,
        user=_user(request),
        object_type="cases",
        detail={"filters": params, "format": fmt},
    )
    content_type = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )
    response = HttpResponse(body, content_type=content_type)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="cases-{stamp}.{fmt}"'
    return response


@login_required
@require_POST
def bulk_dispatch(request: HttpRequest) -> HttpResponse:
    """批量交办: dispatch each selected case; each succeeds or fails on its own, and says so."""
    user = _user(request)
    unit_id = request.POST.get("to_unit", "")
    unit = (
        Unit.objects.filter(pk=int(unit_id), is_active=True).first() if unit_id.isdigit() else None
    )
    numbers = request.POST.getlist("cases")[:200]
    if unit is None or not numbers:
        messages.error(request, _("请选择事件和承办单位。"))
        return redirect(request.POST.get("next") or "cases:list")
    done, failed = [], []
    for case in Case.objects.visible_to(user).filter(number__in=numbers):
        try:
            actions.dispatch(case, by=user, to_unit=unit)
            done.append(case.number)
        except CaseError as exc:
            failed.append(f"{case.number}：{exc.message}")
    if done:
        messages.success(
            request, _("已交办 %(n)d 件事件给%(unit)s。") % {"n": len(done), "unit": unit.name}
        )
    for line in failed:
        messages.error(request, line)
    next_url = request.POST.get("next", "")
    return redirect(next_url if next_url.startswith("/cases/") else "cases:list")


@login_required
@require_GET
def overdue_board(request: HttpRequest) -> HttpResponse:
    """超期看板: open cases by handling unit, overdue and due soon first."""
    visible = Case.objects.visible_to(request.user).filter(status__in=OPEN_STATUSES)
    rows = (
        visible.values("current_unit__code", "current_unit__name", "current_unit__tier")
        .annotate(
            overdue=Count("id", filter=Q(deadline_state=DeadlineState.OVERDUE)),
            due_soon=Count("id", filter=Q(deadline_state=DeadlineState.DUE_SOON)),
            total=Count("id"),
        )
        .order_by("-overdue", "-due_soon", "current_unit__name")
    )
    return render(request, "cases/overdue_board.html", {"rows": rows})


@login_required
@require_GET
def case_map(request: HttpRequest) -> HttpResponse:
    filterset, _cases = _filtered(request)
    query = request.GET.urlencode()
    return render(request, "cases/map.html", {"filterset": filterset, "query": query})


MAP_LIMIT = 5000


@login_required
@require_GET
def map_data(request: HttpRequest) -> JsonResponse:
    """GeoJSON points of the visible, filtered cases (the most recent MAP_LIMIT)."""
    _, cases = _filtered(request)
    if not request.GET:
        cases = cases.filter(status__in=OPEN_STATUSES)
    rows = (
        cases.exclude(lon=None)
        .order_by("-submitted_at")
        .values_list("number", "title", "status", "deadline_state", "lon", "lat")[:MAP_LIMIT]
    )
    labels = dict(Status.choices)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "number": number,
                "title": title,
                "status": str(labels[status]),
                "deadline_state": state,
            },
        }
        for number, title, status, state, lon, lat in rows
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})
