"""Practitioners do not write each other's clinical records.

Alice gave Maria's treatment today. Bob, another practitioner, may read her record but not change it:
he adds a signed addendum to her signed session instead of amending it, he cannot discontinue her plan
(Carmen, the clinic admin, can), and he writes no session on her appointment unless it is first
reassigned to him, with a reason, by Fiona at the desk, by Carmen or by Alice herself.
"""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tests.clock import today_at
from tests.factories import AppointmentFactory, PatientFactory, TreatmentPlanFactory, TreatmentSessionFactory
from tests.html import assert_valid_html
from tests.treatments.session_support import counts, session_data, session_url, start_url
from treatments.models import (
    Appointment,
    AppointmentReassignment,
    SessionAddendum,
    SessionAmendment,
    TreatmentPlan,
    TreatmentSession,
)
from treatments.sessions.services import SessionRefused, session_addendum_add, session_amend, session_save

pytestmark = pytest.mark.django_db

NOTE = "Saw Maria on Friday: heel pain back to 6 after a long walk."


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def appointment_url(name: str, appointment) -> str:
    return reverse(f"treatments:{name}", kwargs={"appointment_id": appointment.pk})


def status_url(plan) -> str:
    return reverse("treatments:plan_status", kwargs={"plan_id": plan.public_id})


@pytest.fixture
def signed(appointment):
    """Alice's signed session of today."""
    appointment.status = Appointment.Status.COMPLETED
    appointment.save(update_fields=["status"])
    return TreatmentSessionFactory(appointment=appointment, average_pain_after=Decimal("5.3"))


@pytest.fixture
def draft(appointment):
    """Alice's draft of today's session, after-scores in."""
    return TreatmentSessionFactory(appointment=appointment, signed_at=None, signed_by=None)


def amend_data(session, **changes) -> dict:
    data = {
        name: "" if getattr(session, name) is None else str(getattr(session, name))
        for name in (
            "first_step_pain_before",
            "average_pain_before",
            "first_step_pain_after",
            "average_pain_after",
            "needle_count",
            "retention_minutes",
            "subjective",
            "objective",
            "assessment",
            "plan_notes",
            "home_care",
            "nsaid_use",
        )
    }
    return data | {"reason": "After-score misheard"} | changes


# --- finding 1: a signed session is amended by its author only ------------------------------


def test_another_practitioner_cannot_amend_a_signed_session(other_practitioner_client, signed):
    page = other_practitioner_client.get(session_url("session_amend", signed))
    assert page.status_code == 403
    assert "who signed this session, can amend it" in page.content.decode()
    assert session_url("session_addendum", signed) in page.content.decode()

    response = other_practitioner_client.post(
        session_url("session_amend", signed), amend_data(signed, average_pain_after="1.0")
    )
    assert response.status_code == 403
    assert not SessionAmendment.objects.exists()
    assert TreatmentSession.objects.get().average_pain_after == Decimal("5.3")


def test_the_service_refuses_an_amendment_by_anyone_but_the_author(other_practitioner, signed):
    with pytest.raises(SessionRefused, match="Only Alice Chen"):
        session_amend(session=signed, changes={"needle_count": 3}, reason="Recount", by=other_practitioner)
    assert not SessionAmendment.objects.exists()


def test_the_author_still_amends(practitioner_client, signed):
    response = practitioner_client.post(
        session_url("session_amend", signed), amend_data(signed, average_pain_after="3.5")
    )
    assert response.status_code == 302
    assert SessionAmendment.objects.get().amended_by.username == "alice"


def test_the_author_sees_amend_and_a_colleague_sees_add_an_addendum(
    practitioner_client, other_practitioner_client, signed
):
    own = practitioner_client.get(session_url("session", signed)).content.decode()
    assert session_url("session_amend", signed) in own
    assert session_url("session_addendum", signed) not in own

    theirs = other_practitioner_client.get(session_url("session", signed)).content.decode()
    assert session_url("session_amend", signed) not in theirs
    assert "Add an addendum" in theirs


# --- the addendum ---------------------------------------------------------------------------


def test_anonymous_visitors_and_the_front_desk_cannot_add_an_addendum(client, front_desk_client, signed):
    url = session_url("session_addendum", signed)
    assert client.get(url).status_code == 302
    assert client.post(url, {"text": NOTE}).status_code == 302
    assert front_desk_client.get(url).status_code == 403
    assert front_desk_client.post(url, {"text": NOTE}).status_code == 403
    assert not SessionAddendum.objects.exists()


def test_clinic_admins_read_addenda_but_do_not_write_them(clinic_admin_client, other_practitioner, signed):
    session_addendum_add(session=signed, text=NOTE, by=other_practitioner)
    assert clinic_admin_client.post(session_url("session_addendum", signed), {"text": "More"}).status_code == 403
    page = clinic_admin_client.get(session_url("session", signed)).content.decode()
    assert NOTE in page and "Bob Reyes" in page
    assert SessionAddendum.objects.count() == 1


def test_another_practitioner_adds_an_addendum_shown_beside_the_session(other_practitioner_client, signed):
    page = other_practitioner_client.get(session_url("session_addendum", signed))
    assert page.status_code == 200
    assert_valid_html(page.content)

    response = other_practitioner_client.post(session_url("session_addendum", signed), {"text": f"  {NOTE}  "})
    assert response.status_code == 302
    addendum = SessionAddendum.objects.get()
    assert (addendum.text, addendum.author.username) == (NOTE, "bob")
    signed.refresh_from_db()
    assert signed.average_pain_after == Decimal("5.3")  # the signed record is as Alice wrote it

    detail = other_practitioner_client.get(session_url("session", signed))
    assert_valid_html(detail.content)
    addenda = detail.content.decode().split('data-testid="addenda"')[1]
    assert (
        NOTE in addenda
        and "Bob Reyes" in addenda
        and f"{timezone.localtime(addendum.written_at):%b} {timezone.localtime(addendum.written_at).day}," in addenda
    )


@pytest.mark.parametrize(("text", "error"), [("   ", "Write the addendum"), ("x" * 2001, "Keep the addendum to 2000")])
def test_an_empty_or_overlong_addendum_is_refused_at_the_field(other_practitioner_client, signed, text, error):
    response = other_practitioner_client.post(session_url("session_addendum", signed), {"text": text})
    assert response.status_code == 200
    assert any(error in message for message in response.context["form"].errors["text"])
    assert b"Nothing was added" in response.content
    assert not SessionAddendum.objects.exists()


def test_a_draft_takes_no_addendum(other_practitioner, other_practitioner_client, draft):
    response = other_practitioner_client.post(session_url("session_addendum", draft), {"text": NOTE})
    assert response.status_code == 302
    with pytest.raises(SessionRefused):
        session_addendum_add(session=draft, text=NOTE, by=other_practitioner)
    assert not SessionAddendum.objects.exists()


def test_an_addendum_is_never_changed_or_deleted(other_practitioner, signed):
    addendum = session_addendum_add(session=signed, text=NOTE, by=other_practitioner)
    addendum.text = "Something else"
    with pytest.raises(ValidationError):
        addendum.save()
    with pytest.raises(ValidationError):
        addendum.delete()
    # Around the model too: the database refuses, whoever asks.
    with pytest.raises(DatabaseError), transaction.atomic():
        SessionAddendum.objects.filter(pk=addendum.pk).update(text="Something else")
    with pytest.raises(DatabaseError), transaction.atomic():
        SessionAddendum.objects.filter(pk=addendum.pk).delete()
    assert SessionAddendum.objects.get().text == NOTE


def test_the_database_refuses_an_addendum_of_only_spaces(other_practitioner, signed):
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionAddendum.objects.create(session=signed, text="  \n ", author=other_practitioner)


# --- finding 2: a plan's status is changed by its practitioner or a clinic admin ------------


def test_another_practitioner_cannot_discontinue_a_colleagues_plan(other_practitioner_client, plan):
    page = other_practitioner_client.get(f"{status_url(plan)}?action=discontinue")
    assert page.status_code == 403
    assert_valid_html(page.content)
    assert "only they or a clinic admin change its status" in page.content.decode()
    response = other_practitioner_client.post(status_url(plan), {"action": "discontinue", "reason": "Not improving"})
    assert response.status_code == 403
    plan.refresh_from_db()
    assert (plan.status, plan.discontinued_reason) == (TreatmentPlan.Status.ACTIVE, "")


def test_a_colleague_sees_no_status_buttons_on_the_plan(other_practitioner_client, plan):
    page = other_practitioner_client.get(plan.get_absolute_url()).content.decode()
    assert status_url(plan) not in page


def test_the_plans_practitioner_discontinues_it(practitioner_client, plan):
    practitioner_client.post(status_url(plan), {"action": "discontinue", "reason": "Moved abroad"})
    plan.refresh_from_db()
    assert plan.status == TreatmentPlan.Status.DISCONTINUED


def test_a_clinic_admin_changes_any_plans_status(clinic_admin_client, plan):
    assert status_url(plan) in clinic_admin_client.get(plan.get_absolute_url()).content.decode()
    assert clinic_admin_client.get(f"{status_url(plan)}?action=discontinue").status_code == 200
    clinic_admin_client.post(status_url(plan), {"action": "discontinue", "reason": "Practitioner left the clinic"})
    plan.refresh_from_db()
    assert (plan.status, plan.discontinued_reason) == (
        TreatmentPlan.Status.DISCONTINUED,
        "Practitioner left the clinic",
    )


# --- finding 3: a session is written by the practitioner the appointment is booked with ----


def test_another_practitioner_cannot_start_a_session_on_a_colleagues_appointment(
    other_practitioner_client, appointment
):
    before = counts()
    page = other_practitioner_client.get(start_url(appointment))
    assert page.status_code == 403
    assert "only they record its session" in page.content.decode()
    response = other_practitioner_client.post(start_url(appointment), session_data())
    assert response.status_code == 403
    assert counts() == before


def test_another_practitioner_cannot_edit_or_sign_a_colleagues_draft(other_practitioner_client, draft):
    response = other_practitioner_client.post(session_url("session_edit", draft), session_data(subjective="Bob's"))
    assert response.status_code == 403
    assert other_practitioner_client.get(session_url("session_edit", draft)).status_code == 403
    signed = other_practitioner_client.post(session_url("session_sign", draft), follow=True)
    assert any("Only Alice Chen" in text for text in messages_of(signed))
    draft.refresh_from_db()
    assert draft.subjective != "Bob's" and draft.signed_at is None


def test_the_service_refuses_a_session_saved_by_another_practitioner(other_practitioner, appointment):
    with pytest.raises(SessionRefused, match="booked with Alice Chen"):
        session_save(appointment=appointment, record={"first_step_pain_before": Decimal(6)}, by=other_practitioner)
    assert not TreatmentSession.objects.exists()


def test_a_colleague_still_reads_a_recorded_session_from_its_appointment(other_practitioner_client, signed):
    response = other_practitioner_client.get(start_url(signed.appointment))
    assert response.status_code == 302
    assert response.url == session_url("session", signed)


def test_the_booked_practitioner_writes_the_session(practitioner_client, appointment):
    response = practitioner_client.post(start_url(appointment), session_data())
    assert response.status_code == 302
    assert TreatmentSession.objects.get().practitioner.username == "alice"


# --- reassigning an appointment to a covering practitioner ----------------------------------


def test_anonymous_visitors_and_colleagues_cannot_reassign(
    client, other_practitioner, other_practitioner_client, appointment
):
    url = appointment_url("appointment_reassign", appointment)
    data = {"practitioner": other_practitioner.pk, "reason": "Taking it"}
    assert client.post(url, data).status_code == 302  # to the sign-in page
    assert client.get(url).status_code == 302
    response = other_practitioner_client.post(url, data)
    assert response.status_code == 403
    assert "they, the front desk or a clinic admin can reassign it" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.practitioner.username == "alice"
    assert not AppointmentReassignment.objects.exists()


@pytest.mark.parametrize("who", ["front_desk_client", "clinic_admin_client", "practitioner_client"])
def test_the_desk_an_admin_or_the_booked_practitioner_reassigns(request, who, other_practitioner, appointment):
    client = request.getfixturevalue(who)
    page = client.get(appointment_url("appointment", appointment)).content.decode()
    assert appointment_url("appointment_reassign", appointment) in page
    form = client.get(appointment_url("appointment_reassign", appointment))
    assert form.status_code == 200
    assert_valid_html(form.content)
    response = client.post(
        appointment_url("appointment_reassign", appointment),
        {"practitioner": other_practitioner.pk, "reason": "Alice off sick; Bob covering"},
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.practitioner == other_practitioner
    change = AppointmentReassignment.objects.get()
    assert (change.from_practitioner.username, change.to_practitioner.username, change.reason) == (
        "alice",
        "bob",
        "Alice off sick; Bob covering",
    )


def test_a_reason_is_required(front_desk_client, other_practitioner, appointment):
    response = front_desk_client.post(
        appointment_url("appointment_reassign", appointment), {"practitioner": other_practitioner.pk, "reason": "  "}
    )
    assert response.status_code == 200
    assert "Say why" in response.context["form"].errors["reason"][0]
    appointment.refresh_from_db()
    assert appointment.practitioner.username == "alice"
    assert not AppointmentReassignment.objects.exists()


def test_a_clash_in_the_covering_practitioners_diary_is_refused(
    front_desk_client, other_practitioner, appointment, location
):
    AppointmentFactory(
        patient=PatientFactory(), practitioner=other_practitioner, location=location, starts_at=today_at(10, 15)
    )
    response = front_desk_client.post(
        appointment_url("appointment_reassign", appointment),
        {"practitioner": other_practitioner.pk, "reason": "Alice off sick"},
    )
    assert response.status_code == 200
    assert "is not free then" in response.context["form"].errors["practitioner"][0]
    appointment.refresh_from_db()
    assert appointment.practitioner.username == "alice"
    assert not AppointmentReassignment.objects.exists()


def test_an_appointment_with_a_session_recorded_stays_with_its_practitioner(
    front_desk_client, other_practitioner, draft
):
    response = front_desk_client.post(
        appointment_url("appointment_reassign", draft.appointment),
        {"practitioner": other_practitioner.pk, "reason": "Alice off sick"},
        follow=True,
    )
    assert any("A session is already recorded" in text for text in messages_of(response))
    assert not AppointmentReassignment.objects.exists()


def test_after_reassignment_the_covering_practitioner_writes_the_session_and_the_original_cannot(
    front_desk_client, practitioner_client, other_practitioner_client, other_practitioner, appointment
):
    front_desk_client.post(
        appointment_url("appointment_reassign", appointment),
        {"practitioner": other_practitioner.pk, "reason": "Alice off sick; Bob covering"},
    )
    assert practitioner_client.post(start_url(appointment), session_data()).status_code == 403
    assert not TreatmentSession.objects.exists()

    response = other_practitioner_client.post(start_url(appointment), session_data())
    assert response.status_code == 302
    session = TreatmentSession.objects.get()
    assert session.practitioner == other_practitioner

    record = other_practitioner_client.get(session_url("session", session)).content.decode()
    assert (
        "From Alice Chen, L.Ac. to Bob Reyes, L.Ac. by Fiona Walsh" in record
        and "Alice off sick; Bob covering" in record
    )


def test_the_reassignment_is_visible_on_the_appointment_page(front_desk_client, other_practitioner, appointment):
    front_desk_client.post(
        appointment_url("appointment_reassign", appointment),
        {"practitioner": other_practitioner.pk, "reason": "Alice off sick; Bob covering"},
    )
    response = front_desk_client.get(appointment_url("appointment", appointment))
    assert_valid_html(response.content)
    shown = response.content.decode().split('data-testid="reassignment"')[1]
    assert (
        "From Alice Chen, L.Ac. to Bob Reyes, L.Ac. by Fiona Walsh" in shown and "Alice off sick; Bob covering" in shown
    )


def test_a_colleague_cannot_change_a_plans_content_and_is_told_whose_it_is(other_practitioner_client, practitioner):
    plan = TreatmentPlanFactory(practitioner=practitioner, goal="Walk the dog without pain")
    url = reverse("treatments:plan_edit", kwargs={"plan_id": plan.public_id})
    for response in (other_practitioner_client.get(url), other_practitioner_client.post(url, {"goal": "Changed"})):
        assert response.status_code == 403
        assert "only they change its content" in response.content.decode()
    plan.refresh_from_db()
    assert plan.goal == "Walk the dog without pain"


def test_the_plans_own_practitioner_still_edits_it(practitioner_client, practitioner):
    plan = TreatmentPlanFactory(practitioner=practitioner)
    assert (
        practitioner_client.get(reverse("treatments:plan_edit", kwargs={"plan_id": plan.public_id})).status_code == 200
    )
