"""The idle warning: a minute before the session ends, 'Stay signed in'; when it has ended, the sign-in page says why.

The page's timers run on Playwright's fake clock; the server's clock is moved with time-machine to match.
"""

import datetime as dt

import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.helpers import sign_in
from tests.factories import TEST_PASSWORD, PractitionerFactory


def _signed_in_alice(live_server, page):
    PractitionerFactory(username="alice")
    page.clock.install()
    sign_in(page, live_server.url, "alice", TEST_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")


def test_a_minute_before_the_end_stay_signed_in_keeps_the_session(live_server, page):
    _signed_in_alice(live_server, page)
    warning = page.get_by_role("alert").filter(has_text="You will be signed out in 1 minute")
    page.clock.run_for("13:50")
    expect(warning).to_have_count(0)
    page.clock.run_for("00:15")
    expect(warning).to_be_visible()
    with page.expect_response(lambda response: response.url.endswith("/accounts/keep-alive/")) as keep_alive:
        warning.get_by_role("button", name="Stay signed in").click()
    assert keep_alive.value.status == 204
    expect(warning).to_have_count(0)


def test_when_time_runs_out_the_page_goes_to_sign_in_and_says_why(live_server, page):
    _signed_in_alice(live_server, page)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16), tick=True):
        page.clock.run_for("15:05")
        expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
        expect(page.get_by_text("You were signed out after 15 minutes without activity.")).to_be_visible()
