"""The category suggestion on the staff entry page, in headless Chromium: typing asks for a
suggestion (htmx), its button selects the category, and the case is recorded with it."""

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

from fengqiao.cases.models import Category
from fengqiao.regions.models import Region
from fengqiao.textintel import classifier
from fengqiao.textintel.models import CategorySuggestion
from fengqiao.textintel.tests.fixtures import CATEGORY_CODES, messages

from .conftest import Device, log_in

if TYPE_CHECKING:
    from pytest_django.fixtures import Settings

    from fengqiao.conftest import Personas

OpenPage = Callable[[Device], Page]
Shot = Callable[[Page, str], Path]


def test_staff_take_the_suggested_category_while_typing(
    open_page: OpenPage, shot: Shot, personas: Personas, settings: Settings, tmp_path: Path
) -> None:
    rows = messages(per_class=20)
    model = classifier.train([t for t, _ in rows], [CATEGORY_CODES[label] for _, label in rows])
    settings.TEXTINTEL_MODEL = tmp_path / "category-model.bin"
    classifier.save(model, settings.TEXTINTEL_MODEL)
    suggested = Category.objects.get(code="request-other")
    assert suggested.parent is not None
    label = f"{suggested.parent.name} / {suggested.name}"
    grid = Region.objects.get(code="430299001001001")

    page = open_page("desktop")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, personas.community_operator.username)
    page.goto("/cases/new/")
    suggestion = page.locator("#category-suggestion")
    expect(suggestion).to_be_empty()
    page.get_by_label("标题").fill("学校违规补课乱收费")
    page.get_by_label("描述").fill("我们老师附近的学校违规补课乱收费，学生家长反映，请尽快处理。")
    expect(suggestion).to_contain_text(f"建议类别：{label}")
    expect(suggestion).to_contain_text("置信度")
    shot(page, "suggested")
    page.get_by_role("button", name="采用此类别").click()
    expect(page.get_by_label("类别")).to_have_value(str(suggested.pk))
    expect(suggestion.get_by_role("button")).to_have_text("已采用")
    page.get_by_label("所在网格或社区（没有地图位置时）").select_option(str(grid.pk))
    page.get_by_role("button", name="登记", exact=True).click()

    expect(page.get_by_text("已登记事件")).to_be_visible()
    record = CategorySuggestion.objects.get()
    assert record.accepted and record.chosen_category == suggested
    assert record.by == personas.community_operator
    assert errors == []
