"""Safety at the point of care: each refusal says why, and nothing is written, whoever calls the services.

No consent (or a severe bleeding disorder): no session at all. A pacemaker, or a consent that does not
cover it: no electroacupuncture. Heat needs consent too. A point to avoid in pregnancy needs a reason.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from patients.models import Intake
from tests.factories import (
    AppointmentFactory,
    ConsentFactory,
    IntakeFactory,
    PatientFactory,
    PractitionerFactory,
    TreatmentSessionFactory,
)
from tests.html import assert_valid_html
from tests.treatments.session_support import counts, session_data, session_url, start_url, today_at
from treatments.models import AcupuncturePoint, Appointment, TreatmentSession
from treatments.sessions.services import (
    ElectroRow,
    PointRow,
    SessionRefused,
    session_amend,
    session_save,
    session_sign,
)

pytestmark = pytest.mark.django_db

PACEMAKER_REFUSAL = "Pacemaker — electroacupuncture is not allowed for this patient."


def patient_with(practitioner, *, consent: dict | None = None, **intake):
    """A patient checked in today, with the intake and consent given (consent=None: no consent at all)."""
    patient = PatientFactory(given_name="Paul", family_name="Meyer")
    IntakeFactory(patient=patient, recorded_by=practitioner, **intake)
    if consent is not None:
        ConsentFactory(patient=patient, recorded_by=practitioner, **consent)
    appointment = AppointmentFactory(
        patient=patient,
        practitioner=practitioner,
        starts_at=today_at(14),
        status=Appointment.Status.CHECKED_IN,
        checked_in_at=timezone.now(),
    )
    return patient, appointment


FULL_CONSENT = {"covers_electroacupuncture": True, "covers_heat": True}
ELECTRO_PAIR = [("KI3", "KI1", "2", "", "20")]


# --- no session at all ----------------------------------------------------------------------


def test_a_patient_without_consent_cannot_have_a_session(practitioner_client, practitioner):
    _, appointment = patient_with(practitioner, consent=None)
    response = practitioner_client.get(start_url(appointment))
    assert response.status_code == 409
    assert_valid_html(response.content)
    page = response.content.decode()
    assert "There is no consent to acupuncture on file for this patient, so no session can be recorded." in page
    assert "session-form" not in page
    response = practitioner_client.post(start_url(appointment), session_data())
    assert response.status_code == 409
    assert not TreatmentSession.objects.exists()


def test_a_withdrawn_consent_says_so(practitioner_client, practitioner):
    patient, appointment = patient_with(practitioner, consent=FULL_CONSENT)
    patient.consents.get().withdraw(on=timezone.localdate(), reason="Moving away", by=practitioner)
    response = practitioner_client.get(start_url(appointment))
    assert response.status_code == 409
    assert "consent to acupuncture was withdrawn" in response.content.decode()


def test_a_severe_bleeding_disorder_excludes_needling(practitioner_client, practitioner):
    _, appointment = patient_with(practitioner, consent=FULL_CONSENT, bleeding_disorder=Intake.BleedingDisorder.SEVERE)
    response = practitioner_client.post(start_url(appointment), session_data())
    assert response.status_code == 409
    assert "Severe bleeding disorder" in response.content.decode()
    assert not TreatmentSession.objects.exists()


def test_consent_withdrawn_while_a_draft_is_open_stops_the_next_save(practitioner_client, practitioner):
    patient, appointment = patient_with(practitioner, consent=FULL_CONSENT)
    draft = TreatmentSessionFactory(appointment=appointment, signed_at=None, signed_by=None)
    patient.consents.get().withdraw(on=timezone.localdate(), reason="Changed their mind", by=practitioner)
    response = practitioner_client.post(session_url("session_edit", draft), session_data(needle_count="20"))
    assert response.status_code == 200
    assert "consent to acupuncture was withdrawn" in response.content.decode()
    draft.refresh_from_db()
    assert draft.needle_count == 12


# --- electroacupuncture ---------------------------------------------------------------------


def test_electroacupuncture_is_refused_for_a_patient_with_a_pacemaker(practitioner_client, practitioner):
    _, appointment = patient_with(
        practitioner, consent=FULL_CONSENT, implanted_device=True, implanted_device_detail="Pacemaker"
    )
    page = practitioner_client.get(start_url(appointment)).content.decode()
    assert PACEMAKER_REFUSAL in page  # said up front, in the electro section
    assert "Pacemaker — no electroacupuncture" in page  # and in the safety banner
    before = counts()
    response = practitioner_client.post(
        start_url(appointment), session_data(points=[("KI3", "both")], electro=ELECTRO_PAIR)
    )
    assert response.status_code == 200
    assert_valid_html(response.content)
    assert list(response.context["forms"].electro.non_form_errors()) == [PACEMAKER_REFUSAL]
    assert 'data-testid="electro-error"' in response.content.decode()
    assert counts() == before


def test_the_same_patient_may_still_have_needling_without_current(practitioner_client, practitioner):
    _, appointment = patient_with(
        practitioner, consent=FULL_CONSENT, implanted_device=True, implanted_device_detail="Pacemaker"
    )
    response = practitioner_client.post(start_url(appointment), session_data(points=[("KI3", "both")]))
    assert response.status_code == 302
    assert TreatmentSession.objects.get().needled_points.count() == 1


def test_an_unnamed_implanted_device_is_refused_in_the_same_words(practitioner_client, practitioner):
    _, appointment = patient_with(practitioner, consent=FULL_CONSENT, implanted_device=True)
    response = practitioner_client.post(start_url(appointment), session_data(electro=ELECTRO_PAIR))
    assert list(response.context["forms"].electro.non_form_errors()) == [
        "Implanted electrical device — electroacupuncture is not allowed for this patient."
    ]


def test_electroacupuncture_needs_a_consent_that_covers_it(practitioner_client, practitioner):
    _, appointment = patient_with(practitioner, consent={"covers_electroacupuncture": False, "covers_heat": True})
    response = practitioner_client.post(start_url(appointment), session_data(electro=ELECTRO_PAIR))
    assert list(response.context["forms"].electro.non_form_errors()) == [
        "The consent on file does not cover electroacupuncture."
    ]
    assert not TreatmentSession.objects.exists()


def test_an_empty_electro_row_is_not_refused(practitioner_client, practitioner):
    _, appointment = patient_with(practitioner, consent={"covers_electroacupuncture": False}, implanted_device=True)
    data = session_data(electro=[("", "", "", "", "")])
    assert practitioner_client.post(start_url(appointment), data).status_code == 302


def test_a_pacemaker_patient_also_hears_about_a_missing_frequency(practitioner_client, practitioner):
    _, appointment = patient_with(practitioner, consent=FULL_CONSENT, implanted_device=True)
    response = practitioner_client.post(start_url(appointment), session_data(electro=[("KI3", "KI1", "", "", "20")]))
    forms = response.context["forms"]
    assert forms.electro.non_form_errors()
    assert forms.electro.forms[0].errors["frequency_hz"]


# --- heat -----------------------------------------------------------------------------------


def test_heat_needs_a_consent_that_covers_it(practitioner_client, practitioner):
    _, appointment = patient_with(practitioner, consent={"covers_electroacupuncture": True, "covers_heat": False})
    response = practitioner_client.post(start_url(appointment), session_data(heat="moxibustion"))
    assert response.context["form"].errors["heat"] == ["The consent on file does not cover heat or moxibustion."]
    assert not TreatmentSession.objects.exists()
    assert practitioner_client.post(start_url(appointment), session_data(heat="")).status_code == 302


def test_heat_is_recorded_when_consented(practitioner_client, practitioner):
    _, appointment = patient_with(practitioner, consent=FULL_CONSENT)
    assert practitioner_client.post(start_url(appointment), session_data(heat="heat_lamp")).status_code == 302
    assert TreatmentSession.objects.get().heat == "heat_lamp"


# --- pregnancy ------------------------------------------------------------------------------


def pregnant(practitioner):
    return patient_with(
        practitioner,
        consent=FULL_CONSENT,
        pregnant=True,
        pregnancy_due_date=timezone.localdate() + dt.timedelta(days=120),
    )


def test_points_to_avoid_in_pregnancy_need_a_reason(practitioner_client, practitioner):
    _, appointment = pregnant(practitioner)
    page = practitioner_client.get(start_url(appointment)).content.decode()
    assert "SP6 Sanyinjiao (avoid in pregnancy)" in page
    data = session_data(points=[("SP6", "both"), ("KI3", "both"), ("LI4", "left")])
    response = practitioner_client.post(start_url(appointment), data)
    assert response.status_code == 200
    assert response.context["form"].errors["pregnancy_override_reason"] == [
        "SP6 and LI4 are to be avoided in pregnancy: give a reason to needle them anyway."
    ]
    assert counts()["TreatmentSession"] == 0


def test_with_a_reason_the_override_is_recorded(practitioner_client, practitioner):
    _, appointment = pregnant(practitioner)
    reason = "Post-dates; obstetrician asked for induction support"
    data = session_data(points=[("SP6", "both")], pregnancy_override_reason=reason)
    assert practitioner_client.post(start_url(appointment), data).status_code == 302
    session = TreatmentSession.objects.get()
    assert session.pregnancy_override_reason == reason
    assert reason in practitioner_client.get(session.get_absolute_url()).content.decode()


def test_a_pregnancy_point_in_an_electro_pair_needs_a_reason_too(practitioner_client, practitioner):
    _, appointment = pregnant(practitioner)
    response = practitioner_client.post(start_url(appointment), session_data(electro=[("BL60", "KI3", "2", "", "20")]))
    assert response.context["form"].errors["pregnancy_override_reason"] == [
        "BL60 is to be avoided in pregnancy: give a reason to needle it anyway."
    ]


def test_other_points_need_no_reason_and_a_stray_one_is_not_kept(practitioner_client, practitioner):
    _, appointment = pregnant(practitioner)
    data = session_data(points=[("KI3", "both")], pregnancy_override_reason="Just in case")
    assert practitioner_client.post(start_url(appointment), data).status_code == 302
    assert TreatmentSession.objects.get().pregnancy_override_reason == ""


def test_a_patient_who_is_not_pregnant_needs_no_override(practitioner_client, practitioner):
    _, appointment = patient_with(practitioner, consent=FULL_CONSENT)
    page = practitioner_client.get(start_url(appointment)).content.decode()
    assert "pregnancy_override_reason" not in page
    assert practitioner_client.post(start_url(appointment), session_data(points=[("SP6", "both")])).status_code == 302


# --- the same rules for any caller of the services --------------------------------------------


def point(code: str) -> AcupuncturePoint:
    return AcupuncturePoint.objects.get(code=code)


RECORD = {"first_step_pain_before": Decimal("6.5"), "average_pain_before": Decimal("5.0")}


def test_the_service_refuses_what_the_page_refuses_and_writes_nothing(practitioner):
    # Four patients at 14:00, so four practitioners.
    _, pacemaker = patient_with(practitioner, consent=FULL_CONSENT, implanted_device=True)
    _, no_heat = patient_with(PractitionerFactory(), consent={"covers_heat": False})
    _, no_consent = patient_with(PractitionerFactory(), consent=None)
    _, expecting = pregnant(PractitionerFactory())
    electro = [ElectroRow(point_a=point("KI3"), point_b=point("KI1"), frequency_hz=Decimal(2), minutes=20)]
    attempts = [
        (pacemaker, {"electro": electro}, "Implanted electrical device — electroacupuncture is not allowed"),
        (no_heat, {"record": RECORD | {"heat": "moxibustion"}}, "does not cover heat"),
        (no_consent, {}, "There is no consent to acupuncture on file"),
        (expecting, {"points": [PointRow(point=point("SP6"))]}, "SP6 is to be avoided in pregnancy"),
    ]
    for appointment, values, refusal in attempts:
        with pytest.raises(SessionRefused, match=refusal):
            session_save(appointment=appointment, **{"record": RECORD} | values, by=appointment.practitioner)
    assert counts() == {"TreatmentSession": 0, "NeedledPoint": 0, "ElectroStimulation": 0, "AdverseEvent": 0}


def test_the_service_keeps_a_pregnancy_reason_only_while_a_point_needs_it(practitioner):
    _, appointment = pregnant(practitioner)
    reason = {"pregnancy_override_reason": "Obstetrician asked for it"}
    session = session_save(
        appointment=appointment, record=RECORD | reason, points=[PointRow(point=point("SP6"))], by=practitioner
    )
    assert session.pregnancy_override_reason == "Obstetrician asked for it"
    session = session_save(
        appointment=appointment, record=reason, points=[PointRow(point=point("KI3"))], by=practitioner
    )
    session.refresh_from_db()
    assert session.pregnancy_override_reason == ""
    assert TreatmentSession.objects.count() == 1


@pytest.mark.parametrize("status", [Appointment.Status.BOOKED, Appointment.Status.NO_SHOW])
def test_no_session_is_recorded_for_a_patient_who_did_not_come(practitioner, status):
    _, appointment = patient_with(practitioner, consent=FULL_CONSENT)
    appointment.status = status
    appointment.save(update_fields=["status"])
    with pytest.raises(SessionRefused, match="a session is recorded only for a patient who came"):
        session_save(appointment=appointment, record=RECORD, by=practitioner)
    assert not TreatmentSession.objects.exists()


def test_signing_and_amending_keep_the_time_they_are_told(practitioner):
    _, appointment = patient_with(practitioner, consent=FULL_CONSENT)
    after = {"first_step_pain_after": Decimal("3.0"), "average_pain_after": Decimal("2.5")}
    session = session_save(appointment=appointment, record=RECORD | after, by=practitioner)
    signed_at = appointment.ends_at + dt.timedelta(minutes=10)
    session_sign(session=session, by=practitioner, now=signed_at)
    amended_at = signed_at + dt.timedelta(days=1)
    amendment = session_amend(
        session=session,
        changes={"average_pain_after": Decimal("2.0")},
        reason="Misheard",
        by=practitioner,
        now=amended_at,
    )
    session.refresh_from_db()
    amendment.refresh_from_db()
    assert (session.signed_at, amendment.amended_at) == (signed_at, amended_at)
    assert amendment.changes == {"average_pain_after": ["2.5", "2.0"]}


def test_an_amendment_cannot_touch_what_was_given_or_erase_an_after_score(practitioner):
    _, appointment = patient_with(practitioner, consent=FULL_CONSENT)
    session = TreatmentSessionFactory(appointment=appointment)
    for changes, refusal in (
        ({"heat": "moxibustion"}, "heat cannot be amended"),
        ({"average_pain_after": None}, "keeps its average pain after"),
    ):
        with pytest.raises(SessionRefused, match=refusal):
            session_amend(session=session, changes=changes, reason="Why not", by=practitioner)
    assert not session.amendments.exists()
