import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import SymptomRecord
from patients.symptoms import symptoms_section
from tests.factories import PatientFactory, PractitionerFactory, SymptomRecordFactory
from tests.html import assert_valid_html

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def add_url(patient):
    return reverse("patients:symptom_add", kwargs={"public_id": patient.public_id})


def history_url(patient):
    return reverse("patients:symptoms", kwargs={"public_id": patient.public_id})


def valid_post(**overrides):
    return {
        "recorded_on": TODAY.isoformat(),
        "symptom": "heel_pain",
        "spots": ["left:heel_medial", "left:arch"],
        "severity": "6",
        "timing": "first_steps",
        "note": "Worse after the weekend",
        **overrides,
    }


# --- the maps --------------------------------------------------------------------


def test_the_latest_map_takes_each_symptoms_most_recent_day_and_the_worst_severity_per_place(practitioner):
    patient = PatientFactory()
    first, later, latest = TODAY - dt.timedelta(days=40), TODAY - dt.timedelta(days=20), TODAY
    SymptomRecordFactory(patient=patient, recorded_on=first, spots=["left:heel_medial", "left:arch"], severity=8)
    SymptomRecordFactory(patient=patient, recorded_on=first, symptom="numbness", spots=["left:toes"], severity=5)
    SymptomRecordFactory(patient=patient, recorded_on=later, symptom="numbness", spots=["left:toes"], severity=6)
    SymptomRecordFactory(patient=patient, recorded_on=latest, spots=["left:heel_medial", "right:ball"], severity=3)

    section = symptoms_section(patient, practitioner)

    assert section["first_map"] == {"left:heel_medial": 8, "left:arch": 8, "left:toes": 5}
    # Heel pain's latest day drops the arch; numbness's latest record is still its later one.
    assert section["latest_map"] == {"left:heel_medial": 3, "right:ball": 3, "left:toes": 6}
    changes = {change.spot: (change.kind, change.delta) for change in section["changes"]}
    assert changes == {
        "left:heel_medial": ("better", -5),
        "left:arch": ("resolved", None),
        "left:toes": ("worse", 1),
        "right:ball": ("new", None),
    }
    assert section["first_date"] == first
    assert section["latest_date"] == latest
    assert section["can_write"]


def test_a_patient_without_records_has_an_empty_section(clinic_admin):
    section = symptoms_section(PatientFactory(), clinic_admin)
    assert section["count"] == 0
    assert section["changes"] == []
    assert not section["can_write"]


@pytest.mark.parametrize("records", [3, 60])
def test_the_section_is_two_queries_whatever_the_number_of_records(practitioner, django_assert_num_queries, records):
    patient = PatientFactory()
    SymptomRecordFactory.create_batch(records, patient=patient, recorded_by=practitioner)
    # the records, and the user's roles
    with django_assert_num_queries(2):
        symptoms_section(patient, practitioner)


# --- who may do what ----------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    patient = PatientFactory()
    for url in (add_url(patient), history_url(patient)):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_the_front_desk_can_neither_read_nor_record_symptoms(front_desk_client):
    patient = PatientFactory()
    SymptomRecordFactory(patient=patient, note="Distinctive burning note")
    assert front_desk_client.get(history_url(patient)).status_code == 403
    assert front_desk_client.get(add_url(patient)).status_code == 403
    assert front_desk_client.post(add_url(patient), valid_post()).status_code == 403
    assert SymptomRecord.objects.count() == 1


def test_clinic_admins_read_the_history_but_do_not_record(clinic_admin_client):
    patient = PatientFactory()
    SymptomRecordFactory(patient=patient)
    assert clinic_admin_client.get(history_url(patient)).status_code == 200
    assert clinic_admin_client.post(add_url(patient), valid_post()).status_code == 403
    assert SymptomRecord.objects.count() == 1


def test_a_practitioner_records_a_symptom_on_the_foot(practitioner_client, practitioner):
    patient = PatientFactory()
    response = practitioner_client.get(add_url(patient))
    assert response.status_code == 200
    assert_valid_html(response.content)
    response = practitioner_client.post(add_url(patient), valid_post())
    assert response.status_code == 302
    assert response["Location"] == patient.get_absolute_url()
    record = SymptomRecord.objects.get()
    assert record.spots == ["left:heel_medial", "left:arch"]
    assert record.side == "left"
    assert record.recorded_by == practitioner


def test_save_and_record_another_returns_to_a_fresh_form(practitioner_client):
    patient = PatientFactory()
    response = practitioner_client.post(add_url(patient), valid_post(another="1"))
    assert response["Location"] == add_url(patient)


def test_an_unknown_patient_is_not_found(practitioner_client):
    assert practitioner_client.get("/patients/00000000-0000-0000-0000-000000000000/symptoms/new/").status_code == 404


# --- bad input: a clear message at the field, nothing written --------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"severity": "-1"}, "severity", "whole number from 0"),
        ({"severity": "11"}, "severity", "whole number from 0"),
        ({"severity": "abc"}, "severity", "whole number from 0"),
        ({"severity": "4.5"}, "severity", "whole number from 0"),
        ({"spots": []}, "spots", "at least one place"),
        ({"spots": ["left:knee"]}, "spots", "Choose places from the diagram"),
        ({"spots": ["middle:heel_medial"]}, "spots", "Choose places from the diagram"),
        ({"recorded_on": (TODAY + dt.timedelta(days=1)).isoformat()}, "recorded_on", "in the future"),
        ({"recorded_on": "1900-01-01"}, "recorded_on", "before the patient was born"),
        ({"recorded_on": "31/31/2020"}, "recorded_on", "valid date"),
        ({"symptom": "other", "symptom_other": ""}, "symptom_other", "Name the symptom"),
        ({"symptom": "itching"}, "symptom", "valid choice"),
        ({"note": "x" * 301}, "note", "at most 300 characters"),
        ({"timing": "sometimes"}, "timing", "valid choice"),
    ],
)
def test_bad_input_is_refused_at_the_field(practitioner_client, overrides, field, message):
    patient = PatientFactory(date_of_birth=dt.date(1960, 1, 1))
    response = practitioner_client.post(add_url(patient), valid_post(**overrides))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    assert message.split()[0] in response.content.decode()
    assert SymptomRecord.objects.count() == 0


# --- the history page ------------------------------------------------------------------


def test_the_history_filters_by_symptom_and_refuses_an_unknown_filter_clearly(practitioner_client):
    patient = PatientFactory()
    SymptomRecordFactory(patient=patient, symptom="numbness", note="numb one")
    SymptomRecordFactory(patient=patient, symptom="heel_pain", note="heel one")
    response = practitioner_client.get(history_url(patient), {"symptom": "numbness"})
    assert [r.note for r in response.context["page"].object_list] == ["numb one"]
    assert_valid_html(response.content)
    response = practitioner_client.get(history_url(patient), {"symptom": "<script>"}, follow=True)
    assert response.status_code == 200
    assert "not one we know" in response.content.decode()
    assert len(response.context["page"].object_list) == 2


@pytest.mark.parametrize("records", [3, 60])
def test_the_history_runs_the_same_queries_for_few_or_many_records(
    practitioner_client, practitioner, django_assert_num_queries, records
):
    patient = PatientFactory()
    recorders = [practitioner, PractitionerFactory()]
    for index in range(records):
        SymptomRecordFactory(patient=patient, recorded_by=recorders[index % 2])
    # session, user, roles, savepoint pair, patient, section records, count, page
    with django_assert_num_queries(9):
        practitioner_client.get(history_url(patient), {"page": "2"})
