"""Who may do what in prevention work (风险防范).

- Registering places and hazards, rectifying and verifying on site: a territorial field role
  (grid worker, operator, leader, administrator) whose region covers the place.
- Rectification work: also any member of the hazard's responsible unit (责任单位).
- Sign-off (销号), escalation and inspection plans: an operator, leader or administrator of a
  unit whose region covers it. Superusers may do everything.

Seeing is ``visible_to`` (``accounts.scoping``); these checks come after the record is found.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.utils.translation import gettext as _

from fengqiao.accounts.models import Membership, Role, Unit, User
from fengqiao.cases.errors import NotPermitted

STAFF_ROLES = frozenset({Role.OPERATOR, Role.LEADER, Role.ADMIN})
FIELD_ROLES = STAFF_ROLES | {Role.GRID_WORKER}


def covers(user: User, region_path: str, roles: Collection[str]) -> bool:
    """True if the user holds one of ``roles`` in a region whose subtree holds ``region_path``."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    memberships = Membership.objects.filter(
        user=user, role__in=list(roles), unit__is_active=True
    ).select_related("region", "unit__jurisdiction")
    return any(region_path.startswith(m.scope_region.path) for m in memberships)


def member_of(user: User, unit: Unit | None) -> bool:
    if unit is None or not user.is_active:
        return False
    return user.is_superuser or Membership.objects.filter(user=user, unit=unit).exists()


def require_covers(user: User, region_path: str, roles: Collection[str], what: str) -> None:
    if not covers(user, region_path, roles):
        raise NotPermitted(_("您没有权限在该区域%(what)s。") % {"what": what})


def staff_unit(user: User, region_path: str) -> Unit | None:
    """The unit an operator/leader/administrator covering ``region_path`` acts for."""
    memberships = Membership.objects.filter(
        user=user, role__in=list(STAFF_ROLES), unit__is_active=True
    ).select_related("region", "unit__jurisdiction", "unit")
    for membership in memberships:
        if region_path.startswith(membership.scope_region.path):
            return membership.unit
    return None


def allowed_actions(user: User, hazard: Any) -> list[str]:
    """The hazard actions this user may take now, in the order the page offers them.

    The actions re-check everything; this only decides which forms to show. Costs one or two
    membership queries.
    """
    from fengqiao.hazards.choices import RUNNING_STATUSES, HazardStatus

    field = covers(user, hazard.region_path, FIELD_ROLES)
    staff = field and covers(user, hazard.region_path, STAFF_ROLES)
    rectifier = field or member_of(user, hazard.responsible_unit)
    status = hazard.status
    names = []
    if rectifier and status in (HazardStatus.IDENTIFIED, HazardStatus.ESCALATED):
        names.append("start")
    if rectifier and status in RUNNING_STATUSES:
        names.append("rectified")
    if field and status == HazardStatus.RECTIFIED:
        names.append("verify")
    if staff and status == HazardStatus.VERIFIED:
        names.append("close")
    if field and status in RUNNING_STATUSES:
        names.append("escalate")
    if field and status != HazardStatus.CLOSED and hazard.raised_case_id is None:
        names.append("raise_case")
    if rectifier and status != HazardStatus.CLOSED:
        names.append("photos")
    return names
