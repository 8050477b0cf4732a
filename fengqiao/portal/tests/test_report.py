"""The report page (我要反映): happy path, every refusal in place, idempotency, honeypot."""

import io
import re

import pytest
from django.urls import reverse
from PIL import Image

from fengqiao.cases.choices import Action, Channel, Status
from fengqiao.cases.models import Attachment, Case, Category
from fengqiao.notifications.models import Notification
from fengqiao.portal import limits

from .helpers import code_from, jpeg_with_gps, photo, report_data

URL = "/r/"


def errors_of(body: str, field: str) -> str:
    """The text of the error list tied to ``field`` (the element its aria-describedby names)."""
    match = re.search(rf'<ul class="errorlist" id="{field}"[^>]*>(.*?)</ul>', body, re.S)
    return match.group(1) if match else ""


def test_url_names():
    assert reverse("portal:report") == URL
    assert reverse("portal:track") == "/r/track/"
    assert reverse("portal:status", kwargs={"code": "ABCDEFGHJKLM"}) == "/r/t/ABCDEFGHJKLM/"


def test_form_lists_categories_by_group_with_plain_descriptions(client, personas):
    body = client.get(URL).content.decode()
    assert "矛盾纠纷" in body and "邻里纠纷" in body
    assert "相邻通行、噪音、漏水、宅基地边界等邻里矛盾" in body
    assert 'name="submission_key"' in body and re.search(r'value="[0-9a-f]{32}"', body)
    # only the resident links in the navigation; no staff pages
    assert "我要反映" in body and "查询进度" in body and "我的工作" not in body
    # every visible input has a label
    for input_id in re.findall(r'<(?:input|textarea|select)[^>]*\bid="([^"]+)"', body):
        if input_id in ("id_lon", "id_lat", "id_submission_key"):
            continue
        assert f'for="{input_id}"' in body, input_id


def test_each_render_gets_a_new_submission_key(client, personas):
    pattern = re.compile(r'name="submission_key" value="([0-9a-f]+)"')
    keys = [pattern.findall(client.get(URL).content.decode()) for _ in range(2)]
    assert len(keys[0]) == len(keys[1]) == 1 and keys[0] != keys[1]


def test_report_with_photo_creates_case_and_shows_the_code(client, personas, media):
    raw = jpeg_with_gps()
    assert b"Exif" in raw
    response = client.post(URL, {**report_data(), "photos": [photo(data=raw)]})
    assert response.status_code == 302
    code = code_from(response)
    case = Case.objects.get()
    assert case.tracking_code == code and len(code) == 12
    assert case.channel == Channel.RESIDENT and case.status == Status.SUBMITTED
    assert case.region.code == "430299001001001"
    assert case.title == report_data()["description"][:20] and len(case.title) == 20
    assert case.reporter_name == "王小明" and case.reporter_phone == "13912345678"
    attachment = Attachment.objects.get(case=case)
    stored = attachment.file.read()
    assert b"Exif" not in stored and Image.open(io.BytesIO(stored)).getexif() == {}
    assert attachment.uploaded_by is None
    # the reporter is sent the code by SMS
    sms = Notification.objects.filter(channel="sms", case_id=case.pk).get()
    assert code in sms.body

    done = client.get(response["Location"])
    body = done.content.decode()
    assert done.status_code == 200
    assert "".join(re.findall(r"<span>([2-9A-Z]{4})</span>", body)) == code
    assert "保存查询码" in body and reverse("portal:status", kwargs={"code": code}) in body


def test_report_by_community_and_address_without_a_point(client, personas):
    data = report_data(lon="", lat="", community=personas.units["community"].jurisdiction.pk)
    response = client.post(URL, data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.region.code == "430299001001" and case.lon is None
    assert case.address == "幸福小区3栋"


def test_anonymous_report_keeps_no_contact_details(client, personas):
    data = report_data(anonymous="on", contact_phone="not a phone")
    response = client.post(URL, data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.anonymous and case.reporter_name == "" and case.reporter_phone == ""
    assert not Notification.objects.filter(channel="sms").exists()


def test_form_says_that_anonymous_drops_contact_details(client, personas):
    body = client.get(URL).content.decode()
    assert "不会保存您填写的联系人和电话" in body
    assert 'aria-describedby="anonymous-help"' in body


def test_missing_description_is_shown_beside_the_field_and_input_is_kept(client, personas):
    response = client.post(URL, report_data(description="", address="人民路88号"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "请描述您要反映的问题" in errors_of(body, "id_description_error")
    assert 'aria-describedby="id_description_helptext id_description_error"' in body
    assert 'aria-invalid="true"' in body
    assert 'value="人民路88号"' in body and "checked" in body  # the chosen category stays
    assert Case.objects.count() == 0


def test_too_long_description_is_refused(client, personas):
    response = client.post(URL, report_data(description="长" * 2001))
    assert "2000" in errors_of(response.content.decode(), "id_description_error")
    assert Case.objects.count() == 0


@pytest.mark.parametrize("code", ["no-such-category", "dispute", "dispute-neighbour"])
def test_unknown_group_or_inactive_category_is_refused_beside_the_picker(client, personas, code):
    Category.objects.filter(code="dispute-neighbour").update(is_active=False)
    response = client.post(URL, report_data(category=code))
    body = response.content.decode()
    assert "请从列表中选择问题类别" in errors_of(body, "id_category_error")
    assert 'id="id_category_dispute-neighbour"' not in body  # inactive: not offered
    assert Case.objects.count() == 0


def test_point_outside_the_district_is_refused_beside_the_location(client, personas):
    response = client.post(URL, report_data(lon="116.39", lat="39.91"))
    body = response.content.decode()
    assert "不在本辖区内" in errors_of(body, "location-error")
    assert 'aria-describedby="location-help location-error"' in body
    assert Case.objects.count() == 0


def test_no_place_at_all_is_refused_beside_the_location(client, personas):
    response = client.post(URL, report_data(lon="", lat=""))
    assert "问题发生在哪里" in errors_of(response.content.decode(), "location-error")
    assert Case.objects.count() == 0


def test_bad_phone_is_refused_beside_the_field(client, personas):
    response = client.post(URL, report_data(contact_phone="call me maybe"))
    assert "电话号码格式不正确" in errors_of(response.content.decode(), "id_contact_phone_error")
    assert Case.objects.count() == 0


def test_disguised_executable_is_refused_and_nothing_is_created(client, personas, media):
    exe = photo("现场.jpg", b"MZ\x90\x00" + b"\x00" * 500)
    response = client.post(URL, {**report_data(), "photos": [photo(), exe]})
    body = response.content.decode()
    assert response.status_code == 200
    assert "扩展名与内容不符" in errors_of(body, "id_photos_error")
    assert Case.objects.count() == 0 and Attachment.objects.count() == 0
    assert not any(p.is_file() for p in media.rglob("*")) if media.exists() else True


def test_oversized_photo_is_refused_beside_the_field(client, personas):
    big = photo("大图.jpg", b"\xff\xd8\xff" + b"\x00" * (10 * 1024 * 1024 + 1))
    response = client.post(URL, {**report_data(), "photos": [big]})
    assert "文件过大" in errors_of(response.content.decode(), "id_photos_error")
    assert Case.objects.count() == 0


def test_more_than_three_photos_are_refused(client, personas):
    photos = [photo(f"{i}.jpg") for i in range(4)]
    response = client.post(URL, {**report_data(), "photos": photos})
    assert "最多上传 3 张照片" in errors_of(response.content.decode(), "id_photos_error")
    assert Case.objects.count() == 0


def test_a_document_is_not_a_photo(client, personas):
    pdf = photo("说明.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
    response = client.post(URL, {**report_data(), "photos": [pdf]})
    assert "不是照片" in errors_of(response.content.decode(), "id_photos_error")
    assert Case.objects.count() == 0


def test_request_body_over_32_mb_is_refused_with_a_message_before_reading(client, personas):
    response = client.post(URL, report_data(), CONTENT_LENGTH=str(33 * 1024 * 1024))
    assert response.status_code == 413
    assert "提交的内容过大" in response.content.decode()
    assert Case.objects.count() == 0


def test_refusal_from_intake_is_shown_at_the_top(client, personas, monkeypatch):
    from fengqiao.cases.errors import InvalidInput
    from fengqiao.portal import reporting

    def refuse(**kwargs):
        raise InvalidInput("没有可以受理该事件的单位，请联系管理员配置分派规则。")

    monkeypatch.setattr(reporting, "submit", refuse)
    response = client.post(URL, {**report_data(), "photos": [photo()]})
    body = response.content.decode()
    assert response.status_code == 200 and 'role="alert"' in body
    assert "没有可以受理该事件的单位" in body and "王小明" in body
    assert Case.objects.count() == 0 and Attachment.objects.count() == 0


def test_photo_refused_while_attaching_takes_the_case_back(client, personas, media, monkeypatch):
    """All or nothing: a file refused after the case was created removes the case too."""
    from fengqiao.cases import actions
    from fengqiao.cases.errors import NotAllowed

    real = actions.add_attachment
    calls = []

    def second_fails(case, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise NotAllowed("每个事件最多 1 个附件。")
        return real(case, **kwargs)

    monkeypatch.setattr(actions, "add_attachment", second_fails)
    response = client.post(URL, {**report_data(), "photos": [photo("a.jpg"), photo("b.jpg")]})
    assert "最多 1 个附件" in errors_of(response.content.decode(), "id_photos_error")
    assert Case.objects.count() == 0 and Attachment.objects.count() == 0
    assert not [p for p in media.rglob("*") if p.is_file()]


def test_resubmitting_the_same_form_returns_the_same_case(client, personas):
    data = report_data()
    first = client.post(URL, {**data, "photos": [photo()]})
    second = client.post(URL, {**data, "photos": [photo()]})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    case = Case.objects.get()
    assert case.attachments.count() == 1
    assert case.events.filter(action=Action.SUBMIT).count() == 1


def test_honeypot_pretends_success_and_keeps_nothing(client, personas):
    response = client.post(URL, {**report_data(website="http://spam.example"), "photos": [photo()]})
    assert response.status_code == 302
    code_from(response)
    assert client.get(response["Location"]).status_code == 200
    assert Case.objects.count() == 0 and Attachment.objects.count() == 0


def test_honeypot_is_hidden_from_people(client, personas):
    body = client.get(URL).content.decode()
    assert re.search(r'<div class="hp" aria-hidden="true">', body)
    assert re.search(r'<input[^>]*name="website"[^>]*tabindex="-1"', body)


def test_report_requires_the_csrf_token_of_the_form(personas):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert client.post(URL, report_data()).status_code == 403
    assert Case.objects.count() == 0
    page = client.get(URL).content.decode()
    token = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[-1]
    response = client.post(URL, {**report_data(), "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and Case.objects.count() == 1


def test_done_page_for_a_malformed_code_is_the_generic_not_found(client, db):
    response = client.get("/r/done/not-a-code/")
    assert response.status_code == 404 and "查询码不正确" in response.content.decode()


def test_reports_per_client_are_limited(client, personas, monkeypatch):
    monkeypatch.setattr(limits, "REPORT", limits.Limit("portal.report", 2, 3600))
    for _ in range(2):
        assert client.post(URL, report_data()).status_code == 302
    refused = client.post(URL, report_data())
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert "操作太频繁" in refused.content.decode()
    assert Case.objects.count() == 2
    # another client is not affected
    assert client.post(URL, report_data(), REMOTE_ADDR="198.51.100.7").status_code == 302


def test_summary_at_the_top_links_to_each_error(client, personas):
    body = client.post(URL, report_data(category="", description="")).content.decode()
    assert '<a href="#id_category_error">请选择问题类别。</a>' in body
    assert '<a href="#id_description">请描述您要反映的问题。</a>' in body


def test_pages_render_in_english_too(client, personas):
    client.cookies["django_language"] = "en"
    for url in (URL, "/r/track/"):
        response = client.get(url)
        assert response.status_code == 200 and '<html lang="en">' in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_double_click_at_the_same_moment_creates_one_case_with_one_photo(personas):
    """Two copies of one form arriving together (PostgreSQL: real concurrent transactions)."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections
    from django.test import Client

    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions are tested on PostgreSQL")
    data = report_data()

    def post(_):
        try:
            return Client().post(URL, {**data, "photos": [photo()]})
        finally:
            connections.close_all()

    with ThreadPoolExecutor(2) as pool:
        responses = list(pool.map(post, range(2)))
    assert [r.status_code for r in responses] == [302, 302]
    assert responses[0]["Location"] == responses[1]["Location"]
    case = Case.objects.get()
    assert case.attachments.count() == 1
