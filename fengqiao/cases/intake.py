"""Intake (受理前): validating a new report, locating and routing it, and creating the case.

``submit`` is the single way a case comes into being, whatever the channel (resident page, grid
worker, hotline or walk-in entry by staff, API, Open311, import). A grid worker may report a
small matter as handled on the spot (即时处置), which creates it already closed at grid tier.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fengqiao.accounts.models import Membership, Role, Tier, Unit, User
from fengqiao.cases import deadlines
from fengqiao.cases.actions import record
from fengqiao.cases.choices import Action, Channel, Status
from fengqiao.cases.errors import InvalidInput, NotPermitted
from fengqiao.cases.models import Case, CaseNumber, Category
from fengqiao.cases.routing import route
from fengqiao.core.generation import Memo
from fengqiao.core.notes import system_note
from fengqiao.regions.locator import locate
from fengqiao.regions.models import Level, Region

# What the unit a new case is routed to is told (its inbox: "FQ-… 新上报事件待受理").
NEW_CASE = gettext_noop("%(number)s 新上报事件待受理")

TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read over the phone
PHONE = re.compile(r"^\+?[0-9][0-9\- ]{4,19}$")
FUTURE_SLACK = timedelta(minutes=10)


def _next_number(now: datetime) -> str:
    """FQ-YYYYMMDD-NNNNN, counted per local day: unique and increasing, not gap-free.

    One statement, an upsert that returns the new count (SQLite 3.35+ and PostgreSQL). Intake
    calls it outside the case's transaction, so it commits at once and the counter row is
    locked only for that statement: concurrent submissions no longer queue behind each other's
    whole transaction. The price is a gap when a create fails after taking its number (a
    database error, a crash); see docs/decisions.md. Inside a caller's own transaction (an
    import batch) the row stays locked until that transaction commits, as any write does.
    """
    day = timezone.localdate(now)
    table, day_column, last = (
        connection.ops.quote_name(name) for name in (CaseNumber._meta.db_table, "day", "last")
    )
    sql = (
        f"INSERT INTO {table} ({day_column}, {last}) VALUES (%s, 1) "  # noqa: S608 (model names)
        f"ON CONFLICT ({day_column}) DO UPDATE SET {last} = {table}.{last} + 1 RETURNING {last}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datefield_value(day)])
        row = cursor.fetchone()
    if row is None:  # pragma: no cover - an upsert always returns its row
        raise IntegrityError("the case number counter returned no row")
    return f"FQ-{day:%Y%m%d}-{int(row[0]):05d}"


def new_tracking_code() -> str:
    """12 characters from a 32-letter alphabet: 60 bits, not guessable by trying."""
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(12))


def _clean(value: str, field: str, max_length: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("请填写%(field)s。") % {"field": field})
    if len(value) > max_length:
        raise InvalidInput(_("%(field)s不能超过 %(n)d 个字。") % {"field": field, "n": max_length})
    return value


def _load_categories() -> dict[str, Category]:
    return {c.code: c for c in Category.objects.select_related("parent")}


# Every category by code, shared by the process's threads (read-only), reloaded on any change.
_categories = Memo(_load_categories)


def _category(category: Category | str) -> Category:
    if isinstance(category, str):
        found = _categories.get().get(category)
        if found is None:
            raise InvalidInput(_("未知的事件类别：%(c)s") % {"c": category})
        category = found
    if not category.is_active or category.parent_id is None:
        raise InvalidInput(_("请选择一个启用中的事件小类。"))
    return category


def _place(
    lon: float | None, lat: float | None, crs: str, region: Region | None
) -> tuple[Region, float | None, float | None]:
    """The case's region: the grid under the point, or the region chosen without one."""
    if lon is not None and lat is not None:
        try:
            location = locate(float(lon), float(lat), crs=crs)
        except (TypeError, ValueError) as exc:
            raise InvalidInput(_("坐标无效：%(e)s") % {"e": exc}) from exc
        if location.grid is None:
            raise InvalidInput(_("该位置不在本辖区内，请核对地点。"))
        return location.grid, location.lon, location.lat
    if lon is not None or lat is not None:
        raise InvalidInput(_("经度和纬度须同时填写。"))
    if region is None:
        raise InvalidInput(_("请在地图上选点，或选择所在网格/社区。"))
    if region.level not in (Level.GRID, Level.COMMUNITY, Level.STREET):
        raise InvalidInput(_("请选择具体的网格、社区或街道。"))
    return region, None, None


def _on_spot_unit(by: User | None, region: Region) -> Unit:
    membership = (
        Membership.objects.held_by(by)
        .filter(role=Role.GRID_WORKER)
        .select_related("unit", "region")
        .first()
        if by is not None
        else None
    )
    if membership is None or not region.path.startswith(membership.scope_region.path):
        raise NotPermitted(_("只有本网格的网格员可以即时处置。"))
    return membership.unit


def submit(
    *,
    category: Category | str,
    title: str,
    description: str,
    occurred_at: datetime,
    channel: str,
    by: User | None = None,
    lon: float | None = None,
    lat: float | None = None,
    crs: str = "wgs84",
    region: Region | None = None,
    address: str = "",
    people_involved: int = 1,
    anonymous: bool = False,
    reporter_name: str = "",
    reporter_phone: str = "",
    priority: str | None = None,
    handled_on_spot: bool = False,
    outcome: str = "",
    notify: bool = True,
    submission_key: str = "",
) -> Case:
    """Create a case from a report and route it; raises InvalidInput naming the problem.

    ``notify=False`` skips telling the receiving unit (historical imports of closed cases).
    ``submission_key`` makes the call idempotent: the same key returns the case it created.
    """
    if submission_key:
        if len(submission_key) > 64:
            raise InvalidInput(_("提交标识过长。"))
        existing = Case.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing
    try:
        return _submit(
            category=category,
            title=title,
            description=description,
            occurred_at=occurred_at,
            channel=channel,
            by=by,
            lon=lon,
            lat=lat,
            crs=crs,
            region=region,
            address=address,
            people_involved=people_involved,
            anonymous=anonymous,
            reporter_name=reporter_name,
            reporter_phone=reporter_phone,
            priority=priority,
            handled_on_spot=handled_on_spot,
            outcome=outcome,
            notify=notify,
            submission_key=submission_key,
        )
    except IntegrityError:
        # The same key committed by a concurrent request between our check and our insert.
        existing = Case.objects.filter(submission_key=submission_key).first()
        if submission_key and existing is not None:
            return existing
        raise


def _submit(
    *,
    category: Category | str,
    title: str,
    description: str,
    occurred_at: datetime,
    channel: str,
    by: User | None,
    lon: float | None,
    lat: float | None,
    crs: str,
    region: Region | None,
    address: str,
    people_involved: int,
    anonymous: bool,
    reporter_name: str,
    reporter_phone: str,
    priority: str | None,
    handled_on_spot: bool,
    outcome: str,
    notify: bool,
    submission_key: str,
) -> Case:
    category = _category(category)
    if channel not in Channel.values:
        raise InvalidInput(_("未知的来源渠道：%(c)s") % {"c": channel})
    now = timezone.now()
    if timezone.is_naive(occurred_at):
        raise InvalidInput(_("发生时间须包含时区。"))
    if occurred_at > now + FUTURE_SLACK:
        raise InvalidInput(_("发生时间不能晚于现在。"))
    if not 1 <= int(people_involved) <= 100000:
        raise InvalidInput(_("涉及人数须在 1 到 100000 之间。"))
    phone = _clean(reporter_phone, _("联系电话"), 20, required=False)
    if phone and not PHONE.match(phone):
        raise InvalidInput(_("联系电话格式不正确。"))
    place, lon, lat = _place(lon, lat, crs, region)
    case = Case(
        kind=category.kind,
        category=category,
        title=_clean(title, _("标题"), 100),
        description=_clean(description, _("描述"), 5000),
        occurred_at=occurred_at,
        lon=lon,
        lat=lat,
        address=_clean(address, _("地址"), 200, required=False),
        region=place,
        region_path=place.path,
        channel=channel,
        reporter=by if by is not None and not anonymous else None,
        anonymous=anonymous,
        reporter_name="" if anonymous else _clean(reporter_name, _("联系人"), 50, required=False),
        reporter_phone=phone,
        people_involved=int(people_involved),
        priority=priority or category.priority,
        submitted_at=now,
        submission_key=submission_key,
    )
    if handled_on_spot:
        return _create_handled_on_spot(case, by, _clean(outcome, _("处置结果"), 5000), now)
    unit = route(category, place)
    if unit is None:
        raise InvalidInput(_("没有可以受理该事件的单位，请联系管理员配置分派规则。"))
    return _create(case, unit, by, now, notify=notify)


def _create(case: Case, unit: Unit, by: User | None, now: datetime, *, notify: bool) -> Case:
    case.tracking_code = new_tracking_code()
    case.current_unit, case.current_tier, case.status = unit, unit.tier, Status.SUBMITTED
    c = case.category
    case.accept_due_at = deadlines.deadline(now, c.accept_within, c.accept_unit)
    deadlines.set_due(case, case.accept_due_at, now)
    # The number commits on its own (see _next_number), before the case's transaction.
    case.number = _next_number(now)
    with transaction.atomic():
        return _insert(case, unit, by, now, notify=notify)


def _insert(case: Case, unit: Unit, by: User | None, now: datetime, *, notify: bool) -> Case:
    case.save()
    record(
        case,
        Action.SUBMIT,
        by=by,
        unit=None,
        from_status="",
        from_unit=None,
        data={"channel": case.channel},
        public=True,
        at=now,
    )
    if notify:
        from fengqiao.notifications.actions import queue_for_unit

        queue_for_unit(
            unit,
            system_note(NEW_CASE, number=case.number),
            case.title,
            case_id=case.pk,
        )
    return case


@transaction.atomic
def _create_handled_on_spot(case: Case, by: User | None, outcome: str, now: datetime) -> Case:
    unit = _on_spot_unit(by, case.region)
    case.number, case.tracking_code = _next_number(now), new_tracking_code()
    case.current_unit, case.current_tier = unit, unit.tier
    case.status, case.handled_on_spot, case.outcome = Status.CLOSED, True, outcome
    case.accepted_at = case.resolved_at = case.closed_at = now
    case.resolved_tier, case.resolved_unit, case.dispatcher_unit = Tier.GRID, unit, unit
    case.save()
    record(
        case,
        Action.SUBMIT,
        by=by,
        unit=unit,
        from_status="",
        from_unit=None,
        data={"channel": case.channel},
        public=True,
        at=now,
    )
    record(
        case,
        Action.HANDLE_ON_SPOT,
        by=by,
        unit=unit,
        from_status=Status.SUBMITTED,
        from_unit=unit,
        note=outcome,
        public=True,
        at=now,
    )
    return case
