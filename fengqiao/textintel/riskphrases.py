"""Risk phrases (风险词): a lexicon of warning phrasings in reports, for early warning (研判预警).

:func:`scan` finds phrases of seven categories — threats of violence (暴力威胁), self-harm
(自伤自杀), mass action (群体行动/聚集), wage arrears (欠薪讨薪), road blocking (堵路),
petitioning over the heads of local government (越级上访) and extreme emotion (极端情绪) — and
returns each as a :class:`RiskHit` with its span, weight and two flags:

- ``negated``: the phrase is denied in its own clause (我们不会去上访 / 并未发生聚集 /
  没有拖欠工资).
  A conditional (不解决就去上访) and a plea that implies the fact (不要再拖欠工资) are not
  negations. Negated hits are kept, for transparency, with weight 0.
- ``reported``: the phrase is someone else's words or hearsay in the same sentence
  (听说有人要跳楼 / 他说要砍人). Hearsay keeps half its weight; words attributed to a named
  party (老板扬言 / 邻居说要…) keep 0.8, since a third party's stated threat is still a threat.

:func:`risk_score` combines hits into one number in [0, 1]: the strongest hit of each category,
combined as independent signals (1 − ∏(1 − w)). It is a ranking signal for people, not a verdict.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum


class RiskCategory(StrEnum):
    VIOLENCE = "violence"  # 暴力威胁
    SELF_HARM = "self_harm"  # 自伤自杀
    MASS_ACTION = "mass_action"  # 群体行动/聚集
    WAGE_ARREARS = "wage_arrears"  # 欠薪讨薪
    ROAD_BLOCKING = "road_blocking"  # 堵路
    PETITION_ESCALATION = "petition_escalation"  # 越级上访/进京
    EXTREME_EMOTION = "extreme_emotion"  # 极端情绪


LABELS: dict[RiskCategory, str] = {
    RiskCategory.VIOLENCE: "暴力威胁",
    RiskCategory.SELF_HARM: "自伤自杀",
    RiskCategory.MASS_ACTION: "群体行动",
    RiskCategory.WAGE_ARREARS: "欠薪讨薪",
    RiskCategory.ROAD_BLOCKING: "堵路",
    RiskCategory.PETITION_ESCALATION: "越级上访",
    RiskCategory.EXTREME_EMOTION: "极端情绪",
}

HEARSAY_FACTOR = 0.5
ATTRIBUTED_FACTOR = 0.8


@dataclass(frozen=True)
class RiskHit:
    """One risk phrase found in a text; ``weight`` is after negation and reported speech."""

    category: RiskCategory
    phrase: str
    start: int
    end: int
    base_weight: float
    weight: float
    negated: bool
    reported: bool


@dataclass(frozen=True)
class Entry:
    pattern: re.Pattern[str]
    category: RiskCategory
    weight: float
    # Context right before the match that makes it something else (被打击报复, 跳楼价 ...).
    unless_before: re.Pattern[str] | None = None
    unless_after: re.Pattern[str] | None = None


def _entry(
    category: RiskCategory,
    weight: float,
    pattern: str,
    unless_before: str | None = None,
    unless_after: str | None = None,
) -> Entry:
    return Entry(
        re.compile(pattern),
        category,
        weight,
        re.compile(f"(?:{unless_before})$") if unless_before else None,
        re.compile(f"^(?:{unless_after})") if unless_after else None,
    )


_V, _S, _M = RiskCategory.VIOLENCE, RiskCategory.SELF_HARM, RiskCategory.MASS_ACTION
_W, _R = RiskCategory.WAGE_ARREARS, RiskCategory.ROAD_BLOCKING
_P, _E = RiskCategory.PETITION_ESCALATION, RiskCategory.EXTREME_EMOTION
_PEOPLE = "(?:他|她|你|他们|她们|你们|对方|老板|全家|一家)"

LEXICON: tuple[Entry, ...] = (
    # Threats of violence (暴力威胁).
    _entry(_V, 0.9, f"(?:杀|砍|捅|弄|打)(?:了|死){_PEOPLE}|(?:杀|砍|捅|弄|打)死"),
    _entry(_V, 0.9, "同归于尽|血债血偿|报复社会|以暴制暴"),
    _entry(_V, 0.6, "报复", unless_before="打击|被|遭|遭到|受到|怕|担心|害怕|恐遭|防止"),
    _entry(_V, 0.8, "(?:放|纵)火|炸(?:了|掉|毁)|炸药|泼汽油|浇汽油", unless_before="州官"),
    _entry(_V, 0.7, "(?:拿|提|动|带)(?:着)?刀|见血|鱼死网破|让(?:他|他们|你们)好看"),
    _entry(_V, 0.8, f"(?:跟|和|同){_PEOPLE}拼(?:命|了)"),
    _entry(_V, 0.5, "动手打人|打人|殴打|打伤"),
    # Self-harm (自伤自杀).
    _entry(_S, 0.9, "跳楼|跳河|跳江|跳桥", unless_after="价|机|大甩卖|甩卖|清仓"),
    _entry(_S, 0.9, "喝农药|服毒|吃安眠药|割腕|上吊|自杀|轻生|自焚|寻短见|一死了之|以死相逼"),
    _entry(_S, 0.9, "死给(?:你们|他们|你|他)看|了结(?:自己|生命)"),
    _entry(_S, 0.7, "不想活了?|活不下去|没法活了?|不活了"),
    # Mass action (群体行动/聚集).
    _entry(_M, 0.8, "集体(?:上访|维权|讨薪|请愿)|群体(?:上访|事件)|游行|示威|罢工|罢课|罢市|打砸"),
    _entry(_M, 0.7, "拉(?:起|着)?横幅|打(?:着)?横幅|静坐|围堵|冲击(?:政府|派出所|工地|公司)"),
    _entry(
        _M, 0.4, "(?:上百|几十|数十|数百|上千|几百)(?:名|个|位)?(?:人|业主|工人|村民|家长|农民工)"
    ),
    _entry(_M, 0.5, "聚集", unless_after="区|地|点|效应"),
    _entry(_M, 0.5, "联名|一起去(?:市|区|县|省)?政府"),
    # Wage arrears (欠薪讨薪).
    _entry(
        _W, 0.7, "(?:拖欠|欠)(?:了)?(?:[^，。！？,;；]{0,8})(?:工资|薪水|工钱|劳务费|血汗钱|薪资)"
    ),
    _entry(_W, 0.7, "欠薪|讨薪|讨要(?:工资|工钱|血汗钱)|讨工钱|农民工工资|血汗钱"),
    _entry(_W, 0.6, "工资(?:一直|至今|迟迟|还)?(?:没|未)(?:有)?(?:发|结|付|到位)"),
    _entry(_W, 0.6, "(?:没|未)(?:有)?(?:拿|领)到(?:[^，。！？,;；]{0,4})(?:工资|工钱)"),
    # Road blocking (堵路).
    _entry(
        _R, 0.8, "堵(?:住|了|塞|上){0,2}(?:马路|道路|路口|公路|高速|国道|省道)|堵路|拦路|拦车|卧轨"
    ),
    _entry(_R, 0.6, "堵(?:住|了|上){0,2}(?:大门|校门|厂门|政府门口)|堵门"),
    # Petitioning over local government's head (越级上访).
    _entry(_P, 0.8, "越级上访|进京(?:上访|告状|反映|讨说法)|赴京(?:上访|告状)?|国家信访局"),
    _entry(
        _P, 0.8, "(?:去|到|上|进)北京[^，。！？,;；]{0,4}(?:上访|告状|讨说法|讨个说法|反映|申诉)"
    ),
    _entry(_P, 0.6, "(?:去|到)(?:省里|省政府|省信访|中央)[^，。！？,;；]{0,4}(?:上访|告状|反映)"),
    _entry(_P, 0.4, "上访|告状", unless_before="越级|进京|赴京"),
    # Extreme emotion (极端情绪).
    _entry(_E, 0.5, "忍无可忍|走投无路|逼上绝路|逼(?:我|我们)?(?:走)?上?绝路|家破人亡|豁出去"),
    _entry(_E, 0.4, "被逼无奈|绝望|崩溃|受够了|欲哭无泪|求求你们|实在没(?:有)?办法了"),
)

# Clause and sentence boundaries: negation stays within a clause, reported speech in a sentence.
_CLAUSE_END = re.compile(r"[，,。！？!?；;：:\n]")
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_NEGATOR = re.compile(
    r"不会|不要|不想|不打算|不准备|不至于|不是|并非|并未|并没有?|没有|没|未曾|未|从未|绝不|决不|无意|别|不"
)
# Words that contain a negator character but do not deny what follows.
_NOT_NEGATION = re.compile(
    r"不得不|不能不|不会不|不然|要不|不管|不论|不仅|不少|不停|不断|不满|不公|不行|不给|不予|"
    r"不作为|不到位|不要再|别再|还没|至今没|至今未|迟迟未|迟迟没|尚未|"
    # A grievance, not a denial: 没办法只能去上访, 问题没解决就去北京.
    r"(?:没有?|未|不)(?:解决|处理|办法|法|结果|回复|答复|人管|人理|果|落实|兑现|钱)"
)
# A condition between the negator and the phrase: 不解决就去上访.
_CONDITION = re.compile(r"就|才|便|否则|那么|的话")
_HEARSAY = re.compile(r"听说|据说|传言|传闻|有人说|网上说|网传|据报道|新闻(?:说|报道)")
_ATTRIBUTED = re.compile(
    r"(?:他|她|他们|她们|对方|老板|包工头|邻居|工人|业主|村民|家属|有人)"
    r"(?:还)?(?:说|讲|称|声称|表示|扬言|威胁说|放话)"
)
NEGATION_WINDOW = 8


def scan(text: str) -> list[RiskHit]:
    """All risk phrases in ``text``, in order of position; overlapping same-category hits
    keep the strongest."""
    hits: list[RiskHit] = []
    for entry in LEXICON:
        for match in entry.pattern.finditer(text):
            start, end = match.span()
            if entry.unless_before and entry.unless_before.search(text[max(0, start - 4) : start]):
                continue
            if entry.unless_after and entry.unless_after.match(text[end : end + 4]):
                continue
            hits.append(_hit(text, entry, start, end))
    return _strongest_per_span(hits)


def _hit(text: str, entry: Entry, start: int, end: int) -> RiskHit:
    negated = _is_negated(_clause_before(text, start))
    factor = _reported_factor(_sentence_before(text, start))
    weight = 0.0 if negated else round(entry.weight * factor, 3)
    return RiskHit(
        category=entry.category,
        phrase=text[start:end],
        start=start,
        end=end,
        base_weight=entry.weight,
        weight=weight,
        negated=negated,
        reported=factor < 1.0,
    )


def _clause_before(text: str, start: int) -> str:
    before = text[max(0, start - 40) : start]
    parts = _CLAUSE_END.split(before)
    return parts[-1]


def _sentence_before(text: str, start: int) -> str:
    before = text[max(0, start - 60) : start]
    return _SENTENCE_END.split(before)[-1]


def _is_negated(clause: str) -> bool:
    window = _NOT_NEGATION.sub(lambda m: "　" * len(m.group()), clause[-NEGATION_WINDOW - 4 :])
    window = window[-NEGATION_WINDOW:]
    last = None
    for match in _NEGATOR.finditer(window):
        last = match
    if last is None:
        return False
    return not _CONDITION.search(window[last.end() :])


def _reported_factor(sentence: str) -> float:
    if _HEARSAY.search(sentence):
        return HEARSAY_FACTOR
    if _ATTRIBUTED.search(sentence):
        return ATTRIBUTED_FACTOR
    return 1.0


def _strongest_per_span(hits: list[RiskHit]) -> list[RiskHit]:
    hits.sort(key=lambda h: (h.start, -(h.end - h.start), -h.base_weight))
    kept: list[RiskHit] = []
    for hit in hits:
        overlap = next(
            (
                i
                for i, other in enumerate(kept)
                if other.category == hit.category
                and hit.start < other.end
                and other.start < hit.end
            ),
            None,
        )
        if overlap is None:
            kept.append(hit)
        elif hit.base_weight > kept[overlap].base_weight:
            kept[overlap] = hit
    return sorted(kept, key=lambda h: (h.start, h.category))


def risk_score(hits: Iterable[RiskHit]) -> float:
    """One number in [0, 1]: the strongest hit per category, combined as 1 − ∏(1 − w)."""
    strongest: dict[RiskCategory, float] = {}
    for hit in hits:
        strongest[hit.category] = max(strongest.get(hit.category, 0.0), hit.weight)
    remaining = 1.0
    for weight in strongest.values():
        remaining *= 1.0 - weight
    return round(1.0 - remaining, 4)


def categories(hits: Sequence[RiskHit]) -> set[RiskCategory]:
    """The categories with at least one hit that counts (not negated)."""
    return {hit.category for hit in hits if hit.weight > 0}
