"""The demo schedule: a believable clinic diary, built once, never overlapping."""

import datetime as dt

import pytest
from django.db.models import Q
from django.utils import timezone

from demo.diary import seed_schedule
from tests.factories import (
    ConsentFactory,
    DiagnosisFactory,
    FrontDeskFactory,
    PatientFactory,
    PractitionerFactory,
)
from treatments.diary.scheduling import ScheduleWindow
from treatments.models import (
    Appointment,
    Closure,
    Leave,
    Location,
    TreatmentPlan,
    WorkingHours,
    local_datetime,
)

# The demo counts from today: seed it on the clinic clock (tests/clock.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clinic_clock")]

Status = Appointment.Status


@pytest.fixture
def clinic():
    mei = PractitionerFactory(username="practitioner", first_name="Mei", last_name="Lin")
    daniel = PractitionerFactory(username="practitioner2", first_name="Daniel", last_name="Okafor")
    front_desk = FrontDeskFactory(username="frontdesk")
    treated = []
    for index in range(6):
        patient = PatientFactory()
        DiagnosisFactory(patient=patient, recorded_by=[mei, daniel][index % 2])
        ConsentFactory(patient=patient, recorded_by=mei)
        treated.append(patient)
    no_consent = PatientFactory()
    DiagnosisFactory(patient=no_consent)
    withdrawn = PatientFactory()
    ConsentFactory(patient=withdrawn, withdrawn_on=timezone.localdate(), withdrawal_reason="Changed her mind")
    archived = PatientFactory()
    ConsentFactory(patient=archived)
    archived.archive(reason="Moved away")
    newcomers = [PatientFactory() for _ in range(8)]
    return {
        "practitioners": [mei, daniel],
        "front_desk": front_desk,
        "treated": treated,
        "untreated": [no_consent, withdrawn, archived],
        "newcomers": newcomers,
    }


@pytest.fixture
def eleven_this_morning():
    return local_datetime(timezone.localdate(), dt.time(11, 0))


@pytest.fixture
def seeded(clinic, eleven_this_morning):
    added = seed_schedule(
        practitioners=clinic["practitioners"], front_desk=clinic["front_desk"], now=eleven_this_morning
    )
    return {**clinic, "added": added}


def test_seeding_twice_adds_nothing_the_second_time(seeded, eleven_this_morning):
    counts = [m.objects.count() for m in (Appointment, TreatmentPlan, Location, WorkingHours, Closure, Leave)]
    assert seeded["added"] == Appointment.objects.count() > 0
    again = seed_schedule(
        practitioners=seeded["practitioners"], front_desk=seeded["front_desk"], now=eleven_this_morning
    )
    assert again == 0
    assert counts == [m.objects.count() for m in (Appointment, TreatmentPlan, Location, WorkingHours, Closure, Leave)]


def test_the_clinic_has_two_locations_split_shifts_saturdays_a_holiday_and_leave(seeded):
    mei, daniel = seeded["practitioners"]
    assert set(Location.objects.values_list("name", flat=True)) == {"Main clinic", "Eastside studio"}
    mondays = WorkingHours.objects.filter(practitioner=mei, weekday=0).order_by("starts")
    assert [(h.starts, h.ends) for h in mondays] == [(dt.time(8), dt.time(12)), (dt.time(14), dt.time(18))]
    saturday = WorkingHours.objects.get(practitioner=daniel, weekday=5)
    assert saturday.location.name == "Eastside studio"
    today = timezone.localdate()
    holiday = Closure.objects.get()
    assert holiday.location is None
    assert today < holiday.first_day <= today + dt.timedelta(days=21)
    assert Leave.objects.get().practitioner == daniel


def test_only_patients_with_consent_on_file_get_a_plan(seeded):
    planned = set(TreatmentPlan.objects.values_list("patient_id", flat=True))
    assert planned == {p.pk for p in seeded["treated"]}
    no_consent, withdrawn, archived = seeded["untreated"]
    # Someone who never signed may still come for a first consultation; the others are left alone.
    assert not Appointment.objects.filter(patient__in=[withdrawn, archived]).exists()
    assert not Appointment.objects.filter(patient=no_consent).exclude(kind=Appointment.Kind.INITIAL).exists()


def test_every_plan_has_8_to_12_sessions_and_never_more_booked_than_planned(seeded):
    plans = TreatmentPlan.objects.with_booked_count()
    assert {plan.approach for plan in plans} == set(TreatmentPlan.Approach.values)
    assert len({plan.frequency for plan in plans}) >= 2
    for plan in plans:
        assert 8 <= plan.sessions_planned <= 12
        assert plan.sessions_booked <= plan.sessions_planned
        assert plan.diagnoses.exists()
    assert TreatmentPlan.objects.filter(status=TreatmentPlan.Status.ACTIVE).count() >= 4


def test_the_diary_has_a_past_a_busy_today_and_a_future(seeded, eleven_this_morning):
    today = timezone.localdate()
    start_of_today = local_datetime(today, dt.time.min)
    past = Appointment.objects.filter(starts_at__lt=start_of_today)
    assert past.filter(status=Status.COMPLETED).exists()
    assert past.filter(status=Status.NO_SHOW).exists()
    assert past.filter(status=Status.CANCELLED, cancelled_by=Appointment.CancelledBy.PATIENT).exists()
    assert past.filter(status=Status.CANCELLED, cancelled_by=Appointment.CancelledBy.CLINIC).exists()
    assert not past.filter(status__in=[Status.BOOKED, Status.CHECKED_IN]).exists()
    assert not Appointment.objects.filter(status=Status.CANCELLED, cancel_reason="").exists()

    todays = Appointment.objects.on_day(today).live()
    assert 5 <= todays.count() <= 8
    assert {a.practitioner_id for a in todays} == {p.pk for p in seeded["practitioners"]}
    assert todays.filter(status=Status.CHECKED_IN).exists()
    assert not todays.filter(status=Status.COMPLETED, ends_at__gt=eleven_this_morning).exists()

    future = Appointment.objects.filter(starts_at__gte=local_datetime(today + dt.timedelta(days=1), dt.time.min))
    assert future.filter(status=Status.BOOKED, plan__isnull=False).count() >= 10
    assert future.filter(status=Status.CANCELLED).exists()
    assert not future.exclude(status__in=[Status.BOOKED, Status.CANCELLED]).exists()
    standalone = Appointment.objects.filter(plan__isnull=True).values_list("kind", flat=True)
    assert {Appointment.Kind.INITIAL, Appointment.Kind.FOLLOW_UP} <= set(standalone)


def test_sessions_of_a_plan_are_numbered_in_order_without_gaps(seeded):
    for plan in TreatmentPlan.objects.all():
        numbers = list(
            plan.appointments.with_session_number()
            .filter(status__in=Appointment.COUNTED_STATUSES)
            .order_by("starts_at")
            .values_list("session_number", flat=True)
        )
        assert numbers == list(range(1, len(numbers) + 1))
        first = plan.appointments.filter(status__in=Appointment.COUNTED_STATUSES).order_by("starts_at").first()
        assert first is None or first.minutes == 60


def test_future_bookings_respect_hours_the_holiday_and_leave(seeded):
    today = timezone.localdate()
    last = timezone.localdate(Appointment.objects.order_by("-starts_at").first().starts_at)
    future = Appointment.objects.live().filter(starts_at__gte=local_datetime(today + dt.timedelta(days=1), dt.time.min))
    for practitioner in seeded["practitioners"]:
        window = ScheduleWindow.load(practitioner=practitioner, first_day=today, last_day=last)
        for appointment in future.filter(practitioner=practitioner):
            day = timezone.localdate(appointment.starts_at)
            assert window.closed_reason(day, appointment.location_id) is None, appointment
            assert window.within_hours(appointment.starts_at, appointment.ends_at, appointment.location_id)


def test_no_two_live_appointments_overlap_for_a_practitioner_or_a_patient(seeded):
    live = list(Appointment.objects.live())
    for appointment in live:
        overlapping = Appointment.objects.live().between(appointment.starts_at, appointment.ends_at)
        assert (
            not overlapping.filter(Q(practitioner=appointment.practitioner_id) | Q(patient=appointment.patient_id))
            .exclude(pk=appointment.pk)
            .exists()
        )


def test_out_of_hours_demo_visits_say_why(seeded):
    for appointment in Appointment.objects.live().exclude(override_reason=""):
        assert timezone.localdate(appointment.starts_at) == timezone.localdate()


def test_without_practitioners_nothing_is_seeded(clinic):
    assert seed_schedule(practitioners=[], front_desk=clinic["front_desk"]) == 0
    assert not Location.objects.exists()


def test_a_clinic_set_up_before_its_patients_gets_its_diary_on_a_later_run():
    practitioners = [PractitionerFactory(), PractitionerFactory()]
    front_desk = FrontDeskFactory()
    assert seed_schedule(practitioners=practitioners, front_desk=front_desk) == 0
    assert (Location.objects.count(), WorkingHours.objects.count(), Closure.objects.count()) == (2, 16, 1)

    patient = PatientFactory()
    DiagnosisFactory(patient=patient)
    ConsentFactory(patient=patient)
    assert seed_schedule(practitioners=practitioners, front_desk=front_desk) > 0

    assert (Location.objects.count(), WorkingHours.objects.count(), Closure.objects.count()) == (2, 16, 1)
    assert Leave.objects.count() == 1
    assert TreatmentPlan.objects.get().patient == patient
