"""Factories for mediation tests: a street mediation committee with two mediators, a tribunal,
and a neighbour dispute dispatched from the community centre to the committee."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from fengqiao.accounts.models import Membership, Role, Tier, Unit, UnitKind, User
from fengqiao.cases import actions as case_actions
from fengqiao.cases.models import Case, Party
from fengqiao.cases.tests.factories import make_case
from fengqiao.conftest import Personas, make_user
from fengqiao.mediation import actions
from fengqiao.mediation.choices import OrgKind
from fengqiao.mediation.models import Mediation, MediationOrg, Session

# Valid identifiers (check characters computed by GB 11643 / GB 32100).
APPLICANT_ID = "430203199001011248"
RESPONDENT_ID = "11010519491231002X"
CREDIT_CODE = "91350100M000100Y43"


@dataclass
class Mediators:
    org: MediationOrg
    mediator: User
    second: User
    leader: User
    tribunal: Unit
    judge: User


def make_mediators(p: Personas) -> Mediators:
    street = p.units["street"]
    committee = Unit.objects.create(
        code="street1-tiaowei",
        name="第1街道人民调解委员会",
        kind=UnitKind.MEDIATION,
        tier=Tier.STREET,
        jurisdiction=street.jurisdiction,
        parent=street,
    )
    org = MediationOrg.objects.create(unit=committee, kind=OrgKind.STREET, address="第1街道12号")
    people = {name: make_user(name) for name in ("mediator", "second", "leader", "judge")}
    for name in ("mediator", "second"):
        Membership.objects.create(user=people[name], unit=committee, role=Role.MEDIATOR)
    Membership.objects.create(user=people["leader"], unit=committee, role=Role.LEADER)
    tribunal = Unit.objects.create(
        code="fating",
        name="人民法庭",
        kind=UnitKind.TRIBUNAL,
        tier=Tier.DISTRICT,
        jurisdiction=p.units["district"].jurisdiction,
    )
    Membership.objects.create(user=people["judge"], unit=tribunal, role=Role.MEDIATOR)
    return Mediators(org=org, tribunal=tribunal, **people)


def dispute_at_committee(p: Personas, m: Mediators, **overrides: Any) -> Case:
    """A neighbour dispute accepted by the community centre and dispatched to the committee,
    with an applicant and a respondent."""
    case = make_case(**overrides)
    case = case_actions.accept(case, by=p.community_operator)
    case = case_actions.dispatch(case, by=p.community_operator, to_unit=m.org.unit)
    actions.save_party(
        case,
        actions.PartyInput(
            role=Party.Role.APPLICANT,
            party_type=Party.Type.PERSON,
            name="李四",
            phone="138 1234 5678",
            id_number=APPLICANT_ID,
            address="3栋402",
        ),
        by=p.community_operator,
    )
    actions.save_party(
        case,
        actions.PartyInput(
            role=Party.Role.RESPONDENT,
            party_type=Party.Type.PERSON,
            name="王五",
            phone="0731-22881234",
            id_number=RESPONDENT_ID,
            address="3栋502",
        ),
        by=p.community_operator,
    )
    return case


def started(p: Personas, m: Mediators, **overrides: Any) -> Mediation:
    case = dispute_at_committee(p, m, **overrides)
    return actions.start_mediation(
        case,
        by=m.mediator,
        org=m.org,
        mediators=[m.mediator, m.second],
        request="请求被申请人修复防水层并赔偿损失",
        facts="502卫生间漏水，致402天花板渗水发霉。",
        applied_at=timezone.now() - timedelta(days=1),
    )


def add_session(mediation: Mediation, m: Mediators) -> Session:
    return actions.record_session(
        mediation,
        by=m.mediator,
        held_at=timezone.now() - timedelta(minutes=30),
        place="社区调解室",
        attendees="李四、王五、调解员",
        summary="双方陈述，王五同意维修。",
        next_steps="一周内商定赔偿数额",
    )


def agree(mediation: Mediation, m: Mediators, due: date | None = None) -> Mediation:
    return actions.conclude(
        mediation,
        by=m.mediator,
        outcome="agreement",
        agreement=actions.AgreementInput(
            terms="一、王五于十日内修复502卫生间防水层；二、王五赔偿李四损失800元。",
            performance_due=due or timezone.localdate() + timedelta(days=10),
            performance_method="现金支付，调解员见证",
        ),
    )


def with_session(p: Personas, m: Mediators, **overrides: Any) -> Mediation:
    mediation = started(p, m, **overrides)
    add_session(mediation, m)
    return mediation


def agreed(p: Personas, m: Mediators, due: date | None = None, **overrides: Any) -> Mediation:
    mediation = with_session(p, m, **overrides)
    return agree(mediation, m, due)
