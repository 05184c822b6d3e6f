"""Correcting a signed session: an amendment keeps who, when, why, and each value before and after."""

from decimal import Decimal

import pytest

from tests.factories import TreatmentSessionFactory
from tests.html import assert_valid_html
from tests.treatments.session_support import session_url
from treatments.models import Appointment, SessionAmendment, TreatmentSession
from treatments.sessions.services import SessionRefused, session_amend

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(appointment):
    appointment.status = Appointment.Status.COMPLETED
    appointment.save(update_fields=["status"])
    return TreatmentSessionFactory(
        appointment=appointment,
        average_pain_after=Decimal("5.3"),
        subjective="Heel better on waking.",
        home_care="Stretches.",
    )


def amend_data(session, **changes) -> dict:
    """The amend form as it arrives, prefilled with the signed values, with `changes` typed over them."""
    data = {
        "first_step_pain_before": str(session.first_step_pain_before),
        "average_pain_before": str(session.average_pain_before),
        "first_step_pain_after": str(session.first_step_pain_after),
        "average_pain_after": str(session.average_pain_after),
        "needle_count": str(session.needle_count or ""),
        "retention_minutes": str(session.retention_minutes or ""),
        "subjective": session.subjective,
        "objective": session.objective,
        "assessment": session.assessment,
        "plan_notes": session.plan_notes,
        "home_care": session.home_care,
        "nsaid_use": session.nsaid_use,
        "reason": "After-score misheard",
    }
    data.update(changes)
    return data


def test_the_amend_page_shows_the_signed_values(practitioner_client, signed):
    response = practitioner_client.get(session_url("session_amend", signed))
    assert response.status_code == 200
    assert_valid_html(response.content)
    page = response.content.decode()
    assert "Signed as 5.3" in page
    assert 'value="5.3"' in page


def test_an_amendment_records_each_changed_value_before_and_after(practitioner_client, practitioner, signed):
    data = amend_data(signed, average_pain_after="3.5", needle_count="14", nsaid_use="daily")
    response = practitioner_client.post(session_url("session_amend", signed), data)
    assert response.status_code == 302
    amendment = SessionAmendment.objects.get()
    assert amendment.changes == {
        "average_pain_after": ["5.3", "3.5"],
        "needle_count": [12, 14],
        "nsaid_use": ["none", "daily"],
    }
    assert (amendment.reason, amendment.amended_by) == ("After-score misheard", practitioner)
    signed.refresh_from_db()
    assert signed.average_pain_after == Decimal("3.5")
    assert signed.needle_count == 14
    assert signed.is_signed  # still signed, still locked


def test_the_record_shows_the_trail_and_the_original_value(practitioner_client, signed):
    practitioner_client.post(
        session_url("session_amend", signed),
        amend_data(signed, average_pain_after="3.5", subjective="Heel much better on waking."),
    )
    response = practitioner_client.get(session_url("session", signed))
    assert_valid_html(response.content)
    page = response.content.decode()
    assert "Why: After-score misheard" in page
    assert 'Average pain after: was <span class="was">5.3</span>, now <span class="now">3.5</span>' in page
    assert 'Subjective: was <span class="was">Heel better on waking.</span>' in page
    assert "Alice Chen" in page
    assert "Amended 1 time" in page


def test_changing_nothing_is_refused(practitioner_client, signed):
    response = practitioner_client.post(session_url("session_amend", signed), amend_data(signed))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Nothing changed: change at least one value to record a correction."
    ]
    assert not SessionAmendment.objects.exists()


def test_a_correction_needs_a_reason(practitioner_client, signed):
    response = practitioner_client.post(
        session_url("session_amend", signed), amend_data(signed, average_pain_after="3.5", reason="  ")
    )
    assert response.context["form"].errors["reason"] == ["Say why the signed record is being corrected."]
    signed.refresh_from_db()
    assert signed.average_pain_after == Decimal("5.3")


@pytest.mark.parametrize("value", ["11", "-1", "abc", "3.55"])
def test_an_amended_pain_score_is_checked_like_a_new_one(practitioner_client, signed, value):
    response = practitioner_client.post(
        session_url("session_amend", signed), amend_data(signed, first_step_pain_after=value)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["first_step_pain_after"]
    assert not SessionAmendment.objects.exists()


def test_an_after_score_cannot_be_amended_away(practitioner_client, signed):
    response = practitioner_client.post(session_url("session_amend", signed), amend_data(signed, average_pain_after=""))
    assert response.context["form"].errors["average_pain_after"]


def test_a_retention_of_500_minutes_is_refused_in_an_amendment_too(practitioner_client, signed):
    response = practitioner_client.post(
        session_url("session_amend", signed), amend_data(signed, retention_minutes="500")
    )
    assert response.context["form"].errors["retention_minutes"]
    assert not SessionAmendment.objects.exists()


def test_amendments_pile_up_in_order(practitioner_client, signed):
    # Only the author amends (tests/treatments/test_cross_practitioner.py); a colleague adds an addendum.
    practitioner_client.post(session_url("session_amend", signed), amend_data(signed, average_pain_after="3.5"))
    signed.refresh_from_db()
    practitioner_client.post(
        session_url("session_amend", signed), amend_data(signed, average_pain_after="3.0", reason="Rechecked")
    )
    trail = list(SessionAmendment.objects.values_list("changes", "reason", "amended_by__username"))
    assert trail == [
        ({"average_pain_after": ["5.3", "3.5"]}, "After-score misheard", "alice"),
        ({"average_pain_after": ["3.5", "3.0"]}, "Rechecked", "alice"),
    ]


def test_a_draft_is_edited_not_amended(practitioner_client, appointment):
    draft = TreatmentSessionFactory(appointment=appointment, signed_at=None, signed_by=None)
    response = practitioner_client.get(session_url("session_amend", draft))
    assert response.status_code == 302
    assert response.url == session_url("session_edit", draft)
    with pytest.raises(SessionRefused):
        session_amend(session=draft, changes={"needle_count": 3}, reason="x", by=draft.practitioner)


def test_the_front_desk_and_clinic_admins_cannot_amend(front_desk_client, clinic_admin_client, signed):
    for client in (front_desk_client, clinic_admin_client):
        assert client.get(session_url("session_amend", signed)).status_code == 403
        response = client.post(session_url("session_amend", signed), amend_data(signed, average_pain_after="1.0"))
        assert response.status_code == 403
    assert not SessionAmendment.objects.exists()
    assert TreatmentSession.objects.get().average_pain_after == Decimal("5.3")


def test_anonymous_visitors_are_sent_to_sign_in(client, signed):
    response = client.post(session_url("session_amend", signed), amend_data(signed, average_pain_after="1.0"))
    assert response.status_code == 302
    assert not SessionAmendment.objects.exists()
