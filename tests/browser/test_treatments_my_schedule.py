"""A practitioner's own schedule, and the private calendar link they subscribe to."""

import datetime as dt
import urllib.error
import urllib.request

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from tests.browser.helpers import screenshot_both_widths, sign_in
from tests.factories import (
    TEST_PASSWORD,
    AppointmentFactory,
    LocationFactory,
    PatientFactory,
    PractitionerFactory,
    TreatmentPlanFactory,
    WorkingHoursFactory,
)
from treatments.models import Appointment, Closure, Leave, Weekday, local_datetime


def fetch(url: str) -> tuple[int, str, bytes]:
    """An anonymous GET, as a calendar app would make it (no browser cookies)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310  (the live test server)
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), b""


@pytest.fixture
def mei():
    """Mei works a split shift at the main clinic and Saturday mornings across town, with a busy fortnight."""
    mei = PractitionerFactory(username="mei", first_name="Mei", last_name="Lin")
    main = LocationFactory(name="Main clinic")
    eastside = LocationFactory(name="Eastside studio", address="480 Harbor Road")
    for weekday in range(5):
        WorkingHoursFactory(practitioner=mei, location=main, weekday=weekday, starts=dt.time(8), ends=dt.time(12))
        WorkingHoursFactory(practitioner=mei, location=main, weekday=weekday, starts=dt.time(14), ends=dt.time(18))
    WorkingHoursFactory(
        practitioner=mei, location=eastside, weekday=Weekday.SATURDAY, starts=dt.time(9), ends=dt.time(13)
    )
    today = timezone.localdate()
    Leave.objects.create(
        practitioner=mei,
        first_day=today + dt.timedelta(days=9),
        last_day=today + dt.timedelta(days=10),
        reason="Continuing education course",
    )
    holiday = today + dt.timedelta(days=(3 - today.weekday()) % 7 + 7)
    Closure.objects.create(first_day=holiday, last_day=holiday, reason="Public holiday")

    maria = PatientFactory(given_name="Maria", family_name="González")
    plan = TreatmentPlanFactory(patient=maria, practitioner=mei, sessions_planned=10)
    for offset, hour in ((-7, 9), (-3, 9), (0, 9), (4, 9), (7, 9)):
        status = Appointment.Status.COMPLETED if offset < 0 else Appointment.Status.BOOKED
        AppointmentFactory(
            practitioner=mei,
            patient=maria,
            plan=plan,
            location=main,
            status=status,
            starts_at=local_datetime(today + dt.timedelta(days=offset), dt.time(hour)),
        )
    james = PatientFactory(given_name="James", family_name="O'Connor")
    AppointmentFactory(
        practitioner=mei,
        patient=james,
        location=main,
        kind=Appointment.Kind.INITIAL,
        status=Appointment.Status.CHECKED_IN,
        checked_in_at=timezone.now(),
        starts_at=local_datetime(today, dt.time(10, 15)),
        ends_at=local_datetime(today, dt.time(11, 15)),
    )
    aiko = PatientFactory(given_name="Aiko", family_name="Tanaka")
    AppointmentFactory(
        practitioner=mei,
        patient=aiko,
        location=main,
        kind=Appointment.Kind.REVIEW,
        starts_at=local_datetime(today, dt.time(15)),
        ends_at=local_datetime(today, dt.time(15, 30)),
    )
    moved = AppointmentFactory(
        practitioner=mei,
        patient=aiko,
        location=eastside,
        starts_at=local_datetime(today + dt.timedelta(days=2), dt.time(11)),
    )
    moved.cancel(by=Appointment.CancelledBy.PATIENT, reason="Away")
    AppointmentFactory(
        practitioner=mei,
        patient=PatientFactory(given_name="Robert", family_name="Hughes"),
        location=main,
        kind=Appointment.Kind.FOLLOW_UP,
        starts_at=local_datetime(today + dt.timedelta(days=2), dt.time(14, 30)),
    )
    return mei


def test_a_practitioner_reads_their_fortnight_and_subscribes_to_a_private_calendar(live_server, page, mei):
    sign_in(page, live_server.url, "mei", TEST_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My schedule").click()

    expect(page.get_by_role("heading", name="My schedule", level=1)).to_be_visible()
    today = page.get_by_test_id("today")
    expect(today).to_contain_text("Today")
    expect(today.get_by_test_id("appointment")).to_have_count(3)
    expect(today).to_contain_text("Maria González")
    expect(today).to_contain_text("Session 3 of 10")
    expect(today).to_contain_text("James O'Connor")
    expect(today).to_contain_text("Checked in")
    expect(page.get_by_test_id("booked-today")).to_have_text("3")
    expect(page.get_by_text("You are away: Continuing education course")).to_have_count(2)

    feed_box = page.get_by_label("Your private link")
    expect(feed_box).to_have_attribute("readonly", "")
    expect(page.get_by_role("button", name="Copy")).to_be_visible()
    old_url = feed_box.input_value()
    assert old_url.startswith(f"{live_server.url}/treatments/calendar/") and old_url.endswith(".ics")

    status, content_type, body = fetch(old_url)
    assert status == 200 and content_type.startswith("text/calendar")
    events = Calendar.from_ical(body).walk("VEVENT")
    assert len(events) == 9
    assert all("González" not in str(event["SUMMARY"]) for event in events)
    assert any(str(event["SUMMARY"]).startswith("MG · MRN ") for event in events)

    screenshot_both_widths(page, "treatments-my-schedule")

    page.get_by_text("Reset the link…").click()
    page.get_by_role("button", name="Yes, reset the link").click()
    expect(page.get_by_role("alert")).to_contain_text("has been reset")
    new_url = page.get_by_label("Your private link").input_value()
    assert new_url != old_url
    assert fetch(old_url)[0] == 404
    assert fetch(new_url)[0] == 200


def test_the_reset_confirmation_is_reachable_from_the_keyboard(live_server, page, mei):
    sign_in(page, live_server.url, "mei", TEST_PASSWORD)
    page.goto(f"{live_server.url}/treatments/my-schedule/")
    summary = page.get_by_text("Reset the link…")
    summary.focus()
    page.keyboard.press("Enter")
    confirm = page.get_by_role("button", name="Yes, reset the link")
    expect(confirm).to_be_visible()
    screenshot_both_widths(page, "treatments-my-schedule-reset")
    confirm.focus()
    expect(confirm).to_be_focused()
