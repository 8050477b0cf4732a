"""Every state change of a case (事件流转), one function per action.

Each function runs in one transaction: it locks the case row (``SELECT ... FOR UPDATE``, so two
people acting at once are serialised and the second sees the first's change), checks the status
and the actor's role, saves what changed, appends a timeline entry and queues notifications that
are delivered after commit. A refused action raises a ``CaseError`` and writes nothing.
Intake (``submit``) lives in ``cases.intake``.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fengqiao.accounts.models import Unit, User
from fengqiao.cases import deadlines, permissions
from fengqiao.cases.choices import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    Action,
    Card,
    Rating,
    Status,
)
from fengqiao.cases.errors import InvalidInput, NotAllowed, NotPermitted
from fengqiao.cases.models import Attachment, Case, CaseEvent, ExtensionRequest, Supervision
from fengqiao.cases.routing import centre_above, tier_rank
from fengqiao.core import notes
from fengqiao.core.notes import SystemNote, system_note
from fengqiao.lib.uploads import UploadRejected, check_upload
from fengqiao.notifications.actions import queue_for_unit, queue_for_user, queue_sms

MAX_ATTACHMENTS = 20


def _lock(case: Case) -> Case:
    """Re-read the case under a row lock. No joins: when a concurrent action changes
    ``current_unit``, PostgreSQL re-checks a waiting ``FOR UPDATE`` against the new row and a
    join on the old unit would then drop it (DoesNotExist instead of the updated case)."""
    return Case.objects.select_for_update().get(pk=case.pk)


def _require_status(case: Case, allowed: Collection[str], what: str) -> None:
    if case.status not in allowed:
        raise NotAllowed(
            _("事件 %(number)s 当前状态为“%(status)s”，不能%(what)s。")
            % {"number": case.number, "status": case.get_status_display(), "what": what}
        )


def _text(value: str, field: str, *, required: bool = True, max_length: int = 1000) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("请填写%(field)s。") % {"field": field})
    if len(value) > max_length:
        raise InvalidInput(_("%(field)s不能超过 %(n)d 个字。") % {"field": field, "n": max_length})
    return value


def record(
    case: Case,
    action: str,
    *,
    by: User | None,
    unit: Unit | None,
    from_status: str,
    from_unit: Unit | None,
    note: str | SystemNote = "",
    data: dict[str, Any] | None = None,
    public: bool = False,
    at: datetime | None = None,
) -> CaseEvent:
    """Append a timeline entry for a change already applied to ``case``."""
    note, data = notes.stored(note, data)
    return CaseEvent.objects.create(
        case=case,
        action=action,
        actor=by,
        actor_unit=unit,
        from_status=from_status,
        to_status=case.status,
        from_unit=from_unit,
        to_unit=case.current_unit,
        note=note,
        data=data,
        public=public,
        created_at=at or timezone.now(),
    )


def unit_notice(number: str, title: str, what: str | SystemNote) -> tuple[SystemNote, SystemNote]:
    """A unit's notice about a case, as every action sends it: the subject is the case's number
    and what happened, the body its title and what happened (shown in the reader's language)."""
    return notes.joined(number, what, separator=" "), notes.joined(title, what)


def _notify_unit(case: Case, unit: Unit, what: str | SystemNote) -> None:
    subject, body = unit_notice(case.number, case.title, what)
    queue_for_unit(unit, subject, body, case_id=case.pk)


# What the unit a case is dispatched to is told (交办).
DISPATCHED = gettext_noop("新交办事件，请签收办理")


REPORTER_MESSAGE = gettext_noop("【枫桥】您反映的事件 %(number)s：%(text)s")


def notify_reporter(case: Case, text: str | SystemNote) -> None:
    """Tell the reporter: in the inbox if they have an account, else by SMS if they left one.
    Sent in the site's language, whatever language the member of staff who acted had chosen;
    the inbox shows it in the reader's (core.notes)."""
    message = system_note(REPORTER_MESSAGE, number=case.number, text=notes.nested(text))
    if case.reporter_id and case.reporter is not None:
        subject = notes.joined(case.number, text, separator=" ")
        queue_for_user(case.reporter, subject, message, case_id=case.pk)
    elif case.reporter_phone:
        queue_sms(case.reporter_phone, message, case_id=case.pk)


def _move(case: Case, to_unit: Unit, status: str) -> None:
    if to_unit.pk != case.current_unit_id:
        _lapse_extensions(case)
    case.current_unit, case.current_tier, case.status = to_unit, to_unit.tier, status


def _lapse_extensions(case: Case) -> None:
    """A pending 延期申请 lapses (已失效) when the case leaves the unit that asked, is resolved or
    is merged: ``decide_extension`` needs the case in progress, so it would wait forever."""
    case.extension_requests.filter(state=ExtensionRequest.State.PENDING).update(
        state=ExtensionRequest.State.LAPSED, decided_at=timezone.now()
    )


@transaction.atomic
def accept(case: Case, *, by: User, note: str = "") -> Case:
    """受理: the centre holding a submitted case accepts it; the resolve clock starts."""
    case = _lock(case)
    unit = permissions.require(by, case.current_unit, permissions.CENTRE_ROLES, _("受理"))
    _require_status(case, [Status.SUBMITTED], _("受理"))
    before, now = case.status, timezone.now()
    case.status, case.accepted_at = Status.ACCEPTED, now
    if case.resolve_due_at is None:
        c = case.category
        case.resolve_due_at = deadlines.deadline(now, c.resolve_within, c.resolve_unit)
    deadlines.set_due(case, case.resolve_due_at, now)
    case.save()
    record(
        case,
        Action.ACCEPT,
        by=by,
        unit=unit,
        from_status=before,
        from_unit=unit,
        note=_text(note, _("说明"), required=False),
        public=True,
    )
    return case


@transaction.atomic
def reject(case: Case, *, by: User, reason: str) -> Case:
    """不予受理, with a reason the reporter sees."""
    case = _lock(case)
    unit = permissions.require(by, case.current_unit, permissions.CENTRE_ROLES, _("不予受理"))
    _require_status(case, [Status.SUBMITTED], _("不予受理"))
    reason = _text(reason, _("不予受理理由"), max_length=500)
    before = case.status
    case.status, case.reject_reason = Status.REJECTED, reason
    deadlines.set_due(case, None, timezone.now())
    case.save()
    record(
        case,
        Action.REJECT,
        by=by,
        unit=unit,
        from_status=before,
        from_unit=unit,
        note=reason,
        public=True,
    )
    notify_reporter(case, system_note(gettext_noop("不予受理。理由：%(reason)s"), reason=reason))
    return case


@transaction.atomic
def dispatch(
    case: Case, *, by: User, to_unit: Unit, due_at: datetime | None = None, note: str = ""
) -> Case:
    """交办: the centre sends the case to a handling unit, optionally with its own deadline."""
    case = _lock(case)
    unit = permissions.require(by, case.current_unit, permissions.CENTRE_ROLES, _("交办"))
    _require_status(case, [Status.ACCEPTED], _("交办"))
    if not to_unit.is_active or to_unit.pk == unit.pk:
        raise InvalidInput(_("请选择另一个启用中的承办单位。"))
    now = timezone.now()
    if due_at is not None:
        if due_at <= now:
            raise InvalidInput(_("办理期限必须晚于现在。"))
        case.resolve_due_at = due_at
    before = case.status
    _move(case, to_unit, Status.DISPATCHED)
    case.dispatcher_unit = unit
    deadlines.set_due(case, case.resolve_due_at, now)
    case.save()
    record(
        case,
        Action.DISPATCH,
        by=by,
        unit=unit,
        from_status=before,
        from_unit=unit,
        note=_text(note, _("说明"), required=False),
        public=True,
        data={"due_at": case.resolve_due_at.isoformat() if case.resolve_due_at else None},
    )
    _notify_unit(case, to_unit, system_note(DISPATCHED))
    return case


@transaction.atomic
def claim(case: Case, *, by: User) -> Case:
    """签收: the handling unit takes the case on (a centre may also handle it itself)."""
    case = _lock(case)
    unit = permissions.require(by, case.current_unit, permissions.HANDLING_ROLES, _("签收"))
    _require_status(case, [Status.DISPATCHED, Status.ACCEPTED], _("签收"))
    before = case.status
    if case.status == Status.ACCEPTED:
        case.dispatcher_unit = unit  # the centre handles it itself and verifies its own work
    case.status = Status.IN_PROGRESS
    case.save()
    record(case, Action.CLAIM, by=by, unit=unit, from_status=before, from_unit=unit, public=True)
    return case


@transaction.atomic
def record_progress(case: Case, *, by: User, note: str) -> Case:
    """办理进展: a note on what was done, without changing the status."""
    case = _lock(case)
    unit = permissions.require(by, case.current_unit, permissions.HANDLING_ROLES, _("记录进展"))
    _require_status(case, [Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS], _("记录进展"))
    record(
        case,
        Action.PROGRESS,
        by=by,
        unit=unit,
        from_status=case.status,
        from_unit=unit,
        note=_text(note, _("进展"), max_length=2000),
    )
    return case


@transaction.atomic
def request_extension(case: Case, *, by: User, days: int, reason: str) -> ExtensionRequest:
    """申请延期: the handling unit asks the dispatching centre for more working days."""
    case = _lock(case)
    unit = permissions.require(by, case.current_unit, permissions.HANDLING_ROLES, _("申请延期"))
    _require_status(case, [Status.IN_PROGRESS, Status.DISPATCHED], _("申请延期"))
    if not 1 <= int(days) <= 60:
        raise InvalidInput(_("延期天数须在 1 到 60 个工作日之间。"))
    if case.extension_requests.filter(state=ExtensionRequest.State.PENDING).exists():
        raise NotAllowed(_("已有待审批的延期申请。"))
    request = ExtensionRequest.objects.create(
        case=case,
        requested_by=by,
        unit=unit,
        days=days,
        reason=_text(reason, _("延期理由"), max_length=500),
        created_at=timezone.now(),
    )
    record(
        case,
        Action.REQUEST_EXTENSION,
        by=by,
        unit=unit,
        from_status=case.status,
        from_unit=unit,
        note=request.reason,
        data={"days": days, "request": request.pk},
    )
    if case.dispatcher_unit:
        _notify_unit(
            case, case.dispatcher_unit, system_note(gettext_noop("申请延期 %(d)d 个工作日"), d=days)
        )
    return request


@transaction.atomic
def decide_extension(
    request: ExtensionRequest, *, by: User, approve: bool, note: str = ""
) -> ExtensionRequest:
    """同意/驳回延期: the dispatching centre decides; approval moves the resolve deadline."""
    # The case first, then the request: the order of every action that moves the case and lets
    # its pending requests lapse (``_lapse_extensions``); the other order can deadlock.
    case = _lock(Case(pk=request.case_id))
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    centre = case.dispatcher_unit or case.current_unit
    unit = permissions.require(by, centre, permissions.CENTRE_ROLES, _("审批延期"))
    if request.state == ExtensionRequest.State.LAPSED:
        raise NotAllowed(_("该延期申请已失效：事件已转出、办结或合并。"))
    if request.state != ExtensionRequest.State.PENDING:
        raise NotAllowed(_("该延期申请已经审批。"))
    _require_status(case, [Status.IN_PROGRESS, Status.DISPATCHED], _("审批延期"))
    now = timezone.now()
    request.state = ExtensionRequest.State.APPROVED if approve else ExtensionRequest.State.DENIED
    request.decided_by, request.decided_at = by, now
    request.save()
    if approve:
        base = max(case.resolve_due_at or now, now)
        case.resolve_due_at = deadlines.deadline(base, request.days, "days")
        deadlines.set_due(case, case.resolve_due_at, now)
        case.save()
    record(
        case,
        Action.APPROVE_EXTENSION if approve else Action.DENY_EXTENSION,
        by=by,
        unit=unit,
        from_status=case.status,
        from_unit=case.current_unit,
        note=_text(note, _("说明"), required=False),
        data={"request": request.pk},
    )
    decided = gettext_noop("延期申请已同意") if approve else gettext_noop("延期申请被驳回")
    _notify_unit(case, request.unit, system_note(decided))
    return request


@transaction.atomic
def suspend(case: Case, *, by: User, reason: str) -> Case:
    """挂起: the clock stops (e.g. waiting for a court or an expert); paused time is not counted."""
    case = _lock(case)
    centre = case.dispatcher_unit or case.current_unit
    unit = permissions.require(by, centre, permissions.CENTRE_ROLES, _("挂起"))
    _require_status(case, OPEN_STATUSES, _("挂起"))
    before, now = case.status, timezone.now()
    case.suspended_status, case.status, case.suspended_at = case.status, Status.SUSPENDED, now
    deadlines.set_due(case, None, now)
    case.save()
    record(
        case,
        Action.SUSPEND,
        by=by,
        unit=unit,
        from_status=before,
        from_unit=case.current_unit,
        note=_text(reason, _("挂起理由"), max_length=500),
        public=True,
    )
    return case


@transaction.atomic
def resume(case: Case, *, by: User, note: str = "") -> Case:
    """恢复办理: deadlines move later by the working time spent suspended."""
    case = _lock(case)
    centre = case.dispatcher_unit or case.current_unit
    unit = permissions.require(by, centre, permissions.CENTRE_ROLES, _("恢复办理"))
    _require_status(case, [Status.SUSPENDED], _("恢复办理"))
    now = timezone.now()
    paused = deadlines.calendar().working_seconds_between(case.suspended_at or now, now)
    case.accept_due_at = deadlines.shift(case.accept_due_at, paused)
    case.resolve_due_at = deadlines.shift(case.resolve_due_at, paused)
    case.status, case.suspended_status = case.suspended_status, ""
    case.suspended_at = None
    running = case.accept_due_at if case.status == Status.SUBMITTED else case.resolve_due_at
    deadlines.set_due(case, running, now)
    case.save()
    record(
        case,
        Action.RESUME,
        by=by,
        unit=unit,
        from_status=Status.SUSPENDED,
        from_unit=case.current_unit,
        note=_text(note, _("说明"), required=False),
        data={"paused_working_seconds": round(paused)},
        public=True,
    )
    return case


@transaction.atomic
def return_case(case: Case, *, by: User, reason: str) -> Case:
    """退回: the handling unit sends a wrongly routed case back to the centre that sent it."""
    case = _lock(case)
    unit = permissions.require(by, case.current_unit, permissions.HANDLING_ROLES, _("退回"))
    _require_status(case, [Status.DISPATCHED, Status.IN_PROGRESS], _("退回"))
    if case.dispatcher_unit is None or case.dispatcher_unit_id == unit.pk:
        raise NotAllowed(_("本单位自办的事件不能退回，请上报或交办。"))
    before = case.status
    _move(case, case.dispatcher_unit, Status.ACCEPTED)
    case.dispatcher_unit = None
    case.save()
    record(
        case,
        Action.RETURN,
        by=by,
        unit=unit,
        from_status=before,
        from_unit=unit,
        note=_text(reason, _("退回理由"), max_length=500),
    )
    _notify_unit(case, case.current_unit, system_note(gettext_noop("事件被退回，请重新交办")))
    return case


def _escalate(
    case: Case, *, by: User | None, unit: Unit | None, note: str | SystemNote, auto: bool
) -> Case:
    target = centre_above(case.current_unit, case.region_path)
    if target is None:
        raise NotAllowed(_("已是最高层级，无法再上报。"))
    before, from_unit, now = case.status, case.current_unit, timezone.now()
    # A case never accepted (the sweep escalates one overdue for acceptance) arrives to be
    # accepted (待受理) above, where accepting it starts its resolve clock; as "accepted" it had
    # no resolve deadline and kept the missed acceptance deadline as its due date.
    _move(case, target, Status.SUBMITTED if before == Status.SUBMITTED else Status.ACCEPTED)
    case.dispatcher_unit = None
    case.escalations += 1
    if auto:
        case.auto_escalated_at = now
    case.save()
    record(
        case,
        Action.ESCALATE,
        by=by,
        unit=unit,
        from_status=before,
        from_unit=from_unit,
        note=note,
        data={"automatic": auto},
        public=True,
    )
    _notify_unit(case, target, system_note(gettext_noop("下级上报事件，请处理")))
    return case


@transaction.atomic
def escalate(case: Case, *, by: User, reason: str) -> Case:
    """上报: the centre or unit holding the case passes it to the centre one tier above."""
    case = _lock(case)
    unit = permissions.require(by, case.current_unit, permissions.CENTRE_ROLES, _("上报上级"))
    _require_status(case, [Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS], _("上报上级"))
    return _escalate(
        case, by=by, unit=unit, note=_text(reason, _("上报理由"), max_length=500), auto=False
    )


@transaction.atomic
def auto_escalate(case: Case, *, note: str | SystemNote) -> Case:
    """Escalation by the deadline sweep (no person acts); marks the case even at the top tier."""
    case = _lock(case)
    if case.status not in OPEN_STATUSES or case.auto_escalated_at is not None:
        return case
    try:
        return _escalate(case, by=None, unit=None, note=note, auto=True)
    except NotAllowed:
        case.auto_escalated_at = timezone.now()
        case.save(update_fields=["auto_escalated_at", "updated_at"])
        _notify_unit(case, case.current_unit, system_note(gettext_noop("事件严重超期，请尽快办理")))
        return case


@transaction.atomic
def assign_down(case: Case, *, by: User, to_unit: Unit, note: str = "") -> Case:
    """下派: a centre passes a case to a lower-tier centre whose jurisdiction covers it."""
    case = _lock(case)
    unit = permissions.require(by, case.current_unit, permissions.CENTRE_ROLES, _("下派"))
    _require_status(case, [Status.ACCEPTED], _("下派"))
    covers = case.region_path.startswith(to_unit.jurisdiction.path)
    if to_unit.kind != "centre" or tier_rank(to_unit.tier) >= tier_rank(unit.tier) or not covers:
        raise InvalidInput(_("只能下派给辖区覆盖该事件的下级综治中心。"))
    before = case.status
    _move(case, to_unit, Status.ACCEPTED)
    case.dispatcher_unit = None
    case.save()
    record(
        case,
        Action.ASSIGN_DOWN,
        by=by,
        unit=unit,
        from_status=before,
        from_unit=unit,
        note=_text(note, _("说明"), required=False),
        public=True,
    )
    _notify_unit(case, to_unit, system_note(gettext_noop("上级下派事件，请处理")))
    return case


@transaction.atomic
def supervise(case: Case, *, by: User, card: str, note: str) -> Supervision:
    """督办: a centre above the handling unit urges it with a yellow or red card."""
    case = _lock(case)
    unit = permissions.supervising_unit(by, case)
    if unit is None and not by.is_superuser:
        raise NotPermitted(_("只有上级综治中心的领导或受理员可以督办。"))
    _require_status(case, [*OPEN_STATUSES, Status.SUSPENDED], _("督办"))
    if card not in Card.values:
        raise InvalidInput(_("督办等级须为黄牌或红牌。"))
    by_unit = unit or case.current_unit
    supervision = Supervision.objects.create(
        case=case,
        card=card,
        by_unit=by_unit,
        target_unit=case.current_unit,
        by_user=by,
        note=_text(note, _("督办意见"), max_length=1000),
        created_at=timezone.now(),
    )
    record(
        case,
        Action.SUPERVISE,
        by=by,
        unit=by_unit,
        from_status=case.status,
        from_unit=case.current_unit,
        note=supervision.note,
        data={"card": card},
    )
    _notify_unit(case, case.current_unit, notes.label_note(Card(card).label))
    return supervision


@transaction.atomic
def resolve(case: Case, *, by: User, outcome: str | SystemNote) -> Case:
    """办结: the handling unit reports the outcome; the dispatching centre verifies next."""
    case = _lock(case)
    unit = permissions.require(by, case.current_unit, permissions.HANDLING_ROLES, _("办结"))
    _require_status(case, [Status.IN_PROGRESS], _("办结"))
    before, now = case.status, timezone.now()
    case.status, case.outcome, case.resolved_at = (
        Status.RESOLVED,
        _text(
            outcome.stored_text() if isinstance(outcome, SystemNote) else outcome,
            _("办理结果"),
            max_length=5000,
        ),
        now,
    )
    case.resolved_tier, case.resolved_unit = unit.tier, unit
    deadlines.set_due(case, None, now)
    case.save()
    _lapse_extensions(case)
    record(
        case,
        Action.RESOLVE,
        by=by,
        unit=unit,
        from_status=before,
        from_unit=unit,
        note=outcome if isinstance(outcome, SystemNote) else case.outcome,
        public=True,
    )
    if case.dispatcher_unit and case.dispatcher_unit_id != unit.pk:
        _notify_unit(case, case.dispatcher_unit, system_note(gettext_noop("已办结，请核查")))
    return case


@transaction.atomic
def verify(case: Case, *, by: User, passed: bool, note: str = "") -> Case:
    """核查: the centre that dispatched the case closes it (结案) or sends it back."""
    case = _lock(case)
    centre = case.dispatcher_unit or case.current_unit
    unit = permissions.require(by, centre, permissions.CENTRE_ROLES, _("核查结案"))
    _require_status(case, [Status.RESOLVED], _("核查结案"))
    before, now = case.status, timezone.now()
    if passed:
        case.status, case.closed_at = Status.CLOSED, now
        c = case.category
        case.follow_up_due_at = deadlines.deadline(now, c.follow_up_within, c.follow_up_unit)
        deadlines.set_due(case, case.follow_up_due_at, now)
    else:
        case.status = Status.IN_PROGRESS
        case.resolved_at, case.resolved_tier, case.resolved_unit = None, "", None
        deadlines.set_due(case, case.resolve_due_at, now)
    case.save()
    note = _text(note, _("核查意见"), required=not passed, max_length=1000)
    record(
        case,
        Action.CLOSE if passed else Action.VERIFY_FAIL,
        by=by,
        unit=unit,
        from_status=before,
        from_unit=case.current_unit,
        note=note,
        public=passed,
    )
    if passed:
        notify_reporter(
            case, system_note(gettext_noop("已办结。办理结果：%(outcome)s"), outcome=case.outcome)
        )
    else:
        _notify_unit(case, case.current_unit, system_note(gettext_noop("核查未通过，请继续办理")))
    return case


def _may_reopen(by: User, case: Case) -> Unit | None:
    if case.reporter_id is not None and case.reporter_id == by.pk:
        return None
    centre = case.dispatcher_unit or case.current_unit
    return permissions.require(by, centre, permissions.CENTRE_ROLES, _("重新办理"))


@transaction.atomic
def reopen(case: Case, *, by: User | None, reason: str, by_reporter: bool = False) -> Case:
    """重新办理: the reporter (an account, or the tracking-code holder when ``by_reporter``) or
    the closing centre reopens a closed, resolved or rejected case."""
    case = _lock(case)
    unit = None if by_reporter else _may_reopen(_need_user(by), case)
    _require_status(case, [Status.CLOSED, Status.RESOLVED, Status.REJECTED], _("重新办理"))
    reason = _text(reason, _("重新办理理由"), max_length=500)
    before, now = case.status, timezone.now()
    centre = case.dispatcher_unit or case.current_unit
    _move(case, centre, Status.ACCEPTED)
    case.dispatcher_unit = None
    case.reopened += 1
    case.closed_at = case.resolved_at = case.followed_up_at = case.rated_at = None
    case.resolved_tier, case.resolved_unit, case.rating, case.rating_comment = "", None, "", ""
    case.follow_up_due_at, case.follow_up_satisfied = None, None
    c = case.category
    case.resolve_due_at = deadlines.deadline(now, c.resolve_within, c.resolve_unit)
    deadlines.set_due(case, case.resolve_due_at, now)
    case.save()
    record(
        case,
        Action.REOPEN,
        by=by,
        unit=unit,
        from_status=before,
        from_unit=centre,
        note=reason,
        public=True,
        data={"by_reporter": unit is None},
    )
    _notify_unit(case, centre, system_note(gettext_noop("事件被重新打开，请处理")))
    return case


def _need_user(by: User | None) -> User:
    if by is None:
        raise NotPermitted(_("请先登录。"))
    return by


@transaction.atomic
def follow_up(case: Case, *, by: User, satisfied: bool, note: str) -> Case:
    """回访: the centre calls or visits the reporter after closing and records the result."""
    case = _lock(case)
    centre = case.dispatcher_unit or case.current_unit
    unit = permissions.require(by, centre, permissions.CENTRE_ROLES, _("回访"))
    _require_status(case, [Status.CLOSED], _("回访"))
    if case.followed_up_at is not None:
        raise NotAllowed(_("该事件已经回访。"))
    now = timezone.now()
    case.followed_up_at, case.follow_up_satisfied = now, bool(satisfied)
    case.follow_up_note = _text(note, _("回访记录"), max_length=1000)
    deadlines.set_due(case, None, now)
    case.save()
    record(
        case,
        Action.FOLLOW_UP,
        by=by,
        unit=unit,
        from_status=case.status,
        from_unit=centre,
        note=case.follow_up_note,
        data={"satisfied": bool(satisfied)},
    )
    return case


@transaction.atomic
def rate(
    case: Case, *, by: User | None, rating: str, comment: str = "", by_reporter: bool = False
) -> Case:
    """评价: the reporter rates the outcome (满意 / 基本满意 / 不满意) once per closing."""
    case = _lock(case)
    if not by_reporter and (by is None or case.reporter_id != by.pk):
        raise NotPermitted(_("只有上报人可以评价。"))
    _require_status(case, [Status.CLOSED, Status.RESOLVED], _("评价"))
    if case.rating:
        raise NotAllowed(_("已经评价过了。"))
    if rating not in Rating.values:
        raise InvalidInput(_("评价须为满意、基本满意或不满意。"))
    case.rating, case.rated_at = rating, timezone.now()
    case.rating_comment = _text(comment, _("评价意见"), required=False, max_length=500)
    case.save()
    record(
        case,
        Action.RATE,
        by=by,
        unit=None,
        from_status=case.status,
        from_unit=case.current_unit,
        note=case.rating_comment,
        data={"rating": rating},
        public=True,
    )
    return case


@transaction.atomic
def merge(duplicate: Case, *, into: Case, by: User, note: str | SystemNote = "") -> Case:
    """合并: a duplicate report joins the case it repeats; both timelines are kept."""
    if duplicate.pk == into.pk:
        raise InvalidInput(_("不能与自身合并。"))
    first, second = sorted([duplicate, into], key=lambda c: c.pk)  # lock in id order: no deadlock
    _lock(first)
    _lock(second)
    duplicate, into = _lock(duplicate), _lock(into)
    unit = permissions.require(by, duplicate.current_unit, permissions.CENTRE_ROLES, _("合并"))
    _require_status(duplicate, [Status.SUBMITTED, *OPEN_STATUSES], _("合并"))
    if (into.status in FINAL_STATUSES and into.status != Status.CLOSED) or into.merged_into_id:
        raise NotAllowed(_("目标事件 %(n)s 已不予受理或已被合并。") % {"n": into.number})
    before = duplicate.status
    duplicate.status, duplicate.merged_into = Status.MERGED, into
    deadlines.set_due(duplicate, None, timezone.now())
    duplicate.save()
    _lapse_extensions(duplicate)
    if not isinstance(note, SystemNote):
        note = _text(note, _("说明"), required=False)
    record(
        duplicate,
        Action.MERGE,
        by=by,
        unit=unit,
        from_status=before,
        from_unit=duplicate.current_unit,
        note=note,
        data={"into": into.number},
        public=True,
    )
    record(
        into,
        Action.MERGED_IN,
        by=by,
        unit=unit,
        from_status=into.status,
        from_unit=into.current_unit,
        note=note,
        data={"duplicate": duplicate.number},
    )
    merged = gettext_noop("与事件 %(n)s 反映的是同一问题，已合并办理。")
    notify_reporter(duplicate, system_note(merged, n=into.number))
    return duplicate


def add_attachment(case: Case, *, data: bytes, filename: str, by: User | None) -> Attachment:
    """附件: check a file by its content (images re-encoded, EXIF and location stripped), store
    it, and note it on the timeline. The reporter (``by=None`` on the public pages) or anyone
    working on the case may attach; the file is written first and removed if the row fails."""
    try:
        checked = check_upload(data, filename)
    except UploadRejected as exc:
        raise InvalidInput(exc.message_zh) from exc
    stored = f"{uuid.uuid4().hex}{checked.extension}"
    attachment = Attachment(
        case=case,
        stored_name=stored,
        original_name=checked.original_name,
        content_type=checked.content_type,
        kind=checked.kind,
        size=len(checked.data),
        uploaded_by=by,
    )
    attachment.file.save(stored, ContentFile(checked.data), save=False)
    try:
        with transaction.atomic():
            locked = _lock(case)
            if locked.status in FINAL_STATUSES and locked.status != Status.CLOSED:
                raise NotAllowed(_("该事件已不予受理或已合并，不能再添加附件。"))
            if locked.attachments.count() >= MAX_ATTACHMENTS:
                raise NotAllowed(_("每个事件最多 %(n)d 个附件。") % {"n": MAX_ATTACHMENTS})
            attachment.save()
            record(
                locked,
                Action.ATTACH,
                by=by,
                unit=None,
                from_status=locked.status,
                from_unit=locked.current_unit,
                note=checked.original_name,
                data={"attachment": attachment.pk, "kind": checked.kind},
            )
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment
