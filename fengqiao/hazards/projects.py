"""Construction project environment (项目建设环境"即时清淤"): cases about a project, the
owner's (业主) evaluation after each resolution, and the measures per project and per unit.

A case is linked to a construction project (``ProjectCase``); the cases app is unaware of it.
After each resolution of a linked case the owner's verdict is recorded once (满意 / 基本满意 /
不满意). Measures over a period ``[start, end)``:

- handling time (办理用时): hours from submission to resolution of the linked cases resolved in
  the period (their mean, and each one);
- immediate handling rate (即时处置率): of those, the share handled on the spot (即时处置) or
  resolved by the close of the first working day after submission
  (``IMMEDIATE_WITHIN_DAYS``) — "即时清淤" clears an obstruction at once, not in 15 days;
- owner's positive evaluation rate (业主好评率): of the evaluations recorded in the period, the
  share that are 满意.

Per project, and per unit: the unit that resolved the case (for an evaluation, the unit that
resolved the evaluated case). Cost: one query for the linked cases and one for the evaluations;
the arithmetic is in Python over the linked cases, which are few per period.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.accounts.models import User
from fengqiao.cases.choices import Status
from fengqiao.cases.deadlines import calendar
from fengqiao.cases.errors import NotAllowed
from fengqiao.cases.measures import Rate, _rate
from fengqiao.cases.models import Case
from fengqiao.fieldwork.actions import FieldError
from fengqiao.hazards import permissions
from fengqiao.hazards.actions import text
from fengqiao.hazards.choices import Evaluation, PlaceType
from fengqiao.hazards.models import OwnerEvaluation, Place, ProjectCase

IMMEDIATE_WITHIN_DAYS = 1


def link_case(project: Place, case: Case, *, by: User) -> ProjectCase:
    """关联项目: a complaint or obstruction case becomes one of the project's cases."""
    if project.place_type != PlaceType.CONSTRUCTION:
        raise FieldError(_("只能关联到建设项目。"), "project")
    permissions.require_covers(by, project.region_path, permissions.FIELD_ROLES, _("关联项目事件"))
    existing = ProjectCase.objects.filter(case=case).select_related("project").first()
    if existing is not None:
        raise NotAllowed(
            _("事件 %(n)s 已关联到项目“%(p)s”。") % {"n": case.number, "p": existing.project.name}
        )
    try:
        with transaction.atomic():
            return ProjectCase.objects.create(
                project=project, case=case, linked_by=by, linked_at=timezone.now()
            )
    except IntegrityError as exc:
        raise NotAllowed(_("事件 %(n)s 已关联到其他项目。") % {"n": case.number}) from exc


def evaluate(link: ProjectCase, *, by: User, evaluation: str, comment: str = "") -> OwnerEvaluation:
    """业主评价 of the latest resolution of a linked case; once per resolution."""
    if evaluation not in Evaluation.values:
        raise FieldError(_("请选择评价。"), "evaluation")
    case = link.case
    if case is None:
        raise NotAllowed(_("关联的事件已不存在。"))
    permissions.require_covers(
        by, link.project.region_path, permissions.FIELD_ROLES, _("记录业主评价")
    )
    if case.status not in (Status.RESOLVED, Status.CLOSED) or case.resolved_at is None:
        raise NotAllowed(_("事件 %(n)s 尚未办结，办结后才能评价。") % {"n": case.number})
    try:
        with transaction.atomic():
            return OwnerEvaluation.objects.create(
                link=link,
                resolved_at=case.resolved_at,
                evaluation=evaluation,
                comment=text(comment, "comment", _("意见"), 500, required=False),
                recorded_by=by,
                created_at=timezone.now(),
            )
    except IntegrityError as exc:
        raise NotAllowed(_("业主已对本次办结作出评价。")) from exc


@dataclass
class ProjectMeasures:
    """The measures of one project or one unit over the period."""

    resolved: int = 0
    handling_hours: list[float] = field(default_factory=list)
    immediate: int = 0
    evaluations: int = 0
    positive: int = 0

    @property
    def mean_handling_hours(self) -> float | None:
        hours = self.handling_hours
        return sum(hours) / len(hours) if hours else None

    @property
    def immediate_rate(self) -> Rate:
        return _rate(self.immediate, self.resolved)

    @property
    def positive_rate(self) -> Rate:
        return _rate(self.positive, self.evaluations)


@dataclass
class Report:
    by_project: dict[int, ProjectMeasures]
    by_unit: dict[int, ProjectMeasures]


def is_immediate(case: Case) -> bool:
    """即时处置: handled on the spot, or resolved by the close of the next working day."""
    if case.handled_on_spot:
        return True
    assert case.resolved_at is not None
    limit = calendar().add(case.submitted_at, IMMEDIATE_WITHIN_DAYS, "days")
    return case.resolved_at <= limit


def measures(start: datetime, end: datetime, projects: list[Place] | None = None) -> Report:
    """Project-environment measures over ``[start, end)`` per project and per resolving unit."""
    by_project: dict[int, ProjectMeasures] = defaultdict(ProjectMeasures)
    by_unit: dict[int, ProjectMeasures] = defaultdict(ProjectMeasures)
    links = (
        ProjectCase.objects.filter(case__resolved_at__gte=start, case__resolved_at__lt=end)
        .select_related("case")
        .order_by("pk")  # the order the cases were linked: the same on every database and run
    )
    if projects is not None:
        links = links.filter(project__in=projects)
    for link in links:
        case = link.case
        assert case is not None and case.resolved_at is not None
        hours = (case.resolved_at - case.submitted_at).total_seconds() / 3600
        immediate = is_immediate(case)
        for bucket in (by_project[link.project_id], by_unit[case.resolved_unit_id or 0]):
            bucket.resolved += 1
            bucket.handling_hours.append(hours)
            bucket.immediate += immediate
    evaluations = OwnerEvaluation.objects.filter(created_at__gte=start, created_at__lt=end)
    if projects is not None:
        evaluations = evaluations.filter(link__project__in=projects)
    for project_id, unit_id, verdict in evaluations.values_list(
        "link__project_id", "link__case__resolved_unit_id", "evaluation"
    ):
        for bucket in (by_project[project_id], by_unit[unit_id or 0]):
            bucket.evaluations += 1
            bucket.positive += verdict == Evaluation.POSITIVE
    return Report(by_project=dict(by_project), by_unit=dict(by_unit))
