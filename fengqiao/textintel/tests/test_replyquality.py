import csv
from datetime import datetime, timedelta

import pytest

from fengqiao.textintel.replyquality import (
    DUE_DAYS,
    LATE_DAYS,
    Element,
    elements,
    fit_idf,
    relevance,
    score,
    substance,
    timeliness,
)

MESSAGE = "A3区潇楚南路洋湖段修了一年还没修好，道路挖开后一直不动工，影响交通和店面生意。"
GOOD_REPLY = (
    "网友您好！针对您反映的潇楚南路洋湖段施工进度问题，洋湖街道高度重视，已组织住建部门到现场核实。"
    "经核实，该路段原路基土质较差，需整体换填，目前已完成土方及排水施工。根据《城市道路管理条例》"
    "第二十四条，施工单位须设置围挡并保障通行。下一步将督促施工单位加快进度，预计6月30日前完成路面"
    "铺设并恢复通行。感谢您对我们工作的支持！"
)
NOT_AN_ANSWER = "网友您好！您的留言已收悉。感谢您对我们工作的关心、监督与支持。"
OFF_TOPIC = (
    "网友您好！关于您反映的幼儿园收费问题，教育局已责令该园退还多收费用，并依据有关规定处理。"
)


def test_a_full_reply_has_every_element():
    assert elements(GOOD_REPLY) == {
        Element.MEASURES: True,
        Element.RESULT: True,
        Element.BASIS: True,
        Element.TIME_LIMIT: True,
    }


def test_an_acknowledgement_has_no_element_and_no_substance():
    result = score(MESSAGE, NOT_AN_ANSWER)
    assert result.missing == list(Element)
    assert result.substance == 0.0
    assert result.completeness == 0.0


def test_each_element_is_found_on_its_own():
    assert elements("已安排工作人员上门处理")[Element.MEASURES]
    assert elements("经调查，情况属实")[Element.RESULT]
    assert elements("按照相关政策执行")[Element.BASIS]
    assert elements("将在15个工作日内答复")[Element.TIME_LIMIT]
    assert elements("计划于2020年底前完成改造")[Element.TIME_LIMIT]


def test_relevance_is_higher_for_a_reply_about_the_message():
    assert relevance(MESSAGE, GOOD_REPLY) > 2 * relevance(MESSAGE, OFF_TOPIC)
    assert relevance(MESSAGE, "") == 0.0
    assert relevance(MESSAGE, MESSAGE) == pytest.approx(1.0)


def test_stock_phrases_do_not_count_as_relevance():
    assert relevance("网友您好感谢您对我们工作的支持", NOT_AN_ANSWER) == 0.0


def test_idf_weights_rare_shared_words_above_common_ones():
    corpus = ["道路问题"] * 20 + ["潇楚南路"]
    idf = fit_idf(corpus)
    assert idf["潇楚"] > idf["道路"]
    assert relevance(MESSAGE, GOOD_REPLY, idf) > 0


def test_substance_saturates():
    assert substance("字" * 10_000) == 1.0
    assert 0 < substance("已安排维修") < 0.1


@pytest.mark.parametrize(
    ("days", "expected"),
    [(1, 1.0), (DUE_DAYS, 1.0), ((DUE_DAYS + LATE_DAYS) / 2, 0.5), (LATE_DAYS, 0.0), (400, 0.0)],
)
def test_timeliness_is_full_until_due_then_falls_to_zero(days, expected):
    asked = datetime(2019, 4, 1, 9)
    taken, value = timeliness(asked, asked + timedelta(days=days))
    assert taken == pytest.approx(days)
    assert value == pytest.approx(expected)


def test_timeliness_is_unknown_without_dates_and_overall_reweights():
    result = score(MESSAGE, GOOD_REPLY)
    assert result.timeliness is None and result.days is None
    assert result.overall == pytest.approx(
        (0.35 * result.relevance + 0.45 * result.completeness) / 0.8, abs=1e-3
    )


def test_a_reply_dated_before_its_message_is_an_error():
    with pytest.raises(ValueError, match="before its message"):
        timeliness(datetime(2019, 5, 2), datetime(2019, 5, 1))


def test_a_good_timely_reply_outscores_a_late_acknowledgement():
    asked = datetime(2019, 4, 24, 16)
    good = score(MESSAGE, GOOD_REPLY, asked, asked + timedelta(days=10))
    poor = score(MESSAGE, NOT_AN_ANSWER, asked, asked + timedelta(days=50))
    assert good.overall > 0.6 > 0.2 > poor.overall


def test_real_replies_with_more_elements_score_higher(shared_data):
    path = shared_data / "teddy2020" / "annex4_messages_with_replies.csv"
    if not path.exists():
        pytest.skip(f"{path} is absent (the Teddy Cup data is not shipped)")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [row for _, row in zip(range(300), csv.DictReader(handle), strict=False)]
    scored = [score(f"{r['title']}\n{r['detail']}", r["reply"]) for r in rows]
    short = [s.completeness for s, r in zip(scored, rows, strict=True) if len(r["reply"]) < 60]
    long = [s.completeness for s, r in zip(scored, rows, strict=True) if len(r["reply"]) > 600]
    assert short and long
    assert sum(long) / len(long) > sum(short) / len(short)
