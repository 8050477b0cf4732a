"""A mediator takes a dispute from the committee's list to a signed agreement PDF and a
performance check, on a phone, in headless Chromium; then reveals a party with a reason.
Screenshots go to var/test-artifacts/screenshots/ (see conftest.py)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

pytest.importorskip(
    "playwright.sync_api",
    reason="Playwright not installed: pip install -e '.[dev]' (make test does)",
)
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from fengqiao.core.models import AuditEntry
from fengqiao.mediation.models import Mediation
from fengqiao.mediation.tests.factories import APPLICANT_ID, dispute_at_committee, make_mediators

from .conftest import Device, log_in

if TYPE_CHECKING:
    from fengqiao.conftest import Personas

OpenPage = Callable[[Device], Page]
Shot = Callable[[Page, str], Path]
TERMS = "王五于十日内修复502卫生间防水层，并赔偿李四损失800元。"


def open_action(page: Page, label: str) -> Locator:
    summary = page.locator("summary", has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))
    details = page.locator("details.action").filter(has=summary)
    details.locator("summary").click()
    return details


def test_mediator_reaches_a_signed_agreement_and_checks_performance(
    open_page: OpenPage, shot: Shot, personas: Personas
) -> None:
    m = make_mediators(personas)
    case = dispute_at_committee(personas, m)
    page = open_page("phone")
    log_in(page, m.mediator.username)

    page.get_by_role("navigation").get_by_role("link", name="调解").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("调解工作台")
    page.get_by_role("link", name=re.compile(case.number)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("多元化解")
    expect(page.locator("#parties-title + table")).to_contain_text("4302**********1248")
    shot(page, "dispute-page")

    start = open_action(page, "受理调解")
    start.get_by_label(m.mediator.username).check()
    start.get_by_label("申请事项").fill("请求修复漏水并赔偿损失")
    start.get_by_label("纠纷事实").fill("502卫生间漏水，致402天花板渗水发霉。")
    earlier = timezone.localtime() - timedelta(hours=2)
    start.get_by_label("申请时间").fill(earlier.strftime("%Y-%m-%dT%H:%M"))
    start.get_by_role("button", name="受理调解").click()
    expect(page.locator(".messages")).to_contain_text("已受理调解")

    page.get_by_role("link", name="记录调解").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("记录调解")
    held = timezone.localtime() - timedelta(hours=1)
    page.get_by_label("调解时间").fill(held.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("调解地点").fill("社区调解室")
    page.get_by_label("参加人员").fill("李四、王五、调解员")
    page.get_by_label("调解情况").fill("双方陈述后，王五同意维修并赔偿。")
    shot(page, "session-entry")
    page.get_by_role("button", name="保存调解笔录").click()
    expect(page.locator(".messages")).to_contain_text("调解笔录已保存")

    conclude = open_action(page, "终结调解")
    conclude.get_by_label("调解结果").select_option("agreement")
    conclude.get_by_role("button", name="终结调解").click()
    expect(page.get_by_role("alert")).to_contain_text("协议内容")  # terms missing: refused
    conclude = page.locator("details.action[open]").filter(
        has=page.get_by_role("button", name="终结调解")
    )
    conclude.get_by_label("调解结果").select_option("agreement")
    conclude.get_by_label("协议内容（调解成功时填写）").fill(TERMS)
    due = timezone.localdate() + timedelta(days=10)
    conclude.get_by_label("履行期限").fill(due.isoformat())
    conclude.get_by_role("button", name="终结调解").click()
    expect(page.locator(".messages")).to_contain_text("已终结调解")

    with page.expect_download() as download:
        page.get_by_role("link", name="人民调解协议书").click()
    pdf = Path(download.value.path()).read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "")
    assert TERMS.replace(" ", "") in text.replace("\n", "") and "李四" in text

    check = open_action(page, "履行回访")
    check.get_by_label("已履行").check()
    check.get_by_label("回访记录").fill("电话回访，已修复并付款。")
    check.get_by_role("button", name="保存回访").click()
    expect(page.locator(".messages")).to_contain_text("已履行回访")
    expect(page.locator("main")).to_contain_text("已履行")
    shot(page, "performance-checked")
    assert Mediation.objects.get().performance == "full"

    page.get_by_role("link", name="查看").first.click()
    page.get_by_label("查看理由").fill("电话通知当事人领取协议书")
    page.get_by_role("button", name="查看").click()
    expect(page.locator("main")).to_contain_text(APPLICANT_ID)
    shot(page, "revealed")
    assert AuditEntry.objects.filter(kind="reveal", user=m.mediator).count() == 1
