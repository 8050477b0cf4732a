"""A rolling inspection in headless Chromium (滚动排查): a grid worker runs an inspection task on
a phone, answers the checklist, records a finding with a photo and the phone's location, and
the finding becomes a hazard; the worker rectifies it and verifies the rectification on site,
and the community operator signs it off (销号) at a desktop. Screenshots of every step go to
var/test-artifacts/screenshots/ (see conftest.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone
from PIL import Image

pytest.importorskip(
    "playwright.sync_api",
    reason="Playwright not installed: pip install -e '.[dev]' (make test does)",
)
from playwright.sync_api import Locator, Page, expect

from fengqiao.hazards import actions, inspections
from fengqiao.hazards.choices import HazardSource, HazardStatus, TaskStatus
from fengqiao.hazards.models import Hazard, InspectionTask

from .conftest import Device, log_in

if TYPE_CHECKING:
    from fengqiao.conftest import Personas

OpenPage = Callable[[Device], Page]
Shot = Callable[[Page, str], Path]


def photo(folder: Path, name: str, colour: tuple[int, int, int]) -> Path:
    path = folder / name
    Image.new("RGB", (480, 360), colour).save(path, "JPEG", quality=85)
    return path


def take_action(page: Page, label: str) -> Locator:
    summary = page.locator("summary", has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))
    details = page.locator("details.action").filter(has=summary)
    details.locator("summary").click()
    expect(details.get_by_role("button", name=label, exact=True)).to_be_visible()
    return details


def test_grid_worker_inspection_finding_is_followed_to_sign_off(
    open_page: OpenPage, shot: Shot, personas: Personas, tmp_path: Path
) -> None:
    market = actions.register_place(
        by=personas.community_operator,
        place_type="market",
        name="幸福农贸市场",
        lon=113.06,
        lat=27.85,
        address="幸福路 8 号",
    )
    inspections.create_plan(
        by=personas.community_operator,
        name="市场消防月查",
        unit=personas.units["community"],
        every=1,
        period_unit="months",
        starts_on=timezone.localdate(),
        checklist=["消防通道畅通", "灭火器在有效期内"],
        place=market,
    )
    inspections.generate_tasks()
    task = InspectionTask.objects.get()

    page = open_page("phone")
    log_in(page, personas.grid_worker.username)
    page.goto("/hazards/field/")
    expect(page.get_by_role("heading", level=1)).to_have_text("我的排查任务")
    shot(page, "tasks")
    page.get_by_role("link", name="开始排查").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("幸福农贸市场")

    # Submitting with an item unanswered is refused, nothing is written.
    page.locator("[data-item='0']").get_by_label("合格").check()
    page.get_by_role("button", name="提交排查").click()
    expect(page.locator("[data-item='1'] .errorlist")).to_contain_text("请对此项作答")
    assert not InspectionTask.objects.filter(pk=task.pk, status=TaskStatus.DONE).exists()
    shot(page, "missing-answer")

    page.locator("[data-item='0']").get_by_label("合格").check()
    page.locator("[data-item='1']").get_by_label("存在问题").check()
    page.locator("[data-item='1']").get_by_label("说明（可不填）").fill("两具灭火器过期")
    page.get_by_role("button", name="用手机定位").click()
    expect(page.locator("[data-status]")).to_contain_text("经度 113.05，纬度 27.85")
    page.get_by_label("发现隐患，登记入台账").check()
    page.get_by_label("隐患类型").select_option("fire")
    page.get_by_label("隐患等级").select_option("ordinary")
    page.get_by_label("隐患名称").fill("灭火器过期")
    page.get_by_label("隐患描述").fill("市场东侧两具灭火器超过有效期。")
    page.get_by_label("整改措施").fill("更换灭火器并建立月检记录。")
    page.get_by_label("责任单位").select_option(label="社区1综治中心")
    page.get_by_label("整改期限（工作日）").fill("3")
    page.get_by_label("隐患照片（最多 3 张）").set_input_files(
        str(photo(tmp_path, "灭火器.jpg", (200, 40, 40)))
    )
    shot(page, "inspection-filled")
    page.get_by_role("button", name="提交排查").click()

    expect(page.locator(".messages")).to_contain_text("登记隐患 1 项")
    hazard = Hazard.objects.get()
    assert hazard.source == HazardSource.INSPECTION
    assert hazard.inspection is not None and hazard.inspection.task == task
    assert hazard.photos.count() == 1
    shot(page, "recorded")

    # Follow it from the phone: start, report rectified with a photo, verify on site.
    page.get_by_role("link", name="灭火器过期").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("灭火器过期")
    take_action(page, "开始整改").get_by_role("button", name="开始整改").click()
    expect(page.locator("#hazard-status")).to_have_text("整改中")
    form = take_action(page, "整改完成")
    form.get_by_label("整改情况").fill("已更换两具灭火器。")
    form.get_by_label("整改照片（最多 3 张）").set_input_files(
        str(photo(tmp_path, "新灭火器.jpg", (40, 160, 40)))
    )
    form.get_by_role("button", name="整改完成").click()
    expect(page.locator("#hazard-status")).to_have_text("已整改待核查")
    form = take_action(page, "核查")
    form.get_by_label("整改到位，核查通过").check()
    form.get_by_role("button", name="核查").click()
    expect(page.locator("#hazard-status")).to_have_text("已核查")
    expect(page.locator("details.action summary", has_text="销号")).to_have_count(0)
    shot(page, "verified")

    # The community operator signs it off at a desktop.
    desk = open_page("desktop")
    log_in(desk, personas.community_operator.username)
    desk.goto("/hazards/")
    desk.get_by_role("link", name="灭火器过期").click()
    take_action(desk, "销号").get_by_role("button", name="销号").click()
    expect(desk.locator("#hazard-status")).to_have_text("已销号")
    expect(desk.locator("ol.timeline")).to_contain_text("销号")
    shot(desk, "closed")
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.CLOSED
    assert hazard.photos.count() == 2

    # The inspection counts on the measures page: one task due, done on time.
    desk.goto(f"/hazards/measures/?month={task.scheduled_for:%Y-%m}")
    expect(desk.get_by_role("heading", level=1)).to_have_text("排查与走访考核")
    expect(desk.locator("table").first).to_contain_text("100%（1/1）")
    shot(desk, "measures")
