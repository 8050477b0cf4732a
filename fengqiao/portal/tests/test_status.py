"""Tracking (查询进度): the code look-up, the public status page and what it must never show."""

import re

import pytest
from django.urls import reverse

from fengqiao.cases import actions
from fengqiao.cases.models import Case
from fengqiao.portal import limits
from fengqiao.portal.forms import normalise_code

from .helpers import code_from, report_data

TRACK = "/r/track/"


@pytest.fixture
def reported(client, personas):
    """A case reported through the page, with contact details, then worked on by staff."""
    response = client.post("/r/", report_data(address="幸福小区3栋402室"))
    case = Case.objects.get(tracking_code=code_from(response))
    operator = personas.community_operator
    actions.accept(case, by=operator, note="受理员内部备注：联系王小明核实")
    actions.claim(case, by=operator)
    actions.record_progress(case, by=operator, note="内部进展：已约谈502住户张大力 13700001111")
    return Case.objects.get(pk=case.pk)


def status_url(case):
    return reverse("portal:status", kwargs={"code": case.tracking_code})


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("abcd-efgh-jklm", "ABCDEFGHJKLM"),
        (" ABCD EFGH JKLM ", "ABCDEFGHJKLM"),
        ("ＡＢＣＤ－ＥＦＧＨ　ＪＫＬＭ", "ABCDEFGHJKLM"),  # full-width, from a Chinese keyboard
        ("abcd—efgh–jklm", "ABCDEFGHJKLM"),
    ],
)
def test_codes_are_normalised(typed, expected):
    assert normalise_code(typed) == expected


def test_track_form_redirects_a_known_code_typed_loosely(client, reported):
    code = reported.tracking_code
    typed = f"{code[:4].lower()}-{code[4:8]} {code[8:]}"
    response = client.post(TRACK, {"code": typed})
    assert response.status_code == 302 and response["Location"] == status_url(reported)


def test_track_page_has_a_labelled_code_field(client, db):
    body = client.get(TRACK).content.decode()
    assert '<label for="id_code">' in body and 'id="id_code"' in body


def test_wrong_and_malformed_codes_get_the_same_answer(client, reported):
    real = reported.tracking_code
    near_miss = real[:-1] + ("2" if real[-1] != "2" else "3")
    answers = []
    for typed in (near_miss, "22222222222A", "not a code!", "X" * 500):
        response = client.post(TRACK, {"code": typed})
        body = response.content.decode()
        assert response.status_code == 200
        assert "查询码不正确" in body
        # the page differs only by the echoed input
        answers.append(re.sub(r'value="[^"]*"', "", body.replace(normalise_code(typed[:64]), "")))
    assert len({re.sub(r'name="csrfmiddlewaretoken"[^>]*>', "", a) for a in answers}) == 1


def test_unknown_status_url_is_404_with_the_generic_message(client, reported):
    for code in ("22222222222A", "bad", "%3Cscript%3E"):
        response = client.get(f"/r/t/{code}/")
        assert response.status_code == 404
        body = response.content.decode()
        assert "查询码不正确" in body and "<script>" not in body


def test_status_page_shows_the_public_timeline(client, reported):
    response = client.get(status_url(reported))
    body = response.content.decode()
    assert response.status_code == 200
    assert reported.number in body and "矛盾纠纷/邻里纠纷" in body and "办理中" in body
    assert all(label in body for label in ("上报", "受理", "签收"))
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", body)
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_status_page_shows_no_personal_data_or_internal_notes(client, reported, personas):
    actions.resolve(reported, by=personas.community_operator, outcome="已协调双方，装修改在白天")
    body = client.get(status_url(reported)).content.decode()
    assert "已协调双方，装修改在白天" in body  # the outcome the reporter is owed
    for secret in (
        "王小明",  # reporter name
        "13912345678",  # reporter phone
        "幸福小区3栋402室",  # address
        "楼上每天深夜装修",  # description and title
        "内部备注",  # internal note of the acceptance
        "张大力",  # progress note
        "13700001111",
        "113.05",  # coordinates
        "27.85",
        "community_operator",  # actor
        "社区1综治中心",  # unit
    ):
        assert secret not in body, secret


def test_attachments_are_not_shown(client, reported, personas):
    from .helpers import jpeg_with_gps

    attachment = actions.add_attachment(
        reported, data=jpeg_with_gps(), filename="现场.jpg", by=None
    )
    body = client.get(status_url(reported)).content.decode()
    assert "现场.jpg" not in body and attachment.stored_name not in body


def test_rejection_reason_is_shown(client, personas):
    response = client.post("/r/", report_data())
    case = Case.objects.get(tracking_code=code_from(response))
    actions.reject(case, by=personas.community_operator, reason="不属于本辖区管理事项")
    body = client.get(status_url(case)).content.decode()
    assert "不予受理" in body and "不属于本辖区管理事项" in body


def test_lookups_per_client_are_limited(client, reported, monkeypatch):
    monkeypatch.setattr(limits, "TRACK", limits.Limit("portal.track", 3, 600))
    assert client.get(status_url(reported)).status_code == 200
    assert client.post(TRACK, {"code": "22222222222A"}).status_code == 200
    assert client.post(TRACK, {"code": reported.tracking_code}).status_code == 302
    refused = client.get(status_url(reported))
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "操作太频繁" in refused.content.decode()
    # the track form itself is refused too, for known and unknown codes alike
    assert client.post(TRACK, {"code": reported.tracking_code}).status_code == 429
    assert client.post(TRACK, {"code": "22222222222A"}).status_code == 429


def test_status_page_query_count_is_bounded(client, reported, django_assert_max_num_queries):
    # rate counter (1 UPDATE; 3 and a savepoint on the first hit), the case, its timeline
    with django_assert_max_num_queries(7):
        client.get(status_url(reported))
