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
