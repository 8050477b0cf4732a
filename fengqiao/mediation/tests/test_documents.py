"""The mediation documents as PDF: their text, read back with pypdf, holds parties and terms."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pypdf import PdfReader

from fengqiao.mediation import documents
from fengqiao.mediation.tests.factories import (
    APPLICANT_ID,
    agreed,
    make_mediators,
    with_session,
)


@pytest.fixture
def m(personas):
    return make_mediators(personas)


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "").replace("\n", "")


def test_agreement_holds_parties_terms_deadline_and_signature_lines(personas, m):
    mediation = agreed(personas, m)
    pdf = documents.agreement_pdf(mediation)
    assert pdf.startswith(b"%PDF")
    text = text_of(pdf)
    assert "人民调解协议书" in text and mediation.number in text
    # Sex from the 17th digit (4: even, female), age from the birth date.
    assert "申请人：李四，女，" in text and APPLICANT_ID in text and "13812345678" in text
    assert "被申请人：王五" in text and "0731-22881234" in text
    assert "王五于十日内修复502卫生间防水层" in text and "赔偿李四损失800元" in text
    due = mediation.performance_due
    assert f"于{due.year}年{due.month}月{due.day}日前履行完毕" in text
    assert "第1街道人民调解委员会（盖章）" in text and "司法确认" in text


def test_agreement_pdf_only_after_an_agreement(personas, m):
    mediation = with_session(personas, m)
    with pytest.raises(documents.DocumentError, match="调解成功"):
        documents.agreement_pdf(mediation)


def test_application_and_record_hold_request_and_session(personas, m):
    mediation = with_session(personas, m)
    text = text_of(documents.application_pdf(mediation))
    assert "人民调解申请书" in text and "请求被申请人修复防水层并赔偿损失" in text
    assert "李四" in text and "第1街道人民调解委员会" in text
    session = mediation.sessions.get()
    text = text_of(documents.record_pdf(mediation, session))
    assert "人民调解笔录" in text and "社区调解室" in text and "双方陈述，王五同意维修" in text
    assert "一周内商定赔偿数额" in text


def test_a_missing_font_is_a_clear_error(monkeypatch):
    documents.font_name.cache_clear()
    monkeypatch.setenv("MEDIATION_FONT", "/nonexistent/font.ttc")
    try:
        with pytest.raises(documents.DocumentError, match="fonts-wqy-zenhei"):
            documents.font_name()
    finally:
        documents.font_name.cache_clear()


def test_dates_are_beijing_dates_even_just_after_midnight(personas, m):
    # 00:30 in Beijing is still the previous day in UTC.
    with time_machine.travel(datetime(2025, 3, 4, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai"))):
        mediation = agreed(personas, m)
        text = text_of(documents.agreement_pdf(mediation))
    assert mediation.concluded_at.astimezone(ZoneInfo("UTC")).day == 3
    assert "（盖章）2025年3月4日" in text
