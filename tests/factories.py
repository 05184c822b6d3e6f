import datetime as _dt
from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from clinic.access import Role
from clinic.models import User
from patients.models import Consent, Diagnosis, DiagnosisCode, Intake, Patient, Side, SymptomRecord
from treatments.models import (
    Appointment,
    Location,
    TreatmentPlan,
    TreatmentSession,
    Weekday,
    WorkingHours,
    local_datetime,
)

TEST_PASSWORD = "correct-horse-battery-staple"


def _give_role(user, create: bool, role: Role | None) -> None:
    if create and role:
        user.groups.add(Group.objects.get_or_create(name=Role(role).value)[0])


def _role_factory(default: Role):
    return factory.PostGeneration(lambda user, create, extracted, **_: _give_role(user, create, extracted or default))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@stride.example")
    password = factory.django.Password(TEST_PASSWORD)

    role = factory.PostGeneration(lambda user, create, extracted, **_: _give_role(user, create, extracted))


class PractitionerFactory(UserFactory):
    professional_title = "L.Ac."
    role = _role_factory(Role.PRACTITIONER)


class FrontDeskFactory(UserFactory):
    role = _role_factory(Role.FRONT_DESK)


class ClinicAdminFactory(UserFactory):
    is_staff = True
    role = _role_factory(Role.CLINIC_ADMIN)


# --- patients ---------------------------------------------------------------


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    family_name = factory.Faker("last_name")
    given_name = factory.Faker("first_name")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=25, maximum_age=85)
    sex = Patient.Sex.FEMALE
    phone = factory.Sequence(lambda n: f"(555) 01{n % 100:02d}-{n % 10000:04d}")
    email = factory.LazyAttribute(lambda p: f"{p.given_name.lower()}.{p.family_name.lower()}@example.org")


class IntakeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intake

    patient = factory.SubFactory(PatientFactory)
    affected_side = Side.LEFT
    onset_date = factory.LazyFunction(lambda: _dt.date.today() - _dt.timedelta(days=120))
    aggravators = factory.LazyFunction(lambda: [Intake.Aggravator.FIRST_STEPS])
    height_cm = Decimal("168.0")
    weight_kg = Decimal("74.0")
    baseline_first_step_pain = Decimal("7.0")
    baseline_average_pain = Decimal("5.5")
    recorded_by = factory.SubFactory(PractitionerFactory)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    patient = factory.SubFactory(PatientFactory)
    given_on = factory.LazyFunction(lambda: _dt.date.today() - _dt.timedelta(days=30))
    covers_acupuncture = True
    covers_electroacupuncture = True
    recorded_by = factory.SubFactory(PractitionerFactory)


class DiagnosisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Diagnosis

    patient = factory.SubFactory(PatientFactory)
    code = DiagnosisCode.PLANTAR_FASCIITIS
    side = Side.LEFT
    recorded_by = factory.SubFactory(PractitionerFactory)


class SymptomRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SymptomRecord

    patient = factory.SubFactory(PatientFactory)
    recorded_on = factory.LazyFunction(_dt.date.today)
    symptom = SymptomRecord.Symptom.HEEL_PAIN
    spots = factory.LazyFunction(lambda: ["left:heel_medial"])
    severity = 6
    recorded_by = factory.SubFactory(PractitionerFactory)


# --- treatments -------------------------------------------------------------


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location
        django_get_or_create = ("name",)

    name = "Main clinic"
    address = "12 Elm Street, Springfield"


class WorkingHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingHours

    practitioner = factory.SubFactory(PractitionerFactory)
    location = factory.SubFactory(LocationFactory)
    weekday = Weekday.MONDAY
    starts = _dt.time(9, 0)
    ends = _dt.time(17, 0)


def full_week_hours(practitioner, location=None, *, starts=_dt.time(9, 0), ends=_dt.time(17, 0), days=range(5)):
    """Monday to Friday (by default) working hours for a practitioner."""
    location = location or LocationFactory()
    return [
        WorkingHoursFactory(practitioner=practitioner, location=location, weekday=day, starts=starts, ends=ends)
        for day in days
    ]


class TreatmentPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TreatmentPlan

    patient = factory.SubFactory(PatientFactory)
    practitioner = factory.SubFactory(PractitionerFactory)
    sessions_planned = 10
    frequency = TreatmentPlan.Frequency.TWICE_WEEKLY
    status = TreatmentPlan.Status.ACTIVE
    goal = "First-step pain below 3"
    created_by = factory.SelfAttribute("practitioner")


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    patient = factory.SubFactory(PatientFactory)
    practitioner = factory.SubFactory(PractitionerFactory)
    location = factory.SubFactory(LocationFactory)
    starts_at = factory.LazyFunction(lambda: local_datetime(_dt.date.today() + _dt.timedelta(days=1), _dt.time(10, 0)))
    ends_at = factory.LazyAttribute(lambda a: a.starts_at + _dt.timedelta(minutes=45))
    booked_by = factory.SelfAttribute("practitioner")


def appointments_at(practitioner, location, starts, *, minutes: int, on_plan: int = 12) -> None:
    """An appointment of `minutes` at each of `starts` for one new patient, the first `on_plan` on a plan of theirs."""
    patient = PatientFactory()
    plan = TreatmentPlanFactory(patient=patient, practitioner=practitioner, sessions_planned=12)
    for index, start in enumerate(starts):
        AppointmentFactory(
            practitioner=practitioner,
            patient=patient,
            location=location,
            plan=plan if index < on_plan else None,
            starts_at=start,
            ends_at=start + _dt.timedelta(minutes=minutes),
        )


class TreatmentSessionFactory(factory.django.DjangoModelFactory):
    """A signed session for a checked-in (then completed) appointment of a plan."""

    class Meta:
        model = TreatmentSession

    appointment = factory.SubFactory(AppointmentFactory, status=Appointment.Status.COMPLETED)
    patient = factory.SelfAttribute("appointment.patient")
    practitioner = factory.SelfAttribute("appointment.practitioner")
    plan = factory.SelfAttribute("appointment.plan")
    first_step_pain_before = Decimal("6.0")
    average_pain_before = Decimal("5.0")
    first_step_pain_after = Decimal("4.0")
    average_pain_after = Decimal("3.5")
    needle_count = 12
    retention_minutes = 30
    signed_at = factory.LazyFunction(lambda: _dt.datetime.now(_dt.UTC))
    signed_by = factory.SelfAttribute("practitioner")
