"""The detectors (研判规则): they read cases and raise or update alerts through ``actions``.

``run_rules`` (every few minutes in the worker) applies the rule detectors; ``run_surges``
(daily) runs the surge methods of ``alerts.surveillance`` on per-region × category daily counts.
Every finding goes through ``actions.raise_or_update``, so one pattern keeps one alert.

Thresholds are per category (``alerts.thresholds``: built-in defaults, then what an administrator
set in the ``Thresholds`` model, read once per run into ``KeyPeriods.configured``) and are
multiplied by the smallest multiplier of the key periods (重要节点) active in a region that day,
so during a key period fewer cases raise an alert. Counts never fall below 2 (a single case is
not a repeat) and the surge minimum never below 2 cases.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from fengqiao.alerts.actions import Finding, raise_or_update
from fengqiao.alerts.models import (
    DailyReport,
    Detector,
    KeyPeriod,
    Level,
    Thresholds,
    level_rank,
)
from fengqiao.alerts.surveillance import combined_level, cusum, ears, seasonal_baseline
from fengqiao.alerts.thresholds import Configured, thresholds
from fengqiao.cases.choices import OPEN_STATUSES, CaseKind, DeadlineState, Status
from fengqiao.cases.models import Case, Category, Party
from fengqiao.core.notes import Value, listed, nested, system_note
from fengqiao.lib.masking import mask_name
from fengqiao.regions.models import Level as RegionLevel
from fengqiao.regions.models import Region

# Phrases that signal group action (群体性事件苗头); text intelligence may supersede the list.
MASS_ACTION_PHRASES = (
    "集体上访",
    "联名",
    "堵路",
    "拦路",
    "堵门",
    "围堵",
    "拉横幅",
    "打横幅",
    "静坐",
    "聚集",
    "罢工",
    "讨薪",
    "游行",
    "串联",
    "到政府",
    "去北京",
    "进京",
)

# Phrases that signal violent escalation (极端言行): threats to others or to oneself.
VIOLENT_PHRASES = (
    "扬言",
    "报复",
    "同归于尽",
    "轻生",
    "自杀",
    "跳楼",
    "跳河",
    "喝农药",
    "不想活",
    "杀了",
    "砍死",
    "弄死",
    "放火",
    "炸了",
    "拼命",
)


# --------------------------------------------------------------------------- key periods


@dataclass
class KeyPeriods:
    """What one run of the detectors reads once: the key periods active on its day (to look up
    a region's multiplier cheaply) and the thresholds an administrator set (``configured``)."""

    periods: list[tuple[str, float, tuple[str, ...]]]  # name, multiplier, region paths ("" = all)
    configured: Configured = field(default_factory=dict)

    @classmethod
    def on(cls, day: date) -> KeyPeriods:
        found = KeyPeriod.objects.filter(
            is_active=True, starts_on__lte=day, ends_on__gte=day
        ).prefetch_related("regions")
        configured = {
            (row.category.code if row.category else None): row.values()
            for row in Thresholds.objects.select_related("category")
        }
        return cls(
            [
                (p.name, p.threshold_multiplier, tuple(r.path for r in p.regions.all()) or ("",))
                for p in found
            ],
            configured,
        )

    def for_path(self, path: str) -> tuple[float, list[str]]:
        """The strictest multiplier for a region path and the names of the periods applying."""
        names = [
            name
            for name, _m, paths in self.periods
            if any(path.startswith(p) or p.startswith(path) for p in paths)
        ]
        multipliers = [
            m
            for _n, m, paths in self.periods
            if any(path.startswith(p) or p.startswith(path) for p in paths)
        ]
        return (min(multipliers) if multipliers else 1.0), names


def _key_note(names: list[str]) -> Value:
    """The sentence saying a key period made the thresholds stricter, as a value of a note."""
    if not names:
        return ""
    return nested(
        system_note(
            gettext_noop("（重要节点“%(names)s”期间，预警阈值从严）"), names="、".join(names)
        )
    )


def _etc(items: list[str], shown: int) -> Value:
    """The first ``shown`` items, "、"-joined, with 等 (and others) when there are more."""
    text = "、".join(items[:shown])
    return (
        nested(system_note(gettext_noop("%(names)s等"), names=text)) if len(items) > shown else text
    )


# --------------------------------------------------------------------------- helpers


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _community_path(path: str) -> str:
    """The community-level prefix of a region path (district/street/community), or the path."""
    parts = [p for p in path.strip("/").split("/") if p]
    return "/" + "/".join(parts[:3]) + "/" if len(parts) >= 3 else path


def _regions_by_path(paths: Iterable[str]) -> dict[str, Region]:
    return {r.path: r for r in Region.objects.filter(path__in=set(paths))}


def _level_for_count(count: int, threshold: int) -> str | None:
    if count >= 2 * threshold:
        return Level.ORANGE
    if count >= threshold:
        return Level.YELLOW
    return None


@dataclass
class RunResult:
    raised: int = 0  # alerts raised or changed (new evidence, wider window, higher level)
    findings: int = 0
    by_detector: dict[str, int] = field(default_factory=dict)

    def add(self, finding: Finding) -> None:
        self.findings += 1
        if raise_or_update(finding) is not None:
            self.raised += 1
            self.by_detector[finding.detector] = self.by_detector.get(finding.detector, 0) + 1


# --------------------------------------------------------------------------- rule detectors


def overdue_findings(now: datetime, periods: KeyPeriods) -> list[Finding]:
    """超期: communities with several overdue open cases, or a case long past its deadline."""
    rows = list(
        Case.objects.filter(deadline_state=DeadlineState.OVERDUE, status__in=OPEN_STATUSES)
        .order_by()
        .values_list("id", "region_path", "due_at", "category__code", "number")
    )
    by_community: dict[str, list[tuple[int, datetime | None, str, str]]] = defaultdict(list)
    for case_id, path, due_at, code, number in rows:
        by_community[_community_path(path)].append((case_id, due_at, code, number))
    regions = _regions_by_path(by_community)
    findings = []
    for path, cases in sorted(by_community.items()):
        region = regions.get(path)
        if region is None:
            continue
        multiplier, names = periods.for_path(path)
        t = thresholds(None, multiplier, periods.configured)
        level = _level_for_count(len(cases), t.overdue_cases)
        late = [
            c for c in cases if c[1] is not None and now - c[1] >= timedelta(t.long_overdue_days)
        ]
        if late and (level is None or level_rank(level) < level_rank(Level.ORANGE)):
            level = Level.ORANGE
        if level is None:
            continue
        worst = max((now - c[1]).days for c in cases if c[1] is not None) if cases else 0
        explanation = system_note(
            gettext_noop(
                "%(region)s有 %(n)d 件事件超过办理期限仍未办结，其中最长已超期 %(days)d 天。"
                "请督促承办单位尽快办理，必要时提级督办。%(key)s"
            ),
            region=region.name,
            n=len(cases),
            days=worst,
            key=_key_note(names),
        )
        starts = [c[1] for c in cases if c[1] is not None]
        findings.append(
            Finding(
                detector=Detector.OVERDUE,
                key=f"overdue:{region.code}",
                level=level,
                region=region,
                category=None,
                window_start=min(starts) if starts else now,
                window_end=now,
                title=system_note(
                    gettext_noop("%(region)s %(n)d 件事件超期"), region=region.name, n=len(cases)
                ),
                explanation=explanation,
                evidence=tuple(sorted(c[0] for c in cases)),
                data={"overdue": len(cases), "worst_days": worst, "cases": [c[3] for c in cases]},
            )
        )
    return findings


def escalation_findings(now: datetime, periods: KeyPeriods) -> list[Finding]:
    """多次上报: an open case escalated again and again is not being resolved below."""
    cases = Case.objects.filter(status__in=OPEN_STATUSES, escalations__gte=1).select_related(
        "region", "category"
    )
    findings = []
    for case in cases:
        multiplier, names = periods.for_path(case.region_path)
        t = thresholds(case.category.code, multiplier, periods.configured)
        if case.escalations < t.escalations:
            continue
        level = Level.ORANGE if case.escalations > t.escalations else Level.YELLOW
        findings.append(
            Finding(
                detector=Detector.ESCALATED,
                key=f"escalated:{case.number}",
                level=level,
                region=case.region,
                category=case.category,
                window_start=case.submitted_at,
                window_end=now,
                title=system_note(
                    gettext_noop("事件 %(number)s 已上报 %(n)d 次"),
                    number=case.number,
                    n=case.escalations,
                ),
                explanation=system_note(
                    gettext_noop(
                        "事件“%(title)s”已逐级上报 %(n)d 次仍未化解，矛盾有升级风险，"
                        "建议由上级中心牵头研判化解。%(key)s"
                    ),
                    title=case.title,
                    n=case.escalations,
                    key=_key_note(names),
                ),
                evidence=(case.pk,),
                data={"escalations": case.escalations},
            )
        )
    return findings


def _repeat(
    groups: dict[str, list[Case]],
    detector: str,
    describe: Value,
    now: datetime,
    periods: KeyPeriods,
) -> list[Finding]:
    findings = []
    for key, cases in sorted(groups.items()):
        if len(cases) < 2:
            continue
        latest = max(cases, key=lambda c: c.submitted_at)
        multiplier, names = periods.for_path(latest.region_path)
        t = thresholds(latest.category.code, multiplier, periods.configured)
        recent = [c for c in cases if now - c.submitted_at <= timedelta(days=t.repeat_days)]
        level = _level_for_count(len(recent), t.repeat_count)
        if level is None:
            continue
        recent.sort(key=lambda c: c.submitted_at)
        findings.append(
            Finding(
                detector=detector,
                key=f"{detector}:{key}",
                level=level,
                region=latest.region,
                category=latest.category if detector == Detector.REPEAT_GRID else None,
                window_start=recent[0].submitted_at,
                window_end=latest.submitted_at,
                title=system_note(
                    gettext_noop("%(what)s %(days)d 天内发生 %(n)d 起纠纷"),
                    what=describe,
                    days=t.repeat_days,
                    n=len(recent),
                ),
                explanation=system_note(
                    gettext_noop(
                        "%(what)s在 %(days)d 天内发生 %(n)d 起矛盾纠纷（阈值 %(k)d 起），"
                        "说明矛盾未真正化解，有反复、激化的风险，建议组织联合调解、回访。%(key)s"
                    ),
                    what=describe,
                    days=t.repeat_days,
                    n=len(recent),
                    k=t.repeat_count,
                    key=_key_note(names),
                ),
                evidence=tuple(sorted(c.pk for c in recent)),
                data={
                    "count": len(recent),
                    "days": t.repeat_days,
                    "cases": [c.number for c in recent],
                },
            )
        )
    return findings


def repeat_findings(now: datetime, periods: KeyPeriods, *, memory_days: int = 120) -> list[Finding]:
    """反复纠纷: the same parties, the same address, or the same grid and category, k times in
    N days. Party names are encrypted, so they are compared after decryption, in memory, over
    the disputes of the last ``memory_days`` (the longest window a key period can ask for)."""
    since = now - timedelta(days=memory_days)
    disputes = list(
        Case.objects.filter(kind=CaseKind.DISPUTE, submitted_at__gte=since)
        .exclude(status__in=[Status.REJECTED, Status.MERGED])
        .select_related("region", "category")
    )
    by_id = {c.pk: c for c in disputes}
    by_party: dict[str, set[int]] = defaultdict(set)
    shown_name: dict[str, str] = {}
    parties = Party.objects.filter(case_id__in=list(by_id)).values_list(
        "case_id", "name", "party_type"
    )
    for case_id, name, party_type in parties:
        normal = re.sub(r"\s+", "", name or "")
        if normal:
            digest = _digest(normal)
            by_party[digest].add(case_id)
            # A person's name is masked on screen; an organisation's is not personal data.
            organisation = party_type == Party.Type.ORGANISATION
            shown_name[digest] = normal if organisation else mask_name(normal)
    by_address: dict[str, list[Case]] = defaultdict(list)
    by_grid: dict[str, list[Case]] = defaultdict(list)
    address_shown: dict[str, str] = {}
    for case in disputes:
        address = re.sub(r"\s+", "", case.address)
        if len(address) >= 4:
            digest = _digest(address)
            by_address[digest].append(case)
            address_shown[digest] = address
        by_grid[f"{case.region.code}:{case.category.code}"].append(case)
    findings = []
    for digest, ids in by_party.items():
        findings += _repeat(
            {digest: [by_id[i] for i in ids]},
            Detector.REPEAT_PARTIES,
            nested(system_note(gettext_noop("当事人%(name)s"), name=shown_name[digest])),
            now,
            periods,
        )
    for digest, cases in by_address.items():
        findings += _repeat(
            {digest: cases}, Detector.REPEAT_ADDRESS, address_shown[digest], now, periods
        )
    for key, cases in by_grid.items():
        first = cases[0]
        findings += _repeat(
            {key: cases},
            Detector.REPEAT_GRID,
            f"{first.region.name}{first.category.name}",
            now,
            periods,
        )
    return findings


# Words in the kind (or category) label of a text-intelligence hit, per detector.
MASS_KINDS = ("mass", "group", "collective", "群体", "聚集")
VIOLENT_KINDS = (
    "violen",
    "threat",
    "revenge",
    "self",
    "harm",
    "suicide",
    "极端",
    "暴力",
    "报复",
    "轻生",
)


def _risk_phrases(text: str, own: Sequence[str], kinds: Sequence[str]) -> list[str]:
    """Risk phrases in ``text``: our own list's, plus the hits of text intelligence's
    ``fengqiao.textintel.riskphrases.scan(text)`` when that module is installed. A hit counts
    for this detector when its ``kind`` (or ``category``) label contains one of ``kinds``, or,
    unlabelled, when its phrase is in ``own``. A hit's phrase is its ``phrase`` or ``text``
    attribute, or the hit itself as a string."""
    found = [p for p in own if p in text]
    try:
        from fengqiao.textintel.riskphrases import (  # type: ignore[import-not-found,unused-ignore]
            scan,
        )
    except ImportError:
        return found
    for hit in scan(text):
        phrase = str(getattr(hit, "phrase", None) or getattr(hit, "text", None) or hit)
        label = str(getattr(hit, "kind", None) or getattr(hit, "category", None) or "").lower()
        relevant = any(k in label for k in kinds) if label else phrase in own
        if relevant and phrase not in found:
            found.append(phrase)
    return found


def mass_incident_findings(now: datetime, periods: KeyPeriods, *, days: int = 7) -> list[Finding]:
    """群体性事件风险: many people involved, or group-action phrases, in recent open cases."""
    cases = Case.objects.filter(
        status__in=OPEN_STATUSES, submitted_at__gte=now - timedelta(days=days)
    ).select_related("region", "category")
    findings = []
    for case in cases:
        multiplier, names = periods.for_path(case.region_path)
        t = thresholds(case.category.code, multiplier, periods.configured)
        phrases = _risk_phrases(
            f"{case.title}\n{case.description}", MASS_ACTION_PHRASES, MASS_KINDS
        )
        level: str | None = None
        if case.people_involved >= t.mass_people_red:
            level = Level.RED
        elif case.people_involved >= t.mass_people:
            level = Level.ORANGE
        elif phrases and case.people_involved >= max(2, t.mass_people // 3):
            level = Level.YELLOW
        elif phrases:
            level = Level.BLUE
        if level is None:
            continue
        reasons = []
        if case.people_involved >= t.mass_people:
            reasons.append(
                system_note(
                    gettext_noop("涉及 %(n)d 人（阈值 %(t)d 人）"),
                    n=case.people_involved,
                    t=t.mass_people,
                )
            )
        if phrases:
            reasons.append(system_note(gettext_noop("内容提到“%(p)s”"), p="”“".join(phrases[:5])))
        findings.append(
            Finding(
                detector=Detector.MASS_INCIDENT,
                key=f"mass:{case.number}",
                level=level,
                region=case.region,
                category=case.category,
                window_start=case.occurred_at,
                window_end=case.submitted_at,
                title=system_note(gettext_noop("群体性事件风险：%(title)s"), title=case.title),
                explanation=system_note(
                    gettext_noop(
                        "事件 %(number)s %(reasons)s，存在聚集、上访等群体性事件风险，"
                        "建议属地提前介入、稳控化解。%(key)s"
                    ),
                    number=case.number,
                    reasons=listed(reasons),
                    key=_key_note(names),
                ),
                evidence=(case.pk,),
                data={"people_involved": case.people_involved, "phrases": phrases},
            )
        )
    return findings


def violent_findings(now: datetime, periods: KeyPeriods, *, days: int = 7) -> list[Finding]:
    """极端言行: threats of revenge, violence or self-harm in recent open cases."""
    cases = Case.objects.filter(
        status__in=OPEN_STATUSES, submitted_at__gte=now - timedelta(days=days)
    ).select_related("region", "category")
    findings = []
    for case in cases:
        phrases = _risk_phrases(f"{case.title}\n{case.description}", VIOLENT_PHRASES, VIOLENT_KINDS)
        if not phrases:
            continue
        _m, names = periods.for_path(case.region_path)
        level = Level.RED if names else Level.ORANGE
        findings.append(
            Finding(
                detector=Detector.VIOLENT_PHRASES,
                key=f"violent:{case.number}",
                level=level,
                region=case.region,
                category=case.category,
                window_start=case.occurred_at,
                window_end=case.submitted_at,
                title=system_note(gettext_noop("极端言行风险：%(title)s"), title=case.title),
                explanation=system_note(
                    gettext_noop(
                        "事件 %(number)s 的内容提到“%(p)s”，当事人可能有过激、报复或轻生倾向，"
                        "请立即核实，安排调解员、民警上门稳控，必要时启动心理疏导。%(key)s"
                    ),
                    number=case.number,
                    p="”“".join(phrases[:5]),
                    key=_key_note(names),
                ),
                evidence=(case.pk,),
                data={"phrases": phrases},
            )
        )
    return findings


def missing_report_findings(now: datetime, periods: KeyPeriods) -> list[Finding]:
    """节点日报告缺报: communities that filed no daily report yesterday during a key period that
    asks for them; one alert per period and day, at the period's smallest common region."""
    yesterday = timezone.localdate(now) - timedelta(days=1)
    findings = []
    active = KeyPeriod.objects.filter(
        is_active=True, daily_report=True, starts_on__lte=yesterday, ends_on__gte=yesterday
    ).prefetch_related("regions")
    for period in active:
        paths = sorted(r.path for r in period.regions.all())
        communities = Region.objects.filter(level=RegionLevel.COMMUNITY)
        if paths:
            condition = Q(pk__in=[])
            for path in paths:
                condition |= Q(path__startswith=path)
            communities = communities.filter(condition)
        reported = DailyReport.objects.filter(key_period=period, day=yesterday).values("community")
        missing = list(communities.exclude(pk__in=reported).order_by("path"))
        if not missing:
            continue
        region = _common_region([c.path for c in missing])
        if region is None:
            continue
        tz = timezone.get_current_timezone()
        names = _etc([c.name for c in missing], 20)
        findings.append(
            Finding(
                detector=Detector.MISSING_REPORTS,
                key=f"missing_reports:{period.pk}:{yesterday.isoformat()}",
                level=Level.BLUE,
                region=region,
                category=None,
                window_start=datetime.combine(yesterday, time.min, tzinfo=tz),
                window_end=datetime.combine(yesterday + timedelta(days=1), time.min, tzinfo=tz),
                title=system_note(
                    gettext_noop("%(period)s：%(day)s %(n)d 个社区未报告"),
                    period=period.name,
                    day=yesterday.isoformat(),
                    n=len(missing),
                ),
                explanation=system_note(
                    gettext_noop(
                        "重要节点“%(period)s”期间，%(day)s 有 %(n)d 个社区没有提交日报告"
                        "（无异常也须报告）：%(names)s。请督促补报。"
                    ),
                    period=period.name,
                    day=yesterday.isoformat(),
                    n=len(missing),
                    names=names,
                ),
                evidence=(),
                data={"missing": [c.code for c in missing], "day": yesterday.isoformat()},
            )
        )
    return findings


def hazard_overdue_findings(now: datetime, periods: KeyPeriods) -> list[Finding]:
    """隐患整改超期: per community, registered hazards (风险隐患) past their rectification
    deadline. One overdue 重大 hazard is orange (red when a key period covers the community),
    one 较大 hazard or three of any level yellow, otherwise blue. Evidence is the cases the
    hazards came from or raised; the hazards themselves are listed in ``data``."""
    from fengqiao.hazards.choices import RUNNING_STATUSES, HazardLevel
    from fengqiao.hazards.choices import DeadlineState as HazardDeadline
    from fengqiao.hazards.models import Hazard

    rows = list(
        Hazard.objects.filter(deadline_state=HazardDeadline.OVERDUE, status__in=RUNNING_STATUSES)
        .order_by("due_at", "id")
        .values_list("id", "region_path", "due_at", "level", "title", "case_id", "raised_case_id")
    )
    by_community: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        by_community[_community_path(row[1])].append(row)
    regions = _regions_by_path(by_community)
    findings = []
    for path, hazards in sorted(by_community.items()):
        region = regions.get(path)
        if region is None:
            continue
        _multiplier, names = periods.for_path(path)
        levels = {h[3] for h in hazards}
        if HazardLevel.MAJOR in levels:
            level = Level.RED if names else Level.ORANGE
        elif HazardLevel.SERIOUS in levels or len(hazards) >= 3:
            level = Level.YELLOW
        else:
            level = Level.BLUE
        worst = max((now - h[2]).days for h in hazards if h[2] is not None)
        explanation = system_note(
            gettext_noop(
                "%(region)s有 %(n)d 处风险隐患超过整改期限仍未整改完成（%(titles)s），"
                "最长已超期 %(days)d 天。请督促责任单位落实整改措施，必要时提级督办。%(key)s"
            ),
            region=region.name,
            n=len(hazards),
            titles=_etc([h[4] for h in hazards], 3),
            days=worst,
            key=_key_note(names),
        )
        cases = {c for h in hazards for c in (h[5], h[6]) if c is not None}
        findings.append(
            Finding(
                detector=Detector.HAZARD_OVERDUE,
                key=f"hazard_overdue:{region.code}",
                level=level,
                region=region,
                category=None,
                window_start=min(h[2] for h in hazards if h[2] is not None),
                window_end=now,
                title=system_note(
                    gettext_noop("%(region)s %(n)d 处隐患整改超期"),
                    region=region.name,
                    n=len(hazards),
                ),
                explanation=explanation,
                evidence=tuple(sorted(cases)),
                data={"hazards": [h[0] for h in hazards], "worst_days": worst},
            )
        )
    return findings


def _common_region(paths: Sequence[str]) -> Region | None:
    """The deepest region whose path is a prefix of every path given."""
    split = [[p for p in path.strip("/").split("/") if p] for path in paths]
    common: list[str] = []
    for parts in zip(*split, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    for depth in range(len(common), 0, -1):
        region = Region.objects.filter(path="/" + "/".join(common[:depth]) + "/").first()
        if region is not None:
            return region
    return None


RULES = (
    overdue_findings,
    escalation_findings,
    repeat_findings,
    mass_incident_findings,
    violent_findings,
    missing_report_findings,
    hazard_overdue_findings,
)


def run_rules(now: datetime | None = None) -> RunResult:
    """Apply every rule detector once; each finding raises or updates its alert."""
    now = now or timezone.now()
    periods = KeyPeriods.on(timezone.localdate(now))
    result = RunResult()
    for rule in RULES:
        for finding in rule(now, periods):
            result.add(finding)
    return result


# --------------------------------------------------------------------------- surges

SURGE_HISTORY = 400  # days of counts read per series (a year for the seasonal terms, + guard)
SURGE_LEVELS = (RegionLevel.COMMUNITY, RegionLevel.STREET)


def _prefix(path: str, depth: int) -> str | None:
    parts = [p for p in path.strip("/").split("/") if p]
    return "/" + "/".join(parts[:depth]) + "/" if len(parts) >= depth else None


def daily_counts(
    day: date, *, history: int = SURGE_HISTORY
) -> tuple[date, dict[tuple[str, int], np.ndarray[Any, np.dtype[np.float64]]]]:
    """Per (region path, leaf category id) daily counts of cases submitted over ``history``
    days ending with ``day`` (local dates), for communities (depth 3) and streets (depth 2).
    Merged and rejected cases are left out (duplicates and non-cases are not demand)."""
    start = day - timedelta(days=history - 1)
    tz = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=tz)
    until = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    rows = (
        Case.objects.filter(submitted_at__gte=since, submitted_at__lt=until)
        .exclude(status__in=[Status.MERGED, Status.REJECTED])
        .order_by()
        .values_list("region_path", "category_id", "submitted_at")
    )
    series: dict[tuple[str, int], np.ndarray[Any, np.dtype[np.float64]]] = {}
    for path, category_id, submitted_at in rows.iterator(chunk_size=5000):
        index = (timezone.localtime(submitted_at, tz).date() - start).days
        for depth in (2, 3):
            prefix = _prefix(path, depth)
            if prefix is None:
                continue
            counts = series.get((prefix, category_id))
            if counts is None:
                counts = series[(prefix, category_id)] = np.zeros(history)
            counts[index] += 1
    return start, series


def run_surges(day: date | None = None, *, history: int = SURGE_HISTORY) -> RunResult:
    """Run EARS C2, C3, CUSUM and the seasonal baseline on each series' last day (``day``,
    by default yesterday, the last complete day) and raise an alert where ``combined_level``
    gives one and the last three days hold at least the category's minimum of cases."""
    now = timezone.now()
    day = day or timezone.localdate(now) - timedelta(days=1)
    start, series = daily_counts(day, history=history)
    periods = KeyPeriods.on(day)
    regions = _regions_by_path(path for path, _c in series)
    categories = Category.objects.in_bulk({c for _p, c in series})
    result = RunResult()
    last = history - 1
    for (path, category_id), counts in sorted(series.items()):
        region, category = regions.get(path), categories.get(category_id)
        if region is None or category is None:
            continue
        multiplier, names = periods.for_path(path)
        t = thresholds(category.code, multiplier, periods.configured)
        if counts[last] == 0 or counts[-3:].sum() < t.surge_min_cases:
            continue
        verdicts = {
            "EARS C2": ears(counts[-30:], "C2"),
            "EARS C3": ears(counts[-30:], "C3"),
            "CUSUM": cusum(counts[-60:]),
            "季节基线": seasonal_baseline(counts, start, days=[last]),
        }
        alarmed = [name for name, d in verdicts.items() if d.alarm[-1]]
        seasonal = verdicts["季节基线"]
        expected = seasonal.expected[-1]
        fitted = math.isfinite(expected)
        if not fitted:
            expected = verdicts["EARS C2"].expected[-1]
        others = sum(1 for name in alarmed if name != "季节基线")
        level = combined_level(
            bool(seasonal.alarm[-1]) if fitted else None, others, counts[last], float(expected)
        )
        if level is None:
            continue
        result.add(
            _surge_finding(day, region, category, counts, float(expected), alarmed, level, names)
        )
    return result


def _surge_finding(
    day: date,
    region: Region,
    category: Category,
    counts: np.ndarray[Any, np.dtype[np.float64]],
    expected: float,
    alarmed: list[str],
    level: str,
    key_names: list[str],
) -> Finding:
    tz = timezone.get_current_timezone()
    window_start = datetime.combine(day - timedelta(days=2), time.min, tzinfo=tz)
    window_end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    evidence = (
        Case.objects.filter(
            Q(region_path__startswith=region.path),
            category=category,
            submitted_at__gte=window_start,
            submitted_at__lt=window_end,
        )
        .exclude(status__in=[Status.MERGED, Status.REJECTED])
        .values_list("id", flat=True)
    )
    count = int(counts[-1])
    explanation = system_note(
        gettext_noop(
            "%(day)s %(region)s“%(category)s”类事件 %(n)d 件，按历史同期推算预期约 %(e).1f 件，"
            "近三日共 %(n3)d 件。%(methods)s 判定为异常增多。"
            "建议研判是否存在共同原因（同一项目、同一企业、同一政策），提前组织化解。%(key)s"
        ),
        day=day.isoformat(),
        region=region.name,
        category=category.name,
        n=count,
        e=float(expected),
        n3=int(counts[-3:].sum()),
        methods={"msgids": alarmed},  # method names, joined in the reader's way
        key=_key_note(key_names),
    )
    return Finding(
        detector=Detector.SURGE,
        key=f"surge:{region.code}:{category.code}",
        level=level,
        region=region,
        category=category,
        window_start=window_start,
        window_end=window_end,
        title=system_note(
            gettext_noop("%(region)s %(category)s类事件激增"),
            region=region.name,
            category=category.name,
        ),
        explanation=explanation,
        evidence=tuple(sorted(evidence)),
        data={
            "day": day.isoformat(),
            "count": count,
            "expected": round(expected, 2),
            "methods": alarmed,
            "last_14_days": [int(x) for x in counts[-14:]],
        },
    )


def catch_up(now: datetime | None = None, *, days: int = 14) -> RunResult:
    """Run the surge detection for each of the last ``days`` complete days, oldest first, the
    space-time scan and the near-repeat test for the last complete day, then the rules: after
    the worker was down, or once when data is loaded (the demo does this).
    A surge lasting several days stays one alert, updated day by day."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    total = RunResult()
    for back in range(days, 0, -1):
        _merge(total, run_surges(today - timedelta(days=back)))
    # The scan and the Knox test look for patterns alive now: only the last complete day.
    from fengqiao.alerts.near_repeat import run_near_repeat
    from fengqiao.alerts.scan_detector import run_scan

    yesterday = today - timedelta(days=1)
    for name, part in (
        (Detector.STSCAN, run_scan(yesterday)),
        (Detector.NEAR_REPEAT, run_near_repeat(yesterday)),
    ):
        total.raised += part.raised
        total.findings += part.findings
        if part.raised:
            total.by_detector[name] = total.by_detector.get(name, 0) + part.raised
    _merge(total, run_rules(now))
    return total


def _merge(total: RunResult, part: RunResult) -> None:
    total.raised += part.raised
    total.findings += part.findings
    for name, n in part.by_detector.items():
        total.by_detector[name] = total.by_detector.get(name, 0) + n
