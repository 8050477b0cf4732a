"""Cases in the admin (configuration editable, cases read-only) and who sees which case."""

import pytest

from fengqiao.accounts.models import User
from fengqiao.cases import actions
from fengqiao.cases.models import Case, Category
from fengqiao.cases.tests.factories import make_case


@pytest.fixture
def admin_client(client, personas):
    client.force_login(User.objects.create_superuser("root", password="x" * 12))
    return client


def test_categories_are_seeded_and_editable(admin_client):
    assert Category.objects.filter(parent__isnull=True).count() == 5
    assert Category.objects.filter(parent__isnull=False).count() == 26
    wages = Category.objects.get(code="dispute-wages")
    page = admin_client.get(f"/admin/cases/category/{wages.pk}/change/")
    assert page.status_code == 200 and "劳资/欠薪" in page.content.decode()
    assert admin_client.get("/admin/cases/category/", {"q": "消防"}).status_code == 200


def test_case_page_shows_the_timeline_and_masks_the_phone(admin_client, personas):
    case = actions.accept(make_case(reporter_phone="13812345678"), by=personas.community_operator)
    body = admin_client.get(f"/admin/cases/case/{case.pk}/change/").content.decode()
    assert case.number in body and "受理" in body
    assert "138****5678" in body and "13812345678" not in body
    assert admin_client.get("/admin/cases/case/add/").status_code == 403
    listing = admin_client.get("/admin/cases/case/", {"status__exact": "accepted"})
    assert case.number in listing.content.decode()


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("grid_worker", True),
        ("community_operator", True),
        ("street_operator", True),
        ("district_leader", True),
        ("department_handler", False),
        ("outsider", False),
    ],
)
def test_case_visibility_follows_the_scope(personas, persona, sees):
    case = make_case()
    assert Case.objects.visible_to(getattr(personas, persona)).filter(pk=case.pk).exists() == sees


def test_department_sees_a_case_once_it_is_dispatched_to_it(personas):
    case = actions.accept(make_case(), by=personas.community_operator)
    actions.dispatch(case, by=personas.community_operator, to_unit=personas.department)
    assert Case.objects.visible_to(personas.department_handler).filter(pk=case.pk).exists()


def test_grid_worker_does_not_see_another_grid_of_the_same_centre(personas):
    other_grid = make_case(lon=113.15, lat=27.85)  # 430299001001002, same community centre
    assert other_grid.current_unit == personas.units["community"]
    assert not Case.objects.visible_to(personas.grid_worker).filter(pk=other_grid.pk).exists()
    assert Case.objects.visible_to(personas.community_operator).filter(pk=other_grid.pk).exists()
