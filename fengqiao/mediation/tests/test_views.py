"""The dispute pages through the Django test client: masking, reveal, forms, documents, scope."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from fengqiao.cases.choices import Status
from fengqiao.cases.models import Party
from fengqiao.core.models import AuditEntry
from fengqiao.mediation.models import Mediation, Referral, Session
from fengqiao.mediation.tests.factories import (
    APPLICANT_ID,
    agreed,
    dispute_at_committee,
    make_mediators,
    started,
)


@pytest.fixture
def m(personas):
    return make_mediators(personas)


def signed_in(client, user):
    client.force_login(user)
    return client


def test_case_page_masks_parties_and_offers_reveal_to_mediators_only(client, personas, m):
    case = dispute_at_committee(personas, m)
    url = reverse("mediation:case", args=[case.number])
    body = signed_in(client, m.mediator).get(url).content.decode()
    assert "4302**********1248" in body and "138****5678" in body and "李*" in body
    assert APPLICANT_ID not in body and "13812345678" not in body
    assert "查看</a>" in body
    body = signed_in(client, personas.community_operator).get(url).content.decode()
    assert "4302**********1248" in body and "查看</a>" not in body
    assert signed_in(client, personas.outsider).get(url).status_code == 404


def test_reveal_form_needs_a_reason_then_shows_and_audits(client, personas, m):
    case = dispute_at_committee(personas, m)
    party = case.parties.get(role=Party.Role.APPLICANT)
    url = reverse("mediation:reveal", args=[party.pk])
    signed_in(client, m.mediator)
    assert APPLICANT_ID not in client.get(url).content.decode()
    refused = client.post(url, {"reason": "看看"})
    assert refused.status_code == 400 and "至少 4 个字" in refused.content.decode()
    assert not AuditEntry.objects.exists()
    shown = client.post(url, {"reason": "通知当事人参加调解"})
    assert shown.status_code == 200 and APPLICANT_ID in shown.content.decode()
    assert shown["Cache-Control"].startswith("max-age=0")
    entry = AuditEntry.objects.get()
    assert (entry.user, entry.reason, entry.detail["case"]) == (
        m.mediator,
        "通知当事人参加调解",
        case.number,
    )
    operator = signed_in(client, personas.community_operator).post(url, {"reason": "我想看看信息"})
    assert operator.status_code == 403 and APPLICANT_ID not in operator.content.decode()


def test_party_form_error_is_shown_in_place_and_nothing_saved(client, personas, m):
    case = dispute_at_committee(personas, m)
    signed_in(client, m.mediator)
    response = client.post(
        reverse("mediation:action", args=[case.number, "party"]),
        {
            "role": "third",
            "party_type": "person",
            "name": "赵六",
            "id_number": "430203199001011249",
        },
    )
    assert response.status_code == 400 and "校验位不正确" in response.content.decode()
    assert case.parties.count() == 2


def test_mediator_takes_a_dispute_to_agreement_and_performance_check(client, personas, m):
    case = dispute_at_committee(personas, m)
    signed_in(client, m.mediator)
    assert case.number in client.get(reverse("mediation:list")).content.decode()
    act = lambda name, data: client.post(  # noqa: E731
        reverse("mediation:action", args=[case.number, name]), data
    )
    response = act(
        "start",
        {
            "org": m.org.pk,
            "mediators": [m.mediator.pk],
            "request": "请求修复并赔偿",
            "facts": "漏水",
            "applied_at": (timezone.localtime() - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302, response.content.decode()
    mediation = Mediation.objects.get()
    session_url = reverse("mediation:session", args=[mediation.pk])
    assert 'name="viewport"' in client.get(session_url).content.decode()
    response = client.post(
        session_url,
        {
            "held_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "place": "调解室",
            "attendees": "双方",
            "summary": "达成一致",
            "next_steps": "",
        },
    )
    assert response.status_code == 302 and Session.objects.count() == 1
    missing = act("conclude", {"outcome": "agreement", "agreement_form": "written", "terms": ""})
    assert missing.status_code == 400 and "协议内容" in missing.content.decode()
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    response = act(
        "conclude",
        {
            "outcome": "agreement",
            "agreement_form": "written",
            "terms": "王五赔偿李四800元",
            "performance_due": due,
            "performance_method": "现金",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    pdf = client.get(reverse("mediation:document", args=[mediation.pk, "agreement"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "王五赔偿李四800元" in text.replace(" ", "")
    assert AuditEntry.objects.filter(kind="export", object_type="mediation.document").exists()
    response = act("performance", {"performance": "full", "note": "已付清"})
    assert response.status_code == 302
    mediation.refresh_from_db()
    assert mediation.performance == "full"
    page = client.get(reverse("mediation:case", args=[case.number])).content.decode()
    assert "已履行" in page and "化解过程" in page


def test_documents_are_refused_to_those_who_may_not_reveal(client, personas, m):
    mediation = agreed(personas, m)
    url = reverse("mediation:document", args=[mediation.pk, "agreement"])
    signed_in(client, personas.community_operator)
    assert client.get(url).status_code == 403
    assert signed_in(client, personas.outsider).get(url).status_code == 404
    assert not AuditEntry.objects.exists()


def test_party_export_masks_unless_a_revealer_gives_a_reason(client, personas, m):
    case = dispute_at_committee(personas, m)
    url = reverse("mediation:export_parties", args=[case.number])
    masked = signed_in(client, personas.community_operator).get(url).content.decode("utf-8-sig")
    assert "4302**********1248" in masked and APPLICANT_ID not in masked
    assert client.get(url, {"reason": "需要完整信息"}).status_code == 403
    full = signed_in(client, m.leader).get(url, {"reason": "报送法院司法确认"})
    assert APPLICANT_ID in full.content.decode("utf-8-sig")
    entries = list(AuditEntry.objects.order_by("created_at", "id"))
    assert [e.detail["unmasked"] for e in entries] == [False, True]


def test_tribunal_sees_referral_in_its_work_list_and_accepts_it(client, personas, m):
    mediation = started(personas, m)
    from fengqiao.mediation import actions

    actions.refer(
        mediation.case,
        actions.ReferralInput("litigation", m.tribunal, "转诉前调解"),
        by=m.mediator,
        mediation=mediation,
    )
    referral = Referral.objects.get()
    signed_in(client, m.judge)
    body = client.get(reverse("mediation:referrals")).content.decode()
    assert mediation.case.number in body and "接收" in body
    assert client.get(reverse("mediation:case", args=[mediation.case.number])).status_code == 200
    client.post(reverse("mediation:referral_action", args=[referral.pk, "accept"]), {"note": ""})
    client.post(
        reverse("mediation:referral_action", args=[referral.pk, "complete"]),
        {"outcome": "resolved", "note": "诉前调解成功"},
    )
    referral.refresh_from_db()
    assert referral.state == "done"
    signed_in(client, personas.outsider)
    assert client.get(reverse("mediation:referrals")).content.decode().count("FQ-") == 0


def test_list_and_case_page_queries_are_bounded(client, personas, m, django_assert_max_num_queries):
    mediations = [started(personas, m, title=f"纠纷{i}") for i in range(4)]
    signed_in(client, m.mediator)
    with django_assert_max_num_queries(12):
        body = client.get(reverse("mediation:list")).content.decode()
    assert all(x.number in body for x in mediations)
    with django_assert_max_num_queries(30):
        client.get(reverse("mediation:case", args=[mediations[0].case.number]))


def test_measures_page_shows_the_month_in_the_leaders_territory(client, personas, m):
    mediation = agreed(personas, m)
    signed_in(client, personas.district_leader)
    month = timezone.localdate().strftime("%Y-%m")
    body = client.get(reverse("mediation:measures"), {"month": month}).content.decode()
    assert "调解成功率" in body and "1/1（100%）" in body and "测试区" in body
    bad = client.get(reverse("mediation:measures"), {"month": "2026-13"})
    assert bad.status_code == 400 and "月份格式应为 YYYY-MM" in bad.content.decode()
    assert "查看本月" in bad.content.decode()  # a page with the way back, not bare text
    assert client.get(reverse("mediation:measures"), {"region": "nowhere"}).status_code == 404
    refused = signed_in(client, m.mediator).get(reverse("mediation:measures"))
    assert refused.status_code == 403 and "您没有可统计的辖区" in refused.content.decode()
    assert mediation.outcome == "agreement"
