"""The rule and surge detectors on real cases: what raises an alert, at what level, and once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from fengqiao.alerts import detectors
from fengqiao.alerts.models import Alert, Detector, KeyPeriod, Level
from fengqiao.cases.choices import DeadlineState
from fengqiao.cases.models import Case, Party
from fengqiao.cases.tests.factories import make_case
from fengqiao.conftest import Personas

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 3, 12, 10, 0, tzinfo=SH)
COMMUNITY = "430299001001"


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def alerts(detector: str) -> list[Alert]:
    return list(Alert.objects.filter(detector=detector).order_by("id"))


def test_several_overdue_cases_in_a_community_raise_one_alert(
    personas: Personas, clock: Any
) -> None:
    cases = [make_case(title=f"超期{i}") for i in range(3)]
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(
        deadline_state=DeadlineState.OVERDUE, due_at=NOW - timedelta(days=2)
    )
    detectors.run_rules()
    detectors.run_rules()  # a second run updates, never duplicates
    [alert] = alerts(Detector.OVERDUE)
    assert alert.level == Level.YELLOW and alert.region.code == COMMUNITY
    assert alert.evidence.count() == 3
    assert "3 件事件超过办理期限" in alert.explanation


def test_a_case_long_overdue_is_orange_on_its_own(personas: Personas, clock: Any) -> None:
    case = make_case()
    Case.objects.filter(pk=case.pk).update(
        deadline_state=DeadlineState.OVERDUE, due_at=NOW - timedelta(days=12)
    )
    detectors.run_rules()
    [alert] = alerts(Detector.OVERDUE)
    assert alert.level == Level.ORANGE and "12 天" in alert.explanation


def test_one_overdue_case_is_left_to_the_deadline_sweep(personas: Personas, clock: Any) -> None:
    case = make_case()
    Case.objects.filter(pk=case.pk).update(
        deadline_state=DeadlineState.OVERDUE, due_at=NOW - timedelta(days=1)
    )
    detectors.run_rules()
    assert alerts(Detector.OVERDUE) == []


def test_repeatedly_escalated_case(personas: Personas, clock: Any) -> None:
    once, twice, thrice = make_case(), make_case(), make_case()
    for case, n in ((once, 1), (twice, 2), (thrice, 3)):
        Case.objects.filter(pk=case.pk).update(escalations=n)
    detectors.run_rules()
    levels = {a.evidence.get().pk: a.level for a in alerts(Detector.ESCALATED)}
    assert levels == {twice.pk: Level.YELLOW, thrice.pk: Level.ORANGE}


def test_repeat_disputes_between_the_same_party(personas: Personas, clock: Any) -> None:
    for i in range(3):
        case = make_case(title=f"纠纷{i}", address=f"幸福路{i}号")
        Party.objects.create(case=case, role=Party.Role.APPLICANT, name="王 小明")
        Party.objects.create(case=case, role=Party.Role.RESPONDENT, name=f"邻居{i}")
    detectors.run_rules()
    [alert] = alerts(Detector.REPEAT_PARTIES)
    assert alert.level == Level.YELLOW and alert.evidence.count() == 3
    assert "王小明" not in alert.explanation and "王" in alert.explanation  # masked


def test_repeat_disputes_at_one_address_outside_the_window_do_not_count(
    personas: Personas, clock: Any
) -> None:
    old = make_case(address="幸福路 8 号 3 栋")
    Case.objects.filter(pk=old.pk).update(submitted_at=NOW - timedelta(days=45))
    make_case(address="幸福路8号3栋", category="dispute-property")
    make_case(address="幸福路8号3栋", category="dispute-debt")
    detectors.run_rules()
    assert alerts(Detector.REPEAT_ADDRESS) == []
    make_case(address="幸福路8号3栋", category="dispute-consumer")
    detectors.run_rules()
    [alert] = alerts(Detector.REPEAT_ADDRESS)
    assert alert.evidence.count() == 3 and "幸福路8号3栋" in alert.title


def test_same_grid_and_category_repeats(personas: Personas, clock: Any) -> None:
    for i in range(6):
        make_case(title=f"漏水{i}", address="")
    detectors.run_rules()
    [alert] = alerts(Detector.REPEAT_GRID)
    assert alert.level == Level.ORANGE  # 6 = 2 × k
    assert alert.category is not None and alert.category.code == "dispute-neighbour"


def test_key_period_makes_repeats_stricter(personas: Personas, clock: Any) -> None:
    for i in range(2):
        make_case(title=f"纠纷{i}", address="建设路12号")
    detectors.run_rules()
    assert alerts(Detector.REPEAT_ADDRESS) == []
    period = KeyPeriod.objects.create(
        name="全国两会", starts_on=date(2025, 3, 4), ends_on=date(2025, 3, 15)
    )
    period.regions.add(personas.units["street"].jurisdiction)
    detectors.run_rules()
    [alert] = alerts(Detector.REPEAT_ADDRESS)
    assert "全国两会" in alert.explanation


def test_key_period_elsewhere_changes_nothing(personas: Personas, clock: Any) -> None:
    for i in range(2):
        make_case(title=f"纠纷{i}", address="建设路12号")
    period = KeyPeriod.objects.create(
        name="全国两会", starts_on=date(2025, 3, 4), ends_on=date(2025, 3, 15)
    )
    from fengqiao.regions.models import Region

    period.regions.add(Region.objects.get(code="430299002"))
    detectors.run_rules()
    assert alerts(Detector.REPEAT_ADDRESS) == []


def test_mass_incident_by_people_and_by_phrases(personas: Personas, clock: Any) -> None:
    wages = make_case(category="dispute-wages", title="工地欠薪", people_involved=60)
    phrases = make_case(
        title="业主准备拉横幅",
        description="二十多名业主说要去售楼部拉横幅、堵门。",
        people_involved=12,
    )
    quiet = make_case(title="噪音", people_involved=40, category="dispute-neighbour")
    detectors.run_rules()
    levels = {a.evidence.get().pk: a.level for a in alerts(Detector.MASS_INCIDENT)}
    # Wage arrears: red from 50 people. Neighbour dispute: orange from 30. Phrases with 12 people
    # (≥ 30 // 3): yellow.
    assert levels == {wages.pk: Level.RED, quiet.pk: Level.ORANGE, phrases.pk: Level.YELLOW}
    alert = Alert.objects.get(detector=Detector.MASS_INCIDENT, evidence=phrases)
    assert "拉横幅" in alert.explanation and "堵门" in alert.explanation


def test_violent_escalation_phrases(personas: Personas, clock: Any) -> None:
    case = make_case(description="对方扬言要报复，还说不想活了。")
    make_case(description="双方心平气和地协商。")
    detectors.run_rules()
    [alert] = alerts(Detector.VIOLENT_PHRASES)
    assert alert.evidence.get() == case and alert.level == Level.ORANGE
    assert alert.data["phrases"][:2] == ["扬言", "报复"]


def _cases_on(day: date, n: int, **fields: Any) -> list[Case]:
    made = [make_case(title=f"{day}-{i}", **fields) for i in range(n)]
    at = datetime(day.year, day.month, day.day, 10, tzinfo=SH)
    Case.objects.filter(pk__in=[c.pk for c in made]).update(submitted_at=at)
    return made


def test_surge_in_a_community_category_raises_a_red_alert(personas: Personas, clock: Any) -> None:
    yesterday = date(2025, 3, 11)
    for back in range(4, 64, 3):  # one neighbour dispute every third day for two months
        _cases_on(yesterday - timedelta(days=back), 1)
    surge = _cases_on(yesterday, 6)
    _cases_on(yesterday, 1, category="dispute-debt")  # another category stays quiet
    result = detectors.run_surges(history=70)
    by_region = {a.region.code: a for a in alerts(Detector.SURGE)}
    assert set(by_region) == {COMMUNITY, "430299001"}  # the community and its street
    alert = by_region[COMMUNITY]
    assert alert.level == Level.RED
    assert set(alert.evidence.all()) == set(surge)
    assert alert.data["count"] == 6 and len(alert.data["methods"]) == 4
    assert "邻里纠纷" in alert.title and "预期约" in alert.explanation
    methods = alert.data["methods"]
    assert "、".join(methods) + " 判定为异常增多" in alert.explanation
    with translation.override("en"):  # the method names are listed the English way
        assert ", ".join(methods) + " found an unusual rise" in alert.shown_explanation
    assert result.raised == 2
    detectors.run_surges(history=70)  # the same day again: updated, not duplicated
    assert len(alerts(Detector.SURGE)) == 2


def test_a_quiet_day_raises_nothing(personas: Personas, clock: Any) -> None:
    yesterday = date(2025, 3, 11)
    for back in range(0, 60, 2):
        _cases_on(yesterday - timedelta(days=back), 1)
    assert detectors.run_surges(history=70).raised == 0


def test_thresholds_follow_category_and_multiplier() -> None:
    from fengqiao.alerts.thresholds import thresholds

    assert thresholds("dispute-wages").mass_people == 10
    assert thresholds("dispute-neighbour").mass_people == 30
    strict = thresholds("dispute-neighbour", 0.5)
    assert (strict.repeat_count, strict.repeat_days, strict.mass_people) == (2, 60, 15)
    assert thresholds(None, 0.1).surge_min_cases == 2


def test_text_intelligence_hits_are_used_when_installed(
    personas: Personas, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys
    import types
    from dataclasses import dataclass

    @dataclass
    class Hit:
        phrase: str
        kind: str

    module = types.ModuleType("fengqiao.textintel.riskphrases")
    module.scan = lambda text: (  # type: ignore[attr-defined]
        [Hit("要让他付出代价", "threat"), Hit("拉横幅", "mass_action")] if "代价" in text else []
    )
    monkeypatch.setitem(sys.modules, "fengqiao.textintel.riskphrases", module)
    case = make_case(description="他说要让他付出代价。")
    detectors.run_rules()
    [alert] = alerts(Detector.VIOLENT_PHRASES)
    assert alert.evidence.get() == case
    assert alert.data["phrases"] == ["要让他付出代价"]  # the mass-action hit is not a threat


def test_communities_missing_yesterdays_key_period_report(personas: Personas, clock: Any) -> None:
    from fengqiao.alerts.models import DailyReport
    from fengqiao.regions.models import Region

    period = KeyPeriod.objects.create(
        name="两会", starts_on=date(2025, 3, 4), ends_on=date(2025, 3, 15)
    )
    period.regions.add(Region.objects.get(code="430299001"))
    DailyReport.objects.create(
        key_period=period,
        community=Region.objects.get(code=COMMUNITY),
        day=date(2025, 3, 11),
        nothing_to_report=True,
        created_at=NOW,
    )
    detectors.run_rules()
    [alert] = alerts(Detector.MISSING_REPORTS)
    # Street 1 has two communities; one reported, the other did not.
    assert alert.data["missing"] == ["430299001002"]
    assert alert.region.code == "430299001002" and alert.level == Level.BLUE
    assert "无异常也须报告" in alert.explanation
    detectors.run_rules()
    assert len(alerts(Detector.MISSING_REPORTS)) == 1


def test_hazards_past_their_rectification_deadline_raise_one_alert_per_community(
    personas: Personas, clock: Any
) -> None:
    from fengqiao.hazards import actions as hazard_actions
    from fengqiao.hazards.jobs import mark_overdue_hazards

    def register(title: str, level: str) -> Any:
        return hazard_actions.register_hazard(
            by=personas.grid_worker,
            hazard_type="fire",
            level=level,
            title=title,
            description="市场东侧消防通道被货物堵塞。",
            responsible_unit=personas.units["community"],
            measures="清理杂物，设置禁止堆放标识。",
            deadline_days=1,
            lon=113.06,
            lat=27.85,
        )

    register("消防通道堆放杂物", "ordinary")
    detectors.run_rules()
    assert alerts(Detector.HAZARD_OVERDUE) == []  # not overdue yet
    clock.shift(timedelta(days=5))
    assert mark_overdue_hazards(NOW + timedelta(days=5)) == 1
    detectors.run_rules()
    [alert] = alerts(Detector.HAZARD_OVERDUE)
    assert alert.level == Level.BLUE and alert.region.code == COMMUNITY
    assert "1 处风险隐患超过整改期限" in alert.explanation
    register("液化气瓶露天存放", "major")
    clock.shift(timedelta(days=5))
    mark_overdue_hazards(NOW + timedelta(days=10))
    detectors.run_rules()
    [alert] = alerts(Detector.HAZARD_OVERDUE)  # the same pattern, updated
    assert alert.level == Level.ORANGE and len(alert.data["hazards"]) == 2
