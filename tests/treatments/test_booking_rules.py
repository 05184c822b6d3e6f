"""The database and the booking services refuse what must never happen."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.clock import next_weekday
from tests.factories import (
    AppointmentFactory,
    ClinicAdminFactory,
    ConsentFactory,
    FrontDeskFactory,
    LocationFactory,
    PatientFactory,
    TreatmentPlanFactory,
    full_week_hours,
)
from treatments.diary.booking import (
    BookingConflict,
    BookingRefused,
    appointment_book,
    appointment_reschedule,
    course_book,
)
from treatments.models import Appointment, Closure, Leave, TreatmentPlan, local_datetime

pytestmark = pytest.mark.django_db


@pytest.fixture
def practitioner(practitioner):
    """Alice (tests/conftest.py), working weekdays 09:00–17:00."""
    full_week_hours(practitioner)
    return practitioner


@pytest.fixture
def monday_10(practitioner, next_monday):
    return local_datetime(next_monday, dt.time(10, 0))


def book(patient, practitioner, starts_at, minutes=45, by=None, **extra):
    return appointment_book(
        patient=patient,
        practitioner=practitioner,
        location=LocationFactory(),
        starts_at=starts_at,
        minutes=minutes,
        kind=Appointment.Kind.REVIEW,
        by=by or FrontDeskFactory(),
        **extra,
    )


# --- the database constraints ---------------------------------------------------


def test_the_database_refuses_overlapping_appointments_for_one_practitioner(practitioner, monday_10):
    AppointmentFactory(practitioner=practitioner, starts_at=monday_10)
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentFactory(practitioner=practitioner, starts_at=monday_10 + dt.timedelta(minutes=30))


def test_the_database_refuses_overlapping_appointments_for_one_patient(monday_10):
    patient = PatientFactory()
    AppointmentFactory(patient=patient, starts_at=monday_10)
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentFactory(patient=patient, starts_at=monday_10 + dt.timedelta(minutes=44))


def test_back_to_back_and_cancelled_appointments_do_not_clash(practitioner, monday_10):
    first = AppointmentFactory(practitioner=practitioner, starts_at=monday_10)
    AppointmentFactory(practitioner=practitioner, starts_at=monday_10 + dt.timedelta(minutes=45))
    first.cancel(by=Appointment.CancelledBy.PATIENT, reason="Flu")
    AppointmentFactory(practitioner=practitioner, starts_at=monday_10)
    assert Appointment.objects.live().count() == 2


def test_the_database_refuses_an_end_before_the_start(monday_10):
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentFactory(starts_at=monday_10, ends_at=monday_10 - dt.timedelta(minutes=5))


@pytest.mark.parametrize("sessions", [7, 13, 0])
def test_the_database_refuses_a_plan_outside_8_to_12_sessions(sessions):
    with pytest.raises(IntegrityError), transaction.atomic():
        TreatmentPlanFactory(sessions_planned=sessions)


def test_the_database_refuses_a_cancellation_without_who_and_when(monday_10):
    appointment = AppointmentFactory(starts_at=monday_10)
    appointment.status = Appointment.Status.CANCELLED
    with pytest.raises(IntegrityError), transaction.atomic():
        appointment.save()


# --- booking one appointment ------------------------------------------------------


def test_a_clash_names_the_appointment_in_the_way_and_offers_free_slots(practitioner, monday_10):
    existing = book(PatientFactory(), practitioner, monday_10)
    with pytest.raises(BookingConflict) as raised:
        book(PatientFactory(), practitioner, monday_10 + dt.timedelta(minutes=15))
    conflict = raised.value
    assert conflict.blocking == existing
    assert conflict.whose == "practitioner"
    assert "10:00–10:45" in conflict.message
    assert conflict.alternatives[0] == monday_10 + dt.timedelta(minutes=45)
    assert Appointment.objects.count() == 1


def test_a_clash_for_the_patient_says_it_is_the_patients(monday_10, practitioner, other_practitioner):
    patient = PatientFactory()
    full_week_hours(other_practitioner)
    book(patient, other_practitioner, monday_10)
    with pytest.raises(BookingConflict) as raised:
        book(patient, practitioner, monday_10)
    assert raised.value.whose == "patient"


def test_a_booking_in_the_past_is_refused(practitioner):
    with pytest.raises(BookingRefused) as raised:
        book(PatientFactory(), practitioner, timezone.now() - dt.timedelta(hours=1))
    assert raised.value.field == "starts_at"
    assert "passed" in raised.value.message


def test_outside_working_hours_is_refused_to_the_front_desk(practitioner):
    evening = local_datetime(next_weekday(0), dt.time(18, 0))
    with pytest.raises(BookingRefused) as raised:
        book(PatientFactory(), practitioner, evening)
    assert "does not work" in raised.value.message


def test_a_clinic_admin_may_book_outside_hours_only_with_a_reason(practitioner):
    evening = local_datetime(next_weekday(0), dt.time(18, 0))
    admin = ClinicAdminFactory()
    with pytest.raises(BookingRefused) as raised:
        book(PatientFactory(), practitioner, evening, by=admin)
    assert raised.value.field == "override_reason"
    appointment = book(PatientFactory(), practitioner, evening, by=admin, override_reason="Only time she can come")
    assert appointment.override_reason == "Only time she can come"


def test_a_closure_day_is_refused(practitioner, monday_10):
    Closure.objects.create(first_day=monday_10.date(), last_day=monday_10.date(), reason="Public holiday")
    with pytest.raises(BookingRefused) as raised:
        book(PatientFactory(), practitioner, monday_10)
    assert "Public holiday" in raised.value.message


def test_leave_is_refused_as_the_practitioners_leave_not_a_closure(practitioner, monday_10):
    Leave.objects.create(
        practitioner=practitioner, first_day=monday_10.date(), last_day=monday_10.date(), reason="Course"
    )
    with pytest.raises(BookingRefused) as raised:
        book(PatientFactory(), practitioner, monday_10)
    assert raised.value.message.startswith(f"{practitioner} is on leave that day (Course).")
    assert "closed" not in raised.value.message


def test_an_archived_patient_cannot_be_booked(practitioner, monday_10):
    patient = PatientFactory()
    patient.archive(reason="Moved away")
    with pytest.raises(BookingRefused):
        book(patient, practitioner, monday_10)


def test_a_plan_without_consent_cannot_be_booked(practitioner, monday_10):
    plan = TreatmentPlanFactory(practitioner=practitioner)
    with pytest.raises(BookingRefused) as raised:
        book(plan.patient, practitioner, monday_10, plan=plan)
    assert "consent" in raised.value.message
    assert raised.value.field is None  # about the patient, not the choice of plan


def test_a_draft_plan_cannot_be_booked(practitioner, monday_10):
    plan = TreatmentPlanFactory(practitioner=practitioner, status=TreatmentPlan.Status.DRAFT)
    ConsentFactory(patient=plan.patient)
    with pytest.raises(BookingRefused):
        book(plan.patient, practitioner, monday_10, plan=plan)


def test_a_full_plan_refuses_one_more_at_the_plan_field(practitioner, monday_10):
    plan = TreatmentPlanFactory(practitioner=practitioner, sessions_planned=8)
    ConsentFactory(patient=plan.patient)
    course_book(
        plan=plan,
        location=LocationFactory(),
        slots=[(monday_10 + dt.timedelta(days=7 * week), 45) for week in range(8)],
        by=FrontDeskFactory(),
    )
    with pytest.raises(BookingRefused) as raised:
        book(plan.patient, practitioner, monday_10 + dt.timedelta(days=70), plan=plan)
    assert raised.value.message.startswith("All 8 sessions of this plan are booked already.")
    assert raised.value.field == "plan"


# --- the plan's own answer: TreatmentPlan.booking_refusal --------------------------------


@pytest.fixture
def bookable(practitioner):
    plan = TreatmentPlanFactory(practitioner=practitioner, sessions_planned=8)
    ConsentFactory(patient=plan.patient)
    return plan


def test_an_active_plan_with_consent_and_room_is_bookable(bookable):
    assert bookable.booking_refusal() is None
    assert bookable.is_bookable


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (TreatmentPlan.Status.DRAFT, "This plan is still a draft: a practitioner activates it"),
        (TreatmentPlan.Status.COMPLETED, "This plan is completed: no more sessions can be booked for it."),
        (TreatmentPlan.Status.DISCONTINUED, "This plan is discontinued: no more sessions can be booked for it."),
    ],
)
def test_only_an_active_plan_takes_bookings(bookable, status, message):
    bookable.status = status
    assert bookable.booking_refusal().startswith(message)
    assert not bookable.is_bookable


def test_an_archived_patients_plan_is_not_bookable(bookable):
    bookable.patient.archive(reason="Moved away")
    assert bookable.booking_refusal() == "This patient is archived: restore them before booking."


def test_a_plan_whose_patient_has_no_consent_in_force_is_not_bookable(practitioner):
    plan = TreatmentPlanFactory(practitioner=practitioner)
    assert plan.booking_refusal().startswith("There is no consent to acupuncture on file for this patient")


def test_a_plan_takes_only_as_many_sessions_as_remain(bookable):
    assert bookable.booking_refusal(adding=2, booked=6) is None
    assert bookable.booking_refusal(adding=3, booked=6) == "The plan has 8 sessions and 6 are booked: 2 remain, not 3."
    assert bookable.booking_refusal(booked=8) == (
        "All 8 sessions of this plan are booked already. Cancel one first, or ask the practitioner to change the plan."
    )


def test_cancelled_and_missed_sessions_leave_room_in_the_plan(bookable, monday_10, django_assert_num_queries):
    for week, status in enumerate([Appointment.Status.BOOKED, Appointment.Status.NO_SHOW]):
        AppointmentFactory(
            plan=bookable,
            patient=bookable.patient,
            practitioner=bookable.practitioner,
            starts_at=monday_10 + dt.timedelta(days=7 * week),
            status=status,
        )
    cancelled = AppointmentFactory(
        plan=bookable,
        patient=bookable.patient,
        practitioner=bookable.practitioner,
        starts_at=monday_10 + dt.timedelta(days=14),
    )
    cancelled.cancel(by=Appointment.CancelledBy.PATIENT, reason="Flu")
    assert bookable.count_booked() == 1
    assert bookable.sessions_left() == 7
    annotated = TreatmentPlan.objects.with_booked_count().get(pk=bookable.pk)
    with django_assert_num_queries(0):
        assert annotated.sessions_left() == 7


def test_only_active_plans_are_offered_for_booking(practitioner):
    active = TreatmentPlanFactory(practitioner=practitioner)
    for status in (TreatmentPlan.Status.DRAFT, TreatmentPlan.Status.COMPLETED):
        TreatmentPlanFactory(practitioner=practitioner, status=status)
    assert list(TreatmentPlan.objects.open_for_booking()) == [active]


# --- a whole course -------------------------------------------------------------------


def test_a_course_is_booked_whole_or_not_at_all(practitioner, monday_10):
    plan = TreatmentPlanFactory(practitioner=practitioner, sessions_planned=8)
    ConsentFactory(patient=plan.patient)
    blocker = book(PatientFactory(), practitioner, monday_10 + dt.timedelta(days=7))
    slots = [(monday_10 + dt.timedelta(days=7 * week), 45) for week in range(3)]
    with pytest.raises(BookingConflict) as raised:
        course_book(plan=plan, location=LocationFactory(), slots=slots, by=FrontDeskFactory())
    assert raised.value.index == 1
    assert raised.value.blocking == blocker
    assert plan.appointments.count() == 0


def test_a_course_cannot_book_more_sessions_than_the_plan_has(practitioner, monday_10):
    plan = TreatmentPlanFactory(practitioner=practitioner, sessions_planned=8)
    ConsentFactory(patient=plan.patient)
    slots = [(monday_10 + dt.timedelta(days=7 * week), 45) for week in range(9)]
    with pytest.raises(BookingRefused) as raised:
        course_book(plan=plan, location=LocationFactory(), slots=slots, by=FrontDeskFactory())
    assert raised.value.message == "The plan has 8 sessions and 0 are booked: 8 remain, not 9."
    assert raised.value.field == "plan"
    assert plan.appointments.count() == 0


def test_session_numbers_count_only_sessions_that_happen(practitioner, monday_10):
    plan = TreatmentPlanFactory(practitioner=practitioner, sessions_planned=8)
    ConsentFactory(patient=plan.patient)
    slots = [(monday_10 + dt.timedelta(days=7 * week), 45) for week in range(3)]
    first, second, third = course_book(plan=plan, location=LocationFactory(), slots=slots, by=FrontDeskFactory())
    assert first.kind == Appointment.Kind.INITIAL
    second.cancel(by=Appointment.CancelledBy.CLINIC, reason="Practitioner ill")
    numbers = dict(Appointment.objects.with_session_number().values_list("pk", "session_number"))
    assert numbers == {first.pk: 1, second.pk: None, third.pk: 2}
    assert TreatmentPlan.objects.with_booked_count().get().sessions_booked == 2


def test_rescheduling_keeps_the_plan_count_and_refuses_an_occupied_slot(practitioner, monday_10):
    plan = TreatmentPlanFactory(practitioner=practitioner, sessions_planned=8)
    ConsentFactory(patient=plan.patient)
    (session,) = course_book(plan=plan, location=LocationFactory(), slots=[(monday_10, 45)], by=FrontDeskFactory())
    other = book(PatientFactory(), practitioner, monday_10 + dt.timedelta(hours=2))
    with pytest.raises(BookingConflict) as raised:
        appointment_reschedule(session, starts_at=monday_10 + dt.timedelta(hours=2), minutes=45, by=FrontDeskFactory())
    assert raised.value.blocking == other
    session.refresh_from_db()
    assert session.starts_at == monday_10
    appointment_reschedule(session, starts_at=monday_10 + dt.timedelta(hours=3), minutes=45, by=FrontDeskFactory())
    assert TreatmentPlan.objects.with_booked_count().get().sessions_booked == 1


def test_a_late_patient_cancellation_is_flagged(monday_10):
    soon = AppointmentFactory(starts_at=timezone.now() + dt.timedelta(hours=5))
    soon.cancel(by=Appointment.CancelledBy.PATIENT, reason="Car trouble")
    later = AppointmentFactory(starts_at=monday_10 + dt.timedelta(days=7))
    later.cancel(by=Appointment.CancelledBy.PATIENT, reason="Holiday")
    clinic = AppointmentFactory(starts_at=timezone.now() + dt.timedelta(hours=6))
    clinic.cancel(by=Appointment.CancelledBy.CLINIC, reason="Closure")
    assert soon.late_cancellation
    assert not later.late_cancellation
    assert not clinic.late_cancellation
