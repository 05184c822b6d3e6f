"""Every write to a patient's record is kept by the database itself: who, when, from which page, before and after."""

import pytest
from django.db import connection
from django.urls import reverse

from audit.models import (
    DiagnosisEvent,
    PatientEvent,
    SymptomRecordEvent,
    TreatmentPlanDiagnosisEvent,
    TreatmentSessionEvent,
)
from patients.models import Patient
from tests.factories import (
    DiagnosisFactory,
    PatientFactory,
    SymptomRecordFactory,
    TreatmentPlanFactory,
    TreatmentSessionFactory,
)

pytestmark = pytest.mark.django_db


def _labels(events) -> list[str]:
    return [event.pgh_label for event in events.order_by("pgh_id")]


def test_creating_a_patient_is_recorded_with_the_row_as_saved():
    patient = PatientFactory(family_name="Lopez")
    created = PatientEvent.objects.get(pgh_obj=patient)
    assert created.pgh_label == "insert"
    assert created.family_name == "Lopez"
    assert created.public_id == patient.public_id


def test_a_bulk_update_is_recorded_with_the_row_before_and_after():
    maria, john = PatientFactory(family_name="Lopez"), PatientFactory(family_name="Smith")
    Patient.objects.filter(pk__in=[maria.pk, john.pk]).update(city="Portland")

    for patient, name in ((maria, "Lopez"), (john, "Smith")):
        events = PatientEvent.objects.filter(pgh_obj=patient)
        assert _labels(events) == ["insert", "before_update", "update"]
        before, after = events.get(pgh_label="before_update"), events.get(pgh_label="update")
        assert (before.city, after.city) == ("", "Portland")
        assert before.family_name == after.family_name == name


def test_a_raw_sql_update_is_recorded_too():
    patient = PatientFactory(family_name="Lopez")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE patients_patient SET family_name = %s WHERE id = %s", ["Lopez-Garcia", patient.pk])

    before = PatientEvent.objects.get(pgh_obj=patient, pgh_label="before_update")
    after = PatientEvent.objects.get(pgh_obj=patient, pgh_label="update")
    assert (before.family_name, after.family_name) == ("Lopez", "Lopez-Garcia")
    # Outside a request there is no one to name: the change is kept all the same.
    assert after.pgh_context is None


def test_a_save_that_changes_nothing_tracked_adds_no_update_event():
    patient = PatientFactory()
    Patient.objects.filter(pk=patient.pk).update(city=patient.city)
    assert _labels(PatientEvent.objects.filter(pgh_obj=patient)) == ["insert"]


def test_a_deleted_record_keeps_its_last_state():
    record = SymptomRecordFactory()
    record_id, severity = record.pk, record.severity
    record.delete()
    deleted = SymptomRecordEvent.objects.get(pgh_obj_id=record_id, pgh_label="delete")
    assert deleted.severity == severity


def test_clinical_rows_are_tracked_as_well():
    session = TreatmentSessionFactory()
    plan = TreatmentPlanFactory(patient=session.patient)
    diagnosis = DiagnosisFactory(patient=session.patient)
    plan.diagnoses.add(diagnosis)
    plan.diagnoses.remove(diagnosis)

    assert TreatmentSessionEvent.objects.filter(pgh_obj=session, pgh_label="insert").exists()
    assert DiagnosisEvent.objects.filter(pgh_obj=diagnosis, pgh_label="insert").exists()
    links = TreatmentPlanDiagnosisEvent.objects.filter(diagnosis_id=diagnosis.pk).order_by("pgh_id")
    assert [(link.pgh_label, link.treatmentplan_id) for link in links] == [
        ("add", plan.pk),
        ("remove", plan.pk),
    ]


def test_a_change_made_through_the_app_names_the_user_the_page_and_the_address(front_desk, front_desk_client):
    patient = PatientFactory()
    url = reverse("patients:archive", kwargs={"public_id": patient.public_id})
    response = front_desk_client.post(f"{url}?from=list", {"reason": "Moved to Oregon"}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302

    after = PatientEvent.objects.get(pgh_obj=patient, pgh_label="update")
    assert after.archive_reason == "Moved to Oregon"
    assert after.pgh_context.metadata == {"user": front_desk.pk, "url": url, "remote_addr": "203.0.113.9"}
