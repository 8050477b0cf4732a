"""Who may take which action on a case: the unit and role the action is taken as.

Every action is taken on behalf of a unit. Centre work (accept, dispatch, escalate, close ...)
needs an operator or leader of the unit holding the case; handling work (claim, progress,
resolve ...) needs any working role in it; supervision needs a leader or operator of a centre
above the handling unit whose jurisdiction covers the case. Superusers act as the unit itself.
"""

from __future__ import annotations

from collections.abc import Collection

from django.utils.translation import gettext as _

from fengqiao.accounts.models import Membership, Role, Unit, UnitKind, User
from fengqiao.cases.errors import NotPermitted
from fengqiao.cases.models import Case
from fengqiao.cases.routing import tier_rank

CENTRE_ROLES = frozenset({Role.OPERATOR, Role.LEADER, Role.ADMIN})
HANDLING_ROLES = frozenset(
    {Role.OPERATOR, Role.LEADER, Role.HANDLER, Role.MEDIATOR, Role.GRID_WORKER, Role.ADMIN}
)
SUPERVISING_ROLES = frozenset({Role.LEADER, Role.OPERATOR})


def holds(user: User, unit: Unit | None, roles: Collection[str]) -> bool:
    if unit is None or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, unit=unit, role__in=list(roles)).exists()


def require(user: User, unit: Unit | None, roles: Collection[str], what: str) -> Unit:
    """The unit the user acts for; raises NotPermitted naming the unit and the action."""
    if unit is None or not holds(user, unit, roles):
        raise NotPermitted(
            _("您没有权限以“%(unit)s”的身份%(what)s。")
            % {"unit": unit.name if unit else "-", "what": what}
        )
    return unit


def supervising_unit(user: User, case: Case) -> Unit | None:
    """A centre above the handling unit, covering the case, where the user leads or operates."""
    memberships = Membership.objects.filter(
        user=user,
        role__in=list(SUPERVISING_ROLES),
        unit__kind=UnitKind.CENTRE,
        unit__is_active=True,
    ).select_related("unit__jurisdiction")
    current_rank = tier_rank(case.current_tier)
    for membership in memberships:
        unit = membership.unit
        if tier_rank(unit.tier) > current_rank and case.region_path.startswith(
            unit.jurisdiction.path
        ):
            return unit
    return None
