"""seed_scale fills an empty database with a believable chain, once, and never touches anyone else's patients."""

import io
import random
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F, Q
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.access import Role, roles_of
from clinic.models import User
from clinic.two_factor import APP_DEVICE_NAME
from demo.management.commands.seed_scale import Command as SeedScale
from demo.scale import accounts
from demo.two_factor import DEMO_TOTP_KEY
from patients.models import Patient
from tests.factories import PatientFactory
from treatments.models import (
    Appointment,
    FollowUp,
    Location,
    ReliefRule,
    TreatmentPlan,
    TreatmentSession,
    WorkingHours,
)
from treatments.progress.follow_up import follow_up_rejudge
from treatments.progress.plan_progress import plan_progress

TODAY = date(2026, 5, 13)
PATIENTS = 200
Status = TreatmentPlan.Status


def seed(*extra: str) -> str:
    out = io.StringIO()
    # The command object itself: demo/ is an installed app only with DEBUG on, and make test runs without it.
    call_command(
        SeedScale(),
        "--patients",
        str(PATIENTS),
        "--today",
        TODAY.isoformat(),
        *extra,
        stdout=out,
        stderr=io.StringIO(),
    )
    return out.getvalue()


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    seed()


def row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in ("patients_patient", "treatments_treatmentplan", "treatments_appointment", User._meta.db_table):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608  (fixed names)
            counts[table] = cursor.fetchone()[0]
    return counts


def test_it_writes_patients_with_courses_in_proportion(seeded):
    assert Patient.objects.count() == PATIENTS
    plans = TreatmentPlan.objects.count()
    assert PATIENTS <= plans <= PATIENTS * 1.3
    statuses = dict(TreatmentPlan.objects.values_list("status").annotate(n=Count("id")))
    assert statuses[Status.COMPLETED] > statuses.get(Status.DISCONTINUED, 0) > 0
    assert statuses[Status.ACTIVE] > 0
    sessions = TreatmentSession.objects.count()
    assert 7 * plans <= sessions <= 12 * plans
    assert set(TreatmentPlan.objects.values_list("approach", flat=True)) == set(TreatmentPlan.Approach.values)


def test_no_plan_has_more_sessions_than_planned(seeded):
    overfull = TreatmentPlan.objects.annotate(
        signed=Count("sessions", distinct=True),
        counted=Count("appointments", filter=Q(appointments__status__in=Appointment.COUNTED_STATUSES), distinct=True),
    ).filter(Q(signed__gt=F("sessions_planned")) | Q(counted__gt=F("sessions_planned")))
    assert not overfull.exists()
    completed = TreatmentPlan.objects.filter(status=Status.COMPLETED).annotate(signed=Count("sessions"))
    assert all(plan.signed == plan.sessions_planned for plan in completed)


def test_the_diary_has_missed_and_cancelled_visits_and_a_future(seeded):
    statuses = set(Appointment.objects.values_list("status", flat=True))
    assert {Appointment.Status.NO_SHOW, Appointment.Status.CANCELLED, Appointment.Status.BOOKED} <= statuses
    assert Appointment.objects.filter(status=Appointment.Status.BOOKED, starts_at__date__gt=TODAY).exists()
    assert (
        not Appointment.objects.filter(status=Appointment.Status.COMPLETED, treatment_session__isnull=True)
        .exclude(kind=Appointment.Kind.FOLLOW_UP)
        .exists()
    )


def test_the_busy_location_has_a_full_day_sheet_today(seeded):
    busy = Location.objects.get(name=accounts.BUSY_LOCATION_NAME)
    today = Appointment.objects.on_day(TODAY).live().filter(location=busy)
    per_practitioner = dict(today.values_list("practitioner__username").annotate(n=Count("id")))
    assert set(per_practitioner) == set(accounts.BUSY_PRACTITIONER_USERNAMES)
    assert min(per_practitioner.values()) >= 2
    assert all(appointment.plan.status == Status.ACTIVE for appointment in today.select_related("plan"))


def test_pain_runs_three_kinds_of_course(seeded):
    """Quick responders reach relief by session 4, slow ones later, and some never do."""
    by_kind = {"quick": 0, "slow": 0, "never": 0}
    for plan in TreatmentPlan.objects.filter(status=Status.COMPLETED).select_related("patient")[:120]:
        progress = plan_progress(plan)
        if progress.relief is None:
            by_kind["never"] += 1
        elif progress.relief.number <= 4:
            by_kind["quick"] += 1
        else:
            by_kind["slow"] += 1
    assert all(count > 0 for count in by_kind.values()), by_kind


def test_follow_ups_agree_with_how_the_app_judges_them(seeded):
    recorded = FollowUp.objects.filter(recorded_on__isnull=False).select_related("plan")
    assert recorded.filter(relapsed=True).exists()
    assert recorded.filter(never_relieved=True).exists()
    assert FollowUp.objects.filter(recorded_on__isnull=True).exists()
    for follow_up in recorded[:60]:
        assert follow_up_rejudge(follow_up=follow_up) is None
        last_day = plan_progress(follow_up.plan).latest.day
        assert (follow_up.window_opens_on, follow_up.window_closes_on) == ReliefRule().follow_up_window(last_day)
        assert follow_up.due_on > last_day + timedelta(days=170)


def test_a_sample_of_rows_passes_model_validation(seeded):
    sample = random.Random(7)  # noqa: S311  (a fixed sample, not a secret)
    for model in (Patient, TreatmentPlan, Appointment, TreatmentSession, FollowUp):
        ids = list(model.objects.values_list("id", flat=True))
        for row in model.objects.filter(id__in=sample.sample(ids, min(25, len(ids)))):
            row.full_clean()
    patient = Patient.objects.order_by("?").first()
    assert patient.search_name == Patient.search_name_for(
        patient.given_name, patient.family_name, patient.preferred_name
    )
    assert patient.consents.in_force().exists()


def test_staff_can_sign_in_with_their_roles(seeded, client):
    assert client.post(reverse("login"), {"username": "desk01", "password": accounts.PASSWORD}).status_code == 302
    assert roles_of(User.objects.get(username="prac01")) == {Role.PRACTITIONER}
    assert roles_of(User.objects.get(username="desk40")) == {Role.FRONT_DESK}
    admin = User.objects.get(username="admin05")
    assert roles_of(admin) == {Role.CLINIC_ADMIN}
    assert TOTPDevice.objects.get(user=admin, confirmed=True).name == APP_DEVICE_NAME
    assert accounts.TOTP_KEY_HEX == DEMO_TOTP_KEY
    assert WorkingHours.objects.filter(practitioner__username="prac01", location__name=accounts.BUSY_LOCATION_NAME)


def test_a_second_run_changes_nothing(seeded):
    before = row_counts()
    assert "Already seeded" in seed()
    assert row_counts() == before


def test_replace_regenerates_the_same_data_set(seeded):
    first = list(Patient.objects.order_by("id").values_list("mrn", "given_name", "date_of_birth")[:20])
    seed("--replace")
    assert Patient.objects.count() == PATIENTS
    assert list(Patient.objects.order_by("id").values_list("mrn", "given_name", "date_of_birth")[:20]) == first


@pytest.mark.django_db
def test_a_database_with_a_real_patient_is_refused_untouched(settings):
    settings.DEBUG = True
    PatientFactory()
    before = row_counts()
    with pytest.raises(CommandError, match="not generated by seed_scale"):
        seed()
    with pytest.raises(CommandError, match="not generated by seed_scale"):
        seed("--replace")
    assert row_counts() == before
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('seed_scale_run')")
        assert cursor.fetchone()[0] is None  # not even its marker table
