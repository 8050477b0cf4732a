"""The one function that decides what a user may see.

A user sees (a) everything located in the jurisdiction subtree of each territorial role they hold
(grid worker: their grid; operator, leader, reviewer, administrator: their unit's jurisdiction or
the narrower region of the role) and (b) everything assigned to a unit they belong to, whatever
the role, except a grid worker, whose role covers their grid and nothing else of the centre.
Superusers see everything. Views and the API fetch records only through
``Scope.filter`` so that anything outside is a 404, never a 403 that confirms it exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Model, Q, QuerySet

from fengqiao.accounts.models import TERRITORIAL_ROLES, Role, User, active_memberships
from fengqiao.regions.models import Region

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Scope:
    """What one user may see: region subtrees (by path prefix) and units whose work is theirs."""

    everything: bool
    region_paths: tuple[str, ...]
    unit_ids: frozenset[int]

    def q(self, *, region_path: str | None, unit: str | None) -> Q:
        """A filter for any model: ``region_path`` names its region's path field
        (``"region__path"``) and ``unit`` its assigned-unit field (``"current_unit"``)."""
        if self.everything:
            return Q()
        condition = Q(pk__in=[])
        if region_path:
            for path in self.region_paths:
                condition |= Q(**{f"{region_path}__startswith": path})
        if unit and self.unit_ids:
            condition |= Q(**{f"{unit}__in": sorted(self.unit_ids)})
        return condition

    def filter(
        self, queryset: QuerySet[M], *, region_path: str | None = None, unit: str | None = None
    ) -> QuerySet[M]:
        return queryset.filter(self.q(region_path=region_path, unit=unit))


def _minimal_paths(paths: set[str]) -> tuple[str, ...]:
    """Drop paths already covered by an ancestor path, so the filter has fewer terms."""
    kept: list[str] = []
    for path in sorted(paths):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(kept)


def scope_for(user: User | object) -> Scope:
    """Compute the scope of a user from their active memberships (``active_memberships``: one
    query, or none when the request has loaded them already)."""
    if not isinstance(user, User) or not user.is_active:
        return Scope(everything=False, region_paths=(), unit_ids=frozenset())
    if user.is_superuser:
        return Scope(everything=True, region_paths=(), unit_ids=frozenset())
    paths: set[str] = set()
    unit_ids: set[int] = set()
    for membership in active_memberships(user):
        # A grid worker's role is held in the community centre, but it covers their grid only:
        # the centre's assigned work (other grids' cases) is not theirs to browse.
        if membership.role != Role.GRID_WORKER:
            unit_ids.add(membership.unit_id)
        if membership.role in TERRITORIAL_ROLES:
            paths.add(membership.scope_region.path)
    return Scope(everything=False, region_paths=_minimal_paths(paths), unit_ids=frozenset(unit_ids))


def regions_visible_to(user: User | object) -> QuerySet[Region]:
    """Regions in the user's territorial subtrees (a handler with no territory sees none)."""
    return scope_for(user).filter(Region.objects.all(), region_path="path")
