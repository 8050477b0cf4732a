"""Demo disputes for the mediation workbench, one at each stage, all through the real actions.

``make demo`` runs it after the case history: in the first community of 学林街道, five
disputes are dispatched to the 学林街道人民调解委员会 (login ``xuelin_tiaojie``):

* neighbours (邻里): waiting for the mediation to start;
* wage arrears (欠薪): mediation under way, one session, escalation risk confirmed high;
* property management (物业): agreement reached, performance check due (履行回访);
* land (土地): no agreement, referred to the people's tribunal (login ``fating_faguan``), which
  has yet to accept it;
* marriage and family (婚姻家庭): agreement performed, judicial confirmation granted.

Parties have synthetic names and valid synthetic ID numbers (check characters computed) and
phone numbers from the 1380000xxxx block.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from fengqiao.accounts.models import Membership, Role, Unit, User
from fengqiao.cases import actions as case_actions
from fengqiao.cases.intake import submit
from fengqiao.cases.models import Case, Party
from fengqiao.lib.identity import id_check_char
from fengqiao.mediation import actions
from fengqiao.mediation.choices import OrgKind
from fengqiao.mediation.models import Mediation, MediationOrg
from fengqiao.regions.actions import boundary_of
from fengqiao.regions.models import Region

COMMITTEE = "xuelin-tiaowei"
COMMUNITY_CENTRE = "xuelin01-zongzhi"
TRIBUNAL = "fating"


@dataclass(frozen=True)
class Dispute:
    category: str
    title: str
    description: str
    applicant: tuple[str, str]  # name, birth date YYYYMMDD
    respondent: tuple[str, str]  # name, birth date, or "" for an organisation
    organisation: bool = False
    people: int = 2


DISPUTES = {
    "neighbour": Dispute(
        "dispute-neighbour",
        "楼上空调外机噪音扰民",
        "5栋301住户反映楼上401空调外机夜间噪音大，多次协商未果，请求调解。",
        ("周桂兰", "19620314"),
        ("吴建国", "19781102"),
    ),
    "wages": Dispute(
        "dispute-wages",
        "装修班组12名工人讨要工资",
        "某装修公司拖欠12名工人工资共计8.6万元，工人聚集在项目部讨薪，情绪激动。",
        ("刘志强", "19850721"),
        ("株洲某装饰工程有限公司", ""),
        organisation=True,
        people=12,
    ),
    "property": Dispute(
        "dispute-property",
        "业主与物业因地下室渗水赔偿发生争议",
        "8栋业主地下室储藏间渗水，物品受损，要求物业赔偿；物业认为系业主自行改造所致。",
        ("陈晓燕", "19900508"),
        ("某物业服务有限公司", ""),
        organisation=True,
    ),
    "land": Dispute(
        "dispute-land",
        "两户村民因承包地边界发生争执",
        "两户村民对相邻承包地边界认识不一，一方已砌矮墙，另一方要求拆除。",
        ("李德明", "19580912"),
        ("李德华", "19600130"),
    ),
    "family": Dispute(
        "dispute-family",
        "子女赡养费分担纠纷",
        "老人82岁，三名子女对赡养费分担有争议，老人请求社区调解。",
        ("赵秀英", "19440618"),
        ("赵卫东", "19700925"),
    ),
}


def _id(birth: str, serial: int) -> str:
    first17 = f"430203{birth}{serial:03d}"
    return first17 + id_check_char(first17)


def _operator(unit: Unit) -> User:
    membership = (
        Membership.objects.filter(unit=unit, role__in=[Role.OPERATOR, Role.LEADER])
        .select_related("user")
        .order_by("role", "user__username")
        .first()
    )
    if membership is None:
        raise LookupError(f"no operator in {unit.code}")
    return membership.user


def _case(d: Dispute, grid: Region, committee: Unit, serial: int) -> Case:
    now = timezone.now()
    boundary = boundary_of(grid)
    if boundary is None:
        raise LookupError(f"grid {grid.code} has no boundary")
    point = boundary.representative_point()
    case = submit(
        category=d.category,
        title=d.title,
        description=d.description,
        occurred_at=now - timedelta(days=6),
        channel="walk_in",
        lon=point.x,
        lat=point.y,
        address=grid.name,
        people_involved=d.people,
        reporter_name=d.applicant[0],
        reporter_phone=f"1380000{serial:04d}",
    )
    centre = _operator(case.current_unit)
    case = case_actions.accept(case, by=centre)
    case = case_actions.dispatch(case, by=centre, to_unit=committee, note="请调委会组织调解")
    respondent_id = "" if d.organisation else _id(d.respondent[1], serial + 1)
    for role, name, number, kind in (
        (Party.Role.APPLICANT, d.applicant[0], _id(d.applicant[1], serial), Party.Type.PERSON),
        (
            Party.Role.RESPONDENT,
            d.respondent[0],
            respondent_id,
            Party.Type.ORGANISATION if d.organisation else Party.Type.PERSON,
        ),
    ):
        actions.save_party(
            case,
            actions.PartyInput(
                role=role,
                party_type=kind,
                name=name,
                phone=f"1380000{serial + (role == Party.Role.RESPONDENT):04d}",
                id_number=number,
                address=grid.name,
            ),
            by=centre,
        )
    return case


def _start(case: Case, org: MediationOrg, mediator: User, d: Dispute) -> Mediation:
    return actions.start_mediation(
        case,
        by=mediator,
        org=org,
        mediators=[mediator],
        request=f"请求依法调解：{d.title}",
        facts=d.description,
        applied_at=timezone.now() - timedelta(days=5),
    )


def _session(mediation: Mediation, mediator: User, summary: str, days_ago: int) -> None:
    actions.record_session(
        mediation,
        by=mediator,
        held_at=timezone.now() - timedelta(days=days_ago),
        place="学林街道人民调解委员会调解室",
        attendees="申请人、被申请人、调解员",
        summary=summary,
        next_steps="",
    )


def _agree(mediation: Mediation, mediator: User, terms: str, days: int) -> Mediation:
    return actions.conclude(
        mediation,
        by=mediator,
        outcome="agreement",
        agreement=actions.AgreementInput(
            terms=terms,
            performance_due=timezone.localdate() + timedelta(days=days),
            performance_method="当面交付，调解员见证",
        ),
    )


def load_disputes() -> list[Case]:
    """Create the five demo disputes and return their cases. Needs the demo district's units."""
    committee = Unit.objects.get(code=COMMITTEE)
    org = MediationOrg.objects.get(unit=committee)
    mediator = (
        Membership.objects.filter(unit=committee, role=Role.MEDIATOR).select_related("user").first()
    )
    if mediator is None:
        raise LookupError(f"no mediator in {COMMITTEE}")
    me = mediator.user
    community = Unit.objects.get(code=COMMUNITY_CENTRE).jurisdiction
    grid = Region.objects.filter(parent=community).order_by("code").first() or community
    cases = {
        key: _case(d, grid, committee, 100 + 10 * i) for i, (key, d) in enumerate(DISPUTES.items())
    }

    wages = _start(cases["wages"], org, me, DISPUTES["wages"])
    _session(wages, me, "公司负责人到场，承认欠薪，提出分期支付，工人要求一次付清。", 2)
    actions.assess_risk(
        cases["wages"],
        by=me,
        level="high",
        reasons=["many_people", "wage_arrears"],
        note="12名工人聚集，春节前须化解。",
    )

    prop = _start(cases["property"], org, me, DISPUTES["property"])
    _session(prop, me, "现场查看渗水点，物业同意承担维修并部分赔偿。", 3)
    _agree(
        prop, me, "一、物业公司于十日内修复地下室防水；\n二、物业公司补偿业主物品损失1500元。", 10
    )

    land = _start(cases["land"], org, me, DISPUTES["land"])
    _session(land, me, "双方对边界各执一词，均不同意对方方案。", 3)
    tribunal = Unit.objects.get(code=TRIBUNAL)
    actions.conclude(
        land,
        by=me,
        outcome="referred",
        note="双方分歧大，引导至法庭诉前调解",
        referral=actions.ReferralInput("litigation", tribunal, "承包地边界争议，建议诉前调解"),
    )

    family = _start(cases["family"], org, me, DISPUTES["family"])
    _session(family, me, "三名子女到场，同意按月分担赡养费。", 4)
    family = _agree(
        family,
        me,
        "一、赵卫东等三名子女每人每月支付赡养费800元，于每月5日前交付；\n二、老人医疗费用三人均摊。",
        0,
    )
    actions.check_performance(family, by=me, performance="full", note="首月赡养费已按时交付")
    judge = _operator_or_mediator(tribunal)
    referral = actions.refer(
        family.case,
        actions.ReferralInput("judicial_confirmation", tribunal, "双方共同申请司法确认"),
        by=me,
        mediation=family,
    )
    actions.accept_referral(referral, by=judge)
    actions.complete_referral(referral, by=judge, outcome="confirmed", note="裁定调解协议有效")
    return [Case.objects.get(pk=c.pk) for c in cases.values()]


def _operator_or_mediator(unit: Unit) -> User:
    membership = Membership.objects.filter(unit=unit).select_related("user").first()
    if membership is None:
        raise LookupError(f"nobody in {unit.code}")
    return membership.user


def create_orgs() -> int:
    """A mediation organisation for every mediation committee and the justice office."""
    from fengqiao.accounts.models import UnitKind

    made = 0
    for unit in Unit.objects.filter(kind__in=[UnitKind.MEDIATION, UnitKind.JUSTICE]):
        kind = OrgKind.STREET if unit.kind == UnitKind.MEDIATION else OrgKind.OTHER
        if unit.tier == "community":
            kind = OrgKind.COMMUNITY
        _, created = MediationOrg.objects.get_or_create(unit=unit, defaults={"kind": kind})
        made += created
    return made
