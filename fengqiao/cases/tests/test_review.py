"""答复评查: reply quality in case review, on the hand-computed week of ``test_measures`` plus one
case answered properly. The week's replies are one-liners (已修复, 已追回工资 ...); the good one
names measures, result, basis and a time limit."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from fengqiao.cases import actions
from fengqiao.cases.models import Case
from fengqiao.cases.tests import test_measures
from fengqiao.cases.tests.factories import make_case
from fengqiao.core.models import AuditEntry
from fengqiao.textintel import review
from fengqiao.textintel.models import ReplyReview

clock = test_measures.clock
week = test_measures.week
URL = "/cases/review/"
MARCH = "2025-03"
GOOD = (
    "经现场核实，3栋2单元502卫生间防水层破损导致楼下渗水情况属实。社区已组织双方协商并督促502"
    "住户维修，目前防水层已修复完毕，楼下天花板由502住户负责修补。根据《物业管理条例》第四十六条，"
    "业主应当及时维修养护自有部位，社区将在7个工作日内回访确认修补到位。"
)
# The week's cases with a reply (not handled on the spot): quick, early, wages, pending, late.
WEEK_REPLIES = {"quick", "early", "wages", "pending", "late"}


@pytest.fixture
def answered(week, personas):
    """The week, plus a leak resolved on 10 March with a full reply."""
    operator = personas.community_operator
    case = actions.claim(actions.accept(make_case(by=personas.outsider), by=operator), by=operator)
    return actions.resolve(case, by=operator, outcome=GOOD)


def test_ensure_reviews_scores_each_reply_once_and_again_when_resolved_anew(
    answered, week, personas, clock
):
    march = Case.objects.filter(resolved_at__isnull=False)
    assert review.ensure_reviews(march) == len(WEEK_REPLIES) + 1
    numbers = set(ReplyReview.objects.values_list("case__number", flat=True))
    assert numbers == {week[name].number for name in WEEK_REPLIES} | {answered.number}
    assert review.ensure_reviews(march) == 0  # nothing stale
    good = ReplyReview.objects.get(case=answered)
    assert good.missing == "" and good.overall > review.WEAK
    short = ReplyReview.objects.get(case=week["quick"])
    assert short.overall < review.WEAK and "basis" in short.missing_keys
    # Reopened and resolved again: a new reply, scored again.
    operator = personas.community_operator
    case = actions.verify(Case.objects.get(pk=answered.pk), by=operator, passed=True)
    case = actions.reopen(case, by=personas.outsider, reason="楼下仍在渗水")  # back to 已受理
    case = actions.claim(case, by=operator)
    clock.shift(3600)
    actions.resolve(case, by=operator, outcome="已处理")
    assert review.ensure_reviews(march) == 1
    assert ReplyReview.objects.get(case=answered).overall < good.overall


def test_a_case_handled_on_the_spot_has_no_reply_to_review(week):
    assert review.score_case(week["spot1"]) is None
    assert review.ensure_reviews(Case.objects.filter(pk=week["spot1"].pk)) == 0


def test_page_lists_the_weakest_replies_first(answered, week, personas, client):
    client.force_login(personas.district_leader)
    response = client.get(URL, {"month": MARCH})
    assert response.status_code == 200
    page = response.content.decode()
    numbers = [n for n in (c.number for c in Case.objects.all()) if n in page]
    assert set(numbers) == {week[name].number for name in WEEK_REPLIES} | {answered.number}
    assert week["spot1"].number not in page
    # the full reply comes last
    assert page.index(answered.number) > max(page.index(week[n].number) for n in WEEK_REPLIES)
    assert "本月办结并有答复的事件 6 件" in page
    assert "未见：措施" in page


def test_page_filters_by_a_missing_element_and_by_unit(answered, week, personas, client):
    client.force_login(personas.district_leader)
    page = client.get(URL, {"month": MARCH, "missing": "basis"}).content.decode()
    assert answered.number not in page and week["quick"].number in page
    page = client.get(URL, {"month": MARCH, "unit": "dept-renshe"}).content.decode()
    assert week["late"].number in page and week["quick"].number not in page


def test_case_page_shows_the_replys_quality(answered, week, personas, client):
    client.force_login(personas.community_operator)
    page = client.get(f"/cases/{answered.number}/").content.decode()
    assert "答复质量" in page and "未见" not in page.split("答复质量")[1].split("</dd>")[0]
    page = client.get(f"/cases/{week['quick'].number}/").content.decode()
    assert "答复质量" in page and "未见：措施" in page
    page = client.get(f"/cases/{week['spot1'].number}/").content.decode()
    assert "答复质量" not in page


def test_page_in_english(answered, personas, client):
    client.force_login(personas.district_leader)
    client.cookies["django_language"] = "en"
    page = client.get(URL, {"month": MARCH}).content.decode()
    assert "Reply review" in page and "答复评查" not in page
    assert "Not found: measures" in page


def test_scope_and_bad_input(answered, personas, client):
    client.force_login(personas.community_operator)
    assert client.get(URL, {"region": "430299002"}).status_code == 404
    for params, said in [
        ({"month": "2025-13"}, "月份格式应为"),
        ({"missing": "tone"}, "要素应为"),
        ({"unit": "nowhere"}, "找不到单位"),
        ({"format": "pdf"}, "格式须为"),
    ]:
        response = client.get(URL, params)
        assert response.status_code == 400 and said in response.content.decode(), params
    client.force_login(personas.department_handler)
    assert client.get(URL).status_code == 403


def test_page_runs_a_fixed_number_of_queries(
    answered, personas, client, django_assert_max_num_queries
):
    client.force_login(personas.district_leader)
    client.get(URL, {"month": MARCH})  # scores the month
    with django_assert_max_num_queries(16):
        assert client.get(URL, {"month": MARCH}).status_code == 200


def test_export_is_audited(answered, week, personas, client):
    client.force_login(personas.district_leader)
    response = client.get(URL, {"month": MARCH, "format": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["编号", "标题"] and len(rows) == 1 + len(WEEK_REPLIES) + 1
    assert rows[-1][0] == answered.number
    assert AuditEntry.objects.filter(object_type="reply_reviews").count() == 1


# --- the API ----------------------------------------------------------------------------------


def test_api_lists_the_weakest_first_with_the_totals(answered, week, personas):
    from fengqiao.api.tests.helpers import client_for, make_token

    api = client_for(make_token(personas.district_leader, personas.units["district"])[1])
    data = api.get("/api/v1/cases/review/", {"month": MARCH}).json()
    assert data["month"] == MARCH and data["count"] == len(WEEK_REPLIES) + 1
    overall = [r["overall"] for r in data["results"]]
    assert overall == sorted(overall) and data["results"][-1]["number"] == answered.number
    assert data["results"][-1]["missing"] == []
    assert data["lacking"]["basis"] == len(WEEK_REPLIES)
    assert data["weak"] == len(WEEK_REPLIES) and data["next"] is None
    lacking = api.get("/api/v1/cases/review/", {"month": MARCH, "missing": "basis"}).json()
    assert answered.number not in {r["number"] for r in lacking["results"]}


def test_api_errors(answered, personas):
    from fengqiao.api.tests.helpers import assert_error, client_for, make_token

    api = client_for(make_token(personas.community_operator, personas.units["community"])[1])
    assert_error(api.get("/api/v1/cases/review/", {"missing": ""}), 400, "invalid_input")
    assert_error(api.get("/api/v1/cases/review/", {"month": "x"}), 400, "invalid_input")
    assert_error(api.get("/api/v1/cases/review/", {"region": "430299"}), 404, "not_found")
    handler = client_for(make_token(personas.department_handler, personas.department)[1])
    assert_error(handler.get("/api/v1/cases/review/"), 403, "not_permitted")


def test_the_worker_job_scores_recent_replies(answered, week, clock):
    from fengqiao.textintel.tasks import score_replies

    # run two days after the week's last resolution (10 March): only the ones since 8 March
    written = score_replies.call()
    assert written == 1  # answered, resolved on 10 March; the week's were resolved by 4 March
    assert ReplyReview.objects.get().case_id == answered.pk
    assert score_replies.call() == 0


def test_scoring_a_month_reads_each_batch_once(answered, week, django_assert_max_num_queries):
    # the stale ids, then one query for the batch's cases, one upsert
    with django_assert_max_num_queries(3):
        assert review.ensure_reviews(Case.objects.all()) == len(WEEK_REPLIES) + 1


def test_a_resolution_dated_before_its_report_leaves_timeliness_unknown(answered):
    # imported history can carry such times; the scorer refuses them, the review does not fail
    Case.objects.filter(pk=answered.pk).update(
        submitted_at=answered.resolved_at + timedelta(days=1)
    )
    scored = review.score_case(Case.objects.get(pk=answered.pk))
    assert scored is not None and scored.timeliness is None and scored.days is None
    assert review.ensure_reviews(Case.objects.filter(pk=answered.pk)) == 1
