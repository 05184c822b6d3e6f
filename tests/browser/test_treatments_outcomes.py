from playwright.sync_api import expect

from tests.browser.helpers import screenshot_both_widths, sign_in
from tests.factories import TEST_PASSWORD, ClinicAdminFactory
from tests.treatments.test_outcomes import A, B, course


def test_a_clinic_admin_filters_the_outcomes_and_drills_down_to_the_plans(live_server, page):
    ClinicAdminFactory(username="carmen")
    course(A, "8.0", ["8.0", "7.0", "5.5", "4.0"], nsaid_start="daily", nsaid_end="none", relapsed=False)
    course(A, "6.0", ["6.0", "6.0", "5.0", "5.0", "4.5"], nsaid_start="daily", nsaid_end="daily", relapsed=True)
    course(B, "9.0", ["9.0", "6.0", "4.0", "3.0"])
    sign_in(page, live_server.url, "carmen", TEST_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Outcomes").click()

    table = page.get_by_role("table", name="Outcomes of completed plans")
    expect(table.get_by_role("row", name="All approaches")).to_contain_text("3")
    expect(page.get_by_test_id("active-filters")).to_contain_text("No filters")
    screenshot_both_widths(page, "outcomes")

    page.get_by_label("Approach", exact=True).select_option("acupuncture")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_test_id("active-filters")).to_contain_text("Approach: Acupuncture alone")
    alone = table.get_by_role("row", name="Acupuncture alone")
    expect(alone).to_contain_text("2.8 points")

    alone.get_by_role("link", name="1 of 2 followed up").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Plans followed up at 6 months")
    expect(page.get_by_role("row")).to_have_count(3)
    screenshot_both_widths(page, "outcomes-drilldown")

    page.goto(f"{live_server.url}/treatments/outcomes/?started_from=2026-05-01&started_to=2026-04-01")
    expect(page.get_by_test_id("filters-invalid")).to_be_visible()
    expect(page.get_by_text("The period ends before it starts.")).to_be_visible()
    expect(page.get_by_role("table", name="Outcomes of completed plans")).to_have_count(0)

    page.get_by_role("link", name="Outcomes", exact=True).first.click()
    page.get_by_role("link", name="Review queue").click()
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    screenshot_both_widths(page, "review-queue")
