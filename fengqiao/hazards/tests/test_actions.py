"""hazards.actions: places and the hazard register, from finding to sign-off (销号)."""

from datetime import date, datetime, timedelta

import pytest
from django.db import connection

from fengqiao.cases.choices import Channel, Status
from fengqiao.cases.errors import NotAllowed, NotPermitted
from fengqiao.cases.models import Case
from fengqiao.cases.tests.factories import make_case
from fengqiao.fieldwork.actions import FieldError
from fengqiao.hazards import actions
from fengqiao.hazards.choices import DeadlineState, HazardAction, HazardSource, HazardStatus
from fengqiao.hazards.models import Hazard, HazardEvent, HazardPhoto, Place
from fengqiao.notifications.models import Notification

from .conftest import OUTSIDE, SH, jpeg, make_hazard, make_place


def test_place_is_located_to_its_grid_and_keeps_contacts_encrypted(personas, region_tree):
    place = make_place(personas)
    place.refresh_from_db()
    assert place.grid == region_tree["430299001001001"]
    assert place.region_path == region_tree["430299001001001"].path
    assert place.contact_phone == "13812345678"
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone FROM hazards_place WHERE id = %s", [place.pk])
        (raw,) = cursor.fetchone()
    assert "13812345678" not in raw


def test_place_outside_the_district_is_a_clear_error(personas):
    with pytest.raises(FieldError) as error:
        make_place(personas, point=OUTSIDE)
    assert error.value.field == "lon" and "不在本辖区" in error.value.message
    assert Place.objects.count() == 0


def test_construction_project_needs_its_owner(personas):
    with pytest.raises(FieldError) as error:
        make_place(personas, place_type="construction", name="云龙大道二期")
    assert error.value.field == "owner"
    project = make_place(
        personas,
        place_type="construction",
        name="云龙大道二期",
        owner="云龙发展集团",
        contractor="中建五局",
        owner_phone="0731-2888888",
    )
    assert project.owner == "云龙发展集团" and project.contractor == "中建五局"


def test_place_outside_the_users_territory_is_not_permitted(personas):
    with pytest.raises(NotPermitted):
        actions.register_place(
            by=personas.grid_worker,
            place_type="school",
            name="实验小学",
            lon=113.15,
            lat=27.85,  # the next grid
        )


def test_register_hazard_sets_a_working_day_deadline_timeline_and_notice(personas, clock):
    hazard = make_hazard(personas, photos=[(jpeg(), "现场.jpg")])
    # Found Monday 3 March 2025 09:00; 3 working days: Thursday 6 March at closing.
    assert hazard.due_at.astimezone(SH) == datetime(2025, 3, 6, 17, 30, tzinfo=SH)
    assert hazard.status == HazardStatus.IDENTIFIED
    assert hazard.deadline_state == DeadlineState.NORMAL
    assert hazard.region.code == "430299001001001"
    assert [e.action for e in hazard.events.all()] == [HazardAction.REGISTER]
    photo = hazard.photos.get()
    assert photo.stage == HazardPhoto.Stage.FINDING and photo.content_type == "image/jpeg"
    assert Notification.objects.filter(unit=personas.units["community"]).exists()


def test_deadline_before_the_finding_date_is_refused_and_nothing_written(personas, clock):
    with pytest.raises(FieldError) as error:
        make_hazard(personas, deadline_days=None, deadline=date(2025, 3, 2))
    assert error.value.field == "deadline" and "不能早于发现日期" in error.value.message
    assert Hazard.objects.count() == 0 and HazardEvent.objects.count() == 0


def test_deadline_as_a_date_is_the_close_of_that_working_day(personas, clock):
    hazard = make_hazard(personas, deadline_days=None, deadline=date(2025, 3, 8))  # Saturday
    assert hazard.due_at.astimezone(SH) == datetime(2025, 3, 10, 17, 30, tzinfo=SH)


def test_photo_that_is_not_an_image_is_refused_and_nothing_written(personas, clock, media):
    with pytest.raises(FieldError) as error:
        make_hazard(personas, photos=[(jpeg(), "a.jpg"), (b"%PDF-1.4 not a photo", "b.jpg")])
    assert error.value.field == "photos"
    assert Hazard.objects.count() == 0 and HazardPhoto.objects.count() == 0
    assert not any(media.rglob("*.jpg"))


def test_photo_files_are_removed_when_the_transaction_fails(personas, clock, media, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("notice failed")

    monkeypatch.setattr(actions, "_notify", boom)
    with pytest.raises(RuntimeError):
        make_hazard(personas, photos=[(jpeg(), "a.jpg")])
    assert Hazard.objects.count() == 0
    assert not [p for p in media.rglob("*") if p.is_file()]


def test_hazard_for_a_closed_place_is_refused(personas, clock):
    place = make_place(personas)
    actions.close_place(place, by=personas.community_operator)
    with pytest.raises(FieldError) as error:
        make_hazard(personas, place=place, lon=None, lat=None)
    assert "已关闭" in error.value.message and Hazard.objects.count() == 0


def test_full_lifecycle_to_sign_off(personas, clock):
    hazard = make_hazard(personas)
    hazard = actions.start_rectification(hazard, by=personas.grid_worker)
    hazard = actions.report_rectified(
        hazard, by=personas.grid_worker, note="杂物已清理", photos=[(jpeg((0, 200, 0)), "后.jpg")]
    )
    assert hazard.status == HazardStatus.RECTIFIED and hazard.rectified_at is not None
    hazard = actions.verify(hazard, by=personas.grid_worker, passed=False, note="仍有纸箱")
    assert hazard.status == HazardStatus.RECTIFYING
    hazard = actions.report_rectified(hazard, by=personas.grid_worker, note="全部清理")
    hazard = actions.verify(hazard, by=personas.grid_worker, passed=True)
    with pytest.raises(NotPermitted):
        actions.close(hazard, by=personas.grid_worker)  # sign-off is a centre's
    hazard = actions.close(hazard, by=personas.community_operator, note="同意销号")
    assert hazard.status == HazardStatus.CLOSED and hazard.closed_at is not None
    assert [e.action for e in hazard.events.order_by("created_at", "id")] == [
        "register",
        "start",
        "rectified",
        "verify_fail",
        "rectified",
        "verify_pass",
        "close",
    ]
    assert hazard.photos.filter(stage=HazardPhoto.Stage.RECTIFICATION).count() == 1


def test_actions_out_of_order_are_refused(personas, clock):
    hazard = make_hazard(personas)
    with pytest.raises(NotAllowed):
        actions.close(hazard, by=personas.community_operator)
    with pytest.raises(NotAllowed):
        actions.verify(hazard, by=personas.grid_worker, passed=True)


def test_escalate_hands_the_hazard_to_a_unit_above(personas, clock):
    hazard = make_hazard(personas)
    hazard = actions.escalate(
        hazard, by=personas.community_operator, to_unit=personas.units["street"], note="需街道协调"
    )
    assert hazard.status == HazardStatus.ESCALATED
    assert hazard.responsible_unit == personas.units["street"]
    hazard = actions.start_rectification(hazard, by=personas.street_operator)
    assert hazard.status == HazardStatus.RECTIFYING


def test_department_member_of_responsible_unit_may_rectify(personas, clock):
    hazard = make_hazard(personas, responsible_unit=personas.department)
    hazard = actions.start_rectification(hazard, by=personas.department_handler)
    assert hazard.status == HazardStatus.RECTIFYING
    other = make_hazard(personas, title="另一处")
    with pytest.raises(NotPermitted):
        actions.start_rectification(other, by=personas.department_handler)


def test_raise_a_case_from_a_hazard_once(personas, clock):
    hazard = make_hazard(personas)
    case = actions.raise_case(hazard, by=personas.grid_worker, category="dispute-neighbour")
    assert case.channel == Channel.GRID_WORKER and case.status == Status.SUBMITTED
    assert case.region.code == "430299001001001" and "隐患台账转入" in case.description
    hazard.refresh_from_db()
    assert hazard.raised_case == case
    with pytest.raises(NotAllowed):
        actions.raise_case(hazard, by=personas.grid_worker, category="dispute-neighbour")
    assert Case.objects.count() == 1


def test_a_hazard_from_a_case_refers_to_it(personas, clock):
    case = make_case()
    hazard = actions.hazard_from_case(
        case,
        by=personas.community_operator,
        hazard_type="public_order",
        level="ordinary",
        responsible_unit=personas.units["community"],
        measures="加强巡逻",
        deadline_days=5,
    )
    assert hazard.source == HazardSource.CASE and hazard.case == case
    assert hazard.title == case.title and hazard.region_path.startswith(case.region_path[:10])


def test_resubmitted_hazard_returns_the_first(personas, clock):
    first = make_hazard(personas, submission_key="k-1")
    again = make_hazard(personas, submission_key="k-1")
    assert first.pk == again.pk and Hazard.objects.count() == 1


def test_registered_after_its_deadline_is_overdue_at_once(personas, clock):
    hazard = make_hazard(personas, found_at=datetime(2025, 2, 3, 9, tzinfo=SH), deadline_days=2)
    assert hazard.deadline_state == DeadlineState.OVERDUE


def test_visible_to_follows_territory_and_responsible_unit(personas, clock):
    hazard = make_hazard(personas, responsible_unit=personas.department)
    assert Hazard.objects.visible_to(personas.grid_worker).filter(pk=hazard.pk).exists()
    assert Hazard.objects.visible_to(personas.department_handler).filter(pk=hazard.pk).exists()
    assert not Hazard.objects.visible_to(personas.outsider).exists()
    assert hazard.found_at - timedelta(seconds=1) < hazard.created_at


def test_a_deadline_in_a_year_the_calendar_does_not_cover_is_a_clear_error(
    personas, clock, settings
):
    from fengqiao.cases import deadlines

    settings.CALENDAR_UNCOVERED_YEARS = "error"
    deadlines._calendar.cache_clear()
    try:
        with pytest.raises(FieldError) as error:
            make_hazard(personas, deadline_days=None, deadline=date(2099, 1, 5))
    finally:
        deadlines._calendar.cache_clear()
    assert error.value.field == "deadline" and Hazard.objects.count() == 0
