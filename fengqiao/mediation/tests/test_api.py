"""The dispute-resolution API: masked reads, reveal with audit, actions, errors, scope."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from fengqiao.core.models import AuditEntry
from fengqiao.mediation.models import Mediation
from fengqiao.mediation.tests.factories import (
    APPLICANT_ID,
    dispute_at_committee,
    make_mediators,
    started,
)

BASE = "/api/v1/mediation"


@pytest.fixture
def m(personas):
    return make_mediators(personas)


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_dispute_is_masked_and_out_of_scope_is_404(personas, m):
    case = dispute_at_committee(personas, m)
    data = api(m.mediator).get(f"{BASE}/disputes/{case.number}/").json()
    applicant = data["parties"][0]
    assert applicant["id_number"] == "4302**********1248" and applicant["phone"] == "138****5678"
    assert APPLICANT_ID not in str(data)
    assert api(personas.outsider).get(f"{BASE}/disputes/{case.number}/").status_code == 404


def test_reveal_needs_a_reason_and_is_audited(personas, m):
    case = dispute_at_committee(personas, m)
    pk = case.parties.order_by("pk").first().pk
    url = f"{BASE}/parties/{pk}/reveal/"
    refused = api(m.mediator).post(url, {"reason": ""})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "invalid_input"
    assert api(personas.community_operator).post(url, {"reason": "想看"}).status_code == 403
    assert not AuditEntry.objects.exists()
    shown = api(m.mediator).post(url, {"reason": "电话通知调解时间"})
    assert shown.status_code == 200 and shown.json()["id_number"] == APPLICANT_ID
    assert AuditEntry.objects.get().reason == "电话通知调解时间"


def test_a_mediation_through_the_api(personas, m):
    case = dispute_at_committee(personas, m)
    client = api(m.mediator)
    bad = client.post(
        f"{BASE}/disputes/{case.number}/parties/",
        {"role": "third", "name": "赵六", "phone": "12345"},
        format="json",
    )
    assert bad.status_code == 400 and "电话号码" in bad.json()["error"]["message"]
    response = client.post(
        f"{BASE}/disputes/{case.number}/mediations/",
        {
            "org": m.org.unit.code,
            "mediators": [m.mediator.username],
            "request": "请求赔偿",
            "facts": "漏水",
            "applied_at": (timezone.now() - timedelta(days=1)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    mediation = Mediation.objects.get()
    held = (timezone.now() - timedelta(hours=1)).isoformat()
    session = {"held_at": held, "place": "调解室", "attendees": "双方", "summary": "协商"}
    assert client.post(f"{BASE}/mediations/{mediation.pk}/sessions/", session).status_code == 200
    no_terms = client.post(f"{BASE}/mediations/{mediation.pk}/conclude/", {"outcome": "agreement"})
    assert no_terms.status_code == 400 and "协议内容" in no_terms.json()["error"]["message"]
    agreement = {
        "outcome": "agreement",
        "terms": "王五赔偿800元",
        "performance_due": (timezone.localdate() + timedelta(days=5)).isoformat(),
    }
    done = client.post(f"{BASE}/mediations/{mediation.pk}/conclude/", agreement, format="json")
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    pdf = client.get(f"{BASE}/mediations/{mediation.pk}/documents/agreement/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    check = client.post(
        f"{BASE}/mediations/{mediation.pk}/performance/", {"performance": "full", "note": "已付"}
    )
    assert check.json()["mediations"][0]["performance"] == "full"


def test_someone_not_a_mediator_gets_403_and_unknown_fields_400(personas, m):
    mediation = started(personas, m)
    url = f"{BASE}/mediations/{mediation.pk}/conclude/"
    assert api(m.leader).post(url, {"outcome": "withdrawn"}).status_code == 403
    unknown = api(m.mediator).post(url, {"outcome": "withdrawn", "bogus": 1})
    assert unknown.status_code == 400 and "bogus" in unknown.json()["error"]["fields"]


def test_referral_accept_and_complete_by_the_tribunal(personas, m):
    mediation = started(personas, m)
    body = {"kind": "litigation", "to_unit": "fating", "reason": "转诉", "mediation": mediation.pk}
    made = api(m.mediator).post(f"{BASE}/disputes/{mediation.case.number}/referrals/", body)
    assert made.status_code == 200, made.json()
    pk = made.json()["id"]
    judge = api(m.judge)
    assert [r["id"] for r in judge.get(f"{BASE}/referrals/").json()] == [pk]
    assert judge.post(f"{BASE}/referrals/{pk}/accept/", {}).json()["state"] == "accepted"
    done = judge.post(f"{BASE}/referrals/{pk}/complete/", {"outcome": "resolved", "note": "成"})
    assert done.json()["state"] == "done"
    assert api(personas.outsider).get(f"{BASE}/referrals/").json() == []


def test_measures_need_a_period_and_default_to_the_users_territory(personas, m):
    leader = api(personas.district_leader)
    assert leader.get(f"{BASE}/measures/").status_code == 400
    now = timezone.now()
    data = leader.get(
        f"{BASE}/measures/",
        {
            "start": (now - timedelta(days=1)).isoformat(),
            "end": (now + timedelta(days=1)).isoformat(),
        },
    ).json()
    assert data["success_rate"] == {"numerator": 0, "denominator": 0, "value": None}
    community = api(personas.community_operator)
    period = {"start": now.isoformat(), "end": now.isoformat()}
    # a region outside the caller's territory, or none at all, is a 404 as everywhere
    for code in ("430299002", "nowhere"):
        response = community.get(f"{BASE}/measures/", {**period, "region": code})
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert (
        api(personas.department_handler)
        .get(
            f"{BASE}/measures/",
            {"start": now.isoformat(), "end": now.isoformat()},
        )
        .status_code
        == 403
    )


def test_a_token_for_another_unit_does_not_carry_the_mediator_role(personas, m):
    from fengqiao.accounts.models import Membership, Role
    from fengqiao.api.tests.helpers import client_for, make_token

    mediation = started(personas, m)
    community = personas.units["community"]
    Membership.objects.create(user=m.mediator, unit=community, role=Role.OPERATOR)
    _, key = make_token(m.mediator, community)
    response = client_for(key).post(
        f"{BASE}/mediations/{mediation.pk}/conclude/", {"outcome": "withdrawn"}, format="json"
    )
    # The case is in the community's territory, so it is visible, but not as its mediator.
    assert response.status_code == 403
    _, committee_key = make_token(m.mediator, m.org.unit)
    done = client_for(committee_key).post(
        f"{BASE}/mediations/{mediation.pk}/conclude/", {"outcome": "withdrawn"}, format="json"
    )
    assert done.status_code == 200, done.json()


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("1505-09-11T14:42:51-17:48", "1505-09-12T00:00:00+08:00"),  # found by fuzzing
        ("2026-13-01T00:00:00+08:00", "2026-12-01T00:00:00+08:00"),  # month 13
        ("2026-11-01T00:00:00+08:00", "2101-01-01T00:00:00+08:00"),
    ],
)
def test_measures_refuse_impossible_or_far_off_periods(personas, m, start, end):
    response = api(personas.district_leader).get(f"{BASE}/measures/", {"start": start, "end": end})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"


def test_documents_through_the_api_share_the_web_checks_and_audit(personas, m):
    mediation = started(personas, m)
    url = f"{BASE}/mediations/{mediation.pk}/documents/"
    refused = api(personas.community_operator).get(url + "application/")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_permitted"
    not_yet = api(m.mediator).get(url + "agreement/")  # no agreement recorded yet
    assert not_yet.status_code == 409 and not_yet.json()["error"]["code"] == "not_allowed"
    assert not AuditEntry.objects.exists()
    pdf = api(m.mediator).get(url + "application/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    entry = AuditEntry.objects.get()
    assert (entry.reason, entry.detail["via"]) == ("调解申请书", "api")
