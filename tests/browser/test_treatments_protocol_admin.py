"""A clinic admin adds a protocol in Settings (the admin), picking its points from the catalogue."""

import re

from playwright.sync_api import expect

from tests.browser.helpers import screenshot_both_widths, sign_in
from tests.factories import TEST_PASSWORD, ClinicAdminFactory
from treatments.models import Protocol


def pick_point(page, row, search: str, option: str) -> None:
    """The point field is a searchable picker (Django's autocomplete): open it, type, choose."""
    row.locator(".select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=option).first.click()


def test_a_clinic_admin_adds_a_protocol_with_two_points_and_sees_it_listed(live_server, page, transactional_db):
    ClinicAdminFactory(username="carmen", first_name="Carmen", last_name="Diaz")
    sign_in(page, live_server.url, "carmen", TEST_PASSWORD)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings", exact=True).click()
    page.get_by_role("link", name="Protocols", exact=True).click()
    expect(page.get_by_role("link", name="Heel pain")).to_be_visible()
    page.get_by_role("link", name=re.compile("Add protocol")).click()

    page.get_by_label("Name:", exact=True).fill("Ball of foot pain")
    page.get_by_label("Description").fill("Pain under the ball of the foot: local points and the toe webs.")
    rows = page.locator("tr.form-row.dynamic-protocol_points")
    pick_point(page, rows.nth(0), "ST44", "ST44 Neiting")
    page.locator(".add-row a", has_text="Add another point").click()
    pick_point(page, rows.nth(1), "eight winds", "EX-LE10 Bafeng")
    rows.nth(1).get_by_label("Side").select_option("left")
    page.get_by_role("button", name="Save and continue editing").click()

    expect(page.locator(".messagelist")).to_contain_text("Ball of foot pain")
    protocol = Protocol.objects.get(name="Ball of foot pain")
    assert [(pp.point.code, pp.side) for pp in protocol.protocol_points.select_related("point")] == [
        ("ST44", "both"),
        ("EX-LE10", "left"),
    ]
    screenshot_both_widths(page, "admin-protocol-change")

    page.get_by_role("link", name="Protocols").last.click()
    listed = page.locator("#result_list tbody tr", has_text="Ball of foot pain")
    expect(listed).to_be_visible()
    expect(listed).to_contain_text("2")
    screenshot_both_widths(page, "admin-protocol-list")


def test_the_same_point_twice_is_refused_at_the_point_in_the_browser(live_server, page, transactional_db):
    ClinicAdminFactory(username="carmen")
    sign_in(page, live_server.url, "carmen", TEST_PASSWORD)
    page.goto(f"{live_server.url}/admin/treatments/protocol/add/")
    page.get_by_label("Name:", exact=True).fill("Twice KI3")
    rows = page.locator("tr.form-row.dynamic-protocol_points")
    pick_point(page, rows.nth(0), "KI3", "KI3 Taixi")
    page.locator(".add-row a", has_text="Add another point").click()
    pick_point(page, rows.nth(1), "great ravine", "KI3 Taixi")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".errorlist").first).to_contain_text("KI3 is already in this protocol (row 1).")
    assert not Protocol.objects.filter(name="Twice KI3").exists()
