"""The demo disputes: one at each stage, through the real actions, on the demo district."""

from io import StringIO

import pytest
from django.core.management import call_command

from fengqiao.accounts.models import User
from fengqiao.cases.choices import Status
from fengqiao.cases.models import Case
from fengqiao.mediation import permissions
from fengqiao.mediation.demo import load_disputes
from fengqiao.mediation.models import Mediation, MediationOrg, Referral

pytestmark = pytest.mark.django_db


def test_every_stage_is_present_and_the_mediator_finds_it():
    call_command("demo", "--no-cases", stdout=StringIO())
    assert MediationOrg.objects.filter(unit__code="xuelin-tiaowei").exists()
    cases = load_disputes()
    assert len(cases) == 5
    by_title = {c.category.code: c for c in cases}
    assert by_title["dispute-neighbour"].status == Status.DISPATCHED
    assert by_title["dispute-wages"].risk_assessments.get().level == "high"
    prop = Mediation.objects.get(case=by_title["dispute-property"])
    assert prop.outcome == "agreement" and prop.performance == "pending"
    land = Referral.objects.get(case=by_title["dispute-land"])
    assert (land.kind, land.state) == ("litigation", "pending")
    confirm = Referral.objects.get(case=by_title["dispute-family"])
    assert (confirm.kind, confirm.outcome) == ("judicial_confirmation", "confirmed")
    mediator = User.objects.get(username="xuelin_tiaojie")
    mine = permissions.visible_mediations(mediator)
    assert mine.count() == 4
    judge = User.objects.get(username="fating_faguan")
    assert permissions.visible_referrals(judge).filter(state="pending").count() == 1
    assert Case.objects.visible_to(mediator).filter(pk=by_title["dispute-neighbour"].pk).exists()


def test_demo_mediator_takes_the_waiting_dispute_to_an_agreement_pdf(client):
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    call_command("demo", "--no-cases", "--password", "demo-password", stdout=StringIO())
    waiting = next(c for c in load_disputes() if c.category.code == "dispute-neighbour")
    assert client.login(username="xuelin_tiaojie", password="demo-password")
    assert waiting.number in client.get(reverse("mediation:list")).content.decode()
    mediator = User.objects.get(username="xuelin_tiaojie")
    act = lambda name, data: client.post(  # noqa: E731
        reverse("mediation:action", args=[waiting.number, name]), data
    )
    an_hour_ago = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    org = MediationOrg.objects.get(unit__code="xuelin-tiaowei")
    start = {
        "org": org.pk,
        "mediators": [mediator.pk],
        "request": "请求停止噪音",
        "facts": "空调外机噪音",
        "applied_at": an_hour_ago,
    }
    assert act("start", start).status_code == 302
    mediation = Mediation.objects.get(case=waiting)
    session = {"held_at": an_hour_ago, "place": "调解室", "attendees": "双方", "summary": "协商"}
    assert (
        client.post(reverse("mediation:session", args=[mediation.pk]), session).status_code == 302
    )
    terms = "吴建国于七日内为空调外机加装减震垫"
    agreement = {
        "outcome": "agreement",
        "agreement_form": "written",
        "terms": terms,
        "performance_due": (timezone.localdate() + timedelta(days=7)).isoformat(),
    }
    assert act("conclude", agreement).status_code == 302
    pdf = client.get(reverse("mediation:document", args=[mediation.pk, "agreement"]))
    assert pdf.status_code == 200
    check = {"performance": "full", "note": "已加装"}
    assert act("performance", check).status_code == 302
    mediation.refresh_from_db()
    assert mediation.performance == "full"
