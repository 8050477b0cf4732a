"""Who may take which action on a case: the unit and role the action is taken as.

Every action is taken on behalf of a unit. Centre work (accept, dispatch, escalate, close ...)
needs an operator or leader of the unit holding the case; handling work (claim, progress,
resolve ...) needs any working role in it; supervision needs a leader or operator of a centre
above the handling unit whose jurisdiction covers the case. Superusers act as the unit itself.
"""

from __future__ import annotations

from collections.abc import Collection

from django.utils.translation import gettext as _

from fengqiao.accounts.models import Membership, Role, Unit, UnitKind, User, active_memberships
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
    return Membership.objects.held_by(user).filter(unit=unit, role__in=list(roles)).exists()


def require(user: User, unit: Unit | None, roles: Collection[str], what: str) -> Unit:
    """The unit the user acts for; raises NotPermitted naming the unit and the action."""
    if unit is None or not holds(user, unit, roles):
        raise NotPermitted(
            _("您没有权限以“%(unit)s”的身份%(what)s。")
            % {"unit": unit.name if unit else "-", "what": what}
        )
    return unit


def supervising_unit(user: User, case: Case) -> Unit | None:
    """A centre above the handling unit (or of its tier, for a non-centre unit), covering the
    case, where the user leads or operates."""
    memberships = [
        m
        for m in active_memberships(user)
        if m.role in SUPERVISING_ROLES and m.unit.kind == UnitKind.CENTRE
    ]
    current_rank = tier_rank(case.current_tier)
    handled_by_centre = case.current_unit.kind == UnitKind.CENTRE
    for membership in memberships:
        unit = membership.unit
        rank = tier_rank(unit.tier)
        # A centre supervises lower tiers, and the departments, stations and other bodies of
        # its own tier (the district centre supervises the district's departments).
        above = rank > current_rank or (rank == current_rank and not handled_by_centre)
        if above and case.region_path.startswith(unit.jurisdiction.path):
            return unit
    return None


class Roles:
    """A user's memberships loaded once ({unit id: roles}), to decide many actions cheaply
    (through ``active_memberships``: one query, or none when the request has them already)."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.by_unit: dict[int, set[str]] = {}
        if user.is_authenticated and user.is_active:
            for membership in active_memberships(user):
                self.by_unit.setdefault(membership.unit_id, set()).add(membership.role)

    def holds(self, unit_id: int | None, roles: Collection[str]) -> bool:
        if unit_id is None or not self.user.is_active:
            return False
        return self.user.is_superuser or bool(self.by_unit.get(unit_id, set()) & set(roles))

    @property
    def unit_ids(self) -> list[int]:
        return sorted(self.by_unit)


def allowed_actions(user: User, case: Case, roles: Roles | None = None) -> list[str]:
    """The actions this user may take on this case now, in the order the page offers them.

    Mirrors the checks in ``cases.actions`` without raising; the action itself re-checks.
    """
    from fengqiao.cases.choices import OPEN_STATUSES, Status

    roles = roles or Roles(user)
    status = case.status
    centre = roles.holds(case.current_unit_id, CENTRE_ROLES)
    handling = roles.holds(case.current_unit_id, HANDLING_ROLES)
    overseer = roles.holds(case.dispatcher_unit_id or case.current_unit_id, CENTRE_ROLES)
    allowed: list[tuple[str, bool]] = [
        ("accept", status == Status.SUBMITTED and centre),
        ("reject", status == Status.SUBMITTED and centre),
        ("claim", status in (Status.DISPATCHED, Status.ACCEPTED) and handling),
        ("dispatch", status == Status.ACCEPTED and centre),
        ("assign_down", status == Status.ACCEPTED and centre and case.current_tier != "community"),
        (
            "escalate",
            status in (Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS)
            and centre
            and case.current_tier != "district",
        ),
        (
            "progress",
            status in (Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS) and handling,
        ),
        ("resolve", status == Status.IN_PROGRESS and handling),
        ("request_extension", status in (Status.IN_PROGRESS, Status.DISPATCHED) and handling),
        ("decide_extension", status in (Status.IN_PROGRESS, Status.DISPATCHED) and overseer),
        (
            "return",
            status in (Status.DISPATCHED, Status.IN_PROGRESS)
            and handling
            and case.dispatcher_unit_id not in (None, case.current_unit_id),
        ),
        ("suspend", status in OPEN_STATUSES and overseer),
        ("resume", status == Status.SUSPENDED and overseer),
        ("verify", status == Status.RESOLVED and overseer),
        (
            "follow_up",
            status == Status.CLOSED
            and case.followed_up_at is None
            and not case.handled_on_spot
            and overseer,
        ),
        ("reopen", status in (Status.CLOSED, Status.RESOLVED, Status.REJECTED) and overseer),
        ("merge", status in OPEN_STATUSES and centre),
        (
            "supervise",
            status in (*OPEN_STATUSES, Status.SUSPENDED)
            and (user.is_superuser or supervising_unit(user, case) is not None),
        ),
        ("attach", status not in (Status.REJECTED, Status.MERGED) and (handling or overseer)),
    ]
    return [name for name, ok in allowed if ok]
