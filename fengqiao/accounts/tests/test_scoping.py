"""The permission matrix: which regions and which assigned work each persona sees."""

import pytest
from django.contrib.auth.models import AnonymousUser

from fengqiao.accounts.models import Membership, Role, Unit
from fengqiao.accounts.scoping import regions_visible_to, scope_for
from fengqiao.regions.models import Region

ALL = {
    "430299",
    "430299001",
    "430299002",
    "430299001001",
    "430299001002",
    "430299002001",
    "430299002002",
    "430299001001001",
    "430299001001002",
    "430299001002001",
    "430299001002002",
    "430299002001001",
    "430299002001002",
    "430299002002001",
    "430299002002002",
}

# persona -> the region codes they see (their territorial subtrees).
EXPECTED_REGIONS = {
    "grid_worker": {"430299001001001"},
    "community_operator": {"430299001001", "430299001001001", "430299001001002"},
    "street_operator": {c for c in ALL if c.startswith("430299001")},
    "district_leader": ALL,
    "department_handler": set(),
    "outsider": set(),
}


@pytest.mark.parametrize("persona", sorted(EXPECTED_REGIONS))
def test_persona_sees_exactly_their_jurisdiction_subtree(personas, persona):
    user = getattr(personas, persona)
    seen = set(regions_visible_to(user).values_list("code", flat=True))
    assert seen == EXPECTED_REGIONS[persona]


# persona -> which units' assigned work they see (their own units).
EXPECTED_UNITS = {
    "grid_worker": set(),  # their grid only, not the community centre's other work
    "community_operator": {"c11-centre"},
    "street_operator": {"street1-centre"},
    "district_leader": {"district-centre"},
    "department_handler": {"dept-renshe"},
    "outsider": set(),
}


@pytest.mark.parametrize("persona", sorted(EXPECTED_UNITS))
def test_persona_sees_work_assigned_to_their_own_units(personas, persona):
    user = getattr(personas, persona)
    scope = scope_for(user)
    # Units stand in for "work assigned to a unit": filtering Unit by its own pk is the same
    # condition a case list uses on its current_unit field.
    seen = set(scope.filter(Unit.objects.all(), unit="pk").values_list("code", flat=True))
    assert seen == EXPECTED_UNITS[persona]


def test_department_handler_sees_assigned_work_but_no_territory(personas):
    scope = scope_for(personas.department_handler)
    assert scope.region_paths == ()
    assert scope.unit_ids == {personas.department.pk}


def test_superuser_sees_everything(region_tree):
    from fengqiao.accounts.models import User

    boss = User.objects.create_superuser("boss", password="x" * 12)
    assert regions_visible_to(boss).count() == len(ALL)


def test_anonymous_and_inactive_users_see_nothing(personas):
    assert not regions_visible_to(AnonymousUser()).exists()
    leader = personas.district_leader
    leader.is_active = False
    leader.save()
    assert not regions_visible_to(leader).exists()


def test_inactive_unit_grants_nothing(personas):
    Unit.objects.filter(pk=personas.units["street"].pk).update(is_active=False)
    assert not regions_visible_to(personas.street_operator).exists()


def test_overlapping_roles_are_merged_without_duplicates(personas, region_tree):
    Membership.objects.create(
        user=personas.grid_worker, unit=personas.units["street"], role=Role.OPERATOR
    )
    scope = scope_for(personas.grid_worker)
    assert len(scope.region_paths) == 1  # the grid lies inside the street: one prefix suffices
    seen = regions_visible_to(personas.grid_worker)
    assert seen.count() == len(EXPECTED_REGIONS["street_operator"])


def test_scope_is_computed_from_the_process_copy_of_memberships(
    personas, django_assert_num_queries
):
    scope_for(personas.street_operator)  # loads the copy of every active membership
    with django_assert_num_queries(1):  # the reference-data stamp only
        scope = scope_for(personas.district_leader)
    assert scope.region_paths == (personas.units["district"].jurisdiction.path,)


def test_a_membership_change_is_seen_by_the_next_scope(personas):
    assert scope_for(personas.outsider).region_paths == ()
    Membership.objects.create(
        user=personas.outsider, unit=personas.units["street"], role=Role.OPERATOR
    )
    street = personas.units["street"].jurisdiction.path
    assert scope_for(personas.outsider).region_paths == (street,)
    personas.units["street"].is_active = False
    personas.units["street"].save()
    assert scope_for(personas.outsider).region_paths == ()


def test_membership_region_must_lie_in_unit_jurisdiction(personas, region_tree):
    from django.core.exceptions import ValidationError

    membership = Membership(
        user=personas.outsider,
        unit=personas.units["community"],
        role=Role.GRID_WORKER,
        region=region_tree["430299002001001"],
    )
    with pytest.raises(ValidationError, match="管辖区域"):
        membership.full_clean()
    assert Region.objects.count() == len(ALL)
