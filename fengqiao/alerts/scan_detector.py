"""The space-time cluster detector (时空聚集研判): the prospective space-time permutation scan
(``alerts.stscan``) over the district's recent cases, once a day and on demand.

What it scans: the cases submitted in the last ``STUDY_DAYS`` days up to the last complete day
(merged and rejected cases left out), counted per grid (网格) and local day. Each grid is a
location at its representative point (``Region.point_lon/point_lat``); a case whose region is not
a grid with a point is left out (the count is in the result). One scan per case kind (矛盾纠纷,
风险隐患, 诉求投诉, 信访, 突发事件): a burst of noise complaints should not be diluted by the
district's disputes, and a kind is broad enough to hold a real pattern (several categories of
one cause). Kinds with fewer than ``MIN_CASES`` cases, or none in the last ``MAX_DAYS`` days,
are not scanned.

The scan is prospective (SaTScan's "alive" clusters): only windows of 1 to ``MAX_DAYS`` days
ending on the last day are scanned, circles grow to ``MAX_RADIUS_KM`` around each grid, and
``REPLICAS`` Monte Carlo replicas with a seed fixed per day and kind (the same run gives the same
answer). Each reported cluster with p < 0.05 raises or updates one alert; the level follows the
p-value and size (``cluster_level``).

One cluster, one alert while it lasts: a cluster's key is ``stscan:<kind>:<centre grid>:<first
day>`` when first seen. On later days a cluster of the same kind that shares a grid with an
earlier stscan alert and starts no later than the day after that alert's window ended takes that
alert's key, so a burst that grows or moves to the next grid updates the alert already raised
(or, once someone has closed it, raises again only with cases the closed alert did not have).

Cost: one query for the cases of the study period, one for the grids, one for the earlier
alerts and one per alert for its evidence; the scans themselves are compiled (numba) and take
well under a second per kind on the demo district (docs/alerts.md has the figures).
"""

from __future__ import annotations

import math
import time as clock
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import numpy as np
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from fengqiao.alerts.actions import Finding, raise_or_update
from fengqiao.alerts.models import Alert, Detector, Level
from fengqiao.alerts.satscan_io import Cases, Locations, latlon_to_points
from fengqiao.alerts.stscan import Cluster, ScanParameters, SpaceTimePermutationScan
from fengqiao.cases.choices import CaseKind, Status
from fengqiao.cases.models import Case
from fengqiao.core.notes import listed, nested, system_note, word
from fengqiao.regions.models import Level as RegionLevel
from fengqiao.regions.models import Region

STUDY_DAYS = 60  # days of cases in each scan, ending with the last complete day
MAX_RADIUS_KM = 1.5  # a cluster is a few neighbouring grids at most
MAX_DAYS = 7  # the longest alive window: a burst of up to a week
REPLICAS = 999  # Monte Carlo replicas: p-values down to 0.001
MIN_CASES = 10  # a kind with fewer cases in the study period is not scanned
ALPHA = 0.05  # clusters below this p-value raise an alert


@dataclass(frozen=True)
class ScanSettings:
    """The scan's parameters (the module constants by default; tests use fewer replicas)."""

    study_days: int = STUDY_DAYS
    max_radius_km: float = MAX_RADIUS_KM
    max_days: int = MAX_DAYS
    replicas: int = REPLICAS
    min_cases: int = MIN_CASES
    alpha: float = ALPHA


@dataclass
class ScanRun:
    """What one run did: per kind the cases scanned, the clusters reported and the seconds."""

    day: str = ""
    raised: int = 0  # alerts raised or changed
    findings: int = 0  # significant clusters
    skipped_cases: int = 0  # cases not in a grid with a point
    seconds: float = 0.0
    kinds: dict[str, dict[str, float]] = field(default_factory=dict)


def cluster_level(p_value: float, observed: int, expected: float) -> str:
    """四色 level of a significant cluster.

    Orange: p at the floor of 999 replicas (<= 0.001) with at least 10 cases and three times the
    expected count - a large burst that chance almost never makes. Yellow: p < 0.01 (under no
    clustering a daily scan of one kind reports this about once in 100 days). Blue: p < 0.05
    (once in 20 days). A statistical cluster alone is never red: red is for what people said or
    did (mass incidents, threats), which the rule detectors judge.
    """
    if p_value <= 0.001 + 1e-12 and observed >= 10 and observed >= 3 * expected:
        return Level.ORANGE
    if p_value < 0.01:
        return Level.YELLOW
    return Level.BLUE


def day_seed(day: date, kind: str) -> int:
    """A seed fixed by day and kind: running the same day again gives the same p-values."""
    return zlib.crc32(f"stscan:{day.isoformat()}:{kind}".encode())


@dataclass(frozen=True)
class _Grid:
    pk: int
    code: str
    name: str
    path: str


def _grids() -> tuple[list[_Grid], Locations]:
    rows = list(
        Region.objects.filter(
            level=RegionLevel.GRID, point_lon__isnull=False, point_lat__isnull=False
        )
        .order_by("path")
        .values_list("pk", "code", "name", "path", "point_lat", "point_lon")
    )
    grids = [_Grid(pk, code, name, path) for pk, code, name, path, _lat, _lon in rows]
    raw = np.array([[lat, lon] for *_g, lat, lon in rows], dtype=np.float64).reshape(-1, 2)
    locations = Locations(
        ids=tuple(g.code for g in grids),
        raw=raw,
        points=latlon_to_points(raw[:, 0], raw[:, 1]),
        system="latlon",
    )
    return grids, locations


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def run_scan(day: date | None = None, *, settings: ScanSettings | None = None) -> ScanRun:
    """Scan each kind's cases of the study period ending ``day`` (default: yesterday, the last
    complete day) and raise or update an alert for each cluster with p below ``alpha``."""
    began = clock.perf_counter()
    settings = settings or ScanSettings()
    day = day or timezone.localdate() - timedelta(days=1)
    start = day - timedelta(days=settings.study_days - 1)
    grids, locations = _grids()
    index = {g.pk: i for i, g in enumerate(grids)}
    rows = (
        Case.objects.filter(
            submitted_at__gte=_local_midnight(start),
            submitted_at__lt=_local_midnight(day + timedelta(days=1)),
        )
        .exclude(status__in=[Status.MERGED, Status.REJECTED])
        .order_by()
        .values_list("kind", "region_id", "submitted_at")
    )
    tz = timezone.get_current_timezone()
    by_kind: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    run = ScanRun(day=day.isoformat())
    for kind, region_id, submitted_at in rows.iterator(chunk_size=5000):
        where = index.get(region_id)
        if where is None:
            run.skipped_cases += 1
            continue
        by_kind[kind][0].append(where)
        by_kind[kind][1].append((timezone.localtime(submitted_at, tz).date() - start).days)
    used: set[str] = set()
    for kind in CaseKind.values:
        location, days = by_kind.get(kind, ([], []))
        if len(location) < settings.min_cases or max(days, default=-1) < (
            settings.study_days - settings.max_days
        ):
            continue
        kind_began = clock.perf_counter()
        cases = Cases(
            location=np.asarray(location, dtype=np.int64),
            day=np.asarray(days, dtype=np.int64),
            start=start,
            end=day,
        )
        parameters = ScanParameters(
            max_radius_km=settings.max_radius_km,
            max_days=settings.max_days,
            replicas=settings.replicas,
            seed=day_seed(day, kind),
            prospective=True,
        )
        result = SpaceTimePermutationScan(locations, cases, parameters).run()
        significant = [
            c for c in result.clusters if c.p_value is not None and c.p_value < settings.alpha
        ]
        for cluster in significant:
            finding = _finding(kind, cluster, grids, settings, parameters.seed, used)
            run.findings += 1
            if raise_or_update(finding) is not None:
                run.raised += 1
        run.kinds[kind] = {
            "cases": float(cases.total),
            "clusters": float(len(significant)),
            "best_p": float(result.clusters[0].p_value or 1.0) if result.clusters else 1.0,
            "seconds": round(clock.perf_counter() - kind_began, 3),
        }
    run.seconds = round(clock.perf_counter() - began, 3)
    return run


def _stable_key(kind: str, cluster: Cluster, used: set[str]) -> str:
    """The key of an earlier stscan alert of this kind that shares a grid with the cluster and
    whose window reaches the day before the cluster's first day; else a new key."""
    earlier = (
        Alert.objects.filter(
            detector=Detector.STSCAN,
            dedupe_key__startswith=f"stscan:{kind}:",
            window_end__gte=_local_midnight(cluster.start),
        )
        .order_by("-raised_at", "-id")
        .values_list("dedupe_key", "data")
    )
    grids = set(cluster.location_ids)
    for key, data in earlier:
        if key not in used and grids & set(data.get("grids", [])):
            used.add(key)
            return str(key)
    key = f"stscan:{kind}:{cluster.center}:{cluster.start.isoformat()}"
    used.add(key)
    return key


def _common_region(grids: list[_Grid]) -> Region:
    """The deepest region containing every grid of the cluster (the grid itself for one)."""
    split = [[p for p in g.path.strip("/").split("/") if p] for g in grids]
    common: list[str] = []
    for parts in zip(*split, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    paths = ["/" + "/".join(common[:depth]) + "/" for depth in range(len(common), 0, -1)]
    found = {r.path: r for r in Region.objects.filter(path__in=paths)}
    return next(found[p] for p in paths if p in found)


def _finding(
    kind: str,
    cluster: Cluster,
    grids: list[_Grid],
    settings: ScanSettings,
    seed: int,
    used: set[str],
) -> Finding:
    by_code = {g.code: g for g in grids}
    members = [by_code[code] for code in cluster.location_ids]
    window_start = _local_midnight(cluster.start)
    window_end = _local_midnight(cluster.end + timedelta(days=1))
    rows = list(
        Case.objects.filter(
            Q(region_id__in=[g.pk for g in members]),
            kind=kind,
            submitted_at__gte=window_start,
            submitted_at__lt=window_end,
        )
        .exclude(status__in=[Status.MERGED, Status.REJECTED])
        .values_list("id", "region_id")
    )
    evidence = tuple(sorted(pk for pk, _region in rows))
    # The places named first are those with the most cases (the centre may hold few of them).
    per_grid = Counter(region for _pk, region in rows)
    members.sort(key=lambda g: -per_grid[g.pk])
    top = members[0]
    p_value = float(cluster.p_value if cluster.p_value is not None else 1.0)
    level = cluster_level(p_value, cluster.observed, cluster.expected)
    kind_label = word(CaseKind(kind).label)
    days = (cluster.end - cluster.start).days + 1
    names = listed(
        [
            system_note(gettext_noop("%(name)s %(n)d 件"), name=g.name, n=per_grid[g.pk])
            for g in members[:8]
            if per_grid[g.pk]
        ]
    )
    ratio = cluster.observed / cluster.expected if cluster.expected > 0 else math.inf
    explanation = system_note(
        gettext_noop(
            "%(start)s 至 %(end)s（%(days)d 天），以%(centre)s为中心、半径约 %(radius).1f 公里的 "
            "%(n)d 个网格共发生%(kind)s类事件 %(observed)d 件（%(places)s）；"
            "按这些网格近 %(study)d 天的总量和全区每天的总量推算，"
            "预期约 %(expected).1f 件，是预期的 %(ratio).1f 倍。"
            "时空重排扫描（%(replicas)d 次随机模拟）p = %(p)s，这样的聚集由偶然造成的可能性很小。"
            "建议核查这些事件是否有共同原因（同一场所、同一设施、同一起事件），组织联合排查处置。"
        ),
        start=cluster.start.isoformat(),
        end=cluster.end.isoformat(),
        days=days,
        places=names,
        n=len(members),
        centre=by_code[cluster.center].name,
        radius=cluster.radius_km,
        kind=kind_label,
        observed=cluster.observed,
        study=settings.study_days,
        expected=cluster.expected,
        ratio=ratio,
        replicas=settings.replicas,
        p=f"{p_value:.3f}",
    )
    return Finding(
        detector=Detector.STSCAN,
        key=_stable_key(kind, cluster, used),
        level=level,
        region=_common_region(members),
        category=None,
        window_start=window_start,
        window_end=window_end,
        title=system_note(
            gettext_noop("%(place)s%(kind)s类事件时空聚集（%(days)d 天 %(n)d 件）"),
            place=top.name
            if len(members) == 1
            else nested(system_note(gettext_noop("%(name)s等"), name=top.name)),
            kind=kind_label,
            days=days,
            n=cluster.observed,
        ),
        explanation=explanation,
        evidence=evidence,
        data={
            "kind": kind,
            "center": cluster.center,
            "grids": list(cluster.location_ids),
            "start": cluster.start.isoformat(),
            "end": cluster.end.isoformat(),
            "observed": cluster.observed,
            "expected": round(cluster.expected, 3),
            "test_statistic": round(cluster.test_statistic, 4),
            "p_value": p_value,
            "radius_km": round(cluster.radius_km, 3),
            "replicas": settings.replicas,
            "seed": seed,
            "study_days": settings.study_days,
        },
    )
