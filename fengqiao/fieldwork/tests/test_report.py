"""/grid/report/ 现场上报: photos, on-the-spot handling, double submit, errors in place."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fengqiao.cases.choices import Action, Channel, Status
from fengqiao.cases.models import Case

from .conftest import NEXT_GRID, OUTSIDE, OWN_GRID, jpeg

URL = "/grid/report/"


def form(**overrides):
    data = {
        "category": "dispute-neighbour",
        "description": "3栋楼道堆放杂物，堵塞消防通道",
        "title": "",
        "lon": str(OWN_GRID[0]),
        "lat": str(OWN_GRID[1]),
        "address": "幸福小区3栋",
        "submission_key": uuid.uuid4().hex,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_report_url_is_named():
    assert reverse("fieldwork:report") == URL


def test_form_has_labels_grouped_categories_map_and_a_fresh_key(worker_client):
    body = worker_client.get(URL).content.decode()
    assert '<optgroup label="矛盾纠纷">' in body and "邻里纠纷" in body
    assert 'name="submission_key"' in body and 'id="pick-map"' in body
    assert "430299001001001" in body  # the grid boundary for the pin map
    for field in ["category", "description", "title", "photos", "address", "outcome"]:
        assert f'for="id_{field}"' in body
    assert "已现场处置（即时处置）" in body
    other = worker_client.get(URL).content.decode()
    key = body.split('name="submission_key" value="')[1].split('"')[0]
    assert key and key not in other


def test_report_with_photo_goes_to_the_community_centre(worker_client, personas):
    data = form(photos=[SimpleUploadedFile("现场.jpg", jpeg(), content_type="image/jpeg")])
    response = worker_client.post(URL, data)
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("fieldwork:report_done", args=[case.number])
    assert case.channel == Channel.GRID_WORKER and case.reporter == personas.grid_worker
    assert case.current_unit == personas.units["community"] and case.status == Status.SUBMITTED
    assert case.region.code == "430299001001001" and case.title.startswith("邻里纠纷：")
    attachment = case.attachments.get()
    assert attachment.original_name == "现场.jpg" and attachment.uploaded_by == personas.grid_worker

    done = worker_client.get(response["Location"]).content.decode()
    assert case.number in done and "社区1综治中心" in done and "1 张" in done


def test_on_the_spot_report_is_closed_at_grid_tier(worker_client, personas):
    data = form(handled_on_spot="on", outcome="已劝导住户当场清理杂物")
    response = worker_client.post(URL, data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.status == Status.CLOSED and case.handled_on_spot
    assert case.resolved_tier == "grid" and case.outcome == "已劝导住户当场清理杂物"
    assert case.events.filter(action=Action.HANDLE_ON_SPOT).exists()
    assert "已记录即时处置" in worker_client.get(response["Location"]).content.decode()


def test_double_submit_creates_one_case(worker_client):
    data = form()
    photo = jpeg()
    first = worker_client.post(
        URL, {**data, "photos": [SimpleUploadedFile("a.jpg", photo, "image/jpeg")]}
    )
    second = worker_client.post(
        URL, {**data, "photos": [SimpleUploadedFile("a.jpg", photo, "image/jpeg")]}
    )
    assert first["Location"] == second["Location"]
    case = Case.objects.get()
    assert case.attachments.count() == 1


def test_report_without_a_point_lies_in_the_workers_grid(worker_client):
    response = worker_client.post(URL, form(lon="", lat=""))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.region.code == "430299001001001" and case.lon is None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"description": ""}, "description", "请填写事件描述"),
        ({"category": ""}, "category", "请选择事件类别"),
        ({"category": "dispute"}, "category", "选择一个有效的选项"),
        ({"lon": str(NEXT_GRID[0]), "lat": str(NEXT_GRID[1])}, "lon", "不在您负责的网格内"),
        ({"lon": str(OUTSIDE[0]), "lat": str(OUTSIDE[1])}, "lon", "不在本辖区内"),
        ({"lat": ""}, "lon", "位置不完整"),
        ({"handled_on_spot": "on", "outcome": ""}, "outcome", "请填写处置结果"),
        ({"occurred_at": "2099-01-01T10:00"}, "occurred_at", "不能晚于现在"),
        ({"title": "长" * 101}, "title", "100"),
    ],
)
def test_bad_input_is_shown_beside_its_field_and_kept(worker_client, overrides, field, message):
    data = form(**overrides)
    response = worker_client.post(URL, data)
    body = response.content.decode()
    assert response.status_code == 200 and Case.objects.count() == 0
    errors = body.split(f'id="id_{field}_error"')[1].split("</ul>")[0]
    assert message in errors
    assert "提交未成功" in body
    if data["description"]:
        assert data["description"] in body  # what was typed is kept
    assert data["submission_key"] in body  # and the same key, so a retry stays one case


def test_a_file_that_is_not_a_photo_is_refused(worker_client):
    fake = SimpleUploadedFile("x.jpg", b"MZ\x90\x00 not an image at all", "image/jpeg")
    response = worker_client.post(URL, {**form(), "photos": [fake]})
    body = response.content.decode()
    assert response.status_code == 200 and Case.objects.count() == 0
    assert "x.jpg" in body.split('id="id_photos_error"')[1].split("</ul>")[0]


def test_more_than_three_photos_are_refused(worker_client):
    photos = [SimpleUploadedFile(f"{i}.jpg", jpeg(), "image/jpeg") for i in range(4)]
    body = worker_client.post(URL, {**form(), "photos": photos}).content.decode()
    assert "最多上传 3 张照片" in body and Case.objects.count() == 0


def test_confirmation_is_only_for_the_reporter(worker_client):
    worker_client.post(URL, form())
    case = Case.objects.get()
    url = reverse("fieldwork:report_done", args=[case.number])
    assert worker_client.get(url).status_code == 200
    assert worker_client.get(reverse("fieldwork:report_done", args=["FQ-0-0"])).status_code == 404


def test_photos_must_be_chosen_again_after_an_error(worker_client):
    photo = SimpleUploadedFile("a.jpg", jpeg(), "image/jpeg")
    body = worker_client.post(URL, {**form(description=""), "photos": [photo]}).content.decode()
    assert "上次选择的照片没有保存，请重新选择" in body
