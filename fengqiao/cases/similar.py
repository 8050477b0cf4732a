"""Possible duplicates at intake (重复事件提示): open cases nearby that read alike.

Among open cases of the same category group reported in the last 30 days within 500 m of the
point (or in the same region when there is no point), the text-intelligence duplicate engine
(:mod:`fengqiao.textintel.dedup`: normalised text, MinHash of character 3-shingles) scores how
alike they read; the hint threshold is lower than the batch one because the place, time and
category have already been matched and a wrong hint costs the operator one click. Costs one
query over a small bounding box of recent open cases and a signature per candidate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from fengqiao.cases.choices import OPEN_STATUSES, Status
from fengqiao.cases.models import Case, Category
from fengqiao.regions.models import Region
from fengqiao.textintel.dedup import DedupConfig, DuplicateIndex, Report

RADIUS_M = 500.0
WINDOW = timedelta(days=30)
THRESHOLD = 0.3
HINTS = DedupConfig(threshold=THRESHOLD, radius_m=RADIUS_M, window_s=WINDOW.total_seconds())
_DEGREE_M = 111_320.0


@dataclass(frozen=True)
class Similar:
    case: Case
    score: float
    distance_m: float | None


def similar_open_cases(
    visible: QuerySet[Case],
    *,
    text: str,
    category: Category,
    lon: float | None,
    lat: float | None,
    region: Region | None,
    limit: int = 5,
) -> list[Similar]:
    """Open cases among ``visible`` that are probably the same matter, best first."""
    group = category.parent_id or category.pk
    candidates = visible.filter(
        status__in=[*OPEN_STATUSES, Status.SUBMITTED],
        submitted_at__gte=timezone.now() - WINDOW,
    ).filter(Q(category_id=group) | Q(category__parent_id=group))
    if lon is not None and lat is not None:
        dlat = RADIUS_M / _DEGREE_M
        dlon = dlat / max(math.cos(math.radians(lat)), 0.1)
        candidates = candidates.filter(
            lon__range=(lon - dlon, lon + dlon), lat__range=(lat - dlat, lat + dlat)
        )
    elif region is not None:
        candidates = candidates.filter(region_path__startswith=region.path)
    else:
        return []
    cases = {
        case.pk: case
        for case in candidates.only(
            "id", "number", "title", "description", "lon", "lat", "status", "submitted_at"
        )[:200]
    }
    index = DuplicateIndex(HINTS)
    index.add_many(
        Report(pk, f"{case.title}{case.description}", case.lon, case.lat, case.submitted_at)
        for pk, case in cases.items()
    )
    found = index.query(text, lon=lon, lat=lat, limit=limit)
    return [
        Similar(
            cases[f.id],  # type: ignore[index]
            round(f.similarity, 2),
            round(f.distance_m) if f.distance_m is not None else None,
        )
        for f in found
    ]
