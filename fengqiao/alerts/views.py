"""Alert pages in the workbench (预警中心): list, map, detail with evidence, and the actions.

Every page starts from ``Alert.objects.visible_to(user)``: an alert out of scope is a 404. The
buttons are ``actions.allowed_actions(user, alert)``; each posts to ``/alerts/<id>/do/<name>/``,
which calls the action and comes back with the refusal shown when it is refused.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case as Choose
from django.db.models import Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from fengqiao.accounts.models import Membership, Role, Unit, User
from fengqiao.alerts import actions
from fengqiao.alerts.filtersets import AlertFilterSet
from fengqiao.alerts.models import (
    LEVEL_RANK,
    TITLE_TEMPLATE,
    Alert,
    DailyReport,
    KeyPeriod,
    level_rank,
)
from fengqiao.cases.errors import CaseError
from fengqiao.cases.models import Case
from fengqiao.core import notes
from fengqiao.regions.models import Level as RegionLevel
from fengqiao.regions.models import Region

PAGE_SIZE = 50
MAP_LIMIT = 2000
ACTION_LABELS = {
    "acknowledge": pgettext_lazy("alert", "签收"),
    "respond": gettext_lazy("处置"),
    "close": gettext_lazy("办结"),
    "false_alarm": gettext_lazy("标记误报"),
}


class NoteForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("说明"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RespondForm(NoteForm):
    unit = forms.ModelChoiceField(
        label=gettext_lazy("交由单位处置"),
        queryset=Unit.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, alert: Alert, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Units of the alert's area: those covering it and those inside it.
        ancestors = [p for p in _prefixes(alert.region_path)]
        self.fields["unit"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            Q(jurisdiction__path__in=ancestors)
            | Q(jurisdiction__path__startswith=alert.region_path),
            is_active=True,
        ).order_by("tier", "code")


def _prefixes(path: str) -> list[str]:
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _form_for(name: str, alert: Alert, data: Any = None) -> forms.Form:
    if name == "respond":
        return RespondForm(data, alert=alert, prefix=name)
    return NoteForm(data, prefix=name)


def _filtered(request: HttpRequest) -> tuple[AlertFilterSet, QuerySet[Alert]]:
    """The visible alerts through the filters (open ones when none are given; none when the
    filters are invalid, whose errors the page shows)."""
    visible = Alert.objects.visible_to(_user(request))
    filterset = AlertFilterSet(request.GET or None, queryset=visible)
    if not filterset.is_bound:
        return filterset, visible.open()
    return filterset, (filterset.qs if filterset.is_valid() else visible.none())


SEVERITY = Choose(
    *(When(level=level, then=Value(rank)) for level, rank in LEVEL_RANK.items()),
    default=Value(0),
    output_field=IntegerField(),
)


@login_required
@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    """预警列表: open alerts by default, the most serious first, then the most recent."""
    filterset, alerts = _filtered(request)
    ordered = (
        alerts.select_related("region", "category", "assigned_unit")
        .annotate(severity=SEVERITY)
        .order_by("-severity", "-last_seen_at", "-id")
    )
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    open_levels = (
        Alert.objects.visible_to(_user(request))
        .open()
        .values("level")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {row["level"]: row["n"] for row in open_levels}
    today = timezone.localdate()
    return render(
        request,
        "alerts/list.html",
        {
            "filterset": filterset,
            "page": page,
            "query": request.GET.urlencode(),
            "level_counts": sorted(counts.items(), key=lambda kv: -level_rank(kv[0])),
            "key_periods": KeyPeriod.objects.filter(
                is_active=True, starts_on__lte=today, ends_on__gte=today
            ),
            "may_run": may_run_detectors(_user(request)),
        },
    )


def may_run_detectors(user: User) -> bool:
    """Leaders and administrators may run the detectors at once (they run on a schedule)."""
    return (
        user.is_superuser
        or Membership.objects.filter(
            user=user, role__in=[Role.LEADER, Role.ADMIN], unit__is_active=True
        ).exists()
    )


@login_required
@require_POST
def run_detectors(request: HttpRequest) -> HttpResponse:
    """立即研判: enqueue the rules, surges, space-time scan or near-repeat test for the worker."""
    if not may_run_detectors(_user(request)):
        raise Http404
    from fengqiao.alerts.tasks import ON_DEMAND

    task = ON_DEMAND.get(request.POST.get("detectors") or "")
    if task is None:
        messages.error(request, _("请选择要运行的研判。"))
    else:
        task.enqueue()
        messages.success(request, _("已提交后台运行，稍后刷新查看结果。"))
    return redirect("alerts:list")


@login_required
@require_GET
def alert_map(request: HttpRequest) -> HttpResponse:
    return render(request, "alerts/map.html", {"query": request.GET.urlencode()})


@login_required
@require_GET
def map_data(request: HttpRequest) -> JsonResponse:
    """GeoJSON points of the visible open alerts at their region's representative point."""
    _filterset, alerts = _filtered(request)
    rows = alerts.exclude(region__point_lon=None).values_list(
        "pk",
        "title",
        f"data__{TITLE_TEMPLATE}",
        "level",
        "status",
        "region__point_lon",
        "region__point_lat",
    )[:MAP_LIMIT]
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "id": pk,
                "title": notes.shown(title, {TITLE_TEMPLATE: template}, TITLE_TEMPLATE),
                "level": level,
                "status": status,
            },
        }
        for pk, title, template, level, status, lon, lat in rows
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


def _detail_context(request: HttpRequest, alert: Alert, **extra: Any) -> dict[str, Any]:
    user = _user(request)
    evidence = alert.evidence.all()
    shown = list(
        Case.objects.visible_to(user)
        .filter(pk__in=evidence.values("pk"))
        .select_related("category", "region")
        .order_by("-submitted_at")[:200]
    )
    forms_by_name = extra.pop("forms", {})
    action_forms = [
        {
            "name": name,
            "label": ACTION_LABELS[name],
            "form": forms_by_name.get(name) or _form_for(name, alert),
            "open": name in forms_by_name,
        }
        for name in actions.allowed_actions(user, alert)
    ]
    return {
        "alert": alert,
        "evidence": shown,
        "hidden_evidence": evidence.count() - len(shown),
        "events": alert.events.select_related("actor").all(),
        "action_forms": action_forms,
        **extra,
    }


def _visible_alert(request: HttpRequest, pk: int) -> Alert:
    return get_object_or_404(
        Alert.objects.visible_to(_user(request)).select_related(
            "region", "category", "assigned_unit"
        ),
        pk=pk,
    )


@login_required
@require_GET
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _visible_alert(request, pk)
    return render(request, "alerts/detail.html", _detail_context(request, alert))


@login_required
@require_POST
def alert_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    alert = _visible_alert(request, pk)
    if name not in ACTION_LABELS:
        raise Http404
    form = _form_for(name, alert, request.POST)
    error = ""
    if form.is_valid():
        user, note = _user(request), form.cleaned_data.get("note", "")
        try:
            if name == "acknowledge":
                actions.acknowledge(alert, by=user, note=note)
            elif name == "respond":
                actions.respond(alert, by=user, note=note, unit=form.cleaned_data.get("unit"))
            elif name == "close":
                actions.close(alert, by=user, note=note)
            else:
                actions.mark_false_alarm(alert, by=user, note=note)
        except CaseError as exc:
            error = exc.message
        else:
            messages.success(request, _("已%(what)s。") % {"what": ACTION_LABELS[name]})
            return redirect("alerts:detail", pk=alert.pk)
    context = _detail_context(request, alert, forms={name: form}, refused=error)
    return render(request, "alerts/detail.html", context, status=400)


# --------------------------------------------------------------------------- key periods


class DailyReportForm(forms.Form):
    community = forms.ModelChoiceField(
        label=gettext_lazy("社区"), queryset=Region.objects.none(), to_field_name="code"
    )
    nothing_to_report = forms.BooleanField(label=gettext_lazy("今日无异常"), required=False)
    content = forms.CharField(
        label=gettext_lazy("报告内容"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("nothing_to_report") and not (data.get("content") or "").strip():
            raise forms.ValidationError(_("请填写报告内容，或勾选“今日无异常”。"))
        return data


def _communities(user: User, period: KeyPeriod) -> list[Region]:
    from fengqiao.accounts.scoping import regions_visible_to

    mine = regions_visible_to(user).filter(level=RegionLevel.COMMUNITY)
    paths = [r.path for r in period.regions.all()]
    if paths:
        condition = Q(pk__in=[])
        for path in paths:
            condition |= Q(path__startswith=path)
        mine = mine.filter(condition)
    return list(mine.order_by("path"))


@login_required
def key_period(request: HttpRequest, pk: int) -> HttpResponse:
    """重要节点日报告: today's reports of the period's communities, missing ones named, and a
    form for a community's report ("nothing to report" included)."""
    period = get_object_or_404(KeyPeriod, pk=pk, is_active=True)
    user = _user(request)
    communities = _communities(user, period)
    if not communities:
        raise Http404
    today = timezone.localdate()
    form = DailyReportForm(request.POST or None)
    form.fields["community"].queryset = Region.objects.filter(  # type: ignore[attr-defined]
        pk__in=[c.pk for c in communities]
    )
    in_period = period.starts_on <= today <= period.ends_on
    if request.method == "POST":
        if not in_period:
            form.add_error(None, _("不在重要节点期间，无需报告。"))
        elif form.is_valid():
            data = form.cleaned_data
            DailyReport.objects.update_or_create(
                key_period=period,
                community=data["community"],
                day=today,
                defaults={
                    "nothing_to_report": data["nothing_to_report"],
                    "content": data["content"].strip(),
                    "reported_by": user,
                    "created_at": timezone.now(),
                },
            )
            messages.success(request, _("日报告已提交。"))
            return redirect("alerts:key_period", pk=period.pk)
    reports = {
        r.community_id: r
        for r in DailyReport.objects.filter(
            key_period=period, day=today, community__in=communities
        ).select_related("reported_by")
    }
    rows = [(c, reports.get(c.pk)) for c in communities]
    return render(
        request,
        "alerts/key_period.html",
        {
            "period": period,
            "rows": rows,
            "missing": sum(1 for _c, r in rows if r is None),
            "form": form,
            "today": today,
            "in_period": in_period,
        },
        status=400 if request.method == "POST" else 200,
    )
