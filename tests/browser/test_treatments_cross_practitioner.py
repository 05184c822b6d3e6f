"""Covering for a colleague: the desk reassigns Alice's appointment to Bob, and Bob adds to Alice's signed session."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.helpers import screenshot_both_widths, sign_in
from tests.factories import (
    TEST_PASSWORD,
    AppointmentFactory,
    ConsentFactory,
    FrontDeskFactory,
    IntakeFactory,
    LocationFactory,
    PatientFactory,
    PractitionerFactory,
    TreatmentPlanFactory,
    TreatmentSessionFactory,
)
from treatments.models import Appointment, AppointmentReassignment, SessionAddendum, local_datetime
from treatments.sessions.point_catalogue import ensure_catalogue


@pytest.fixture
def clinic(transactional_db):
    ensure_catalogue()  # the catalogue comes from a migration; a flush between tests empties it
    alice = PractitionerFactory(username="alice", first_name="Alice", last_name="Chen")
    PractitionerFactory(username="bob", first_name="Bob", last_name="Reyes")
    FrontDeskFactory(username="fiona", first_name="Fiona", last_name="Walsh")
    maria = PatientFactory(given_name="Maria", family_name="Lopez")
    IntakeFactory(patient=maria, recorded_by=alice)
    ConsentFactory(patient=maria, recorded_by=alice)
    plan = TreatmentPlanFactory(patient=maria, practitioner=alice, sessions_planned=10)
    location = LocationFactory()
    today = timezone.localdate()
    last_week = AppointmentFactory(
        patient=maria,
        practitioner=alice,
        plan=plan,
        location=location,
        starts_at=local_datetime(today - dt.timedelta(days=7), dt.time(10)),
        status=Appointment.Status.COMPLETED,
    )
    signed = TreatmentSessionFactory(appointment=last_week)
    today_visit = AppointmentFactory(
        patient=maria,
        practitioner=alice,
        plan=plan,
        location=location,
        starts_at=local_datetime(today, dt.time(16)),
        status=Appointment.Status.CHECKED_IN,
        checked_in_at=timezone.now(),
    )
    return {"signed": signed, "today": today_visit}


def test_the_desk_hands_an_appointment_to_bob_who_adds_to_alices_signed_session(live_server, page, clinic):
    sign_in(page, live_server.url, "fiona", TEST_PASSWORD)
    page.goto(f"{live_server.url}{reverse('treatments:appointment', args=[clinic['today'].pk])}")
    page.get_by_role("link", name="Reassign to another practitioner").click()
    page.get_by_role("button", name="Reassign").click()
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    screenshot_both_widths(page, "appointment-reassign-errors")
    page.get_by_label("Reassign to").select_option(label="Bob Reyes, L.Ac.")
    page.get_by_label("Reason").fill("Alice off sick; Bob covering")
    page.get_by_role("button", name="Reassign").click()
    expect(page.get_by_test_id("reassignment")).to_contain_text("Alice off sick; Bob covering")
    screenshot_both_widths(page, "appointment-reassigned")
    assert AppointmentReassignment.objects.get().to_practitioner.username == "bob"

    page.context.clear_cookies()  # signed out: Bob signs in on the same tablet
    sign_in(page, live_server.url, "bob", TEST_PASSWORD)
    page.goto(f"{live_server.url}{clinic['signed'].get_absolute_url()}")
    expect(page.get_by_role("link", name="Amend")).to_have_count(0)
    page.get_by_role("link", name="Add an addendum").click()
    page.get_by_label("Addendum").fill("Saw Maria today: heel pain back to 6 after a long walk.")
    screenshot_both_widths(page, "session-addendum")
    page.get_by_role("button", name="Add the addendum").click()
    expect(page.get_by_test_id("addenda")).to_contain_text("heel pain back to 6")
    screenshot_both_widths(page, "session-with-addendum")
    assert SessionAddendum.objects.get().author.username == "bob"
