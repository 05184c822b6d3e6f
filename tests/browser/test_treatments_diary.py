"""The front desk's diary in a real browser: check in and cancel from the day sheet without a page load."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.helpers import screenshot_both_widths, sign_in
from tests.factories import (
    TEST_PASSWORD,
    AppointmentFactory,
    ConsentFactory,
    FrontDeskFactory,
    LocationFactory,
    PatientFactory,
    PractitionerFactory,
    TreatmentPlanFactory,
    full_week_hours,
)
from treatments.models import Appointment, Closure, Leave, local_datetime

EVERY_DAY = range(7)
# Marks the page; a full page load would lose it.
MARKER = "window.__diaryMarker"


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return local_datetime(day, dt.time(hour, minute))


def build_busy_day(day: dt.date) -> dict:
    """Three practitioners and a dozen appointments on `day`: plan sessions, consultations, a cancellation."""
    location = LocationFactory()
    alice = PractitionerFactory(username="alice", first_name="Alice", last_name="Chen")
    bob = PractitionerFactory(username="bob", first_name="Bob", last_name="Reyes")
    dana = PractitionerFactory(username="dana", first_name="Dana", last_name="Okafor")
    full_week_hours(alice, location, starts=dt.time(8), ends=dt.time(16), days=EVERY_DAY)
    for starts, ends in ((dt.time(9), dt.time(12, 30)), (dt.time(14), dt.time(18))):  # a split shift
        full_week_hours(bob, location, starts=starts, ends=ends, days=EVERY_DAY)
    full_week_hours(dana, location, starts=dt.time(10), ends=dt.time(18), days=EVERY_DAY)

    people = {
        "maria": PatientFactory(given_name="Maria", family_name="Lopez"),
        "james": PatientFactory(given_name="James", family_name="Whitfield"),
        "aiko": PatientFactory(given_name="Aiko", family_name="Tanaka"),
        "peter": PatientFactory(given_name="Peter", family_name="Novak"),
        "grace": PatientFactory(given_name="Grace", family_name="Mensah"),
        "omar": PatientFactory(given_name="Omar", family_name="Haddad"),
        "lena": PatientFactory(given_name="Lena", family_name="Fischer"),
        "sofia": PatientFactory(given_name="Sofia", family_name="Rossi"),
        "tom": PatientFactory(given_name="Tom", family_name="Brennan"),
        "ruth": PatientFactory(given_name="Ruth", family_name="Adeyemi"),
        "ivan": PatientFactory(given_name="Ivan", family_name="Petrov"),
        "nina": PatientFactory(given_name="Nina", family_name="Kowalski"),
    }
    for patient in people.values():
        ConsentFactory(patient=patient, recorded_by=alice)
    plan = TreatmentPlanFactory(patient=people["maria"], practitioner=alice, sessions_planned=10)
    earlier = day - dt.timedelta(days=4)
    AppointmentFactory(
        plan=plan,
        patient=people["maria"],
        practitioner=alice,
        location=location,
        starts_at=at(earlier, 9),
        ends_at=at(earlier, 10),
        kind=Appointment.Kind.INITIAL,
    )
    AppointmentFactory(
        plan=plan,
        patient=people["maria"],
        practitioner=alice,
        location=location,
        starts_at=at(earlier + dt.timedelta(days=1), 9),
    )

    def book(who, practitioner, hour, minute=0, **extra):
        return AppointmentFactory(
            patient=people[who], practitioner=practitioner, location=location, starts_at=at(day, hour, minute), **extra
        )

    made = {
        "maria": book("maria", alice, 9, plan=plan),
        "james": book("james", alice, 10, kind=Appointment.Kind.REVIEW),
        "aiko": book("aiko", alice, 11, 15, kind=Appointment.Kind.INITIAL, ends_at=at(day, 12, 15)),
        "peter": book("peter", alice, 14),
        "grace": book("grace", bob, 9, 30),
        "omar": book("omar", bob, 10, 30, kind=Appointment.Kind.FOLLOW_UP),
        "lena": book("lena", bob, 14, 15),
        "sofia": book("sofia", bob, 16),
        "tom": book("tom", dana, 10),
        "ruth": book("ruth", dana, 11, kind=Appointment.Kind.REVIEW),
        "ivan": book("ivan", dana, 13, 30),
        "nina": book("nina", dana, 15, kind=Appointment.Kind.INITIAL, ends_at=at(day, 16)),
    }
    made["omar"].check_in()
    made["sofia"].cancel(
        by=Appointment.CancelledBy.PATIENT, reason="Flu", now=made["sofia"].starts_at - dt.timedelta(hours=3)
    )
    return {"location": location, "alice": alice, "bob": bob, "dana": dana, "plan": plan, **made}


@pytest.fixture
def fiona(db):
    return FrontDeskFactory(username="fiona", first_name="Fiona", last_name="Walsh")


def test_the_front_desk_checks_a_patient_in_and_cancels_a_session_without_leaving_the_day_sheet(
    live_server, page, fiona
):
    today = timezone.localdate()
    diary = build_busy_day(today)
    sign_in(page, live_server.url, "fiona", TEST_PASSWORD)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Day sheet").click()
    expect(page.get_by_test_id("day-heading")).to_contain_text(today.strftime("%B"))
    expect(page.get_by_test_id("day-heading")).to_contain_text("Today")
    expect(page.get_by_role("columnheader", name=re.compile("Alice Chen"))).to_be_visible()
    expect(page.get_by_role("columnheader", name=re.compile("Bob Reyes"))).to_be_visible()
    expect(page.get_by_test_id("appointment-card")).to_have_count(12)
    expect(page.locator(f"#appointment-{diary['maria'].pk}")).to_contain_text("Session 3 of 10")
    screenshot_both_widths(page, "diary-day-sheet")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.evaluate(f"{MARKER} = 'no reload'")
    url_before = page.url

    # Check in: the card changes in place.
    james = page.locator(f"#appointment-{diary['james'].pk}")
    james.get_by_role("button", name="Check in James Whitfield").click()
    expect(james.get_by_test_id("status")).to_have_text("Checked in")
    expect(james.get_by_role("status")).to_contain_text("James Whitfield is checked in")
    assert page.evaluate(MARKER) == "no reload"
    assert page.url == url_before

    # Cancel a session: who and why, inline.
    lena = page.locator(f"#appointment-{diary['lena'].pk}")
    lena.get_by_role("link", name=re.compile("^Cancel")).click()
    lena.get_by_label("Clinic").check()
    lena.get_by_label("Reason").fill("Practitioner called away")
    lena.get_by_role("button", name="Cancel appointment").click()
    expect(lena.get_by_test_id("status")).to_have_text("Cancelled")
    expect(lena).to_contain_text("Cancelled by the clinic: Practitioner called away")
    expect(lena.locator("s")).to_have_text("Lena Fischer")
    assert page.evaluate(MARKER) == "no reload"
    assert page.url == url_before

    # What the page shows is what was saved.
    page.reload()
    expect(page.locator(f"#appointment-{diary['james'].pk}").get_by_test_id("status")).to_have_text("Checked in")
    expect(page.locator(f"#appointment-{diary['lena'].pk}").get_by_test_id("status")).to_have_text("Cancelled")
    diary["lena"].refresh_from_db()
    assert diary["lena"].cancelled_by == Appointment.CancelledBy.CLINIC


def test_a_keyboard_user_reaches_check_in_and_presses_enter(live_server, page, fiona):
    today = timezone.localdate()
    diary = build_busy_day(today)
    sign_in(page, live_server.url, "fiona", TEST_PASSWORD)
    page.goto(f"{live_server.url}/treatments/day/")
    page.evaluate(f"{MARKER} = 'no reload'")

    target = "Check in Maria Lopez"
    for _ in range(120):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.replace(/\\s+/g, ' ').trim()")
        if focused == target:
            break
    else:
        pytest.fail("Tab never reached Maria Lopez's check-in button")
    page.keyboard.press("Enter")

    card = page.locator(f"#appointment-{diary['maria'].pk}")
    expect(card.get_by_test_id("status")).to_have_text("Checked in")
    # Focus stays on the updated card rather than falling back to the top of the page.
    expect(card).to_be_focused()
    assert page.evaluate(MARKER) == "no reload"


def test_the_day_sheet_works_without_javascript(live_server, browser, fiona):
    today = timezone.localdate()
    diary = build_busy_day(today)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, live_server.url, "fiona", TEST_PASSWORD)
    page.goto(f"{live_server.url}/treatments/day/?date={today.isoformat()}")

    page.locator(f"#appointment-{diary['tom'].pk}").get_by_role("button", name="Check in Tom Brennan").click()
    expect(page).to_have_url(f"{live_server.url}/treatments/day/?date={today.isoformat()}")
    expect(page.get_by_role("alert")).to_contain_text("Tom Brennan is checked in")
    expect(page.locator(f"#appointment-{diary['tom'].pk}").get_by_test_id("status")).to_have_text("Checked in")

    page.locator(f"#appointment-{diary['ruth'].pk}").get_by_role("link", name=re.compile("^Cancel")).click()
    expect(page.get_by_role("heading", name=re.compile("Cancel Ruth Adeyemi"))).to_be_visible()
    page.get_by_label("Patient").check()
    page.get_by_label("Reason").fill("Moving house")
    page.get_by_role("button", name="Cancel appointment").click()
    expect(page).to_have_url(f"{live_server.url}/treatments/day/?date={today.isoformat()}")
    expect(page.locator(f"#appointment-{diary['ruth'].pk}").get_by_test_id("status")).to_have_text("Cancelled")
    context.close()


def test_the_week_view_and_next_free_slot_look_right(live_server, page, fiona):
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    diary = build_busy_day(today)
    alice = diary["alice"]
    for offset, hour in ((1, 12), (2, 13), (3, 14)):
        day = monday + dt.timedelta(days=offset)
        if day != today:
            AppointmentFactory(practitioner=alice, location=diary["location"], starts_at=at(day, hour))
    holiday = monday + dt.timedelta(days=4 if today.weekday() != 4 else 3)
    Closure.objects.create(first_day=holiday, last_day=holiday, reason="Staff training")
    Leave.objects.create(
        practitioner=alice,
        first_day=monday + dt.timedelta(days=6),
        last_day=monday + dt.timedelta(days=6),
        reason="Weekend course",
    )
    sign_in(page, live_server.url, "fiona", TEST_PASSWORD)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Week").click()
    expect(page.get_by_role("combobox", name=re.compile("^Practitioner"))).to_have_value(str(alice.pk))
    expect(page.get_by_text("Closed: Staff training")).to_be_visible()
    screenshot_both_widths(page, "diary-week")

    page.get_by_role("link", name="Next free slot").click()
    page.get_by_label("Length (minutes)").fill("60")
    page.get_by_role("combobox", name=re.compile("^Location")).select_option(label=diary["location"].name)
    page.get_by_role("button", name="Find free times").click()
    slots = page.get_by_test_id("free-slot")
    expect(slots).to_have_count(5)
    screenshot_both_widths(page, "diary-next-free")

    slots.first.click()
    expect(page.get_by_role("combobox", name=re.compile("^Practitioner"))).to_have_value(str(alice.pk))
    expect(page.get_by_label("Length (minutes)")).to_have_value("60")


def test_booking_a_taken_time_offers_the_next_free_ones(live_server, page, fiona):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    diary = build_busy_day(tomorrow)
    newcomer = PatientFactory(given_name="Hannah", family_name="Berg")
    sign_in(page, live_server.url, "fiona", TEST_PASSWORD)

    page.goto(f"{live_server.url}/treatments/appointments/new/")
    page.get_by_label("Patient's MRN").fill(newcomer.mrn)
    page.get_by_role("combobox", name=re.compile("^Practitioner")).select_option(label="Alice Chen, L.Ac.")
    page.get_by_role("combobox", name=re.compile("^Location")).select_option(label=diary["location"].name)
    page.get_by_label("Type of appointment").select_option(label="Review")
    page.get_by_label("Date").fill(tomorrow.isoformat())
    page.get_by_label("Start time").fill("10:15")
    screenshot_both_widths(page, "diary-appointment-form")

    page.get_by_role("button", name="Book appointment").click()
    conflict = page.get_by_test_id("conflict")
    expect(conflict).to_contain_text("overlaps the practitioner's review at 10:00–10:45")
    screenshot_both_widths(page, "diary-appointment-conflict")

    conflict.get_by_test_id("alternatives").get_by_role("link").first.click()
    expect(page.get_by_label("Start time")).to_have_value("12:15")
    expect(page.get_by_role("heading", name="Book for Hannah Berg")).to_be_visible()
    page.get_by_role("button", name="Book appointment").click()
    expect(page.get_by_role("alert")).to_contain_text("Booked review for Hannah Berg")
    expect(page.get_by_test_id("status")).to_have_text("Booked")
    screenshot_both_widths(page, "diary-appointment-detail")

    page.get_by_role("link", name="Cancel", exact=True).click()
    screenshot_both_widths(page, "diary-appointment-cancel")
    page.get_by_role("button", name="Cancel appointment").click()
    expect(page.get_by_text("Say whether the patient or the clinic is cancelling.")).to_be_visible()
