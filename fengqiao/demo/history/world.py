"""The demo district as the history sees it: grids with their units, people and invented places.

``World.load`` reads the regions, units, memberships and categories in a few queries; afterwards
routing (``cases.routing.route``), the centre above a unit and the person acting for a unit are
answered in memory, unless routing rules are configured, in which case ``route`` asks the
database once per category and grid.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from fengqiao.accounts.models import Membership, Role, Tier, Unit, UnitKind
from fengqiao.cases.models import Category, RoutingRule
from fengqiao.cases.routing import TIER_ORDER, ancestor_paths, route
from fengqiao.demo.history.rhythms import SPECS
from fengqiao.demo.history.texts import words
from fengqiao.regions.models import Level, Region


@dataclass
class Grid:
    region: Region
    community: Region
    village: bool
    stem: str  # the community's name without 社区/村
    centre: Unit  # the community's governance centre
    street_centre: Unit
    police: Unit | None
    committee: Unit | None
    worker: int | None  # the grid worker's user id
    officer: int | None  # the community police officer (社区民警) posted to the community
    places: list[str]
    roads: list[str]
    weight: float


@dataclass
class World:
    """Regions, units and people of the loaded demo district, read in a few queries, and how
    cases move among its units."""

    grids: list[Grid]
    categories: dict[str, Category]
    district_centre: Unit
    units: dict[str, Unit]  # by code
    staff: dict[int, list[int]]  # unit id → user ids acting for it, operators first
    leaders: dict[int, list[int]]
    use_routing_rules: bool
    routes: dict[tuple[int, int], Unit | None] = field(default_factory=dict)  # route's answers

    @classmethod
    def load(cls, seed: int) -> World | None:
        """None when there is no district centre to work with (no demo district loaded)."""
        active = Unit.objects.filter(is_active=True).select_related("jurisdiction").order_by("code")
        units = {u.code: u for u in active}
        people = _People.load()
        grids = _grids(units, people, random.Random(seed))  # noqa: S311 - demo data, not secrets
        centres = (
            u for u in units.values() if (u.kind, u.tier) == (UnitKind.CENTRE, Tier.DISTRICT)
        )
        district = next(centres, None)
        if district is None or not grids:
            return None
        found = {c.code: c for c in Category.objects.filter(is_active=True, parent__isnull=False)}
        return cls(
            grids=grids,
            categories={code: found[code] for code in SPECS if code in found},
            district_centre=district,
            units=units,
            staff=people.staff,
            leaders=people.leaders,
            use_routing_rules=RoutingRule.objects.filter(is_active=True).exists(),
        )

    def first_of_kind(self, kind: str) -> Unit | None:
        return next((u for u in self.units.values() if u.kind == kind), None)

    def route(self, category: Category, grid: Grid) -> Unit | None:
        """``cases.routing.route`` for a grid; in memory unless routing rules are configured."""
        key = (category.pk, grid.region.pk)
        if key in self.routes:
            return self.routes[key]
        if self.use_routing_rules:
            self.routes[key] = route(category, grid.region)
            return self.routes[key]
        paths = set(ancestor_paths(grid.region.path))
        wanted = [(category.default_unit_kind, category.default_tier)]
        self.routes[key] = None
        for kind, tier in wanted + [(UnitKind.CENTRE, tier) for tier in TIER_ORDER[1:]]:
            units = self.units.values()
            found = [
                u
                for u in units
                if (u.kind, u.tier) == (kind, tier) and u.jurisdiction.path in paths
            ]
            if found:
                self.routes[key] = max(found, key=lambda u: len(u.jurisdiction.path))
                break
        return self.routes[key]

    def above(self, unit: Unit, grid: Grid) -> Unit | None:
        """``routing.centre_above``: the governance centre one tier up that covers the grid."""
        centres = {
            Tier.COMMUNITY: grid.centre,
            Tier.STREET: grid.street_centre,
            Tier.DISTRICT: self.district_centre,
        }
        above = TIER_ORDER[TIER_ORDER.index(Tier(unit.tier)) + 1 :]
        return next((centres[tier] for tier in above if tier in centres), None)

    def actor(
        self, unit: Unit, grid: Grid, r: random.Random, *, leader: bool = False
    ) -> int | None:
        """A person acting for the unit: its operator mostly, the posted police officer."""
        if unit.kind == UnitKind.POLICE and grid.officer is not None:
            return grid.officer
        if leader and self.leaders.get(unit.pk):
            return self.leaders[unit.pk][0]
        staff = self.staff.get(unit.pk, [])
        if len(staff) > 1 and r.random() < 0.2:
            return r.choice(staff[1:])
        return staff[0] if staff else None


@dataclass
class _People:
    """Who acts for each unit (operators first), grid workers by grid, police officers by the
    community they are posted to."""

    staff: dict[int, list[int]] = field(default_factory=dict)
    leaders: dict[int, list[int]] = field(default_factory=dict)
    workers: dict[int, int] = field(default_factory=dict)
    officers: dict[int, int] = field(default_factory=dict)

    @classmethod
    def load(cls) -> _People:
        people = cls()
        rank: dict[str, int] = {Role.OPERATOR: 0, Role.HANDLER: 1, Role.MEDIATOR: 1, Role.LEADER: 2}
        rows = Membership.objects.filter(user__is_active=True, unit__is_active=True)
        members = rows.values_list("unit_id", "user_id", "role", "region_id")
        for unit_id, user_id, role, region_id in sorted(
            members, key=lambda m: (rank.get(m[2], 9), m[1])
        ):
            if role == Role.GRID_WORKER and region_id is not None:
                people.workers.setdefault(region_id, user_id)
            if role == Role.HANDLER and region_id is not None:
                people.officers.setdefault(region_id, user_id)
            if role in rank:
                people.staff.setdefault(unit_id, []).append(user_id)
            if role == Role.LEADER:
                people.leaders.setdefault(unit_id, []).append(user_id)
        return people


def _grids(units: dict[str, Unit], people: _People, rng: random.Random) -> list[Grid]:
    """Every grid with its units, people, invented places and a weight (how busy it is)."""
    by_region: dict[tuple[int, str], Unit] = {}
    for unit in units.values():
        by_region.setdefault((unit.jurisdiction_id, unit.kind), unit)
    grids = []
    regions = Region.objects.filter(level=Level.GRID).select_related("parent__parent")
    for region in regions.order_by("code"):
        community = region.parent
        street = community.parent if community else None
        if community is None or street is None or not region.boundary:
            continue
        centre = by_region.get((community.pk, UnitKind.CENTRE))
        street_centre = by_region.get((street.pk, UnitKind.CENTRE))
        if centre is None or street_centre is None:
            continue
        village = community.name.endswith("村")
        stem = community.name.removesuffix("社区").removesuffix("村")
        grids.append(
            Grid(
                region=region,
                community=community,
                village=village,
                stem=stem,
                centre=centre,
                street_centre=street_centre,
                police=by_region.get((street.pk, UnitKind.POLICE)),
                committee=by_region.get((street.pk, UnitKind.MEDIATION)),
                worker=people.workers.get(region.pk),
                officer=people.officers.get(community.pk),
                places=_places(rng, stem, village),
                roads=[f"{stem}{s}" for s in rng.sample(words("road_suffixes"), 3)],
                weight=rng.lognormvariate(0, 0.5) * (0.7 if village else 1.3),
            )
        )
    return grids


def _places(rng: random.Random, stem: str, village: bool) -> list[str]:
    """A grid's housing estates (小区), or its village groups (村民小组) and hamlet."""
    if village:
        return [*rng.sample(words("village_groups"), 3), f"{rng.choice(words('surnames'))}家湾"]
    suffixes = words("estate_suffixes")
    names = [stem, *rng.sample(words("estate_words"), 3)]
    return [f"{name}{rng.choice(suffixes)}" for name in names]
