"""Real-browser tests: Debian's headless Chromium, driven by Playwright, against the live server.

A plain test package, not a Django app. The browser is the system one (``/usr/bin/chromium``,
installed by ``scripts/ensure_chromium.sh``, which ``make test`` runs); nothing here downloads a
browser, and where Chromium is missing every test in this package skips and says why. The pages
are served by pytest-django's ``live_server`` (a real HTTP server in a thread, with a
transactional test database and static files), so the vendored Leaflet and scripts load.

Each journey saves full-page screenshots to ``var/test-artifacts/screenshots/`` for a person to
look at: the tests check what is on the page, the screenshots show how it looks.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from pytest_django.fixtures import Settings
    from pytest_django.live_server_helper import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
# The test machines have no internet: these flags stop Chromium from calling home, fetching
# components or syncing. No sandbox because CI runs the suite as root in a container.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "screenshots"
# The phone's GPS fix: inside grid 430299001001001 of the test tree (fengqiao/conftest.py).
HERE = {"latitude": 27.85, "longitude": 113.05}
DEVICES: dict[str, dict[str, Any]] = {
    # Residents and grid workers use phones; staff use a desktop browser.
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}
# Long enough for a slow CI machine; a missing element fails after this rather than hanging.
TIMEOUT_MS = 15_000

Device = Literal["phone", "desktop"]


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the package (starting it takes about a second)."""
    if not CHROMIUM.exists():
        message = "Chromium not installed: run scripts/ensure_chromium.sh (make test does)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; on CI the browser journeys must run, not skip")
        pytest.skip(message)
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        pytest.skip("Playwright not installed: pip install -e '.[dev]' (make test does)")
    # Playwright's sync API leaves its asyncio loop marked as running in this thread, so Django
    # would refuse ORM calls from the tests (SynchronousOnlyOperation) although nothing runs
    # concurrently: the loop only turns while a Playwright call waits. Allowed in this package
    # only; the variable and the loop both end with the package.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            expect.set_options(timeout=TIMEOUT_MS)
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    """Uploaded photos go to a temporary folder (the live server thread shares the settings)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def open_page(browser: Browser, live_server: LiveServer) -> Iterator[Callable[[Device], Page]]:
    """``open_page("phone")``: a page in a fresh browser context (its own cookies, so one per
    person), in Chinese and China's time zone, addressed relative to the live server; phones
    may use the GPS and stand in grid 430299001001001."""
    contexts = []

    def open_(device: Device) -> Page:
        extra: dict[str, Any] = {}
        if device == "phone":
            extra = {"geolocation": HERE, "permissions": ["geolocation"]}
        context = browser.new_context(
            base_url=live_server.url,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            **DEVICES[device],
            **extra,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


def log_in(page: Page, username: str) -> None:
    """Sign in through the real login form; personas have the password ``pw-<username>``
    (``make_user`` in fengqiao/conftest.py)."""
    from playwright.sync_api import expect

    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pw-" + username)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """``shot(page, "name")`` saves a full-page PNG as ``<test>-<n>-<name>.png``, numbered in
    the order taken; the test's screenshots from an earlier run are removed first."""
    test = re.sub(r"[^\w-]+", "_", request.node.name).strip("_")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob(f"{test}-[0-9][0-9]-*.png"):
        old.unlink()
    numbers = itertools.count(1)

    def take(page: Page, name: str) -> Path:
        path = SCREENSHOTS / f"{test}-{next(numbers):02d}-{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take
