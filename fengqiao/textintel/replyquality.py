"""Reply quality (答复质量) for case review (评查): an official reply scored against the message.

Three parts, each in [0, 1]:

- **relevance** (相关性): cosine similarity of the character-bigram TF-IDF vectors of message
  and reply, with the reply's stock phrases (您好、感谢您的支持 ...) removed first; the IDF
  comes from :func:`fit_idf` over a corpus of messages and replies, or is uniform.
- **completeness** (完整性): which of four elements the reply contains, found by cue phrases —
  measures taken (措施), the result or findings (结果), the basis in law or policy (依据) and a
  time limit or date for what remains (时限); measures and result count 0.3 each, basis and time
  limit 0.2 each — times 0.7, plus 0.3 × substance: the reply's length once stock phrases are
  removed, saturating at :data:`SUBSTANCE_CHARS` characters (已收悉 answers nothing, whatever
  words it uses).
- **timeliness** (及时性): 1 when replied within :data:`DUE_DAYS` days of the message, falling
  linearly to 0 at :data:`LATE_DAYS`; unknown (None) without both dates.

The overall score is 0.35 × relevance + 0.45 × completeness + 0.2 × timeliness (timeliness left
out and the rest re-weighted when unknown). Cue phrases are read from the text, not understood:
the score points a reviewer at replies to read, it does not grade them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

DUE_DAYS = 15
LATE_DAYS = 60
MAX_TEXT_CHARS = 20_000
SUBSTANCE_CHARS = 300
SUBSTANCE_SHARE = 0.3


class Element(StrEnum):
    MEASURES = "measures"  # 措施
    RESULT = "result"  # 结果
    BASIS = "basis"  # 依据
    TIME_LIMIT = "time_limit"  # 时限


ELEMENT_WEIGHTS: dict[Element, float] = {
    Element.MEASURES: 0.3,
    Element.RESULT: 0.3,
    Element.BASIS: 0.2,
    Element.TIME_LIMIT: 0.2,
}

CUES: dict[Element, re.Pattern[str]] = {
    Element.MEASURES: re.compile(
        r"(?:已|已经|立即|及时|随即|迅速)(?:安排|组织|责成|要求|督促|协调|联系|派|约谈|整改|"
        r"处理|开展|落实|介入|上门|到现场|赶赴|对接|下达|召开|进行)|采取(?:了)?[^。]{0,6}措施|"
        r"现场(?:查看|核实|勘察|调查|检查|处理)|下一步|(?:将|会)(?:继续|加强|督促|进一步|加大|"
        r"协调|组织|安排)|责令|督促|整改"
    ),
    Element.RESULT: re.compile(
        r"(?:已|已经|现已|目前已)(?:完成|解决|修复|整改到位|恢复|发放|办结|拆除|清理|到位|补发|"
        r"退还|支付|结清|维修|处理完毕|落实)|经(?:调查|核实|核查|查实|了解|查)|调查(?:结果|情况)|"
        r"核查(?:结果|情况)|情况属实|不属实|目前|现状|结果"
    ),
    Element.BASIS: re.compile(
        r"根据|依据|按照|依照|《[^》]{2,40}》|法律|法规|条例|规定|实施办法|政策|文件精神|第[一二三四五六七八九十百\d]+条"
    ),
    Element.TIME_LIMIT: re.compile(
        r"\d+\s*(?:个)?(?:工作日|日|天|周|个月|月)(?:内|之内|以内)|(?:年底|月底|年内|月内|近日|近期)(?:前)?"
        r"(?:完成|解决|到位|动工|开工)?|(?:\d{1,4}年)?\d{1,2}月(?:\d{1,2}日)?(?:前|之前|左右|底)|"
        r"预计|计划于|尽快|限期|期限"
    ),
}

# Stock phrases of official replies that say nothing about the matter.
_BOILERPLATE = re.compile(
    r"网友(?:“[^”]{0,30}”)?[：:，,]?|(?:您的)?留言(?:已)?收悉|已收悉|您好|你好|感谢您?对[^。！]{0,30}(?:关心|支持|信任|监督)|"
    r"(?:首先)?感谢您|如有疑问[^。]*。?|联系(?:电话|人)[：:]?[\d\-*]*|特此(?:回复|答复)|"
    r"现(?:将|就)[^。]{0,40}(?:回复|答复)如下|\d{4}年\d{1,2}月\d{1,2}日"
)


@dataclass(frozen=True)
class ReplyScore:
    relevance: float
    completeness: float
    substance: float
    elements: dict[Element, bool]
    days: float | None
    timeliness: float | None
    overall: float

    @property
    def missing(self) -> list[Element]:
        return [element for element, present in self.elements.items() if not present]


def bigrams(text: str) -> Counter[str]:
    """Character bigrams of the Chinese, letter and digit runs of ``text``."""
    counts: Counter[str] = Counter()
    for run in re.findall(r"[\w]+", text[:MAX_TEXT_CHARS]):
        counts.update(run[i : i + 2] for i in range(len(run) - 1))
    return counts


def fit_idf(documents: Iterable[str]) -> dict[str, float]:
    """Smoothed IDF of character bigrams over a corpus (ln((1 + n) / (1 + df)) + 1)."""
    df: Counter[str] = Counter()
    n = 0
    for document in documents:
        n += 1
        df.update(set(bigrams(document)))
    return {gram: math.log((1 + n) / (1 + count)) + 1.0 for gram, count in df.items()}


def relevance(message: str, reply: str, idf: Mapping[str, float] | None = None) -> float:
    """Cosine similarity of TF-IDF bigram vectors (IDF 1 for bigrams the corpus lacks)."""
    a = bigrams(message)
    b = bigrams(_BOILERPLATE.sub("", reply))
    weights: Mapping[str, float] = idf or {}

    def weight(gram: str) -> float:
        return weights.get(gram, 1.0)

    dot = sum(count * b[gram] * weight(gram) ** 2 for gram, count in a.items() if gram in b)
    norm_a = math.sqrt(sum((count * weight(gram)) ** 2 for gram, count in a.items()))
    norm_b = math.sqrt(sum((count * weight(gram)) ** 2 for gram, count in b.items()))
    if not norm_a or not norm_b:
        return 0.0
    return min(1.0, dot / (norm_a * norm_b))


def substance(reply: str) -> float:
    """How much the reply says beyond stock phrases: its remaining characters (letters,
    digits, Chinese) over :data:`SUBSTANCE_CHARS`, at most 1."""
    said = re.findall(r"\w", _BOILERPLATE.sub("", reply[:MAX_TEXT_CHARS]))
    return min(1.0, len(said) / SUBSTANCE_CHARS)


def elements(reply: str) -> dict[Element, bool]:
    text = _BOILERPLATE.sub("", reply[:MAX_TEXT_CHARS])
    return {element: bool(pattern.search(text)) for element, pattern in CUES.items()}


def timeliness(
    asked: datetime | None, replied: datetime | None
) -> tuple[float | None, float | None]:
    """(days taken, score); (None, None) without both dates. A reply dated before its
    message is a data error and raises ValueError."""
    if asked is None or replied is None:
        return None, None
    days = (replied - asked).total_seconds() / 86400
    if days < 0:
        raise ValueError(f"reply dated {replied} is before its message ({asked})")
    if days <= DUE_DAYS:
        return days, 1.0
    return days, max(0.0, 1.0 - (days - DUE_DAYS) / (LATE_DAYS - DUE_DAYS))


def score(
    message: str,
    reply: str,
    asked: datetime | None = None,
    replied: datetime | None = None,
    idf: Mapping[str, float] | None = None,
) -> ReplyScore:
    """Score ``reply`` against ``message``; see the module docstring for the parts."""
    rel = relevance(message, reply, idf)
    found = elements(reply)
    said = substance(reply)
    cues = sum(ELEMENT_WEIGHTS[element] for element, present in found.items() if present)
    complete = (1 - SUBSTANCE_SHARE) * cues + SUBSTANCE_SHARE * said
    days, timely = timeliness(asked, replied)
    if timely is None:
        overall = (0.35 * rel + 0.45 * complete) / 0.8
    else:
        overall = 0.35 * rel + 0.45 * complete + 0.2 * timely
    return ReplyScore(
        relevance=round(rel, 4),
        completeness=round(complete, 4),
        substance=round(said, 4),
        elements=found,
        days=None if days is None else round(days, 2),
        timeliness=None if timely is None else round(timely, 4),
        overall=round(overall, 4),
    )
