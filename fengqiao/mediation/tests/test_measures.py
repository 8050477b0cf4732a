"""Dispute-resolution measures on a small, hand-computed week of mediations (March 2025)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from fengqiao.cases import actions as case_actions
from fengqiao.cases.measures import Scope
from fengqiao.cases.tests.factories import make_case
from fengqiao.mediation import actions, measures
from fengqiao.mediation.tests.factories import add_session, agree, make_mediators, started

SH = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2025, 3, 3, 9, 0, tzinfo=SH)
MARCH = Scope(start=datetime(2025, 3, 1, tzinfo=SH), end=datetime(2025, 4, 1, tzinfo=SH))
APRIL = Scope(start=datetime(2025, 4, 1, tzinfo=SH), end=datetime(2025, 5, 1, tzinfo=SH))


@pytest.fixture
def week(personas):
    """A: reported Mon, agreed Wed (2 days), due 10 Mar, performed in full.
    B: reported Mon, agreed Fri (4 days), due 20 Mar, performed in part.
    C: no agreement (Thu). D: referred to the tribunal for litigation (Thu), which resolved it.
    E: withdrawn (Thu), not counted in the success rate. F: resolved by the community centre.
    Also a judicial-confirmation referral of A, still pending."""
    p = personas
    m = make_mediators(p)
    with time_machine.travel(MONDAY, tick=False) as clock:
        a, b, c, d, e = (started(p, m, title=f"纠纷{name}") for name in "ABCDE")
        f = case_actions.accept(make_case(title="纠纷F"), by=p.community_operator)
        case_actions.claim(f, by=p.community_operator)
        case_actions.resolve(f, by=p.community_operator, outcome="当场调解")
        clock.shift(timedelta(days=2))  # Wednesday
        add_session(a, m)
        a = agree(a, m, due=date(2025, 3, 10))
        confirm = actions.ReferralInput("judicial_confirmation", m.tribunal, "申请司法确认")
        actions.refer(a.case, confirm, by=m.mediator, mediation=a)
        clock.shift(timedelta(days=1))  # Thursday
        for mediation in (b, c, d, e):
            add_session(mediation, m)
        actions.conclude(c, by=m.mediator, outcome="no_agreement", note="分歧大")
        litigation = actions.ReferralInput("litigation", m.tribunal, "转诉前调解")
        actions.conclude(d, by=m.mediator, outcome="referred", referral=litigation)
        referral = d.referrals.get()
        actions.accept_referral(referral, by=m.judge)
        actions.complete_referral(referral, by=m.judge, outcome="resolved", note="诉前调解成功")
        actions.conclude(e, by=m.mediator, outcome="withdrawn")
        clock.shift(timedelta(days=1))  # Friday
        b = agree(b, m, due=date(2025, 3, 20))
        actions.check_performance(a, by=m.mediator, performance="full", note="已履行")
        actions.check_performance(b, by=m.mediator, performance="partial", note="只付了一半")
    return m, {"A": a, "B": b}


def test_success_rate_leaves_out_withdrawn_applications(week):
    rate = measures.success_rate(MARCH)
    assert (rate.numerator, rate.denominator, rate.value) == (2, 4, 0.5)


def test_performance_rate_counts_agreements_due_in_the_period(week):
    rate = measures.performance_rate(MARCH)
    assert (rate.numerator, rate.denominator) == (1, 2)
    # Only B is due from 15 March on.
    late = Scope(start=datetime(2025, 3, 15, tzinfo=SH), end=datetime(2025, 4, 1, tzinfo=SH))
    assert measures.performance_rate(late).numerator == 0
    assert measures.performance_rate(late).denominator == 1


def test_days_from_report_to_agreement(week):
    # A: Monday 09:00 to Wednesday 09:00 = 2 days; B: Monday to Friday = 4 days.
    days = measures.days_to_agreement(MARCH)
    assert (days.count, days.mean, days.median) == (2, 3.0, 3.0)


def test_tier_shares_of_resolved_disputes(week):
    shares = measures.tier_shares(MARCH)
    # A, B (agreement), D (referred), E (withdrawn) at the street committee; F at the community.
    assert (shares["street"].numerator, shares["street"].denominator) == (4, 5)
    assert (shares["community"].numerator, shares["community"].denominator) == (1, 5)
    assert shares["district"].value == 0.0


def test_referrals_by_kind_and_outcome(week):
    assert measures.referrals_by_outcome(MARCH) == {
        "judicial_confirmation": {"pending": 1},
        "litigation": {"resolved": 1},
    }


def test_scopes_by_unit_region_and_period(week, region_tree, personas):
    m, _ = week
    assert measures.success_rate(Scope(MARCH.start, MARCH.end, unit=m.org.unit)).denominator == 4
    other = Scope(MARCH.start, MARCH.end, unit=personas.units["community"])
    assert measures.success_rate(other).value is None
    street2 = Scope(MARCH.start, MARCH.end, region=region_tree["430299002"])
    assert measures.success_rate(street2).denominator == 0
    assert measures.referrals_by_outcome(street2) == {}
    assert measures.success_rate(APRIL).value is None
    assert measures.days_to_agreement(APRIL).mean is None
