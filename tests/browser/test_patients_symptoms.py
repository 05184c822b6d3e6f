import pytest
from playwright.sync_api import expect

from patients.models import SymptomRecord
from tests.browser.helpers import screenshot_both_widths, sign_in
from tests.factories import TEST_PASSWORD, ConsentFactory, PatientFactory, PractitionerFactory, SymptomRecordFactory


@pytest.fixture
def patient():
    return PatientFactory(given_name="Grace", family_name="Okonkwo")


@pytest.mark.parametrize("width", [768, 1280])
def test_a_practitioner_places_symptoms_by_diagram_keyboard_and_list(live_server, page, patient, width):
    PractitionerFactory(username="alice")
    ConsentFactory(patient=patient)
    page.set_viewport_size({"width": width, "height": 1000})
    sign_in(page, live_server.url, "alice", TEST_PASSWORD)
    page.goto(f"{live_server.url}/patients/{patient.public_id}/symptoms/new/")

    diagram = page.get_by_role("group", name="Foot diagram: choose places on the feet")
    diagram.get_by_role("checkbox", name="Left heel, inner side, on the diagram").click()
    diagram.get_by_role("checkbox", name="Right arch, on the diagram").click()
    expect(page.get_by_label("Left heel, inner side", exact=True)).to_be_checked()
    expect(page.get_by_label("Right arch", exact=True)).to_be_checked()

    right_ball = diagram.get_by_role("checkbox", name="Right ball of foot, on the diagram")
    right_ball.focus()
    page.keyboard.press("Space")
    expect(page.get_by_label("Right ball of foot", exact=True)).to_be_checked()
    expect(right_ball).to_have_attribute("aria-checked", "true")

    page.get_by_label("Right arch", exact=True).uncheck()
    expect(diagram.get_by_role("checkbox", name="Right arch, on the diagram")).to_have_attribute(
        "aria-checked", "false"
    )

    page.get_by_role("combobox", name="Symptom").select_option("heel_pain")
    page.get_by_label("Severity (0–10)").fill("7")
    if width == 1280:
        screenshot_both_widths(page, "symptoms-form")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_role("alert").filter(has_text="Recorded heel pain (7/10)")).to_be_visible()
    record = SymptomRecord.objects.get()
    assert sorted(record.spots) == ["left:heel_medial", "right:ball"]
    page.goto(f"{live_server.url}/patients/{patient.public_id}/symptoms/")
    expect(page.get_by_role("cell", name="Left heel, inner side, Right ball of foot")).to_be_visible()


def test_the_history_shows_the_first_and_latest_maps(live_server, page, patient):
    PractitionerFactory(username="alice")
    import datetime as dt

    today = dt.date.today()
    SymptomRecordFactory(
        patient=patient, recorded_on=today - dt.timedelta(days=42), spots=["left:heel_medial", "left:arch"], severity=8
    )
    SymptomRecordFactory(
        patient=patient,
        recorded_on=today - dt.timedelta(days=42),
        symptom="numbness",
        spots=["right:toes", "left:toes"],
        severity=5,
    )
    SymptomRecordFactory(patient=patient, recorded_on=today, spots=["left:heel_medial"], severity=3)
    SymptomRecordFactory(patient=patient, recorded_on=today, symptom="numbness", spots=["right:toes"], severity=4)
    sign_in(page, live_server.url, "alice", TEST_PASSWORD)
    page.goto(f"{live_server.url}/patients/{patient.public_id}/symptoms/")
    changes = page.get_by_test_id("symptom-changes")
    expect(changes).to_contain_text("Left heel, inner side: 8 → 3 (-5, better)")
    expect(changes).to_contain_text("Left arch: was 8/10, no longer reported")
    expect(page.get_by_role("img", name="At the first visit")).to_be_visible()
    screenshot_both_widths(page, "symptoms-history")
    page.goto(f"{live_server.url}{patient.get_absolute_url()}")
    expect(page.get_by_test_id("symptoms-section")).to_be_visible()
    screenshot_both_widths(page, "chart-with-symptoms")
