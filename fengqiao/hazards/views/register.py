"""The hazard register in the workbench (风险隐患台账): list, new hazard, the hazard page with
its actions, photos. Every lookup starts from ``Hazard.objects.visible_to``: out of scope is a
404. Every write goes through ``hazards.actions``."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_stubs_ext import StrPromise

from fengqiao.accounts.models import User
from fengqiao.cases.errors import CaseError
from fengqiao.core.models import AuditEntry
from fengqiao.hazards import actions, permissions
from fengqiao.hazards.exporter import export_hazards
from fengqiao.hazards.filtersets import HazardFilterSet
from fengqiao.hazards.forms import (
    EscalateForm,
    Form,
    HazardForm,
    NoteForm,
    PhotoForm,
    RaiseCaseForm,
    RectifiedForm,
    VerifyForm,
)
from fengqiao.hazards.models import Hazard, Place
from fengqiao.lib.masking import mask_phone

PAGE_SIZE = 50

ACTIONS: dict[str, tuple[StrPromise, type[Form]]] = {
    "start": (gettext_lazy("开始整改"), NoteForm),
    "rectified": (gettext_lazy("整改完成"), RectifiedForm),
    "verify": (gettext_lazy("核查"), VerifyForm),
    "close": (gettext_lazy("销号"), NoteForm),
    "escalate": (gettext_lazy("上报"), EscalateForm),
    "raise_case": (gettext_lazy("转为事件"), RaiseCaseForm),
    "photos": (gettext_lazy("添加照片"), PhotoForm),
}


def user_of(request: HttpRequest) -> User:
    return cast(User, request.user)  # every view here is behind login_required


def visible_hazard(request: HttpRequest, pk: int) -> Hazard:
    queryset = Hazard.objects.visible_to(request.user).select_related(
        "region", "place", "responsible_unit", "case", "raised_case", "inspection"
    )
    return get_object_or_404(queryset, pk=pk)


@login_required
@require_GET
def hazard_list(request: HttpRequest) -> HttpResponse:
    """台账: the visible hazards, filtered, soonest deadline first."""
    queryset = Hazard.objects.visible_to(request.user).select_related(
        "region", "place", "responsible_unit"
    )
    filterset = HazardFilterSet(request.GET, queryset=queryset)
    hazards = filterset.qs if filterset.is_valid() else queryset.none()
    hazards = hazards.order_by(F("due_at").asc(nulls_last=True), "-id")
    page = Paginator(hazards, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "hazards/list.html",
        {"filterset": filterset, "page": page, "query": query.urlencode()},
    )


@login_required
@require_GET
def hazard_export(request: HttpRequest) -> HttpResponse:
    """The filtered register as CSV or XLSX; phones masked; every export is audited."""
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("csv", "xlsx"):
        return HttpResponse(_("格式须为 csv 或 xlsx。"), status=400)
    queryset = Hazard.objects.visible_to(request.user)
    filterset = HazardFilterSet(request.GET, queryset=queryset)
    if not filterset.is_valid():
        return HttpResponse(_("筛选条件有误。"), status=400)
    body = export_hazards(filterset.qs.order_by("-found_at", "-id"), cast(Any, fmt))
    AuditEntry.objects.create(
        kind=AuditEntry.Kind.EXPORT,
        user=user_of(request),
        object_type="hazards",
        detail={"filters": {k: v for k, v in request.GET.items() if k != "format"}, "format": fmt},
    )
    content_type = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(body, content_type=content_type)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="hazards-{stamp}.{fmt}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def hazard_new(request: HttpRequest) -> HttpResponse:
    """登记隐患 in the workbench (grid workers use the inspection page on their phones)."""
    user = user_of(request)
    places = Place.objects.visible_to(user).order_by("name")
    if request.method == "POST":
        form = HazardForm(request.POST, request.FILES, places=places)
        if form.is_valid():
            try:
                hazard = actions.register_hazard(by=user, **form.action_kwargs())
            except CaseError as exc:
                form.add_action_error(exc)
            else:
                messages.success(request, _("隐患已登记。"))
                return redirect("hazards:detail", pk=hazard.pk)
    else:
        initial = {"place": request.GET.get("place")} if request.GET.get("place") else {}
        form = HazardForm(places=places, initial=initial)
    return render(request, "hazards/new.html", {"form": form})


def _render(
    request: HttpRequest, hazard: Hazard, bound: dict[str, forms.Form] | None = None
) -> HttpResponse:
    bound = bound or {}
    names = permissions.allowed_actions(user_of(request), hazard)
    action_forms = [
        {
            "name": name,
            "label": ACTIONS[name][0],
            "form": bound.get(name) or ACTIONS[name][1](),
            "open": name in bound,
        }
        for name in names
    ]
    context: dict[str, Any] = {
        "hazard": hazard,
        "phone": mask_phone(hazard.responsible_phone or ""),
        "events": hazard.events.select_related("actor").order_by("created_at", "id"),
        "photos": hazard.photos.order_by("created_at", "id"),
        "action_forms": action_forms,
        "refused": [
            {"label": ACTIONS[n][0], "errors": f.errors.get("__all__", [])}
            for n, f in bound.items()
            if n not in names
        ],
    }
    return render(request, "hazards/detail.html", context, status=400 if bound else 200)


@login_required
@require_GET
def hazard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, visible_hazard(request, pk))


def _perform(name: str, hazard: Hazard, user: User, data: dict[str, Any]) -> str:
    if name == "start":
        actions.start_rectification(hazard, by=user, note=data["note"])
        return _("已开始整改。")
    if name == "rectified":
        actions.report_rectified(hazard, by=user, note=data["note"], photos=data["photos"])
        return _("已报告整改完成，等待核查。")
    if name == "verify":
        actions.verify(hazard, by=user, passed=data["passed"], note=data["note"])
        return _("核查通过。") if data["passed"] else _("已退回整改。")
    if name == "close":
        actions.close(hazard, by=user, note=data["note"])
        return _("隐患已销号。")
    if name == "escalate":
        actions.escalate(hazard, by=user, to_unit=data["to_unit"], note=data["note"])
        return _("已上报。")
    if name == "raise_case":
        case = actions.raise_case(hazard, by=user, category=data["category"], note=data["note"])
        return _("已转为事件 %(n)s。") % {"n": case.number}
    actions.add_photos(hazard, by=user, photos=data["photos"], stage=data["stage"])
    return _("照片已添加。")


@login_required
@require_POST
def hazard_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Run one action; a refusal re-renders the page with the error beside the form."""
    hazard = visible_hazard(request, pk)
    if action not in ACTIONS:
        raise Http404
    form = ACTIONS[action][1](request.POST, request.FILES)
    if form.is_valid():
        try:
            message = _perform(action, hazard, user_of(request), form.cleaned_data)
        except CaseError as exc:
            form.add_action_error(exc)
        else:
            messages.success(request, message)
            return redirect("hazards:detail", pk=hazard.pk)
    return _render(request, visible_hazard(request, pk), {action: form})


@login_required
@require_GET
def hazard_photo(request: HttpRequest, pk: int, photo: int) -> FileResponse:
    """A photo of a visible hazard (re-encoded on upload, so shown inline)."""
    item = get_object_or_404(visible_hazard(request, pk).photos, pk=photo)
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
