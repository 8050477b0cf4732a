"""Workbench pages of dispute resolution: the mediator's list, a dispute's page (parties masked,
risk, mediations, referrals, documents), session entry on a phone, the reveal form, the
referral work list. Every change calls ``mediation.actions``; a refusal re-renders with its
message and writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_stubs_ext import StrPromise

from fengqiao.accounts.models import Tier, User
from fengqiao.cases import report
from fengqiao.cases.choices import CaseKind, Status
from fengqiao.cases.errors import CaseError, InvalidInput, NotPermitted
from fengqiao.cases.measures import Scope
from fengqiao.cases.models import Case, Party
from fengqiao.cases.permissions import holds
from fengqiao.cases.views import reports
from fengqiao.core.keep_post import keep_post, restore
from fengqiao.core.models import AuditEntry
from fengqiao.lib.masking import mask_id_number, mask_name, mask_phone
from fengqiao.mediation import actions, documents, exports, measures, permissions, risk
from fengqiao.mediation import forms as f
from fengqiao.mediation.choices import (
    MediationState,
    Outcome,
    Performance,
    ReferralKind,
    ReferralOutcome,
    ReferralState,
)
from fengqiao.mediation.models import Mediation, MediationOrg


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def visible_cases(user: User) -> QuerySet[Case]:
    """Disputes the user may open here: in their scope, mediated by them or their organisation,
    or referred to their unit."""
    return Case.objects.filter(
        Q(pk__in=Case.objects.visible_to(user).values("pk"))
        | Q(pk__in=permissions.visible_mediations(user).values("case_id"))
        | Q(pk__in=permissions.visible_referrals(user).values("case_id"))
    )


def _case(request: HttpRequest, number: str) -> Case:
    queryset = visible_cases(_user(request)).select_related(
        "current_unit", "dispatcher_unit", "region", "category__parent"
    )
    return get_object_or_404(queryset, number=number, kind=CaseKind.DISPUTE)


def _mediation(request: HttpRequest, pk: int) -> Mediation:
    queryset = permissions.visible_mediations(_user(request)).select_related("case", "org__unit")
    return get_object_or_404(queryset, pk=pk)


@login_required
@require_GET
def my_list(request: HttpRequest) -> HttpResponse:
    """调解工作台: disputes waiting at my organisations, my open mediations, agreements to check,
    referrals my units received."""
    user = _user(request)
    units = permissions.mediator_units(user)
    waiting = (
        Case.objects.filter(
            kind=CaseKind.DISPUTE,
            current_unit__in=units,
            status__in=[Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS],
        )
        .exclude(mediations__state=MediationState.OPEN)
        .select_related("current_unit")
        .order_by("due_at")[:50]
    )
    mine = Mediation.objects.filter(mediators=user).select_related("case", "org__unit")
    open_ = mine.filter(state=MediationState.OPEN).order_by("started_at")[:100]
    to_check = mine.filter(outcome=Outcome.AGREEMENT, performance=Performance.PENDING).order_by(
        "performance_due"
    )[:100]
    received = (
        permissions.visible_referrals(user)
        .filter(state__in=[ReferralState.PENDING, ReferralState.ACCEPTED])
        .exclude(from_unit__in=units)
        .select_related("case", "from_unit", "to_unit")
        .order_by("referred_at")[:100]
    )
    context = {
        "waiting": waiting,
        "open": open_,
        "to_check": to_check,
        "received": received,
        "today": timezone.localdate(),
    }
    return render(request, "mediation/list.html", context)


def _parties(case: Case) -> list[dict[str, Any]]:
    return [
        {
            "pk": p.pk,
            "role": p.get_role_display(),
            "type": p.get_party_type_display(),
            "name": mask_name(p.name),
            "phone": mask_phone(p.phone),
            "id_number": mask_id_number(p.id_number),
            "address": p.address,
        }
        for p in case.parties.order_by("pk")
    ]


def _forms(case: Case, user: User, bound: dict[str, forms.Form]) -> dict[str, forms.Form]:
    """Every form of the page, each with its own element ids (``id_<form>_<field>``): several
    have a ``note`` and labels must point at their own field."""
    made = {name: _make_form(name, case, None) for name in PERFORM}
    made.update(bound)
    return made


def _render(
    request: HttpRequest, case: Case, bound: dict[str, forms.Form] | None = None, status: int = 200
) -> HttpResponse:
    user = _user(request)
    mediations = list(
        case.mediations.select_related("org__unit").prefetch_related(
            "mediators", "sessions", "checks", "referrals"
        )
    )
    for m in mediations:
        m.i_mediate = permissions.is_mediator_of(user, m)  # type: ignore[attr-defined]
    suggestion = risk.suggest_for(case)
    context = {
        "case": case,
        "parties": _parties(case),
        "mediations": mediations,
        "open_mediation": next((m for m in mediations if m.is_open), None),
        "referrals": case.referrals.select_related("from_unit", "to_unit").order_by("referred_at"),
        "assessment": case.risk_assessments.select_related("assessed_by").first(),
        "suggestion": suggestion,
        "suggestion_labels": suggestion.evidence,
        "forms": _forms(case, user, bound or {}),
        "may_reveal": permissions.may_reveal(user, case),
        "can_start": case.status in actions.WORKING
        and not any(m.is_open for m in mediations)
        and holds(user, case.current_unit, permissions.START_ROLES),
        "events": case.events.filter(action__in=["mediate", "refer", "assess_risk"])
        .select_related("actor", "actor_unit")
        .order_by("created_at", "id"),
    }
    return render(request, "mediation/case.html", context, status=status)


@login_required
@require_GET
def case_page(request: HttpRequest, number: str) -> HttpResponse:
    """多元化解 page of one dispute."""
    return _render(request, _case(request, number))


def _open(case: Case) -> Mediation:
    mediation = case.mediations.filter(state=MediationState.OPEN).first()
    if mediation is None:
        raise InvalidInput(_("该事件没有进行中的调解。"))
    return mediation


def _last_agreement(case: Case) -> Mediation:
    mediation = case.mediations.filter(outcome=Outcome.AGREEMENT).order_by("-concluded_at").first()
    if mediation is None:
        raise InvalidInput(_("该事件没有达成协议的调解。"))
    return mediation


def _conclude(case: Case, user: User, d: dict[str, Any]) -> Any:
    agreement = None
    if d["outcome"] == Outcome.AGREEMENT or d["terms"].strip():
        agreement = actions.AgreementInput(
            terms=d["terms"],
            performance_due=d["performance_due"],
            performance_method=d["performance_method"],
            form=d["agreement_form"],
        )
    referral = None
    if d["outcome"] == Outcome.REFERRED:
        if not d["referral_kind"] or d["referral_unit"] is None:
            raise InvalidInput(_("分流移送须选择移送类型和接收单位。"))
        referral = actions.ReferralInput(d["referral_kind"], d["referral_unit"], d["note"])
    return actions.conclude(
        _open(case),
        by=user,
        outcome=d["outcome"],
        note=d["note"],
        agreement=agreement,
        referral=referral,
    )


def _refer(case: Case, user: User, d: dict[str, Any]) -> Any:
    mediation = d["mediation"]
    if mediation is not None and mediation.case_id != case.pk:
        raise InvalidInput(_("调解不属于该事件。"))
    return actions.refer(
        case,
        actions.ReferralInput(d["kind"], d["to_unit"], d["reason"]),
        by=user,
        mediation=mediation,
    )


PERFORM: dict[
    str, tuple[type[forms.Form], Callable[[Case, User, dict[str, Any]], Any], StrPromise]
] = {
    "party": (
        f.PartyForm,
        lambda c, u, d: actions.save_party(c, actions.PartyInput(**d), by=u),
        gettext_lazy("登记当事人"),
    ),
    "start": (
        f.StartForm,
        lambda c, u, d: actions.start_mediation(
            c,
            by=u,
            org=d["org"],
            mediators=list(d["mediators"]),
            request=d["request"],
            facts=d["facts"],
            applied_at=d["applied_at"],
        ),
        gettext_lazy("受理调解"),
    ),
    "session": (
        f.SessionForm,
        lambda c, u, d: actions.record_session(_open(c), by=u, **d),
        gettext_lazy("记录调解"),
    ),
    "conclude": (f.ConcludeForm, _conclude, gettext_lazy("终结调解")),
    "performance": (
        f.PerformanceForm,
        lambda c, u, d: actions.check_performance(
            _last_agreement(c), by=u, performance=d["performance"], note=d["note"]
        ),
        gettext_lazy("履行回访"),
    ),
    "refer": (f.ReferForm, _refer, gettext_lazy("分流移送")),
    "risk": (
        f.RiskForm,
        lambda c, u, d: actions.assess_risk(
            c, by=u, level=d["level"], reasons=d["reasons"], note=d["note"]
        ),
        gettext_lazy("评估激化风险"),
    ),
}


def _case_page(request: HttpRequest, kwargs: dict[str, Any]) -> str:
    return reverse("mediation:case", args=[kwargs["number"]])


def _make_form(name: str, case: Case, data: Any) -> forms.Form:
    form_class = PERFORM[name][0]
    auto_id = f"id_{name}_%s"
    if form_class is f.StartForm:
        orgs = MediationOrg.objects.filter(unit=case.current_unit_id, is_active=True)
        return f.StartForm(data, orgs=orgs, auto_id=auto_id)
    form = form_class(data, auto_id=auto_id)
    if form_class is f.ReferForm:
        form.fields["mediation"].queryset = case.mediations.all()  # type: ignore[attr-defined]
    return form


@keep_post(back=_case_page)
@require_POST
def case_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    if action not in PERFORM:
        raise Http404
    case = _case(request, number)
    form = _make_form(action, case, request.POST)
    if form.is_valid():
        try:
            PERFORM[action][1](case, _user(request), form.cleaned_data)
        except CaseError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已%(action)s。") % {"action": PERFORM[action][2]})
            return redirect("mediation:case", number=case.number)
    case.refresh_from_db()
    return _render(request, case, bound={action: form}, status=400)


@keep_post(back=lambda request, kwargs: reverse("mediation:session", args=[kwargs["pk"]]))
@require_http_methods(["GET", "POST"])
def session_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """调解笔录 on a phone: one column, the session form and nothing else."""
    mediation = _mediation(request, pk)
    if request.method == "POST":
        form = f.SessionForm(request.POST)
        if form.is_valid():
            try:
                actions.record_session(mediation, by=_user(request), **form.cleaned_data)
            except CaseError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("调解笔录已保存。"))
                return redirect("mediation:case", number=mediation.case.number)
        status = 400
    else:
        kept = restore(request)
        form = f.SessionForm(initial=kept) if kept else f.SessionForm()
        status = 200
    context = {"mediation": mediation, "form": form}
    return render(request, "mediation/session.html", context, status=status)


@login_required
@require_GET
def document(request: HttpRequest, pk: int, kind: str, session: int | None = None) -> HttpResponse:
    """A mediation document as PDF, for those who may see the parties in full; audited."""
    if kind not in actions.DOCUMENT_NAMES or (kind == "record") != (session is not None):
        raise Http404
    mediation = _mediation(request, pk)
    item = get_object_or_404(mediation.sessions, pk=session) if session is not None else None
    try:
        body = actions.export_document(mediation, kind, by=_user(request), session=item)
    except NotPermitted as exc:
        return HttpResponse(exc.message, status=403, content_type="text/plain; charset=utf-8")
    except documents.DocumentError as exc:
        return HttpResponse(str(exc), status=409, content_type="text/plain; charset=utf-8")
    response = HttpResponse(body, content_type="application/pdf")
    name = f"{mediation.number}-{kind}{f'-{session}' if session else ''}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@keep_post(back=lambda request, kwargs: reverse("mediation:reveal", args=[kwargs["pk"]]))
@require_http_methods(["GET", "POST"])
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """查看当事人个人信息: asks for a reason, then shows the data once (not cached)."""
    party = get_object_or_404(Party.objects.select_related("case"), pk=pk)
    case = _case(request, party.case.number)
    shown = None
    form = f.RevealForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                shown = actions.reveal_party(
                    party, by=_user(request), reason=form.cleaned_data["reason"]
                )
                status = 200
            except CaseError as exc:
                form.add_error(None, exc.message)
                status = 403 if isinstance(exc, NotPermitted) else 400
    context = {
        "case": case,
        "party": party,
        "masked": _parties(case),
        "form": form,
        "shown": shown,
    }
    return render(request, "mediation/reveal.html", context, status=status)


@login_required
@require_GET
def export_parties(request: HttpRequest, number: str) -> HttpResponse:
    """当事人名单 (CSV): masked, unless the user may reveal and gives a reason; audited."""
    case = _case(request, number)
    user = _user(request)
    reason = request.GET.get("reason", "").strip()
    unmasked = bool(reason) and permissions.may_reveal(user, case)
    if reason and not unmasked:
        return HttpResponse(_("您无权导出未脱敏的当事人信息。"), status=403)
    body = exports.parties_csv(case, unmasked=unmasked)
    AuditEntry.objects.create(
        kind=AuditEntry.Kind.EXPORT,
        user=user,
        object_type="cases.party",
        object_id=case.number,
        reason=reason,
        detail={"case": case.number, "unmasked": unmasked, "rows": case.parties.count()},
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{case.number}-parties.csv"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def referral_list(request: HttpRequest) -> HttpResponse:
    """分流移送: what my units received (to accept, return or finish) and sent."""
    user = _user(request)
    referrals = (
        permissions.visible_referrals(user)
        .select_related("case", "from_unit", "to_unit")
        .order_by("-referred_at")[:200]
    )
    rows = [
        {"r": r, "answerable": permissions.may_answer(user, r), "form": f.ReferralAnswerForm()}
        for r in referrals
    ]
    return render(request, "mediation/referrals.html", {"rows": rows})


REFERRAL_ACTIONS = {
    "accept": gettext_lazy("接收"),
    "return": gettext_lazy("退回"),
    "complete": gettext_lazy("登记结果"),
}


@keep_post(back=lambda request, kwargs: reverse("mediation:referrals"))
@require_POST
def referral_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in REFERRAL_ACTIONS:
        raise Http404
    user = _user(request)
    referral = get_object_or_404(permissions.visible_referrals(user), pk=pk)
    form = f.ReferralAnswerForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput(_("输入有误。"))
        d = form.cleaned_data
        if action == "accept":
            actions.accept_referral(referral, by=user, note=d["note"])
        elif action == "return":
            actions.return_referral(referral, by=user, reason=d["note"])
        else:
            actions.complete_referral(referral, by=user, outcome=d["outcome"], note=d["note"])
    except CaseError as exc:
        messages.error(request, f"{REFERRAL_ACTIONS[action]}：{exc.message}")
        return redirect("mediation:referrals")
    messages.success(request, _("已%(a)s。") % {"a": REFERRAL_ACTIONS[action]})
    return redirect("mediation:referrals")


@login_required
@require_GET
def measures_page(request: HttpRequest) -> HttpResponse:
    """化解指标 of one month in the user's territory (or a region within it)."""
    user = _user(request)
    try:
        first = report.month_of(request.GET.get("month"))
        region = report.region_for(user, request.GET.get("region", "").strip())
    except (report.ReportError, PermissionDenied) as exc:
        return reports.refused(request, exc, title=_("化解指标"), page="mediation:measures")
    start, end = report.month_period(first)
    scope = Scope(start=start, end=end, region=region)
    context = {
        "month": f"{first:%Y-%m}",
        "region": region,
        "success": measures.success_rate(scope),
        "performance": measures.performance_rate(scope),
        "tiers": [(Tier(k).label, v) for k, v in measures.tier_shares(scope).items()],
        "days": measures.days_to_agreement(scope),
        "referrals": [
            (ReferralKind(kind).label, {_outcome_label(k): n for k, n in counts.items()})
            for kind, counts in measures.referrals_by_outcome(scope).items()
        ],
    }
    return render(request, "mediation/measures.html", context)


def _outcome_label(key: str) -> str:
    if key in ReferralOutcome.values:
        return str(ReferralOutcome(key).label)
    return str(ReferralState(key).label)
