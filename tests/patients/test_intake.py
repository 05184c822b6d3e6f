"""Recording the intake consultation, diagnoses and consent: practitioners write, nobody deletes."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from patients.forms.intake import IntakeForm, add_months
from patients.intake_services import PriorTreatmentRow, intake_save
from patients.models import Consent, Diagnosis, DiagnosisCode, Intake, PriorTreatment, Side
from tests.factories import ConsentFactory, DiagnosisFactory, IntakeFactory, PatientFactory
from tests.html import assert_valid_html

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clinic_clock")]


def url(name: str, patient, **kwargs) -> str:
    return reverse(f"patients:{name}", kwargs={"public_id": patient.public_id, **kwargs})


def today() -> date:
    return timezone.localdate()


@pytest.fixture
def patient():
    return PatientFactory(given_name="Maria", family_name="Lopez")


def intake_data(**overrides) -> dict:
    """A complete, valid intake POST with two empty earlier-treatment rows."""
    data = {
        "affected_side": "left",
        "onset_date": (today() - timedelta(days=60)).isoformat(),
        "aggravators": ["first_steps", "after_sitting"],
        "complaint_notes": "Sharp heel pain on the first steps",
        "height_cm": "165",
        "weight_kg": "80",
        "standing_hours_per_day": "8",
        "sport": "running",
        "sport_detail": "",
        "foot_posture": "flat",
        "footwear": "Flat work shoes",
        "diabetes": "none",
        "bleeding_disorder": "none",
        "nsaid_use": "occasional",
        "current_medicines": "",
        "gait_notes": "",
        "palpation_notes": "",
        "baseline_first_step_pain": "7.5",
        "baseline_average_pain": "6.0",
        "prior-TOTAL_FORMS": "2",
        "prior-INITIAL_FORMS": "0",
        "prior-MIN_NUM_FORMS": "0",
        "prior-MAX_NUM_FORMS": "20",
        "prior-0-kind": "",
        "prior-0-outcome": "",
        "prior-0-note": "",
        "prior-1-kind": "",
        "prior-1-outcome": "",
        "prior-1-note": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def assert_field_error(response, field: str, fragment: str) -> None:
    assert response.status_code == 200
    form = response.context["form"]
    errors = " ".join(form.errors.get(field, []))
    assert fragment in errors, f"{field}: {form.errors.as_data()}"
    assert_valid_html(response.content)
    # The message is rendered next to the field, not only in a summary.
    assert f'id="id_{field}_error"' in response.content.decode()


# --- the intake: who may use it ------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, patient):
    for name in ("intake", "diagnosis_add", "consent_add"):
        response = client.get(url(name, patient))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["front_desk_client", "clinic_admin_client"])
def test_only_practitioners_may_open_or_post_the_intake(request, persona, patient):
    client = request.getfixturevalue(persona)
    assert client.get(url("intake", patient)).status_code == 403
    assert client.post(url("intake", patient), intake_data()).status_code == 403
    assert not Intake.objects.exists()


def test_a_practitioner_sees_an_empty_intake_in_four_headed_sections(practitioner_client, patient):
    response = practitioner_client.get(url("intake", patient))
    assert response.status_code == 200
    assert_valid_html(response.content)
    html = response.content.decode()
    for heading in (
        "Complaint and history",
        "Risk factors",
        "Medical history and precautions",
        "Examination and baseline pain",
        "Treatments tried before",
    ):
        assert f">{heading}</legend>" in html
    assert 'name="aggravators" value="first_steps"' in html
    assert 'name="baseline_first_step_pain" step="0.1" min="0" max="10"' in html


def test_an_unknown_patient_is_a_404(practitioner_client):
    response = practitioner_client.get("/patients/00000000-0000-0000-0000-000000000000/intake/")
    assert response.status_code == 404


# --- the intake: saving --------------------------------------------------------------------


def test_a_practitioner_records_the_intake_with_earlier_treatments(practitioner_client, practitioner, patient):
    data = intake_data(
        **{
            "implanted_device": "on",
            "implanted_device_detail": "Pacemaker",
            "prior-0-kind": "orthotics",
            "prior-0-outcome": "partly",
            "prior-0-note": "Custom insoles",
        }
    )
    response = practitioner_client.post(url("intake", patient), data)
    assert response.status_code == 302
    assert response["Location"] == patient.get_absolute_url()
    assert messages_of(response) == ["Intake recorded."]

    intake = Intake.objects.get(patient=patient)
    assert intake.recorded_by == practitioner
    assert intake.aggravators == ["first_steps", "after_sitting"]
    assert intake.baseline_first_step_pain == Decimal("7.5")
    assert intake.bmi == Decimal("29.4")
    assert intake.implanted_device
    assert [str(treatment) for treatment in intake.prior_treatments.all()] == ["Orthotics or insoles: Helped a little"]


def test_an_implanted_device_without_detail_is_accepted(practitioner_client, patient):
    response = practitioner_client.post(url("intake", patient), intake_data(implanted_device="on"))
    assert response.status_code == 302
    assert Intake.objects.get().implanted_device_detail == ""


def test_editing_keeps_the_author_updates_fields_and_shows_the_bmi(practitioner_client, other_practitioner, patient):
    intake = IntakeFactory(patient=patient, recorded_by=other_practitioner)
    page = practitioner_client.get(url("intake", patient))
    assert 'data-testid="bmi"' in page.content.decode()
    assert "26.2" in page.content.decode()

    response = practitioner_client.post(url("intake", patient), intake_data(weight_kg="70"))
    assert response.status_code == 302
    assert messages_of(response) == ["Intake updated."]
    intake.refresh_from_db()
    assert intake.recorded_by == other_practitioner
    assert intake.weight_kg == Decimal("70")
    assert Intake.objects.count() == 1


def test_saved_earlier_treatments_stay_and_only_their_outcome_changes(practitioner_client, patient):
    intake = IntakeFactory(patient=patient)
    saved = PriorTreatment.objects.create(intake=intake, kind="orthotics", outcome="no_change")
    page = practitioner_client.get(url("intake", patient))
    assert "DELETE" not in page.content.decode()
    assert page.context["prior_treatments"].forms[0].fields["kind"].disabled

    data = intake_data(
        **{
            "prior-TOTAL_FORMS": "3",
            "prior-INITIAL_FORMS": "1",
            "prior-0-id": str(saved.pk),
            "prior-0-kind": "surgery",  # ignored: what was tried stays on record
            "prior-0-outcome": "helped",
            "prior-0-note": "Better after 2 months",
            "prior-2-kind": "",
            "prior-2-outcome": "",
            "prior-2-note": "",
        }
    )
    assert practitioner_client.post(url("intake", patient), data).status_code == 302
    saved.refresh_from_db()
    assert (saved.kind, saved.outcome, saved.note) == ("orthotics", "helped", "Better after 2 months")
    assert PriorTreatment.objects.count() == 1


def test_a_half_filled_earlier_treatment_row_is_an_error_and_nothing_is_saved(practitioner_client, patient):
    response = practitioner_client.post(url("intake", patient), intake_data(**{"prior-0-kind": "injection"}))
    assert response.status_code == 200
    assert response.context["prior_treatments"].errors[0]["outcome"]
    assert "Treatments tried before" in response.content.decode()
    assert not Intake.objects.exists()
    assert not PriorTreatment.objects.exists()


# --- the intake: bad input -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("baseline_first_step_pain", "11", "Enter a score from 0 (no pain) to 10"),
        ("baseline_first_step_pain", "-1", "Enter a score from 0 (no pain) to 10"),
        ("baseline_average_pain", "6.55", "Use at most one decimal (e.g. 6.5)"),
        ("baseline_average_pain", "seven", "Enter the score as a number from 0 to 10"),
        ("baseline_average_pain", "", "Enter the patient's score (0 to 10)."),
        ("baseline_average_pain", "NaN", "Enter the score as a number from 0 to 10"),
        ("height_cm", "30", "Enter a height between 50 and 250 cm."),
        ("height_cm", "2500", "Enter a height between 50 and 250 cm."),
        ("weight_kg", "10", "Enter a weight between 20 and 350 kg."),
        ("weight_kg", "400", "Enter a weight between 20 and 350 kg."),
        ("standing_hours_per_day", "25", "Enter a number of hours from 0 to 24."),
        ("onset_date", "2020-02-31", "Enter a valid date."),
        ("affected_side", "middle", "Select a valid choice."),
        ("aggravators", ["first_steps", "whenever"], "Select a valid choice."),
    ],
)
def test_out_of_range_or_malformed_values_are_refused_next_to_the_field(
    practitioner_client, patient, field, value, message
):
    response = practitioner_client.post(url("intake", patient), intake_data(**{field: value}))
    assert_field_error(response, field, message)
    assert not Intake.objects.exists()


def test_a_future_onset_is_refused(practitioner_client, patient):
    tomorrow = (today() + timedelta(days=1)).isoformat()
    response = practitioner_client.post(url("intake", patient), intake_data(onset_date=tomorrow))
    assert_field_error(response, "onset_date", "cannot have begun in the future")
    assert not Intake.objects.exists()


def test_pregnancy_needs_a_due_date(practitioner_client, patient):
    response = practitioner_client.post(url("intake", patient), intake_data(pregnant="on"))
    assert_field_error(response, "pregnancy_due_date", "Enter the expected date of delivery.")
    assert not Intake.objects.exists()


def test_a_due_date_in_the_past_is_refused(practitioner_client, patient):
    past = (today() - timedelta(days=1)).isoformat()
    response = practitioner_client.post(url("intake", patient), intake_data(pregnant="on", pregnancy_due_date=past))
    assert_field_error(response, "pregnancy_due_date", "has passed")


def test_a_due_date_more_than_ten_months_ahead_is_refused(practitioner_client, patient):
    too_far = (add_months(today(), 10) + timedelta(days=1)).isoformat()
    response = practitioner_client.post(url("intake", patient), intake_data(pregnant="on", pregnancy_due_date=too_far))
    assert_field_error(response, "pregnancy_due_date", "more than 10 months")
    assert not Intake.objects.exists()


def test_a_due_date_within_ten_months_is_accepted(practitioner_client, patient):
    due = add_months(today(), 10).isoformat()
    response = practitioner_client.post(url("intake", patient), intake_data(pregnant="on", pregnancy_due_date=due))
    assert response.status_code == 302
    assert Intake.objects.get().pregnancy_due_date.isoformat() == due


def test_a_due_date_without_pregnancy_is_dropped(practitioner_client, patient):
    due = (today() + timedelta(days=100)).isoformat()
    response = practitioner_client.post(url("intake", patient), intake_data(pregnancy_due_date=due))
    assert response.status_code == 302
    assert Intake.objects.get().pregnancy_due_date is None


def test_a_foot_ulcer_needs_its_site(practitioner_client, patient):
    response = practitioner_client.post(url("intake", patient), intake_data(foot_ulcer_or_infection="on"))
    assert_field_error(response, "ulcer_site", "Say where the ulcer or infection is")
    assert not Intake.objects.exists()


def test_errors_are_summarised_at_the_top_with_links_to_the_fields(practitioner_client, patient):
    response = practitioner_client.post(url("intake", patient), intake_data(baseline_first_step_pain="11"))
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert 'href="#id_baseline_first_step_pain"' in html


def test_add_months_clamps_to_the_end_of_a_shorter_month():
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2025, 5, 15), 10) == date(2026, 3, 15)
    assert add_months(date(2024, 3, 31), 11) == date(2025, 2, 28)


# --- diagnoses -----------------------------------------------------------------------------


def diagnosis_data(**overrides) -> dict:
    return {"code": "M72.2", "side": "left", "onset_date": "", "status": "active", "note": "", **overrides}


def test_a_practitioner_adds_a_diagnosis(practitioner_client, practitioner, patient):
    page = practitioner_client.get(url("diagnosis_add", patient))
    assert page.status_code == 200
    assert_valid_html(page.content)
    response = practitioner_client.post(url("diagnosis_add", patient), diagnosis_data(onset_date="2025-01-10"))
    assert response.status_code == 302
    diagnosis = Diagnosis.objects.get()
    assert (diagnosis.patient, diagnosis.code, diagnosis.side) == (patient, "M72.2", "left")
    assert diagnosis.recorded_by == practitioner
    assert diagnosis.onset_date == date(2025, 1, 10)


@pytest.mark.parametrize(
    ("code", "side", "message"),
    [
        ("M77.31", "left", "M77.31 is the right foot: choose Right."),
        ("M77.31", "both", "M77.31 is the right foot: choose Right."),
        ("M77.32", "right", "M77.32 is the left foot: choose Left."),
        ("M79.671", "left", "M79.671 is the right foot: choose Right."),
        ("M79.672", "both", "M79.672 is the left foot: choose Left."),
    ],
)
def test_a_code_that_names_a_side_must_match_the_side(practitioner_client, patient, code, side, message):
    response = practitioner_client.post(url("diagnosis_add", patient), diagnosis_data(code=code, side=side))
    assert_field_error(response, "side", message)
    assert not Diagnosis.objects.exists()


def test_codes_without_a_side_accept_any_side(practitioner_client, patient):
    for side in ("left", "right", "both"):
        response = practitioner_client.post(url("diagnosis_add", patient), diagnosis_data(code="M77.30", side=side))
        assert response.status_code == 302
    assert Diagnosis.objects.count() == 3


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("code", "M99.9", "Select a valid choice."),
        ("side", "", "This field is required."),
        ("onset_date", "yesterday", "Enter a valid date."),
        ("status", "deleted", "Select a valid choice."),
    ],
)
def test_bad_diagnosis_input_is_refused(practitioner_client, patient, field, value, message):
    response = practitioner_client.post(url("diagnosis_add", patient), diagnosis_data(**{field: value}))
    assert_field_error(response, field, message)
    assert not Diagnosis.objects.exists()


def test_a_future_onset_is_refused_for_a_diagnosis(practitioner_client, patient):
    tomorrow = (today() + timedelta(days=1)).isoformat()
    response = practitioner_client.post(url("diagnosis_add", patient), diagnosis_data(onset_date=tomorrow))
    assert_field_error(response, "onset_date", "in the future")
    assert not Diagnosis.objects.exists()


def test_a_diagnosis_is_resolved_by_editing_never_deleted(practitioner_client, patient):
    diagnosis = DiagnosisFactory(patient=patient)
    edit = url("diagnosis_edit", patient, diagnosis_id=diagnosis.pk)
    page = practitioner_client.get(edit)
    assert page.status_code == 200
    assert_valid_html(page.content)
    assert "Delete" not in page.content.decode()
    response = practitioner_client.post(edit, diagnosis_data(status="resolved"))
    assert response.status_code == 302
    diagnosis.refresh_from_db()
    assert diagnosis.status == Diagnosis.Status.RESOLVED
    assert diagnosis.history.count() == 2


def test_editing_checks_the_side_too(practitioner_client, patient):
    diagnosis = DiagnosisFactory(patient=patient, code=DiagnosisCode.SPUR_LEFT, side=Side.LEFT)
    edit = url("diagnosis_edit", patient, diagnosis_id=diagnosis.pk)
    response = practitioner_client.post(edit, diagnosis_data(code="M77.32", side="right"))
    assert_field_error(response, "side", "M77.32 is the left foot")
    diagnosis.refresh_from_db()
    assert diagnosis.side == Side.LEFT


def test_a_diagnosis_of_another_patient_is_a_404(practitioner_client, patient):
    someone_else = DiagnosisFactory()
    edit = url("diagnosis_edit", patient, diagnosis_id=someone_else.pk)
    assert practitioner_client.get(edit).status_code == 404
    assert practitioner_client.post(edit, diagnosis_data(status="resolved")).status_code == 404
    someone_else.refresh_from_db()
    assert someone_else.status == Diagnosis.Status.ACTIVE


def test_an_unknown_diagnosis_is_a_404(practitioner_client, patient):
    assert practitioner_client.get(url("diagnosis_edit", patient, diagnosis_id=999999)).status_code == 404


@pytest.mark.parametrize("persona", ["front_desk_client", "clinic_admin_client"])
def test_only_practitioners_add_or_edit_diagnoses(request, persona, patient):
    client = request.getfixturevalue(persona)
    diagnosis = DiagnosisFactory(patient=patient)
    edit = url("diagnosis_edit", patient, diagnosis_id=diagnosis.pk)
    assert client.get(url("diagnosis_add", patient)).status_code == 403
    assert client.post(url("diagnosis_add", patient), diagnosis_data()).status_code == 403
    assert client.get(edit).status_code == 403
    assert client.post(edit, diagnosis_data(status="resolved")).status_code == 403
    assert Diagnosis.objects.get().status == Diagnosis.Status.ACTIVE


# --- consent -------------------------------------------------------------------------------


def consent_data(**overrides) -> dict:
    data = {"given_on": today().isoformat(), "covers_acupuncture": "on", **overrides}
    return {key: value for key, value in data.items() if value is not None}


def test_a_practitioner_records_consent_and_the_banner_clears(practitioner_client, practitioner, patient):
    page = practitioner_client.get(url("consent_add", patient))
    assert page.status_code == 200
    assert_valid_html(page.content)
    assert page.context["form"].initial["given_on"] == today()

    response = practitioner_client.post(url("consent_add", patient), consent_data(covers_heat="on"))
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.recorded_by == practitioner
    assert consent.covers == ["acupuncture", "heat"]
    chart = practitioner_client.get(patient.get_absolute_url()).content.decode()
    assert "No consent on file" not in chart


def test_consent_cannot_be_dated_in_the_future(practitioner_client, patient):
    tomorrow = (today() + timedelta(days=1)).isoformat()
    response = practitioner_client.post(url("consent_add", patient), consent_data(given_on=tomorrow))
    assert_field_error(response, "given_on", "in the future")
    assert not Consent.objects.exists()


@pytest.mark.parametrize("extra", ["covers_electroacupuncture", "covers_heat"])
def test_electroacupuncture_or_heat_without_acupuncture_is_refused(practitioner_client, patient, extra):
    response = practitioner_client.post(
        url("consent_add", patient), consent_data(covers_acupuncture=None, **{extra: "on"})
    )
    assert_field_error(response, extra, "tick Acupuncture as well")
    assert not Consent.objects.exists()


def test_a_consent_covering_nothing_is_refused(practitioner_client, patient):
    response = practitioner_client.post(url("consent_add", patient), consent_data(covers_acupuncture=None))
    assert_field_error(response, "covers_acupuncture", "must cover acupuncture")
    assert not Consent.objects.exists()


def test_a_consent_without_a_date_is_refused(practitioner_client, patient):
    response = practitioner_client.post(url("consent_add", patient), consent_data(given_on="31/31/2024"))
    assert_field_error(response, "given_on", "Enter a valid date.")
    assert not Consent.objects.exists()


def withdraw_data(**overrides) -> dict:
    return {"withdrawn_on": today().isoformat(), "reason": "Prefers to stop needling", **overrides}


def test_withdrawing_consent_is_recorded_and_the_chart_shows_no_consent(practitioner_client, practitioner, patient):
    consent = ConsentFactory(patient=patient)
    withdraw = url("consent_withdraw", patient, consent_id=consent.pk)
    page = practitioner_client.get(withdraw)
    assert page.status_code == 200
    assert_valid_html(page.content)
    assert "cannot be undone" in page.content.decode()

    response = practitioner_client.post(withdraw, withdraw_data())
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == today()
    assert consent.withdrawal_reason == "Prefers to stop needling"
    assert consent.withdrawn_by == practitioner
    assert Consent.objects.count() == 1
    chart = practitioner_client.get(patient.get_absolute_url()).content.decode()
    assert "No consent on file" in chart
    assert "Consent was withdrawn" in chart


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"reason": ""}, "reason", "Say why the consent was withdrawn."),
        ({"reason": "   "}, "reason", "Say why the consent was withdrawn."),
        ({"reason": "x" * 201}, "reason", "at most 200 characters"),
        ({"withdrawn_on": ""}, "withdrawn_on", "This field is required."),
        ({"withdrawn_on": "not a date"}, "withdrawn_on", "Enter a valid date."),
    ],
)
def test_bad_withdrawal_input_is_refused(practitioner_client, patient, overrides, field, message):
    consent = ConsentFactory(patient=patient)
    response = practitioner_client.post(
        url("consent_withdraw", patient, consent_id=consent.pk), withdraw_data(**overrides)
    )
    assert_field_error(response, field, message)
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_a_withdrawal_cannot_be_dated_before_the_signature_or_in_the_future(practitioner_client, patient):
    consent = ConsentFactory(patient=patient, given_on=today() - timedelta(days=10))
    withdraw = url("consent_withdraw", patient, consent_id=consent.pk)
    before = (today() - timedelta(days=11)).isoformat()
    response = practitioner_client.post(withdraw, withdraw_data(withdrawn_on=before))
    assert_field_error(response, "withdrawn_on", "cannot be withdrawn before that")
    tomorrow = (today() + timedelta(days=1)).isoformat()
    response = practitioner_client.post(withdraw, withdraw_data(withdrawn_on=tomorrow))
    assert_field_error(response, "withdrawn_on", "in the future")
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_a_withdrawn_consent_cannot_be_withdrawn_again(practitioner_client, practitioner, patient):
    consent = ConsentFactory(patient=patient)
    consent.withdraw(on=today(), reason="First reason", by=practitioner)
    withdraw = url("consent_withdraw", patient, consent_id=consent.pk)
    response = practitioner_client.post(withdraw, withdraw_data(reason="Second reason"))
    assert response.status_code == 302
    assert "already withdrawn" in messages_of(response)[0]
    consent.refresh_from_db()
    assert consent.withdrawal_reason == "First reason"


def test_a_consent_of_another_patient_is_a_404(practitioner_client, patient):
    someone_else = ConsentFactory()
    withdraw = url("consent_withdraw", patient, consent_id=someone_else.pk)
    assert practitioner_client.get(withdraw).status_code == 404
    assert practitioner_client.post(withdraw, withdraw_data()).status_code == 404
    someone_else.refresh_from_db()
    assert someone_else.withdrawn_on is None


@pytest.mark.parametrize("persona", ["front_desk_client", "clinic_admin_client"])
def test_only_practitioners_record_or_withdraw_consent(request, persona, patient):
    client = request.getfixturevalue(persona)
    consent = ConsentFactory(patient=patient)
    withdraw = url("consent_withdraw", patient, consent_id=consent.pk)
    assert client.get(url("consent_add", patient)).status_code == 403
    assert client.post(url("consent_add", patient), consent_data()).status_code == 403
    assert client.get(withdraw).status_code == 403
    assert client.post(withdraw, withdraw_data()).status_code == 403
    assert Consent.objects.count() == 1
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


# --- the same work at any size, and all or nothing -----------------------------------------


def test_the_intake_form_runs_the_same_queries_with_1_or_15_earlier_treatments(
    practitioner_client, patient, django_assert_num_queries
):
    intake = IntakeFactory(patient=patient)
    PriorTreatment.objects.create(intake=intake, kind="orthotics", outcome="helped")
    with CaptureQueriesContext(connection) as small:
        practitioner_client.get(url("intake", patient))
    PriorTreatment.objects.bulk_create(
        PriorTreatment(intake=intake, kind="other", outcome="no_change") for _ in range(14)
    )
    with django_assert_num_queries(len(small)):
        response = practitioner_client.get(url("intake", patient))
    assert len(response.context["prior_treatments"].forms) == 17


def intake_values(**overrides) -> dict:
    """The field values a valid intake form hands to the service."""
    form = IntakeForm(intake_data(**overrides))
    assert form.is_valid(), form.errors
    return form.cleaned_data


def test_intake_and_earlier_treatments_are_saved_together_or_not_at_all(practitioner, patient, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(PriorTreatment, "save", fail)
    with pytest.raises(RuntimeError):
        intake_save(
            patient=patient,
            values=intake_values(baseline_first_step_pain="6.5", baseline_average_pain="4.0"),
            prior_treatments=[PriorTreatmentRow(kind="orthotics", outcome="helped")],
            by=practitioner,
        )
    assert not Intake.objects.exists()


def test_intake_save_takes_plain_values_and_corrects_earlier_treatments_in_place(practitioner, patient):
    intake = intake_save(
        patient=patient,
        values=intake_values(baseline_first_step_pain="6.5", baseline_average_pain="4.0"),
        prior_treatments=[PriorTreatmentRow(kind="orthotics", outcome="helped", note="insoles")],
        by=practitioner,
    )
    assert intake.recorded_by == practitioner
    earlier = intake.prior_treatments.get()
    intake_save(
        patient=patient,
        values={"baseline_first_step_pain": Decimal("5.0")},
        prior_treatments=[PriorTreatmentRow(id=earlier.pk, kind="orthotics", outcome="partly", note="insoles")],
        by=practitioner,
    )
    intake.refresh_from_db()
    assert intake.baseline_first_step_pain == Decimal("5.0") and intake.baseline_average_pain == Decimal("4.0")
    assert list(intake.prior_treatments.values_list("pk", "outcome")) == [(earlier.pk, "partly")]
