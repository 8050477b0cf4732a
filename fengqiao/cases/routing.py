"""Routing (分派): which unit a new case goes to, and the centres above and below a unit.

By default a case goes to the unit of its category's default kind and tier whose jurisdiction
covers the case's region (usually the community centre of the grid). Routing rules, edited in
the admin, override that per category and region subtree; the most specific rule wins.

The active units and rules are read from a per-process copy (``core.generation.Memo``) that is
reloaded whenever a unit, region or rule changes, so routing a case runs no query of its own
besides the stamp check; the units it returns are shared by the process's threads (read-only).
"""

from __future__ import annotations

from dataclasses import dataclass

from fengqiao.accounts.models import Tier, Unit, UnitKind
from fengqiao.cases.models import Category, RoutingRule
from fengqiao.core.generation import Memo
from fengqiao.regions.models import Region

TIER_ORDER = [Tier.GRID, Tier.COMMUNITY, Tier.STREET, Tier.DISTRICT]


def tier_rank(tier: str) -> int:
    return TIER_ORDER.index(Tier(tier))


def ancestor_paths(path: str) -> list[str]:
    """``/a/b/c/`` → ``['/a/', '/a/b/', '/a/b/c/']``: the paths of a region and its ancestors."""
    codes = path.strip("/").split("/")
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


@dataclass(frozen=True)
class _Table:
    """The active units by (kind, tier, jurisdiction path) and the active routing rules."""

    units: dict[tuple[str, str, str], Unit]
    rules: list[RoutingRule]


def _load_table() -> _Table:
    units: dict[tuple[str, str, str], Unit] = {}
    active = Unit.objects.filter(is_active=True).select_related("jurisdiction")
    for unit in active.defer("jurisdiction__boundary"):  # only the paths are needed
        # The first in the model's order wins a tie, as the query per call did.
        units.setdefault((unit.kind, unit.tier, unit.jurisdiction.path), unit)
    rules = RoutingRule.objects.filter(is_active=True).select_related("region", "unit")
    return _Table(units, list(rules.defer("region__boundary").order_by("id")))


_table = Memo(_load_table)


def find_unit(kind: str, tier: str, region_path: str) -> Unit | None:
    """The active unit of ``kind`` and ``tier`` whose jurisdiction covers the region (nearest)."""
    units = _table.get().units
    for path in reversed(ancestor_paths(region_path)):
        unit = units.get((kind, tier, path))
        if unit is not None:
            return unit
    return None


def _rule_for(category: Category, region: Region) -> RoutingRule | None:
    paths = set(ancestor_paths(region.path))
    categories = {category.pk, category.parent_id, None}
    rules = [
        rule
        for rule in _table.get().rules
        if rule.category_id in categories and (rule.region is None or rule.region.path in paths)
    ]

    def specificity(rule: RoutingRule) -> tuple[int, int]:
        by_category = 2 if rule.category_id == category.pk else (1 if rule.category_id else 0)
        depth = len(rule.region.path) if rule.region else 0
        return (by_category, depth)

    return max(rules, key=specificity, default=None)


def route(category: Category, region: Region) -> Unit | None:
    """The unit a new case of ``category`` in ``region`` goes to first; None if none exists."""
    rule = _rule_for(category, region)
    if rule is not None:
        target = rule.unit or find_unit(rule.unit_kind, rule.tier, region.path)
        if target is not None and target.is_active:
            return target
    unit = find_unit(category.default_unit_kind, category.default_tier, region.path)
    if unit is not None:
        return unit
    # Nothing of the default kind there: the nearest governance centre takes it.
    for tier in TIER_ORDER[1:]:
        unit = find_unit(UnitKind.CENTRE, tier, region.path)
        if unit is not None:
            return unit
    return None


def centre_above(unit: Unit, region_path: str) -> Unit | None:
    """The governance centre one tier above ``unit`` that covers the case (上报的对象)."""
    rank = tier_rank(unit.tier)
    for tier in TIER_ORDER[rank + 1 :]:
        centre = find_unit(UnitKind.CENTRE, tier, region_path)
        if centre is not None:
            return centre
    return None
