"""The week view: one practitioner's seven days, with hours, closures and leave."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.clock import at, next_weekday
from tests.factories import AppointmentFactory, PractitionerFactory, appointments_at, full_week_hours
from tests.html import assert_valid_html
from treatments.models import Appointment, Closure, Leave

pytestmark = pytest.mark.django_db

WEEK_URL = reverse("treatments:week")
MONDAY = dt.date(2031, 3, 10)


def entries(response) -> int:
    return len(re.findall(r'data-testid="week-appointment"', response.content.decode()))


@pytest.fixture
def clinic(practitioner, other_practitioner, location):
    """Alice works weekdays 09:00–17:00 at the main clinic, Bob 12:00–20:00."""
    full_week_hours(practitioner, location)
    full_week_hours(other_practitioner, location, starts=dt.time(12), ends=dt.time(20))
    return location


# Who may see it: tests/treatments/test_diary_access.py.


def test_a_practitioner_sees_their_own_week_by_default(practitioner_client, practitioner, other_practitioner, clinic):
    AppointmentFactory(practitioner=other_practitioner, location=clinic)
    response = practitioner_client.get(WEEK_URL)
    assert response.context["practitioner"] == practitioner


def test_the_front_desk_sees_the_first_practitioner_by_name_by_default(front_desk_client, practitioner, clinic):
    # Alice Chen sorts before Bob Reyes.
    assert front_desk_client.get(WEEK_URL).context["practitioner"] == practitioner


def test_the_week_runs_monday_to_sunday_whatever_day_is_asked_for(front_desk_client, other_practitioner, clinic):
    thursday = MONDAY + dt.timedelta(days=3)
    response = front_desk_client.get(WEEK_URL, {"practitioner": other_practitioner.pk, "start": thursday.isoformat()})
    html = response.content.decode()
    assert response.context["monday"] == MONDAY
    assert "March 10 – March 16, 2031" in html
    assert [column.day for column in response.context["columns"]] == [MONDAY + dt.timedelta(days=n) for n in range(7)]
    assert f"start={MONDAY - dt.timedelta(days=7)}&amp;practitioner={other_practitioner.pk}" in html
    assert f"start={MONDAY + dt.timedelta(days=7)}&amp;practitioner={other_practitioner.pk}" in html


def test_appointments_land_on_their_day_with_session_numbers(front_desk_client, practitioner, clinic, patient, plan):
    wednesday = MONDAY + dt.timedelta(days=2)
    AppointmentFactory(
        practitioner=practitioner, patient=patient, plan=plan, location=clinic, starts_at=at(wednesday, 14, 30)
    )
    AppointmentFactory(practitioner=PractitionerFactory(), location=clinic, starts_at=at(MONDAY, 9))

    response = front_desk_client.get(WEEK_URL, {"practitioner": practitioner.pk, "start": MONDAY.isoformat()})

    columns = response.context["columns"]
    assert [len(column.appointments) for column in columns] == [0, 0, 1, 0, 0, 0, 0]
    html = response.content.decode()
    assert "Maria Lopez" in html
    assert "Session 1 of 10" in html
    assert "14:30–15:15" in html


def test_working_hours_are_shaded_and_closures_and_leave_marked(front_desk_client, practitioner, clinic):
    Closure.objects.create(first_day=MONDAY, last_day=MONDAY, reason="Public holiday")
    Leave.objects.create(
        practitioner=practitioner, first_day=MONDAY + dt.timedelta(days=4), last_day=MONDAY + dt.timedelta(days=4)
    )

    response = front_desk_client.get(WEEK_URL, {"practitioner": practitioner.pk, "start": MONDAY.isoformat()})

    columns = response.context["columns"]
    assert columns[0].closed_reason == "Closed: Public holiday"
    assert columns[4].closed_reason == "On leave"
    assert columns[1].closed_reason == ""
    assert columns[5].shifts == []
    ten_o_clock = next(row for row in response.context["rows"] if row.hour == 10)
    assert [cell.working for cell in ten_o_clock.cells] == [False, True, True, True, False, False, False]
    assert [cell.closed for cell in ten_o_clock.cells] == [True, False, False, False, True, False, False]
    html = response.content.decode()
    assert "Closed: Public holiday" in html
    assert "Not working" in html


def test_a_week_with_no_practitioners_at_all_says_so(front_desk_client):
    response = front_desk_client.get(WEEK_URL)
    assert response.status_code == 200
    assert "No practitioners yet" in response.content.decode()
    assert_valid_html(response.content)


@pytest.mark.parametrize("bad", ["2031-02-30", "next week", "0", "9" * 40])
def test_a_malformed_start_date_says_so_and_shows_this_week(front_desk_client, clinic, bad):
    response = front_desk_client.get(WEEK_URL, {"start": bad})
    assert response.status_code == 200
    assert "is not a date the diary understands" in response.content.decode()
    today = timezone.localdate()
    assert response.context["monday"] == today - dt.timedelta(days=today.weekday())


@pytest.mark.parametrize("bad", ["99999", "bob", "-3"])
def test_an_unknown_practitioner_says_so_and_shows_the_first_one(front_desk_client, practitioner, clinic, bad):
    response = front_desk_client.get(WEEK_URL, {"practitioner": bad})
    assert response.status_code == 200
    assert "There is no such practitioner" in response.content.decode()
    assert response.context["practitioner"] == practitioner


def test_a_front_desk_clerk_is_not_a_practitioner_to_choose(front_desk_client, front_desk, clinic):
    response = front_desk_client.get(WEEK_URL, {"practitioner": front_desk.pk})
    assert "There is no such practitioner" in response.content.decode()


def _fill_week(practitioner, location, count: int) -> None:
    """Quarter-hour appointments from 07:00, spread over the seven days of MONDAY's week, after any already there."""
    already = Appointment.objects.filter(practitioner=practitioner).count()
    starts = [
        at(MONDAY + dt.timedelta(days=index % 7), 7) + dt.timedelta(minutes=15 * (index // 7))
        for index in range(already, already + count)
    ]
    appointments_at(practitioner, location, starts, minutes=15)


# Session, user, roles and the request's savepoint pair; then practitioners, appointments, hours, closures, leave.
WEEK_QUERIES = 10


def test_the_week_runs_the_same_queries_for_5_and_200_appointments(
    front_desk_client, django_assert_num_queries, practitioner, clinic
):
    params = {"practitioner": practitioner.pk, "start": MONDAY.isoformat()}
    Closure.objects.create(first_day=MONDAY, last_day=MONDAY, reason="Public holiday")
    _fill_week(practitioner, clinic, 5)
    with django_assert_num_queries(WEEK_QUERIES):
        response = front_desk_client.get(WEEK_URL, params)
    assert entries(response) == 5

    _fill_week(practitioner, clinic, 195)
    with django_assert_num_queries(WEEK_QUERIES):
        response = front_desk_client.get(WEEK_URL, params)

    assert entries(response) == 200
    assert_valid_html(response.content)


# --- next free slot ---------------------------------------------------------------------------

NEXT_FREE_URL = reverse("treatments:next_free")


def search(practitioner, location, /, **extra) -> dict:
    return {
        "practitioner": practitioner.pk,
        "location": location.pk,
        "minutes": 45,
        "from_date": next_weekday(0).isoformat(),
        **extra,
    }


@pytest.mark.parametrize("persona", ["front_desk_client", "practitioner_client", "clinic_admin_client"])
def test_every_staff_role_may_search_for_free_time(request, persona, practitioner, clinic):
    response = request.getfixturevalue(persona).get(NEXT_FREE_URL, search(practitioner, clinic))
    assert response.status_code == 200
    assert len(response.context["slots"]) == 5
    assert_valid_html(response.content)


def test_the_next_five_free_starts_skip_booked_time_and_closures(front_desk_client, practitioner, clinic, next_monday):
    Closure.objects.create(first_day=next_monday, last_day=next_monday, reason="Public holiday")
    tuesday = next_monday + dt.timedelta(days=1)
    AppointmentFactory(practitioner=practitioner, location=clinic, starts_at=at(tuesday, 9, 15))

    response = front_desk_client.get(NEXT_FREE_URL, search(practitioner, clinic))

    starts = [timezone.localtime(slot["starts_at"]) for slot in response.context["slots"]]
    assert [start.date() for start in starts] == [tuesday] * 5
    assert [f"{start:%H:%M}" for start in starts] == ["10:00", "10:15", "10:30", "10:45", "11:00"]


def test_each_free_start_links_to_a_prefilled_booking_form_without_patient_data(
    front_desk_client, practitioner, clinic
):
    response = front_desk_client.get(NEXT_FREE_URL, search(practitioner, clinic, minutes=60))
    first = response.context["slots"][0]["book_url"]
    assert first.startswith(reverse("treatments:appointment_create"))
    assert f"practitioner={practitioner.pk}" in first
    assert f"location={clinic.pk}" in first
    assert "minutes=60" in first
    assert "time=09%3A00" in first
    assert "patient" not in first


def test_a_practitioner_finds_their_own_free_time_by_default(practitioner_client, practitioner, clinic):
    response = practitioner_client.get(NEXT_FREE_URL)
    assert response.context["form"]["practitioner"].value() == practitioner.pk
    assert response.context["slots"] is None


def test_the_week_views_link_preselects_the_practitioner(front_desk_client, other_practitioner, clinic):
    response = front_desk_client.get(NEXT_FREE_URL, {"practitioner": other_practitioner.pk})
    assert not response.context["form"].is_bound
    assert str(response.context["form"]["practitioner"].value()) == str(other_practitioner.pk)


def test_no_free_time_says_so(front_desk_client, clinic):
    idle = PractitionerFactory()
    response = front_desk_client.get(NEXT_FREE_URL, search(idle, clinic))
    assert response.context["slots"] == []
    assert "No free 45 minutes in the 28 days" in response.content.decode()


@pytest.mark.parametrize(
    "case",
    [
        ("minutes", "0", "at least 15"),
        ("minutes", "-30", "at least 15"),
        ("minutes", "17", "multiple of 5"),
        ("minutes", "500", "at most 120"),
        ("minutes", "", "required"),
        ("practitioner", "99999", "Choose one of the practitioners"),
        ("practitioner", "abc", "Choose one of the practitioners"),
        ("location", "99999", "Choose one of the locations"),
        ("from_date", "2020-01-01", "today or a later day"),
        ("from_date", "2031-02-30", "valid date"),
    ],
)
def test_bad_search_input_is_refused_at_its_field(front_desk_client, practitioner, clinic, case):
    field, value, message = case
    response = front_desk_client.get(NEXT_FREE_URL, search(practitioner, clinic, **{field: value}))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert response.context["slots"] is None
    assert_valid_html(response.content)


def test_a_front_desk_clerk_is_not_a_practitioner_to_search(front_desk_client, front_desk, clinic):
    response = front_desk_client.get(NEXT_FREE_URL, search(front_desk, clinic))
    assert "practitioner" in response.context["form"].errors
