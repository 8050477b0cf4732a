"""The lifecycle actions offered by the API: each one's input and the ``cases.actions`` call.

This mirrors ``cases.views.detail.PERFORM`` for the HTML forms; the state changes themselves
live only in ``cases.actions``. Yes/no answers are JSON booleans here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from fengqiao.accounts.models import User
from fengqiao.api import serializers as s
from fengqiao.cases import actions
from fengqiao.cases.errors import InvalidInput
from fengqiao.cases.models import Case, ExtensionRequest

Perform = Callable[[Case, User, dict[str, Any]], Any]


@dataclass(frozen=True)
class ApiAction:
    name: str
    label: str
    serializer: type[s.StrictSerializer]
    perform: Perform


def _merge(case: Case, user: User, data: dict[str, Any]) -> Any:
    into = Case.objects.visible_to(user).filter(number=data["into"].strip()).first()
    if into is None:
        raise InvalidInput(_("找不到编号为 %(n)s 的事件。") % {"n": data["into"]})
    return actions.merge(case, into=into, by=user, note=data["note"])


def _decide(case: Case, user: User, data: dict[str, Any]) -> Any:
    pending = case.extension_requests.filter(state=ExtensionRequest.State.PENDING).first()
    if pending is None:
        raise InvalidInput(_("没有待审批的延期申请。"))
    return actions.decide_extension(pending, by=user, approve=data["approve"], note=data["note"])


ACTIONS: dict[str, ApiAction] = {
    a.name: a
    for a in [
        ApiAction(
            "accept", "受理", s.NoteInput, lambda c, u, d: actions.accept(c, by=u, note=d["note"])
        ),
        ApiAction(
            "reject",
            "不予受理",
            s.ReasonInput,
            lambda c, u, d: actions.reject(c, by=u, reason=d["reason"]),
        ),
        ApiAction("claim", "签收", s.EmptyInput, lambda c, u, d: actions.claim(c, by=u)),
        ApiAction(
            "dispatch",
            "交办",
            s.DispatchInput,
            lambda c, u, d: actions.dispatch(
                c, by=u, to_unit=d["to_unit"], due_at=d["due_at"], note=d["note"]
            ),
        ),
        ApiAction(
            "assign_down",
            "下派",
            s.AssignDownInput,
            lambda c, u, d: actions.assign_down(c, by=u, to_unit=d["to_unit"], note=d["note"]),
        ),
        ApiAction(
            "escalate",
            "上报上级",
            s.ReasonInput,
            lambda c, u, d: actions.escalate(c, by=u, reason=d["reason"]),
        ),
        ApiAction(
            "progress",
            "记录进展",
            s.ProgressInput,
            lambda c, u, d: actions.record_progress(c, by=u, note=d["note"]),
        ),
        ApiAction(
            "resolve",
            "办结",
            s.ResolveInput,
            lambda c, u, d: actions.resolve(c, by=u, outcome=d["outcome"]),
        ),
        ApiAction(
            "request_extension",
            "申请延期",
            s.ExtensionInput,
            lambda c, u, d: actions.request_extension(c, by=u, days=d["days"], reason=d["reason"]),
        ),
        ApiAction("decide_extension", "审批延期", s.DecideExtensionInput, _decide),
        ApiAction(
            "return",
            "退回",
            s.ReasonInput,
            lambda c, u, d: actions.return_case(c, by=u, reason=d["reason"]),
        ),
        ApiAction(
            "suspend",
            "挂起",
            s.ReasonInput,
            lambda c, u, d: actions.suspend(c, by=u, reason=d["reason"]),
        ),
        ApiAction(
            "resume",
            "恢复办理",
            s.NoteInput,
            lambda c, u, d: actions.resume(c, by=u, note=d["note"]),
        ),
        ApiAction(
            "verify",
            "核查",
            s.VerifyInput,
            lambda c, u, d: actions.verify(c, by=u, passed=d["passed"], note=d["note"]),
        ),
        ApiAction(
            "follow_up",
            "回访",
            s.FollowUpInput,
            lambda c, u, d: actions.follow_up(c, by=u, satisfied=d["satisfied"], note=d["note"]),
        ),
        ApiAction(
            "reopen",
            "重新办理",
            s.ReasonInput,
            lambda c, u, d: actions.reopen(c, by=u, reason=d["reason"]),
        ),
        ApiAction("merge", "合并为重复事件", s.MergeInput, _merge),
        ApiAction(
            "supervise",
            "督办",
            s.SuperviseInput,
            lambda c, u, d: actions.supervise(c, by=u, card=d["card"], note=d["note"]),
        ),
    ]
}
