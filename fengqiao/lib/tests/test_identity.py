"""Resident ID numbers, unified social credit codes and phone numbers of parties."""

from datetime import date

import pytest

from fengqiao.lib.identity import (
    IdentifierError,
    birth_date,
    normalise_credit_code,
    normalise_id_number,
    normalise_phone,
)


def test_valid_resident_id_numbers_pass_and_x_is_upper_cased():
    assert normalise_id_number("430203199001011248") == "430203199001011248"
    assert normalise_id_number(" 11010519491231002x ") == "11010519491231002X"


def test_wrong_check_digit_is_refused_with_a_message_saying_so():
    with pytest.raises(IdentifierError, match="校验位"):
        normalise_id_number("430203199001011249")


@pytest.mark.parametrize(
    "value", ["43020319900101124", "4302031990010112488", "43020319900101124A", "abc"]
)
def test_wrong_length_or_characters_are_refused(value):
    with pytest.raises(IdentifierError, match="18 位"):
        normalise_id_number(value)


def test_impossible_or_future_birth_dates_are_refused():
    with pytest.raises(IdentifierError, match="出生日期"):
        normalise_id_number("430203199002301234")  # 30 February
    with pytest.raises(IdentifierError, match="出生日期"):
        normalise_id_number("430203209901011234", today=date(2026, 11, 29))


def test_legacy_fifteen_digit_number_becomes_its_eighteen_digit_form():
    # 15-digit 1st-generation number: year 19yy inserted, check character computed.
    assert normalise_id_number("110105491231002") == "11010519491231002X"


def test_birth_date_is_read_from_the_number():
    assert birth_date("430203199001011248") == date(1990, 1, 1)
    assert birth_date("") is None


def test_unified_social_credit_code_check_character():
    assert normalise_credit_code("91350100m000100y43") == "91350100M000100Y43"
    with pytest.raises(IdentifierError, match="校验位"):
        normalise_credit_code("91350100M000100Y44")
    with pytest.raises(IdentifierError, match="18 位"):
        normalise_credit_code("91350100I000100Y43")  # I is not in the alphabet


@pytest.mark.parametrize(
    ("value", "normal"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+86 138-1234-5678".replace("-", ""), "13812345678"),
        ("8613812345678", "13812345678"),
        ("0731-22881234", "0731-22881234"),
        ("073122881234", "0731-22881234"),
        ("(010)62345678", "010-62345678"),
    ],
)
def test_mobile_and_landline_numbers_are_normalised(value, normal):
    assert normalise_phone(value) == normal


@pytest.mark.parametrize("value", ["12812345678", "1381234567", "22881234", "0731-1288123", "x"])
def test_malformed_phone_numbers_are_refused(value):
    with pytest.raises(IdentifierError, match="电话号码格式不正确"):
        normalise_phone(value)
