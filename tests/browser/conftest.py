"""Playwright drives Debian's Chromium (never a downloaded browser) against live_server."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

CHROMIUM = "/usr/bin/chromium"
DESKTOP = {"width": 1280, "height": 900}
# Every browser test runs on an ordinary clinic morning (a Wednesday, away from daylight-saving weeks),
# whenever the suite itself runs. The clock ticks from there, so waits and timestamps still move.
BROWSER_NOW = dt.datetime(2026, 6, 10, 9, 30, tzinfo=ZoneInfo("America/New_York"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": DESKTOP, "locale": "en-US"}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def ordinary_clinic_morning(settings):
    # Chromium judges cookie expiry by the real clock, so cookies must not expire by the server's.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    with time_machine.travel(BROWSER_NOW, tick=True):
        yield
