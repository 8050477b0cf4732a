"""The admin lists visits and patrols (read-only) with filters and search."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from fengqiao.fieldwork import actions
from fengqiao.fieldwork.models import Patrol, Visit


def test_admin_lists_and_searches_visits_and_patrols(client, personas):
    now = timezone.now()
    visit = actions.log_visit(
        worker=personas.grid_worker,
        visited_at=now - timedelta(hours=1),
        place_kind="project",
        address="创业路工地",
        purpose="项目建设环境走访",
        people_met="项目经理王某",
        report_issue={"category": "dispute-wages", "description": "工人反映欠薪"},
    )
    actions.log_patrol(
        worker=personas.grid_worker,
        started_at=now - timedelta(hours=2),
        ended_at=now - timedelta(hours=1),
        route_note="创业路—工业园",
    )
    admin = get_user_model().objects.create_superuser("root", password="pw-root-admin")
    client.force_login(admin)

    visits = client.get("/admin/fieldwork/visit/", {"q": "创业路"}).content.decode()
    assert "创业路工地" in visits and visit.case.number in visits
    assert client.get("/admin/fieldwork/visit/", {"place_kind__exact": "shop"}).status_code == 200
    detail = client.get(f"/admin/fieldwork/visit/{visit.pk}/change/").content.decode()
    assert "项目经理王某" not in detail  # personal data is not shown in the admin
    patrols = client.get("/admin/fieldwork/patrol/", {"q": "工业园"}).content.decode()
    assert "创业路—工业园" in patrols
    assert client.get("/admin/fieldwork/visit/add/").status_code == 403
    assert Visit.objects.count() == 1 and Patrol.objects.count() == 1
