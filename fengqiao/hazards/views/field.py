"""Grid worker pages for rolling inspections (滚动排查, phone first): my tasks, run one.

Only grid workers reach them (others get a 404, as for anything out of scope). The inspection
form answers every checklist item, takes the point from the phone's GPS or a pin on the map,
and may record a finding with photos that opens a hazard; ``hazards.inspections`` writes it
all in one transaction.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from fengqiao.cases.errors import CaseError
from fengqiao.core.keep_post import keep_post
from fengqiao.fieldwork.forms import now_local
from fengqiao.fieldwork.views import _map_context, _worker
from fengqiao.hazards import inspections
from fengqiao.hazards.choices import OPEN_STATUSES
from fengqiao.hazards.forms import InspectionForm
from fengqiao.hazards.models import Hazard, InspectionTask, Place

SHOWN = 100


@keep_post
@require_GET
def my_tasks(request: HttpRequest) -> HttpResponse:
    """我的排查: pending tasks by deadline, and the open hazards in my grids to follow up."""
    user, grids = _worker(request)
    tasks = list(inspections.tasks_for_worker(user).order_by("due_at", "id")[:SHOWN])
    hazards = (
        Hazard.objects.filter(region__in=grids, status__in=OPEN_STATUSES)
        .select_related("responsible_unit")
        .order_by("due_at")[:SHOWN]
    )
    places = Place.objects.filter(grid__in=grids, closed=False).order_by("name")[:SHOWN]
    context = {"tasks": tasks, "hazards": hazards, "places": places, "grids": grids}
    return render(request, "hazards/field_tasks.html", context)


def _inspection_page(
    request: HttpRequest, task: InspectionTask | None, place: Place | None
) -> HttpResponse:
    """The inspection form for a task (its plan's checklist) or an unplanned visit to a place
    (no checklist); ``hazards.inspections.record_inspection`` writes it all or nothing."""
    user, grids = _worker(request)
    checklist = list(task.plan.checklist) if task is not None else []
    if request.method == "POST":
        form = InspectionForm(request.POST, request.FILES, checklist=checklist)
        if form.is_valid():
            try:
                record = inspections.record_inspection(
                    inspector=user, task=task, place=place, **form.action_kwargs()
                )
            except CaseError as exc:
                form.add_action_error(exc)
            else:
                found = record.findings.count()
                if found:
                    messages.success(request, _("排查已记录，登记隐患 %(n)d 项。") % {"n": found})
                else:
                    messages.success(request, _("排查已记录。"))
                return redirect("hazards:field_tasks")
    else:
        form = InspectionForm(checklist=checklist, initial={"inspected_at": now_local()})
    context = {
        "form": form,
        "task": task,
        "place": task.place if task is not None else place,
        "photos_dropped": bool(request.FILES),
        **_map_context(grids),
    }
    return render(request, "hazards/field_inspect.html", context)


@keep_post
@require_http_methods(["GET", "POST"])
def inspect(request: HttpRequest, pk: int) -> HttpResponse:
    """排查登记 for one task: checklist, notes, location, and a finding that becomes a hazard."""
    user, _grids = _worker(request)
    task = get_object_or_404(
        inspections.tasks_for_worker(user).select_related("plan", "place", "grid"), pk=pk
    )
    return _inspection_page(request, task, None)


@keep_post
@require_http_methods(["GET", "POST"])
def inspect_place(request: HttpRequest, pk: int) -> HttpResponse:
    """临时排查: an unplanned inspection of a key place in my grids (no checklist). A closed
    place is refused by the action with a message on the form."""
    _user, grids = _worker(request)
    place = get_object_or_404(Place.objects.filter(grid__in=grids).select_related("grid"), pk=pk)
    return _inspection_page(request, None, place)
