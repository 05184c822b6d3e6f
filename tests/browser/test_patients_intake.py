"""Alice records a new patient's consent, intake and diagnosis, and the chart's safety banner follows."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.helpers import screenshot_both_widths, sign_in
from tests.factories import TEST_PASSWORD, FrontDeskFactory, PatientFactory, PractitionerFactory


def _chart(live_server, patient) -> str:
    return f"{live_server.url}{patient.get_absolute_url()}"


def test_a_practitioner_records_consent_intake_and_diagnosis_and_the_banner_follows(live_server, page):
    PractitionerFactory(username="alice", first_name="Alice", last_name="Chen")
    FrontDeskFactory(username="fiona", first_name="Fiona", last_name="Walsh")
    patient = PatientFactory(
        given_name="Maria",
        family_name="Lopez",
        phone="(555) 010-2030",
        city="Portland",
        region="OR",
        emergency_contact_name="Luis Lopez",
        emergency_contact_relationship="husband",
        emergency_contact_phone="(555) 010-4455",
    )
    today = timezone.localdate()
    sign_in(page, live_server.url, "alice", TEST_PASSWORD)

    page.goto(_chart(live_server, patient))
    banner = page.get_by_test_id("safety-banner")
    expect(banner).to_contain_text("No consent on file")

    # Consent first: without it no treatment can be logged.
    page.get_by_role("link", name="Record consent").click()
    expect(page.get_by_role("heading", name="Record consent to treatment")).to_be_visible()
    expect(page.get_by_label("Signed on")).to_have_value(today.isoformat())
    page.get_by_label("Electroacupuncture").check()
    screenshot_both_widths(page, "consent-form")
    page.get_by_role("button", name="Record consent").click()
    expect(page.get_by_text("Consent recorded")).to_be_visible()
    expect(banner).not_to_contain_text("No consent on file")

    # The intake, with one mistake first: a VAS of 11.
    page.get_by_role("link", name="Complete intake").click()
    expect(page.get_by_role("heading", name="Intake consultation")).to_be_visible()
    page.get_by_label("Which foot").select_option("left")
    page.get_by_label("Pain or symptoms began").fill((today - timedelta(days=90)).isoformat())
    page.get_by_label("First steps in the morning").check()
    page.get_by_label("After sitting or rest").check()
    page.get_by_label("Complaint in the patient's words").fill("Sharp heel pain on getting out of bed.")
    page.locator("#id_prior-0-kind").select_option("orthotics")
    page.locator("#id_prior-0-outcome").select_option("partly")
    page.get_by_label("Height (cm)").fill("165")
    page.get_by_label("Weight (kg)").fill("72")
    page.get_by_label("Hours a day standing").fill("8")
    page.get_by_label("Tight calf muscles").check()
    page.get_by_label("Pacemaker or other implanted electrical device").check()
    page.get_by_label("Which device").fill("Pacemaker")
    page.get_by_label("Pregnant").check()
    page.get_by_label("Expected date of delivery").fill((today + timedelta(days=120)).isoformat())
    screenshot_both_widths(page, "intake-form")
    page.get_by_label("First-step pain in the morning").fill("11")
    page.get_by_label("Average pain over the last week").fill("6.0")
    page.get_by_role("button", name="Save intake").click()

    first_step = page.get_by_label("First-step pain in the morning")
    expect(first_step).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_baseline_first_step_pain_error")).to_have_text(
        "Enter a score from 0 (no pain) to 10 (worst imaginable)."
    )
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")
    # What was typed is kept, so only the mistake needs fixing.
    expect(page.get_by_label("Which device")).to_have_value("Pacemaker")
    screenshot_both_widths(page, "intake-form-errors")
    first_step.fill("7.5")
    page.get_by_role("button", name="Save intake").click()
    expect(page.get_by_text("Intake recorded.")).to_be_visible()

    # A diagnosis.
    page.get_by_role("link", name="Add diagnosis").click()
    page.get_by_label("Diagnosis (ICD-10-CM)").select_option("M72.2")
    page.get_by_label("Left", exact=True).check()
    screenshot_both_widths(page, "diagnosis-form")
    page.get_by_role("button", name="Add diagnosis").click()

    expect(banner).to_contain_text("Pacemaker — no electroacupuncture")
    expect(banner).to_contain_text("Pregnant — avoid LI4, SP6, BL60, BL67")
    expect(banner).not_to_contain_text("No consent")
    summary = page.get_by_test_id("intake-summary")
    expect(summary).to_contain_text("7.5")
    expect(summary).to_contain_text("6.0")
    expect(page.get_by_test_id("diagnoses")).to_contain_text("Plantar fasciitis")
    screenshot_both_widths(page, "chart-practitioner")

    # Withdrawing consent brings the warning back.
    page.get_by_role("link", name="Withdraw consent").click()
    screenshot_both_widths(page, "consent-withdraw")
    page.get_by_label("Reason").fill("Wants to pause treatment during pregnancy")
    page.get_by_role("button", name="Withdraw consent").click()
    expect(banner).to_contain_text("No consent on file")
    expect(page.get_by_test_id("consent")).to_contain_text("Wants to pause treatment during pregnancy")

    # Fiona at the front desk sees who Maria is, and nothing clinical.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server.url, "fiona", TEST_PASSWORD)
    page.goto(_chart(live_server, patient))
    expect(page.get_by_role("heading", name="Maria Lopez")).to_be_visible()
    expect(page.get_by_test_id("safety-banner")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("Pacemaker")
    expect(page.locator("main")).not_to_contain_text("Plantar fasciitis")
    screenshot_both_widths(page, "chart-front-desk")


def _tab_to(page, locator, limit: int = 40) -> None:
    """Press Tab until `locator` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if locator.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{locator} cannot be reached with Tab")


def test_consent_can_be_recorded_with_the_keyboard_alone(live_server, page):
    PractitionerFactory(username="alice")
    patient = PatientFactory()
    sign_in(page, live_server.url, "alice", TEST_PASSWORD)
    page.goto(_chart(live_server, patient))
    _tab_to(page, page.get_by_role("link", name="Record consent"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Record consent to treatment")).to_be_visible()
    _tab_to(page, page.get_by_label("Heat or moxibustion"))
    page.keyboard.press("Space")
    _tab_to(page, page.get_by_role("button", name="Record consent"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Consent recorded: covers acupuncture, heat.")).to_be_visible()
