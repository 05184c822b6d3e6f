import pytest
from playwright.sync_api import expect

from clinic.access import Role
from tests.browser.helpers import screenshot_both_widths, sign_in
from tests.factories import TEST_PASSWORD, ClinicAdminFactory, FrontDeskFactory, PractitionerFactory

PERSONAS = {
    Role.PRACTITIONER: (
        PractitionerFactory,
        "alice",
        ["Home", "Patients", "Day sheet", "Week", "My schedule", "Outcomes"],
    ),
    Role.FRONT_DESK: (FrontDeskFactory, "fiona", ["Home", "Patients", "Day sheet", "Week"]),
    Role.CLINIC_ADMIN: (
        ClinicAdminFactory,
        "carmen",
        ["Home", "Patients", "Day sheet", "Week", "Outcomes", "Staff", "Settings"],
    ),
}


def test_login_page_looks_right_and_is_accessible(live_server, page):
    page.goto(live_server.url)
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    screenshot_both_widths(page, "login")


@pytest.mark.parametrize("role", list(PERSONAS), ids=lambda role: role.name.lower())
def test_each_role_signs_in_to_its_home_and_sees_only_its_navigation(live_server, page, role):
    factory, username, expected_nav = PERSONAS[role]
    factory(username=username, first_name=username.title())
    sign_in(page, live_server.url, username, TEST_PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_test_id("role-name")).to_have_text(role.label)
    nav_links = page.get_by_role("navigation", name="Main").locator(".navbar-nav .nav-link")
    expect(nav_links).to_have_text(expected_nav)
    screenshot_both_widths(page, f"home-{role.name.lower()}")


def test_wrong_password_shows_one_clear_error_without_hints(live_server, page):
    PractitionerFactory(username="alice")
    sign_in(page, live_server.url, "alice", "not-the-password")

    error = page.get_by_role("alert")
    expect(error).to_contain_text("do not match an active staff account")
    expect(page.get_by_label("Password")).to_have_value("")
    sign_in(page, live_server.url, "no-such-user", "not-the-password")
    expect(page.get_by_role("alert")).to_have_text(error.inner_text())


def test_sign_out_returns_to_the_login_page_and_closes_the_session(live_server, page):
    FrontDeskFactory(username="fiona")
    sign_in(page, live_server.url, "fiona", TEST_PASSWORD)
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")


def test_keyboard_users_can_sign_in_and_skip_to_the_content(live_server, page):
    PractitionerFactory(username="alice")
    page.goto(f"{live_server.url}/accounts/login/")
    # The login form puts the cursor in the username field.
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type("alice")
    page.keyboard.press("Tab")
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/")

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Change your password")).to_be_focused()


@pytest.mark.parametrize("role", list(PERSONAS), ids=lambda role: role.name.lower())
def test_the_navigation_fits_a_tablet_without_sideways_scrolling(live_server, page, role):
    factory, username, expected_nav = PERSONAS[role]
    factory(username=username)
    page.set_viewport_size({"width": 768, "height": 1000})
    sign_in(page, live_server.url, username, TEST_PASSWORD)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    nav = page.get_by_role("navigation", name="Main")
    for label in expected_nav:
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
