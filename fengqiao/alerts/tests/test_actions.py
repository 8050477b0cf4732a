"""Alert actions through the real database: dedupe, timeline, notifications by level, roles."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from fengqiao.alerts import actions
from fengqiao.alerts.actions import Finding
from fengqiao.alerts.models import Alert, AlertAction, AlertStatus, Detector, Level
from fengqiao.cases.errors import InvalidInput, NotAllowed, NotPermitted
from fengqiao.cases.tests.factories import make_case
from fengqiao.conftest import Personas
from fengqiao.notifications.models import Channel, Notification
from fengqiao.regions.models import Region

SH = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2025, 3, 3, 9, 0, tzinfo=SH)


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def finding(
    region: Region,
    *,
    key: str = "surge:x",
    level: str = Level.YELLOW,
    evidence: tuple[int, ...] = (),
) -> Finding:
    return Finding(
        detector=Detector.SURGE,
        key=key,
        level=level,
        region=region,
        category=None,
        window_start=MONDAY - timedelta(days=2),
        window_end=MONDAY,
        title="测试预警",
        explanation="近三日邻里纠纷明显增多。",
        evidence=evidence,
        data={"count": 5},
    )


def community(personas: Personas) -> Region:
    return personas.units["community"].jurisdiction


def test_raising_writes_the_alert_its_evidence_and_timeline(personas: Personas, clock: Any) -> None:
    case = make_case()
    alert = actions.raise_or_update(finding(community(personas), evidence=(case.pk,)))
    assert alert is not None
    assert alert.status == AlertStatus.NEW and alert.region_path == community(personas).path
    assert list(alert.evidence.all()) == [case]
    assert [e.action for e in alert.events.all()] == [AlertAction.RAISE]


def test_the_same_pattern_updates_its_open_alert(personas: Personas, clock: Any) -> None:
    first, second = make_case(), make_case(title="又一起")
    alert = actions.raise_or_update(finding(community(personas), evidence=(first.pk,)))
    clock.shift(timedelta(hours=1))
    again = actions.raise_or_update(finding(community(personas), evidence=(first.pk, second.pk)))
    assert again is not None and alert is not None and again.pk == alert.pk
    assert Alert.objects.count() == 1
    assert set(again.evidence.all()) == {first, second}
    assert [e.action for e in again.events.all()] == [AlertAction.RAISE, AlertAction.UPDATE]
    # Nothing new: the alert's last_seen moves on but no timeline row is added.
    clock.shift(timedelta(hours=1))
    assert actions.raise_or_update(finding(community(personas), evidence=(first.pk,))) is None
    assert again.events.count() == 2
    again.refresh_from_db()
    assert again.last_seen_at == MONDAY + timedelta(hours=2)


def test_a_higher_level_raises_the_alert_and_notifies_again_a_lower_one_does_not_lower_it(
    personas: Personas, clock: Any
) -> None:
    alert = actions.raise_or_update(finding(community(personas), level=Level.YELLOW))
    assert alert is not None
    before = Notification.objects.count()
    actions.raise_or_update(finding(community(personas), level=Level.ORANGE))
    alert.refresh_from_db()
    assert alert.level == Level.ORANGE
    assert Notification.objects.count() > before
    actions.raise_or_update(finding(community(personas), level=Level.BLUE))
    alert.refresh_from_db()
    assert alert.level == Level.ORANGE


def test_a_closed_pattern_returns_only_with_new_cases(personas: Personas, clock: Any) -> None:
    p = personas
    first = make_case()
    alert = actions.raise_or_update(finding(community(p), evidence=(first.pk,)))
    assert alert is not None
    actions.acknowledge(alert, by=p.community_operator)
    actions.close(alert, by=p.community_operator, note="已调解")
    assert actions.raise_or_update(finding(community(p), evidence=(first.pk,))) is None
    second = make_case(title="新的一起")
    fresh = actions.raise_or_update(finding(community(p), evidence=(first.pk, second.pk)))
    assert fresh is not None and fresh.pk != alert.pk and fresh.status == AlertStatus.NEW


def test_acknowledge_respond_close_on_the_timeline(personas: Personas, clock: Any) -> None:
    p = personas
    alert = actions.raise_or_update(finding(community(p)))
    assert alert is not None
    alert = actions.acknowledge(alert, by=p.community_operator, note="收到")
    alert = actions.respond(alert, by=p.community_operator, note="已约谈双方", unit=p.department)
    assert alert.status == AlertStatus.RESPONDING and alert.assigned_unit == p.department
    assert Notification.objects.filter(unit=p.department, channel=Channel.INBOX).exists()
    alert = actions.close(alert, by=p.street_operator, note="矛盾已化解")
    assert alert.status == AlertStatus.CLOSED and alert.closed_at == MONDAY
    assert "已约谈双方" in alert.response_notes and "矛盾已化解" in alert.response_notes
    events = list(alert.events.values_list("action", "from_status", "to_status", "actor__username"))
    assert events[1:] == [
        (AlertAction.ACKNOWLEDGE, "new", "acknowledged", "community_operator"),
        (AlertAction.RESPOND, "acknowledged", "responding", "community_operator"),
        (AlertAction.CLOSE, "responding", "closed", "street_operator"),
    ]


def test_false_alarm_needs_a_reason_and_ends_the_alert(personas: Personas, clock: Any) -> None:
    p = personas
    alert = actions.raise_or_update(finding(community(p)))
    assert alert is not None
    with pytest.raises(InvalidInput):
        actions.mark_false_alarm(alert, by=p.community_operator, note=" ")
    alert = actions.mark_false_alarm(alert, by=p.community_operator, note="重复录入")
    assert alert.status == AlertStatus.FALSE_ALARM
    with pytest.raises(NotAllowed):
        actions.acknowledge(alert, by=p.community_operator)


def test_closing_a_new_alert_needs_acknowledgement_first(personas: Personas, clock: Any) -> None:
    alert = actions.raise_or_update(finding(community(personas)))
    assert alert is not None
    with pytest.raises(NotAllowed):
        actions.close(alert, by=personas.community_operator, note="x")


@pytest.mark.parametrize("who", ["outsider", "grid_worker", "department_handler"])
def test_people_without_an_alert_role_here_cannot_act(
    personas: Personas, clock: Any, who: str
) -> None:
    alert = actions.raise_or_update(finding(community(personas)))
    assert alert is not None
    with pytest.raises(NotPermitted):
        actions.acknowledge(alert, by=getattr(personas, who))
    assert actions.allowed_actions(getattr(personas, who), alert) == []


def test_the_assigned_units_handler_may_work_the_alert(personas: Personas, clock: Any) -> None:
    p = personas
    alert = actions.raise_or_update(finding(community(p)))
    assert alert is not None
    actions.respond(alert, by=p.community_operator, note="交人社局", unit=p.department)
    alert.refresh_from_db()
    assert "close" in actions.allowed_actions(p.department_handler, alert)
    actions.close(alert, by=p.department_handler, note="已支付欠薪")


def test_notifications_follow_the_level(personas: Personas, clock: Any) -> None:
    p = personas
    p.units["district"].phone = "13900000001"
    p.units["district"].save()
    p.units["street"].phone = "13900000002"
    p.units["street"].save()
    region = community(p)

    def sent(key: str, level: str) -> set[tuple[str, str | None]]:
        Notification.objects.all().delete()
        actions.raise_or_update(finding(region, key=key, level=level))
        return {
            (n.channel, n.unit.code if n.unit else n.address) for n in Notification.objects.all()
        }

    assert sent("a", Level.BLUE) == {(Channel.INBOX, "c11-centre")}
    assert sent("b", Level.YELLOW) == {(Channel.INBOX, "c11-centre")}
    assert sent("c", Level.ORANGE) == {
        (Channel.INBOX, "c11-centre"),
        (Channel.INBOX, "street1-centre"),
        (Channel.SMS, "13900000002"),
    }
    assert sent("d", Level.RED) == {
        (Channel.INBOX, "c11-centre"),
        (Channel.INBOX, "street1-centre"),
        (Channel.INBOX, "district-centre"),
        (Channel.SMS, "13900000001"),
        (Channel.SMS, "13900000002"),
    }


def test_alerts_are_scoped_like_cases(personas: Personas, clock: Any) -> None:
    p = personas
    here = actions.raise_or_update(finding(community(p), key="here"))
    other_street = Region.objects.get(code="430299002001")
    there = actions.raise_or_update(finding(other_street, key="there"))
    assert here is not None and there is not None

    def visible(user: Any) -> set[str]:
        return set(Alert.objects.visible_to(user).values_list("dedupe_key", flat=True))

    assert visible(p.community_operator) == {"here"}
    assert visible(p.street_operator) == {"here"}
    assert visible(p.district_leader) == {"here", "there"}
    assert visible(p.outsider) == set()
    assert visible(p.department_handler) == set()
    actions.respond(there, by=p.district_leader, note="交人社局", unit=p.department)
    assert visible(p.department_handler) == {"there"}
