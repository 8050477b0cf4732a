"""Routing (分派): which unit a new case goes to, and the centres above and below a unit.

By default a case goes to the unit of its category's default kind and tier whose jurisdiction
covers the case's region (usually the community centre of the grid). Routing rules, edited in
the admin, override that per category and region subtree; the most specific rule wins.
"""

from __future__ import annotations

from django.db.models import Q

from fengqiao.accounts.models import Tier, Unit, UnitKind
from fengqiao.cases.models import Category, RoutingRule
from fengqiao.regions.models import Region

TIER_ORDER = [Tier.GRID, Tier.COMMUNITY, Tier.STREET, Tier.DISTRICT]


def tier_rank(tier: str) -> int:
    return TIER_ORDER.index(Tier(tier))


def ancestor_paths(path: str) -> list[str]:
    """``/a/b/c/`` → ``['/a/', '/a/b/', '/a/b/c/']``: the paths of a region and its ancestors."""
    codes = path.strip("/").split("/")
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def find_unit(kind: str, tier: str, region_path: str) -> Unit | None:
    """The active unit of ``kind`` and ``tier`` whose jurisdiction covers the region (nearest)."""
    candidates = Unit.objects.filter(
        is_active=True, kind=kind, tier=tier, jurisdiction__path__in=ancestor_paths(region_path)
    ).select_related("jurisdiction")
    candidates = candidates.defer("jurisdiction__boundary")  # only its path is needed
    return max(candidates, key=lambda u: len(u.jurisdiction.path), default=None)


def _rule_for(category: Category, region: Region) -> RoutingRule | None:
    rules = (
        RoutingRule.objects.filter(is_active=True)
        .filter(Q(category=category) | Q(category_id=category.parent_id) | Q(category__isnull=True))
        .filter(Q(region__isnull=True) | Q(region__path__in=ancestor_paths(region.path)))
    )
    rules = rules.select_related("region", "unit").defer("region__boundary")

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
