"""The patient chart: one page for every role, the clinical record for clinicians only."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from patients.models import Diagnosis, DiagnosisCode, Intake, PriorTreatment, Side
from tests.factories import (
    AppointmentFactory,
    ConsentFactory,
    DiagnosisFactory,
    IntakeFactory,
    PatientFactory,
    SymptomRecordFactory,
    TreatmentPlanFactory,
    UserFactory,
)
from tests.html import assert_valid_html

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clinic_clock")]


def chart_url(patient) -> str:
    return reverse("patients:chart", kwargs={"public_id": patient.public_id})


def text_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def patient():
    return PatientFactory(
        given_name="Maria",
        family_name="Lopez",
        date_of_birth=date(1970, 3, 14),
        phone="(555) 010-2030",
        emergency_contact_name="Luis Lopez",
        emergency_contact_relationship="husband",
    )


@pytest.fixture
def full_record(patient, practitioner):
    intake = IntakeFactory(
        patient=patient,
        recorded_by=practitioner,
        affected_side=Side.BOTH,
        aggravators=[Intake.Aggravator.FIRST_STEPS, Intake.Aggravator.AFTER_SITTING],
        complaint_notes="Stabbing heel pain when getting out of bed",
        height_cm=Decimal("165.0"),
        weight_kg=Decimal("80.0"),
        standing_hours_per_day=Decimal("8.0"),
        sport=Intake.Sport.RUNNING,
        tight_calves=True,
        foot_posture=Intake.FootPosture.FLAT,
        implanted_device=True,
        implanted_device_detail="Pacemaker",
        metal_allergy=True,
        baseline_first_step_pain=Decimal("7.5"),
        baseline_average_pain=Decimal("6.0"),
    )
    PriorTreatment.objects.create(intake=intake, kind="orthotics", outcome="partly", note="Custom insoles, 3 months")
    DiagnosisFactory(patient=patient, code=DiagnosisCode.PLANTAR_FASCIITIS, side=Side.LEFT, recorded_by=practitioner)
    DiagnosisFactory(
        patient=patient,
        code=DiagnosisCode.SPUR_RIGHT,
        side=Side.RIGHT,
        status=Diagnosis.Status.RESOLVED,
        recorded_by=practitioner,
    )
    ConsentFactory(patient=patient, covers_electroacupuncture=True, covers_heat=False, recorded_by=practitioner)
    return patient


# --- who may open it -----------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, patient):
    response = client.get(chart_url(patient))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_signed_in_user_without_a_role_is_refused(client_for, patient):
    response = client_for(UserFactory(username="nobody")).get(chart_url(patient))
    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["practitioner_client", "front_desk_client", "clinic_admin_client"])
def test_every_staff_role_opens_the_chart(request, persona, full_record):
    response = request.getfixturevalue(persona).get(chart_url(full_record))
    assert response.status_code == 200
    assert_valid_html(response.content)


def test_an_unknown_patient_is_a_404(practitioner_client):
    response = practitioner_client.get("/patients/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404


def test_the_chart_only_answers_get(practitioner_client, patient):
    assert practitioner_client.post(chart_url(patient)).status_code == 405


# --- what everyone sees --------------------------------------------------------------------


def test_the_header_names_the_patient_with_mrn_age_and_sex(front_desk_client, patient):
    age = patient.age
    html = text_of(front_desk_client.get(chart_url(patient)))
    assert "Maria Lopez" in html
    assert patient.mrn in html
    assert f"{age} years (born Mar 14, 1970)" in html
    assert "Female" in html
    assert "Archived" not in html


def test_demographics_and_links_to_edit_and_archive_are_shown(front_desk_client, patient):
    html = text_of(front_desk_client.get(chart_url(patient)))
    assert "(555) 010-2030" in html
    assert "Luis Lopez (husband)" in html
    assert reverse("patients:edit", kwargs={"public_id": patient.public_id}) in html
    assert reverse("patients:archive", kwargs={"public_id": patient.public_id}) in html


def test_an_archived_patient_shows_the_badge_the_reason_and_no_archive_link(front_desk_client, patient):
    patient.archive(reason="Moved to another state")
    html = text_of(front_desk_client.get(chart_url(patient)))
    assert "Archived" in html
    assert "Moved to another state" in html
    assert reverse("patients:archive", kwargs={"public_id": patient.public_id}) not in html
    assert reverse("patients:restore", kwargs={"public_id": patient.public_id}) in html


def test_plans_and_appointments_have_plain_empty_states(front_desk_client, patient):
    html = text_of(front_desk_client.get(chart_url(patient)))
    assert "No treatment plan yet." in html
    assert "No appointments yet." in html


def test_the_chart_lists_the_patients_plans_and_appointments_with_session_numbers(front_desk_client, patient):
    plan = TreatmentPlanFactory(patient=patient, sessions_planned=8)
    start = timezone.now() + timedelta(days=2)
    for week in range(3):
        AppointmentFactory(patient=patient, plan=plan, starts_at=start + timedelta(days=7 * week))
    html = text_of(front_desk_client.get(chart_url(patient)))
    assert "3 of 8 booked" in html
    assert "Session 3 of 8" in html
    assert plan.get_absolute_url() in front_desk_client.get(chart_url(patient)).content.decode()


@pytest.mark.parametrize("persona", ["front_desk_client", "practitioner_client"])
def test_the_charts_schedule_cards_cost_the_same_queries_for_1_or_12_appointments(request, persona, patient):
    client = request.getfixturevalue(persona)
    plan = TreatmentPlanFactory(patient=patient, sessions_planned=12)
    start = timezone.now() + timedelta(days=2)
    AppointmentFactory(patient=patient, plan=plan, starts_at=start)
    client.get(chart_url(patient))
    with CaptureQueriesContext(connection) as few:
        client.get(chart_url(patient))
    for week in range(1, 12):
        AppointmentFactory(patient=patient, plan=plan, starts_at=start + timedelta(days=7 * week))
    TreatmentPlanFactory(patient=patient)
    with CaptureQueriesContext(connection) as many:
        client.get(chart_url(patient))
    assert len(many) == len(few)


# --- what clinicians see -------------------------------------------------------------------


def test_practitioners_see_the_safety_banner_with_danger_first_and_levels_in_words(practitioner_client, full_record):
    html = text_of(practitioner_client.get(chart_url(full_record)))
    assert 'data-testid="safety-banner"' in html
    device = html.index("Pacemaker — no electroacupuncture")
    metal = html.index("Metal allergy — check needle material")
    assert device < metal
    assert ">Danger</span>" in html
    assert ">Caution</span>" in html
    assert "No consent on file" not in html


def test_a_patient_without_consent_or_intake_is_flagged_in_the_banner(practitioner_client, patient):
    html = text_of(practitioner_client.get(chart_url(patient)))
    assert "No consent on file" in html
    assert "Medical history not taken yet" in html
    assert "The intake consultation has not been recorded yet." in html
    assert "Complete intake" in html
    assert "No diagnoses recorded." in html


def test_the_intake_summary_shows_complaint_bmi_risk_factors_and_baseline_pain(practitioner_client, full_record):
    html = text_of(practitioner_client.get(chart_url(full_record)))
    assert "Stabbing heel pain when getting out of bed" in html
    assert "First steps in the morning, After sitting or rest" in html
    assert "Both" in html
    assert "BMI 29.4" in html
    assert "overweight range" in html
    for factor in ("On their feet 8 h a day on hard surfaces", "Runs", "Tight calf muscles", "Flat (low arch)"):
        assert factor in html
    assert "7.5<small> / 10</small>" in html
    assert "6.0<small> / 10</small>" in html
    assert "Orthotics or insoles: helped a little" in html
    assert "Edit intake" in html


def test_diagnoses_are_listed_with_code_label_side_onset_and_status(practitioner_client, full_record):
    html = text_of(practitioner_client.get(chart_url(full_record)))
    assert "M72.2" in html
    assert "Plantar fasciitis" in html
    assert "Calcaneal spur, right foot" in html
    assert "Resolved" in html
    assert "Active" in html
    diagnosis = full_record.diagnoses.get(code="M72.2")
    edit = reverse("patients:diagnosis_edit", kwargs={"public_id": full_record.public_id, "diagnosis_id": diagnosis.pk})
    assert edit in html


def test_consent_in_force_shows_what_it_covers_and_a_withdraw_link(practitioner_client, full_record):
    html = text_of(practitioner_client.get(chart_url(full_record)))
    consent = full_record.consents.get()
    assert "In force" in html
    assert "acupuncture, electroacupuncture" in html
    withdraw = reverse(
        "patients:consent_withdraw", kwargs={"public_id": full_record.public_id, "consent_id": consent.pk}
    )
    assert withdraw in html


def test_a_withdrawn_consent_is_shown_as_withdrawn_with_the_reason(practitioner_client, practitioner, patient):
    consent = ConsentFactory(patient=patient)
    consent.withdraw(on=timezone.localdate(), reason="Prefers massage", by=practitioner)
    html = text_of(practitioner_client.get(chart_url(patient)))
    assert "Withdrawn" in html
    assert "Prefers massage" in html
    assert "No consent on file" in html


def test_practitioners_get_the_recording_buttons(practitioner_client, patient):
    html = text_of(practitioner_client.get(chart_url(patient)))
    for name in ("intake", "diagnosis_add", "consent_add", "symptom_add"):
        assert reverse(f"patients:{name}", kwargs={"public_id": patient.public_id}) in html


def test_clinic_admins_read_the_clinical_record_without_any_way_to_change_it(clinic_admin_client, full_record):
    html = text_of(clinic_admin_client.get(chart_url(full_record)))
    assert "Pacemaker — no electroacupuncture" in html
    assert "Plantar fasciitis" in html
    assert "In force" in html
    for name in ("intake", "diagnosis_add", "consent_add", "symptom_add"):
        assert reverse(f"patients:{name}", kwargs={"public_id": full_record.public_id}) not in html
    assert "/withdraw/" not in html
    assert "/diagnoses/" not in html


# --- the same work at any size -------------------------------------------------------------


def _count_chart_queries(client, patient) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(chart_url(patient)).status_code == 200
    return len(queries)


def test_the_chart_runs_the_same_queries_with_5_or_200_patients(practitioner_client, full_record):
    PatientFactory.create_batch(4)
    small = _count_chart_queries(practitioner_client, full_record)
    for other in PatientFactory.create_batch(195):
        DiagnosisFactory(patient=other)
    assert _count_chart_queries(practitioner_client, full_record) == small


def test_the_chart_runs_the_same_queries_with_1_or_20_diagnoses_and_consents(
    practitioner_client, practitioner, patient, django_assert_num_queries
):
    IntakeFactory(patient=patient, recorded_by=practitioner)
    PriorTreatment.objects.create(intake=patient.intake, kind="orthotics", outcome="helped")
    DiagnosisFactory(patient=patient, recorded_by=practitioner)
    ConsentFactory(patient=patient, recorded_by=practitioner)
    SymptomRecordFactory(patient=patient, recorded_by=practitioner)
    small = _count_chart_queries(practitioner_client, patient)

    started = timezone.localdate() - timedelta(days=400)
    for day in range(19):
        DiagnosisFactory(patient=patient, code=DiagnosisCode.NUMBNESS, side=Side.BOTH, recorded_by=practitioner)
        ConsentFactory(patient=patient, given_on=started + timedelta(days=day), recorded_by=practitioner)
        PriorTreatment.objects.create(intake=patient.intake, kind="other", outcome="no_change")
    with django_assert_num_queries(small):
        response = practitioner_client.get(chart_url(patient))
    assert text_of(response).count('<td class="code">R20.0</td>') == 19


def test_the_front_desk_chart_runs_the_same_queries_at_any_size(front_desk_client, full_record):
    small = _count_chart_queries(front_desk_client, full_record)
    PatientFactory.create_batch(50)
    DiagnosisFactory.create_batch(10, patient=full_record)
    assert _count_chart_queries(front_desk_client, full_record) == small
