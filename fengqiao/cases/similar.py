"""Possible duplicates at intake (重复事件提示): open cases nearby that read alike.

A simple check until the text-intelligence issue replaces it: Chinese character bigrams with
Jaccard similarity, among open cases of the same category group reported in the last 30 days
within 500 m of the point (or in the same region when there is no point). Costs one query over
a small bounding box of recent open cases.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from itertools import pairwise

from django.db.models import Q, QuerySet
from django.utils import timezone

from fengqiao.cases.choices import OPEN_STATUSES, Status
from fengqiao.cases.models import Case, Category
from fengqiao.regions.models import Region

RADIUS_M = 500.0
WINDOW = timedelta(days=30)
THRESHOLD = 0.2
_DEGREE_M = 111_320.0


@dataclass(frozen=True)
class Similar:
    case: Case
    score: float
    distance_m: float | None


def bigrams(text: str) -> set[str]:
    """Character bigrams of the text with blanks and punctuation removed."""
    chars = [c for c in text if c.isalnum()]
    return {a + b for a, b in pairwise(chars)}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Equirectangular distance: exact enough within a district."""
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6_371_000.0 * math.hypot(x, y)


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
    mine = bigrams(text)
    found = []
    for case in candidates.only(
        "id", "number", "title", "description", "lon", "lat", "status", "submitted_at"
    )[:200]:
        gap = None
        if lon is not None and lat is not None and case.lon is not None and case.lat is not None:
            gap = distance_m(lon, lat, case.lon, case.lat)
            if gap > RADIUS_M:
                continue
        score = jaccard(mine, bigrams(f"{case.title}{case.description}"))
        if score >= THRESHOLD:
            found.append(Similar(case, round(score, 2), round(gap) if gap is not None else None))
    return sorted(found, key=lambda s: -s.score)[:limit]
