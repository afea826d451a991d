"""Playwright drives Debian's Chromium headless against the live test server.

Screenshots go to tests/browser/artifacts/ (gitignored): look at them.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cast import PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = str(Path(__file__).parent)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):  # type: ignore[no-untyped-def]
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):  # type: ignore[no-untyped-def]
    """Pages as a Chinese user sees them: Django picks its own words from Accept-Language."""
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def shot():  # type: ignore[no-untyped-def]
    """shot(page, "name") saves a full-page screenshot under artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:  # type: ignore[no-untyped-def]
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def new_page(browser):  # type: ignore[no-untyped-def]
    """new_page(viewport=...) opens another page beside `page` (another user, the public screen), closed
    when the test ends: a page left open would go on polling the live server during the next tests."""
    opened = []

    def open_page(**kwargs):  # type: ignore[no-untyped-def]
        other = browser.new_page(**{"locale": "zh-CN", **kwargs})
        opened.append(other)
        return other

    yield open_page
    for other in opened:
        other.close()


@pytest.fixture
def offline(page, live_server):  # type: ignore[no-untyped-def]
    """Abort every request that does not go to the live server: the pages must need no internet."""
    origin = live_server.url
    page.route(
        re.compile(r".*"),
        lambda route: route.continue_() if route.request.url.startswith(origin) else route.abort(),
    )
    return page


@pytest.fixture
def console_errors(page) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield errors


@pytest.fixture
def login(live_server):  # type: ignore[no-untyped-def]
    """login(page, "supervisor") signs in through the real login form."""

    def do(page, username: str) -> None:  # type: ignore[no-untyped-def]
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")

    return do
