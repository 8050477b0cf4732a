"""Journeys through the real pages in headless Chromium, as each person sees them.

One case goes the whole way: a resident reports it from a phone with a photo and GPS and tracks
it; the community operator accepts it and dispatches it to 人社局; the department's handler
claims and resolves it; the operator verifies and closes it; the resident rates the outcome.
Then a grid worker reports and handles a case on the spot, and a user without scope gets a 404.
Screenshots of every step go to var/test-artifacts/screenshots/ (see conftest.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PIL import Image, ImageDraw

pytest.importorskip(
    "playwright.sync_api",
    reason="Playwright not installed: pip install -e '.[dev]' (make test does)",
)
from playwright.sync_api import Locator, Page, expect

from fengqiao.cases.choices import Status
from fengqiao.cases.models import Case
from fengqiao.cases.tests.factories import make_case

from .conftest import Device, log_in

if TYPE_CHECKING:
    from fengqiao.conftest import Personas

OpenPage = Callable[[Device], Page]
Shot = Callable[[Page, str], Path]

DESCRIPTION = "小区北门路灯坏了一个多月，晚上一片漆黑，老人出门很不方便，希望尽快修好。"
OUTCOME = "已联系物业更换北门两盏路灯，现场复查照明正常。"


def photo(folder: Path) -> Path:
    """A phone photo stand-in: a small JPEG with something drawn on it."""
    path = folder / "路灯.jpg"
    image = Image.new("RGB", (640, 480), (40, 60, 90))
    draw = ImageDraw.Draw(image)
    draw.rectangle((300, 80, 340, 460), fill=(120, 120, 120))
    draw.ellipse((270, 40, 370, 120), fill=(230, 220, 120))
    image.save(path, "JPEG", quality=85)
    return path


def action(page: Page, label: str) -> Locator:
    """The <details> of one action on the case page, by its exact summary (受理, not 不予受理)."""
    summary = page.locator("summary", has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))
    return page.locator("details.action").filter(has=summary)


def take_action(page: Page, label: str) -> Locator:
    """Open an action's <details>; the returned form is filled in and submitted by the caller."""
    details = action(page, label)
    details.locator("summary").click()
    expect(details.get_by_role("button", name=label, exact=True)).to_be_visible()
    return details


def open_case_from_my_work(page: Page, number: str) -> None:
    page.get_by_role("navigation").get_by_role("link", name="我的工作").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的工作")
    page.get_by_role("link", name=number).click()
    # A resident's report is titled with the start of its description.
    expect(page.get_by_role("heading", level=1)).to_contain_text(DESCRIPTION[:8])


def case_status(page: Page) -> Locator:
    """The first card of the case page: title line with the status, and the facts."""
    return page.locator("main section.card").first


def wait_for_case_map(page: Page) -> None:
    expect(page.locator("#case-map path.leaflet-interactive").first).to_be_attached()


def test_resident_report_is_handled_closed_and_rated(
    open_page: OpenPage, shot: Shot, personas: Personas, tmp_path: Path
) -> None:
    resident = open_page("phone")
    code = resident_reports_with_photo_and_gps(resident, shot, tmp_path)
    number = resident_tracks_by_code(resident, shot, code)

    operator = open_page("desktop")
    operator_accepts_and_dispatches(operator, shot, personas, number)

    handler = open_page("desktop")
    handler_claims_and_resolves(handler, shot, personas, number)
    operator_verifies_and_closes(operator, shot, number)

    resident_rates_the_outcome(resident, shot, code)
    case = Case.objects.get(tracking_code=code)
    assert case.status == Status.CLOSED and case.rating == "satisfied"
    assert case.current_unit == personas.department and case.attachments.count() == 1


def resident_reports_with_photo_and_gps(page: Page, shot: Shot, folder: Path) -> str:
    page.goto("/r/")
    expect(page.get_by_role("heading", level=1)).to_have_text("我要反映")
    # The pick map has drawn the community outlines and names from the public GeoJSON.
    expect(page.locator(".leaflet-tooltip.area-name").first).to_be_visible()
    shot(page, "report-form")

    page.get_by_role("radio", name="公共设施").check()
    page.get_by_label("问题描述").fill(DESCRIPTION)
    page.get_by_label("照片（可不传，最多 3 张）").set_input_files(photo(folder))
    page.get_by_role("button", name="使用我的当前位置").click()
    expect(page.locator("#location-status")).to_contain_text("113.05000, 27.85000")
    expect(page.locator(".leaflet-marker-icon")).to_be_visible()
    page.get_by_label("联系人（可不填）").fill("王小明")
    page.get_by_label("联系电话（可不填）").fill("13912345678")
    shot(page, "report-filled")

    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("提交成功，我们会尽快处理")
    code = re.sub(r"\s+", "", page.locator(".tracking-code").inner_text())
    assert re.fullmatch(r"[2-9A-Z]{12}", code), code
    shot(page, "tracking-code")
    return code


def resident_tracks_by_code(page: Page, shot: Shot, code: str) -> str:
    """Look the case up by its code; returns the case number the status page shows."""
    page.get_by_role("navigation").get_by_role("link", name="查询进度").click()
    # Typed as people copy it from the screen: in groups of four, in lower case.
    page.get_by_label("查询码").fill(" ".join([code[:4], code[4:8], code[8:]]).lower())
    shot(page, "track-form")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("办理进度")
    expect(page.locator("dl.facts .badge")).to_have_text("待受理")
    expect(page.locator("ol.timeline")).to_contain_text("上报")
    # The public view never shows what was reported or by whom.
    expect(page.locator("main")).not_to_contain_text("王小明")
    expect(page.locator("main")).not_to_contain_text(DESCRIPTION)
    shot(page, "status-submitted")
    number = page.locator("dl.facts dd").first.inner_text()
    assert re.fullmatch(r"FQ-\d{8}-\d{5}", number), number
    return number


def operator_accepts_and_dispatches(
    page: Page, shot: Shot, personas: Personas, number: str
) -> None:
    log_in(page, personas.community_operator.username)
    page.get_by_role("navigation").get_by_role("link", name="我的工作").click()
    expect(page.get_by_role("row").filter(has_text=number)).to_contain_text("待受理")
    shot(page, "operator-my-work")
    open_case_from_my_work(page, number)
    expect(case_status(page)).to_contain_text("待受理")
    expect(case_status(page)).to_contain_text("139****5678")  # the reporter's phone, masked
    expect(case_status(page)).not_to_contain_text("13912345678")
    photo = page.locator(".attachments img")
    photo.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=photo.element_handle()
    )
    wait_for_case_map(page)
    shot(page, "operator-case")

    accept = take_action(page, "受理")
    accept.get_by_label("说明").fill("已电话联系反映人，情况属实。")
    accept.get_by_role("button", name="受理", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已受理。")
    expect(case_status(page)).to_contain_text("已受理")

    dispatch = take_action(page, "交办")
    dispatch.get_by_label("承办单位").select_option(label="人社局")
    dispatch.get_by_label("交办意见").fill("请人社局协调物业办理。")
    shot(page, "operator-dispatch-form")
    dispatch.get_by_role("button", name="交办", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已交办。")
    expect(case_status(page)).to_contain_text("已交办")
    expect(case_status(page)).to_contain_text("人社局")
    expect(page.locator("ol.timeline > li")).to_contain_text(["上报", "受理", "交办"])
    expect(page.locator("ol.timeline > li").last).to_contain_text("人社局")
    wait_for_case_map(page)
    shot(page, "operator-dispatched")


def handler_claims_and_resolves(page: Page, shot: Shot, personas: Personas, number: str) -> None:
    log_in(page, personas.department_handler.username)
    open_case_from_my_work(page, number)
    expect(case_status(page)).to_contain_text("已交办")
    take_action(page, "签收").get_by_role("button", name="签收", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已签收。")
    expect(case_status(page)).to_contain_text("办理中")

    resolve = take_action(page, "办结")
    resolve.get_by_label("办理结果").fill(OUTCOME)
    shot(page, "handler-resolve-form")
    resolve.get_by_role("button", name="办结", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已办结。")
    expect(case_status(page)).to_contain_text("已办结待核查")
    expect(case_status(page)).to_contain_text(OUTCOME)
    wait_for_case_map(page)
    shot(page, "handler-resolved")


def operator_verifies_and_closes(page: Page, shot: Shot, number: str) -> None:
    open_case_from_my_work(page, number)
    verify = take_action(page, "核查")
    verify.get_by_label("通过，结案").check()
    verify.get_by_label("核查意见").fill("已电话回访，路灯修好。")
    verify.get_by_role("button", name="核查", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已核查。")
    expect(case_status(page)).to_contain_text("已结案")
    expect(page.locator("ol.timeline > li")).to_contain_text(
        ["上报", "受理", "交办", "签收", "办结", "核查结案"]
    )
    wait_for_case_map(page)
    shot(page, "operator-closed")


def resident_rates_the_outcome(page: Page, shot: Shot, code: str) -> None:
    page.goto(f"/r/t/{code}/")
    expect(page.locator("dl.facts .badge")).to_have_text("已结案")
    expect(page.locator("ol.timeline")).to_contain_text(OUTCOME)
    feedback = page.locator("#feedback")
    feedback.get_by_label("满意", exact=True).check()
    feedback.get_by_label("意见").fill("修得很快，谢谢！")
    shot(page, "rate-form")
    with page.expect_response(lambda r: r.url.endswith("/rate/")) as posted:
        feedback.get_by_role("button", name="提交评价").click()
    assert posted.value.status == 302, f"the rating was refused: HTTP {posted.value.status}"
    expect(page.locator(".messages")).to_contain_text("感谢您的评价。")
    expect(page.locator("dl.facts")).to_contain_text(re.compile(r"您的评价\s*满意"))
    expect(page.locator("#feedback")).to_have_count(0)  # rated once; the form is gone
    shot(page, "rated")


def test_grid_worker_handles_a_case_on_the_spot(
    open_page: OpenPage, shot: Shot, personas: Personas
) -> None:
    page = open_page("phone")
    log_in(page, personas.grid_worker.username)
    page.goto("/grid/report/")
    expect(page.get_by_role("heading", level=1)).to_have_text("现场上报")
    # The worker's grid outline is drawn (on a canvas: the map prefers it on phones).
    expect(page.locator("#pick-map .leaflet-overlay-pane canvas")).to_be_attached()
    shot(page, "report-form")

    page.get_by_label("事件类别").select_option("dispute-neighbour")
    page.get_by_label("事件描述").fill("3栋楼道两户因堆放杂物争吵，已到场调解。")
    page.get_by_role("button", name="用手机定位").click()
    expect(page.locator("[data-status]")).to_contain_text("经度 113.05，纬度 27.85")
    outcome = page.get_by_label("处置结果")
    expect(outcome).to_be_hidden()
    page.get_by_label("已现场处置（即时处置）").check()
    outcome.fill("双方同意当天清理杂物，楼道已通畅。")
    shot(page, "report-filled")
    page.get_by_role("button", name="提交上报").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("已记录即时处置")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("已结案")
    expect(facts).to_contain_text("街1社区1网格1")
    expect(facts).to_contain_text("双方同意当天清理杂物")
    shot(page, "done")
    number = page.locator(".case-number strong").inner_text()
    case = Case.objects.get(number=number)
    assert case.status == Status.CLOSED and case.handled_on_spot
    assert case.reporter == personas.grid_worker


def test_user_out_of_scope_gets_a_404(open_page: OpenPage, shot: Shot, personas: Personas) -> None:
    case = make_case(title="楼上漏水影响楼下住户")
    page = open_page("desktop")
    log_in(page, personas.outsider.username)
    response = page.goto(f"/cases/{case.number}/")
    assert response is not None and response.status == 404
    expect(page.locator("body")).not_to_contain_text(case.title)
    shot(page, "not-found")


def test_leader_sees_cases_on_the_map_and_home_page(
    open_page: OpenPage, shot: Shot, personas: Personas
) -> None:
    for _ in range(3):
        make_case()
    page = open_page("desktop")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, personas.district_leader.username)
    page.goto("/cases/map/")
    page.wait_for_function("document.getElementById('cases-map').dataset.loaded === '3'")
    shot(page, "case-map")
    page.goto("/")
    page.wait_for_function("Number(document.getElementById('map').dataset.loaded || 0) > 0")
    shot(page, "home")
    assert errors == []
