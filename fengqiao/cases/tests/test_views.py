"""The staff workbench through the Django test client: scope, forms, errors in place, queries."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image

from fengqiao.cases import actions
from fengqiao.cases.choices import Status
from fengqiao.cases.models import Case, CaseEvent
from fengqiao.cases.tests.factories import make_case
from fengqiao.core.models import AuditEntry


def signed_in(client, user):
    client.force_login(user)
    return client


def test_my_work_lists_my_units_cases_by_deadline(client, personas, django_assert_max_num_queries):
    cases = [make_case(title=f"事件{i}") for i in range(12)]
    Case.objects.filter(pk=cases[3].pk).update(
        due_at=timezone.now() - timedelta(hours=1), deadline_state="overdue"
    )
    signed_in(client, personas.community_operator)
    with django_assert_max_num_queries(12):
        body = client.get(reverse("cases:my_work")).content.decode()
    assert body.index(cases[3].number) < body.index(cases[0].number)  # overdue first
    assert "已超期" in body
    assert (
        cases[0].number
        not in signed_in(client, personas.department_handler)
        .get(reverse("cases:my_work"))
        .content.decode()
    )


def test_list_filters_scope_and_bounded_queries(client, personas, django_assert_max_num_queries):
    for _ in range(30):
        make_case()
    other = make_case(lon=113.35, lat=28.15)  # the other street
    accepted = actions.accept(make_case(title="已受理的那件"), by=personas.community_operator)
    signed_in(client, personas.community_operator)
    with django_assert_max_num_queries(14):
        body = client.get(reverse("cases:list"), {"status": "accepted"}).content.decode()
    assert accepted.number in body and "共 1 件" in body
    assert other.number not in client.get(reverse("cases:list")).content.decode()
    bad = client.get(reverse("cases:list"), {"status": "nonsense"}).content.decode()
    assert "errorlist" in bad and "共 0 件" in bad


def test_export_is_masked_and_audited(client, personas):
    make_case(reporter_phone="13812345678")
    signed_in(client, personas.community_operator)
    response = client.get(reverse("cases:export"), {"format": "xlsx", "status": "submitted"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "138****5678" in values and "13812345678" not in values
    entry = AuditEntry.objects.get()
    assert entry.user == personas.community_operator and entry.detail["filters"] == {
        "status": "submitted"
    }
    assert client.get(reverse("cases:export"), {"format": "pdf"}).status_code == 400


@pytest.mark.parametrize("persona", ["outsider", "department_handler"])
def test_case_out_of_scope_is_a_404(client, personas, persona):
    case = make_case()
    signed_in(client, getattr(personas, persona))
    assert client.get(reverse("cases:detail", args=[case.number])).status_code == 404
    url = reverse("cases:action", args=[case.number, "accept"])
    assert client.post(url, {"note": ""}).status_code == 404
    assert Case.objects.get(pk=case.pk).status == Status.SUBMITTED


def test_case_page_offers_only_allowed_actions_and_masks_contacts(client, personas):
    case = make_case(reporter_phone="13812345678", reporter_name="王小明")
    body = (
        signed_in(client, personas.community_operator)
        .get(reverse("cases:detail", args=[case.number]))
        .content.decode()
    )
    assert "受理" in body and "不予受理" in body and ">办结<" not in body
    assert "138****5678" in body and "13812345678" not in body and "王小明" not in body
    grid_body = (
        signed_in(client, personas.grid_worker)
        .get(reverse("cases:detail", args=[case.number]))
        .content.decode()
    )
    assert f"/cases/{case.number}/do/accept/" not in grid_body


def test_action_form_runs_the_action(client, personas):
    case = make_case()
    signed_in(client, personas.community_operator)
    response = client.post(reverse("cases:action", args=[case.number, "accept"]), {"note": "核实"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED
    response = client.post(
        reverse("cases:action", args=[case.number, "dispatch"]),
        {"to_unit": personas.department.pk, "note": "请办理"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED and case.current_unit == personas.department


def test_refused_action_shows_the_error_in_place(client, personas):
    case = make_case()
    signed_in(client, personas.community_operator)
    empty = client.post(reverse("cases:action", args=[case.number, "reject"]), {"reason": ""})
    assert empty.status_code == 400 and "errorlist" in empty.content.decode()
    wrong = client.post(
        reverse("cases:action", args=[case.number, "resolve"]), {"outcome": "已处理"}
    )
    assert wrong.status_code == 400 and "不能办结" in wrong.content.decode()
    assert client.post(reverse("cases:action", args=[case.number, "fly"])).status_code == 404
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_attachment_upload_and_download_are_scoped(client, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = actions.accept(make_case(), by=personas.community_operator)
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "现场.jpg"
    signed_in(client, personas.community_operator)
    response = client.post(reverse("cases:action", args=[case.number, "attach"]), {"file": buffer})
    assert response.status_code == 302
    item = case.attachments.get()
    url = reverse("cases:attachment", args=[case.number, item.pk])
    assert client.get(url).status_code == 200
    assert signed_in(client, personas.outsider).get(url).status_code == 404


def new_case_data(**overrides):
    data = {
        "channel": "hotline",
        "category": "",
        "title": "小区门口垃圾堆积",
        "description": "小区东门垃圾堆积多日无人清运，气味很大",
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "lon": "113.05",
        "lat": "27.85",
        "people_involved": "1",
        "submission_key": "k-1",
    }
    data.update(overrides)
    return data


def test_new_case_entry_warns_about_a_similar_open_case(client, personas):
    from fengqiao.cases.models import Category

    category = Category.objects.get(code="request-environment")
    existing = make_case(
        category="request-environment",
        title="东门垃圾堆积",
        description="小区东门垃圾堆积多日无人清运",
    )
    signed_in(client, personas.community_operator)
    first = client.post(reverse("cases:new"), new_case_data(category=category.pk))
    assert first.status_code == 400 and existing.number in first.content.decode()
    assert Case.objects.count() == 1
    confirmed = client.post(
        reverse("cases:new"), new_case_data(category=category.pk, confirm_new="on")
    )
    assert confirmed.status_code == 302 and Case.objects.count() == 2
    again = client.post(reverse("cases:new"), new_case_data(category=category.pk, confirm_new="on"))
    assert again.status_code == 302 and Case.objects.count() == 2  # same submission_key


def test_new_case_entry_can_merge_the_report_into_the_similar_case(client, personas):
    from fengqiao.cases.choices import Status
    from fengqiao.cases.models import Category

    category = Category.objects.get(code="request-environment")
    existing = make_case(
        category="request-environment",
        title="东门垃圾堆积",
        description="小区东门垃圾堆积多日无人清运",
    )
    signed_in(client, personas.community_operator)
    first = client.post(reverse("cases:new"), new_case_data(category=category.pk))
    assert f'name="merge_into" value="{existing.number}"' in first.content.decode()
    # A number that was not offered is ignored: the warning stays and nothing is created.
    forged = client.post(
        reverse("cases:new"), new_case_data(category=category.pk, merge_into="FQ-19990101-00001")
    )
    assert forged.status_code == 400 and Case.objects.count() == 1
    merged = client.post(
        reverse("cases:new"), new_case_data(category=category.pk, merge_into=existing.number)
    )
    assert merged.status_code == 302 and merged["Location"].endswith(f"/{existing.number}/")
    duplicate = Case.objects.exclude(pk=existing.pk).get()
    assert duplicate.status == Status.MERGED and duplicate.merged_into_id == existing.pk
    assert existing.events.filter(action="merged_in").exists()


def test_new_case_errors_are_shown_beside_fields(client, personas):
    signed_in(client, personas.community_operator)
    response = client.post(
        reverse("cases:new"), new_case_data(category="9999", lon="", lat="", title="")
    )
    body = response.content.decode()
    assert response.status_code == 400 and "errorlist" in body and "请在地图上选点" in body
    outside = client.post(
        reverse("cases:new"),
        new_case_data(
            category=Case._meta.get_field("category")
            .related_model.objects.get(code="request-noise")
            .pk,
            lon="100",
            lat="30",
        ),
    )
    assert "不在本辖区内" in outside.content.decode()
    assert Case.objects.count() == 0


def test_bulk_dispatch_reports_each_case(client, personas):
    a = actions.accept(make_case(), by=personas.community_operator)
    b = actions.accept(make_case(), by=personas.community_operator)
    c = make_case()  # not yet accepted: refused
    signed_in(client, personas.community_operator)
    response = client.post(
        reverse("cases:bulk_dispatch"),
        {"to_unit": personas.department.pk, "cases": [a.number, b.number, c.number]},
        follow=True,
    )
    body = response.content.decode()
    assert "已交办 2 件" in body and c.number in body
    assert Case.objects.filter(status=Status.DISPATCHED).count() == 2


def test_map_data_and_overdue_board_are_scoped(client, personas):
    mine = make_case()
    make_case(lon=113.35, lat=28.15)
    Case.objects.filter(pk=mine.pk).update(deadline_state="overdue")
    signed_in(client, personas.community_operator)
    data = client.get(reverse("cases:map_data")).json()
    assert [f["properties"]["number"] for f in data["features"]] == [mine.number]
    board = client.get(reverse("cases:overdue_board")).content.decode()
    assert "社区1综治中心" in board and "第2街道" not in board


def test_expired_session_keeps_an_action_note_and_a_new_case_text(client, personas):
    case = make_case()
    url = reverse("cases:action", args=[case.number, "reject"])
    response = client.post(url, {"reason": "不属于受理范围，已告知来电人"})
    page = reverse("cases:detail", args=[case.number])
    assert response.status_code == 302 and page in response["Location"]
    signed_in(client, personas.community_operator)
    body = client.get(page).content.decode()
    assert "不属于受理范围，已告知来电人" in body  # the reject form, open and filled again
    client.logout()
    new = client.post(reverse("cases:new"), new_case_data(title="登录过期前写的标题"))
    assert new.status_code == 302 and "login" in new["Location"]
    signed_in(client, personas.community_operator)
    assert "登录过期前写的标题" in client.get(reverse("cases:new")).content.decode()
    assert Case.objects.count() == 1


def test_my_work_puts_work_in_hand_before_old_follow_ups(client, personas):
    old = actions.claim(
        actions.accept(make_case(), by=personas.community_operator), by=personas.community_operator
    )
    old = actions.verify(
        actions.resolve(old, by=personas.community_operator, outcome="已处理"),
        by=personas.community_operator,
        passed=True,
    )
    Case.objects.filter(pk=old.pk).update(due_at=timezone.now() - timedelta(days=300))
    fresh = make_case()
    body = (
        signed_in(client, personas.community_operator)
        .get(reverse("cases:my_work"))
        .content.decode()
    )
    assert body.index(fresh.number) < body.index(old.number)


def test_the_case_page_lists_its_notices_and_their_delivery(client, personas, settings):
    """通知记录: the centre's inbox entry and the SMS to the reporter (phone masked), with the
    SMS's delivery state; in the reader's language for what the system wrote."""
    from django.utils.translation import gettext_noop

    from fengqiao.core.notes import system_note
    from fengqiao.notifications import actions as notices

    settings.SMS_PROVIDER = "fengqiao.notifications.tests.test_delivery.BrokenSms"
    case = make_case(reporter_phone="13812345678")
    actions.notify_reporter(case, system_note(gettext_noop("已办结，请核查")))
    notices.deliver_pending()
    page = signed_in(client, personas.community_operator).get(f"/cases/{case.number}/")
    text = page.content.decode()
    assert "通知记录" in text
    assert f"{case.number} 新上报事件待受理" in text and "社区1综治中心" in text
    assert "反映人 138****5678" in text and "13812345678" not in text
    assert "待发送（已尝试 1 次）" in text  # the gateway failed once; it will retry
    client.cookies["django_language"] = "en"
    english = client.get(f"/cases/{case.number}/").content.decode()
    assert "Notices" in english and f"{case.number} new case awaiting acceptance" in english
