"""The escalation-risk suggestion from a dispute's facts."""

from fengqiao.lib.escalation import DisputeFacts, suggest


def test_a_quiet_dispute_is_low_risk():
    s = suggest(DisputeFacts(text="楼上漏水，楼下天花板渗水"))
    assert (s.level, s.reasons) == ("low", ())


def test_a_threat_alone_makes_it_high_and_says_which_phrase():
    s = suggest(DisputeFacts(text="对方扬言要报复"))
    assert s.level == "high" and s.reasons == ("threats",)
    assert "扬言" in s.evidence["threats"] and "报复" in s.evidence["threats"]


def test_one_other_reason_is_medium_two_are_high():
    assert suggest(DisputeFacts(text="噪音", people_involved=6)).level == "medium"
    two = suggest(DisputeFacts(text="噪音", people_involved=6, days_open=45))
    assert two.level == "high" and set(two.reasons) == {"many_people", "long_duration"}


def test_repeat_vulnerable_and_wage_reasons():
    s = suggest(DisputeFacts(text="拖欠工资三个月", earlier_disputes=2, party_ages=(40, 75, 16)))
    assert set(s.reasons) == {"repeat", "vulnerable", "wage_arrears"}
    assert "75、16" in s.evidence["vulnerable"]


def test_thresholds_are_inclusive_at_the_boundary_only():
    assert suggest(DisputeFacts(text="", people_involved=4, days_open=29)).level == "low"
    assert suggest(DisputeFacts(text="", people_involved=5)).reasons == ("many_people",)
    assert suggest(DisputeFacts(text="", days_open=30)).reasons == ("long_duration",)
