"""A practitioner's schedule page and the private calendar feed behind it."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from clinic.access import Role
from tests.clock import today_at
from tests.factories import (
    AppointmentFactory,
    ClinicAdminFactory,
    DiagnosisFactory,
    FrontDeskFactory,
    LocationFactory,
    PatientFactory,
    TreatmentPlanFactory,
    WorkingHoursFactory,
    full_week_hours,
)
from tests.html import assert_valid_html
from treatments.models import Appointment, CalendarFeed, Closure, Leave, local_datetime

pytestmark = pytest.mark.django_db

MY_SCHEDULE = reverse("treatments:my_schedule")
RESET = reverse("treatments:calendar_reset")


def feed_url(token: str) -> str:
    return reverse("treatments:calendar_feed", kwargs={"token": token})


def parse_events(response) -> list:
    return Calendar.from_ical(response.content).walk("VEVENT")


@pytest.fixture
def patient():
    return PatientFactory(
        given_name="Joanna",
        family_name="Doyle",
        phone="(555) 0142-7788",
        email="joanna.doyle@example.org",
    )


@pytest.fixture
def plan(practitioner, patient):
    return TreatmentPlanFactory(practitioner=practitioner, patient=patient, sessions_planned=10)


def bulk_appointments(practitioner, count: int, *, first_day: dt.date, plan=None) -> None:
    """`count` back-to-back 30-minute appointments from 06:00 each day, fast (bulk insert)."""
    patient = plan.patient if plan else PatientFactory()
    location = LocationFactory()
    rows, day, slot = [], first_day, 0
    for _ in range(count):
        starts = local_datetime(day, dt.time(6, 0)) + dt.timedelta(minutes=30 * slot)
        rows.append(
            Appointment(
                patient=patient,
                practitioner=practitioner,
                location=location,
                plan=plan,
                starts_at=starts,
                ends_at=starts + dt.timedelta(minutes=30),
                booked_by=practitioner,
            )
        )
        slot += 1
        if slot == 30:
            day, slot = day + dt.timedelta(days=1), 0
    Appointment.objects.bulk_create(rows)


# --- my schedule: who may open it ------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in_for_the_schedule(client):
    response = client.get(MY_SCHEDULE)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_front_desk_and_clinic_admins_have_no_personal_schedule(front_desk_client, clinic_admin_client):
    assert front_desk_client.get(MY_SCHEDULE).status_code == 403
    assert clinic_admin_client.get(MY_SCHEDULE).status_code == 403
    assert not CalendarFeed.objects.exists()


def test_the_schedule_refuses_a_post(practitioner_client):
    assert practitioner_client.post(MY_SCHEDULE).status_code == 405


# --- my schedule: what it shows ---------------------------------------------------


def test_the_schedule_lists_my_next_fortnight_by_day_in_clinic_time(
    practitioner, other_practitioner, practitioner_client, plan
):
    location = LocationFactory(name="Eastside studio")
    AppointmentFactory(practitioner=practitioner, patient=plan.patient, plan=plan, starts_at=today_at(9, days=1))
    second = AppointmentFactory(
        practitioner=practitioner, patient=plan.patient, plan=plan, location=location, starts_at=today_at(9, days=4)
    )
    AppointmentFactory(practitioner=practitioner, kind=Appointment.Kind.REVIEW, starts_at=today_at(23, 30))
    AppointmentFactory(practitioner=practitioner, starts_at=today_at(9, days=14))  # the 15th day: not shown
    bob_patient = PatientFactory(family_name="Bobspatient")
    AppointmentFactory(practitioner=other_practitioner, patient=bob_patient, starts_at=today_at(10, days=1))

    response = practitioner_client.get(MY_SCHEDULE)

    assert response.status_code == 200
    assert_valid_html(response.content)
    page = response.content.decode()
    days = response.context["days"]
    assert len(days) == 14
    assert days[0].is_today and days[0].day == timezone.localdate()
    assert [a.pk for a in days[4].appointments] == [second.pk]
    assert sum(len(day.appointments) for day in days) == 3
    assert "Bobspatient" not in page
    assert "Joanna Doyle" in page and plan.patient.mrn in page
    assert "Session 2 of 10" in page and "Session 1 of 10" in page
    assert "Eastside studio" in page
    assert "09:00–09:45" in page  # clinic time, not UTC
    assert "23:30–00:15" in page  # a late appointment stays on the day it starts
    assert reverse("treatments:appointment", kwargs={"appointment_id": second.pk}) in page
    assert 'data-testid="today"' in page and 'aria-current="date"' in page


def test_the_schedule_shows_hours_leave_and_closures(practitioner, practitioner_client):
    main = LocationFactory(name="Main clinic")
    WorkingHoursFactory(practitioner=practitioner, location=main, weekday=0, starts=dt.time(8), ends=dt.time(12))
    WorkingHoursFactory(practitioner=practitioner, location=main, weekday=0, starts=dt.time(14), ends=dt.time(18))
    today = timezone.localdate()
    Leave.objects.create(
        practitioner=practitioner,
        first_day=today + dt.timedelta(days=3),
        last_day=today + dt.timedelta(days=5),
        reason="Continuing education",
    )
    Leave.objects.create(
        practitioner=practitioner, first_day=today - dt.timedelta(days=9), last_day=today - dt.timedelta(days=8)
    )
    Closure.objects.create(
        first_day=today + dt.timedelta(days=2), last_day=today + dt.timedelta(days=2), reason="Public holiday"
    )

    response = practitioner_client.get(MY_SCHEDULE)

    page = response.content.decode()
    assert "08:00–12:00" in page and "14:00–18:00" in page
    assert response.context["weekly_hours"] == [("Monday", [(["08:00–12:00", "14:00–18:00"], "Main clinic")])]
    assert [leave.reason for leave in response.context["leave"]] == ["Continuing education"]
    assert "Clinic closed: Public holiday" in page
    assert "You are away: Continuing education" in page


def test_a_working_week_with_the_same_hours_reads_as_one_line(practitioner, practitioner_client):
    main, eastside = LocationFactory(name="Main clinic"), LocationFactory(name="Eastside studio")
    full_week_hours(practitioner, main, starts=dt.time(9), ends=dt.time(17))
    WorkingHoursFactory(practitioner=practitioner, location=eastside, weekday=5, starts=dt.time(9), ends=dt.time(13))
    response = practitioner_client.get(MY_SCHEDULE)
    assert response.context["weekly_hours"] == [
        ("Monday to Friday", [(["09:00–17:00"], "Main clinic")]),
        ("Saturday", [(["09:00–13:00"], "Eastside studio")]),
    ]


def test_the_calendar_feed_is_created_on_the_first_visit_and_kept(practitioner, practitioner_client):
    first = practitioner_client.get(MY_SCHEDULE)
    feed = CalendarFeed.objects.get(practitioner=practitioner)
    assert first.context["feed_url"] == f"http://testserver{feed_url(feed.token)}"
    assert f'value="http://testserver{feed_url(feed.token)}"' in first.content.decode()
    assert "webcal://testserver" in first.content.decode()
    practitioner_client.get(MY_SCHEDULE)
    assert CalendarFeed.objects.get().token == feed.token


@pytest.mark.parametrize("count", [5, 200])
def test_the_schedule_runs_the_same_queries_with_5_or_200_appointments(
    practitioner, practitioner_client, plan, count, django_assert_num_queries
):
    practitioner_client.get(MY_SCHEDULE)  # creates the feed row, so both sizes start alike
    bulk_appointments(practitioner, count, first_day=timezone.localdate() + dt.timedelta(days=1), plan=None)
    # session, user, roles, feed, appointments, hours, leave, closures, plus the request's savepoint pair
    with django_assert_num_queries(10):
        response = practitioner_client.get(MY_SCHEDULE)
    assert response.context["booked_total"] == count


# --- resetting the link -----------------------------------------------------------------


def test_resetting_the_link_gives_a_new_token_and_kills_the_old_one(client, practitioner, practitioner_client):
    practitioner_client.get(MY_SCHEDULE)
    old = CalendarFeed.objects.get(practitioner=practitioner).token
    assert client.get(feed_url(old)).status_code == 200

    response = practitioner_client.post(RESET, follow=True)

    new = CalendarFeed.objects.get(practitioner=practitioner).token
    assert new != old
    assert response.redirect_chain == [(MY_SCHEDULE, 302)]
    assert "has been reset" in response.content.decode()
    assert client.get(feed_url(old)).status_code == 404
    assert client.get(feed_url(new)).status_code == 200


def test_a_practitioner_can_only_ever_reset_their_own_link(
    practitioner, other_practitioner, practitioner_client, other_practitioner_client
):
    practitioner_client.get(MY_SCHEDULE)
    alices = CalendarFeed.objects.get(practitioner=practitioner).token
    other_practitioner_client.post(RESET, {"practitioner": practitioner.pk, "token": alices})
    assert CalendarFeed.objects.get(practitioner=practitioner).token == alices
    assert CalendarFeed.objects.filter(practitioner=other_practitioner).exists()


def test_resetting_needs_a_post_from_a_practitioner(client, practitioner_client, front_desk_client):
    assert practitioner_client.get(RESET).status_code == 405
    assert front_desk_client.post(RESET).status_code == 403
    anonymous = client.post(RESET)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert not CalendarFeed.objects.exists()


# --- the feed itself ---------------------------------------------------------------------


@pytest.fixture
def feed(practitioner):
    return CalendarFeed.objects.create(practitioner=practitioner)


def test_the_feed_is_an_icalendar_any_calendar_app_can_read_without_signing_in(client, feed, practitioner, plan):
    DiagnosisFactory(patient=plan.patient, note="Secret clinical remark")
    eastside = LocationFactory(name="Eastside studio")
    first = AppointmentFactory(
        practitioner=practitioner, patient=plan.patient, plan=plan, starts_at=today_at(9, days=2)
    )
    third = AppointmentFactory(
        practitioner=practitioner, patient=plan.patient, plan=plan, location=eastside, starts_at=today_at(9, days=9)
    )
    AppointmentFactory(practitioner=practitioner, patient=plan.patient, plan=plan, starts_at=today_at(9, days=5))

    response = client.get(feed_url(feed.token))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    assert "noindex" in response["X-Robots-Tag"]
    calendar = Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0"
    assert "Stride" in str(calendar["PRODID"])
    assert str(calendar["X-WR-CALNAME"]) == f"Stride — {practitioner.display_name}"
    events = {str(event["UID"]): event for event in parse_events(response)}
    assert set(events) == {f"appointment-{a.pk}@stride" for a in plan.appointments.all()}
    event = events[f"appointment-{third.pk}@stride"]
    assert str(event["SUMMARY"]) == f"JD · MRN {plan.patient.mrn} · Treatment session 3/10"
    assert str(event["LOCATION"]) == "Eastside studio"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("DTSTART") == third.starts_at
    assert event.decoded("DTSTART").utcoffset() == dt.timedelta(0)
    assert event.decoded("DTEND") == third.ends_at
    assert str(event["URL"]).endswith(reverse("treatments:appointment", kwargs={"appointment_id": third.pk}))
    assert "1/10" in str(events[f"appointment-{first.pk}@stride"]["SUMMARY"])


def test_the_feed_carries_no_names_contact_details_or_clinical_content(client, feed, practitioner, plan):
    DiagnosisFactory(patient=plan.patient, note="Plantar fascia thickened")
    plan.goal = "Walk the dog without heel pain"
    plan.save()
    AppointmentFactory(practitioner=practitioner, patient=plan.patient, plan=plan, starts_at=today_at(9, days=2))
    cancelled = AppointmentFactory(practitioner=practitioner, patient=plan.patient, starts_at=today_at(9, days=3))
    cancelled.cancel(by=Appointment.CancelledBy.PATIENT, reason="Flu, feeling awful")

    body = client.get(feed_url(feed.token)).content.decode()

    for secret in ("Joanna", "Doyle", "0142", "7788", "joanna.doyle", "Plantar", "M72", "Walk the dog", "Flu"):
        assert secret.lower() not in body.lower(), secret


def test_cancelled_appointments_stay_in_the_feed_so_calendars_remove_them(client, feed, practitioner, patient):
    appointment = AppointmentFactory(practitioner=practitioner, patient=patient, starts_at=today_at(10, days=1))
    appointment.cancel(by=Appointment.CancelledBy.CLINIC, reason="Practitioner unwell")
    (event,) = parse_events(client.get(feed_url(feed.token)))
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]).startswith("Cancelled: ")


def test_the_feed_covers_thirty_days_back_and_six_months_ahead(client, feed, practitioner, patient):
    inside = [
        AppointmentFactory(practitioner=practitioner, patient=patient, starts_at=today_at(9, days=-29)),
        AppointmentFactory(practitioner=practitioner, patient=patient, starts_at=today_at(9, days=179)),
    ]
    AppointmentFactory(practitioner=practitioner, patient=patient, starts_at=today_at(9, days=-32))
    AppointmentFactory(practitioner=practitioner, patient=patient, starts_at=today_at(9, days=182))
    AppointmentFactory(starts_at=today_at(9, days=1))  # someone else's
    uids = {str(event["UID"]) for event in parse_events(client.get(feed_url(feed.token)))}
    assert uids == {f"appointment-{a.pk}@stride" for a in inside}


def test_calendar_apps_may_ask_with_head_but_not_post(client, feed):
    assert client.head(feed_url(feed.token)).status_code == 200
    assert client.post(feed_url(feed.token)).status_code == 405


@pytest.mark.parametrize("token", ["nope", "x" * 43, "x" * 500, "../../etc/passwd"])
def test_an_unknown_token_is_not_found(client, feed, token):
    assert client.get(f"/treatments/calendar/{token}.ics").status_code == 404


def test_a_deactivated_practitioner_loses_their_feed(client, feed, practitioner):
    practitioner.is_active = False
    practitioner.save()
    assert client.get(feed_url(feed.token)).status_code == 404


def test_someone_no_longer_a_practitioner_loses_their_feed(client, feed, practitioner):
    practitioner.groups.remove(Group.objects.get(name=Role.PRACTITIONER.value))
    assert client.get(feed_url(feed.token)).status_code == 404


@pytest.mark.parametrize("factory", [FrontDeskFactory, ClinicAdminFactory])
def test_a_feed_row_for_another_role_serves_nothing(client, factory):
    feed = CalendarFeed.objects.create(practitioner=factory())
    assert client.get(feed_url(feed.token)).status_code == 404


@pytest.mark.parametrize("count", [5, 200])
def test_the_feed_runs_two_queries_whatever_its_size(client, feed, practitioner, plan, count):
    bulk_appointments(practitioner, count, first_day=timezone.localdate() + dt.timedelta(days=1), plan=plan)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(feed_url(feed.token))
    assert len(parse_events(response)) == count
    real = [q for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(real) == 2
