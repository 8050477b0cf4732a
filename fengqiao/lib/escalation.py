"""Suggesting the escalation risk of a dispute (矛盾纠纷激化风险), without Django.

The suggestion is a starting point for a person, who confirms or changes it: it reads only the
facts the caller gathers from the case (its text, how many people are involved, how long it has
run, earlier disputes at the same place, the parties' ages) and names every reason it found, so
the person can see why. Levels: ``high`` for threats of violence or self-harm, or for two or more
other reasons; ``medium`` for one; ``low`` for none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Phrases that, in a dispute report, signal threats, violence or self-harm (扬言、报复、轻生).
THREAT_PHRASES = (
    "扬言",
    "报复",
    "轻生",
    "自杀",
    "跳楼",
    "同归于尽",
    "拼命",
    "砍",
    "杀了",
    "打死",
    "放火",
    "汽油",
    "堵路",
    "拉横幅",
    "上访闹",
)
WAGE_PHRASES = ("欠薪", "拖欠工资", "讨薪", "工资未发", "拖欠农民工")
VULNERABLE_PHRASES = ("残疾", "孕妇", "独居老人", "未成年", "低保", "重病", "精神病")

MANY_PEOPLE = 5  # 群体性: five or more people involved
LONG_DAYS = 30  # a dispute open a month or more
ELDERLY_AGE = 70
MINOR_AGE = 18


@dataclass(frozen=True)
class DisputeFacts:
    """What the suggestion looks at; the Django layer fills it from a case."""

    text: str
    people_involved: int = 1
    days_open: int = 0
    earlier_disputes: int = 0
    party_ages: tuple[int, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    level: str
    reasons: tuple[str, ...]
    evidence: dict[str, str] = field(default_factory=dict)


def _found(text: str, phrases: tuple[str, ...]) -> str:
    hits = [p for p in phrases if p in text]
    return "、".join(hits)


def suggest(facts: DisputeFacts) -> Suggestion:
    """The suggested level and the reasons (codes of ``RiskReason``) with what showed each."""
    evidence: dict[str, str] = {}
    threats = _found(facts.text, THREAT_PHRASES)
    if threats:
        evidence["threats"] = f"描述中有“{threats}”"
    if facts.people_involved >= MANY_PEOPLE:
        evidence["many_people"] = f"涉及 {facts.people_involved} 人"
    if facts.days_open >= LONG_DAYS:
        evidence["long_duration"] = f"已持续 {facts.days_open} 天"
    if facts.earlier_disputes > 0:
        evidence["repeat"] = f"同一地点此前有 {facts.earlier_disputes} 起纠纷"
    vulnerable = _found(facts.text, VULNERABLE_PHRASES)
    ages = [a for a in facts.party_ages if a >= ELDERLY_AGE or a < MINOR_AGE]
    if vulnerable or ages:
        parts = ([f"描述中有“{vulnerable}”"] if vulnerable else []) + (
            [f"当事人年龄 {'、'.join(str(a) for a in ages)} 岁"] if ages else []
        )
        evidence["vulnerable"] = "；".join(parts)
    wages = _found(facts.text, WAGE_PHRASES)
    if wages:
        evidence["wage_arrears"] = f"描述中有“{wages}”"
    if "threats" in evidence or len(evidence) >= 2:
        level = "high"
    elif evidence:
        level = "medium"
    else:
        level = "low"
    return Suggestion(level=level, reasons=tuple(evidence), evidence=evidence)
