"""The case page (事件详情): map, attachments, parties (masked), timeline, and the actions this
user may take now, each a form that calls the matching ``cases.actions`` function."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from fengqiao.accounts.models import User
from fengqiao.cases import actions
from fengqiao.cases.errors import CaseError, InvalidInput
from fengqiao.cases.forms import ACTION_FORMS, CASE_BOUND_FORMS
from fengqiao.cases.models import Case, ExtensionRequest
from fengqiao.cases.permissions import Roles, allowed_actions
from fengqiao.core.keep_post import keep_post, restore
from fengqiao.lib.masking import mask_id_number, mask_name, mask_phone
from fengqiao.notifications.models import Channel as NoticeChannel
from fengqiao.textintel import review

ACTION_LABELS = {
    "accept": gettext_lazy("受理"),
    "reject": gettext_lazy("不予受理"),
    "claim": gettext_lazy("签收"),
    "dispatch": gettext_lazy("交办"),
    "assign_down": gettext_lazy("下派"),
    "escalate": gettext_lazy("上报上级"),
    "progress": gettext_lazy("记录进展"),
    "resolve": gettext_lazy("办结"),
    "request_extension": gettext_lazy("申请延期"),
    "decide_extension": gettext_lazy("审批延期"),
    "return": gettext_lazy("退回"),
    "suspend": gettext_lazy("挂起"),
    "resume": gettext_lazy("恢复办理"),
    "verify": gettext_lazy("核查"),
    "follow_up": gettext_lazy("回访"),
    "reopen": gettext_lazy("重新办理"),
    "merge": gettext_lazy("合并为重复事件"),
    "supervise": gettext_lazy("督办"),
    "attach": gettext_lazy("添加附件"),
}


def _visible_case(request: HttpRequest, number: str) -> Case:
    """The case if this user may see it; anything else is a 404, never a 403."""
    queryset = Case.objects.visible_to(request.user).select_related(
        "category__parent",
        "current_unit",
        "dispatcher_unit",
        "region",
        "resolved_unit",
        "merged_into",
    )
    return get_object_or_404(queryset, number=number)


def _pending_extension(case: Case) -> ExtensionRequest | None:
    return case.extension_requests.filter(state=ExtensionRequest.State.PENDING).first()


def _forms_for(
    case: Case, names: list[str], bound: dict[str, forms.Form], kept: dict[str, Any]
) -> list[dict[str, Any]]:
    """One form per offered action: the bound one after a refusal, the kept text after an
    expired session, else empty."""
    result = []
    for name in names:
        form = bound.get(name)
        if form is None:
            form_class = ACTION_FORMS[name]
            kwargs: dict[str, Any] = {"case": case} if name in CASE_BOUND_FORMS else {}
            if kept.get("_action") == name:
                kwargs["initial"] = kept
            form = form_class(**kwargs)
        result.append(
            {
                "name": name,
                "label": ACTION_LABELS[name],
                "form": form,
                "open": name in bound or kept.get("_action") == name,
            }
        )
    return result


def _available(user: User, case: Case) -> list[str]:
    names = allowed_actions(user, case, Roles(user))
    pending = _pending_extension(case)
    if pending is None and "decide_extension" in names:
        names.remove("decide_extension")
    if pending is not None and "request_extension" in names:
        names.remove("request_extension")
    return names


def _render(
    request: HttpRequest,
    case: Case,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
    kept: dict[str, Any] | None = None,
) -> HttpResponse:
    user = cast(User, request.user)
    bound = bound or {}
    names = _available(user, case)
    events = case.events.select_related("actor", "actor_unit", "to_unit").order_by(
        "created_at", "id"
    )
    parties = [
        {
            "role": p.get_role_display(),
            "name": mask_name(p.name),
            "phone": mask_phone(p.phone),
            "id_number": mask_id_number(p.id_number),
        }
        for p in case.parties.all()
    ]
    context = {
        "case": case,
        "events": events,
        "attachments": case.attachments.all(),
        "parties": parties,
        "reporter_name": mask_name(case.reporter_name or ""),
        "reporter_phone": mask_phone(case.reporter_phone or ""),
        "supervisions": case.supervisions.select_related("by_unit").order_by("created_at"),
        "notices": _notices(case),
        "pending_extension": _pending_extension(case),
        "reply": _reply_quality(case),
        "action_forms": _forms_for(case, names, bound, kept or {}),
        # An action no longer offered (the status changed, or it never applied) still says why.
        "refused": [
            {"label": ACTION_LABELS[name], "errors": form.errors.get("__all__", [])}
            for name, form in bound.items()
            if name not in names
        ],
    }
    return render(request, "cases/detail.html", context, status=status)


def _reply_quality(case: Case) -> dict[str, Any] | None:
    """答复质量 of the outcome as it stands (textintel.review; scored here, nothing written)."""
    scored = review.score_case(case)
    if scored is None:
        return None
    return review.shown(scored)


def _notices(case: Case) -> list[dict[str, Any]]:
    """通知记录: what the product told whom about the case, and whether it was delivered. A
    resident's phone is masked; a member of staff is named, not their e-mail address."""
    rows = []
    for n in case.notifications.select_related("unit", "user").order_by("created_at", "id"):
        if n.channel == NoticeChannel.SMS:
            to = _("反映人 %(phone)s") % {"phone": mask_phone(n.address)}
        elif n.unit is not None:
            to = n.unit.name
        else:
            to = str(n.user) if n.user is not None else ""
        rows.append({"notice": n, "to": to})
    return rows


@login_required
@require_GET
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    case = _visible_case(request, number)
    return _render(request, case, kept=restore(request))


def _merge(case: Case, user: User, data: dict[str, Any]) -> Any:
    into = Case.objects.visible_to(user).filter(number=data["into"].strip()).first()
    if into is None:
        raise InvalidInput(_("找不到编号为 %(n)s 的事件。") % {"n": data["into"]})
    return actions.merge(case, into=into, by=user, note=data["note"])


def _decide(case: Case, user: User, data: dict[str, Any]) -> Any:
    pending = _pending_extension(case)
    if pending is None:
        raise InvalidInput(_("没有待审批的延期申请。"))
    return actions.decide_extension(
        pending, by=user, approve=data["approve"] == "yes", note=data["note"]
    )


def _attach(case: Case, user: User, data: dict[str, Any]) -> Any:
    upload = data["file"]
    if upload.size > 10 * 1024 * 1024:
        raise InvalidInput(_("文件过大（最大 10 MB）。"))
    return actions.add_attachment(case, data=upload.read(), filename=upload.name, by=user)


PERFORM: dict[str, Callable[[Case, User, dict[str, Any]], Any]] = {
    "accept": lambda c, u, d: actions.accept(c, by=u, note=d["note"]),
    "reject": lambda c, u, d: actions.reject(c, by=u, reason=d["reason"]),
    "claim": lambda c, u, d: actions.claim(c, by=u),
    "dispatch": lambda c, u, d: actions.dispatch(
        c, by=u, to_unit=d["to_unit"], due_at=d["due_at"], note=d["note"]
    ),
    "assign_down": lambda c, u, d: actions.assign_down(
        c, by=u, to_unit=d["to_unit"], note=d["note"]
    ),
    "escalate": lambda c, u, d: actions.escalate(c, by=u, reason=d["reason"]),
    "progress": lambda c, u, d: actions.record_progress(c, by=u, note=d["note"]),
    "resolve": lambda c, u, d: actions.resolve(c, by=u, outcome=d["outcome"]),
    "request_extension": lambda c, u, d: actions.request_extension(
        c, by=u, days=d["days"], reason=d["reason"]
    ),
    "decide_extension": _decide,
    "return": lambda c, u, d: actions.return_case(c, by=u, reason=d["reason"]),
    "suspend": lambda c, u, d: actions.suspend(c, by=u, reason=d["reason"]),
    "resume": lambda c, u, d: actions.resume(c, by=u, note=d["note"]),
    "verify": lambda c, u, d: actions.verify(c, by=u, passed=d["passed"] == "yes", note=d["note"]),
    "follow_up": lambda c, u, d: actions.follow_up(
        c, by=u, satisfied=d["satisfied"] == "yes", note=d["note"]
    ),
    "reopen": lambda c, u, d: actions.reopen(c, by=u, reason=d["reason"]),
    "merge": _merge,
    "supervise": lambda c, u, d: actions.supervise(c, by=u, card=d["card"], note=d["note"]),
    "attach": _attach,
}


def _case_page(request: HttpRequest, kwargs: dict[str, Any]) -> str:
    return reverse("cases:detail", args=[kwargs["number"]])


@keep_post(back=_case_page)
@require_POST
def case_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Run one action from its form; a refused action re-renders the page with the error."""
    if action not in PERFORM:
        raise Http404
    case = _visible_case(request, number)
    user = cast(User, request.user)
    form_class = ACTION_FORMS[action]
    kwargs: dict[str, Any] = {"case": case} if action in CASE_BOUND_FORMS else {}
    form = form_class(request.POST, request.FILES, **kwargs)
    if form.is_valid():
        try:
            PERFORM[action](case, user, form.cleaned_data)
        except CaseError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已%(action)s。") % {"action": ACTION_LABELS[action]})
            if Case.objects.visible_to(user).filter(pk=case.pk).exists():
                return redirect("cases:detail", number=case.number)
            return redirect("cases:my_work")  # e.g. returned or escalated out of my scope
    case.refresh_from_db()
    return _render(request, case, bound={action: form}, status=400)


@login_required
@require_GET
def attachment(request: HttpRequest, number: str, pk: int) -> FileResponse:
    """An attachment of a visible case; out of scope is a 404 like the case itself."""
    case = _visible_case(request, number)
    item = get_object_or_404(case.attachments, pk=pk)
    # Images were re-encoded on upload and may show inline; documents always download.
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=item.kind != "image",
        filename=item.original_name,
        content_type=item.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
