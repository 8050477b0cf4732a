"""Field-work coverage (走访覆盖率) and volunteer hours (志愿服务时长).

Coverage of a grid over ``[start, end)``: of the key places (重点场所) open in the grid, the
share visited at least once (a ``Visit`` naming the place). Two aggregate queries in all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Sum

from fengqiao.cases.measures import Rate, _rate
from fengqiao.fieldwork.models import Visit, VolunteerActivity
from fengqiao.hazards.models import Place
from fengqiao.regions.models import Region


@dataclass(frozen=True)
class GridCoverage:
    grid: Region
    coverage: Rate


def visit_coverage(start: datetime, end: datetime, grids: list[Region]) -> list[GridCoverage]:
    """Per grid: open key places visited in the period / open key places."""
    ids = [g.pk for g in grids]
    places = dict(
        Place.objects.filter(grid_id__in=ids, closed=False)
        .values("grid_id")
        .annotate(n=Count("id"))
        .values_list("grid_id", "n")
    )
    visited = dict(
        Visit.objects.filter(
            visited_at__gte=start,
            visited_at__lt=end,
            place__closed=False,
            place__grid_id__in=ids,
        )
        .values("place__grid_id")
        .annotate(n=Count("place_id", distinct=True))
        .values_list("place__grid_id", "n")
    )
    return [GridCoverage(g, _rate(visited.get(g.pk, 0), places.get(g.pk, 0))) for g in grids]


def volunteer_hours(start: datetime, end: datetime, region_path: str) -> dict[int, Decimal]:
    """Hours per volunteer (by id) in the region's subtree over the period."""
    rows = (
        VolunteerActivity.objects.filter(
            started_at__gte=start,
            started_at__lt=end,
            volunteer__region_path__startswith=region_path,
        )
        .values("volunteer_id")
        .annotate(hours=Sum("hours"))
        .values_list("volunteer_id", "hours")
    )
    return {volunteer_id: hours for volunteer_id, hours in rows}
