"""Booking a whole course: a start, a proposal the clerk may adjust, then all sessions or none."""

import datetime as dt
import uuid
from itertools import chain

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.clock import monday_ahead
from tests.factories import (
    AppointmentFactory,
    ConsentFactory,
    LocationFactory,
    PatientFactory,
    PractitionerFactory,
    TreatmentPlanFactory,
    UserFactory,
    full_week_hours,
)
from tests.html import assert_valid_html
from treatments.models import Appointment, Closure, Location, TreatmentPlan, local_datetime

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(practitioner, location):
    full_week_hours(practitioner, location)
    patient = PatientFactory(given_name="Maria", family_name="Lopez")
    ConsentFactory(patient=patient, recorded_by=practitioner)
    return TreatmentPlanFactory(patient=patient, practitioner=practitioner, sessions_planned=10)


def url(plan):
    return reverse("treatments:plan_book", kwargs={"plan_id": plan.public_id})


def start(location, first_day=None, at="09:00", **extra):
    return {
        "first_day": (first_day or monday_ahead()).isoformat(),
        "preferred_time": at,
        "location": location.pk,
        **extra,
    }


def propose(client, plan, location, **kwargs):
    return client.post(url(plan), {**start(location, **kwargs), "action": "propose"})


def confirm_data(response, location, **changes):
    """What the confirm form would post, built from a proposal response, with `changes` applied."""
    rows = response.context["rows"]
    data = {
        **start(location, first_day=dt.date.fromisoformat(response.context["start_form"]["first_day"].value())),
        "expected": len(rows),
        "action": "confirm",
    }
    for row in rows:
        data[f"slot_{row.index}-date"] = row.value_date
        data[f"slot_{row.index}-time"] = row.value_time
    data.update(changes)
    return data


def live_appointments(plan):
    return Appointment.objects.filter(plan=plan).live().count()


# --- who may book --------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, plan):
    response = client.get(url(plan))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_staff_without_a_role_may_not_book(client_for, plan, location):
    client = client_for(UserFactory())
    assert client.get(url(plan)).status_code == 403
    assert propose(client, plan, location).status_code == 403


@pytest.mark.parametrize("client_name", ["front_desk_client", "practitioner_client", "clinic_admin_client"])
def test_every_staff_role_can_open_the_booking_page(request, plan, client_name):
    response = request.getfixturevalue(client_name).get(url(plan))
    assert response.status_code == 200
    assert_valid_html(response.content)


def test_an_unknown_plan_is_not_found(front_desk_client):
    assert front_desk_client.get(reverse("treatments:plan_book", kwargs={"plan_id": uuid.uuid4()})).status_code == 404


# --- step 1: the start -----------------------------------------------------------


def test_the_start_defaults_to_the_practitioners_next_working_day_at_nine_where_they_work(
    front_desk_client, practitioner
):
    elsewhere = LocationFactory(name="Riverside")
    LocationFactory(name="Annex")
    full_week_hours(practitioner, elsewhere, days=[2])  # Wednesdays only
    patient = PatientFactory()
    ConsentFactory(patient=patient)
    plan = TreatmentPlanFactory(patient=patient, practitioner=practitioner)

    form = front_desk_client.get(url(plan)).context["start_form"]

    first_day = form.initial["first_day"]
    assert first_day.weekday() == 2
    assert timezone.localdate() < first_day <= timezone.localdate() + dt.timedelta(days=7)
    assert form.initial["preferred_time"] == dt.time(9, 0)
    assert form.initial["location"] == elsewhere.pk


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"first_day": "2020-01-06"}, "first_day"),
        ({"first_day": "not-a-date"}, "first_day"),
        ({"first_day": "9999-12-31"}, "first_day"),
        ({"preferred_time": "25:00"}, "preferred_time"),
        ({"location": "999999"}, "location"),
        ({"location": "abc"}, "location"),
    ],
)
def test_a_bad_start_is_shown_at_the_field_and_nothing_is_proposed(front_desk_client, plan, location, changes, field):
    for action in ("propose", "confirm"):
        response = front_desk_client.post(url(plan), {**start(location), **changes, "action": action})
        assert response.status_code == 200
        assert field in response.context["start_form"].errors
        assert response.context["step"] == 1
    assert live_appointments(plan) == 0


def test_a_closed_location_cannot_be_chosen(front_desk_client, plan):
    closed = Location.objects.create(name="Old site", is_active=False)
    response = propose(front_desk_client, plan, closed)
    assert "location" in response.context["start_form"].errors


# --- step 2: the proposal --------------------------------------------------------


def test_the_proposal_routes_around_a_holiday_and_an_existing_appointment(front_desk_client, plan, location):
    monday = monday_ahead()
    thursday = monday + dt.timedelta(days=3)
    Closure.objects.create(first_day=thursday, last_day=thursday, reason="Public holiday")
    AppointmentFactory(
        practitioner=plan.practitioner,
        location=location,
        starts_at=local_datetime(monday + dt.timedelta(days=7), dt.time(9, 0)),
    )

    response = propose(front_desk_client, plan, location, first_day=monday)

    assert response.status_code == 200
    assert_valid_html(response.content)
    rows = response.context["rows"]
    assert [row.number for row in rows] == list(range(1, 11))
    assert rows[0].value_date == monday.isoformat()
    assert (rows[0].value_time, rows[0].minutes, rows[1].minutes) == ("09:00", 60, 45)
    assert rows[1].value_date == (thursday + dt.timedelta(days=1)).isoformat()
    assert "Public holiday" in rows[1].note
    assert rows[2].value_date == (monday + dt.timedelta(days=7)).isoformat()
    assert rows[2].value_time != "09:00"
    assert "taken" in rows[2].note
    content = response.content.decode()
    assert "Session 10 of 10" in content
    assert "Public holiday" in content
    assert live_appointments(plan) == 0


def test_a_session_that_cannot_be_placed_is_left_empty_for_the_clerk(front_desk_client, plan, location):
    monday = monday_ahead()
    Closure.objects.create(first_day=monday, last_day=monday + dt.timedelta(days=30), reason="Renovation")
    response = propose(front_desk_client, plan, location, first_day=monday)
    first = response.context["rows"][0]
    assert (first.value_date, first.value_time) == ("", "")
    assert "pick a time by hand" in first.note
    assert "slot-empty" in response.content.decode()


@pytest.mark.parametrize("client_name", ["front_desk_client", "practitioner_client"])
def test_the_proposal_runs_the_same_queries_with_5_and_200_appointments_in_the_diary(
    request, django_assert_num_queries, plan, location, client_name
):
    client = request.getfixturevalue(client_name)
    monday = monday_ahead()
    other = PatientFactory()

    def fill_diary(count, offset=0):
        # Short evening slots on weekdays of the coming weeks: in the diary, out of the proposal's way.
        for n in range(offset, offset + count):
            day = monday + dt.timedelta(days=(n // 8) % 60)
            AppointmentFactory(
                practitioner=plan.practitioner,
                patient=other,
                location=location,
                starts_at=local_datetime(day, dt.time(16, 0)) + dt.timedelta(minutes=7 * (n % 8)),
                ends_at=local_datetime(day, dt.time(16, 0)) + dt.timedelta(minutes=7 * (n % 8) + 5),
            )

    fill_diary(5)
    propose(client, plan, location, first_day=monday)  # warm per-session caches for a fair count
    with CaptureQueriesContext(connection) as few:
        assert propose(client, plan, location, first_day=monday).status_code == 200
    fill_diary(195, offset=5)
    with django_assert_num_queries(len(few)):
        response = propose(client, plan, location, first_day=monday)
    assert len(response.context["rows"]) == 10


# --- step 3: booking -------------------------------------------------------------


def test_confirming_books_every_session_and_returns_to_the_plan(front_desk_client, front_desk, plan, location):
    proposal = propose(front_desk_client, plan, location)
    response = front_desk_client.post(url(plan), confirm_data(proposal, location))

    assert response.status_code == 302
    assert response.url == plan.get_absolute_url()
    booked = list(Appointment.objects.filter(plan=plan).order_by("starts_at"))
    assert len(booked) == 10
    assert booked[0].kind == Appointment.Kind.INITIAL
    assert booked[0].minutes == 60
    assert {a.kind for a in booked[1:]} == {Appointment.Kind.TREATMENT}
    assert {a.booked_by for a in booked} == {front_desk}
    assert timezone.localtime(booked[0].starts_at).time() == dt.time(9, 0)
    page = front_desk_client.get(response.url)
    assert "Booked 10 sessions" in page.content.decode()
    assert "Session 10 of 10" in page.content.decode()


def test_a_moved_row_is_booked_where_the_clerk_put_it(front_desk_client, plan, location):
    proposal = propose(front_desk_client, plan, location)
    moved_day = dt.date.fromisoformat(proposal.context["rows"][3].value_date)
    data = confirm_data(proposal, location, **{"slot_3-time": "14:30"})
    assert front_desk_client.post(url(plan), data).status_code == 302
    fourth = Appointment.objects.filter(plan=plan).order_by("starts_at")[3]
    assert fourth.starts_at == local_datetime(moved_day, dt.time(14, 30))


def test_a_row_moved_onto_an_occupied_slot_shows_what_is_in_the_way_and_books_nothing(
    front_desk_client, plan, location
):
    proposal = propose(front_desk_client, plan, location)
    day = dt.date.fromisoformat(proposal.context["rows"][4].value_date)
    AppointmentFactory(
        practitioner=plan.practitioner,
        location=location,
        kind=Appointment.Kind.REVIEW,
        starts_at=local_datetime(day, dt.time(11, 0)),
    )

    response = front_desk_client.post(url(plan), confirm_data(proposal, location, **{"slot_4-time": "11:15"}))

    assert response.status_code == 200
    assert_valid_html(response.content)
    row = response.context["rows"][4]
    assert "overlaps the practitioner's review at 11:00–11:45" in row.conflict
    assert row.alternatives
    assert all(alternative["value"].startswith("4|") for alternative in row.alternatives)
    assert "clashes" in response.context["error"]
    assert live_appointments(plan) == 0
    assert 'name="fill"' in response.content.decode()


def test_choosing_a_free_time_fills_the_row_without_booking(front_desk_client, plan, location):
    proposal = propose(front_desk_client, plan, location)
    target = monday_ahead(3) + dt.timedelta(days=1)
    data = confirm_data(proposal, location, fill=f"2|{target.isoformat()}|13:45")
    del data["action"]

    response = front_desk_client.post(url(plan), data)

    row = response.context["rows"][2]
    assert (row.value_date, row.value_time) == (target.isoformat(), "13:45")
    assert live_appointments(plan) == 0
    assert not any(r.has_trouble for r in response.context["rows"])


@pytest.mark.parametrize(
    "fill", ["10|2031-01-01|09:00", "-1|2031-01-01|09:00", "2|tomorrow|09:00", "x", "2|2031-01-01|9am|x"]
)
def test_a_tampered_fill_button_changes_nothing(front_desk_client, plan, location, fill):
    proposal = propose(front_desk_client, plan, location)
    data = confirm_data(proposal, location, fill=fill)
    del data["action"]
    response = front_desk_client.post(url(plan), data)
    assert response.status_code == 200
    assert [r.value_date for r in response.context["rows"]] == [r.value_date for r in proposal.context["rows"]]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"slot_2-date": "31/02/2031"}, "Enter a date."),
        ({"slot_2-time": "noon"}, "Enter a time such as 09:00."),
        ({"slot_2-date": ""}, "Choose a day."),
        ({"slot_2-date": "2020-03-02"}, "already passed"),
        ({"slot_2-date": "0001-01-01"}, "already passed"),
        ({"slot_2-date": "9999-12-31"}, "eighteen months"),
    ],
)
def test_a_malformed_or_past_row_is_marked_and_nothing_is_booked(front_desk_client, plan, location, changes, message):
    proposal = propose(front_desk_client, plan, location)
    response = front_desk_client.post(url(plan), confirm_data(proposal, location, **changes))

    assert response.status_code == 200
    assert_valid_html(response.content)
    row = response.context["rows"][2]
    assert message in " ".join([*row.row_errors, *chain.from_iterable(row.field_errors.values())])
    assert "Nothing was booked" in response.content.decode()
    assert not any(r.has_trouble for r in response.context["rows"] if r.index != 2)
    assert live_appointments(plan) == 0


def test_a_time_earlier_today_is_refused(front_desk_client, plan, location):
    proposal = propose(front_desk_client, plan, location)
    earlier = timezone.localtime() - dt.timedelta(minutes=30)
    data = confirm_data(
        proposal, location, **{"slot_0-date": earlier.date().isoformat(), "slot_0-time": earlier.strftime("%H:%M")}
    )
    response = front_desk_client.post(url(plan), data)
    assert "already passed" in " ".join(response.context["rows"][0].row_errors)
    assert live_appointments(plan) == 0


def test_a_row_outside_working_hours_is_refused_on_that_row(front_desk_client, plan, location):
    proposal = propose(front_desk_client, plan, location)
    response = front_desk_client.post(url(plan), confirm_data(proposal, location, **{"slot_5-time": "20:00"}))
    assert response.status_code == 200
    assert "does not work" in " ".join(response.context["rows"][5].row_errors)
    assert live_appointments(plan) == 0


def test_missing_rows_are_errors_and_extra_rows_are_ignored(front_desk_client, plan, location):
    proposal = propose(front_desk_client, plan, location)
    data = confirm_data(proposal, location)
    del data["slot_9-date"], data["slot_9-time"]
    data["slot_10-date"], data["slot_10-time"] = monday_ahead(8).isoformat(), "09:00"

    response = front_desk_client.post(url(plan), data)

    assert response.status_code == 200
    assert len(response.context["rows"]) == 10
    assert response.context["rows"][9].field_errors
    assert live_appointments(plan) == 0


@pytest.mark.parametrize("expected", ["12", "", "-1", "abc"])
def test_a_tampered_row_count_gives_a_fresh_proposal_and_books_nothing(front_desk_client, plan, location, expected):
    proposal = propose(front_desk_client, plan, location)
    response = front_desk_client.post(url(plan), confirm_data(proposal, location, expected=expected))
    assert response.status_code == 200
    assert "plan changed" in response.context["notice"]
    assert len(response.context["rows"]) == 10
    assert live_appointments(plan) == 0


def test_a_proposal_made_before_someone_else_booked_cannot_overbook_the_plan(front_desk_client, plan, location):
    proposal = propose(front_desk_client, plan, location)
    assert front_desk_client.post(url(plan), confirm_data(proposal, location)).status_code == 302
    again = front_desk_client.post(url(plan), confirm_data(proposal, location))
    assert "All 10 sessions of this plan are booked" in again.content.decode()
    assert live_appointments(plan) == 10


# --- plans that cannot be booked --------------------------------------------------


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ({"status": TreatmentPlan.Status.DRAFT}, "still a draft"),
        ({"status": TreatmentPlan.Status.COMPLETED}, "plan is completed"),
        ({"status": TreatmentPlan.Status.DISCONTINUED, "discontinued_reason": "Moved"}, "plan is discontinued"),
    ],
)
def test_a_plan_that_is_not_active_cannot_be_booked(front_desk_client, plan, location, setup, message):
    TreatmentPlan.objects.filter(pk=plan.pk).update(**setup)
    for response in (
        front_desk_client.get(url(plan)),
        propose(front_desk_client, plan, location),
        front_desk_client.post(
            url(plan),
            {
                **start(location),
                "action": "confirm",
                "expected": 10,
                "slot_0-date": monday_ahead().isoformat(),
                "slot_0-time": "09:00",
            },
        ),
    ):
        assert response.status_code == 200
        assert_valid_html(response.content)
        assert message in response.content.decode()
    assert live_appointments(plan) == 0


def test_a_patient_without_consent_cannot_be_booked(front_desk_client, practitioner, location):
    full_week_hours(practitioner, location)
    plan = TreatmentPlanFactory(practitioner=practitioner)
    response = propose(front_desk_client, plan, location)
    assert "no consent to acupuncture" in response.content.decode()
    assert "rows" not in response.context
    assert live_appointments(plan) == 0


def test_consent_withdrawn_between_proposal_and_confirmation_books_nothing(front_desk_client, plan, location):
    proposal = propose(front_desk_client, plan, location)
    consent = plan.patient.consents.get()
    consent.withdraw(on=timezone.localdate(), reason="Changed mind", by=plan.practitioner)
    response = front_desk_client.post(url(plan), confirm_data(proposal, location))
    assert "no consent" in response.content.decode()
    assert live_appointments(plan) == 0


def test_a_fully_booked_plan_has_nothing_to_book(front_desk_client, plan, location):
    proposal = propose(front_desk_client, plan, location)
    front_desk_client.post(url(plan), confirm_data(proposal, location))
    response = front_desk_client.get(url(plan))
    assert "All 10 sessions of this plan are booked" in response.content.decode()


def test_a_cancelled_session_is_re_booked_as_the_one_that_remains(front_desk_client, plan, location):
    proposal = propose(front_desk_client, plan, location)
    front_desk_client.post(url(plan), confirm_data(proposal, location))
    cancelled = Appointment.objects.filter(plan=plan).order_by("starts_at")[4]
    cancelled.cancel(by=Appointment.CancelledBy.PATIENT, reason="Unwell")
    last = Appointment.objects.filter(plan=plan).live().order_by("starts_at").last()

    plan_page = front_desk_client.get(plan.get_absolute_url()).content.decode()
    assert "Re-book" in plan_page
    page = front_desk_client.get(url(plan))
    assert page.context["start_form"].initial["first_day"] > timezone.localdate(last.starts_at)
    again = front_desk_client.post(
        url(plan), {**start(location, first_day=page.context["start_form"].initial["first_day"]), "action": "propose"}
    )
    assert [row.number for row in again.context["rows"]] == [10]
    assert front_desk_client.post(url(plan), confirm_data(again, location)).status_code == 302
    assert Appointment.objects.filter(plan=plan, status__in=Appointment.COUNTED_STATUSES).count() == 10


def test_a_cancelled_session_re_booked_in_its_gap_is_labelled_with_the_number_it_will_have(
    front_desk_client, plan, location
):
    proposal = propose(front_desk_client, plan, location)
    front_desk_client.post(url(plan), confirm_data(proposal, location))
    second = Appointment.objects.filter(plan=plan).order_by("starts_at")[1]
    second.cancel(by=Appointment.CancelledBy.PATIENT, reason="Unwell")
    gap_day = timezone.localdate(second.starts_at)

    again = propose(front_desk_client, plan, location, first_day=gap_day)
    (row,) = again.context["rows"]
    assert (row.value_date, row.value_time) == (gap_day.isoformat(), "09:00")
    assert row.number == 2
    assert "Session 2 of 10" in again.content.decode()
    # The rows the clerk posts back are numbered the same way.
    adjusted = front_desk_client.post(url(plan), confirm_data(again, location, action="adjust"))
    assert [row.number for row in adjusted.context["rows"]] == [2]

    assert front_desk_client.post(url(plan), confirm_data(again, location)).status_code == 302
    rebooked = (
        Appointment.objects.live().with_session_number().get(plan=plan, starts_at=local_datetime(gap_day, dt.time(9)))
    )
    assert rebooked.session_number == 2


def test_another_practitioners_diary_does_not_block_this_course(front_desk_client, plan, location):
    bob = PractitionerFactory(username="bob")
    full_week_hours(bob, location)
    monday = monday_ahead()
    AppointmentFactory(practitioner=bob, location=location, starts_at=local_datetime(monday, dt.time(9, 0)))
    rows = propose(front_desk_client, plan, location, first_day=monday).context["rows"]
    assert (rows[0].value_date, rows[0].value_time) == (monday.isoformat(), "09:00")


def test_a_course_crossing_a_daylight_saving_change_keeps_its_wall_clock_time(
    front_desk_client, plan, location, settings
):
    # A zone with daylight saving, whatever the clinic's own setting.
    settings.TIME_ZONE = "America/New_York"

    # The Monday before the next spring-forward or fall-back in the clinic's zone, found by walking ahead.
    def offset(day):
        return timezone.localtime(local_datetime(day, dt.time(9, 0))).utcoffset()

    day = monday_ahead()
    for _ in range(40):
        if offset(day) != offset(day + dt.timedelta(weeks=4)):
            break
        day += dt.timedelta(weeks=1)
    else:
        pytest.fail("New York changes its clocks twice a year; none was found in the next 40 weeks.")
    proposal = propose(front_desk_client, plan, location, first_day=day)
    assert front_desk_client.post(url(plan), confirm_data(proposal, location)).status_code == 302

    booked = Appointment.objects.filter(plan=plan)
    assert {timezone.localtime(a.starts_at).time() for a in booked} == {dt.time(9, 0)}
    assert len({timezone.localtime(a.starts_at).utcoffset() for a in booked}) == 2
