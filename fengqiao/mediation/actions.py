"""Every state change of dispute resolution (多元化解), one function per action.

Like ``cases.actions``: each runs in one transaction, locks what it changes, checks the actor and
the state, writes, appends the case's timeline entry (``CaseEvent`` with action 调解, 分流移送 or
激化风险评估 and the sub-step in ``data["step"]``) and queues notifications delivered after
commit. A refused action raises a ``CaseError`` and writes nothing. Where the case itself moves
(taken on when mediation starts, resolved on agreement) the ``cases.actions`` function does it.

Party data (``save_party``, ``reveal_party``) lives here too: parties belong to disputes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fengqiao.accounts.models import Membership, Role, Unit, UnitKind, User
from fengqiao.cases import actions as case_actions
from fengqiao.cases.choices import Action, CaseKind, Status
from fengqiao.cases.errors import InvalidInput, NotAllowed, NotPermitted
from fengqiao.cases.models import Case, Party
from fengqiao.cases.permissions import HANDLING_ROLES, holds
from fengqiao.core import notes
from fengqiao.core.models import AuditEntry
from fengqiao.core.notes import SystemNote, Value, system_note, word, words
from fengqiao.lib import identity
from fengqiao.lib.masking import mask_name
from fengqiao.mediation import permissions, risk
from fengqiao.mediation.choices import (
    AgreementForm,
    MediationState,
    Outcome,
    Performance,
    ReferralKind,
    ReferralOutcome,
    ReferralState,
    RiskLevel,
    RiskReason,
)
from fengqiao.mediation.models import (
    Mediation,
    MediationNumber,
    MediationOrg,
    PerformanceCheck,
    Referral,
    RiskAssessment,
    Session,
)
from fengqiao.notifications.actions import queue_for_unit, queue_for_user

WORKING = (Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS)
MIN_REASON = 4  # a reveal reason of a word or two ("查看") says nothing; ask for a sentence


# Timeline notes of a risk assessment (激化风险评估), without and with the assessor's note.
ASSESSED = gettext_noop("激化风险：%(level)s（%(reasons)s；系统建议：%(suggested)s）")
ASSESSED_WITH_NOTE = gettext_noop(
    "激化风险：%(level)s（%(reasons)s；系统建议：%(suggested)s）。%(note)s"
)
NONE = gettext_noop("无")


def _text(value: str | None, field: str, *, required: bool = True, max_length: int = 1000) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("请填写%(field)s。") % {"field": field})
    if len(value) > max_length:
        raise InvalidInput(_("%(field)s不能超过 %(n)d 个字。") % {"field": field, "n": max_length})
    return value


def _event(
    case: Case,
    action: str,
    step: str,
    *,
    by: User,
    unit: Unit | None,
    note: str | SystemNote,
    data: dict[str, Any] | None = None,
    public: bool = False,
) -> None:
    case_actions.record(
        case,
        action,
        by=by,
        unit=unit,
        from_status=case.status,
        from_unit=case.current_unit,
        note=note,
        data={"step": step, **(data or {})},
        public=public,
    )


def _lock_case(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _lock_mediation(mediation: Mediation) -> Mediation:
    return Mediation.objects.select_for_update().select_related("org__unit").get(pk=mediation.pk)


def _require_open(mediation: Mediation, what: str) -> None:
    if not mediation.is_open:
        raise NotAllowed(
            _("调解 %(number)s 已终结，不能%(what)s。") % {"number": mediation.number, "what": what}
        )


# --- Parties (当事人) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyInput:
    role: str
    party_type: str
    name: str
    phone: str = ""
    id_number: str = ""
    address: str = ""


def clean_party(data: PartyInput) -> dict[str, str]:
    """Checked, normalised party fields; InvalidInput names the field that is wrong."""
    if data.role not in Party.Role.values:
        raise InvalidInput(_("当事人角色无效。"))
    if data.party_type not in Party.Type.values:
        raise InvalidInput(_("当事人类型无效。"))
    fields = {
        "role": data.role,
        "party_type": data.party_type,
        "name": _text(data.name, _("姓名/名称"), max_length=100),
        "address": _text(data.address, _("地址"), required=False, max_length=200),
        "phone": "",
        "id_number": "",
    }
    try:
        if data.phone.strip():
            fields["phone"] = identity.normalise_phone(data.phone)
        if data.id_number.strip():
            fields["id_number"] = (
                identity.normalise_id_number(data.id_number)
                if data.party_type == Party.Type.PERSON
                else identity.normalise_credit_code(data.id_number)
            )
    except identity.IdentifierError as exc:
        raise InvalidInput(exc.message) from exc
    return fields


def _may_edit_parties(user: User, case: Case) -> Unit:
    """The handling units, and the centre that dispatched the case (which took the report)."""
    units = permissions.handling_units(case)
    if case.dispatcher_unit is not None:
        units.append(case.dispatcher_unit)
    for unit in units:
        if holds(user, unit, HANDLING_ROLES - {Role.GRID_WORKER}):
            return unit
    raise NotPermitted(_("您没有权限登记事件 %(n)s 的当事人。") % {"n": case.number})


@transaction.atomic
def save_party(case: Case, data: PartyInput, *, by: User, party: Party | None = None) -> Party:
    """登记/修改当事人: add a party to a dispute, or correct one; contacts are validated."""
    case = _lock_case(case)
    unit = _may_edit_parties(by, case)
    if case.kind != CaseKind.DISPUTE:
        raise NotAllowed(_("只有矛盾纠纷类事件登记当事人。"))
    fields = clean_party(data)
    if party is None:
        party = Party.objects.create(case=case, **fields)
        step, what = "party_added", gettext_noop("登记当事人：%(role)s %(name)s")
    else:
        if party.case_id != case.pk:
            raise InvalidInput(_("当事人不属于该事件。"))
        for name, value in fields.items():
            setattr(party, name, value)
        party.save()
        step, what = "party_changed", gettext_noop("修改当事人：%(role)s %(name)s")
    _event(
        case,
        Action.MEDIATE,
        step,
        by=by,
        unit=unit,
        note=system_note(what, role=word(Party.Role(party.role).label), name=mask_name(party.name)),
        data={"party": party.pk},
    )
    return party


@dataclass(frozen=True)
class Revealed:
    name: str
    phone: str
    id_number: str


# The documents a mediation produces (调解文书), by the name used in URLs.
DOCUMENT_NAMES = {"application": "调解申请书", "agreement": "人民调解协议书", "record": "调解笔录"}


def export_document(
    mediation: Mediation,
    kind: str,
    *,
    by: User,
    session: Session | None = None,
    via: str = "web",
) -> bytes:
    """调解文书 as PDF: they carry the parties in full, so only those who may reveal the parties
    get them, and every download is written to the audit trail. Raises NotPermitted, or
    ``documents.DocumentError`` when the document does not exist yet (no agreement, say)."""
    from fengqiao.mediation import documents

    if kind not in DOCUMENT_NAMES or (kind == "record") != (session is not None):
        raise InvalidInput(_("未知的调解文书。"))
    if not permissions.may_reveal(by, mediation.case):
        raise NotPermitted(_("调解文书载有当事人完整信息，只有承办单位的调解员和领导可以下载。"))
    if kind == "application":
        body = documents.application_pdf(mediation)
    elif kind == "agreement":
        body = documents.agreement_pdf(mediation)
    else:
        assert session is not None
        body = documents.record_pdf(mediation, session)
    AuditEntry.objects.create(
        kind=AuditEntry.Kind.EXPORT,
        user=by,
        object_type="mediation.document",
        object_id=str(mediation.pk),
        reason=DOCUMENT_NAMES[kind],
        detail={
            "case": mediation.case.number,
            "document": kind,
            "session": session.pk if session else None,
            "via": via,
        },
    )
    return body


def reveal_party(party: Party, *, by: User, reason: str) -> Revealed:
    """查看当事人个人信息: the unmasked data, for a mediator or leader of the handling unit, with a
    reason; every reveal is written to the audit trail (who, when, which case, why)."""
    case = party.case
    if not permissions.may_reveal(by, case):
        raise NotPermitted(_("只有承办单位的调解员和领导可以查看当事人个人信息。"))
    reason = _text(reason, _("查看理由"), max_length=500)
    if len(reason) < MIN_REASON:
        raise InvalidInput(_("请具体说明查看理由（至少 %(n)d 个字）。") % {"n": MIN_REASON})
    AuditEntry.objects.create(
        kind=AuditEntry.Kind.REVEAL,
        user=by,
        object_type="cases.party",
        object_id=str(party.pk),
        reason=reason,
        detail={"case": case.number, "fields": ["name", "phone", "id_number"]},
    )
    return Revealed(name=party.name, phone=party.phone, id_number=party.id_number)


# --- Mediation (调解) ---------------------------------------------------------------------------


def _next_number(org: MediationOrg, year: int) -> str:
    counter, _created = MediationNumber.objects.select_for_update().get_or_create(
        org=org, year=year
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{org.unit.code}-{year}-{counter.last:04d}"


def _mediators(org: MediationOrg, users: Iterable[User]) -> list[User]:
    chosen = list({u.pk: u for u in users}.values())
    if not chosen:
        raise InvalidInput(_("请至少指定一名调解员。"))
    mediator_ids = set(
        Membership.objects.filter(
            unit=org.unit, role=Role.MEDIATOR, user__is_active=True
        ).values_list("user_id", flat=True)
    )
    for user in chosen:
        if user.pk not in mediator_ids:
            raise InvalidInput(
                _("%(user)s 不是%(org)s的调解员。") % {"user": user, "org": org.unit.name}
            )
    return chosen


@transaction.atomic
def start_mediation(
    case: Case,
    *,
    by: User,
    org: MediationOrg,
    mediators: Sequence[User],
    request: str,
    facts: str,
    applied_at: datetime | None = None,
) -> Mediation:
    """受理调解申请: the organisation holding a dispute opens a mediation and names its mediators;
    a case not yet taken on is taken on (签收) in the same transaction."""
    case = _lock_case(case)
    if not org.is_active:
        raise InvalidInput(_("该调解组织已停用。"))
    if not holds(by, org.unit, permissions.START_ROLES):
        raise NotPermitted(
            _("您不是%(org)s的调解员或负责人，不能受理调解。") % {"org": org.unit.name}
        )
    if case.kind != CaseKind.DISPUTE:
        raise NotAllowed(_("只有矛盾纠纷类事件可以调解。"))
    if case.current_unit_id != org.unit_id:
        raise NotAllowed(
            _("事件 %(n)s 目前由%(unit)s承办；请先交办给%(org)s再受理调解。")
            % {"n": case.number, "unit": case.current_unit.name, "org": org.unit.name}
        )
    if case.status not in WORKING:
        raise NotAllowed(
            _("事件 %(n)s 当前状态为“%(s)s”，不能受理调解。")
            % {"n": case.number, "s": case.get_status_display()}
        )
    if case.mediations.filter(state=MediationState.OPEN).exists():
        raise NotAllowed(_("事件 %(n)s 已有进行中的调解。") % {"n": case.number})
    if not case.parties.filter(role=Party.Role.APPLICANT).exists():
        raise InvalidInput(_("请先登记申请人。"))
    chosen = _mediators(org, mediators)
    request = _text(request, _("申请事项"), max_length=2000)
    facts = _text(facts, _("纠纷事实"), max_length=5000)
    now = timezone.now()
    applied_at = applied_at or now
    if applied_at > now:
        raise InvalidInput(_("申请时间不能晚于现在。"))
    if case.status != Status.IN_PROGRESS:
        case = case_actions.claim(case, by=by)
    mediation = Mediation.objects.create(
        case=case,
        number=_next_number(org, timezone.localtime(now).year),
        org=org,
        applied_at=applied_at,
        request=request,
        facts=facts,
        started_by=by,
        started_at=now,
    )
    mediation.mediators.set(chosen)
    names = "、".join(str(u) for u in chosen)
    _event(
        case,
        Action.MEDIATE,
        "started",
        by=by,
        unit=org.unit,
        note=system_note(
            gettext_noop("受理调解申请（%(org)s，调解员：%(names)s）"),
            org=org.unit.name,
            names=names,
        ),
        data={"mediation": mediation.pk, "number": mediation.number},
        public=True,
    )
    for user in chosen:
        if user.pk != by.pk:
            queue_for_user(
                user,
                notes.joined(case.number, system_note(gettext_noop("请您调解")), separator=" "),
                notes.joined(
                    case.title,
                    system_note(gettext_noop("调解案号：%(number)s"), number=mediation.number),
                ),
                case_id=case.pk,
            )
    return mediation


@transaction.atomic
def record_session(
    mediation: Mediation,
    *,
    by: User,
    held_at: datetime,
    place: str,
    attendees: str,
    summary: str,
    next_steps: str = "",
) -> Session:
    """调解笔录: one session, recorded by a mediator of the case."""
    mediation = _lock_mediation(mediation)
    permissions.require_mediator(by, mediation, _("记录调解"))
    _require_open(mediation, _("记录调解"))
    now = timezone.now()
    if held_at > now:
        raise InvalidInput(_("调解时间不能晚于现在（尚未进行的调解请记入下一步安排）。"))
    # Forms give minutes (datetime-local), so compare with the application's minute.
    if held_at < mediation.applied_at.replace(second=0, microsecond=0):
        raise InvalidInput(_("调解时间不能早于申请时间。"))
    session = Session.objects.create(
        mediation=mediation,
        held_at=held_at,
        place=_text(place, _("调解地点"), max_length=200),
        attendees=_text(attendees, _("参加人员"), max_length=500),
        summary=_text(summary, _("调解情况"), max_length=5000),
        next_steps=_text(next_steps, _("下一步安排"), required=False),
        recorded_by=by,
        created_at=now,
    )
    _event(
        mediation.case,
        Action.MEDIATE,
        "session",
        by=by,
        unit=mediation.org.unit,
        note=system_note(
            gettext_noop("调解（%(place)s）：%(summary)s"),
            place=session.place,
            summary=session.summary,
        ),
        data={"mediation": mediation.pk, "session": session.pk},
    )
    return session


@dataclass(frozen=True)
class AgreementInput:
    terms: str
    performance_due: date | None
    performance_method: str = ""
    form: str = AgreementForm.WRITTEN


@dataclass(frozen=True)
class ReferralInput:
    kind: str
    to_unit: Unit
    reason: str


@transaction.atomic
def conclude(
    mediation: Mediation,
    *,
    by: User,
    outcome: str,
    note: str = "",
    agreement: AgreementInput | None = None,
    referral: ReferralInput | None = None,
) -> Mediation:
    """调解终结: agreement (the case is resolved with the terms), no agreement (the case stays
    with the unit, which may refer it or hand it back), withdrawn (resolved as withdrawn) or
    referred (a referral is opened and the case resolved as passed on)."""
    mediation = _lock_mediation(mediation)
    permissions.require_mediator(by, mediation, _("终结调解"))
    _require_open(mediation, _("终结调解"))
    if outcome not in Outcome.values:
        raise InvalidInput(_("调解结果无效。"))
    case = mediation.case
    now = timezone.now()
    note = _text(note, _("结果说明"), required=outcome in (Outcome.NO_AGREEMENT,), max_length=2000)
    if outcome in (Outcome.AGREEMENT, Outcome.NO_AGREEMENT) and not mediation.sessions.exists():
        raise NotAllowed(_("请先记录至少一次调解（调解笔录）。"))
    if outcome == Outcome.AGREEMENT:
        if agreement is None:
            raise InvalidInput(_("调解成功须填写协议内容。"))
        _apply_agreement(mediation, agreement, today=timezone.localdate(now))
    elif agreement is not None and agreement.terms.strip():
        raise InvalidInput(_("只有调解成功才有协议内容。"))
    if outcome == Outcome.REFERRED and referral is None:
        raise InvalidInput(_("分流移送须选择移送类型和接收单位。"))
    mediation.state, mediation.outcome, mediation.outcome_note = (
        MediationState.CONCLUDED,
        outcome,
        note,
    )
    mediation.concluded_at = now
    mediation.save()
    label = word(Outcome(outcome).label)
    _event(
        case,
        Action.MEDIATE,
        "concluded",
        by=by,
        unit=mediation.org.unit,
        note=(
            system_note(gettext_noop("%(outcome)s：%(note)s"), outcome=label, note=note)
            if note
            else notes.label_note(Outcome(outcome).label)
        ),
        data={"mediation": mediation.pk, "outcome": outcome},
        public=True,
    )
    if outcome == Outcome.AGREEMENT:
        agreed = system_note(gettext_noop("调解成功，达成协议：%(t)s"), t=mediation.terms)
        case_actions.resolve(case, by=by, outcome=agreed)
    elif outcome == Outcome.WITHDRAWN:
        withdrawn = system_note(gettext_noop("当事人撤回调解申请。%(note)s"), note=note)
        case_actions.resolve(case, by=by, outcome=withdrawn)
    elif outcome == Outcome.REFERRED and referral is not None:
        made = _refer(case, mediation, referral, by=by, unit=mediation.org.unit)
        case_actions.resolve(
            case,
            by=by,
            outcome=system_note(
                gettext_noop("调解不成，已分流至%(unit)s（%(kind)s）。"),
                unit=made.to_unit.name,
                kind=word(ReferralKind(made.kind).label),
            ),
        )
    return mediation


def _apply_agreement(mediation: Mediation, agreement: AgreementInput, *, today: date) -> None:
    terms = _text(agreement.terms, _("协议内容"), max_length=5000)
    if agreement.form not in AgreementForm.values:
        raise InvalidInput(_("协议形式无效。"))
    if agreement.performance_due is None:
        raise InvalidInput(_("请填写履行期限（当场履行的填今天）。"))
    if agreement.performance_due < today:
        raise InvalidInput(_("履行期限不能早于今天。"))
    roles = set(mediation.case.parties.values_list("role", flat=True))
    if not {Party.Role.APPLICANT, Party.Role.RESPONDENT} <= roles:
        raise InvalidInput(_("调解协议须有申请人和被申请人，请先登记当事人。"))
    mediation.terms = terms
    mediation.agreement_form = agreement.form
    mediation.performance_due = agreement.performance_due
    mediation.performance_method = _text(
        agreement.performance_method, _("履行方式"), required=False, max_length=500
    )
    mediation.performance = Performance.PENDING


@transaction.atomic
def check_performance(
    mediation: Mediation, *, by: User, performance: str, note: str
) -> PerformanceCheck:
    """履行回访: a mediator of the case checks whether the agreement was carried out."""
    mediation = _lock_mediation(mediation)
    permissions.require_mediator(by, mediation, _("履行回访"))
    if mediation.outcome != Outcome.AGREEMENT:
        raise NotAllowed(_("只有达成协议的调解才需要履行回访。"))
    if performance not in (Performance.FULL, Performance.PARTIAL, Performance.NONE):
        raise InvalidInput(_("请选择履行情况。"))
    now = timezone.now()
    check = PerformanceCheck.objects.create(
        mediation=mediation,
        performance=performance,
        note=_text(note, _("回访记录")),
        checked_by=by,
        checked_at=now,
    )
    mediation.performance, mediation.performance_checked_at = performance, now
    mediation.save(update_fields=["performance", "performance_checked_at"])
    _event(
        mediation.case,
        Action.MEDIATE,
        "performance",
        by=by,
        unit=mediation.org.unit,
        note=system_note(
            gettext_noop("履行回访：%(performance)s。%(note)s"),
            performance=word(Performance(check.performance).label),
            note=check.note,
        ),
        data={"mediation": mediation.pk, "performance": performance},
        public=True,
    )
    return check


# --- Referrals (分流移送) -----------------------------------------------------------------------

# The receiving unit each kind needs, when it is fixed by law (courts decide these two).
REFERRAL_UNIT_KINDS = {
    ReferralKind.LITIGATION: {UnitKind.TRIBUNAL},
    ReferralKind.JUDICIAL_CONFIRMATION: {UnitKind.TRIBUNAL},
}


def _refer(
    case: Case, mediation: Mediation | None, data: ReferralInput, *, by: User, unit: Unit
) -> Referral:
    if data.kind not in ReferralKind.values:
        raise InvalidInput(_("移送类型无效。"))
    to_unit = data.to_unit
    if not to_unit.is_active or to_unit.pk == unit.pk:
        raise InvalidInput(_("请选择另一个启用中的接收单位。"))
    needed = REFERRAL_UNIT_KINDS.get(ReferralKind(data.kind))
    if needed and to_unit.kind not in needed:
        raise InvalidInput(_("%(kind)s须移送人民法庭。") % {"kind": ReferralKind(data.kind).label})
    if data.kind == ReferralKind.JUDICIAL_CONFIRMATION and (
        mediation is None
        or mediation.outcome != Outcome.AGREEMENT
        or mediation.agreement_form != AgreementForm.WRITTEN
    ):
        raise NotAllowed(_("只有达成书面调解协议的才能申请司法确认。"))
    open_same = case.referrals.filter(
        kind=data.kind, state__in=[ReferralState.PENDING, ReferralState.ACCEPTED]
    )
    if open_same.exists():
        raise NotAllowed(_("该事件已有同类移送在办理中。"))
    referral = Referral.objects.create(
        case=case,
        mediation=mediation,
        kind=data.kind,
        from_unit=unit,
        to_unit=to_unit,
        reason=_text(data.reason, _("移送理由")),
        referred_by=by,
        referred_at=timezone.now(),
    )
    _event(
        case,
        Action.REFER,
        "referred",
        by=by,
        unit=unit,
        note=system_note(
            gettext_noop("移送%(unit)s（%(kind)s）：%(reason)s"),
            unit=to_unit.name,
            kind=word(ReferralKind(referral.kind).label),
            reason=referral.reason,
        ),
        data={"referral": referral.pk, "kind": referral.kind, "to_unit": to_unit.pk},
        public=True,
    )
    queue_for_unit(
        to_unit,
        notes.joined(case.number, system_note(gettext_noop("分流移送，请接收")), separator=" "),
        notes.joined(
            case.title,
            system_note(
                gettext_noop("%(kind)s：%(reason)s"),
                kind=word(ReferralKind(referral.kind).label),
                reason=referral.reason,
            ),
        ),
        case_id=case.pk,
    )
    return referral


@transaction.atomic
def refer(
    case: Case, data: ReferralInput, *, by: User, mediation: Mediation | None = None
) -> Referral:
    """分流移送 outside a conclusion: judicial confirmation of an agreement, or a dispute the
    unit holding it passes to a court, arbitration, a department or letters and visits."""
    case = _lock_case(case)
    if mediation is not None:
        mediation = _lock_mediation(mediation)
        if mediation.case_id != case.pk:
            raise InvalidInput(_("调解不属于该事件。"))
        permissions.require_mediator(by, mediation, _("分流移送"))
        unit = mediation.org.unit
    else:
        if case.status not in WORKING:
            raise NotAllowed(
                _("事件 %(n)s 当前状态为“%(s)s”，不能分流移送。")
                % {"n": case.number, "s": case.get_status_display()}
            )
        if not holds(by, case.current_unit, HANDLING_ROLES - {Role.GRID_WORKER}):
            raise NotPermitted(
                _("您没有权限以“%(unit)s”的身份分流移送。") % {"unit": case.current_unit.name}
            )
        unit = case.current_unit
    return _refer(case, mediation, data, by=by, unit=unit)


def _lock_referral(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update()
        .select_related("to_unit", "from_unit")
        .get(pk=referral.pk)
    )


def _answerer(by: User, referral: Referral, what: str) -> None:
    if not permissions.may_answer(by, referral):
        raise NotPermitted(
            _("您不是%(unit)s的工作人员，不能%(what)s。")
            % {"unit": referral.to_unit.name, "what": what}
        )


def _require_referral_state(referral: Referral, state: str, what: str) -> None:
    if referral.state != state:
        raise NotAllowed(
            _("该移送当前为“%(s)s”，不能%(what)s。")
            % {"s": referral.get_state_display(), "what": what}
        )


@transaction.atomic
def accept_referral(referral: Referral, *, by: User, note: str = "") -> Referral:
    """接收: the receiving unit takes the referral on."""
    referral = _lock_referral(referral)
    _answerer(by, referral, _("接收移送"))
    _require_referral_state(referral, ReferralState.PENDING, _("接收"))
    referral.state, referral.answered_by, referral.answered_at = (
        ReferralState.ACCEPTED,
        by,
        timezone.now(),
    )
    referral.save()
    _event(
        referral.case,
        Action.REFER,
        "accepted",
        by=by,
        unit=referral.to_unit,
        note=system_note(
            gettext_noop("%(unit)s接收移送。%(note)s"),
            unit=referral.to_unit.name,
            note=_text(note, _("说明"), required=False),
        ),
        data={"referral": referral.pk},
        public=True,
    )
    return referral


@transaction.atomic
def return_referral(referral: Referral, *, by: User, reason: str) -> Referral:
    """退回: the receiving unit sends a referral back, with the reason."""
    referral = _lock_referral(referral)
    _answerer(by, referral, _("退回移送"))
    _require_referral_state(referral, ReferralState.PENDING, _("退回"))
    referral.return_reason = _text(reason, _("退回理由"))
    referral.state, referral.answered_by, referral.answered_at = (
        ReferralState.RETURNED,
        by,
        timezone.now(),
    )
    referral.save()
    _event(
        referral.case,
        Action.REFER,
        "returned",
        by=by,
        unit=referral.to_unit,
        note=system_note(
            gettext_noop("%(unit)s退回移送：%(reason)s"),
            unit=referral.to_unit.name,
            reason=referral.return_reason,
        ),
        data={"referral": referral.pk},
        public=True,
    )
    queue_for_unit(
        referral.from_unit,
        notes.joined(referral.case.number, system_note(gettext_noop("移送被退回")), separator=" "),
        referral.return_reason,
        case_id=referral.case_id,
    )
    return referral


@transaction.atomic
def complete_referral(referral: Referral, *, by: User, outcome: str, note: str) -> Referral:
    """办结: the receiving unit records how the referred dispute ended."""
    referral = _lock_referral(referral)
    _answerer(by, referral, _("登记移送结果"))
    _require_referral_state(referral, ReferralState.ACCEPTED, _("登记结果"))
    if outcome not in ReferralOutcome.values:
        raise InvalidInput(_("办理结果无效。"))
    if referral.kind == ReferralKind.JUDICIAL_CONFIRMATION and outcome not in (
        ReferralOutcome.CONFIRMED,
        ReferralOutcome.NOT_CONFIRMED,
        ReferralOutcome.WITHDRAWN,
    ):
        raise InvalidInput(_("司法确认的结果应为确认有效、不予确认或撤回。"))
    referral.outcome, referral.outcome_note = outcome, _text(note, _("结果说明"))
    referral.state, referral.done_at = ReferralState.DONE, timezone.now()
    referral.save()
    _event(
        referral.case,
        Action.REFER,
        "done",
        by=by,
        unit=referral.to_unit,
        note=system_note(
            gettext_noop("%(unit)s办结移送：%(outcome)s。%(note)s"),
            unit=referral.to_unit.name,
            outcome=word(ReferralOutcome(referral.outcome).label),
            note=referral.outcome_note,
        ),
        data={"referral": referral.pk, "outcome": outcome},
        public=True,
    )
    queue_for_unit(
        referral.from_unit,
        notes.joined(referral.case.number, system_note(gettext_noop("移送已办结")), separator=" "),
        referral.outcome_note,
        case_id=referral.case_id,
    )
    return referral


# --- Escalation risk (激化风险) -----------------------------------------------------------------


@transaction.atomic
def assess_risk(
    case: Case, *, by: User, level: str, reasons: Sequence[str], note: str = ""
) -> RiskAssessment:
    """激化风险评估: a person confirms (or changes) the suggested level and reasons; the
    suggestion is kept beside it, and a different level needs a note saying why."""
    case = _lock_case(case)
    if case.kind != CaseKind.DISPUTE:
        raise NotAllowed(_("只有矛盾纠纷类事件评估激化风险。"))
    unit = next(
        (u for u in permissions.handling_units(case) if holds(by, u, permissions.ANSWER_ROLES)),
        None,
    )
    if unit is None:
        raise NotPermitted(_("您没有权限评估事件 %(n)s 的激化风险。") % {"n": case.number})
    if level not in RiskLevel.values:
        raise InvalidInput(_("风险等级无效。"))
    unknown = [r for r in reasons if r not in RiskReason.values]
    if unknown:
        raise InvalidInput(_("风险因素无效：%(r)s") % {"r": "、".join(unknown)})
    suggestion = risk.suggest_for(case)
    note = _text(note, _("说明"), required=level != suggestion.level, max_length=1000)
    assessment = RiskAssessment.objects.create(
        case=case,
        suggested_level=suggestion.level,
        suggested_reasons=suggestion.evidence,
        level=level,
        reasons=sorted(set(reasons)),
        note=note,
        assessed_by=by,
        assessed_at=timezone.now(),
    )
    values: dict[str, Value] = {
        "level": word(RiskLevel(level).label),
        "reasons": words([RiskReason(r).label for r in assessment.reasons] or [NONE]),
        "suggested": word(RiskLevel(suggestion.level).label),
    }
    _event(
        case,
        Action.ASSESS_RISK,
        "assessed",
        by=by,
        unit=unit,
        note=(
            system_note(ASSESSED_WITH_NOTE, **values, note=note)
            if note
            else system_note(ASSESSED, **values)
        ),
        data={"assessment": assessment.pk, "level": level, "suggested": suggestion.level},
    )
    if level == RiskLevel.HIGH and case.dispatcher_unit_id and case.dispatcher_unit:
        queue_for_unit(
            case.dispatcher_unit,
            notes.joined(case.number, system_note(gettext_noop("高激化风险纠纷")), separator=" "),
            notes.joined(case.title, system_note("%(reasons)s", reasons=values["reasons"])),
            case_id=case.pk,
        )
    return assessment
