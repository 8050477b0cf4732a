"""Who sees which mediations and referrals, and who may reveal parties: the persona matrix."""

import pytest

from fengqiao.mediation import actions, permissions
from fengqiao.mediation.tests.factories import make_mediators, started


@pytest.fixture
def m(personas):
    return make_mediators(personas)


def test_visibility_and_reveal_matrix(personas, m):
    p = personas
    mediation = started(p, m)
    case = mediation.case
    expected = {
        # who: (sees the mediation, sees the referral once made, may reveal)
        "grid_worker": (True, True, False),  # the case lies in their grid
        "community_operator": (True, True, False),
        "street_operator": (True, True, False),
        "district_leader": (True, True, False),
        "department_handler": (False, False, False),
        "outsider": (False, False, False),
    }
    actions.refer(
        case,
        actions.ReferralInput("litigation", m.tribunal, "转诉前调解"),
        by=m.mediator,
        mediation=mediation,
    )
    for name, (sees, sees_referral, reveals) in expected.items():
        user = getattr(p, name)
        assert permissions.visible_mediations(user).filter(pk=mediation.pk).exists() == sees, name
        assert permissions.visible_referrals(user).exists() == sees_referral, name
        assert permissions.may_reveal(user, case) == reveals, name
    for user in (m.mediator, m.second, m.leader):
        assert permissions.visible_mediations(user).filter(pk=mediation.pk).exists()
        assert permissions.may_reveal(user, case)
    # The tribunal sees the referral it received, but not the mediation or the parties.
    assert permissions.visible_referrals(m.judge).count() == 1
    assert not permissions.visible_mediations(m.judge).exists()
    assert not permissions.may_reveal(m.judge, case)
