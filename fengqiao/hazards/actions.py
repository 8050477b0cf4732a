"""Every state change of places and the hazard register (风险隐患台账).

Each function validates all its input first, then writes in one transaction: the row, a
``HazardEvent`` on the timeline and notifications to the responsible unit (outbox rows, sent
after commit). A refused call raises a ``CaseError`` (``FieldError`` names the input) and
writes nothing. Inspections are in ``hazards.inspections``; project cases in ``hazards.projects``.

The hazard lifecycle::

    identified ─start─► rectifying ─rectified─► rectified ─verify(pass)─► verified ─close─► closed
        │                  ▲                        └─verify(fail)─► rectifying           (销号)
        └─escalate─► escalated ─start─┘   (escalate also from rectifying; to a unit above)

The rectification deadline runs while the hazard is identified, rectifying or escalated;
the overdue job (``hazards.jobs``) flags it once it passes.
"""

from __future__ import annotations

import math
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fengqiao.accounts.models import Membership, Role, Unit, User
from fengqiao.cases.choices import Channel
from fengqiao.cases.deadlines import calendar
from fengqiao.cases.errors import NotAllowed, NotPermitted
from fengqiao.cases.intake import PHONE, submit
from fengqiao.cases.models import Case, Category
from fengqiao.core import notes
from fengqiao.core.notes import SystemNote, system_note
from fengqiao.fieldwork.actions import FieldError
from fengqiao.hazards import permissions
from fengqiao.hazards.choices import (
    RUNNING_STATUSES,
    DeadlineState,
    HazardAction,
    HazardLevel,
    HazardSource,
    HazardStatus,
    HazardType,
    PlaceType,
)
from fengqiao.hazards.models import Hazard, HazardEvent, HazardPhoto, InspectionRecord, Place
from fengqiao.lib.uploads import UploadRejected, check_upload
from fengqiao.lib.workcal import CalendarNotCovered
from fengqiao.notifications.actions import queue_for_unit
from fengqiao.regions.locator import locate
from fengqiao.regions.models import Level, Region

FUTURE_SLACK = timedelta(minutes=10)
MAX_PHOTOS = 6
MAX_DEADLINE_DAYS = 365


# --- input helpers -------------------------------------------------------------------------


def text(value: str, field: str, label: str, max_length: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise FieldError(_("请填写%(label)s。") % {"label": label}, field)
    if len(value) > max_length:
        raise FieldError(
            _("%(label)s不能超过 %(n)d 个字。") % {"label": label, "n": max_length}, field
        )
    return value


def phone(value: str, field: str, label: str) -> str:
    value = text(value, field, label, 20, required=False)
    if value and not PHONE.match(value):
        raise FieldError(_("%(label)s格式不正确。") % {"label": label}, field)
    return value


def choice(value: str, choices: Any, field: str, label: str) -> str:
    if value not in choices.values:
        raise FieldError(_("请选择%(label)s。") % {"label": label}, field)
    return value


def moment(value: datetime | None, field: str, label: str) -> datetime:
    value = value or timezone.now()
    if timezone.is_naive(value):
        raise FieldError(_("%(label)s须包含时区。") % {"label": label}, field)
    if value > timezone.now() + FUTURE_SLACK:
        raise FieldError(_("%(label)s不能晚于现在。") % {"label": label}, field)
    return value


def locate_point(lon: float | None, lat: float | None) -> tuple[float, float, Region]:
    """The point's grid; a point outside the district is a clear error naming ``lon``."""
    if lon is None or lat is None:
        raise FieldError(_("请定位或在地图上选点。"), "lon")
    if not (math.isfinite(float(lon)) and math.isfinite(float(lat))):
        raise FieldError(_("位置无效，请重新定位或选点。"), "lon")
    try:
        location = locate(float(lon), float(lat))
    except (TypeError, ValueError) as exc:
        raise FieldError(_("位置无效，请重新定位或选点。"), "lon") from exc
    if location.grid is None:
        raise FieldError(_("该位置不在本辖区内，请核对地点。"), "lon")
    return location.lon, location.lat, location.grid


@dataclass(frozen=True)
class Photo:
    """A photo that passed the content check: re-encoded bytes and what to store them as."""

    data: bytes
    extension: str
    content_type: str
    original_name: str


def check_photos(photos: Sequence[tuple[bytes, str]], field: str = "photos") -> list[Photo]:
    """Check every photo by its content before anything is written; not an image → error."""
    if len(photos) > MAX_PHOTOS:
        raise FieldError(_("最多上传 %(n)d 张照片。") % {"n": MAX_PHOTOS}, field)
    checked = []
    for data, filename in photos:
        try:
            result = check_upload(data, filename)
        except UploadRejected as exc:
            raise FieldError(exc.message_zh, field) from exc
        if result.kind != "image":
            raise FieldError(_("“%(name)s”不是照片，请上传图片。") % {"name": filename}, field)
        checked.append(
            Photo(result.data, result.extension, result.content_type, result.original_name)
        )
    return checked


_guards = threading.local()


@contextmanager
def files_guard() -> Iterator[list[HazardPhoto]]:
    """``transaction.atomic`` that also deletes the photo files written inside it when it rolls
    back. Nested in another guard, the files are handed to it, since its transaction may still
    roll back after ours succeeded."""
    stack: list[list[HazardPhoto]] = getattr(_guards, "stack", None) or []
    _guards.stack = stack
    written: list[HazardPhoto] = []
    stack.append(written)
    try:
        with transaction.atomic():
            yield written
    except BaseException:
        for row in written:
            row.file.delete(save=False)
        raise
    finally:
        stack.pop()
    if stack:
        stack[-1].extend(written)


def _store_photos(
    hazard: Hazard, photos: list[Photo], stage: str, by: User | None, written: list[HazardPhoto]
) -> None:
    """Write the files and rows inside a ``files_guard``."""
    for photo in photos:
        stored = f"{uuid.uuid4().hex}{photo.extension}"
        row = HazardPhoto(
            hazard=hazard,
            stage=stage,
            stored_name=stored,
            original_name=photo.original_name,
            content_type=photo.content_type,
            size=len(photo.data),
            uploaded_by=by,
        )
        row.file.save(stored, ContentFile(photo.data), save=False)
        written.append(row)
        row.save()


def record(
    hazard: Hazard,
    action: str,
    *,
    by: User | None,
    from_status: str,
    note: str | SystemNote = "",
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> HazardEvent:
    """Append a timeline entry for a change already applied to ``hazard``."""
    note, data = notes.stored(note, data)
    return HazardEvent.objects.create(
        hazard=hazard,
        action=action,
        actor=by,
        from_status=from_status,
        to_status=hazard.status,
        note=note,
        data=data,
        created_at=at or timezone.now(),
    )


HAZARD_SUBJECT = gettext_noop("【%(level)s隐患】%(title)s %(what)s")


def _notify(hazard: Hazard, unit: Unit, what: SystemNote) -> None:
    """Tell the unit; sent in the site's language, shown in its inbox in the reader's."""
    subject = system_note(
        HAZARD_SUBJECT,
        level=notes.word(HazardLevel(hazard.level).label),
        title=hazard.title,
        what=notes.nested(what),
    )
    body = notes.joined(hazard.title, what, hazard.address or hazard.region.name)
    queue_for_unit(unit, subject, body, link=reverse("hazards:detail", args=[hazard.pk]))


# --- places --------------------------------------------------------------------------------


def register_place(
    *,
    by: User,
    place_type: str,
    name: str,
    lon: float | None,
    lat: float | None,
    address: str = "",
    responsible_unit: Unit | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    owner: str = "",
    owner_contact: str = "",
    owner_phone: str = "",
    contractor: str = "",
) -> Place:
    """登记重点场所 at a point in the district; construction projects need their owner (业主)."""
    place_type = choice(place_type, PlaceType, "place_type", _("场所类型"))
    lon, lat, grid = locate_point(lon, lat)
    permissions.require_covers(by, grid.path, permissions.FIELD_ROLES, _("登记重点场所"))
    is_project = place_type == PlaceType.CONSTRUCTION
    place = Place(
        place_type=place_type,
        name=text(name, "name", _("名称"), 100),
        address=text(address, "address", _("地址"), 200, required=False),
        lon=lon,
        lat=lat,
        grid=grid,
        region_path=grid.path,
        responsible_unit=responsible_unit,
        contact_name=text(contact_name, "contact_name", _("负责人"), 50, required=False),
        contact_phone=phone(contact_phone, "contact_phone", _("负责人电话")),
        owner=text(owner, "owner", _("业主单位"), 100, required=is_project),
        owner_contact=text(owner_contact, "owner_contact", _("业主联系人"), 50, required=False),
        owner_phone=phone(owner_phone, "owner_phone", _("业主联系电话")),
        contractor=text(contractor, "contractor", _("施工单位"), 100, required=False),
        created_by=by,
    )
    place.save()
    return place


@transaction.atomic
def close_place(place: Place, *, by: User) -> Place:
    """关闭场所 (the school moved, the project finished): no more inspections are planned."""
    place = Place.objects.select_for_update().get(pk=place.pk)
    permissions.require_covers(by, place.region_path, permissions.STAFF_ROLES, _("关闭场所"))
    if place.closed:
        raise NotAllowed(_("场所“%(name)s”已关闭。") % {"name": place.name})
    place.closed, place.closed_at = True, timezone.now()
    place.save(update_fields=["closed", "closed_at"])
    return place


def open_place(place: Place | None, field: str = "place") -> Place | None:
    # Read from the database: the object may have been loaded before the place was closed.
    if place is not None and Place.objects.filter(pk=place.pk, closed=True).exists():
        raise FieldError(
            _("场所“%(name)s”已关闭，不能再排查或登记隐患。") % {"name": place.name}, field
        )
    return place


# --- hazards -------------------------------------------------------------------------------


def _due(found_at: datetime, deadline_days: int | None, deadline: date | None) -> datetime:
    """The rectification deadline: N working days after the finding, or the close of office
    hours on a given date (the next working day's, if it is not one)."""
    if (deadline_days is None) == (deadline is None):
        raise FieldError(_("请填写整改期限（工作日数或截止日期，二选一）。"), "deadline")
    if deadline_days is not None:
        if not 1 <= int(deadline_days) <= MAX_DEADLINE_DAYS:
            raise FieldError(
                _("整改期限须在 1 到 %(n)d 个工作日之间。") % {"n": MAX_DEADLINE_DAYS},
                "deadline_days",
            )
        try:
            return calendar().add(found_at, int(deadline_days), "days")
        except CalendarNotCovered as exc:
            raise FieldError(
                _("工作日历尚未覆盖该期限所在年份，请联系管理员。"), "deadline_days"
            ) from exc
    assert deadline is not None
    found_day = timezone.localdate(found_at)
    if deadline < found_day:
        raise FieldError(
            _("整改期限（%(d)s）不能早于发现日期（%(f)s）。") % {"d": deadline, "f": found_day},
            "deadline",
        )
    midnight = timezone.make_aware(datetime.combine(deadline, time()))
    try:
        return calendar().add_working_days(midnight, 0)
    except CalendarNotCovered as exc:
        raise FieldError(_("工作日历尚未覆盖该期限所在年份，请联系管理员。"), "deadline") from exc


def _where(
    place: Place | None,
    lon: float | None,
    lat: float | None,
    region: Region | None,
) -> tuple[Region, float | None, float | None]:
    if place is not None:
        if lon is None and lat is None:
            return place.grid, place.lon, place.lat
        lon, lat, grid = locate_point(lon, lat)
        return grid, lon, lat
    if lon is not None or lat is not None:
        lon, lat, grid = locate_point(lon, lat)
        return grid, lon, lat
    if region is None:
        raise FieldError(_("请选择场所，或定位隐患所在位置。"), "lon")
    if region.level == Level.DISTRICT:
        raise FieldError(_("请选择具体的网格、社区或街道。"), "region")
    return region, None, None


def register_hazard(
    *,
    by: User | None,
    hazard_type: str,
    level: str,
    title: str,
    description: str,
    responsible_unit: Unit | None,
    measures: str,
    deadline_days: int | None = None,
    deadline: date | None = None,
    found_at: datetime | None = None,
    place: Place | None = None,
    lon: float | None = None,
    lat: float | None = None,
    region: Region | None = None,
    address: str = "",
    responsible_person: str = "",
    responsible_phone: str = "",
    source: str = HazardSource.REPORT,
    case: Case | None = None,
    inspection: InspectionRecord | None = None,
    photos: Sequence[tuple[bytes, str]] = (),
    submission_key: str = "",
    check_permission: bool = True,
) -> Hazard:
    """登记隐患: validate everything, then write the hazard, its photos, the timeline entry and
    the notice to the responsible unit in one transaction. The same ``submission_key`` returns
    the hazard already registered."""
    key = text(submission_key, "submission_key", _("提交标识"), 64, required=False)
    if key:
        existing = Hazard.objects.filter(submission_key=key).first()
        if existing is not None:
            return existing
    open_place(place)
    where, lon, lat = _where(place, lon, lat, region)
    if check_permission:
        if by is None:
            raise NotPermitted(_("请先登录。"))
        permissions.require_covers(by, where.path, permissions.FIELD_ROLES, _("登记隐患"))
    if responsible_unit is None or not responsible_unit.is_active:
        raise FieldError(_("请选择责任单位。"), "responsible_unit")
    found_at = moment(found_at, "found_at", _("发现时间"))
    now = timezone.now()
    hazard = Hazard(
        hazard_type=choice(hazard_type, HazardType, "hazard_type", _("隐患类型")),
        level=choice(level, HazardLevel, "level", _("隐患等级")),
        title=text(title, "title", _("隐患名称"), 100),
        description=text(description, "description", _("隐患描述"), 5000),
        place=place,
        lon=lon,
        lat=lat,
        address=text(
            address or (place.address if place else ""), "address", _("地点"), 200, required=False
        ),
        region=where,
        region_path=where.path,
        source=choice(source, HazardSource, "source", _("发现方式")),
        case=case,
        inspection=inspection,
        responsible_unit=responsible_unit,
        responsible_person=text(
            responsible_person, "responsible_person", _("责任人"), 50, required=False
        ),
        responsible_phone=phone(responsible_phone, "responsible_phone", _("责任人电话")),
        measures=text(measures, "measures", _("整改措施"), 2000),
        found_at=found_at,
        due_at=_due(found_at, deadline_days, deadline),
        reported_by=by,
        submission_key=key,
        created_at=now,
    )
    hazard.deadline_state = (
        DeadlineState.OVERDUE if hazard.due_at and hazard.due_at <= now else DeadlineState.NORMAL
    )
    checked = check_photos(photos)
    try:
        with files_guard() as written:
            hazard.save()
            record(
                hazard,
                HazardAction.REGISTER,
                by=by,
                from_status="",
                at=now,
                data={"source": hazard.source, "case": case.number if case else None},
            )
            _store_photos(hazard, checked, HazardPhoto.Stage.FINDING, by, written)
            _notify(hazard, responsible_unit, system_note(gettext_noop("已登记，请在期限内整改")))
    except IntegrityError:
        existing = Hazard.objects.filter(submission_key=key).first() if key else None
        if existing is None:
            raise
        return existing
    return hazard


def hazard_from_case(case: Case, *, by: User, **fields: Any) -> Hazard:
    """A hazard raised from a case (事件转隐患): it lies where the case lies and refers to it."""
    fields.setdefault("lon", case.lon)
    fields.setdefault("lat", case.lat)
    fields.setdefault("address", case.address)
    fields.setdefault("title", case.title)
    fields.setdefault("description", case.description)
    if fields.get("lon") is None:
        fields.setdefault("region", case.region)
    return register_hazard(by=by, source=HazardSource.CASE, case=case, **fields)


def _lock(hazard: Hazard) -> Hazard:
    return Hazard.objects.select_for_update().select_related("region").get(pk=hazard.pk)


def _require_status(hazard: Hazard, allowed: Sequence[str], what: str) -> None:
    if hazard.status not in allowed:
        raise NotAllowed(
            _("隐患“%(title)s”当前状态为“%(status)s”，不能%(what)s。")
            % {"title": hazard.title, "status": hazard.get_status_display(), "what": what}
        )


def _may_rectify(by: User, hazard: Hazard, what: str) -> None:
    if not (
        permissions.member_of(by, hazard.responsible_unit)
        or permissions.covers(by, hazard.region_path, permissions.FIELD_ROLES)
    ):
        raise NotPermitted(_("您不是该隐患的责任单位人员，不能%(what)s。") % {"what": what})


@transaction.atomic
def start_rectification(hazard: Hazard, *, by: User, note: str = "") -> Hazard:
    """开始整改: the responsible unit takes the hazard in hand."""
    hazard = _lock(hazard)
    _may_rectify(by, hazard, _("开始整改"))
    _require_status(hazard, [HazardStatus.IDENTIFIED, HazardStatus.ESCALATED], _("开始整改"))
    before = hazard.status
    hazard.status = HazardStatus.RECTIFYING
    hazard.save()
    record(
        hazard,
        HazardAction.START,
        by=by,
        from_status=before,
        note=text(note, "note", _("说明"), 2000, required=False),
    )
    return hazard


def report_rectified(
    hazard: Hazard, *, by: User, note: str, photos: Sequence[tuple[bytes, str]] = ()
) -> Hazard:
    """整改完成: what was done, with photos; the hazard waits for verification on site."""
    note = text(note, "note", _("整改情况"), 2000)
    checked = check_photos(photos)
    with files_guard() as written:
        hazard = _lock(hazard)
        _may_rectify(by, hazard, _("报告整改完成"))
        _require_status(hazard, RUNNING_STATUSES, _("报告整改完成"))
        before, now = hazard.status, timezone.now()
        hazard.status, hazard.rectified_at, hazard.rectification_note = (
            HazardStatus.RECTIFIED,
            now,
            note,
        )
        hazard.save()
        record(
            hazard,
            HazardAction.RECTIFIED,
            by=by,
            from_status=before,
            note=note,
            at=now,
            data={"on_time": bool(hazard.due_at and now <= hazard.due_at)},
        )
        _store_photos(hazard, checked, HazardPhoto.Stage.RECTIFICATION, by, written)
    return hazard


@transaction.atomic
def verify(hazard: Hazard, *, by: User, passed: bool, note: str = "") -> Hazard:
    """核查: on-site check of the rectification; failing sends it back to rectifying."""
    hazard = _lock(hazard)
    permissions.require_covers(by, hazard.region_path, permissions.FIELD_ROLES, _("核查隐患"))
    _require_status(hazard, [HazardStatus.RECTIFIED], _("核查"))
    note = text(note, "note", _("核查意见"), 2000, required=not passed)
    before, now = hazard.status, timezone.now()
    if passed:
        hazard.status, hazard.verified_at = HazardStatus.VERIFIED, now
        action = HazardAction.VERIFY_PASS
    else:
        hazard.status, hazard.rectified_at = HazardStatus.RECTIFYING, None
        action = HazardAction.VERIFY_FAIL
        # The deadline runs again; past it, the hazard is overdue at once.
        if hazard.due_at and hazard.due_at <= now:
            hazard.deadline_state = DeadlineState.OVERDUE
        _notify(
            hazard, hazard.responsible_unit, system_note(gettext_noop("核查未通过，请继续整改"))
        )
    hazard.save()
    record(hazard, action, by=by, from_status=before, note=note, at=now)
    return hazard


@transaction.atomic
def close(hazard: Hazard, *, by: User, note: str = "") -> Hazard:
    """销号: a centre signs off a verified hazard; it leaves the open register."""
    hazard = _lock(hazard)
    permissions.require_covers(by, hazard.region_path, permissions.STAFF_ROLES, _("销号"))
    _require_status(hazard, [HazardStatus.VERIFIED], _("销号"))
    before, now = hazard.status, timezone.now()
    hazard.status, hazard.closed_at = HazardStatus.CLOSED, now
    hazard.save()
    record(
        hazard,
        HazardAction.CLOSE,
        by=by,
        from_status=before,
        at=now,
        note=text(note, "note", _("销号意见"), 2000, required=False),
    )
    return hazard


@transaction.atomic
def escalate(hazard: Hazard, *, by: User, to_unit: Unit, note: str) -> Hazard:
    """上报: a hazard beyond the responsible unit goes to another unit (usually the centre
    above), which becomes responsible for it; the deadline keeps running."""
    hazard = _lock(hazard)
    permissions.require_covers(by, hazard.region_path, permissions.FIELD_ROLES, _("上报隐患"))
    _require_status(hazard, RUNNING_STATUSES, _("上报"))
    if not to_unit.is_active or to_unit.pk == hazard.responsible_unit_id:
        raise FieldError(_("请选择另一个承接单位。"), "to_unit")
    note = text(note, "note", _("上报理由"), 2000)
    before, from_unit = hazard.status, hazard.responsible_unit
    hazard.status, hazard.responsible_unit = HazardStatus.ESCALATED, to_unit
    hazard.save()
    record(
        hazard,
        HazardAction.ESCALATE,
        by=by,
        from_status=before,
        note=note,
        data={"from_unit": from_unit.name, "to_unit": to_unit.name},
    )
    _notify(hazard, to_unit, system_note(gettext_noop("已上报至本单位，请处置")))
    return hazard


def add_photos(
    hazard: Hazard, *, by: User, photos: Sequence[tuple[bytes, str]], stage: str
) -> Hazard:
    """Add evidence photos at any open stage."""
    if stage not in HazardPhoto.Stage.values:
        raise FieldError(_("请选择照片阶段。"), "stage")
    checked = check_photos(photos)
    if not checked:
        raise FieldError(_("请选择照片。"), "photos")
    with files_guard() as written:
        hazard = _lock(hazard)
        _may_rectify(by, hazard, _("添加照片"))
        if hazard.status == HazardStatus.CLOSED:
            raise NotAllowed(_("隐患已销号，不能再添加照片。"))
        if hazard.photos.count() + len(checked) > 3 * MAX_PHOTOS:
            raise NotAllowed(_("每个隐患最多 %(n)d 张照片。") % {"n": 3 * MAX_PHOTOS})
        _store_photos(hazard, checked, stage, by, written)
        record(
            hazard,
            HazardAction.PHOTO,
            by=by,
            from_status=hazard.status,
            data={"count": len(checked), "stage": stage},
        )
    return hazard


def _channel(by: User) -> str:
    is_worker = Membership.objects.filter(user=by, role=Role.GRID_WORKER).exists()
    return Channel.GRID_WORKER if is_worker else Channel.WALK_IN


def raise_case(hazard: Hazard, *, by: User, category: Category | str, note: str = "") -> Case:
    """隐患转事件: a hazard that needs the case workflow (dispatch to a department, a dispute)
    becomes a case through ``cases.intake.submit``; the hazard keeps a link to it."""
    note = text(note, "note", _("转办说明"), 1000, required=False)
    with transaction.atomic():
        hazard = _lock(hazard)
        permissions.require_covers(by, hazard.region_path, permissions.FIELD_ROLES, _("转为事件"))
        if hazard.raised_case_id is not None:
            raise NotAllowed(_("该隐患已转为事件，不能重复转办。"))
        _require_status(
            hazard, [s for s in HazardStatus.values if s != HazardStatus.CLOSED], _("转为事件")
        )
        description = f"{hazard.description}\n\n【隐患台账转入】整改措施：{hazard.measures}"
        if note:
            description += f"\n{note}"
        case = submit(
            category=category,
            title=hazard.title,
            description=description[:5000],
            occurred_at=hazard.found_at,
            channel=_channel(by),
            by=by,
            lon=hazard.lon,
            lat=hazard.lat,
            region=None if hazard.lon is not None else hazard.region,
            address=hazard.address,
        )
        hazard.raised_case = case
        hazard.save(update_fields=["raised_case", "updated_at"])
        record(
            hazard,
            HazardAction.RAISE_CASE,
            by=by,
            from_status=hazard.status,
            note=note,
            data={"case": case.number},
        )
    return case
