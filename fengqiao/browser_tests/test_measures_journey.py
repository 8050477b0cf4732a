"""The measures page (考核指标) in headless Chromium: the district leader opens it from the
navigation, sees this month's measures, the units ranked and the trend drawn, ranks the units by
handling time instead and exports the ranking as Excel."""

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

from .conftest import Device, log_in

if TYPE_CHECKING:
    from fengqiao.conftest import Personas

OpenPage = Callable[[Device], Page]
Shot = Callable[[Page, str], Path]


def test_a_leader_reads_and_exports_the_measures(
    open_page: OpenPage, shot: Shot, personas: Personas
) -> None:
    p = personas
    for title in ("井盖缺失", "路灯不亮"):
        make_case(
            title=title,
            category="hazard-road",
            by=p.grid_worker,
            channel="grid_worker",
            handled_on_spot=True,
            outcome="当场处置完毕",
        )
    wages = actions.accept(make_case(title="工地拖欠工资"), by=p.community_operator)
    wages = actions.dispatch(wages, by=p.community_operator, to_unit=p.department)
    wages = actions.claim(wages, by=p.department_handler)
    actions.resolve(wages, by=p.department_handler, outcome="已督促发放")

    page = open_page("desktop")
    log_in(page, p.district_leader.username)
    page.get_by_role("navigation").get_by_role("link", name="考核").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("考核指标")
    # 3 received, all 3 resolved on time (two on the spot, one by the department)
    month = page.locator("table").nth(0)
    expect(month.get_by_role("row", name="受理事件")).to_contain_text("3 件")
    expect(month.get_by_role("row", name="按期办结率")).to_contain_text("100%（3/3）")
    ranking = page.locator("table").nth(1)
    expect(ranking.get_by_role("row", name="社区1综治中心")).to_contain_text("2")
    expect(ranking.get_by_role("row", name="人社局")).to_be_visible()
    # ECharts drew the trend as SVG beside its table
    expect(page.locator("#measures-chart svg")).to_have_count(1)
    shot(page, "measures")

    page.get_by_label("排名依据").select_option(label="平均办理时长")
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_role("heading", level=2).first).to_have_text("单位排名（平均办理时长）")
    # on the spot took 0 hours: the community centre ranks first
    expect(ranking.locator("tbody tr").first).to_contain_text("社区1综治中心")
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    workbook = Path(download.value.path()).read_bytes()
    assert workbook[:2] == b"PK"
    assert download.value.suggested_filename.startswith("measures-430299-")
    shot(page, "measures-by-hours")
