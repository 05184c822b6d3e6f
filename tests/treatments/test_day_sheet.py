"""The day sheet: everyone's appointments for a day, side by side, with actions that work with or without htmx."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.clock import at
from tests.factories import AppointmentFactory, LocationFactory, PractitionerFactory, appointments_at, full_week_hours
from tests.html import assert_valid_html
from treatments.models import Appointment, Closure, Leave

pytestmark = pytest.mark.django_db

DAY_URL = reverse("treatments:day")
EVERY_DAY = range(7)


def card_ids(response) -> list[str]:
    return re.findall(r'id="appointment-(\d+)"', response.content.decode())


@pytest.fixture
def clinic(practitioner, other_practitioner, location):
    """Alice and Bob both work every day at the main clinic, 08:00–18:00."""
    full_week_hours(practitioner, location, starts=dt.time(8), ends=dt.time(18), days=EVERY_DAY)
    full_week_hours(other_practitioner, location, starts=dt.time(8), ends=dt.time(18), days=EVERY_DAY)
    return location


# Who may see it: tests/treatments/test_diary_access.py.


# --- what it shows --------------------------------------------------------------------------


def test_the_front_desk_sees_each_practitioners_day_side_by_side(front_desk_client, other_practitioner, clinic, plan):
    """Alice has Maria on session 1 of her plan; Bob has a new patient at the same time."""
    today = timezone.localdate()
    AppointmentFactory(
        practitioner=plan.practitioner, patient=plan.patient, plan=plan, location=clinic, starts_at=at(today, 9)
    )
    AppointmentFactory(
        practitioner=other_practitioner, location=clinic, starts_at=at(today, 9), kind=Appointment.Kind.INITIAL
    )

    response = front_desk_client.get(DAY_URL)

    html = response.content.decode()
    assert html.index("Alice Chen") < html.index("Bob Reyes")
    assert "Maria Lopez" in html
    assert plan.patient.mrn in html
    assert "Session 1 of 10" in html
    assert "Initial consultation" in html
    assert "Today" in html
    assert len(card_ids(response)) == 2


def test_a_cancelled_appointment_is_shown_struck_through_with_its_late_flag(front_desk_client, clinic, today):
    appointment = AppointmentFactory(location=clinic, starts_at=timezone.now() + dt.timedelta(hours=2))
    appointment.cancel(by=Appointment.CancelledBy.PATIENT, reason="Car broke down")
    day = timezone.localdate(appointment.starts_at)

    html = front_desk_client.get(DAY_URL, {"date": day.isoformat()}).content.decode()

    assert "appt-cancelled" in html
    assert f"<s>{appointment.patient.display_name}</s>" in html
    assert "Late cancellation" in html
    assert "Car broke down" in html


def test_an_appointment_for_a_practitioner_without_hours_that_day_still_gets_a_column(front_desk_client, today, clinic):
    visitor = PractitionerFactory(first_name="Vera", last_name="Zimmer")
    AppointmentFactory(practitioner=visitor, location=clinic, starts_at=at(today, 19))
    html = front_desk_client.get(DAY_URL).content.decode()
    assert "Vera Zimmer" in html
    assert "19:00" in html


def test_the_location_filter_shows_only_that_locations_appointments(front_desk_client, practitioner, today, clinic):
    elsewhere = LocationFactory(name="Riverside")
    here = AppointmentFactory(practitioner=practitioner, location=clinic, starts_at=at(today, 9))
    there = AppointmentFactory(practitioner=practitioner, location=elsewhere, starts_at=at(today, 11))

    response = front_desk_client.get(DAY_URL, {"location": elsewhere.pk})

    assert card_ids(response) == [str(there.pk)]
    assert str(here.pk) not in card_ids(response)
    assert "Day sheet · Riverside" in response.content.decode()


def test_closures_and_leave_are_marked(front_desk_client, practitioner, other_practitioner, clinic):
    day = timezone.localdate() + dt.timedelta(days=3)
    Leave.objects.create(practitioner=practitioner, first_day=day, last_day=day, reason="Conference")
    Closure.objects.create(location=LocationFactory(name="Riverside"), first_day=day, last_day=day, reason="Flooding")

    html = front_desk_client.get(DAY_URL, {"date": day.isoformat()}).content.decode()

    assert "On leave: Conference" in html
    assert "Riverside is closed" in html
    assert "is-closed" in html


def test_previous_next_and_today_links_move_by_one_day(front_desk_client, clinic):
    day = dt.date(2031, 3, 12)
    html = front_desk_client.get(DAY_URL, {"date": "2031-03-12"}).content.decode()
    assert f"?date={day - dt.timedelta(days=1)}" in html
    assert f"?date={day + dt.timedelta(days=1)}" in html
    assert f"?date={timezone.localdate()}" in html
    assert "Wednesday, March 12, 2031" in html


def test_a_day_with_nobody_working_says_so(front_desk_client):
    response = front_desk_client.get(DAY_URL)
    assert "Nobody is working" in response.content.decode()
    assert_valid_html(response.content)


# --- bad query strings --------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["2024-13-45", "yesterday", "12/03/2031", "2024-02-30", "x" * 500])
def test_a_malformed_date_says_so_and_shows_today_labelled_as_today(front_desk_client, clinic, bad):
    response = front_desk_client.get(DAY_URL, {"date": bad})
    assert response.status_code == 200
    html = response.content.decode()
    assert "is not a date the diary understands" in html
    assert "so this is the sheet for today" in html
    assert timezone.localdate().strftime("%B") in html
    assert 'class="today-pill">Today' in html
    assert_valid_html(response.content)


@pytest.mark.parametrize("bad", ["9999", "abc", "-1", "1.5"])
def test_an_unknown_location_says_so_and_shows_every_location(front_desk_client, clinic, bad):
    response = front_desk_client.get(DAY_URL, {"location": bad})
    assert response.status_code == 200
    assert "There is no such location" in response.content.decode()
    assert "all locations" in response.content.decode()


# --- the same number of queries however full the day ------------------------------------------------


def _fill_day(day: dt.date, practitioners: list, location, *, per_practitioner: int) -> None:
    """Ten-minute appointments back to back from 08:00, one patient per practitioner, some on plans."""
    for practitioner in practitioners:
        start = at(day, 8) + dt.timedelta(minutes=10 * Appointment.objects.filter(practitioner=practitioner).count())
        starts = [start + dt.timedelta(minutes=10 * index) for index in range(per_practitioner)]
        appointments_at(practitioner, location, starts, minutes=10)


# Session, user, roles and the request's savepoint pair; then locations, closures, leave, appointments, hours.
DAY_SHEET_QUERIES = 10


def test_the_day_sheet_runs_the_same_queries_for_5_and_200_appointments(
    front_desk_client, django_assert_num_queries, practitioner, clinic
):
    day = timezone.localdate() + dt.timedelta(days=1)
    staff = [practitioner, *[PractitionerFactory() for _ in range(3)]]
    for person in staff[1:]:
        full_week_hours(person, clinic, days=EVERY_DAY)
    params = {"date": day.isoformat()}
    _fill_day(day, staff[:1], clinic, per_practitioner=5)
    with django_assert_num_queries(DAY_SHEET_QUERIES):
        response = front_desk_client.get(DAY_URL, params)
    assert len(card_ids(response)) == 5

    for person in staff[1:]:
        _fill_day(day, [person], clinic, per_practitioner=50)
    _fill_day(day, staff[:1], clinic, per_practitioner=45)
    with django_assert_num_queries(DAY_SHEET_QUERIES):
        response = front_desk_client.get(DAY_URL, params)

    assert len(card_ids(response)) == 200
    assert len(response.context["columns"]) == 5  # the four booked, and Bob who works but has nothing
    assert_valid_html(response.content)


def test_a_location_filter_adds_no_queries(front_desk_client, django_assert_num_queries, clinic):
    AppointmentFactory(location=clinic)
    with django_assert_num_queries(DAY_SHEET_QUERIES):
        front_desk_client.get(DAY_URL, {"location": clinic.pk})
