"""Every state change of field work: a report from the field, a visit, a patrol.

Each function validates everything first, then writes in one transaction; a refused call raises
a ``CaseError`` and writes nothing. Errors about one input are ``FieldError`` and name it, so a
form can show the message beside that input. A grid worker works only in their own grid
(``worker_grids``); cases are created through ``cases.intake.submit`` like every other channel.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.accounts.models import Membership, Role, User
from fengqiao.cases.actions import add_attachment
from fengqiao.cases.choices import Channel
from fengqiao.cases.errors import InvalidInput, NotPermitted
from fengqiao.cases.intake import submit
from fengqiao.cases.models import Case, Category
from fengqiao.fieldwork.models import (
    Patrol,
    PlaceKind,
    Visit,
    Volunteer,
    VolunteerActivity,
    VolunteerActivityKind,
)
from fengqiao.regions.locator import locate
from fengqiao.regions.models import Level, Region

if TYPE_CHECKING:
    from fengqiao.hazards.models import Place

FUTURE_SLACK = timedelta(minutes=10)  # phone clocks drift; a few minutes ahead is not an error
MAX_PATROL = timedelta(hours=12)
MAX_PHOTOS = 3
ISSUE_KEYS = frozenset({"category", "description", "title"})


class FieldError(InvalidInput):
    """Invalid input about one field (``field`` is the form's name for it, or None)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def worker_grids(user: User) -> list[Region]:
    """The grids a user works in as a grid worker (网格员), by path.

    A grid worker's role names their grid; a role without one covers every grid of the unit's
    jurisdiction. Costs one query, plus one when a role covers more than a grid.
    """
    memberships = (
        Membership.objects.held_by(user)
        .filter(role=Role.GRID_WORKER, unit__is_active=True)
        .select_related("region", "unit__jurisdiction")
    )
    scopes = [m.scope_region for m in memberships]
    grids = {r.pk: r for r in scopes if r.level == Level.GRID}
    wider = [r for r in scopes if r.level != Level.GRID]
    if wider:
        condition = Q(pk__in=[])
        for region in wider:
            condition |= Q(path__startswith=region.path)
        grids.update({r.pk: r for r in Region.objects.filter(condition, level=Level.GRID)})
    return sorted(grids.values(), key=lambda r: r.path)


def _require_grids(worker: User) -> list[Region]:
    grids = worker_grids(worker)
    if not grids:
        raise NotPermitted(_("只有网格员可以记录走访、巡逻和现场上报。"))
    return grids


def _own_grid(grid: Region | None, grids: Sequence[Region]) -> Region:
    if grid is None:
        if len(grids) == 1:
            return grids[0]
        raise FieldError(_("请选择网格。"), "grid")
    if grid.pk not in {g.pk for g in grids}:
        raise FieldError(_("只能在本人负责的网格内工作。"), "grid")
    return grid


def _text(value: str, field: str, label: str, max_length: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise FieldError(_("请填写%(label)s。") % {"label": label}, field)
    if len(value) > max_length:
        raise FieldError(
            _("%(label)s不能超过 %(n)d 个字。") % {"label": label, "n": max_length}, field
        )
    return value


def _moment(value: datetime, field: str, label: str) -> datetime:
    if timezone.is_naive(value):
        raise FieldError(_("%(label)s须包含时区。") % {"label": label}, field)
    if value > timezone.now() + FUTURE_SLACK:
        raise FieldError(_("%(label)s不能晚于现在。") % {"label": label}, field)
    return value


def _point(
    lon: float | None, lat: float | None, grids: Sequence[Region]
) -> tuple[float, float, Region] | None:
    """The point and the worker's grid it lies in; None without a point. Errors name ``lon``."""
    if lon is None and lat is None:
        return None
    if lon is None or lat is None or not (math.isfinite(lon) and math.isfinite(lat)):
        raise FieldError(_("位置无效，请重新定位或选点。"), "lon")
    try:
        location = locate(float(lon), float(lat))
    except (TypeError, ValueError) as exc:
        raise FieldError(_("位置无效，请重新定位或选点。"), "lon") from exc
    if location.grid is None:
        raise FieldError(_("该位置不在本辖区内，请核对地点。"), "lon")
    if location.grid.pk not in {g.pk for g in grids}:
        raise FieldError(
            _("该位置在“%(name)s”，不在您负责的网格内。") % {"name": location.grid.name}, "lon"
        )
    return location.lon, location.lat, location.grid


def _leaf_category(value: Category | str, field: str) -> Category:
    if isinstance(value, Category):
        category: Category | None = value
    else:
        category = Category.objects.filter(code=value).first() if value else None
    if category is None or not category.is_active or category.parent_id is None:
        raise FieldError(_("请选择一个事件类别。"), field)
    return category


def default_title(category: Category, description: str) -> str:
    """A title for a report that has none: the category and the start of the description."""
    first_line = description.strip().splitlines()[0] if description.strip() else ""
    snippet = first_line[:30] + ("…" if len(first_line) > 30 else "")
    return f"{category.name}：{snippet}"[:100]


def _key(submission_key: str) -> str:
    submission_key = (submission_key or "").strip()
    if len(submission_key) > 64:
        raise FieldError(_("提交标识过长，请刷新页面后重试。"))
    return submission_key


def report(
    *,
    worker: User,
    category: Category | str,
    description: str,
    title: str = "",
    occurred_at: datetime | None = None,
    grid: Region | None = None,
    lon: float | None = None,
    lat: float | None = None,
    address: str = "",
    photos: Sequence[tuple[bytes, str]] = (),
    handled_on_spot: bool = False,
    outcome: str = "",
    submission_key: str = "",
) -> Case:
    """现场上报: a grid worker reports what they found, with up to three photos.

    The case lies where the point is (which must be in one of the worker's grids), else in the
    chosen grid. ``handled_on_spot`` (即时处置) creates it closed at grid tier with ``outcome``.
    The same ``submission_key`` returns the case already created and attaches nothing again.
    """
    key = _key(submission_key)
    if key:
        existing = Case.objects.filter(submission_key=key).first()
        if existing is not None:
            if existing.reporter_id != worker.pk:
                raise FieldError(_("提交标识无效，请刷新页面后重试。"))
            return existing
    grids = _require_grids(worker)
    point = _point(lon, lat, grids)
    # The case lies where the point is (in any of the worker's grids), else in the chosen grid.
    own = point[2] if point else _own_grid(grid, grids)
    category = _leaf_category(category, "category")
    description = _text(description, "description", _("事件描述"), 5000)
    title = _text(title, "title", _("标题"), 100, required=False)
    outcome = _text(outcome, "outcome", _("处置结果"), 5000, required=handled_on_spot)
    occurred_at = _moment(occurred_at or timezone.now(), "occurred_at", _("发生时间"))
    if len(photos) > MAX_PHOTOS:
        raise FieldError(_("最多上传 %(n)d 张照片。") % {"n": MAX_PHOTOS}, "photos")
    # The form has checked each photo already, so add_attachment is not expected to refuse one;
    # if it does, the whole report rolls back (a file written before the refusal may remain).
    with transaction.atomic():
        case = submit(
            category=category,
            title=title or default_title(category, description),
            description=description,
            occurred_at=occurred_at,
            channel=Channel.GRID_WORKER,
            by=worker,
            lon=point[0] if point else None,
            lat=point[1] if point else None,
            region=own,
            address=_text(address, "address", _("地址"), 200, required=False),
            handled_on_spot=handled_on_spot,
            outcome=outcome,
            submission_key=key,
        )
        if photos and not case.attachments.exists():
            for data, filename in photos:
                add_attachment(case, data=data, filename=filename, by=worker)
    return case


def _issue(report_issue: Mapping[str, Any]) -> tuple[Category, str, str]:
    unknown = set(report_issue) - ISSUE_KEYS
    if unknown:
        raise TypeError(f"unknown report_issue keys: {sorted(unknown)}")
    category = _leaf_category(report_issue.get("category") or "", "issue_category")
    description = _text(
        report_issue.get("description", ""), "issue_description", _("问题描述"), 5000
    )
    title = _text(report_issue.get("title", ""), "issue_title", _("问题标题"), 100, required=False)
    return category, description, title or default_title(category, description)


def log_visit(
    *,
    worker: User,
    visited_at: datetime,
    place_kind: str,
    address: str,
    purpose: str,
    people_met: str = "",
    findings: str = "",
    grid: Region | None = None,
    lon: float | None = None,
    lat: float | None = None,
    report_issue: Mapping[str, Any] | None = None,
    submission_key: str = "",
    place: Place | None = None,
) -> Visit:
    """走访: record a visit in the worker's grid; ``report_issue`` (category, description and
    optionally title) also reports what was found as a case, linked to the visit, in the same
    transaction. ``place`` names the key place visited (open, in the worker's grid), which
    counts towards coverage. The same ``submission_key`` returns the visit already recorded."""
    key = _key(submission_key)
    if key:
        existing = Visit.objects.filter(submission_key=key).first()
        if existing is not None:
            if existing.worker_id != worker.pk:
                raise FieldError(_("提交标识无效，请刷新页面后重试。"))
            return existing
    own = _own_grid(place.grid if place is not None else grid, _require_grids(worker))
    if place is not None and place.closed:
        raise FieldError(_("场所“%(name)s”已关闭。") % {"name": place.name}, "place")
    point = _point(lon, lat, [own])
    visit = Visit(
        place=place,
        grid=own,
        worker=worker,
        visited_at=_moment(visited_at, "visited_at", _("走访时间")),
        place_kind=place_kind,
        address=_text(address, "address", _("走访地址"), 200),
        people_met=_text(people_met, "people_met", _("走访人员"), 200, required=False),
        purpose=_text(purpose, "purpose", _("走访事由"), 200),
        findings=_text(findings, "findings", _("走访情况"), 2000, required=False),
        lon=point[0] if point else None,
        lat=point[1] if point else None,
        submission_key=key,
    )
    if place_kind not in PlaceKind.values:
        raise FieldError(_("请选择走访对象。"), "place_kind")
    issue = _issue(report_issue) if report_issue is not None else None
    try:
        with transaction.atomic():
            if issue is not None:
                category, description, title = issue
                visit.case = submit(
                    category=category,
                    title=title,
                    description=description,
                    occurred_at=visit.visited_at,
                    channel=Channel.GRID_WORKER,
                    by=worker,
                    lon=visit.lon,
                    lat=visit.lat,
                    region=None if point else own,
                    address=visit.address,
                )
            visit.save()
    except IntegrityError:
        # The same form submitted twice at once: the other request recorded it (and its case).
        existing = Visit.objects.filter(submission_key=key).first() if key else None
        if existing is None:
            raise
        return existing
    return visit


def log_patrol(
    *,
    worker: User,
    started_at: datetime,
    ended_at: datetime,
    route_note: str,
    findings: str = "",
    grid: Region | None = None,
    submission_key: str = "",
) -> Patrol:
    """巡逻: record a patrol of the worker's grid, at most 12 hours, ended no later than now."""
    key = _key(submission_key)
    if key:
        existing = Patrol.objects.filter(submission_key=key).first()
        if existing is not None:
            if existing.worker_id != worker.pk:
                raise FieldError(_("提交标识无效，请刷新页面后重试。"))
            return existing
    own = _own_grid(grid, _require_grids(worker))
    started_at = _moment(started_at, "started_at", _("开始时间"))
    ended_at = _moment(ended_at, "ended_at", _("结束时间"))
    if ended_at < started_at:
        raise FieldError(_("结束时间不能早于开始时间。"), "ended_at")
    if ended_at - started_at > MAX_PATROL:
        raise FieldError(_("一次巡逻不能超过 12 小时，请分次记录。"), "ended_at")
    patrol = Patrol(
        grid=own,
        worker=worker,
        started_at=started_at,
        ended_at=ended_at,
        route_note=_text(route_note, "route_note", _("巡逻区域或路线"), 500),
        findings=_text(findings, "findings", _("巡逻情况"), 2000, required=False),
        submission_key=key,
    )
    try:
        with transaction.atomic():
            patrol.save()
    except IntegrityError:
        existing = Patrol.objects.filter(submission_key=key).first() if key else None
        if existing is None:
            raise
        return existing
    return patrol


def _may_manage_volunteers(by: User, grid: Region) -> None:
    from fengqiao.hazards.permissions import FIELD_ROLES, covers

    if not covers(by, grid.path, FIELD_ROLES):
        raise NotPermitted(_("只有本辖区的网格员或工作人员可以管理志愿者。"))


def register_volunteer(
    *, by: User, grid: Region, name: str, phone: str = "", skills: str = "", joined_on: date
) -> Volunteer:
    """登记平安志愿者 in a grid; the name and phone are stored encrypted."""
    from fengqiao.cases.intake import PHONE

    if grid.level != Level.GRID:
        raise FieldError(_("请选择网格。"), "grid")
    _may_manage_volunteers(by, grid)
    phone = _text(phone, "phone", _("联系电话"), 20, required=False)
    if phone and not PHONE.match(phone):
        raise FieldError(_("联系电话格式不正确。"), "phone")
    if joined_on > timezone.localdate():
        raise FieldError(_("加入日期不能晚于今天。"), "joined_on")
    return Volunteer.objects.create(
        grid=grid,
        region_path=grid.path,
        name=_text(name, "name", _("姓名"), 50),
        phone=phone,
        skills=_text(skills, "skills", _("特长"), 200, required=False),
        joined_on=joined_on,
    )


def log_volunteer_activity(
    *,
    by: User,
    volunteer: Volunteer,
    kind: str,
    started_at: datetime,
    hours: Decimal | float | str,
    note: str,
) -> VolunteerActivity:
    """志愿服务记录: one activity of an active volunteer, 0.5 to 24 hours in half hours."""
    _may_manage_volunteers(by, volunteer.grid)
    if not volunteer.active:
        raise FieldError(_("该志愿者已不在册。"), "volunteer")
    if kind not in VolunteerActivityKind.values:
        raise FieldError(_("请选择活动类型。"), "kind")
    try:
        amount = Decimal(str(hours))
    except InvalidOperation as exc:
        raise FieldError(_("时长须为数字。"), "hours") from exc
    if not (Decimal("0.5") <= amount <= 24) or amount * 2 != int(amount * 2):
        raise FieldError(_("时长须在 0.5 到 24 小时之间，以半小时计。"), "hours")
    return VolunteerActivity.objects.create(
        volunteer=volunteer,
        kind=kind,
        started_at=_moment(started_at, "started_at", _("开始时间")),
        hours=amount,
        note=_text(note, "note", _("活动内容"), 500),
        recorded_by=by,
    )
