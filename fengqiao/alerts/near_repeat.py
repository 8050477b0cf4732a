"""The near-repeat detector (近重复研判): the Knox test (``alerts.knox``) on recent hazards of
the kinds where one event raises the risk of another close by for a while.

Where it applies: fire hazards (火灾隐患 - arson and electrical faults recur along one street or
estate) and public-order hazards (治安隐患 - the near-repeat pattern of burglary and street crime
that Ratcliffe's calculator was built for); ``CATEGORIES`` lists them. Other hazards (landslides,
roads, food) cluster because of a common cause such as rain, which the space-time scan finds;
disputes repeat between the same parties, which the repeat rules find.

What it tests, per category, once a day: the category's cases submitted in the last
``WINDOW_DAYS`` days with a point (merged and rejected cases left out - duplicate reports of one
hazard would otherwise look like near repeats). Distances in kilometres (local projection), times
in days. One cell is tested, fixed in advance so that the test is one test and not sixteen: pairs
within ``NEAR_KM`` and ``NEAR_DAYS`` (the table's first distance and time bands). An alert when
that cell holds at least ``MIN_PAIRS`` pairs, its Knox ratio (observed / expected) is at least
``MIN_RATIO`` and its Monte Carlo p-value is below 0.05: blue, or yellow when p < 0.01 and the
ratio is at least 2. The whole table goes into the alert's data.

The test is district-wide; the alert is about now: it is raised only when some near pair has
its later event in the last ``RECENT_DAYS`` days (those pairs' cases are the evidence, and its
region is the smallest region holding them). Its key is ``near_repeat:<category>``: one alert
per category while the pattern lasts.
"""

from __future__ import annotations

import time as clock
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext_noop

from fengqiao.alerts.actions import Finding, raise_or_update
from fengqiao.alerts.knox import (
    FloatArray,
    IntArray,
    KnoxResult,
    knox_test,
    near_pairs,
    project_latlon,
)
from fengqiao.alerts.models import Detector, Level
from fengqiao.cases.choices import Status
from fengqiao.cases.models import Case, Category
from fengqiao.core.notes import system_note
from fengqiao.regions.models import Region

CATEGORIES = ("hazard-fire", "hazard-public-order")
WINDOW_DAYS = 90  # recent events in each test
DISTANCE_EDGES = (0.2, 0.4, 0.8, 1.6)  # km; the first band is the "near" distance
TIME_EDGES = (3.0, 7.0, 14.0, 28.0)  # days; the first band is the "near" time
ITERATIONS = 999
MIN_EVENTS = 20  # fewer events than this make no pattern worth testing
MIN_PAIRS = 3  # with fewer near pairs one coincidence decides the test
MIN_RATIO = 1.2
RECENT_DAYS = 14  # near pairs whose later event is this recent are the evidence
ALPHA = 0.05


@dataclass(frozen=True)
class KnoxSettings:
    window_days: int = WINDOW_DAYS
    distance_edges: tuple[float, ...] = DISTANCE_EDGES
    time_edges: tuple[float, ...] = TIME_EDGES
    iterations: int = ITERATIONS
    min_events: int = MIN_EVENTS
    categories: tuple[str, ...] = CATEGORIES


@dataclass
class KnoxRun:
    day: str = ""
    raised: int = 0
    findings: int = 0
    seconds: float = 0.0
    categories: dict[str, dict[str, float]] = field(default_factory=dict)


def near_repeat_level(p_value: float, ratio: float, pairs: int) -> str | None:
    """Blue for a significant excess of near pairs, yellow for a strong one (see the module)."""
    if pairs < MIN_PAIRS or ratio < MIN_RATIO or p_value >= ALPHA:
        return None
    return Level.YELLOW if p_value < 0.01 and ratio >= 2 else Level.BLUE


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def run_near_repeat(day: date | None = None, *, settings: KnoxSettings | None = None) -> KnoxRun:
    """Run the Knox test for each near-repeat category over the window ending ``day`` (default
    yesterday) and raise or update one alert per category with a near-repeat pattern."""
    began = clock.perf_counter()
    settings = settings or KnoxSettings()
    day = day or timezone.localdate() - timedelta(days=1)
    start = day - timedelta(days=settings.window_days - 1)
    run = KnoxRun(day=day.isoformat())
    tz = timezone.get_current_timezone()
    for category in Category.objects.filter(code__in=settings.categories).order_by("code"):
        rows = list(
            Case.objects.filter(
                category=category,
                submitted_at__gte=_local_midnight(start),
                submitted_at__lt=_local_midnight(day + timedelta(days=1)),
                lon__isnull=False,
                lat__isnull=False,
            )
            .exclude(status__in=[Status.MERGED, Status.REJECTED])
            .order_by("submitted_at", "id")
            .values_list("id", "lon", "lat", "submitted_at", "region_path")
        )
        if len(rows) < settings.min_events:
            continue
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        x, y = project_latlon(
            np.array([r[2] for r in rows], dtype=np.float64),
            np.array([r[1] for r in rows], dtype=np.float64),
        )
        times = np.array(
            [(timezone.localtime(r[3], tz).date() - start).days for r in rows], dtype=np.float64
        )
        seed = zlib.crc32(f"knox:{day.isoformat()}:{category.code}".encode())
        result = knox_test(
            x,
            y,
            times,
            list(settings.distance_edges),
            list(settings.time_edges),
            settings.iterations,
            seed,
        )
        observed = int(result.observed[0, 0])
        ratio = float(result.knox_ratio[0, 0]) if result.expected[0, 0] > 0 else 0.0
        p_value = float(result.p_value[0, 0])
        run.categories[category.code] = {
            "events": float(len(rows)),
            "near_pairs": float(observed),
            "knox_ratio": round(ratio, 3),
            "p_value": p_value,
            "seconds": round(result.seconds, 3),
        }
        level = near_repeat_level(p_value, ratio, observed)
        if level is None:
            continue
        recent = float((day - start).days - RECENT_DAYS + 1)
        evidence = _recent_near_pairs(ids, x, y, times, settings, recent)
        if not evidence:
            continue  # the pattern is history: no near repeat in the last RECENT_DAYS days
        paths = [r[4] for r in rows if r[0] in set(evidence)]
        finding = _finding(category, day, settings, result, level, evidence, paths, len(rows))
        run.findings += 1
        if raise_or_update(finding) is not None:
            run.raised += 1
    run.seconds = round(clock.perf_counter() - began, 3)
    return run


def _recent_near_pairs(
    ids: IntArray,
    x: FloatArray,
    y: FloatArray,
    times: FloatArray,
    settings: KnoxSettings,
    recent_from: float,
) -> tuple[int, ...]:
    """Cases in a near pair (first distance and time bands) whose later event is recent."""
    first, second, _distance = near_pairs(x, y, settings.distance_edges[0])
    gap = np.abs(times[first] - times[second])
    later = np.maximum(times[first], times[second])
    keep = (gap <= settings.time_edges[0]) & (later >= recent_from)
    return tuple(sorted({int(i) for i in np.concatenate([ids[first[keep]], ids[second[keep]]])}))


def _common_region(paths: list[str]) -> Region:
    split = [[p for p in path.strip("/").split("/") if p] for path in paths]
    common: list[str] = []
    for parts in zip(*split, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    candidates = ["/" + "/".join(common[:depth]) + "/" for depth in range(len(common), 0, -1)]
    found = {r.path: r for r in Region.objects.filter(path__in=candidates)}
    for path in candidates:
        if path in found:
            return found[path]
    root = Region.objects.filter(parent=None).order_by("path").first()
    if root is None:
        raise Region.DoesNotExist("no region to attach the alert to")
    return root


def _finding(
    category: Category,
    day: date,
    settings: KnoxSettings,
    result: KnoxResult,
    level: str,
    evidence: tuple[int, ...],
    paths: list[str],
    events: int,
) -> Finding:
    near_km, near_days = settings.distance_edges[0], settings.time_edges[0]
    observed = int(result.observed[0, 0])
    expected = float(result.expected[0, 0])
    p_value = float(result.p_value[0, 0])
    region = _common_region(paths)
    explanation = system_note(
        gettext_noop(
            "近 %(window)d 天全区“%(category)s”类事件共 %(events)d 件。其中相距 %(km)g 公里以内、"
            "间隔 %(days)g 天以内的事件有 %(observed)d 对，若发生地点与时间互不相关，预期约 "
            "%(expected).1f 对（Knox 比 %(ratio).2f，%(iterations)d 次随机模拟 p = %(p).3f）。"
            "说明一处发生后，附近短期内再次发生的风险升高（近重复）。近 %(recent)d 天%(region)s有 "
            "%(n)d 件事件属于这样的近重复，建议在其周边 %(km)g 公里范围内 %(days)g 天内加强巡查、"
            "排查同类隐患。"
        ),
        window=settings.window_days,
        region=region.name,
        category=category.name,
        events=events,
        km=near_km,
        days=near_days,
        observed=observed,
        expected=expected,
        ratio=observed / expected if expected > 0 else 0.0,
        iterations=result.iterations,
        p=p_value,
        recent=RECENT_DAYS,
        n=len(evidence),
    )
    tz = timezone.get_current_timezone()
    window_start = datetime.combine(day - timedelta(days=RECENT_DAYS - 1), time.min, tzinfo=tz)
    return Finding(
        detector=Detector.NEAR_REPEAT,
        key=f"near_repeat:{category.code}",
        level=level,
        region=region,
        category=category,
        window_start=window_start,
        window_end=datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz),
        title=system_note(
            gettext_noop("%(category)s近重复模式（%(km)g 公里、%(days)g 天内）"),
            category=category.name,
            km=near_km,
            days=near_days,
        ),
        explanation=explanation,
        evidence=evidence,
        data={"day": day.isoformat(), "events": events, **result.as_json()},
    )
