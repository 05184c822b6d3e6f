"""The patient records in the Django admin: clinic admins look things up; nothing is ever deleted."""

import pytest
from django.contrib import admin
from django.db import models
from django.urls import reverse

from patients.admin import PatientAdmin
from patients.models import Consent, Diagnosis, Intake, Patient, PriorTreatment, SymptomRecord
from tests.factories import (
    ConsentFactory,
    DiagnosisFactory,
    IntakeFactory,
    PatientFactory,
    SymptomRecordFactory,
    UserFactory,
)
from tests.html import assert_valid_html

pytestmark = pytest.mark.django_db

MODELS = (Patient, Intake, PriorTreatment, Diagnosis, Consent, SymptomRecord)


@pytest.fixture
def superuser_client(client_for):
    return client_for(UserFactory(username="root", is_staff=True, is_superuser=True))


def changelist(model) -> str:
    return reverse(f"admin:patients_{model._meta.model_name}_changelist")


def make_records(count: int) -> None:
    for _ in range(count):
        intake = IntakeFactory()
        intake.prior_treatments.create(kind=PriorTreatment.Kind.ORTHOTICS, outcome=PriorTreatment.Outcome.PARTLY)
        ConsentFactory(patient=intake.patient)
        DiagnosisFactory(patient=intake.patient)
        SymptomRecordFactory(patient=intake.patient)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_every_patient_record_is_registered_with_its_history(model):
    model_admin = admin.site._registry[model]
    assert "history" in {url.name.rsplit("_", 1)[-1] for url in model_admin.get_urls() if url.name}


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_no_foreign_key_is_offered_as_a_dropdown_of_every_row(model):
    model_admin = admin.site._registry[model]
    covered = {*model_admin.raw_id_fields, *model_admin.autocomplete_fields, *model_admin.readonly_fields}
    for field in model._meta.get_fields():
        if isinstance(field, models.ForeignKey) and field.editable:
            assert field.name in covered, f"{model.__name__}.{field.name} would render every row in a <select>"


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_changelists_load_for_a_superuser_in_a_constant_number_of_queries(
    superuser_client, django_assert_max_num_queries, model
):
    make_records(2)
    first = superuser_client.get(changelist(model))
    assert first.status_code == 200
    assert first.context["cl"].result_count >= 2
    with django_assert_max_num_queries(12) as small:
        superuser_client.get(changelist(model))
    make_records(15)
    with django_assert_max_num_queries(12) as large:
        superuser_client.get(changelist(model))
    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_nobody_may_delete_a_patient_record(superuser_client, clinic_admin, rf, model):
    for user in (UserFactory(username="root2", is_staff=True, is_superuser=True), clinic_admin):
        request = rf.get("/")
        request.user = user
        assert admin.site._registry[model].has_delete_permission(request) is False


def test_the_delete_page_is_refused_and_the_patient_stays(superuser_client):
    patient = PatientFactory()
    url = reverse("admin:patients_patient_delete", kwargs={"object_id": patient.pk})
    assert superuser_client.get(url).status_code == 403
    assert superuser_client.post(url, {"post": "yes"}).status_code == 403
    assert Patient.objects.filter(pk=patient.pk).exists()


def test_the_bulk_delete_action_is_not_offered(superuser_client):
    PatientFactory()
    response = superuser_client.get(changelist(Patient))
    assert "delete_selected" not in response.content.decode()
    response = superuser_client.post(
        changelist(Patient), {"action": "delete_selected", "_selected_action": [Patient.objects.get().pk]}
    )
    assert Patient.objects.count() == 1


def test_clinic_admins_read_clinical_records_but_do_not_change_them(clinic_admin_client):
    diagnosis = DiagnosisFactory()
    assert clinic_admin_client.get(changelist(Diagnosis)).status_code == 200
    change_url = reverse("admin:patients_diagnosis_change", kwargs={"object_id": diagnosis.pk})
    page = clinic_admin_client.get(change_url)
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    response = clinic_admin_client.post(change_url, {"code": "G62.9", "side": "both", "status": "active"})
    assert response.status_code == 403
    diagnosis.refresh_from_db()
    assert diagnosis.code == "M72.2"


def test_clinic_admins_see_the_change_history_of_a_patient(clinic_admin_client):
    patient = PatientFactory()
    patient.archive(reason="Moved away")
    response = clinic_admin_client.get(reverse("admin:patients_patient_history", kwargs={"object_id": patient.pk}))
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == 2
    assert "Moved away" in response.content.decode()


def test_clinic_admins_correct_patient_details_with_the_registry_validation(clinic_admin_client):
    patient = PatientFactory(given_name="Ines")
    url = reverse("admin:patients_patient_change", kwargs={"object_id": patient.pk})
    data = {
        "given_name": "<script>",
        "family_name": patient.family_name,
        "date_of_birth": patient.date_of_birth.isoformat(),
        "sex": "female",
        "phone": patient.phone,
        "preferred_contact": "phone",
    }
    response = clinic_admin_client.post(url, data)
    assert response.status_code == 200
    assert "cannot contain" in str(response.context["adminform"].form.errors["given_name"])
    patient.refresh_from_db()
    assert patient.given_name == "Ines"

    response = clinic_admin_client.post(url, {**data, "given_name": "Inês"})
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.given_name == "Inês"


def test_patients_are_not_registered_through_the_admin(superuser_client):
    assert superuser_client.get(reverse("admin:patients_patient_add")).status_code == 403


def test_admin_search_finds_patients_as_the_registry_does(superuser_client):
    jose = PatientFactory(given_name="José", family_name="Núñez")
    PatientFactory(given_name="Anna", family_name="Berg")
    response = superuser_client.get(changelist(Patient), {"q": "nunez"})
    assert list(response.context["cl"].result_list) == [jose]
    response = superuser_client.get(changelist(Patient), {"q": jose.mrn})
    assert list(response.context["cl"].result_list) == [jose]


def test_the_patient_changelist_filters_archived_patients(superuser_client):
    current = PatientFactory()
    gone = PatientFactory()
    gone.archive(reason="Moved away")
    archived = superuser_client.get(changelist(Patient), {"archived": "yes"}).context["cl"].result_list
    active = superuser_client.get(changelist(Patient), {"archived": "no"}).context["cl"].result_list
    assert list(archived) == [gone]
    assert list(active) == [current]


def test_the_patient_change_page_is_valid_html(superuser_client):
    patient = PatientFactory()
    response = superuser_client.get(reverse("admin:patients_patient_change", kwargs={"object_id": patient.pk}))
    assert response.status_code == 200
    assert_valid_html(response.content)
    assert isinstance(admin.site._registry[Patient], PatientAdmin)


def test_front_desk_and_practitioners_have_no_admin_access(front_desk_client, practitioner_client):
    for client in (front_desk_client, practitioner_client):
        response = client.get(changelist(Patient))
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


def test_an_earlier_version_of_a_clinical_record_can_be_read_but_not_restored_by_clinic_admins(clinic_admin_client):
    diagnosis = DiagnosisFactory(note="first note")
    diagnosis.note = "second note"
    diagnosis.save()
    first = diagnosis.history.earliest()
    url = reverse("admin:patients_diagnosis_simple_history", kwargs={"object_id": diagnosis.pk, "version_id": first.pk})
    assert url == reverse("admin:patients_diagnosis_simple_history", args=[diagnosis.pk, first.pk])
    response = clinic_admin_client.get(url)
    assert response.status_code == 200
    assert "first note" in response.content.decode()
    assert clinic_admin_client.post(url, {"code": "M72.2", "side": "left", "status": "active"}).status_code == 403
    diagnosis.refresh_from_db()
    assert diagnosis.note == "second note"
