"""Hot issues (热点问题): recent reports grouped into issues, ranked by a heat score.

Grouping: each message is a TF-IDF vector of its character 2–3-grams (the normalised title
counted twice, then the start of the detail). Two messages are linked when their cosine
similarity is at least ``threshold``; an issue is a connected group of linked messages (at least
``min_messages``). Chaining through weak links is the known risk of this single-linkage rule;
the threshold was chosen on the 附件3 messages by reading the groups (docs/textintel-dedup.md).

Heat (热度), with the weights of :class:`HeatWeights`::

    heat = reporters + repeat × (messages − reporters) + likes × ln(1 + likes)
           + weeks × ln(1 + active weeks) + places × ln(1 + distinct places)

Distinct reporters count most: thirty residents each writing once outweigh one resident
writing thirty times. Likes (点赞, agreement) count with diminishing returns, so one post with
two thousand likes does not drown a matter many people reported. Dislikes are not agreement and
are ignored. Spread in time (weeks with at least one message) and in place (distinct districts
or 500 m cells) add a little: a matter that persists or recurs across places is hotter.

Naming: the substrings (2–8 characters) found in the most member titles and rarely elsewhere;
the best one that ends like a place name (小区, 新城, 苑, 街道, 路, ...) is the issue's place.

Cost: one sparse matrix product of the messages with themselves, computed in row blocks.
Needs scikit-learn and SciPy; no Django.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, vstack
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer

from fengqiao.textintel.normalise import (
    normalise,
    strip_dates,
    strip_phone_numbers,
    strip_punctuation,
    to_halfwidth,
)

_PLACE_SUFFIX = re.compile(
    r"(?:小区|新城|花园|家园|公寓|广场|大厦|苑|园|城|府|湾|街道|镇|乡|村|社区|组|"
    r"中学|小学|学校|幼儿园|医院|公园|市场|路|大道|街|巷|站)$"
)
# Province, city, district and county names: pseudonymised (A市, A2区) or real (株洲市, 荷塘区),
# but not 小区, 社区, 园区, 城区, 景区, 片区, 校区 that end in 区 too.
_ADMIN = re.compile(
    r"[A-Z]\d*(?:市|区|县)|[\u4e00-\u9fff]{2}(?:省|市|县)|[\u4e00-\u9fff]{2}(?<![小社园城景片校])区"
)
# Words that open titles but never name a place or matter.
_STOP_START = re.compile(
    r"^(?:投诉|反映|关于|咨询|举报|请求|建议|询问|请问|要求|希望|恳请|请|坚决|反对|强烈|对|在|为什么|为何)"
)
_CELL_DEG = 0.0045  # about 500 m


class InputError(ValueError):
    """A messages file that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Message:
    """A resident's message or report: the caller's id, its text and what is known about it."""

    id: Hashable
    title: str
    detail: str = ""
    reporter: Hashable | None = None
    t: datetime | None = None
    likes: int = 0
    lon: float | None = None
    lat: float | None = None


@dataclass(frozen=True)
class HeatWeights:
    """Weights of the heat score's terms (see the module docstring); reporters weigh 1."""

    repeat: float = 0.25
    likes: float = 2.0
    weeks: float = 1.0
    places: float = 1.0


@dataclass(frozen=True)
class HotIssueConfig:
    """Grouping settings: the cosine ``threshold`` for a link, the smallest issue, and how the
    text of a message is made (title ``title_weight`` times, then ``detail_chars`` of detail)."""

    threshold: float = 0.3
    min_messages: int = 2
    title_weight: int = 2
    detail_chars: int = 300
    weights: HeatWeights = field(default_factory=HeatWeights)

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold < 1.0:
            raise ValueError("threshold must be between 0 and 1")
        if self.min_messages < 1 or self.title_weight < 1 or self.detail_chars < 0:
            raise ValueError("min_messages and title_weight must be positive")


@dataclass(frozen=True)
class HotIssue:
    """A group of messages about one matter, with its heat and what it is made of.

    ``name`` is the place followed by the first two key terms; ``members`` are the message ids;
    ``places`` is distinct 500 m cells, or districts named when messages have no points.
    """

    name: str
    place: str
    terms: tuple[str, ...]
    heat: float
    members: tuple[Hashable, ...]
    messages: int
    reporters: int
    likes: int
    first: datetime | None
    last: datetime | None
    active_weeks: int
    places: int


def _vectors(messages: Sequence[Message], config: HotIssueConfig) -> csr_matrix:
    docs = [
        normalise(m.title, max_chars=200) * config.title_weight
        + normalise(m.detail, max_chars=config.detail_chars)
        for m in messages
    ]
    vectorizer = TfidfVectorizer(
        analyzer="char", ngram_range=(2, 3), sublinear_tf=True, min_df=2 if len(docs) > 2 else 1
    )
    try:
        return csr_matrix(vectorizer.fit_transform(docs))
    except ValueError:  # nothing but empty texts: no vocabulary
        return csr_matrix((len(docs), 1))


def _linked(x: csr_matrix, threshold: float, budget: int = 20_000_000) -> csr_matrix:
    """Adjacency of pairs with cosine ≥ threshold, one block of rows at a time.

    A block's products are nearly dense (common bigrams link most messages a little), so a
    block has at most about ``budget`` of them (about 240 MB) before thresholding.
    """
    block = max(64, budget // max(x.shape[0], 1))
    parts = []
    for first in range(0, x.shape[0], block):
        sims = csr_matrix(x[first : first + block] @ x.T)
        sims.data = (sims.data >= threshold).astype(np.float32)
        sims.eliminate_zeros()
        parts.append(sims)
    return csr_matrix(vstack(parts)) if parts else csr_matrix((0, 0))


def group_messages(messages: Sequence[Message], config: HotIssueConfig) -> list[list[int]]:
    """Indices of the messages in each group of at least ``min_messages``, largest first."""
    if not messages:
        return []
    adjacency = _linked(_vectors(messages, config), config.threshold)
    _, labels = connected_components(adjacency, directed=False)
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels.tolist()):
        groups.setdefault(label, []).append(i)
    kept = [g for g in groups.values() if len(g) >= config.min_messages]
    return sorted(kept, key=len, reverse=True)


_MAX_TERM = 12


def _naming_text(title: str) -> str:
    """A title as names are cut from it: half-width, no punctuation, case and admin codes kept."""
    return strip_punctuation(strip_dates(strip_phone_numbers(to_halfwidth(title))))[:200]


def _substrings(text: str) -> set[str]:
    return {text[i : i + k] for k in range(2, _MAX_TERM + 1) for i in range(len(text) - k + 1)}


def _overlaps(a: str, b: str) -> bool:
    """Whether two terms share two characters in a row (fragments of the same phrase)."""
    return any(a[i : i + 2] in b for i in range(len(a) - 1))


def name_issue(titles: Sequence[str], all_titles: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    """The place and up to three key terms of a group of titles (see the module docstring).

    Candidates are substrings in at least 30 % of the group's titles (two at least) that are
    not administrative codes and not a fragment of a longer candidate found almost as often;
    they are scored by share of the group × rarity elsewhere × √length.
    """
    texts = [_naming_text(t) for t in titles]
    df: Counter[str] = Counter()
    for text in texts:
        df.update(_substrings(_ADMIN.sub("|", text)))
    df = Counter({k: v for k, v in df.items() if "|" not in k and not _STOP_START.match(k)})
    need = max(2, math.ceil(0.3 * len(texts)))
    frequent = {k: v for k, v in df.items() if v >= need}
    if not frequent:
        frequent = dict(df.most_common(5))
    # A candidate is closed if no longer candidate contains it and is found nearly as often.
    closed = [
        k
        for k, v in frequent.items()
        if not any(k != o and k in o and w >= 0.8 * v for o, w in frequent.items())
    ]
    others = [_naming_text(t) for t in all_titles]
    scored = []
    for k in closed:
        elsewhere = sum(1 for t in others if k in t)
        idf = math.log((len(others) + 1) / (elsewhere + 1)) + 1
        scored.append((frequent[k] / len(texts) * idf * math.sqrt(len(k)), k))
    scored.sort(key=lambda x: (-x[0], x[1]))
    place = next((k for _, k in scored if _PLACE_SUFFIX.search(k)), "")
    picked: list[str] = []
    for _, k in scored:
        if len(picked) == 3:
            break
        if k != place and not any(_overlaps(k, p) for p in [place, *picked] if p):
            picked.append(k)
    return place, tuple(picked)


def _admin_area(message: Message) -> str | None:
    """The district or county a message names (A2区), else its city; None if it names none."""
    found: list[str] = _ADMIN.findall(f"{message.title} {message.detail[:200]}")
    districts = [a for a in found if a.endswith(("区", "县"))]
    if districts:
        return districts[0]
    return found[0] if found else None


def _heat(members: Sequence[Message], weights: HeatWeights) -> tuple[float, dict[str, int]]:
    reporters = len({m.reporter if m.reporter is not None else ("id", m.id) for m in members})
    likes = sum(max(m.likes, 0) for m in members)
    weeks = {m.t.isocalendar()[:2] for m in members if m.t is not None}
    cells = {
        (round(m.lon / _CELL_DEG), round(m.lat / _CELL_DEG))
        for m in members
        if m.lon is not None and m.lat is not None
    }
    places = len(cells) if cells else len({a for m in members if (a := _admin_area(m))})
    heat = (
        reporters
        + weights.repeat * (len(members) - reporters)
        + weights.likes * math.log1p(likes)
        + weights.weeks * math.log1p(len(weeks))
        + weights.places * math.log1p(places)
    )
    figures = {"reporters": reporters, "likes": likes, "weeks": len(weeks), "places": places}
    return heat, figures


def find_hot_issues(
    messages: Iterable[Message],
    *,
    since: datetime | None = None,
    top: int | None = 10,
    config: HotIssueConfig | None = None,
) -> list[HotIssue]:
    """Hot issues among the messages, hottest first (at most ``top``; all if None).

    With ``since``, only messages made at or after it count (messages without a time are left
    out). Cost: see the module docstring; naming scans all titles once per returned issue.
    """
    config = config or HotIssueConfig()
    chosen = [m for m in messages if since is None or (m.t is not None and m.t >= since)]
    groups = group_messages(chosen, config)
    scored = []
    for group in groups:
        members = [chosen[i] for i in group]
        heat, figures = _heat(members, config.weights)
        scored.append((heat, members, figures))
    scored.sort(key=lambda s: -s[0])
    all_titles = [m.title for m in chosen]
    issues = []
    for heat, members, figures in scored[:top] if top is not None else scored:
        place, terms = name_issue([m.title for m in members], all_titles)
        areas = Counter(a for m in members if (a := _admin_area(m)))
        area = areas.most_common(1)[0][0] if areas else ""
        full_place = place if area in place else area + place
        times = sorted(m.t for m in members if m.t is not None)
        issues.append(
            HotIssue(
                name=" ".join([full_place, *terms[:2]]).strip() or members[0].title[:30],
                place=full_place,
                terms=terms,
                heat=round(heat, 2),
                members=tuple(m.id for m in members),
                messages=len(members),
                reporters=figures["reporters"],
                likes=figures["likes"],
                first=times[0] if times else None,
                last=times[-1] if times else None,
                active_weeks=figures["weeks"],
                places=figures["places"],
            )
        )
    return issues


def _int(value: str, what: str, where: str) -> int:
    try:
        return int(value.strip() or 0)
    except ValueError:
        raise InputError(f"{where}: {what} {value!r} is not a whole number") from None


def load_messages_csv(path: str | Path) -> list[Message]:
    """Messages from a CSV with the 附件3 columns (``message_id``, ``user_id``, ``title``,
    ``created_at``, ``detail``, ``likes``); ``user_id``, ``detail`` and ``likes`` are optional.

    Raises :class:`InputError` naming the file and line for a file that is missing, empty, not
    UTF-8, lacks a column, or has a bad date or count.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InputError(f"{path}: line {line} is not UTF-8 (save the file as UTF-8)") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        raise InputError(f"{path}: the file is empty (no header row)")
    missing = [c for c in ("message_id", "title", "created_at") if c not in reader.fieldnames]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)}")
    out = []
    for row in reader:
        where = f"{path}: line {reader.line_num}"
        try:
            t = datetime.fromisoformat(row["created_at"].strip())
        except (ValueError, AttributeError):
            raise InputError(f"{where}: created_at {row['created_at']!r} is not a date") from None
        out.append(
            Message(
                id=row["message_id"],
                title=row["title"] or "",
                detail=row.get("detail") or "",
                reporter=row.get("user_id") or None,
                t=t,
                likes=_int(row.get("likes") or "0", "likes", where),
            )
        )
    if not out:
        raise InputError(f"{path}: no messages after the header row")
    return out


def member_overlap(
    ours: Sequence[HotIssue], theirs: Mapping[str, AbstractSet[Hashable]]
) -> list[tuple[str, int | None, float, float]]:
    """For each of their issues: the best-matching of ours (index), Jaccard and recall of members.

    Best match is by Jaccard similarity of the member sets; recall is the share of their members
    that are in that issue of ours.
    """
    out = []
    for key, members in theirs.items():
        best: tuple[float, float, int | None] = (0.0, 0.0, None)
        for i, issue in enumerate(ours):
            mine = set(issue.members)
            shared = len(mine & members)
            jaccard = shared / len(mine | members) if mine | members else 0.0
            if jaccard > best[0]:
                best = (jaccard, shared / len(members) if members else 0.0, i)
        out.append((key, best[2], round(best[0], 3), round(best[1], 3)))
    return out
