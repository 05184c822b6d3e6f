"""Every view of a patient's record, a clinic report or an export leaves one access event: who, what, when, where."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AccessEvent
from tests.factories import AppointmentFactory, PatientFactory, TreatmentPlanFactory, TreatmentSessionFactory
from treatments.models import Appointment

pytestmark = pytest.mark.django_db


def _only_event() -> AccessEvent:
    [event] = AccessEvent.objects.all()
    return event


def test_opening_a_chart_records_who_which_patient_which_page_and_from_where(practitioner, practitioner_client):
    patient = PatientFactory()
    url = reverse("patients:chart", kwargs={"public_id": patient.public_id})
    assert practitioner_client.get(f"{url}?tab=history", REMOTE_ADDR="198.51.100.7").status_code == 200

    event = _only_event()
    assert (event.user, event.patient, event.kind) == (practitioner, patient, AccessEvent.Kind.CHART)
    assert (event.url_name, event.path, event.remote_addr) == ("patients:chart", url, "198.51.100.7")


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("treatments:session", AccessEvent.Kind.SESSION),
        ("treatments:plan", AccessEvent.Kind.PLAN),
        ("treatments:plan_progress", AccessEvent.Kind.PROGRESS),
        ("treatments:appointment", AccessEvent.Kind.APPOINTMENT),
        ("patients:intake", AccessEvent.Kind.INTAKE),
        ("patients:symptoms", AccessEvent.Kind.SYMPTOMS),
        ("treatments:patient_progress", AccessEvent.Kind.PROGRESS),
    ],
)
def test_pages_named_by_session_plan_or_appointment_are_traced_to_their_patient(
    practitioner, practitioner_client, name, kind
):
    plan = TreatmentPlanFactory(practitioner=practitioner)
    appointment = AppointmentFactory(patient=plan.patient, practitioner=practitioner, plan=plan)
    session = TreatmentSessionFactory(
        appointment=AppointmentFactory(
            patient=plan.patient,
            practitioner=practitioner,
            plan=plan,
            starts_at=appointment.starts_at + dt.timedelta(hours=2),
            status=Appointment.Status.COMPLETED,
        )
    )
    kwargs = {
        "treatments:session": {"session_id": session.pk},
        "treatments:plan": {"plan_id": plan.public_id},
        "treatments:plan_progress": {"plan_id": plan.public_id},
        "treatments:appointment": {"appointment_id": appointment.pk},
    }.get(name, {"public_id": plan.patient.public_id})
    assert practitioner_client.get(reverse(name, kwargs=kwargs)).status_code == 200

    event = _only_event()
    assert (event.patient, event.kind, event.url_name) == (plan.patient, kind, name)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("treatments:outcomes", AccessEvent.Kind.REPORT),
        ("treatments:review_queue", AccessEvent.Kind.REPORT),
        ("treatments:adverse_event_sessions", AccessEvent.Kind.REPORT),
        ("treatments:outcomes_csv", AccessEvent.Kind.EXPORT),
    ],
)
def test_clinic_wide_reports_and_exports_are_logged_without_a_patient(clinic_admin, clinic_admin_client, name, kind):
    assert clinic_admin_client.get(reverse(name)).status_code == 200
    event = _only_event()
    assert (event.user, event.patient, event.kind) == (clinic_admin, None, kind)


def test_a_refused_page_is_not_logged_as_seen(front_desk_client):
    session = TreatmentSessionFactory()
    assert front_desk_client.get(reverse("treatments:session", kwargs={"session_id": session.pk})).status_code == 403
    assert not AccessEvent.objects.exists()


def test_pages_without_patient_data_and_form_posts_are_not_logged(front_desk_client):
    patient = PatientFactory()
    front_desk_client.get(reverse("patients:list"))
    front_desk_client.get(reverse("home"))
    front_desk_client.post(reverse("patients:archive", kwargs={"public_id": patient.public_id}), {"reason": ""})
    assert not AccessEvent.objects.exists()


def test_logging_a_view_costs_one_query(practitioner_client):
    patient = PatientFactory()
    chart = reverse("patients:chart", kwargs={"public_id": patient.public_id})
    practitioner_client.get(chart)  # warm the session and role caches
    with CaptureQueriesContext(connection) as queries:
        practitioner_client.get(chart)
    inserts = [query["sql"] for query in queries if 'INSERT INTO "audit_accessevent"' in query["sql"]]
    assert len(inserts) == 1
    assert "patients_patient" in inserts[0]  # the patient is found inside the same statement
