"""System notes (系统说明): stored in the site's language, shown in the reader's."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext_noop

from fengqiao.cases.choices import Action
from fengqiao.cases.models import CaseEvent
from fengqiao.conftest import Personas
from fengqiao.core import notes
from fengqiao.mediation import actions, risk
from fengqiao.mediation.choices import Performance, RiskLevel
from fengqiao.mediation.tests.factories import agreed, dispute_at_committee, make_mediators

HAN = re.compile(r"[\u4e00-\u9fff]")


def test_a_system_note_is_stored_in_chinese_whatever_the_active_language() -> None:
    note = notes.system_note(
        gettext_noop("调解不成，已分流至%(unit)s（%(kind)s）。"),
        unit="某某法庭",
        kind=notes.word(RiskLevel.HIGH.label),
    )
    with translation.override("en"):
        text, data = notes.stored(note, {"step": "x"})
        assert text == "调解不成，已分流至某某法庭（高）。"
        assert data["step"] == "x" and data[notes.KEY]["params"]["kind"] == {"msgid": "高"}
        # Shown in English, with the translatable value translated and the name left alone.
        assert notes.shown(text, data) == "Mediation failed; referred to 某某法庭 (High)."
    assert notes.shown(text, data) == text


def test_lists_are_joined_in_the_readers_language() -> None:
    note = notes.system_note(
        gettext_noop("激化风险：%(level)s（%(reasons)s；系统建议：%(suggested)s）"),
        level=notes.word(RiskLevel.HIGH.label),
        reasons=notes.words([RiskLevel.LOW.label, RiskLevel.MEDIUM.label]),
        suggested=notes.word(RiskLevel.MEDIUM.label),
    )
    text, data = notes.stored(note, None)
    assert text == "激化风险：高（低、中；系统建议：中）"
    with translation.override("en"):
        assert notes.shown(text, data) == (
            "Escalation risk: High (Low, Medium; system suggestion: Medium)"
        )


def test_a_typed_note_is_shown_as_typed() -> None:
    text, data = notes.stored("电话回访，已修复", {"a": 1})
    assert (text, data) == ("电话回访，已修复", {"a": 1})
    with translation.override("en"):
        assert notes.shown(text, data) == "电话回访，已修复"


@pytest.mark.parametrize(
    "template",
    [
        {"msgid": "移送%(unit)s（%(kind)s）：%(reason)s", "params": {"unit": "x"}},  # value lost
        {"msgid": 5, "params": {}},
        {"msgid": "升级为%(level)s", "params": ["not", "a", "mapping"]},
        {"msgid": "升级为%(level)s", "params": {"level": {"no": "msgid"}}},
        "not a template",
    ],
)
def test_a_template_that_no_longer_fits_shows_the_stored_text(template: Any) -> None:
    with translation.override("en"):
        assert notes.shown("存储的说明", {notes.KEY: template}) == "存储的说明"


@pytest.mark.django_db
def test_a_mediation_done_in_english_reads_in_either_language(personas: Personas) -> None:
    """A mediator working in English: the record stays Chinese; each reader sees their own."""
    m = make_mediators(personas)
    with translation.override("en"):
        mediation = agreed(personas, m)
        actions.check_performance(
            mediation, by=m.second, performance=Performance.FULL, note="电话回访，已付款"
        )
        actions.assess_risk(
            mediation.case, by=m.mediator, level="high", reasons=["threats"], note="已上报"
        )
    events = list(CaseEvent.objects.filter(case=mediation.case).order_by("created_at", "id"))
    steps = {(e.action, e.data.get("step")): e for e in events}
    party = steps[Action.MEDIATE, "party_added"]  # the last party registered
    assert party.note.startswith("登记当事人：被申请人 ")
    with translation.override("en"):
        assert party.shown_note.startswith("Party registered: Respondent ")
    written = [
        steps[Action.MEDIATE, "started"],
        steps[Action.MEDIATE, "session"],
        steps[Action.MEDIATE, "concluded"],
        steps[Action.RESOLVE, None],
        steps[Action.MEDIATE, "performance"],
        steps[Action.ASSESS_RISK, "assessed"],
    ]
    stored = [e.note for e in written]
    assert stored[0].startswith("受理调解申请（") and stored[2].startswith("调解成功")
    assert stored[3].startswith("调解成功，达成协议：") and "赔偿李四损失800元" in stored[3]
    assert stored[4] == "履行回访：已履行。电话回访，已付款"
    assert stored[5].startswith("激化风险：高（扬言威胁或过激言行；系统建议：")
    assert stored[5].endswith("）。已上报")
    mediation.case.refresh_from_db()
    assert mediation.case.outcome == stored[3]  # the case's outcome is the record: Chinese
    with translation.override("en"):
        shown = [e.shown_note for e in written]
    assert shown[0].startswith("Mediation application accepted (")
    assert shown[3].startswith("Mediation succeeded; agreement reached: ")
    assert shown[4] == "Performance check: Performed. 电话回访，已付款"
    assert shown[5].startswith(
        "Escalation risk: High (Threats or extreme words or behaviour; system suggestion: "
    )
    assert shown[5].endswith("). 已上报")
    # The only Chinese left is what people typed: none of the system's own words.
    assert not HAN.search(shown[5].removesuffix("已上报"))


@pytest.mark.django_db
def test_the_api_gives_the_note_in_the_requests_language(personas: Personas, client: Any) -> None:
    m = make_mediators(personas)
    case = dispute_at_committee(personas, m)
    level = risk.suggest_for(case).level  # as suggested, so no note is needed
    actions.assess_risk(case, by=m.mediator, level=level, reasons=[], note="")
    chinese_level, english_level = {
        "low": ("低", "Low"),
        "medium": ("中", "Medium"),
        "high": ("高", "High"),
    }[level]
    client.force_login(m.mediator)
    url = f"/api/v1/cases/{case.number}/timeline/"
    chinese = client.get(url).json()
    client.cookies["django_language"] = "en"
    english = client.get(url).json()
    rows = chinese["results"] if isinstance(chinese, dict) else chinese
    rows_en = english["results"] if isinstance(english, dict) else english
    assessed = next(r for r in rows if r["action"] == Action.ASSESS_RISK)
    assessed_en = next(r for r in rows_en if r["action"] == Action.ASSESS_RISK)
    assert (
        assessed["note"]
        == assessed_en["note"]
        == (f"激化风险：{chinese_level}（无；系统建议：{chinese_level}）")
    )
    assert assessed["note_display"] == assessed["note"]
    assert assessed_en["note_display"] == (
        f"Escalation risk: {english_level} (none; system suggestion: {english_level})"
    )


@pytest.mark.django_db
def test_notices_are_written_in_the_sites_language_whoever_acts(personas: Personas) -> None:
    """A member of staff working in English still sends the resident and the next unit Chinese."""
    from fengqiao.cases import actions as case_actions
    from fengqiao.cases.tests.factories import make_case
    from fengqiao.notifications.models import Channel, Notification

    rejected, dispatched = make_case(), make_case()
    with translation.override("en"):
        case_actions.reject(rejected, by=personas.community_operator, reason="不属于受理范围")
        case_actions.accept(dispatched, by=personas.community_operator)
        case_actions.dispatch(
            dispatched, by=personas.community_operator, to_unit=personas.units["department"]
        )
    sms = Notification.objects.get(channel=Channel.SMS, case=rejected)
    assert sms.body == f"【枫桥】您反映的事件 {rejected.number}：不予受理。理由：不属于受理范围"
    inbox = Notification.objects.get(
        channel=Channel.INBOX, case=dispatched, unit=personas.units["department"]
    )
    assert inbox.subject == f"{dispatched.number} 新交办事件，请签收办理"


def test_an_empty_label_stays_empty() -> None:
    # gettext("") would give the catalogue's header.
    with translation.override("en"):
        assert notes.system_note("%(a)s|%(b)s", a={"msgid": ""}, b=notes.words([""])).text() == "|"
