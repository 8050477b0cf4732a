"""答复评查 in headless Chromium: the district leader opens the reply review from the navigation,
finds the one-line reply first and the full one last, narrows the list to replies that give no
basis, and opens the weak case, whose page shows the reply's quality."""

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

from fengqiao.cases import actions
from fengqiao.cases.tests.factories import make_case
from fengqiao.cases.tests.test_review import GOOD

from .conftest import Device, log_in

if TYPE_CHECKING:
    from fengqiao.conftest import Personas

OpenPage = Callable[[Device], Page]
Shot = Callable[[Page, str], Path]


def test_a_reviewer_reads_the_weakest_reply_first(
    open_page: OpenPage, shot: Shot, personas: Personas
) -> None:
    operator = personas.community_operator

    def resolved(title: str, outcome: str) -> str:
        case = actions.accept(make_case(title=title, by=personas.outsider), by=operator)
        case = actions.claim(case, by=operator)
        return actions.resolve(case, by=operator, outcome=outcome).number

    weak = resolved("楼上漏水", "已收悉。")
    good = resolved("楼上卫生间漏水", GOOD)

    page = open_page("desktop")
    log_in(page, personas.district_leader.username)
    page.get_by_role("navigation").get_by_role("link", name="评查").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("答复评查")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(weak)
    expect(rows.first).to_contain_text("未见：措施、结果、依据、时限")
    expect(rows.last).to_contain_text(good)
    shot(page, "review")

    page.get_by_label("未见要素").select_option(label="依据")
    page.get_by_role("button", name="查看").click()
    expect(rows).to_have_count(1)
    page.get_by_role("link", name=weak).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("楼上漏水")
    expect(page.locator(".reply-quality")).to_contain_text("未见：措施、结果、依据、时限")
    shot(page, "case")
