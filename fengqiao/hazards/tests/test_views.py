"""The workbench register pages and the grid worker's inspection pages."""

from datetime import date

from django.urls import reverse

from fengqiao.hazards import inspections
from fengqiao.hazards.choices import HazardStatus, TaskStatus
from fengqiao.hazards.models import Hazard, InspectionPlan, InspectionRecord, InspectionTask, Place

from .conftest import OWN_GRID, jpeg, make_hazard, make_place


def test_register_lists_visible_hazards_and_hides_others(client, personas, clock):
    hazard = make_hazard(personas)
    client.force_login(personas.community_operator)
    page = client.get(reverse("hazards:list"))
    assert page.status_code == 200 and hazard.title in page.text
    assert client.get(reverse("hazards:list"), {"level": "major"}).text.count(hazard.title) == 0
    client.force_login(personas.outsider)
    assert hazard.title not in client.get(reverse("hazards:list")).text
    assert client.get(reverse("hazards:detail", args=[hazard.pk])).status_code == 404


def test_new_hazard_page_registers_with_photo(client, personas, clock):
    place = make_place(personas)
    client.force_login(personas.community_operator)
    assert client.get(reverse("hazards:new")).status_code == 200
    response = client.post(
        reverse("hazards:new"),
        {
            "hazard_type": "fire",
            "level": "major",
            "title": "配电箱破损",
            "description": "配电箱门缺失",
            "place": place.pk,
            "responsible_unit": personas.units["community"].pk,
            "measures": "更换配电箱",
            "deadline_days": 2,
            "photos": [_upload(jpeg(), "箱.jpg")],
        },
    )
    hazard = Hazard.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "hazards:detail", args=[hazard.pk]
    )
    assert hazard.place == place and hazard.photos.count() == 1
    photo = hazard.photos.get()
    shown = client.get(reverse("hazards:photo", args=[hazard.pk, photo.pk]))
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"


def test_new_hazard_with_a_non_image_photo_shows_the_error(client, personas, clock):
    client.force_login(personas.community_operator)
    response = client.post(
        reverse("hazards:new"),
        {
            "hazard_type": "fire",
            "level": "major",
            "title": "x",
            "description": "y",
            "lon": OWN_GRID[0],
            "lat": OWN_GRID[1],
            "responsible_unit": personas.units["community"].pk,
            "measures": "z",
            "deadline_days": 2,
            "photos": [_upload(b"not an image at all", "a.jpg")],
        },
    )
    assert response.status_code == 200 and Hazard.objects.count() == 0
    assert "errorlist" in response.text


def test_hazard_page_actions_follow_it_to_sign_off(client, personas, clock):
    hazard = make_hazard(personas)
    client.force_login(personas.grid_worker)
    url = reverse("hazards:detail", args=[hazard.pk])
    assert 'data-action="start"' in client.get(url).text
    do = lambda name, data: client.post(reverse("hazards:action", args=[hazard.pk, name]), data)  # noqa: E731
    assert do("start", {"note": ""}).status_code == 302
    assert do("rectified", {"note": "已清理"}).status_code == 302
    assert do("verify", {"passed": "1", "note": ""}).status_code == 302
    refused = do("close", {"note": ""})  # a grid worker may not sign off
    assert refused.status_code == 400
    client.force_login(personas.community_operator)
    assert do("close", {"note": "同意销号"}).status_code == 302
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.CLOSED
    assert "已销号" in client.get(url).text


def test_places_plans_and_measures_pages(client, personas, clock):
    client.force_login(personas.community_operator)
    response = client.post(
        reverse("hazards:place_new"),
        {"place_type": "school", "name": "实验小学", "lon": 100, "lat": 30},
    )
    assert response.status_code == 200 and "不在本辖区" in response.text
    response = client.post(
        reverse("hazards:place_new"),
        {"place_type": "school", "name": "实验小学", "lon": OWN_GRID[0], "lat": OWN_GRID[1]},
    )
    place = Place.objects.get()
    assert response.status_code == 302 and "实验小学" in client.get(response.url).text
    response = client.post(
        reverse("hazards:plans"),
        {
            "name": "学校周检",
            "unit": personas.units["community"].pk,
            "place": place.pk,
            "every": 1,
            "period_unit": "weeks",
            "starts_on": "2025-03-03",
            "complete_within": 2,
            "checklist": "门卫在岗\n消防通道畅通\n",
        },
    )
    assert response.status_code == 302
    assert InspectionPlan.objects.get().checklist == ["门卫在岗", "消防通道畅通"]
    inspections.generate_tasks()
    page = client.get(reverse("hazards:measures"), {"month": "2025-03"})
    assert page.status_code == 200 and "街1社区1网格1" in page.text

    # A malformed month is refused with the reason, not silently replaced by this month.
    for month in ("2025-3x", "2025-13", "1999-12", "march"):
        bad = client.get(reverse("hazards:measures"), {"month": month})
        assert bad.status_code == 400, month
        assert "月份格式应为 YYYY-MM" in bad.text and "街1社区1网格1" not in bad.text
    assert client.get(reverse("hazards:measures"), {"month": ""}).status_code == 200


def test_project_page_links_a_case_and_records_the_owner_evaluation(client, personas, clock):
    from fengqiao.cases.models import Case
    from fengqiao.cases.tests.factories import make_case

    project = make_place(personas, place_type="construction", name="云龙大道", owner="业主公司")
    case = make_case()
    client.force_login(personas.community_operator)
    url = reverse("hazards:project_link", args=[project.pk])
    assert client.post(url, {"number": "FQ-NOPE"}).status_code == 400
    assert client.post(url, {"number": case.number}).status_code == 302
    Case.objects.filter(pk=case.pk).update(status="closed", resolved_at=case.submitted_at)
    link = project.project_cases.get()
    client.post(
        reverse("hazards:project_evaluate", args=[project.pk, link.pk]),
        {f"e{link.pk}-link": link.pk, f"e{link.pk}-evaluation": "positive"},
    )
    assert link.evaluations.get().evaluation == "positive"
    assert "即时处置 1 件" in client.get(reverse("hazards:place", args=[project.pk])).text


def _task(personas):
    make_place(personas)
    inspections.create_plan(
        by=personas.community_operator,
        name="市场周检",
        unit=personas.units["community"],
        every=1,
        period_unit="weeks",
        starts_on=date(2025, 3, 3),
        checklist=["消防通道畅通", "灭火器有效"],
        place_type="market",
        region=personas.units["community"].jurisdiction,
    )
    inspections.generate_tasks()
    return InspectionTask.objects.get()


def test_grid_worker_runs_an_inspection_with_a_finding(client, personas, clock):
    task = _task(personas)
    client.force_login(personas.grid_worker)
    tasks = client.get(reverse("hazards:field_tasks"))
    assert tasks.status_code == 200 and "幸福农贸市场" in tasks.text
    url = reverse("hazards:field_inspect", args=[task.pk])
    assert "消防通道畅通" in client.get(url).text
    data = {
        "inspected_at": "2025-03-03T08:30",
        "answer_0": "ok",
        "answer_1": "problem",
        "note_1": "过期",
        "lon": OWN_GRID[0],
        "lat": OWN_GRID[1],
        "has_finding": "on",
        "finding_hazard_type": "fire",
        "finding_level": "ordinary",
        "finding_title": "灭火器过期",
        "finding_description": "两具过期",
        "finding_measures": "更换",
        "finding_responsible_unit": personas.units["community"].pk,
        "finding_deadline_days": 3,
        "finding_photos": [_upload(jpeg(), "f.jpg")],
        "submission_key": "abc",
    }
    missing = dict(data, answer_1="")
    response = client.post(url, missing)
    assert response.status_code == 200 and "请对此项作答" in response.text
    assert InspectionRecord.objects.count() == 0
    data["finding_photos"] = [_upload(jpeg(), "f.jpg")]  # the first upload was read
    response = client.post(url, data)
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    hazard = Hazard.objects.get()
    assert hazard.inspection.task == task and hazard.photos.count() == 1


def test_inspection_pages_are_for_grid_workers_only(client, personas, clock):
    task = _task(personas)
    client.force_login(personas.community_operator)
    assert client.get(reverse("hazards:field_tasks")).status_code == 404
    assert client.get(reverse("hazards:field_inspect", args=[task.pk])).status_code == 404


def _upload(data, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_register_export_is_scoped_masked_and_audited(client, personas, clock):
    from fengqiao.core.models import AuditEntry

    make_hazard(personas, responsible_phone="13812345678")
    client.force_login(personas.community_operator)
    response = client.get(reverse("hazards:export"), {"format": "csv", "level": "serious"})
    text = response.content.decode("utf-8-sig")
    assert response.status_code == 200 and "消防通道堆放杂物" in text
    assert "138****5678" in text and "13812345678" not in text
    entry = AuditEntry.objects.get()
    assert entry.object_type == "hazards" and entry.detail["filters"] == {"level": "serious"}
    assert client.get(reverse("hazards:export"), {"format": "pdf"}).status_code == 400
    assert client.get(reverse("hazards:export"), {"format": "xlsx"})["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    client.force_login(personas.outsider)
    outside = client.get(reverse("hazards:export"), {"format": "csv"}).content.decode("utf-8-sig")
    assert "消防通道堆放杂物" not in outside


def test_plans_page_deactivates_a_plan(client, personas, clock):
    task = _task(personas)
    client.force_login(personas.community_operator)
    assert "停用" in client.get(reverse("hazards:plans")).text
    response = client.post(reverse("hazards:plan_deactivate", args=[task.plan.pk]))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED and not task.plan.active


def test_unplanned_inspection_of_a_place_and_refusal_when_closed(client, personas, clock):
    from fengqiao.hazards.actions import close_place

    place = make_place(personas)
    client.force_login(personas.grid_worker)
    assert "幸福农贸市场" in client.get(reverse("hazards:field_tasks")).text
    url = reverse("hazards:field_inspect_place", args=[place.pk])
    page = client.get(url)
    assert page.status_code == 200 and "临时排查" in page.text
    data = {"inspected_at": "2025-03-03T08:30", "notes": "例行查看", "submission_key": "k1"}
    assert client.post(url, data).status_code == 302
    assert InspectionRecord.objects.get().place == place
    close_place(place, by=personas.community_operator)
    response = client.post(url, dict(data, submission_key="k2"))
    assert response.status_code == 200 and "已关闭" in response.text
    assert InspectionRecord.objects.count() == 1
    other = make_place(personas, name="邻格市场", lon=113.15, lat=27.85)
    assert client.get(reverse("hazards:field_inspect_place", args=[other.pk])).status_code == 404
