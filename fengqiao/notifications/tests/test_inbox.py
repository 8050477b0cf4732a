"""The inbox (消息): who reads which notices, in which language, and what is new to them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from fengqiao.accounts.models import Membership, Role
from fengqiao.api.tests.helpers import assert_error, client_for, make_token
from fengqiao.cases import actions as case_actions
from fengqiao.cases.tests.factories import make_case
from fengqiao.conftest import make_user
from fengqiao.core.notes import system_note
from fengqiao.notifications import actions, inbox
from fengqiao.notifications.models import Channel, InboxMark, Notification

pytestmark = pytest.mark.django_db


def login(client, user, language: str = "zh-hans"):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def test_a_system_notice_is_sent_in_chinese_and_shown_in_the_readers_language(personas):
    unit = personas.units["community"]
    with translation.override("en"):  # whoever acts works in English
        actions.queue_for_unit(
            unit,
            system_note(gettext_noop("%(number)s 新上报事件待受理"), number="FQ-1"),
            "楼道堆物",
        )
    notice = Notification.objects.get(channel=Channel.INBOX)
    assert notice.subject == "FQ-1 新上报事件待受理"  # as sent: the site's language
    assert notice.shown_subject == "FQ-1 新上报事件待受理"
    with translation.override("en"):
        assert notice.shown_subject == "FQ-1 new case awaiting acceptance"
        assert notice.shown_body == "楼道堆物"  # typed text stays as typed


def test_a_notice_written_before_templates_shows_its_stored_text(personas):
    actions.queue_for_unit(personas.units["community"], "旧通知", "正文")
    notice = Notification.objects.get(channel=Channel.INBOX)
    notice.data = {}
    notice.save()
    with translation.override("en"):
        assert (notice.shown_subject, notice.shown_body) == ("旧通知", "正文")


def test_subject_and_body_are_cut_to_their_columns(personas):
    actions.queue_for_unit(personas.units["community"], "长" * 300, "文" * 3000)
    notice = Notification.objects.get(channel=Channel.INBOX)
    assert len(notice.subject) == 200 and len(notice.body) == 2000


def test_members_read_their_units_notices_and_their_own_only(personas, client):
    case = make_case()  # routed to the community centre, which is told
    notice = Notification.objects.get(channel=Channel.INBOX, unit=personas.units["community"])
    assert notice.case_id == case.pk
    mine = inbox.inbox_of(personas.community_operator)
    assert list(mine) == [notice]
    # The centre's grid worker does not work its desk: not shown the cases it receives.
    assert not inbox.inbox_of(personas.grid_worker).exists()
    assert not inbox.inbox_of(personas.street_operator).exists()
    assert not inbox.inbox_of(personas.outsider).exists()

    page = login(client, personas.community_operator).get("/notices/")
    assert page.status_code == 200
    text = page.content.decode()
    assert f"{case.number} 新上报事件待受理" in text and case.title in text
    assert f'href="/cases/{case.number}/"' in text
    assert "社区1综治中心" in text

    other = login(client, personas.street_operator).get("/notices/")
    assert case.number not in other.content.decode()
    assert "暂无消息" in other.content.decode()


def test_the_page_follows_the_readers_language(personas, client):
    case = make_case()
    page = login(client, personas.community_operator, "en").get("/notices/")
    text = page.content.decode()
    assert f"{case.number} new case awaiting acceptance" in text
    assert "新上报事件待受理" not in text


def test_a_reporter_with_an_account_reads_their_own_notice(personas, client):
    case = make_case(by=personas.grid_worker, channel="grid_worker")
    case_actions.notify_reporter(case, system_note(gettext_noop("已办结，请核查")))
    own = Notification.objects.get(channel=Channel.INBOX, user=personas.grid_worker)
    assert own.subject == f"{case.number} 已办结，请核查"
    assert own.body == f"【枫桥】您反映的事件 {case.number}：已办结，请核查"
    assert own in inbox.inbox_of(personas.grid_worker)
    assert own not in inbox.inbox_of(personas.community_operator)  # the unit's members: no
    page = login(client, personas.grid_worker, "en").get("/notices/")
    assert f"Your report {case.number}" in page.content.decode()


def test_the_navigation_counts_new_notices_until_marked_read(personas, client):
    make_case()
    make_case()
    login(client, personas.community_operator)
    page = client.get("/cases/mine/")
    assert '<span class="count" aria-label="2 条未读">2</span>' in page.content.decode()
    listed = client.get("/notices/")
    assert listed.content.decode().count('class="new"') == 2
    newest = inbox.inbox_of(personas.community_operator).first()
    done = client.post("/notices/seen/", {"until": newest.created_at.isoformat()}, follow=True)
    assert "已全部标为已读" in done.content.decode()
    assert inbox.unread_count(personas.community_operator) == 0
    assert 'class="count"' not in client.get("/cases/mine/").content.decode()
    # A notice written after the mark is new again; the other members' marks are their own.
    make_case()
    assert inbox.unread_count(personas.community_operator) == 1
    other = make_user("another_operator")
    Membership.objects.create(user=other, unit=personas.units["community"], role=Role.OPERATOR)
    assert inbox.unread_count(other) == 3
    only_new = client.get("/notices/?new=1").content.decode()
    assert only_new.count('class="new"') == 1


def test_a_notice_written_while_the_page_was_read_stays_new(personas):
    make_case()
    shown = inbox.inbox_of(personas.community_operator).first()
    later = make_case()
    Notification.objects.filter(case=later).update(created_at=shown.created_at + timedelta(1))
    inbox.mark_seen(personas.community_operator, shown.created_at)
    assert [n.case_id for n in inbox.unread(personas.community_operator)] == [later.pk]


def test_the_mark_never_moves_back_nor_into_the_future(personas):
    user = personas.community_operator
    now = timezone.now()
    first = inbox.mark_seen(user, now + timedelta(days=30))
    assert first <= timezone.now()
    assert inbox.mark_seen(user, now - timedelta(days=1)) == first
    assert InboxMark.objects.get(user=user).seen_at == first


def test_a_malformed_mark_is_refused_and_changes_nothing(personas, client):
    make_case()
    login(client, personas.community_operator)
    for bad in ["yesterday", "2026-13-40T00:00:00+08:00", "2026-11-30T10:00:00"]:
        response = client.post("/notices/seen/", {"until": bad}, follow=True)
        assert "已读时间格式有误" in response.content.decode()
    assert not InboxMark.objects.exists()
    assert client.get("/notices/seen/").status_code == 405


def test_the_inbox_needs_a_login(client):
    assert client.get("/notices/").status_code == 302
    assert client.post("/notices/seen/").status_code == 302


def test_more_than_99_new_notices_show_as_99_plus(personas, client):
    unit = personas.units["community"]
    now = timezone.now()
    Notification.objects.bulk_create(
        actions.inbox_row(unit.pk, f"通知{i}", "", case_id=None, now=now) for i in range(101)
    )
    page = login(client, personas.community_operator).get("/notices/")
    assert ">99+</span>" in page.content.decode()


def test_an_alert_notice_links_to_the_alert(personas):
    actions.queue_for_unit(personas.units["community"], "预警", "正文", link="/alerts/7/")
    notice = Notification.objects.get(channel=Channel.INBOX)
    assert notice.link == "/alerts/7/"
    notice.data["link"] = "https://evil.example/"
    assert notice.link == ""  # only a page of this site


# --- API ---------------------------------------------------------------------------------


def test_the_api_lists_the_tokens_units_notices_in_the_requests_language(personas):
    case = make_case()
    _, key = make_token(personas.community_operator, personas.units["community"])
    api = client_for(key)
    api.cookies["django_language"] = "en"  # the language a caller chose, as on the pages
    body = api.get("/api/v1/notices/").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["subject"] == f"{case.number} 新上报事件待受理"
    assert row["subject_display"] == f"{case.number} new case awaiting acceptance"
    assert row["case"] == case.number and row["unit"] == "c11-centre" and row["new"] is True
    assert row["link"] == f"/cases/{case.number}/"

    _, other = make_token(personas.street_operator, personas.units["street"])
    assert client_for(other).get("/api/v1/notices/").json()["count"] == 0


def test_the_api_marks_the_inbox_read(personas):
    make_case()
    _, key = make_token(personas.community_operator, personas.units["community"])
    api = client_for(key)
    seen = api.post("/api/v1/notices/seen/", {}, format="json")
    assert seen.status_code == 200 and seen.json()["unread"] == 0
    assert api.get("/api/v1/notices/?new=true").json()["count"] == 0
    listed = api.get("/api/v1/notices/?new=false").json()
    assert listed["count"] == 1 and listed["results"][0]["new"] is False


def test_the_api_refuses_bad_input_and_stores_nothing(personas):
    _, key = make_token(personas.community_operator, personas.units["community"])
    api = client_for(key)
    assert_error(api.get("/api/v1/notices/?new=yes"), 400, "invalid_input")
    assert_error(api.get("/api/v1/notices/?new=true&new=false"), 400, "invalid_input")
    bad = api.post("/api/v1/notices/seen/", {"until": "soon"}, format="json")
    assert_error(bad, 400, "invalid_input")
    unknown = api.post("/api/v1/notices/seen/", {"when": "2026-11-30T10:00:00Z"}, format="json")
    assert_error(unknown, 400, "invalid_input")
    assert not InboxMark.objects.exists()
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/notices/").status_code == 401


def test_a_token_reads_only_its_own_units_notices(personas):
    # The street operator also operates the community centre; a token for the street centre
    # acts for the street centre only, the person on the pages for both.
    Membership.objects.create(
        user=personas.street_operator, unit=personas.units["community"], role=Role.OPERATOR
    )
    case = make_case()  # told: the community centre
    actions.queue_for_unit(personas.units["street"], "街道通知", "正文")
    _, key = make_token(personas.street_operator, personas.units["street"])
    rows = client_for(key).get("/api/v1/notices/").json()["results"]
    assert [r["subject"] for r in rows] == ["街道通知"]
    assert {n.case_id for n in inbox.inbox_of(personas.street_operator)} == {case.pk, None}


def test_unit_e_mails_go_to_its_desk_not_to_its_grid_workers(personas):
    personas.grid_worker.email = "wg@example.org"
    personas.grid_worker.save()
    personas.community_operator.email = "desk@example.org"
    personas.community_operator.save()
    actions.queue_for_unit(personas.units["community"], "通知", "正文")
    e_mails = Notification.objects.filter(channel=Channel.EMAIL)
    assert [n.address for n in e_mails] == ["desk@example.org"]


def test_a_deactivated_units_notices_leave_its_members_inboxes(personas, client):
    make_case()
    unit = personas.units["community"]
    assert inbox.inbox_of(personas.community_operator).exists()
    unit.is_active = False
    unit.save()
    assert not inbox.inbox_of(personas.community_operator).exists()
    page = login(client, personas.community_operator).get("/notices/")
    assert "暂无消息" in page.content.decode()
