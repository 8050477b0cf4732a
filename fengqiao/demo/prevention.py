"""Demo prevention work (风险防范演示数据) in the first community of 学林街道 (xuelin01).

Key places in its first two grids (a market, schools, an enterprise, a rental-housing cluster,
a construction project with owner and contractor), three rolling inspection plans with past
tasks mostly done (some late) and this period's still to do, hazards at every stage of the
register (including one overdue and one escalated), visits to the places, volunteers with hours,
and the project's cases with the owner's evaluations when the demo has cases. Everything is
written through the same actions as real work, so it is valid by construction; deterministic
for a given ``now``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import shapely
from django.db import transaction
from django.utils import timezone

from fengqiao.accounts.models import Unit, User
from fengqiao.cases.models import Case
from fengqiao.fieldwork import actions as fieldwork
from fengqiao.hazards import actions, inspections, projects
from fengqiao.hazards.choices import Answer, TaskStatus
from fengqiao.hazards.jobs import mark_overdue_hazards, mark_overdue_tasks
from fengqiao.hazards.models import Hazard, InspectionTask, Place
from fengqiao.regions.models import Level, Region

COMMUNITY_SLUG = "xuelin01"


@dataclass
class PreventionSummary:
    places: int = 0
    plans: int = 0
    tasks: int = 0
    hazards: int = 0
    volunteers: int = 0


class _Points:
    """Distinct points inside a grid, drawn with a fixed seed."""

    def __init__(self, grid: Region, seed: int) -> None:
        self.shape = shapely.geometry.shape(grid.boundary)
        self.rng = random.Random(seed)  # noqa: S311 - demo coordinates, not secrets

    def next(self) -> tuple[float, float]:
        x0, y0, x1, y1 = self.shape.bounds
        while True:
            x, y = self.rng.uniform(x0, x1), self.rng.uniform(y0, y1)
            # Keep away from the edges so the locator's raster never puts it next door.
            if self.shape.buffer(-0.0005).contains(shapely.Point(x, y)):
                return round(x, 6), round(y, 6)


def _place(by: User, points: _Points, place_type: str, name: str, **extra: Any) -> Place:
    lon, lat = points.next()
    return actions.register_place(
        by=by, place_type=place_type, name=name, lon=lon, lat=lat, **extra
    )


def _hazards(
    worker: User,
    operator: User,
    centre: Unit,
    street: Unit,
    market: Place,
    school: Place,
    project: Place,
    now: datetime,
) -> int:
    """One hazard at each stage of the register."""

    def new(deadline_days: int = 5, **fields: Any) -> Hazard:
        return actions.register_hazard(
            by=worker, responsible_unit=centre, deadline_days=deadline_days, **fields
        )

    new(
        hazard_type="fire",
        level="serious",
        title="消防通道堆放杂物",
        description="农贸市场东侧消防通道被摊贩货物堵塞约 20 米。",
        measures="清理杂物，施划禁停禁放标线。",
        place=market,
        found_at=now - timedelta(hours=3),
        responsible_person="市场管理处",
    )
    rectifying = new(
        hazard_type="production",
        level="ordinary",
        title="电动车违规充电",
        description="出租房楼道内飞线充电 3 处。",
        measures="拆除飞线，引导至集中充电点。",
        place=school,
        found_at=now - timedelta(days=2),
    )
    actions.start_rectification(rectifying, by=worker, note="已通知房东")
    rectified = new(
        hazard_type="construction",
        level="serious",
        title="基坑临边防护缺失",
        description="项目 3 号基坑东侧无临边防护栏。",
        measures="设置 1.2 米防护栏及警示灯。",
        place=project,
        found_at=now - timedelta(days=4),
    )
    actions.start_rectification(rectified, by=worker)
    actions.report_rectified(rectified, by=worker, note="已设置防护栏和警示灯")
    verified = new(
        hazard_type="food_drug",
        level="ordinary",
        title="食堂留样记录不全",
        description="学校食堂近一周留样记录缺 2 天。",
        measures="补齐制度，专人负责留样。",
        place=school,
        found_at=now - timedelta(days=8),
        deadline_days=10,
    )
    actions.report_rectified(verified, by=worker, note="已补齐留样制度")
    actions.verify(verified, by=worker, passed=True, note="现场核查到位")
    closed = new(
        hazard_type="road_traffic",
        level="ordinary",
        title="学校门口缺少减速带",
        description="上下学时段车速较快。",
        measures="设置减速带和警示标志。",
        place=school,
        found_at=now - timedelta(days=20),
        deadline_days=20,
    )
    actions.report_rectified(closed, by=worker, note="减速带已安装")
    actions.verify(closed, by=worker, passed=True)
    actions.close(closed, by=operator, note="同意销号")
    overdue = new(
        hazard_type="dangerous_housing",
        level="major",
        title="自建房外墙开裂",
        description="出租房集中区 12 栋外墙出现贯穿裂缝。",
        measures="停止出租，委托房屋安全鉴定。",
        place=market,
        found_at=now - timedelta(days=14),
        deadline_days=3,
    )
    actions.start_rectification(overdue, by=worker, note="已告知房东")
    escalated = new(
        hazard_type="geological",
        level="major",
        title="边坡局部滑塌",
        description="项目北侧边坡雨后局部滑塌，坡顶有民房。",
        measures="设置警戒区，专业单位评估。",
        place=project,
        found_at=now - timedelta(days=1),
    )
    actions.escalate(escalated, by=operator, to_unit=street, note="需街道协调自然资源部门")
    mark_overdue_hazards(now)
    return Hazard.objects.count()


def _inspect_past_tasks(workers: dict[int, User], now: datetime) -> None:
    """Past tasks done by the grid's worker, every fourth one late; today's left to do."""
    tasks = (
        InspectionTask.objects.filter(status=TaskStatus.PENDING, due_at__lt=now)
        .select_related("plan", "place", "grid")
        .order_by("scheduled_for", "id")
    )
    for number, task in enumerate(tasks):
        if number % 7 == 6:
            continue  # missed: counts against coverage
        late = number % 4 == 3
        when = task.due_at + timedelta(hours=20) if late else task.due_at - timedelta(hours=6)
        checklist = task.plan.checklist
        answers = {str(i): Answer.OK for i in range(len(checklist))}
        inspections.record_inspection(
            inspector=workers[task.grid_id],
            task=task,
            answers=answers,
            inspected_at=min(when, now - timedelta(minutes=1)),
            notes="例行排查，未见异常",
        )


def _project_cases(project: Place, operator: User) -> None:
    """Link the grid's closed demo cases to the project, with the owner's evaluations."""
    cases = list(
        Case.objects.filter(
            region=project.grid, status="closed", resolved_at__isnull=False
        ).order_by("-resolved_at")[:6]
    )
    verdicts = ["positive", "positive", "neutral", "positive", "negative", "positive"]
    for case, verdict in zip(cases, verdicts, strict=False):
        link = projects.link_case(project, case, by=operator)
        projects.evaluate(link, by=operator, evaluation=verdict)


def load_prevention(now: datetime | None = None) -> PreventionSummary:
    """Add the demo's prevention work; the district and its people must be loaded."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    community = Unit.objects.get(code=f"{COMMUNITY_SLUG}-zongzhi")
    street = community.parent
    assert street is not None
    operator = User.objects.get(username=f"{COMMUNITY_SLUG}_shouli")
    grids = list(
        Region.objects.filter(parent=community.jurisdiction, level=Level.GRID).order_by("code")[:2]
    )
    workers = [User.objects.get(username=f"{COMMUNITY_SLUG}_wg{n:02d}") for n in (1, 2)]
    with transaction.atomic():
        p1, p2 = _Points(grids[0], 1), _Points(grids[1], 2)
        market = _place(
            operator,
            p1,
            "market",
            "学林农贸市场",
            address="学林路 18 号",
            contact_name="周建国",
            contact_phone="13807330101",
        )
        school = _place(
            operator,
            p1,
            "school",
            "学林小学",
            address="学林路 66 号",
            contact_name="李校长",
            contact_phone="13807330102",
        )
        project = _place(
            operator,
            p1,
            "construction",
            "云龙大道二期道路工程",
            address="云龙大道与学林路交叉口",
            owner="云龙发展投资集团",
            owner_contact="王经理",
            owner_phone="13807330103",
            contractor="中建五局第三建设有限公司",
        )
        _place(operator, p1, "enterprise", "湘云电子厂", address="科技路 9 号")
        _place(operator, p1, "rental_housing", "学林村出租房集中区")
        _place(operator, p2, "school", "学林中学", address="学林路 120 号")
        _place(operator, p2, "market", "学林建材市场")
        start = today.replace(day=1) - timedelta(days=62)
        plans = [
            inspections.create_plan(
                by=operator,
                name="市场消防安全月查",
                unit=community,
                every=1,
                period_unit="months",
                starts_on=start.replace(day=1),
                place_type="market",
                region=community.jurisdiction,
                complete_within=5,
                checklist=[
                    "消防通道畅通",
                    "灭火器在有效期内",
                    "电线无私拉乱接",
                    "液化气瓶规范存放",
                ],
            ),
            inspections.create_plan(
                by=operator,
                name="网格安全隐患周巡查",
                unit=community,
                every=1,
                period_unit="weeks",
                starts_on=today - timedelta(days=28),  # one falls today
                region=community.jurisdiction,
                complete_within=3,
                checklist=["道路及井盖完好", "无私搭乱建", "无危险边坡和积水", "群租房安全"],
            ),
            inspections.create_plan(
                by=operator,
                name="建设项目施工安全双周查",
                unit=community,
                every=2,
                period_unit="weeks",
                starts_on=today - timedelta(days=41),
                place=project,
                complete_within=2,
                checklist=["基坑及临边防护", "脚手架验收", "扬尘治理", "农民工工资公示"],
            ),
        ]
        inspections.generate_tasks(today)
        by_grid = {grid.pk: worker for grid, worker in zip(grids, workers, strict=True)}
        for grid in Region.objects.filter(parent=community.jurisdiction, level=Level.GRID):
            if grid.pk not in by_grid:
                by_grid[grid.pk] = User.objects.get(
                    memberships__role="grid_worker", memberships__region=grid
                )
        _inspect_past_tasks(by_grid, now)
        mark_overdue_tasks(now)  # the missed ones, as the worker would
        hazards = _hazards(workers[0], operator, community, street, market, school, project, now)
        for days_ago, place in ((3, market), (5, school), (9, project), (12, market)):
            fieldwork.log_visit(
                worker=workers[0],
                visited_at=now - timedelta(days=days_ago),
                place_kind="enterprise" if place.place_type != "construction" else "project",
                address=place.name,
                purpose="安全走访",
                place=place,
                findings="负责人在岗，未发现新问题",
            )
        volunteers = [
            fieldwork.register_volunteer(
                by=workers[0],
                grid=grids[0],
                name=name,
                phone=phone,
                skills=skills,
                joined_on=today - timedelta(days=400),
            )
            for name, phone, skills in (
                ("刘德明", "13907330201", "退休民警"),
                ("陈秀英", "13907330202", "调解"),
                ("黄志强", "13907330203", "法律咨询"),
            )
        ]
        for number, volunteer in enumerate(volunteers):
            for week in range(3):
                fieldwork.log_volunteer_activity(
                    by=workers[0],
                    volunteer=volunteer,
                    kind=("patrol", "mediation", "publicity")[number],
                    started_at=now - timedelta(days=7 * week + 2),
                    hours="2.5" if week else "3",
                    note=("夜间治安巡逻", "邻里纠纷劝解", "反诈宣传")[number],
                )
        _project_cases(project, operator)
    return PreventionSummary(
        places=Place.objects.count(),
        plans=len(plans),
        tasks=InspectionTask.objects.count(),
        hazards=hazards,
        volunteers=len(volunteers),
    )
