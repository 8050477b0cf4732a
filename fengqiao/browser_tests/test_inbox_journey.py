"""The inbox (消息) in headless Chromium: a new case's notice reaches its centre's operator, who
reads it, opens the case from it and marks the inbox read; the grid worker of the same centre
sees the count on their phone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

pytest.importorskip(
    "playwright.sync_api",
    reason="Playwright not installed: pip install -e '.[dev]' (make test does)",
)

from playwright.sync_api import Page, expect

from fengqiao.cases.tests.factories import make_case

from .conftest import Device, log_in

if TYPE_CHECKING:
    from fengqiao.conftest import Personas

OpenPage = Callable[[Device], Page]
Shot = Callable[[Page, str], Path]


def test_a_new_case_notice_is_read_and_marked(
    open_page: OpenPage, shot: Shot, personas: Personas
) -> None:
    case = make_case(title="楼道堆放杂物堵塞消防通道")
    page = open_page("desktop")
    log_in(page, personas.community_operator.username)
    nav = page.get_by_role("navigation")
    inbox_link = nav.get_by_role("link", name="消息")
    expect(inbox_link.locator(".count")).to_have_text("1")
    inbox_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("消息")
    notice = page.get_by_role("link", name=f"{case.number} 新上报事件待受理")
    expect(notice).to_be_visible()
    expect(page.locator("tr.new")).to_have_count(1)
    shot(page, "inbox")

    page.get_by_role("button", name="全部标为已读").click()
    expect(page.locator(".messages")).to_contain_text("已全部标为已读")
    expect(page.locator("tr.new")).to_have_count(0)
    expect(nav.get_by_role("link", name="消息").locator(".count")).to_have_count(0)
    page.get_by_role("link", name=f"{case.number} 新上报事件待受理").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("楼道堆放杂物")
    shot(page, "case")

    phone = open_page("phone")
    log_in(phone, personas.grid_worker.username)
    phone.goto("/grid/")
    expect(phone.get_by_role("link", name="消息").locator(".count")).to_have_text("1")
    shot(phone, "grid-worker-count")
