"""Who may do what in dispute resolution.

* A mediation is started by a mediator or leader of the organisation's unit, which must hold
  the case (the centre dispatched the dispute to the committee first).
* Sessions, the outcome, performance checks and referrals from a mediation are the work of the
  mediators assigned to it (a leader of the organisation may reassign them in the admin).
* Personal data of parties is revealed only to mediators and leaders of the handling unit:
  the unit holding the case, or the organisation of one of its mediations.
* A referral is answered by any working role (not a grid worker) of the receiving unit.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from fengqiao.accounts.models import Membership, Role, Unit, User
from fengqiao.cases.errors import NotPermitted
from fengqiao.cases.models import Case
from fengqiao.cases.permissions import HANDLING_ROLES, holds
from fengqiao.mediation.models import Mediation, Referral

START_ROLES = frozenset({Role.MEDIATOR, Role.LEADER})
REVEAL_ROLES = frozenset({Role.MEDIATOR, Role.LEADER})
ANSWER_ROLES = HANDLING_ROLES - {Role.GRID_WORKER}


def is_mediator_of(user: User, mediation: Mediation) -> bool:
    """Assigned to the mediation, and (for an API token) acting for its organisation."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    return (
        mediation.mediators.filter(pk=user.pk).exists()
        and Membership.objects.held_by(user).filter(unit=mediation.org.unit_id).exists()
    )


def require_mediator(user: User, mediation: Mediation, what: str) -> None:
    if not is_mediator_of(user, mediation):
        raise NotPermitted(
            _("您不是调解 %(number)s 的调解员，不能%(what)s。")
            % {"number": mediation.number, "what": what}
        )


def handling_units(case: Case) -> list[Unit]:
    """The unit holding the case and the organisations that mediated it."""
    units = {case.current_unit_id: case.current_unit}
    for mediation in case.mediations.select_related("org__unit"):
        units[mediation.org.unit_id] = mediation.org.unit
    return list(units.values())


def may_reveal(user: User, case: Case) -> bool:
    """Whether the user may see a party's personal data unmasked (with a reason, audited)."""
    return any(holds(user, unit, REVEAL_ROLES) for unit in handling_units(case))


def may_answer(user: User, referral: Referral) -> bool:
    return holds(user, referral.to_unit, ANSWER_ROLES)


def mediator_units(user: User) -> QuerySet[Unit]:
    """Units where the user is a mediator or leader (the organisations whose work they see)."""
    return Unit.objects.filter(
        pk__in=Membership.objects.held_by(user)
        .filter(role__in=list(START_ROLES), unit__is_active=True)
        .values("unit_id")
    )


def visible_mediations(user: User) -> QuerySet[Mediation]:
    """Mediations of cases the user may see, and those their organisations run (a mediator's
    own are among these: mediators are named from the organisation's members)."""
    if user.is_superuser:
        return Mediation.objects.all()
    return Mediation.objects.filter(
        Q(case__in=Case.objects.visible_to(user).values("pk"))
        | Q(org__unit__in=mediator_units(user))
    )


def visible_referrals(user: User) -> QuerySet[Referral]:
    """Referrals the user's units sent or received, and those on cases they may see."""
    if user.is_superuser:
        return Referral.objects.all()
    units = (
        Membership.objects.held_by(user).filter(unit__is_active=True).exclude(role=Role.GRID_WORKER)
    )
    unit_ids = list(units.values_list("unit_id", flat=True))
    return Referral.objects.filter(
        Q(to_unit_id__in=unit_ids)
        | Q(from_unit_id__in=unit_ids)
        | Q(case__in=Case.objects.visible_to(user).values("pk"))
    )
