"""``fengqiao demo``: the demo district in the real database, with a login per role."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fengqiao.accounts.models import Membership, Role, Unit, UnitKind, User
from fengqiao.accounts.scoping import regions_visible_to
from fengqiao.regions.locator import locate
from fengqiao.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    out = StringIO()
    call_command("demo", "--no-cases", stdout=out)  # the cases have their own tests
    return out.getvalue()


def test_demo_builds_the_district_with_every_tier(demo):
    counts = {
        level: Region.objects.filter(level=level).count()
        for level in ("district", "street", "community", "grid")
    }
    assert counts == {"district": 1, "street": 3, "community": 23, "grid": 200}
    assert set(Region.objects.filter(level="street").values_list("name", flat=True)) == {
        "学林街道",
        "龙头铺街道",
        "云田镇",
    }
    centres = Unit.objects.filter(kind=UnitKind.CENTRE)
    assert {u.tier for u in centres} == {"district", "street", "community"}
    assert centres.count() == 1 + 3 + 23
    assert Unit.objects.filter(kind=UnitKind.POLICE).count() == 3
    assert Unit.objects.filter(kind=UnitKind.TRIBUNAL).count() == 1
    assert Unit.objects.filter(kind=UnitKind.JUSTICE).count() == 1
    assert Unit.objects.filter(kind=UnitKind.DEPARTMENT).count() >= 5
    # a community police officer per community, a grid worker per grid
    police = Membership.objects.filter(unit__kind=UnitKind.POLICE, region__level="community")
    assert police.values("region").distinct().count() == 23
    workers = Membership.objects.filter(role=Role.GRID_WORKER)
    assert workers.values("region").distinct().count() == 200


def test_every_role_has_a_printed_login_that_works(demo, client):
    for role in Role:
        assert Membership.objects.filter(role=role).exists(), role
    for username in [
        "admin",
        "qu_lingdao",
        "xuelin_shouli",
        "xuelin01_shouli",
        "xuelin01_wg01",
        "renshe_chengban",
        "xuelin_tiaojie",
        "qu_pingcha",
    ]:
        assert username in demo
        assert client.login(username=username, password="fengqiao-demo"), username
        client.logout()


def test_demo_personas_see_their_own_territory(demo):
    grid_worker = User.objects.get(username="xuelin01_wg01")
    assert list(regions_visible_to(grid_worker).values_list("level", flat=True)) == ["grid"]
    street = User.objects.get(username="xuelin_shouli")
    assert regions_visible_to(street).filter(level="grid").count() < 200
    leader = User.objects.get(username="qu_lingdao")
    assert regions_visible_to(leader).count() == 227
    handler = User.objects.get(username="renshe_chengban")
    assert not regions_visible_to(handler).exists()


def test_demo_grids_locate_their_own_representative_points(demo):
    for grid in Region.objects.filter(level="grid")[:50]:
        assert grid.point_lon is not None and grid.point_lat is not None
        assert locate(grid.point_lon, grid.point_lat).grid == grid


def test_demo_refuses_a_database_that_has_data(demo):
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo", stdout=StringIO())


@pytest.mark.django_db(transaction=True)
def test_demo_reset_rebuilds_the_same_district(demo):
    # Transactional: --reset flushes the database, which PostgreSQL refuses inside the
    # per-test transaction; the command never runs inside one in real use either.
    before = sorted(Region.objects.values_list("code", "name"))
    call_command("demo", "--reset", "--no-cases", stdout=StringIO())
    assert sorted(Region.objects.values_list("code", "name")) == before
    assert User.objects.filter(username="admin", is_superuser=True).exists()


def test_bad_demo_options_are_clear_errors_and_change_nothing():
    with pytest.raises(CommandError, match="至少 8"):
        call_command("demo", "--password", "short", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("demo", "--no-such-option", stdout=StringIO())
    assert not Region.objects.exists()
