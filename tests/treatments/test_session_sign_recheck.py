"""Signing asks every safety rule again: a rule that fails now is signed over only with Alice's reason.

Maria's draft was saved while every rule passed. Then a pacemaker is added to her intake, or she withdraws her
consent. The treatment may well have been given before that, so signing is not forbidden; but it is never silent:
without a reason nothing is signed, with one the failing rules and the reason are kept on the session and shown
on it, to clinicians only.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tests.factories import TreatmentSessionFactory
from tests.html import assert_valid_html
from tests.treatments.session_support import counts, session_url
from treatments.models import AcupuncturePoint, Appointment, TreatmentSession
from treatments.sessions.forms.sign import ACKNOWLEDGEMENT_REQUIRED
from treatments.sessions.services import (
    AcknowledgementNeeded,
    ElectroRow,
    PointRow,
    SessionRefused,
    session_amend,
    session_save,
    session_sign,
)

pytestmark = pytest.mark.django_db

PACEMAKER_REFUSAL = "Pacemaker — electroacupuncture is not allowed for this patient."
WITHDRAWN_REFUSAL = "The patient's consent to acupuncture was withdrawn, so no session can be recorded."
REASON = "Treatment given at 10:00; the pacemaker was reported after the patient left."
RECORD = {
    "first_step_pain_before": Decimal("6.5"),
    "average_pain_before": Decimal("5.0"),
    "first_step_pain_after": Decimal("4.0"),
    "average_pain_after": Decimal("3.5"),
}


def point(code: str) -> AcupuncturePoint:
    return AcupuncturePoint.objects.get(code=code)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


@pytest.fixture
def electro_draft(appointment, practitioner):
    """Maria's draft with KI3 and a KI3–KI1 pair at 2 Hz, saved while her consent covered electroacupuncture."""
    return session_save(
        appointment=appointment,
        record=RECORD,
        points=[PointRow(point=point("KI3"))],
        electro=[ElectroRow(point_a=point("KI3"), point_b=point("KI1"), frequency_hz=Decimal(2), minutes=20)],
        by=practitioner,
    )


@pytest.fixture
def needling_draft(appointment, practitioner):
    """Maria's draft with KI3 only, no current, no heat."""
    return session_save(appointment=appointment, record=RECORD, points=[PointRow(point=point("KI3"))], by=practitioner)


@pytest.fixture
def pacemaker(patient):
    """Reported after the draft was saved."""
    patient.intake.implanted_device = True
    patient.intake.implanted_device_detail = "Pacemaker"
    patient.intake.save()


@pytest.fixture
def consent_withdrawn(patient, practitioner):
    patient.consents.get().withdraw(on=timezone.localdate(), reason="Changed her mind", by=practitioner)


def assert_unsigned(session) -> None:
    session.refresh_from_db()
    assert session.signed_at is None and session.signed_by is None
    assert session.sign_acknowledgement == ""
    assert Appointment.objects.get(pk=session.appointment_id).status == Appointment.Status.CHECKED_IN


# --- the service ----------------------------------------------------------------------------


def test_a_pacemaker_added_after_the_draft_stops_a_signature_without_a_reason(electro_draft, pacemaker, practitioner):
    with pytest.raises(SessionRefused, match=PACEMAKER_REFUSAL) as refused:
        session_sign(session=electro_draft, by=practitioner)
    assert isinstance(refused.value, AcknowledgementNeeded)
    assert list(refused.value.refusals.values()) == [PACEMAKER_REFUSAL]
    assert_unsigned(electro_draft)


def test_with_a_reason_the_pacemaker_session_is_signed_and_keeps_the_rule_and_the_reason(
    electro_draft, pacemaker, practitioner
):
    session_sign(session=electro_draft, by=practitioner, acknowledgement=f"  {REASON}  ")
    electro_draft.refresh_from_db()
    assert electro_draft.signed_by == practitioner and electro_draft.signed_at is not None
    assert electro_draft.sign_acknowledgement == f"Failed at signing:\n- {PACEMAKER_REFUSAL}\nReason given: {REASON}"
    assert Appointment.objects.get(pk=electro_draft.appointment_id).status == Appointment.Status.COMPLETED


def test_a_withdrawn_consent_stops_a_signature_without_a_reason_and_is_kept_with_one(
    needling_draft, consent_withdrawn, practitioner
):
    with pytest.raises(SessionRefused, match="consent to acupuncture was withdrawn"):
        session_sign(session=needling_draft, by=practitioner, acknowledgement="   ")
    assert_unsigned(needling_draft)
    session_sign(session=needling_draft, by=practitioner, acknowledgement="Consent withdrawn by phone that evening.")
    needling_draft.refresh_from_db()
    assert needling_draft.is_signed
    assert WITHDRAWN_REFUSAL in needling_draft.sign_acknowledgement
    assert "Consent withdrawn by phone that evening." in needling_draft.sign_acknowledgement


def test_the_refusal_names_each_rule_that_fails(electro_draft, pacemaker, consent_withdrawn, practitioner):
    with pytest.raises(AcknowledgementNeeded) as refused:
        session_sign(session=electro_draft, by=practitioner)
    message = str(refused.value)
    assert WITHDRAWN_REFUSAL in message and PACEMAKER_REFUSAL in message
    assert_unsigned(electro_draft)


def test_a_signature_with_no_failing_rule_needs_no_reason_and_keeps_none(electro_draft, practitioner):
    session_sign(session=electro_draft, by=practitioner, acknowledgement="Not needed")
    electro_draft.refresh_from_db()
    assert electro_draft.is_signed
    assert electro_draft.sign_acknowledgement == ""


def test_the_acknowledgement_is_locked_once_signed(electro_draft, pacemaker, practitioner):
    session_sign(session=electro_draft, by=practitioner, acknowledgement=REASON)
    electro_draft.refresh_from_db()
    electro_draft.sign_acknowledgement = ""
    with pytest.raises(ValidationError):
        electro_draft.save()
    with pytest.raises(SessionRefused, match="sign_acknowledgement cannot be amended"):
        session_amend(session=electro_draft, changes={"sign_acknowledgement": ""}, reason="Tidy", by=practitioner)
    electro_draft.refresh_from_db()
    assert REASON in electro_draft.sign_acknowledgement


def test_the_database_keeps_acknowledgements_for_signed_sessions_only(appointment):
    with pytest.raises(IntegrityError), transaction.atomic():
        TreatmentSessionFactory(appointment=appointment, signed_at=None, signed_by=None, sign_acknowledgement="Why")


# --- the page -------------------------------------------------------------------------------


def test_the_page_lists_the_failing_rules_beside_the_sign_button_with_a_reason_field(
    practitioner_client, electro_draft, pacemaker
):
    response = practitioner_client.get(session_url("session", electro_draft))
    assert response.status_code == 200
    assert_valid_html(response.content)
    page = response.content.decode()
    assert 'data-testid="sign-refusals"' in page
    assert PACEMAKER_REFUSAL in page
    assert 'name="acknowledgement"' in page
    assert page.count("Sign session") == 1  # only the one beside the rules and the reason


def test_signing_the_pacemaker_session_on_the_page_needs_a_reason_and_then_shows_it(
    practitioner_client, electro_draft, pacemaker
):
    url = session_url("session_sign", electro_draft)
    response = practitioner_client.post(url)
    assert response.status_code == 200
    assert list(response.context["sign_form"].errors["acknowledgement"]) == [ACKNOWLEDGEMENT_REQUIRED]
    assert_unsigned(electro_draft)

    response = practitioner_client.post(url, {"acknowledgement": REASON}, follow=True)
    assert response.redirect_chain == [(electro_draft.get_absolute_url(), 302)]
    assert any("Signed over safety rules that failed" in text for text in messages_of(response))
    electro_draft.refresh_from_db()
    assert electro_draft.is_signed
    assert_valid_html(response.content)
    page = response.content.decode()
    assert 'data-testid="sign-acknowledgement"' in page
    assert PACEMAKER_REFUSAL in page and REASON in page
    assert 'name="acknowledgement"' not in page


def test_signing_after_consent_is_withdrawn_on_the_page_needs_a_reason_and_then_shows_it(
    practitioner_client, needling_draft, consent_withdrawn
):
    url = session_url("session_sign", needling_draft)
    page = practitioner_client.get(session_url("session", needling_draft)).content.decode()
    assert "consent to acupuncture was withdrawn" in page and 'name="acknowledgement"' in page
    response = practitioner_client.post(url, {"acknowledgement": ""})
    assert response.status_code == 200
    assert ACKNOWLEDGEMENT_REQUIRED in response.content.decode()
    assert_unsigned(needling_draft)

    response = practitioner_client.post(url, {"acknowledgement": "Treated before she withdrew."}, follow=True)
    needling_draft.refresh_from_db()
    assert needling_draft.is_signed
    page = response.content.decode()
    assert "consent to acupuncture was withdrawn" in page and "Treated before she withdrew." in page


def test_a_blank_reason_shows_the_error_at_the_field_and_writes_nothing(practitioner_client, electro_draft, pacemaker):
    stamp = electro_draft.updated_at
    before = counts()
    versions = electro_draft.history.count()
    response = practitioner_client.post(session_url("session_sign", electro_draft), {"acknowledgement": "  \n "})
    assert response.status_code == 200
    assert_valid_html(response.content)
    page = response.content.decode()
    assert ACKNOWLEDGEMENT_REQUIRED in page
    assert 'aria-invalid="true"' in page or "is-invalid" in page
    assert PACEMAKER_REFUSAL in page
    assert_unsigned(electro_draft)
    assert electro_draft.updated_at == stamp
    assert counts() == before
    assert electro_draft.history.count() == versions


def test_an_overlong_reason_is_an_error_at_the_field_not_a_crash(practitioner_client, electro_draft, pacemaker):
    response = practitioner_client.post(session_url("session_sign", electro_draft), {"acknowledgement": "x" * 301})
    assert response.status_code == 200
    assert response.context["sign_form"].errors["acknowledgement"]
    assert_unsigned(electro_draft)


def test_a_signature_with_no_failing_rule_needs_no_reason_on_the_page(practitioner_client, electro_draft):
    page = practitioner_client.get(session_url("session", electro_draft)).content.decode()
    assert 'data-testid="sign-refusals"' not in page and 'name="acknowledgement"' not in page
    response = practitioner_client.post(session_url("session_sign", electro_draft), follow=True)
    assert any("Session 1 of 10 is complete" in text for text in messages_of(response))
    electro_draft.refresh_from_db()
    assert electro_draft.is_signed and electro_draft.sign_acknowledgement == ""
    assert 'data-testid="sign-acknowledgement"' not in response.content.decode()


# --- who may sign, and who sees the acknowledgement ------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, electro_draft, pacemaker):
    response = client.post(session_url("session_sign", electro_draft), {"acknowledgement": REASON})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert_unsigned(electro_draft)


def test_the_front_desk_and_clinic_admins_cannot_sign_even_with_a_reason(
    front_desk_client, clinic_admin_client, electro_draft, pacemaker
):
    for staff in (front_desk_client, clinic_admin_client):
        response = staff.post(session_url("session_sign", electro_draft), {"acknowledgement": REASON})
        assert response.status_code == 403
    assert_unsigned(electro_draft)


def test_another_practitioner_cannot_sign_even_with_a_reason(other_practitioner_client, electro_draft, pacemaker):
    page = other_practitioner_client.get(session_url("session", electro_draft)).content.decode()
    assert 'name="acknowledgement"' not in page
    response = other_practitioner_client.post(
        session_url("session_sign", electro_draft), {"acknowledgement": REASON}, follow=True
    )
    assert any("Only Alice Chen" in text for text in messages_of(response))
    assert_unsigned(electro_draft)


def test_clinic_admins_read_the_acknowledgement_and_the_front_desk_never_sees_it(
    practitioner, clinic_admin_client, front_desk_client, electro_draft, pacemaker
):
    session_sign(session=electro_draft, by=practitioner, acknowledgement=REASON)
    page = clinic_admin_client.get(session_url("session", electro_draft)).content.decode()
    assert REASON in page and PACEMAKER_REFUSAL in page
    assert front_desk_client.get(session_url("session", electro_draft)).status_code == 403
    appointment_page = front_desk_client.get(
        reverse("treatments:appointment", kwargs={"appointment_id": electro_draft.appointment_id})
    )
    assert appointment_page.status_code == 200
    assert REASON not in appointment_page.content.decode()
    assert TreatmentSession.objects.get(pk=electro_draft.pk).is_signed
