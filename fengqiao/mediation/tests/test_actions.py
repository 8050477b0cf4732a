"""Dispute resolution actions through the real database: parties, mediation, referrals, risk."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from fengqiao.cases.choices import Action, Status
from fengqiao.cases.errors import InvalidInput, NotAllowed, NotPermitted
from fengqiao.cases.models import CaseEvent, Party
from fengqiao.core.models import AuditEntry
from fengqiao.mediation import actions
from fengqiao.mediation.choices import MediationState, Outcome, Performance, ReferralState
from fengqiao.mediation.models import Mediation, PerformanceCheck, Referral, RiskAssessment, Session
from fengqiao.mediation.tests.factories import (
    APPLICANT_ID,
    CREDIT_CODE,
    RESPONDENT_ID,
    agreed,
    dispute_at_committee,
    make_mediators,
    started,
    with_session,
)
from fengqiao.notifications.models import Notification


@pytest.fixture
def m(personas):
    return make_mediators(personas)


def steps(case):
    return [
        (e.action, e.data.get("step"))
        for e in CaseEvent.objects.filter(case=case).order_by("created_at", "id")
    ]


# --- parties ----------------------------------------------------------------------------------


def test_parties_are_validated_and_normalised(personas, m):
    case = dispute_at_committee(personas, m)
    applicant, respondent = case.parties.order_by("id")
    assert (applicant.phone, applicant.id_number) == ("13812345678", APPLICANT_ID)
    assert (respondent.phone, respondent.id_number) == ("0731-22881234", RESPONDENT_ID)
    org = actions.save_party(
        case,
        actions.PartyInput(
            role=Party.Role.THIRD,
            party_type=Party.Type.ORGANISATION,
            name="某物业公司",
            id_number=CREDIT_CODE.lower(),
        ),
        by=personas.community_operator,
    )
    assert org.id_number == CREDIT_CODE


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"id_number": "430203199001011249"}, "校验位"),
        ({"phone": "1381234567"}, "电话号码格式不正确"),
        ({"name": "  "}, "请填写姓名"),
        ({"party_type": Party.Type.ORGANISATION, "id_number": APPLICANT_ID}, "统一社会信用代码"),
    ],
)
def test_bad_party_input_is_refused_and_nothing_written(personas, m, fields, message):
    case = dispute_at_committee(personas, m)
    before = (Party.objects.count(), CaseEvent.objects.count())
    data = {"role": Party.Role.THIRD, "party_type": Party.Type.PERSON, "name": "赵六", **fields}
    with pytest.raises(InvalidInput, match=message):
        actions.save_party(case, actions.PartyInput(**data), by=personas.community_operator)
    assert (Party.objects.count(), CaseEvent.objects.count()) == before


def test_outsider_cannot_add_parties(personas, m):
    case = dispute_at_committee(personas, m)
    with pytest.raises(NotPermitted):
        actions.save_party(
            case,
            actions.PartyInput(role="third", party_type="person", name="赵六"),
            by=personas.outsider,
        )


def test_raw_database_holds_no_plaintext_id_numbers_phones_or_names(personas, m):
    dispute_at_committee(personas, m)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, phone, id_number FROM cases_party")
        rows = cursor.fetchall()
        cursor.execute("SELECT reporter_name, reporter_phone FROM cases_case")
        rows += cursor.fetchall()
    stored = " ".join(v for row in rows for v in row)
    assert len(rows) == 3 and stored
    for secret in (APPLICANT_ID, RESPONDENT_ID, "13812345678", "22881234", "李四", "王五"):
        assert secret not in stored
    assert all(v.startswith("gAAAA") for row in rows for v in row)  # Fernet tokens


def test_mediator_reveals_with_a_reason_and_it_is_audited(personas, m):
    case = dispute_at_committee(personas, m)
    party = case.parties.get(role=Party.Role.APPLICANT)
    shown = actions.reveal_party(party, by=m.mediator, reason="电话通知当事人到场调解")
    assert (shown.name, shown.phone, shown.id_number) == ("李四", "13812345678", APPLICANT_ID)
    entry = AuditEntry.objects.get()
    assert (entry.kind, entry.user, entry.object_type, entry.object_id) == (
        AuditEntry.Kind.REVEAL,
        m.mediator,
        "cases.party",
        str(party.pk),
    )
    assert entry.reason == "电话通知当事人到场调解" and entry.detail["case"] == case.number
    assert entry.created_at is not None


def test_leader_of_the_handling_unit_may_reveal_operators_and_others_may_not(personas, m):
    case = dispute_at_committee(personas, m)
    party = case.parties.get(role=Party.Role.APPLICANT)
    actions.reveal_party(party, by=m.leader, reason="审核调解协议当事人身份")
    for user in (personas.community_operator, personas.district_leader, personas.outsider, m.judge):
        with pytest.raises(NotPermitted):
            actions.reveal_party(party, by=user, reason="想看看当事人信息")
    assert AuditEntry.objects.count() == 1


@pytest.mark.parametrize("reason", ["", "  ", "查看"])
def test_reveal_without_a_real_reason_reveals_nothing(personas, m, reason):
    party = dispute_at_committee(personas, m).parties.get(role=Party.Role.APPLICANT)
    with pytest.raises(InvalidInput):
        actions.reveal_party(party, by=m.mediator, reason=reason)
    assert not AuditEntry.objects.exists()


# --- mediation --------------------------------------------------------------------------------


def test_from_dispatch_to_agreement_and_performance_check(personas, m):
    mediation = agreed(personas, m)
    case = mediation.case
    case.refresh_from_db()
    assert mediation.state == MediationState.CONCLUDED and mediation.outcome == Outcome.AGREEMENT
    assert mediation.performance == Performance.PENDING
    assert case.status == Status.RESOLVED and case.resolved_unit == m.org.unit
    assert "赔偿李四损失800元" in case.outcome
    check = actions.check_performance(
        mediation, by=m.second, performance=Performance.FULL, note="电话回访，已修复并付款"
    )
    mediation.refresh_from_db()
    assert mediation.performance == Performance.FULL
    assert mediation.performance_checked_at == check.checked_at
    assert steps(case)[-6:] == [
        (Action.CLAIM, None),
        (Action.MEDIATE, "started"),
        (Action.MEDIATE, "session"),
        (Action.MEDIATE, "concluded"),
        (Action.RESOLVE, None),
        (Action.MEDIATE, "performance"),
    ]
    # The second mediator was told about the mediation through the outbox.
    assert Notification.objects.filter(user=m.second, case=case).exists()


def test_numbers_count_per_organisation_and_year(personas, m):
    first = started(personas, m)
    second = started(personas, m, title="二单元噪音扰民")
    year = timezone.localdate().year
    assert first.number == f"street1-tiaowei-{year}-0001"
    assert second.number == f"street1-tiaowei-{year}-0002"


def test_mediation_needs_the_case_at_the_committee(personas, m):
    from fengqiao.cases import actions as case_actions
    from fengqiao.cases.tests.factories import make_case

    case = case_actions.accept(make_case(), by=personas.community_operator)
    with pytest.raises(NotAllowed, match="请先交办"):
        actions.start_mediation(
            case, by=m.mediator, org=m.org, mediators=[m.mediator], request="r", facts="f"
        )


def test_only_mediators_of_the_organisation_can_start_or_be_named(personas, m):
    case = dispute_at_committee(personas, m)
    with pytest.raises(NotPermitted):
        actions.start_mediation(
            case, by=m.judge, org=m.org, mediators=[m.mediator], request="r", facts="f"
        )
    with pytest.raises(InvalidInput, match="不是"):
        actions.start_mediation(
            case, by=m.leader, org=m.org, mediators=[m.judge], request="r", facts="f"
        )
    assert not Mediation.objects.exists()
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED  # the claim inside was rolled back too


def test_someone_not_a_mediator_of_the_case_is_refused_everywhere(personas, m):
    mediation = with_session(personas, m)
    sessions = Session.objects.count()
    for user in (m.leader, m.judge, personas.community_operator):
        with pytest.raises(NotPermitted, match="不是调解"):
            actions.record_session(
                mediation,
                by=user,
                held_at=timezone.now(),
                place="p",
                attendees="a",
                summary="s",
            )
        with pytest.raises(NotPermitted):
            actions.conclude(mediation, by=user, outcome="withdrawn")
    assert Session.objects.count() == sessions
    mediation.refresh_from_db()
    assert mediation.is_open


def test_agreement_without_terms_or_deadline_writes_nothing(personas, m):
    mediation = with_session(personas, m)
    events = CaseEvent.objects.count()
    with pytest.raises(InvalidInput, match="协议内容"):
        actions.conclude(mediation, by=m.mediator, outcome="agreement")
    with pytest.raises(InvalidInput, match="协议内容"):
        actions.conclude(
            mediation,
            by=m.mediator,
            outcome="agreement",
            agreement=actions.AgreementInput(terms="  ", performance_due=timezone.localdate()),
        )
    with pytest.raises(InvalidInput, match="履行期限"):
        actions.conclude(
            mediation,
            by=m.mediator,
            outcome="agreement",
            agreement=actions.AgreementInput(terms="赔偿800元", performance_due=None),
        )
    mediation.refresh_from_db()
    assert mediation.is_open and mediation.terms == "" and CaseEvent.objects.count() == events
    assert mediation.case.status == Status.IN_PROGRESS


def test_agreement_needs_a_session_first(personas, m):
    mediation = started(personas, m)
    with pytest.raises(NotAllowed, match="调解笔录"):
        actions.conclude(
            mediation,
            by=m.mediator,
            outcome="agreement",
            agreement=actions.AgreementInput(terms="t", performance_due=timezone.localdate()),
        )


def test_no_agreement_needs_a_reason_and_leaves_the_case_with_the_committee(personas, m):
    mediation = with_session(personas, m)
    with pytest.raises(InvalidInput, match="结果说明"):
        actions.conclude(mediation, by=m.mediator, outcome="no_agreement")
    actions.conclude(mediation, by=m.mediator, outcome="no_agreement", note="双方分歧较大")
    mediation.case.refresh_from_db()
    assert mediation.case.status == Status.IN_PROGRESS
    # A new mediation may start once the first has ended.
    again = actions.start_mediation(
        mediation.case, by=m.second, org=m.org, mediators=[m.second], request="r", facts="f"
    )
    assert again.is_open


def test_session_in_the_future_is_refused(personas, m):
    mediation = started(personas, m)
    with pytest.raises(InvalidInput, match="不能晚于现在"):
        actions.record_session(
            mediation,
            by=m.mediator,
            held_at=timezone.now() + timedelta(days=1),
            place="p",
            attendees="a",
            summary="s",
        )


def test_performance_check_only_after_agreement(personas, m):
    mediation = with_session(personas, m)
    with pytest.raises(NotAllowed):
        actions.check_performance(mediation, by=m.mediator, performance="full", note="n")
    assert not PerformanceCheck.objects.exists()


# --- referrals --------------------------------------------------------------------------------


def test_referral_on_conclusion_is_accepted_and_completed_by_the_tribunal(personas, m):
    mediation = with_session(personas, m)
    actions.conclude(
        mediation,
        by=m.mediator,
        outcome="referred",
        note="被申请人拒绝调解",
        referral=actions.ReferralInput(kind="litigation", to_unit=m.tribunal, reason="转诉前调解"),
    )
    referral = Referral.objects.get()
    assert referral.state == ReferralState.PENDING and referral.from_unit == m.org.unit
    assert Notification.objects.filter(unit=m.tribunal, case=mediation.case).exists()
    with pytest.raises(NotPermitted):
        actions.accept_referral(referral, by=m.mediator)
    actions.accept_referral(referral, by=m.judge, note="已立案诉前调解")
    actions.complete_referral(referral, by=m.judge, outcome="resolved", note="诉前调解成功")
    referral.refresh_from_db()
    assert (referral.state, referral.outcome) == (ReferralState.DONE, "resolved")
    assert [s for s in steps(mediation.case) if s[0] == Action.REFER] == [
        (Action.REFER, "referred"),
        (Action.REFER, "accepted"),
        (Action.REFER, "done"),
    ]


def test_returned_referral_says_why_and_cannot_then_be_completed(personas, m):
    mediation = with_session(personas, m)
    actions.conclude(mediation, by=m.mediator, outcome="no_agreement", note="分歧大")
    referral = actions.refer(
        mediation.case,
        actions.ReferralInput(kind="litigation", to_unit=m.tribunal, reason="转诉"),
        by=m.mediator,
        mediation=mediation,
    )
    with pytest.raises(InvalidInput, match="退回理由"):
        actions.return_referral(referral, by=m.judge, reason="")
    actions.return_referral(referral, by=m.judge, reason="不属于本庭管辖")
    with pytest.raises(NotAllowed):
        actions.complete_referral(referral, by=m.judge, outcome="resolved", note="n")
    assert Notification.objects.filter(unit=m.org.unit, subject__contains="退回").exists()


def test_judicial_confirmation_needs_a_written_agreement_and_the_tribunal(personas, m):
    mediation = with_session(personas, m)
    data = actions.ReferralInput(kind="judicial_confirmation", to_unit=m.tribunal, reason="确认")
    with pytest.raises(NotAllowed, match="书面调解协议"):
        actions.refer(mediation.case, data, by=m.mediator, mediation=mediation)
    mediation = agreed(personas, m, title="另一起纠纷")
    wrong = actions.ReferralInput(
        kind="judicial_confirmation", to_unit=personas.department, reason="确认"
    )
    with pytest.raises(InvalidInput, match="人民法庭"):
        actions.refer(mediation.case, wrong, by=m.mediator, mediation=mediation)
    referral = actions.refer(mediation.case, data, by=m.mediator, mediation=mediation)
    actions.accept_referral(referral, by=m.judge)
    with pytest.raises(InvalidInput, match="司法确认的结果"):
        actions.complete_referral(referral, by=m.judge, outcome="resolved", note="n")
    actions.complete_referral(referral, by=m.judge, outcome="confirmed", note="裁定确认有效")


# --- escalation risk --------------------------------------------------------------------------


def test_risk_is_suggested_from_the_case_and_confirmed_by_a_person(personas, m):
    case = dispute_at_committee(
        personas, m, description="楼上漏水，对方扬言要报复，涉及整栋楼住户", people_involved=8
    )
    assessment = actions.assess_risk(
        case, by=m.mediator, level="high", reasons=["threats", "many_people"]
    )
    assert assessment.suggested_level == "high"
    # The respondent, born in 1949 (from the ID number), is over 70.
    assert set(assessment.suggested_reasons) == {"threats", "many_people", "vulnerable"}
    assert assessment.assessed_by == m.mediator
    assert steps(case)[-1] == (Action.ASSESS_RISK, "assessed")


def test_overriding_the_suggestion_needs_a_note(personas, m):
    case = dispute_at_committee(personas, m)
    with pytest.raises(InvalidInput, match="说明"):
        actions.assess_risk(case, by=m.mediator, level="high", reasons=["repeat"])
    assert not RiskAssessment.objects.exists()
    actions.assess_risk(
        case, by=m.mediator, level="high", reasons=["repeat"], note="双方曾多次冲突"
    )
    with pytest.raises(InvalidInput, match="风险因素无效"):
        actions.assess_risk(case, by=m.mediator, level="low", reasons=["bogus"])
    with pytest.raises(NotPermitted):
        actions.assess_risk(case, by=personas.outsider, level="low", reasons=[])


def test_a_refused_referral_leaves_the_mediation_open(personas, m):
    mediation = with_session(personas, m)
    events = CaseEvent.objects.count()
    wrong = actions.ReferralInput(kind="litigation", to_unit=personas.department, reason="转诉")
    with pytest.raises(InvalidInput, match="人民法庭"):
        actions.conclude(mediation, by=m.mediator, outcome="referred", referral=wrong)
    mediation.refresh_from_db()
    assert mediation.is_open and mediation.outcome == "" and not Referral.objects.exists()
    assert CaseEvent.objects.count() == events
