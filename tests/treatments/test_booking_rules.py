"""The database and the booking services refuse what must never happen."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.factories import (
    AppointmentFactory,
    ClinicAdminFactory,
    ConsentFactory,
    FrontDeskFactory,
    LocationFactory,
    PatientFactory,
    PractitionerFactory,
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
from treatments.models import Appointment, Closure, TreatmentPlan, local_datetime

pytestmark = pytest.mark.django_db


def next_weekday(weekday: int, after: dt.date | None = None) -> dt.date:
    day = (after or timezone.localdate()) + dt.timedelta(days=1)
    while day.weekday() != weekday:
        day += dt.timedelta(days=1)
    return day


@pytest.fixture
def practitioner():
    practitioner = PractitionerFactory(username="alice")
    full_week_hours(practitioner)
    return practitioner


@pytest.fixture
def monday_10(practitioner):
    return local_datetime(next_weekday(0), dt.time(10, 0))


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


def test_a_clash_for_the_patient_says_it_is_the_patients(monday_10, practitioner):
    patient = PatientFactory()
    other = PractitionerFactory()
    full_week_hours(other)
    book(patient, other, monday_10)
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


def test_a_draft_plan_cannot_be_booked(practitioner, monday_10):
    plan = TreatmentPlanFactory(practitioner=practitioner, status=TreatmentPlan.Status.DRAFT)
    ConsentFactory(patient=plan.patient)
    with pytest.raises(BookingRefused):
        book(plan.patient, practitioner, monday_10, plan=plan)


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
    with pytest.raises(BookingRefused):
        course_book(plan=plan, location=LocationFactory(), slots=slots, by=FrontDeskFactory())
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
