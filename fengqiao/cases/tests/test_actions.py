"""The lifecycle actions through the real database: statuses, timeline, deadlines, roles."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from fengqiao.cases import actions
from fengqiao.cases.choices import Action, Card, DeadlineState, Rating, Status
from fengqiao.cases.errors import InvalidInput, NotAllowed, NotPermitted
from fengqiao.cases.models import CaseEvent, ExtensionRequest, Supervision
from fengqiao.cases.tests.factories import make_case
from fengqiao.notifications.models import Channel, Notification

SH = ZoneInfo("Asia/Shanghai")
# Monday 2025-03-03 09:00: a plain working week, no holidays near.
MONDAY = datetime(2025, 3, 3, 9, 0, tzinfo=SH)


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def accepted(personas):
    return actions.accept(make_case(), by=personas.community_operator)


def test_whole_life_of_a_dispatched_case(personas, clock):
    p = personas
    case = make_case(by=p.outsider)
    case = actions.accept(case, by=p.community_operator, note="已核实")
    assert case.status == Status.ACCEPTED
    # 30 working days for a neighbour dispute, counted from acceptance, ends at office closing
    assert case.resolve_due_at.astimezone(SH).hour == 17 and case.due_at == case.resolve_due_at
    case = actions.dispatch(case, by=p.community_operator, to_unit=p.department)
    assert (case.status, case.current_unit, case.dispatcher_unit) == (
        Status.DISPATCHED,
        p.department,
        p.units["community"],
    )
    case = actions.claim(case, by=p.department_handler)
    actions.record_progress(case, by=p.department_handler, note="已约谈双方")
    clock.shift(timedelta(days=2))
    case = actions.resolve(case, by=p.department_handler, outcome="维修防水层，赔偿 800 元")
    assert case.resolved_tier == "district" and case.resolved_unit == p.department
    case = actions.verify(case, by=p.community_operator, passed=True)
    assert case.status == Status.CLOSED and case.due_at == case.follow_up_due_at
    case = actions.follow_up(case, by=p.community_operator, satisfied=True, note="电话回访满意")
    case = actions.rate(case, by=p.outsider, rating=Rating.SATISFIED, comment="处理及时")
    assert case.rating == Rating.SATISFIED and case.due_at is None
    assert [e.action for e in case.events.order_by("created_at", "id")] == [
        Action.SUBMIT,
        Action.ACCEPT,
        Action.DISPATCH,
        Action.CLAIM,
        Action.PROGRESS,
        Action.RESOLVE,
        Action.CLOSE,
        Action.FOLLOW_UP,
        Action.RATE,
    ]
    dispatch_event = case.events.get(action=Action.DISPATCH)
    assert (dispatch_event.from_status, dispatch_event.to_status) == ("accepted", "dispatched")
    assert dispatch_event.actor == p.community_operator
    assert dispatch_event.to_unit == p.department
    # the reporter (an account) hears about the closing in the inbox
    assert Notification.objects.filter(user=p.outsider, channel=Channel.INBOX).exists()


def test_centre_can_handle_a_case_itself(personas):
    case = actions.claim(accepted(personas), by=personas.community_operator)
    assert case.dispatcher_unit == personas.units["community"]
    case = actions.resolve(case, by=personas.community_operator, outcome="调解成功")
    case = actions.verify(case, by=personas.community_operator, passed=True)
    assert case.status == Status.CLOSED and case.resolved_tier == "community"


@pytest.mark.parametrize(
    "persona", ["department_handler", "outsider", "grid_worker", "street_operator"]
)
def test_only_the_holding_centre_accepts(personas, persona):
    case = make_case()
    with pytest.raises(NotPermitted, match="没有权限"):
        actions.accept(case, by=getattr(personas, persona))
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED and case.events.count() == 1


def test_actions_out_of_order_are_refused(personas):
    case = make_case()
    with pytest.raises(NotAllowed, match="待受理"):
        actions.resolve(case, by=personas.community_operator, outcome="x")
    case = accepted(personas)
    with pytest.raises(NotAllowed):
        actions.accept(case, by=personas.community_operator)
    with pytest.raises(NotAllowed):
        actions.verify(case, by=personas.community_operator, passed=True)


def test_reject_tells_the_reporter_by_sms(personas):
    case = actions.reject(make_case(), by=personas.community_operator, reason="不属于受理范围")
    assert case.status == Status.REJECTED and case.reject_reason == "不属于受理范围"
    sms = Notification.objects.get(channel=Channel.SMS, case=case)
    assert sms.address == "13812345678" and "不属于受理范围" in sms.body
    with pytest.raises(InvalidInput):
        actions.reject(make_case(), by=personas.community_operator, reason=" ")


def test_dispatch_validates_target_and_deadline(personas, clock):
    case = accepted(personas)
    with pytest.raises(InvalidInput):
        actions.dispatch(case, by=personas.community_operator, to_unit=personas.units["community"])
    with pytest.raises(InvalidInput, match="晚于现在"):
        actions.dispatch(
            case,
            by=personas.community_operator,
            to_unit=personas.department,
            due_at=MONDAY - timedelta(hours=1),
        )
    due = MONDAY + timedelta(days=3)
    case = actions.dispatch(
        case, by=personas.community_operator, to_unit=personas.department, due_at=due
    )
    assert case.resolve_due_at == due == case.due_at


def test_extension_request_and_approval_move_the_deadline(personas, clock):
    case = actions.dispatch(
        accepted(personas),
        by=personas.community_operator,
        to_unit=personas.department,
        due_at=MONDAY + timedelta(days=4),
    )
    case = actions.claim(case, by=personas.department_handler)
    request = actions.request_extension(
        case, by=personas.department_handler, days=5, reason="需要等待鉴定结果"
    )
    with pytest.raises(NotAllowed, match="待审批"):
        actions.request_extension(case, by=personas.department_handler, days=2, reason="再延")
    with pytest.raises(NotPermitted):
        actions.decide_extension(request, by=personas.department_handler, approve=True)
    actions.decide_extension(request, by=personas.community_operator, approve=True)
    case.refresh_from_db()
    # Friday 2025-03-07 13:00 + 5 working days → closing on Friday 2025-03-14
    assert case.resolve_due_at.astimezone(SH) == datetime(2025, 3, 14, 17, 30, tzinfo=SH)
    request.refresh_from_db()
    assert request.state == ExtensionRequest.State.APPROVED
    with pytest.raises(NotAllowed, match="已经审批"):
        actions.decide_extension(request, by=personas.community_operator, approve=False)


@pytest.mark.parametrize("leave", ["return", "resolve"])
def test_a_pending_extension_lapses_when_the_case_leaves_the_unit_that_asked(
    personas, clock, leave
):
    """No one could decide it any more (deciding needs the case in progress at that unit)."""
    case = actions.dispatch(
        accepted(personas), by=personas.community_operator, to_unit=personas.department
    )
    case = actions.claim(case, by=personas.department_handler)
    request = actions.request_extension(
        case, by=personas.department_handler, days=5, reason="需要等待鉴定结果"
    )
    if leave == "return":
        actions.return_case(case, by=personas.department_handler, reason="不属于本单位职责")
    else:
        actions.resolve(case, by=personas.department_handler, outcome="已维修")
    request.refresh_from_db()
    assert request.state == ExtensionRequest.State.LAPSED and request.decided_at is not None
    assert request.decided_by is None
    with pytest.raises(NotAllowed, match="已失效"):
        actions.decide_extension(request, by=personas.community_operator, approve=True)


def test_a_pending_extension_lapses_when_its_case_is_merged(personas, clock):
    """A centre handling a case itself asks for more time, then finds it repeats another."""
    kept = accepted(personas)
    case = actions.claim(accepted(personas), by=personas.community_operator)
    request = actions.request_extension(
        case, by=personas.community_operator, days=2, reason="等待物业回复"
    )
    actions.merge(case, into=kept, by=personas.community_operator)
    request.refresh_from_db()
    assert request.state == ExtensionRequest.State.LAPSED


def test_a_pending_extension_survives_a_suspension(personas, clock):
    case = actions.dispatch(
        accepted(personas), by=personas.community_operator, to_unit=personas.department
    )
    case = actions.claim(case, by=personas.department_handler)
    request = actions.request_extension(
        case, by=personas.department_handler, days=5, reason="需要等待鉴定结果"
    )
    case = actions.suspend(case, by=personas.community_operator, reason="等待法院判决")
    case = actions.resume(case, by=personas.community_operator)
    actions.decide_extension(request, by=personas.community_operator, approve=True)
    request.refresh_from_db()
    assert request.state == ExtensionRequest.State.APPROVED


def test_suspended_time_is_not_counted(personas, clock):
    case = accepted(personas)
    due_before = case.resolve_due_at
    case = actions.suspend(case, by=personas.community_operator, reason="等待法院判决")
    assert case.status == Status.SUSPENDED and case.due_at is None
    clock.shift(timedelta(days=7))  # one calendar week = 5 working days = 35 working hours
    case = actions.resume(case, by=personas.community_operator)
    assert case.status == Status.ACCEPTED
    paused = case.events.get(action=Action.RESUME).data["paused_working_seconds"]
    assert paused == 5 * 6.5 * 3600
    from fengqiao.cases.deadlines import calendar

    assert case.resolve_due_at == calendar().add_working_seconds(due_before, paused)
    assert case.due_at == case.resolve_due_at


def test_return_sends_a_wrongly_routed_case_back(personas):
    case = actions.dispatch(
        accepted(personas), by=personas.community_operator, to_unit=personas.department
    )
    case = actions.return_case(case, by=personas.department_handler, reason="不属于人社职责")
    assert case.status == Status.ACCEPTED and case.current_unit == personas.units["community"]
    assert Notification.objects.filter(
        unit=personas.units["community"], subject__contains="退回"
    ).exists()


def test_escalate_and_assign_down(personas):
    case = actions.escalate(
        accepted(personas), by=personas.community_operator, reason="涉及多个社区"
    )
    assert case.current_unit == personas.units["street"] and case.escalations == 1
    case = actions.escalate(case, by=personas.street_operator, reason="需要区级协调")
    assert case.current_unit == personas.units["district"]
    with pytest.raises(NotAllowed, match="最高层级"):
        actions.escalate(case, by=personas.district_leader, reason="再上报")
    case = actions.assign_down(case, by=personas.district_leader, to_unit=personas.units["street"])
    assert case.current_unit == personas.units["street"] and case.status == Status.ACCEPTED
    with pytest.raises(InvalidInput, match="下级综治中心"):
        actions.assign_down(case, by=personas.street_operator, to_unit=personas.department)


def test_supervision_comes_from_above_and_counts_against_the_unit(personas):
    case = accepted(personas)
    with pytest.raises(NotPermitted, match="上级"):
        actions.supervise(case, by=personas.community_operator, card=Card.YELLOW, note="加快")
    supervision = actions.supervise(
        case, by=personas.street_operator, card=Card.RED, note="限三日内办结"
    )
    assert supervision.target_unit == personas.units["community"]
    assert supervision.by_unit == personas.units["street"]
    assert Supervision.objects.filter(target_unit=personas.units["community"]).count() == 1
    with pytest.raises(InvalidInput):
        actions.supervise(case, by=personas.street_operator, card="green", note="x")


def test_verification_can_fail_and_send_the_case_back(personas):
    case = actions.claim(accepted(personas), by=personas.community_operator)
    case = actions.resolve(case, by=personas.community_operator, outcome="已处理")
    with pytest.raises(InvalidInput):
        actions.verify(case, by=personas.community_operator, passed=False, note="")
    case = actions.verify(case, by=personas.community_operator, passed=False, note="现场仍在漏水")
    assert case.status == Status.IN_PROGRESS and case.resolved_at is None


def closed_case(personas, reporter=None):
    case = actions.claim(
        actions.accept(make_case(by=reporter), by=personas.community_operator),
        by=personas.community_operator,
    )
    case = actions.resolve(case, by=personas.community_operator, outcome="已处理")
    return actions.verify(case, by=personas.community_operator, passed=True)


def test_reporter_reopens_an_unresolved_case(personas):
    case = closed_case(personas, reporter=personas.outsider)
    with pytest.raises(NotPermitted):
        actions.reopen(case, by=personas.department_handler, reason="x")
    case = actions.reopen(case, by=personas.outsider, reason="问题依旧")
    assert case.status == Status.ACCEPTED and case.reopened == 1 and case.closed_at is None
    assert case.current_unit == personas.units["community"]


def test_rating_is_for_the_reporter_once(personas):
    case = closed_case(personas, reporter=personas.outsider)
    with pytest.raises(NotPermitted):
        actions.rate(case, by=personas.community_operator, rating=Rating.SATISFIED)
    with pytest.raises(InvalidInput):
        actions.rate(case, by=personas.outsider, rating="great")
    actions.rate(case, by=personas.outsider, rating=Rating.UNSATISFIED, comment="没解决")
    with pytest.raises(NotAllowed):
        actions.rate(case, by=personas.outsider, rating=Rating.SATISFIED)


def test_follow_up_once(personas):
    case = closed_case(personas)
    actions.follow_up(case, by=personas.community_operator, satisfied=False, note="仍有意见")
    with pytest.raises(NotAllowed, match="已经回访"):
        actions.follow_up(case, by=personas.community_operator, satisfied=True, note="再访")


def test_merge_keeps_both_timelines_and_tells_the_duplicates_reporter(personas):
    original = accepted(personas)
    duplicate = make_case(reporter_phone="13900001111")
    duplicate = actions.merge(duplicate, into=original, by=personas.community_operator)
    assert duplicate.status == Status.MERGED and duplicate.merged_into == original
    assert duplicate.events.filter(action=Action.MERGE).exists()
    assert original.events.filter(
        action=Action.MERGED_IN, data__duplicate=duplicate.number
    ).exists()
    sms = Notification.objects.get(channel=Channel.SMS, address__isnull=False, case=duplicate)
    assert original.number in sms.body
    with pytest.raises(InvalidInput):
        actions.merge(original, into=original, by=personas.community_operator)


def test_timeline_is_append_only(personas):
    event = make_case().events.get()
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    assert CaseEvent.objects.count() == 1


def test_late_acceptance_starts_a_fresh_resolve_clock(personas, clock):
    case = make_case()
    clock.shift(timedelta(days=3))  # the one-day acceptance deadline has passed
    case = actions.accept(case, by=personas.community_operator)
    assert case.deadline_state == DeadlineState.NORMAL and case.due_at == case.resolve_due_at


def test_district_centre_supervises_a_district_department(personas):
    case = actions.dispatch(
        accepted(personas), by=personas.community_operator, to_unit=personas.department
    )
    supervision = actions.supervise(
        case, by=personas.district_leader, card=Card.YELLOW, note="请人社局加快办理"
    )
    assert supervision.by_unit == personas.units["district"]
    assert supervision.target_unit == personas.department


def test_the_migration_lapses_requests_left_pending_before(personas, clock):
    """cases.0004 marks requests that were orphaned before requests could lapse."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("fengqiao.cases.migrations.0004_extension_lapsed")
    waiting = actions.claim(
        actions.dispatch(
            accepted(personas), by=personas.community_operator, to_unit=personas.department
        ),
        by=personas.department_handler,
    )
    kept = actions.request_extension(
        waiting, by=personas.department_handler, days=3, reason="等待鉴定"
    )
    gone = actions.claim(
        actions.dispatch(
            accepted(personas), by=personas.community_operator, to_unit=personas.department
        ),
        by=personas.department_handler,
    )
    orphan = actions.request_extension(gone, by=personas.department_handler, days=3, reason="等")
    actions.resolve(gone, by=personas.department_handler, outcome="已办")
    # As it was before 0004: the resolve left the request pending.
    ExtensionRequest.objects.filter(pk=orphan.pk).update(state="pending", decided_at=None)
    migration.lapse_orphans(apps, None)
    kept.refresh_from_db()
    orphan.refresh_from_db()
    assert (kept.state, orphan.state) == ("pending", "lapsed")
