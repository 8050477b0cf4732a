"""Rating and "not resolved" (评价 / 问题没有解决) by whoever holds the tracking code."""

import pytest
from django.urls import reverse

from fengqiao.cases import actions
from fengqiao.cases.choices import Action, Rating, Status
from fengqiao.cases.models import Case
from fengqiao.portal import limits

from .helpers import code_from, report_data


def report_and_close(client, personas, *, verify=True):
    """A case reported through the page and taken to 已结案 through the real actions."""
    response = client.post("/r/", report_data())
    case = Case.objects.get(tracking_code=code_from(response))
    operator = personas.community_operator
    actions.accept(case, by=operator)
    actions.claim(case, by=operator)
    actions.resolve(case, by=operator, outcome="已协调双方，装修改在白天进行")
    if verify:
        actions.verify(case, by=operator, passed=True, note="经回访核实，噪音已停止")
    return Case.objects.get(pk=case.pk)


def urls(case):
    code = case.tracking_code
    return (
        reverse("portal:status", kwargs={"code": code}),
        reverse("portal:rate", kwargs={"code": code}),
        reverse("portal:reopen", kwargs={"code": code}),
    )


def test_open_case_offers_no_feedback(client, personas):
    response = client.post("/r/", report_data())
    case = Case.objects.get(tracking_code=code_from(response))
    body = client.get(urls(case)[0]).content.decode()
    assert "提交评价" not in body and "问题没有解决" not in body


@pytest.mark.parametrize("verify", [True, False], ids=["closed", "resolved"])
def test_finished_case_offers_both_forms(client, personas, verify):
    case = report_and_close(client, personas, verify=verify)
    body = client.get(urls(case)[0]).content.decode()
    assert "提交评价" in body and "问题没有解决" in body
    assert "满意" in body and "基本满意" in body and "不满意" in body
    assert ("已结案" if verify else "已办结待核查") in body
    assert "经回访核实，噪音已停止" in body or not verify  # the closing note is public


def test_rating_a_closed_case(client, personas):
    case = report_and_close(client, personas)
    status_url, rate_url, _ = urls(case)
    response = client.post(rate_url, {"rating": Rating.BASIC, "comment": "处理及时"})
    assert response.status_code == 302 and response["Location"] == status_url
    case.refresh_from_db()
    assert case.rating == Rating.BASIC and case.rating_comment == "处理及时"
    event = case.events.get(action=Action.RATE)
    assert event.actor is None and event.public
    body = client.get(status_url).content.decode()
    assert "感谢您的评价" in body and "基本满意" in body
    assert "提交评价" not in body  # rated: the forms are gone


def test_rating_twice_is_refused_in_place(client, personas):
    case = report_and_close(client, personas)
    _, rate_url, _ = urls(case)
    client.post(rate_url, {"rating": Rating.SATISFIED})
    response = client.post(rate_url, {"rating": Rating.UNSATISFIED, "comment": "又来了"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "已经评价过了" in body and 'role="alert"' in body and "又来了" in body
    case.refresh_from_db()
    assert case.rating == Rating.SATISFIED


def test_rating_without_a_choice_is_refused_beside_the_field(client, personas):
    case = report_and_close(client, personas)
    response = client.post(urls(case)[1], {"comment": "没选"})
    body = response.content.decode()
    assert 'id="id_rating_error"' in body and "请选择满意程度" in body
    assert 'aria-describedby="id_rating_error"' in body
    case.refresh_from_db()
    assert case.rating == ""


def test_rating_an_open_case_is_refused_in_place(client, personas):
    response = client.post("/r/", report_data())
    case = Case.objects.get(tracking_code=code_from(response))
    response = client.post(urls(case)[1], {"rating": Rating.SATISFIED})
    assert response.status_code == 200 and "不能评价" in response.content.decode()


def test_not_resolved_reopens_the_case(client, personas):
    case = report_and_close(client, personas)
    status_url, _, reopen_url = urls(case)
    response = client.post(reopen_url, {"reason": "晚上还是有噪音"})
    assert response.status_code == 302 and response["Location"] == status_url
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and case.reopened == 1
    assert case.current_unit == personas.units["community"]
    event = case.events.get(action=Action.REOPEN)
    assert event.actor is None and event.data == {"by_reporter": True}
    body = client.get(status_url).content.decode()
    assert "重新办理" in body and "已受理" in body
    assert "晚上还是有噪音" not in body  # only refusal, resolution and closing notes are shown


def test_not_resolved_needs_a_reason(client, personas):
    case = report_and_close(client, personas)
    response = client.post(urls(case)[2], {"reason": "  "})
    body = response.content.decode()
    assert "请说明还有哪些问题没有解决" in body and "<details open>" in body
    case.refresh_from_db()
    assert case.status == Status.CLOSED


def test_feedback_on_an_unknown_code_is_the_generic_not_found(client, personas):
    for name in ("portal:rate", "portal:reopen"):
        url = reverse(name, kwargs={"code": "22222222222A"})
        response = client.post(url, {"rating": Rating.SATISFIED, "reason": "x"})
        assert response.status_code == 404 and "查询码不正确" in response.content.decode()


def test_feedback_per_code_is_limited(client, personas, monkeypatch):
    case = report_and_close(client, personas)
    monkeypatch.setattr(limits, "FEEDBACK", limits.Limit("portal.feedback", 2, 3600))
    _, rate_url, reopen_url = urls(case)
    assert client.post(rate_url, {}).status_code == 200  # invalid, but counted
    assert client.post(rate_url, {}, REMOTE_ADDR="198.51.100.7").status_code == 200
    refused = client.post(reopen_url, {"reason": "还没好"}, REMOTE_ADDR="198.51.100.8")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    case.refresh_from_db()
    assert case.status == Status.CLOSED
