"""Recording symptoms on the foot diagram, at tablet and desktop widths, and reading them back."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from patients.models import SymptomRecord
from tests.browser.helpers import screenshot_both_widths, sign_in
from tests.factories import TEST_PASSWORD, PatientFactory, PractitionerFactory, SymptomRecordFactory

TABLET = {"width": 768, "height": 1024}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def patient():
    return PatientFactory(given_name="Grace", family_name="Okonkwo", date_of_birth=dt.date(1971, 3, 9))


def place_on_diagram(page, name: str):
    return page.get_by_role("group", name="Foot diagram: choose where the patient feels it").get_by_role(
        "checkbox", name=name, exact=True
    )


def place_in_list(page, name: str):
    return page.locator("#spots-list").get_by_role("checkbox", name=name, exact=True)


@pytest.mark.parametrize("viewport", [TABLET, DESKTOP], ids=["tablet", "desktop"])
def test_a_practitioner_places_a_symptom_by_touch_keyboard_and_list(live_server, page, patient, viewport):
    PractitionerFactory(username="alice", first_name="Alice", last_name="Chen")
    page.set_viewport_size(viewport)
    sign_in(page, live_server.url, "alice", TEST_PASSWORD)
    page.goto(f"{live_server.url}/patients/{patient.public_id}/symptoms/new/")
    expect(page.get_by_role("heading", name="Record a symptom")).to_be_visible()

    # Two places by pointer: the drawing ticks the list.
    place_on_diagram(page, "Left heel, inner side").click()
    place_on_diagram(page, "Right arch").click()
    expect(place_in_list(page, "Left heel, inner side")).to_be_checked()
    expect(place_in_list(page, "Right arch")).to_be_checked()
    expect(place_on_diagram(page, "Left heel, inner side")).to_have_attribute("aria-checked", "true")

    # A third by keyboard: from the right arch, Tab reaches the next place on the drawing.
    place_on_diagram(page, "Right arch").focus()
    page.keyboard.press("Tab")
    expect(place_on_diagram(page, "Right heel, inner side")).to_be_focused()
    page.keyboard.press("Space")
    expect(place_in_list(page, "Right heel, inner side")).to_be_checked()
    expect(page.get_by_text("Chosen (3)")).to_be_visible()

    # Unticking the list clears the drawing.
    place_in_list(page, "Right arch").uncheck()
    expect(place_on_diagram(page, "Right arch")).to_have_attribute("aria-checked", "false")
    expect(page.get_by_text("Chosen (2)")).to_be_visible()

    page.get_by_text("Heel pain", exact=True).click()
    page.get_by_label("Severity").fill("7")
    expect(page.get_by_text("7/10 · severe")).to_be_visible()
    page.get_by_text("First steps in the morning").click()
    page.get_by_role("textbox", name="Note").fill("Sharp on getting up, eases after ten minutes")
    if viewport == DESKTOP:
        screenshot_both_widths(page, "symptoms-form")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page).to_have_url(f"{live_server.url}{patient.get_absolute_url()}")
    expect(page.get_by_text("Saved: heel pain, 7/10.")).to_be_visible()
    record = SymptomRecord.objects.get()
    assert sorted(record.spots) == ["left:heel_medial", "right:heel_medial"]
    assert (record.severity, record.timing, record.side) == (7, "first_steps", "both")

    page.goto(f"{live_server.url}/patients/{patient.public_id}/symptoms/")
    records = page.get_by_test_id("symptom-records")
    expect(records).to_contain_text("Left heel, inner side")
    expect(records).to_contain_text("Right heel, inner side")
    expect(records).to_contain_text("7/10")
    expect(records).to_contain_text("Alice Chen")


def test_bad_input_is_explained_and_the_chosen_places_survive(live_server, page, patient):
    PractitionerFactory(username="alice")
    page.set_viewport_size(TABLET)
    sign_in(page, live_server.url, "alice", TEST_PASSWORD)
    page.goto(f"{live_server.url}/patients/{patient.public_id}/symptoms/new/")
    place_on_diagram(page, "Left toes").click()
    page.get_by_text("Numbness", exact=True).click()
    page.get_by_label("Severity").fill("12")
    page.get_by_role("button", name="Save and record another").click()

    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")
    expect(page.locator("#severity-errors")).to_contain_text("whole number from 0 (none) to 10")
    expect(place_on_diagram(page, "Left toes")).to_have_attribute("aria-checked", "true")
    screenshot_both_widths(page, "symptoms-form-errors")
    assert not SymptomRecord.objects.exists()

    page.get_by_label("Severity").fill("4")
    page.get_by_role("button", name="Save and record another").click()
    expect(page.get_by_text("Saved: numbness, 4/10. Record the next symptom below.")).to_be_visible()
    expect(place_in_list(page, "Left toes")).not_to_be_checked()
    assert SymptomRecord.objects.count() == 1


def test_without_javascript_the_list_alone_records_the_places(live_server, browser, patient):
    PractitionerFactory(username="alice")
    context = browser.new_context(java_script_enabled=False, viewport=TABLET)
    page = context.new_page()
    sign_in(page, live_server.url, "alice", TEST_PASSWORD)
    page.goto(f"{live_server.url}/patients/{patient.public_id}/symptoms/new/")
    expect(page.get_by_role("group", name="Foot diagram: choose where the patient feels it")).to_be_hidden()
    place_in_list(page, "Right ball of foot").check()
    page.get_by_text("Burning", exact=True).click()
    page.get_by_label("Severity").fill("5")
    page.get_by_role("button", name="Save", exact=True).click()
    assert SymptomRecord.objects.get().spots == ["right:ball"]
    context.close()


def test_the_history_shows_the_first_and_latest_maps_and_every_record(live_server, page, patient):
    alice = PractitionerFactory(username="alice", first_name="Alice", last_name="Chen")
    today = dt.date.today()
    intake, mid, latest = today - dt.timedelta(days=49), today - dt.timedelta(days=21), today - dt.timedelta(days=2)

    def record(day, symptom, spots, severity, **extra):
        SymptomRecordFactory(
            patient=patient,
            recorded_on=day,
            symptom=symptom,
            spots=spots,
            severity=severity,
            recorded_by=alice,
            **extra,
        )

    record(
        intake,
        "heel_pain",
        ["left:heel_medial", "left:heel_central"],
        8,
        timing="first_steps",
        note="Worst on the first steps; better after ten minutes",
    )
    record(intake, "arch_pain", ["left:arch"], 5, timing="after_activity")
    record(intake, "tingling", ["right:toes", "right:ball"], 4, timing="at_night")
    record(intake, "stiffness", ["left:ankle"], 3)
    record(mid, "heel_pain", ["left:heel_medial", "left:heel_central"], 6, timing="first_steps")
    record(mid, "tingling", ["right:toes"], 4, timing="at_night")
    record(latest, "heel_pain", ["left:heel_medial"], 3, timing="first_steps", note="Walks the dog again")
    record(latest, "arch_pain", ["left:arch"], 0)
    record(latest, "tingling", ["right:toes", "left:toes"], 5, timing="at_night", note="Now in both feet")

    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server.url, "alice", TEST_PASSWORD)
    page.goto(f"{live_server.url}/patients/{patient.public_id}/symptoms/")

    expect(page.get_by_role("heading", name="Symptom history")).to_be_visible()
    expect(page.get_by_role("img", name="At first visit")).to_be_visible()
    expect(page.get_by_role("img", name="Latest")).to_be_visible()
    changes = page.get_by_test_id("symptom-changes")
    expect(changes.get_by_role("row", name="Left heel, inner side")).to_contain_text("8 3 −5 Better")
    expect(changes.get_by_role("row", name="Left arch")).to_contain_text("Resolved")
    expect(changes.get_by_role("row", name="Left toes")).to_contain_text("New")
    expect(changes.get_by_role("row", name="Left heel, centre")).to_contain_text("Resolved")
    expect(page.get_by_test_id("symptom-records").locator("tbody tr")).to_have_count(9)
    screenshot_both_widths(page, "symptoms-history")

    page.get_by_label("Show", exact=True).select_option("tingling")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_test_id("symptom-records").locator("tbody tr")).to_have_count(3)
    expect(page.get_by_role("heading", name="Every record: tingling (pins and needles)")).to_be_visible()


def test_the_history_of_a_patient_without_records_invites_the_first_one(live_server, page, patient):
    PractitionerFactory(username="alice")
    sign_in(page, live_server.url, "alice", TEST_PASSWORD)
    page.goto(f"{live_server.url}/patients/{patient.public_id}/symptoms/")
    expect(page.get_by_test_id("symptoms-section")).to_contain_text("No symptoms recorded yet")
    screenshot_both_widths(page, "symptoms-history-empty")
    page.get_by_role("link", name="Record symptoms").click()
    expect(page.get_by_role("heading", name="Record a symptom")).to_be_visible()
