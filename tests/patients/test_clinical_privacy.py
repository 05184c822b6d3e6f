"""Who sees what: Fiona at the front desk opens the chart but never sees, or even loads, the clinical record.

Carmen the clinic admin reads it all and changes none of it; strangers are sent to sign in.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from patients.models import Consent, Diagnosis, DiagnosisCode, Intake, Side, SymptomRecord
from tests.factories import ConsentFactory, DiagnosisFactory, IntakeFactory, PatientFactory, SymptomRecordFactory
from tests.html import assert_valid_html

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clinic_clock")]

CLINICAL_TABLES = ("patients_intake", "patients_priortreatment", "patients_diagnosis", "patients_consent")
SYMPTOM_NOTE = "Tingling like ants under the left arch"
# Words that only the clinical sections of the chart would print.
CLINICAL_STRINGS = (
    "acemaker",
    "electroacupuncture",
    "M72.2",
    "Plantar fasciitis",
    "Safety",
    "No consent on file",
    "Consent",
    "Intake",
    "Diagnos",
    "Stabbing pain since the marathon",
    "7.5",
    SYMPTOM_NOTE,
    "Tingling",
    "Record symptoms",
)


@pytest.fixture
def patient(practitioner):
    patient = PatientFactory(given_name="Maria", family_name="Lopez")
    IntakeFactory(
        patient=patient,
        recorded_by=practitioner,
        implanted_device=True,
        implanted_device_detail="Pacemaker",
        complaint_notes="Stabbing pain since the marathon",
        baseline_first_step_pain="7.5",
    )
    DiagnosisFactory(patient=patient, code=DiagnosisCode.PLANTAR_FASCIITIS, side=Side.LEFT, recorded_by=practitioner)
    ConsentFactory(patient=patient, recorded_by=practitioner)
    SymptomRecordFactory(
        patient=patient,
        symptom=SymptomRecord.Symptom.TINGLING,
        spots=["left:arch"],
        note=SYMPTOM_NOTE,
        recorded_by=practitioner,
    )
    return patient


def chart_url(patient) -> str:
    return reverse("patients:chart", kwargs={"public_id": patient.public_id})


def clinical_urls(patient) -> dict[str, str]:
    kwargs = {"public_id": patient.public_id}
    diagnosis = patient.diagnoses.get()
    consent = patient.consents.get()
    return {
        "intake": reverse("patients:intake", kwargs=kwargs),
        "diagnosis_add": reverse("patients:diagnosis_add", kwargs=kwargs),
        "diagnosis_edit": reverse("patients:diagnosis_edit", kwargs={**kwargs, "diagnosis_id": diagnosis.pk}),
        "consent_add": reverse("patients:consent_add", kwargs=kwargs),
        "consent_withdraw": reverse("patients:consent_withdraw", kwargs={**kwargs, "consent_id": consent.pk}),
        "symptoms": reverse("patients:symptoms", kwargs=kwargs),
        "symptom_add": reverse("patients:symptom_add", kwargs=kwargs),
    }


# Plausible, valid-looking posts: a refusal must not depend on the data being bad.
def clinical_posts() -> dict[str, dict]:
    today = timezone.localdate().isoformat()
    return {
        "intake": {
            "affected_side": "right",
            "onset_date": (timezone.localdate() - timedelta(days=30)).isoformat(),
            "baseline_first_step_pain": "2.0",
            "baseline_average_pain": "1.0",
            "sport": "none",
            "diabetes": "none",
            "bleeding_disorder": "none",
            "nsaid_use": "none",
            "prior-TOTAL_FORMS": "0",
            "prior-INITIAL_FORMS": "0",
        },
        "diagnosis_add": {"code": "G62.9", "side": "both", "status": "active"},
        "diagnosis_edit": {"code": "M72.2", "side": "left", "status": "resolved"},
        "consent_add": {"given_on": today, "covers_acupuncture": "on"},
        "consent_withdraw": {"withdrawn_on": today, "reason": "Front desk says so"},
        "symptoms": {},
        "symptom_add": {
            "recorded_on": today,
            "symptom": "numbness",
            "spots": ["right:toes"],
            "severity": "3",
            "timing": "",
            "note": "",
        },
    }


def snapshot() -> tuple:
    """Every clinical row as it stands, to prove a refused request changed nothing."""
    return (
        list(Intake.objects.values()),
        list(Diagnosis.objects.values()),
        list(Consent.objects.values()),
        list(SymptomRecord.objects.values()),
    )


# --- the front desk ------------------------------------------------------------------------


def test_the_front_desk_opens_the_chart_but_sees_no_clinical_data(front_desk_client, patient):
    response = front_desk_client.get(chart_url(patient))
    assert response.status_code == 200
    assert_valid_html(response.content)
    html = response.content.decode()
    assert "Maria Lopez" in html
    for clinical in CLINICAL_STRINGS:
        assert clinical not in html, f"the front desk can see {clinical!r}"


def test_the_front_desk_chart_never_queries_the_clinical_tables(front_desk_client, practitioner_client, patient):
    with CaptureQueriesContext(connection) as front_desk_queries:
        front_desk_client.get(chart_url(patient))
    with CaptureQueriesContext(connection) as practitioner_queries:
        practitioner_client.get(chart_url(patient))

    assert len(front_desk_queries) < len(practitioner_queries)
    front_desk_sql = " ".join(query["sql"] for query in front_desk_queries)
    for table in (*CLINICAL_TABLES, "patients_symptomrecord"):
        assert table not in front_desk_sql, f"the front desk chart read {table}"


@pytest.mark.parametrize("name", list(clinical_posts()))
def test_every_clinical_url_refuses_the_front_desk_and_writes_nothing(front_desk_client, patient, name):
    target = clinical_urls(patient)[name]
    before = snapshot()
    assert front_desk_client.get(target).status_code == 403
    # The symptom history is a read-only page: refusing the method (405) is as good as refusing the user.
    refused = {403, 405} if name == "symptoms" else {403}
    assert front_desk_client.post(target, clinical_posts()[name]).status_code in refused
    assert snapshot() == before


# --- the clinic admin ----------------------------------------------------------------------


def test_clinic_admins_read_the_chart_with_its_clinical_sections(clinic_admin_client, patient):
    response = clinic_admin_client.get(chart_url(patient))
    assert response.status_code == 200
    html = response.content.decode()
    for clinical in ("Pacemaker — no electroacupuncture", "Plantar fasciitis", "Stabbing pain since the marathon"):
        assert clinical in html


@pytest.mark.parametrize("name", [name for name in clinical_posts() if name != "symptoms"])
def test_clinic_admins_cannot_write_clinical_records(clinic_admin_client, patient, name):
    target = clinical_urls(patient)[name]
    before = snapshot()
    assert clinic_admin_client.post(target, clinical_posts()[name]).status_code == 403
    assert snapshot() == before


# --- strangers -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["chart", *clinical_posts()])
def test_anonymous_visitors_are_sent_to_sign_in_and_write_nothing(client, patient, name):
    target = chart_url(patient) if name == "chart" else clinical_urls(patient)[name]
    before = snapshot()
    for response in (client.get(target), client.post(target, clinical_posts().get(name, {}))):
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    assert snapshot() == before
