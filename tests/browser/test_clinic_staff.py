"""Carmen (clinic admin) adds a practitioner on the Staff page, then deactivates them, in a real browser."""

import re

from playwright.sync_api import Page, expect

from clinic.models import User
from tests.browser.helpers import screenshot_both_widths, sign_in
from tests.factories import TEST_PASSWORD, ClinicAdminFactory


def field(page: Page, label: str):
    """A text box by its visible label, whether or not the label carries the required-field star."""
    return page.get_by_role("textbox", name=re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def test_a_clinic_admin_adds_a_practitioner_then_deactivates_them(live_server, page, transactional_db):
    ClinicAdminFactory(username="carmen", first_name="Carmen", last_name="Diaz")
    sign_in(page, live_server.url, "carmen", TEST_PASSWORD)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Staff", exact=True).click()
    expect(page.get_by_role("heading", name="Staff", exact=True)).to_be_visible()
    page.get_by_role("link", name="Add a staff member").click()

    field(page, "Username").fill("dana")
    field(page, "First name").fill("Dana")
    field(page, "Last name").fill("Okafor")
    field(page, "Professional title").fill("L.Ac.")
    field(page, "Email").fill("dana@stride.example")
    page.get_by_role("radio", name="Practitioner", exact=True).check()
    page.get_by_role("button", name=re.compile("Add and send")).click()

    expect(page.get_by_role("alert")).to_contain_text("Dana Okafor, L.Ac. was added")
    page.get_by_role("link", name="Dana Okafor, L.Ac.").click()
    field(page, "Reason").fill("Left the clinic")
    page.get_by_role("button", name="Deactivate and sign out everywhere").click()

    expect(page.get_by_role("alert")).to_contain_text("was deactivated")
    row = page.get_by_test_id("staff-row").filter(has_text="Dana Okafor")
    expect(row).to_contain_text("Deactivated")
    expect(row).to_contain_text("Left the clinic")
    dana = User.objects.get(username="dana")
    assert not dana.is_active
    assert not dana.is_superuser
    screenshot_both_widths(page, "staff")
