from playwright.sync_api import expect

from tests.browser.helpers import screenshot_both_widths, sign_in
from tests.factories import TEST_PASSWORD, ClinicAdminFactory, PatientFactory


def test_a_clinic_admin_opens_a_patients_access_log_from_the_chart(live_server, page):
    ClinicAdminFactory(username="carmen", first_name="Carmen", last_name="Diaz")
    patient = PatientFactory(given_name="Maria", family_name="Lopez")
    sign_in(page, live_server.url, "carmen", TEST_PASSWORD)
    page.goto(f"{live_server.url}/patients/{patient.public_id}/")

    page.get_by_role("link", name="Access log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Access log")
    # Opening the chart a moment ago is the first line of the log.
    views = page.get_by_role("table", name="Views of this patient's record, newest first")
    expect(views.get_by_role("row")).to_have_count(2)
    expect(views).to_contain_text("Carmen Diaz")
    expect(views).to_contain_text("Chart")
    screenshot_both_widths(page, "access-log")

    page.get_by_label("Page").select_option("session")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_test_id("no-events")).to_have_text("No views match these filters.")
