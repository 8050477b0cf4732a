"""The inbox (消息) in headless Chromium: a grid worker's report reaches the centre's operator,
who reads its notice, opens the case from it and marks the inbox read; the grid worker, told
the outcome, sees it counted on their phone (a grid worker is not shown the centre's notices)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

pytest.importorskip(
    "playwright.sync_api",
    reason="Playwright not installed: pip install -e '.[dev]' (make test does)",
)

from django.utils.translation import gettext_noop
from playwright.sync_api import Page, expect

from fengqiao.cases import actions
from fengqiao.cases.tests.factories import make_case
from fengqiao.core.notes import system_note

from .conftest import Device, log_in

if TYPE_CHECKING:
    from fengqiao.conftest import Personas

OpenPage = Callable[[Device], Page]
Shot = Callable[[Page, str], Path]


def test_a_new_case_notice_is_read_and_marked(
    open_page: OpenPage, shot: Shot, personas: Personas
) -> None:
    case = make_case(
        title="楼道堆放杂物堵塞消防通道", by=personas.grid_worker, channel="grid_worker"
    )
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
    expect(phone.get_by_role("link", name="消息").locator(".count")).to_have_count(0)
    actions.notify_reporter(case, system_note(gettext_noop("已办结，请核查")))
    phone.reload()
    expect(phone.get_by_role("link", name="消息").locator(".count")).to_have_text("1")
    phone.get_by_role("link", name="消息").click()
    expect(phone.get_by_text(f"{case.number} 已办结，请核查")).to_be_visible()
    shot(phone, "grid-worker-inbox")
