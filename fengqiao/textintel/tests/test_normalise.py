import pytest

from fengqiao.textintel.normalise import (
    MAX_CHARS,
    normalise,
    strip_dates,
    strip_phone_numbers,
    strip_punctuation,
    to_halfwidth,
)


def test_full_width_letters_digits_and_spaces_become_half_width():
    assert to_halfwidth("ＡＢＣ１２３\u3000！") == "ABC123 !"


def test_mobile_landline_and_masked_numbers_are_removed():
    text = "电话：13812345678，座机0731-22881234，手机号138****1234，另一个*****"
    assert strip_phone_numbers(text) == "，，，另一个"


def test_dates_and_clock_times_are_removed_but_other_numbers_stay():
    text = "2019年3月5日起3栋每晚10:30后噪音，2020-01-07又来，3月8号欠5000元"
    out = strip_dates(text)
    assert "2019" not in out and "10:30" not in out and "3月8号" not in out
    assert "3栋" in out and "5000元" in out


def test_punctuation_and_blanks_go_and_cjk_letters_digits_stay():
    assert strip_punctuation("丽发新城，搅拌站！ A2区 (噪音)") == "丽发新城搅拌站A2区噪音"


def test_normalise_makes_two_writings_of_a_report_equal():
    a = "３栋楼下噪音！电话：13812345678，2024年5月3日"
    b = "3栋楼下噪音。"
    assert normalise(a) == normalise(b) == "3栋楼下噪音"


def test_normalise_lower_cases_latin_letters():
    assert normalise("KTV噪音") == "ktv噪音"


def test_normalise_truncates_a_huge_text_to_max_chars():
    text = "楼上漏水" * 25_000  # 100,000 characters
    assert len(normalise(text)) == MAX_CHARS
    assert normalise(text, max_chars=10) == "楼上漏水楼上漏水楼上"


def test_normalise_of_empty_or_punctuation_only_text_is_empty():
    assert normalise("") == ""
    assert normalise("！！。。 13812345678") == ""


def test_normalise_refuses_a_non_positive_limit():
    with pytest.raises(ValueError, match="max_chars"):
        normalise("噪音", max_chars=0)
