"""A practitioner at a tablet (768 px) records a course of sessions: protocol, safety refusals, signing, amending."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.helpers import screenshot_both_widths, sign_in
from tests.factories import (
    TEST_PASSWORD,
    AppointmentFactory,
    ConsentFactory,
    DiagnosisFactory,
    IntakeFactory,
    LocationFactory,
    PatientFactory,
    PractitionerFactory,
    SymptomRecordFactory,
    TreatmentPlanFactory,
)
from treatments.models import Appointment, SessionAmendment, TreatmentSession, local_datetime
from treatments.sessions.point_catalogue import ensure_catalogue

TABLET = {"width": 768, "height": 1024}


def checked_in(patient, practitioner, plan, day: dt.date, hour: int) -> Appointment:
    return AppointmentFactory(
        patient=patient,
        practitioner=practitioner,
        plan=plan,
        location=LocationFactory(),
        starts_at=local_datetime(day, dt.time(hour)),
        status=Appointment.Status.CHECKED_IN,
        checked_in_at=timezone.now(),
    )


@pytest.fixture
def clinic(transactional_db):
    ensure_catalogue()  # the catalogue comes from a migration; a flush between tests empties it
    alice = PractitionerFactory(username="alice", first_name="Alice", last_name="Chen")
    today = timezone.localdate()
    maria = PatientFactory(given_name="Maria", family_name="Lopez")
    IntakeFactory(patient=maria, recorded_by=alice)
    ConsentFactory(patient=maria, recorded_by=alice, covers_electroacupuncture=True, covers_heat=True)
    DiagnosisFactory(patient=maria, recorded_by=alice)
    SymptomRecordFactory(
        patient=maria,
        recorded_by=alice,
        spots=["left:heel_medial", "left:arch"],
        severity=7,
        recorded_on=today - dt.timedelta(days=30),
    )
    plan = TreatmentPlanFactory(patient=maria, practitioner=alice, sessions_planned=10)
    visits = [checked_in(maria, alice, plan, today - dt.timedelta(days=days), 10) for days in (14, 7, 0)]

    booked = AppointmentFactory(
        patient=maria,
        practitioner=alice,
        plan=plan,
        starts_at=local_datetime(today + dt.timedelta(days=7), dt.time(10)),
    )

    paul = PatientFactory(given_name="Paul", family_name="Meyer")
    IntakeFactory(patient=paul, recorded_by=alice, implanted_device=True, implanted_device_detail="Pacemaker")
    ConsentFactory(patient=paul, recorded_by=alice, covers_electroacupuncture=True)
    paul_visit = checked_in(paul, alice, None, today, 15)
    return {
        "alice": alice,
        "maria": maria,
        "plan": plan,
        "visits": visits,
        "booked": booked,
        "paul": paul,
        "paul_visit": paul_visit,
    }


def fill_pain(page, first_before, average_before, first_after, average_after):
    page.get_by_label("First-step pain before treatment").fill(first_before)
    page.get_by_label("Average pain before treatment").fill(average_before)
    page.get_by_label("First-step pain after treatment").fill(first_after)
    page.get_by_label("Average pain after treatment").fill(average_after)


def save_and_sign(page, number: int):
    page.get_by_role("button", name="Save draft").last.click()
    expect(page.get_by_text("Draft saved")).to_be_visible()
    page.get_by_role("button", name="Sign session").click()
    expect(page.get_by_test_id("record-state")).to_have_text("Signed")
    expect(page.get_by_test_id("session-number")).to_have_text(f"Session {number} of 10")


def test_a_practitioner_records_signs_and_amends_sessions_at_a_tablet(live_server, page, clinic):
    page.set_viewport_size(TABLET)
    sign_in(page, live_server.url, "alice", TEST_PASSWORD)
    first, second, third = clinic["visits"]

    # Session 1, opened from the appointment; the "Heel pain" protocol fills the point rows at once.
    page.goto(f"{live_server.url}{reverse('treatments:appointment', args=[first.pk])}")
    page.get_by_role("link", name="Start session").click()
    expect(page.get_by_role("heading", name="Maria Lopez")).to_be_visible()
    expect(page.get_by_test_id("safety-banner")).to_be_visible()
    fill_pain(page, "6.5", "5.0", "4.0", "3.5")
    page.get_by_label("Apply a protocol").select_option(label="Heel pain (6 points)")
    page.get_by_role("button", name="Apply protocol").click()
    expect(page.get_by_text("Added 6 points of “Heel pain”")).to_be_visible()
    rows = page.get_by_test_id("point-row")
    expect(rows.nth(0).get_by_label("Point 1", exact=True)).to_have_value("PC7")
    expect(rows.nth(5).get_by_label("Point 6", exact=True)).to_have_value("SHIMIAN")
    rows.nth(1).get_by_label("Where (ashi points)").fill("Medial heel, 2 cm in front of the fat pad")
    page.get_by_label("Needles used").fill("12")
    page.get_by_label("Needles retained (minutes)").fill("30")
    page.get_by_role("button", name="Insert: self-massage").click()
    expect(page.get_by_label("Home care given")).to_have_value(re.compile("KI1"))
    page.get_by_label("Heel pain today").fill("5")
    screenshot_both_widths(page, "session-form")
    save_and_sign(page, 1)
    expect(page.get_by_test_id("points")).to_contain_text("Shimian")
    assert TreatmentSession.objects.get(appointment=first).needled_points.count() == 6

    # Session 2: mistakes first, each shown at its field, nothing saved.
    page.goto(f"{live_server.url}{reverse('treatments:session_start', args=[second.pk])}")
    fill_pain(page, "11", "5.25", "-1", "3")
    page.get_by_label("Point 1", exact=True).select_option("KI3")
    page.get_by_label("Needles retained (minutes)").fill("500")
    page.get_by_role("button", name="Save draft").last.click()
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    expect(page.get_by_text("Enter a score from 0 (no pain) to 10").first).to_be_visible()
    expect(page.get_by_text("Use at most one decimal").first).to_be_visible()
    expect(page.get_by_text("Needles stay in between 1 and 120 minutes").first).to_be_visible()
    assert not TreatmentSession.objects.filter(appointment=second).exists()
    screenshot_both_widths(page, "session-form-errors")
    fill_pain(page, "5.5", "4.5", "3.5", "3.0")
    page.get_by_label("Needles retained (minutes)").fill("70")
    page.get_by_role("button", name="Save draft").last.click()
    expect(page.get_by_text("outside the usual 20–60").first).to_be_visible()
    page.get_by_role("button", name="Sign session").click()
    expect(page.get_by_test_id("session-number")).to_have_text("Session 2 of 10")

    # Session 3, today: signed, then amended with a reason; the trail keeps the signed value.
    page.goto(f"{live_server.url}{reverse('treatments:session_start', args=[third.pk])}")
    fill_pain(page, "4.5", "3.5", "3.0", "5.3")
    page.get_by_label("Point 1", exact=True).select_option("KI3")
    page.get_by_label("Point 2", exact=True).select_option("BL60")
    page.get_by_label("Point 3", exact=True).select_option("SHIMIAN")
    page.get_by_role("button", name="Add a point").click()
    page.get_by_label("Point 4", exact=True).select_option("BL57")
    page.get_by_label("Needles used").fill("8")
    page.get_by_label("Needles retained (minutes)").fill("30")
    event = page.get_by_test_id("event-row").first
    event.get_by_label("What happened").select_option(label="Bleeding or bruise (haematoma)")
    event.get_by_label("Severity").select_option(label="Mild")
    event.get_by_label("Action taken").fill("Pressure for a minute; no bruise by the end")
    page.get_by_label("Subjective: what the patient reports").fill("Walked the dog twice this week without stopping.")
    page.get_by_label("Assessment").fill("Steady improvement; first-step pain halved.")
    page.get_by_role("button", name="Insert: stretches").click()
    page.get_by_role("button", name="Save draft").last.click()
    expect(page.get_by_test_id("record-state")).to_have_text("Draft")
    screenshot_both_widths(page, "session-detail-draft")
    page.get_by_role("button", name="Sign session").click()
    expect(page.get_by_test_id("session-number")).to_have_text("Session 3 of 10")
    expect(page.get_by_test_id("events")).to_contain_text("Bleeding or bruise")
    expect(page.get_by_test_id("signature")).to_contain_text("Signed by Alice Chen")
    page.get_by_role("link", name="Amend").click()
    expect(page.get_by_role("heading", name=re.compile("Amend the session"))).to_be_visible()
    page.get_by_label("Average pain after treatment").fill("3.5")
    page.get_by_label("Reason for the correction").fill("After-score misheard: 3.5, not 5.3")
    screenshot_both_widths(page, "session-amend")
    page.get_by_role("button", name="Record the correction").last.click()
    trail = page.get_by_test_id("amendments")
    expect(trail).to_contain_text("After-score misheard")
    expect(trail).to_contain_text("Average pain after: was 5.3, now 3.5")
    expect(trail).to_contain_text("Alice Chen")
    assert SessionAmendment.objects.get().changes == {"average_pain_after": ["5.3", "3.5"]}
    screenshot_both_widths(page, "session-detail")
    third.refresh_from_db()
    assert third.status == Appointment.Status.COMPLETED

    # Paul has a pacemaker: electroacupuncture is refused, with the reason, and nothing is saved.
    page.goto(f"{live_server.url}{reverse('treatments:session_start', args=[clinic['paul_visit'].pk])}")
    expect(page.get_by_test_id("electro-caution")).to_contain_text("Pacemaker")
    fill_pain(page, "6.0", "5.0", "", "")
    page.get_by_label("Point 1", exact=True).select_option("KI3")
    pair = page.get_by_test_id("electro-row").first
    pair.get_by_label("From point").select_option("KI3")
    pair.get_by_label("To point").select_option("KI1")
    pair.get_by_label("Frequency (Hz)").fill("2")
    pair.get_by_label("Minutes").fill("20")
    page.get_by_role("button", name="Save draft").last.click()
    expect(page.get_by_test_id("electro-error")).to_contain_text(
        "Pacemaker — electroacupuncture is not allowed for this patient."
    )
    assert not TreatmentSession.objects.filter(patient=clinic["paul"]).exists()
    screenshot_both_widths(page, "session-pacemaker-refusal")

    # A session cannot start before the patient is checked in: the page says so, with no form.
    page.goto(f"{live_server.url}{reverse('treatments:session_start', args=[clinic['booked'].pk])}")
    expect(page.get_by_test_id("refusal")).to_contain_text("once the patient is checked in")
    expect(page.locator("#session-form")).to_have_count(0)
    screenshot_both_widths(page, "session-not-checked-in")

    # The plan's progress page, once it is built, marks the session at which relief was reached.
    progress = f"{live_server.url}{reverse('treatments:plan_progress', args=[clinic['plan'].public_id])}"
    if page.request.get(progress).status == 200:
        # Baseline first-step pain 7.0 (the intake); 4.5 before the third session is 2.5 points down.
        page.goto(progress)
        expect(page.get_by_test_id("relief")).to_contain_text("Reached at session 3")
        expect(page.locator(".relief-marker").first).to_be_visible()


def test_without_javascript_the_server_applies_a_protocol_and_enter_saves(live_server, browser, clinic):
    context = browser.new_context(java_script_enabled=False, viewport=TABLET)
    page = context.new_page()
    sign_in(page, live_server.url, "alice", TEST_PASSWORD)
    first = clinic["visits"][0]
    page.goto(f"{live_server.url}{reverse('treatments:session_start', args=[first.pk])}")
    page.get_by_label("First-step pain before treatment").fill("6.5")
    page.get_by_label("Average pain before treatment").fill("5.0")
    page.get_by_label("Apply a protocol").select_option(label="Foot neuropathy (10 points)")
    page.get_by_role("button", name="Apply protocol").click()
    expect(page.get_by_test_id("protocol-note")).to_contain_text("Added 10 points of “Foot neuropathy”")
    expect(page.get_by_label("Point 10", exact=True)).to_have_value("ST41")
    expect(page.get_by_label("First-step pain before treatment")).to_have_value("6.5")
    assert not TreatmentSession.objects.exists()

    page.get_by_label("Needles used").fill("20")
    page.get_by_label("Needles used").press("Enter")  # the form's default button saves; it never re-applies
    expect(page.get_by_test_id("record-state")).to_have_text("Draft")
    assert TreatmentSession.objects.get().needled_points.count() == 10
    context.close()
