"""Every state change of an alert (预警), one function per action.

Each runs in one transaction: it locks the alert row, checks status and role, saves, appends an
``AlertEvent`` and queues notifications (delivered after commit). A refused action raises a
``CaseError`` subclass (the project's user-facing error family) and writes nothing.

Notifications by level (四色预警), to the governance centres whose jurisdiction covers the
alert's region:

- red (红色): every covering centre, district to community: inbox and e-mail to members, and an
  SMS to each centre's duty phone (``Unit.phone``) so leaders hear at once;
- orange (橙色): the street and community centres: inbox and e-mail, SMS to the street centre;
- yellow (黄色): the nearest (lowest) covering centre: inbox and e-mail;
- blue (蓝色): the nearest covering centre's inbox only.

An alert raised again at a higher level notifies as a new alert of that level; an update at the
same or a lower level notifies no one (the pattern is already in someone's hands).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from fengqiao.accounts.models import Membership, Role, Tier, Unit, UnitKind, User
from fengqiao.alerts.models import (
    EXPLANATION_TEMPLATE,
    OPEN_ALERT_STATUSES,
    TITLE_TEMPLATE,
    Alert,
    AlertAction,
    AlertEvent,
    AlertStatus,
    Level,
    level_rank,
)
from fengqiao.cases.errors import InvalidInput, NotAllowed, NotPermitted
from fengqiao.cases.models import Category
from fengqiao.core import notes
from fengqiao.core.notes import SystemNote, system_note, word
from fengqiao.notifications.actions import bulk_queue, inbox_row, queue_for_unit, queue_sms
from fengqiao.regions.models import Region

# Roles that may work an alert in their territory; members of the assigned unit may too.
ALERT_ROLES = frozenset({Role.OPERATOR, Role.LEADER, Role.ADMIN})
ASSIGNED_ROLES = frozenset({Role.OPERATOR, Role.LEADER, Role.ADMIN, Role.HANDLER, Role.MEDIATOR})


@dataclass(frozen=True)
class Finding:
    """What a detector found: one pattern, to raise or update one alert."""

    detector: str
    key: str
    level: str
    region: Region
    category: Category | None
    window_start: datetime
    window_end: datetime
    title: str | SystemNote  # a detector's own text is a SystemNote: shown in the reader's
    explanation: str | SystemNote  # language (core.notes)
    evidence: tuple[int, ...]  # case ids
    data: dict[str, Any]


def _record(
    alert: Alert,
    action: str,
    *,
    by: User | None,
    from_status: str,
    note: str | SystemNote = "",
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AlertEvent:
    note, data = notes.stored(note, data)
    return AlertEvent.objects.create(
        alert=alert,
        action=action,
        actor=by,
        from_status=from_status,
        to_status=alert.status,
        level=alert.level,
        note=note,
        data=data,
        created_at=at or timezone.now(),
    )


def covering_centres(region_path: str) -> list[Unit]:
    """Active governance centres whose jurisdiction contains the path, lowest tier first."""
    parts = [p for p in region_path.strip("/").split("/") if p]
    prefixes = ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    centres = list(
        Unit.objects.filter(
            kind=UnitKind.CENTRE, is_active=True, jurisdiction__path__in=prefixes
        ).select_related("jurisdiction")
    )
    return sorted(centres, key=lambda u: -len(u.jurisdiction.path))


# The notices of an alert (通知).
ALERT_SUBJECT = gettext_noop("%(level)s：%(title)s")
ALERT_SMS = gettext_noop("【枫桥预警】%(subject)s")
ALERT_TASK = gettext_noop("预警处置任务：%(title)s")


def _notify(alert: Alert) -> None:
    centres = covering_centres(alert.region_path)
    if not centres:
        return
    # Sent in the site's language whoever runs the detectors (a shell may be in English); shown
    # in an inbox in the reader's (core.notes).
    level = Level(alert.level)
    subject = system_note(
        ALERT_SUBJECT, level=notes.word(level.label), title=notes.nested(alert.title_note)
    )
    link = reverse("alerts:detail", args=[alert.pk])
    body = notes.joined(alert.explanation_note, link)  # the subject has the title
    if level == Level.BLUE:
        bulk_queue(
            [inbox_row(centres[0].pk, subject, body, case_id=None, now=timezone.now(), link=link)]
        )
        return
    if level == Level.YELLOW:
        targets, sms = centres[:1], []
    elif level == Level.ORANGE:
        targets = [c for c in centres if c.tier in (Tier.STREET, Tier.COMMUNITY)] or centres[:1]
        sms = [c for c in targets if c.tier == Tier.STREET]
    else:
        targets, sms = centres, centres
    for unit in targets:
        queue_for_unit(unit, subject, body, link=link)
    for unit in sms:
        if unit.phone:
            queue_sms(unit.phone, system_note(ALERT_SMS, subject=notes.nested(subject)))


def _open_for_key(key: str) -> Alert | None:
    return (
        Alert.objects.select_for_update()
        .filter(dedupe_key=key, status__in=OPEN_ALERT_STATUSES)
        .first()
    )


def raise_or_update(finding: Finding) -> Alert | None:
    """发出或更新预警: one open alert per pattern key.

    An open alert with the key is updated (window widened, new evidence added, level raised
    but never lowered, explanation and data replaced) and gets an ``update`` timeline row when
    anything changed. Otherwise a new alert is raised — unless the last alert for the key was
    closed or marked a false alarm and the finding brings no new case and no higher level, so
    a pattern someone has dealt with does not come back every few minutes. Returns the alert
    raised or changed, or None when the finding told nothing new (an open alert then only
    has its ``last_seen_at`` moved on).
    """
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return _raise_or_update(finding)
        except IntegrityError:
            continue  # another worker raised the same key first: update theirs
    return None


def _written(finding: Finding) -> tuple[str, str, dict[str, Any]]:
    """The alert's title, explanation and data: a detector's notes as text in the site's language,
    with their templates in ``data`` so that pages show them in the reader's (core.notes)."""
    title, data = notes.stored(finding.title, finding.data, TITLE_TEMPLATE)
    explanation, data = notes.stored(finding.explanation, data, EXPLANATION_TEMPLATE)
    return title[:200], explanation, data


def _raise_or_update(finding: Finding) -> Alert | None:
    now = timezone.now()
    evidence = set(finding.evidence)
    alert = _open_for_key(finding.key)
    if alert is not None:
        return _update(alert, finding, evidence, now)
    last = Alert.objects.filter(dedupe_key=finding.key).order_by("-raised_at", "-id").first()
    if last is not None:
        known = set(last.evidence.values_list("id", flat=True))
        if evidence <= known and level_rank(finding.level) <= level_rank(last.level):
            return None
    title, explanation, data = _written(finding)
    alert = Alert.objects.create(
        detector=finding.detector,
        level=finding.level,
        dedupe_key=finding.key,
        title=title,
        explanation=explanation,
        region=finding.region,
        region_path=finding.region.path,
        category=finding.category,
        window_start=finding.window_start,
        window_end=finding.window_end,
        data=data,
        raised_at=now,
        last_seen_at=now,
    )
    alert.evidence.add(*evidence)
    _record(alert, AlertAction.RAISE, by=None, from_status="", data=finding.data, at=now)
    _notify(alert)
    return alert


def _update(alert: Alert, finding: Finding, evidence: set[int], now: datetime) -> Alert | None:
    known = set(alert.evidence.values_list("id", flat=True))
    added = evidence - known
    raised = level_rank(finding.level) > level_rank(alert.level)
    widened = finding.window_start < alert.window_start or finding.window_end > alert.window_end
    alert.last_seen_at = now
    changed = bool(added) or raised or widened
    if changed:
        alert.window_start = min(alert.window_start, finding.window_start)
        alert.window_end = max(alert.window_end, finding.window_end)
        alert.title, alert.explanation, alert.data = _written(finding)
        if raised:
            alert.level = finding.level
    alert.save()
    if added:
        alert.evidence.add(*added)
    if changed:
        note: str | SystemNote = ""
        if raised:
            note = system_note(
                gettext_noop("升级为%(level)s"), level=word(Level(alert.level).label)
            )
        _record(
            alert,
            AlertAction.UPDATE,
            by=None,
            from_status=alert.status,
            note=note,
            data={"added_cases": sorted(added), **finding.data},
            at=now,
        )
        if raised:
            _notify(alert)
    return alert if changed else None


# --------------------------------------------------------------------------- people's actions


def can_act(user: User, alert: Alert) -> bool:
    """An operator, leader or administrator whose territory covers the alert, or a working
    member of the unit it is assigned to."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    for membership in Membership.objects.filter(user=user, unit__is_active=True).select_related(
        "unit__jurisdiction", "region"
    ):
        if membership.role in ALERT_ROLES and alert.region_path.startswith(
            membership.scope_region.path
        ):
            return True
        if membership.unit_id == alert.assigned_unit_id and membership.role in ASSIGNED_ROLES:
            return True
    return False


def _lock(alert: Alert) -> Alert:
    return Alert.objects.select_for_update().get(pk=alert.pk)


def _require(user: User, alert: Alert, allowed: Iterable[str], what: str) -> None:
    if not can_act(user, alert):
        raise NotPermitted(_("您没有权限%(what)s此预警。") % {"what": what})
    if alert.status not in allowed:
        raise NotAllowed(
            _("预警当前状态为“%(status)s”，不能%(what)s。")
            % {"status": alert.get_status_display(), "what": what}
        )


def _note(value: str, *, required: bool, field: str) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("请填写%(field)s。") % {"field": field})
    if len(value) > 2000:
        raise InvalidInput(_("%(field)s不能超过 2000 个字。") % {"field": field})
    return value


def _append_notes(alert: Alert, by: User, note: str, now: datetime) -> None:
    if note:
        line = f"[{timezone.localtime(now):%Y-%m-%d %H:%M} {by}] {note}"
        alert.response_notes = f"{alert.response_notes}\n{line}".strip()[:10000]


@transaction.atomic
def acknowledge(alert: Alert, *, by: User, note: str = "") -> Alert:
    """签收: someone has seen the alert and takes it on."""
    alert = _lock(alert)
    _require(by, alert, [AlertStatus.NEW], pgettext("alert", "签收"))
    note = _note(note, required=False, field=_("说明"))
    before, now = alert.status, timezone.now()
    alert.status, alert.acknowledged_at = AlertStatus.ACKNOWLEDGED, now
    _append_notes(alert, by, note, now)
    alert.save()
    _record(alert, AlertAction.ACKNOWLEDGE, by=by, from_status=before, note=note, at=now)
    return alert


@transaction.atomic
def respond(alert: Alert, *, by: User, note: str, unit: Unit | None = None) -> Alert:
    """处置: record what is being done, optionally assigning a unit to handle it."""
    alert = _lock(alert)
    _require(
        by, alert, [AlertStatus.NEW, AlertStatus.ACKNOWLEDGED, AlertStatus.RESPONDING], _("处置")
    )
    note = _note(note, required=True, field=_("处置措施"))
    before, now = alert.status, timezone.now()
    if alert.acknowledged_at is None:
        alert.acknowledged_at = now
    alert.status = AlertStatus.RESPONDING
    data: dict[str, Any] = {}
    if unit is not None and unit.pk != alert.assigned_unit_id:
        alert.assigned_unit = unit
        data["assigned_unit"] = unit.pk
    _append_notes(alert, by, note, now)
    alert.save()
    _record(alert, AlertAction.RESPOND, by=by, from_status=before, note=note, data=data, at=now)
    if "assigned_unit" in data and unit is not None:
        link = reverse("alerts:detail", args=[alert.pk])
        task = system_note(ALERT_TASK, title=notes.nested(alert.title_note))
        queue_for_unit(unit, task, notes.joined(alert.title_note, note, link), link=link)
    return alert


@transaction.atomic
def close(alert: Alert, *, by: User, note: str) -> Alert:
    """办结: the risk has been dealt with; a note says how."""
    alert = _lock(alert)
    _require(by, alert, [AlertStatus.ACKNOWLEDGED, AlertStatus.RESPONDING], _("办结"))
    note = _note(note, required=True, field=_("办结说明"))
    before, now = alert.status, timezone.now()
    alert.status, alert.closed_at = AlertStatus.CLOSED, now
    _append_notes(alert, by, note, now)
    alert.save()
    _record(alert, AlertAction.CLOSE, by=by, from_status=before, note=note, at=now)
    return alert


@transaction.atomic
def mark_false_alarm(alert: Alert, *, by: User, note: str) -> Alert:
    """标记误报: the pattern is not a real risk; the note says why (it tunes the thresholds)."""
    alert = _lock(alert)
    _require(by, alert, OPEN_ALERT_STATUSES, _("标记误报"))
    note = _note(note, required=True, field=_("误报原因"))
    before, now = alert.status, timezone.now()
    alert.status, alert.closed_at = AlertStatus.FALSE_ALARM, now
    _append_notes(alert, by, note, now)
    alert.save()
    _record(alert, AlertAction.FALSE_ALARM, by=by, from_status=before, note=note, at=now)
    return alert


def allowed_actions(user: User, alert: Alert) -> list[str]:
    """The action names the user may take on the alert now (for buttons and the API)."""
    if not can_act(user, alert):
        return []
    names = []
    if alert.status == AlertStatus.NEW:
        names.append("acknowledge")
    if alert.status in OPEN_ALERT_STATUSES:
        names.append("respond")
    if alert.status in (AlertStatus.ACKNOWLEDGED, AlertStatus.RESPONDING):
        names.append("close")
    if alert.status in OPEN_ALERT_STATUSES:
        names.append("false_alarm")
    return names
