"""A practitioner plans a course; the front desk books all of it in one go, around the diary and a holiday."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.helpers import screenshot_both_widths, sign_in
from tests.factories import (
    TEST_PASSWORD,
    AppointmentFactory,
    ConsentFactory,
    DiagnosisFactory,
    FrontDeskFactory,
    LocationFactory,
    PatientFactory,
    PractitionerFactory,
    TreatmentPlanFactory,
    full_week_hours,
)
from treatments.models import Appointment, Closure, TreatmentPlan, local_datetime


def monday_ahead() -> dt.date:
    """The first Monday at least a week away, so every proposed time is in the future."""
    day = timezone.localdate() + dt.timedelta(days=7)
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


@pytest.fixture
def clinic(transactional_db):
    alice = PractitionerFactory(username="alice", first_name="Alice", last_name="Chen")
    location = LocationFactory(name="Main clinic")
    full_week_hours(alice, location)
    patient = PatientFactory(given_name="Maria", family_name="Lopez")
    ConsentFactory(patient=patient, recorded_by=alice)
    DiagnosisFactory(patient=patient, recorded_by=alice)
    FrontDeskFactory(username="fiona", first_name="Fiona", last_name="Walsh")
    return {"alice": alice, "location": location, "patient": patient}


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def test_a_practitioner_plans_a_course_and_the_front_desk_books_it_around_the_diary(live_server, page, clinic):
    patient, location = clinic["patient"], clinic["location"]
    monday = monday_ahead()
    first_thursday = monday + dt.timedelta(days=3)
    second_monday = monday + dt.timedelta(days=7)
    Closure.objects.create(first_day=first_thursday, last_day=first_thursday, reason="Thanksgiving")
    AppointmentFactory(
        practitioner=clinic["alice"],
        location=location,
        kind=Appointment.Kind.REVIEW,
        starts_at=local_datetime(second_monday, dt.time(9, 0)),
    )

    # The practitioner writes the plan; a first attempt has mistakes, shown at their fields.
    sign_in(page, live_server.url, "alice", TEST_PASSWORD)
    page.goto(f"{live_server.url}/treatments/patients/{patient.public_id}/plans/new/")
    expect(page.get_by_role("heading", name="New treatment plan")).to_be_visible()
    expect(page.get_by_label("Responsible practitioner")).to_have_value(str(clinic["alice"].pk))
    screenshot_both_widths(page, "plan-form")

    page.get_by_label("M72.2 Plantar fasciitis (left)").check()
    page.get_by_label("Acupuncture with another co-treatment").check()
    page.get_by_label("Number of sessions").fill("13")
    page.get_by_label("Twice a week", exact=True).check()
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_text("A course is 8 to 12 sessions.").first).to_be_visible()
    expect(page.get_by_text("Name the co-treatment")).to_be_visible()
    screenshot_both_widths(page, "plan-form-errors")
    assert not TreatmentPlan.objects.exists()

    page.get_by_label("Acupuncture alone").check()
    page.get_by_label("Number of sessions").fill("10")
    page.get_by_label("Goal").fill("First-step pain below 3 within six weeks")
    page.get_by_label("Active — ready to book").check()
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("Active")
    expect(page.get_by_text("First-step pain below 3 within six weeks")).to_be_visible()
    screenshot_both_widths(page, "plan-practitioner")
    plan = TreatmentPlan.objects.get()
    assert (plan.sessions_planned, plan.frequency) == (10, TreatmentPlan.Frequency.TWICE_WEEKLY)
    sign_out(page)

    # The front desk sees the schedule side of the plan only, and books it.
    sign_in(page, live_server.url, "fiona", TEST_PASSWORD)
    page.goto(live_server.url + plan.get_absolute_url())
    expect(page.get_by_text("First-step pain below 3")).to_have_count(0)
    expect(page.get_by_test_id("booked-count")).to_have_text("0 of 10")
    screenshot_both_widths(page, "plan-front-desk")

    page.get_by_role("link", name="Book the course").first.click()
    expect(page.get_by_role("heading", name="Book the course")).to_be_visible()
    screenshot_both_widths(page, "booking-start")
    page.get_by_label("First session on").fill(monday.isoformat())
    page.get_by_label("Preferred time").fill("09:00")
    page.get_by_label("Location").select_option(label="Main clinic")
    page.get_by_role("button", name="Propose the dates").click()

    rows = page.get_by_test_id("slot-row")
    expect(rows).to_have_count(10)
    # Thursday is a holiday: the second session moves to Friday, and says why.
    expect(rows.nth(1).get_by_test_id("slot-day")).to_have_text(f"{first_thursday + dt.timedelta(days=1):%a %b %-d}")
    expect(rows.nth(1).get_by_test_id("slot-note")).to_contain_text("Thanksgiving")
    # Alice already has a review at 09:00 on the second Monday: the third session goes round it.
    expect(page.get_by_label("Date of session 3")).to_have_value(second_monday.isoformat())
    expect(page.get_by_label("Time of session 3")).not_to_have_value("09:00")
    expect(rows.nth(2).get_by_test_id("slot-note")).to_contain_text("09:00 taken")
    screenshot_both_widths(page, "booking-proposal")

    # The clerk moves session 3 back onto the occupied slot: the clash is shown on that row, with free times.
    page.get_by_label("Time of session 3").fill("09:00")
    page.get_by_role("button", name="Book 10 sessions").click()
    expect(page.get_by_text("Session 3 clashes:")).to_be_visible()
    expect(page.get_by_text("overlaps the practitioner's review at 09:00–09:45")).to_be_visible()
    screenshot_both_widths(page, "booking-conflict")
    assert not Appointment.objects.filter(plan=plan).exists()

    page.get_by_role("button", name=f"Use {second_monday:%a %b %-d}, 09:45").click()
    expect(page.get_by_label("Time of session 3")).to_have_value("09:45")
    page.get_by_role("button", name="Book 10 sessions").click()

    expect(page.get_by_text("Booked 10 sessions for Maria Lopez.")).to_be_visible()
    sessions = page.get_by_test_id("session-row")
    expect(sessions).to_have_count(10)
    for number in range(1, 11):
        expect(sessions.nth(number - 1)).to_contain_text(f"Session {number} of 10")
    expect(page.get_by_test_id("booked-count")).to_have_text("10 of 10")
    expect(page.get_by_role("link", name="Book the course")).to_have_count(0)
    screenshot_both_widths(page, "plan-booked")
    assert Appointment.objects.filter(plan=plan).count() == 10


def test_a_practitioner_discontinues_a_plan_giving_a_reason(live_server, page, clinic):
    plan = TreatmentPlanFactory(patient=clinic["patient"], practitioner=clinic["alice"])
    sign_in(page, live_server.url, "alice", TEST_PASSWORD)
    page.goto(live_server.url + plan.get_absolute_url())
    page.get_by_role("link", name="Discontinue").click()
    expect(page.get_by_role("heading", name="Discontinue this course?")).to_be_visible()

    page.get_by_role("button", name="Discontinue the plan").click()
    expect(page.get_by_text("Give a reason for stopping the course.")).to_be_visible()
    screenshot_both_widths(page, "plan-discontinue")

    page.get_by_label("Why is the course stopping?").fill("Pain resolved after six sessions")
    page.get_by_role("button", name="Discontinue the plan").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("Discontinued")
    expect(page.get_by_text("Pain resolved after six sessions")).to_be_visible()
    plan.refresh_from_db()
    assert plan.status == TreatmentPlan.Status.DISCONTINUED
