"""Builds the demo district (演示辖区) in the database: regions, units, people and logins.

The regions come from the shipped, generated fixture ``demo/data/district.geojson`` (synthetic
boundaries near the real 云龙示范区; see ``demo.generate``) through the same validated import that
real deployments use. Units and people are derived from the regions deterministically, so the
same logins exist after every ``make demo``. Nothing here reads ``../shared``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import transaction

from fengqiao.accounts.models import Membership, Role, Tier, Unit, UnitKind, User
from fengqiao.regions.actions import import_regions
from fengqiao.regions.models import Level, Region

FIXTURE = Path(__file__).resolve().parent / "data" / "district.geojson"

# District departments (职能部门) that cases are dispatched to: (code, name).
DEPARTMENTS = [
    ("dept-chengguan", "城市管理和综合执法局"),
    ("dept-zhujian", "住房和城乡建设局"),
    ("dept-renshe", "人力资源和社会保障局"),
    ("dept-yingji", "应急管理局"),
    ("dept-shijian", "市场监督管理局"),
    ("dept-ziran", "自然资源和规划局"),
    ("dept-jiaotong", "交通运输局"),
]
# Pinyin slugs for the three streets, used in unit codes and usernames.
STREET_SLUGS = {"430204006": "xuelin", "430290001": "longtoupu", "430204101": "yuntian"}

_SURNAMES = (
    "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
    "顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌辉鹏飞宇浩然晨"
    "曦雪梅海燕子涵欣怡思远嘉豪俊杰雨婷"
)


@dataclass
class DemoLogin:
    username: str
    full_name: str
    description: str


@dataclass
class DemoSummary:
    regions: dict[str, int] = field(default_factory=dict)
    units: int = 0
    users: int = 0
    logins: list[DemoLogin] = field(default_factory=list)


class _People:
    """Creates users with deterministic Chinese names and one shared, pre-hashed password."""

    def __init__(self, password: str) -> None:
        # Hash once: PBKDF2 for ~250 demo users would otherwise take about a minute.
        self.password_hash = make_password(password)
        self.count = 0

    def name(self) -> str:
        n = self.count
        surname = _SURNAMES[(n * 7) % len(_SURNAMES)]
        given = _GIVEN[(n * 13) % len(_GIVEN)] + _GIVEN[(n * 5 + 3) % len(_GIVEN)]
        return surname + given

    def add(self, username: str, unit: Unit, role: Role, region: Region | None = None) -> User:
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={"full_name": self.name(), "password": self.password_hash},
        )
        self.count += 1
        Membership.objects.get_or_create(user=user, unit=unit, role=role, region=region)
        return user


def _unit(
    code: str, name: str, kind: UnitKind, tier: Tier, region: Region, parent: Unit | None = None
) -> Unit:
    return Unit.objects.create(
        code=code, name=name, kind=kind, tier=tier, jurisdiction=region, parent=parent
    )


def _district(people: _People, district: Region, summary: DemoSummary) -> Unit:
    centre = _unit(
        "qu-zongzhi", f"{district.name}综治中心", UnitKind.CENTRE, Tier.DISTRICT, district
    )
    admin = people.add("admin", centre, Role.ADMIN)
    User.objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    people.add("qu_lingdao", centre, Role.LEADER)
    people.add("qu_shouli", centre, Role.OPERATOR)
    people.add("qu_pingcha", centre, Role.REVIEWER)
    tribunal = _unit("fating", "云龙人民法庭", UnitKind.TRIBUNAL, Tier.DISTRICT, district, centre)
    people.add("fating_faguan", tribunal, Role.MEDIATOR)
    justice = _unit(
        "sifasuo", "云龙示范区司法所", UnitKind.JUSTICE, Tier.DISTRICT, district, centre
    )
    people.add("sifa_tiaojie", justice, Role.MEDIATOR)
    for code, name in DEPARTMENTS:
        dept = _unit(code, name, UnitKind.DEPARTMENT, Tier.DISTRICT, district, centre)
        people.add(f"{code.removeprefix('dept-')}_chengban", dept, Role.HANDLER)
    summary.logins += [
        DemoLogin("admin", "", "系统管理员（全部权限，含系统配置）"),
        DemoLogin("qu_lingdao", "", "区领导：全区"),
        DemoLogin("qu_shouli", "", "区综治中心受理员：全区"),
        DemoLogin("qu_pingcha", "", "区评查员：全区"),
        DemoLogin("renshe_chengban", "", "部门承办人（人社局）：只看交办给本单位的事项"),
        DemoLogin("fating_faguan", "", "人民法庭（诉前调解、司法确认）"),
        DemoLogin("sifa_tiaojie", "", "司法所调解员"),
    ]
    return centre


def _street(people: _People, street: Region, district_centre: Unit, summary: DemoSummary) -> None:
    slug = STREET_SLUGS.get(street.code, street.code)
    centre = _unit(
        f"{slug}-zongzhi",
        f"{street.name}综治中心",
        UnitKind.CENTRE,
        Tier.STREET,
        street,
        district_centre,
    )
    people.add(f"{slug}_shouli", centre, Role.OPERATOR)
    people.add(f"{slug}_lingdao", centre, Role.LEADER)
    short = street.name.removesuffix("街道").removesuffix("镇")
    police = _unit(f"{slug}-pcs", f"{short}派出所", UnitKind.POLICE, Tier.STREET, street, centre)
    committee = _unit(
        f"{slug}-tiaowei",
        f"{street.name}人民调解委员会",
        UnitKind.MEDIATION,
        Tier.STREET,
        street,
        centre,
    )
    people.add(f"{slug}_tiaojie", committee, Role.MEDIATOR)
    communities = Region.objects.filter(parent=street, level=Level.COMMUNITY).order_by("code")
    for number, community in enumerate(communities, start=1):
        _community(people, community, centre, police, f"{slug}{number:02d}")
    if slug == "xuelin":
        first = f"{slug}01"
        summary.logins += [
            DemoLogin(f"{slug}_shouli", "", f"{street.name}综治中心受理员：本街道"),
            DemoLogin(f"{slug}_tiaojie", "", f"{street.name}人民调解委员会调解员"),
            DemoLogin(f"{first}_shouli", "", "社区综治中心受理员：本社区"),
            DemoLogin(f"{first}_minjing", "", "社区民警（派出所）"),
            DemoLogin(f"{first}_wg01", "", "网格员：本网格"),
        ]


def _community(
    people: _People, community: Region, street_centre: Unit, police: Unit, slug: str
) -> None:
    centre = _unit(
        f"{slug}-zongzhi",
        f"{community.name}综治中心",
        UnitKind.CENTRE,
        Tier.COMMUNITY,
        community,
        street_centre,
    )
    people.add(f"{slug}_shouli", centre, Role.OPERATOR)
    # The community police officer (社区民警) works for the street's station, posted here.
    people.add(f"{slug}_minjing", police, Role.HANDLER, region=community)
    grids = Region.objects.filter(parent=community, level=Level.GRID).order_by("code")
    for number, grid in enumerate(grids, start=1):
        people.add(f"{slug}_wg{number:02d}", centre, Role.GRID_WORKER, region=grid)


def load_demo(password: str) -> DemoSummary:
    """Build the demo district in one transaction; the database must hold no regions yet."""
    summary = DemoSummary()
    with transaction.atomic():
        imported = import_regions(FIXTURE.read_bytes())
        summary.regions = imported.by_level
        people = _People(password)
        district = Region.objects.get(level=Level.DISTRICT)
        district_centre = _district(people, district, summary)
        for street in Region.objects.filter(parent=district).order_by("code"):
            _street(people, street, district_centre, summary)
    names = dict(
        User.objects.filter(username__in=[x.username for x in summary.logins]).values_list(
            "username", "full_name"
        )
    )
    for login in summary.logins:
        login.full_name = names.get(login.username, "")
    summary.units = Unit.objects.count()
    summary.users = User.objects.count()
    return summary
