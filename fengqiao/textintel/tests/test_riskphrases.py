import pytest

from fengqiao.textintel.riskphrases import (
    ATTRIBUTED_FACTOR,
    HEARSAY_FACTOR,
    RiskCategory,
    categories,
    risk_score,
    scan,
)

V, S, M = RiskCategory.VIOLENCE, RiskCategory.SELF_HARM, RiskCategory.MASS_ACTION
W, R = RiskCategory.WAGE_ARREARS, RiskCategory.ROAD_BLOCKING
P, E = RiskCategory.PETITION_ESCALATION, RiskCategory.EXTREME_EMOTION


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("再不给钱，我就拿刀去找他，大不了同归于尽。", {V}),
        ("老板欠了我们三个月工资，再不给我就去弄死他", {V, W}),
        ("物业再这样下去，我要放火烧了他们的办公室", {V}),
        ("逼急了我就报复社会", {V}),
        ("我实在活不下去了，准备今晚从楼顶跳楼", {S}),
        ("家里老人说要喝农药，以死相逼", {S}),
        ("我不想活了，死给你们看", {S}),
        ("明天我们三十多户业主要集体上访，拉横幅", {M, P}),
        ("上百名工人聚集在工地门口讨薪", {M, W}),
        ("工程款结了，农民工工资至今没有发放", {W}),
        ("包工头拖欠我们八个月的工资共计3万元", {W}),
        ("工资一直没发，快过年了", {W}),
        ("干了半年没拿到一分工资", {W}),
        ("如果还不解决，我们就去堵路", {R}),
        ("村民堵住了国道要求赔偿", {R}),
        ("再不处理我就去北京上访", {P}),
        ("我准备进京告状", {P}),
        ("问题没解决就去省政府上访", {P}),
        ("我们已经忍无可忍，被逼上绝路了", {E}),
        ("没办法只能去上访", {P}),
        ("不给我们说法，我们就到市政府门口静坐", {M}),
    ],
)
def test_real_phrasings_are_flagged(text, expected):
    hits = scan(text)
    assert categories(hits) == expected, hits


@pytest.mark.parametrize(
    "text",
    [
        "我们不会去上访的，只希望尽快解决",
        "现场并未发生人员聚集",
        "公司没有拖欠工资，是工人自己离职",
        "我从来没想过自杀，只是想讨个说法",
        "我们绝不会堵路，请放心",
        "我不是要去北京上访，只是咨询一下政策",
        "业主们并没有拉横幅",
    ],
)
def test_denied_phrases_are_kept_but_count_for_nothing(text):
    hits = scan(text)
    assert hits, "the phrase is still reported, marked as negated"
    assert all(hit.negated and hit.weight == 0 for hit in hits), hits
    assert risk_score(hits) == 0


@pytest.mark.parametrize(
    "text",
    [
        "商场搞跳楼价大甩卖，噪音太大",
        "这个路口车流量大，早晚高峰经常堵车",
        "下水道堵了，污水漫到路面",
        "道路施工封路，请问什么时候恢复通行",
        "担心被打击报复，请为我保密",
        "孩子在学校拼命学习，作业太多",
        "小区居民反映路灯不亮",
        "游乐场的跳楼机噪音太大",
        "这里是居民聚集区，不宜建设变电站",
        "真是只许州官放火，不许百姓点灯",
    ],
)
def test_ordinary_complaints_raise_nothing(text):
    assert categories(scan(text)) == set()


def test_conditional_negation_is_not_a_denial():
    [hit] = scan("不解决就去上访")
    assert hit.category == P
    assert not hit.negated


def test_a_plea_implies_the_arrears_are_real():
    [hit] = scan("希望老板不要再拖欠工资了")
    assert hit.category == W and not hit.negated


def test_negation_stays_in_its_clause():
    hits = scan("我们没有闹，但是如果再拖，就去堵路")
    assert [(h.category, h.negated) for h in hits] == [(R, False)]


def test_hearsay_is_flagged_as_reported_with_half_weight():
    [hit] = scan("听说有人要在工地跳楼")
    assert hit.category == S and hit.reported
    assert hit.weight == pytest.approx(hit.base_weight * HEARSAY_FACTOR)


def test_a_third_party_threat_is_reported_but_keeps_most_weight():
    [hit] = scan("邻居扬言要砍死我全家")
    assert hit.category == V and hit.reported
    assert hit.weight == pytest.approx(hit.base_weight * ATTRIBUTED_FACTOR)


def test_reported_speech_stops_at_the_sentence_end():
    hits = scan("他说明天来修。我们没钱吃饭了，活不下去了")
    [hit] = [h for h in hits if h.category == S]
    assert not hit.reported


def test_hits_carry_the_span_of_the_phrase():
    text = "老板扬言谁再讨薪就打死谁"
    for hit in scan(text):
        assert text[hit.start : hit.end] == hit.phrase
    assert [h.phrase for h in scan(text)] == ["讨薪", "打死"]


def test_overlapping_phrases_of_one_category_keep_the_strongest():
    hits = scan("越级上访")
    assert [(h.category, h.phrase) for h in hits] == [(P, "越级上访")]


def test_risk_score_combines_categories_and_ignores_repeats():
    one = risk_score(scan("我要跳楼"))
    twice = risk_score(scan("我要跳楼，我要跳楼"))
    assert one == twice == pytest.approx(0.9)
    combined = risk_score(scan("拖欠工资，我要跳楼"))
    assert combined == pytest.approx(1 - (1 - 0.9) * (1 - 0.7))
    assert risk_score([]) == 0.0


def test_long_text_is_scanned_whole():
    text = "正常内容。" * 20_000 + "我们明天去堵路"
    assert categories(scan(text)) == {R}
