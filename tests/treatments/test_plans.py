"""Treatment plans: practitioners write them, everyone on staff sees the schedule side of them."""

import datetime as dt
import uuid

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from patients.models import Diagnosis
from tests.factories import (
    AppointmentFactory,
    ConsentFactory,
    DiagnosisFactory,
    FrontDeskFactory,
    PatientFactory,
    TreatmentPlanFactory,
)
from tests.html import assert_valid_html
from treatments.models import Appointment, TreatmentPlan, local_datetime

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(practitioner):
    patient = PatientFactory(given_name="Maria", family_name="Lopez")
    ConsentFactory(patient=patient, recorded_by=practitioner)
    return patient


@pytest.fixture
def fasciitis(patient, practitioner):
    return DiagnosisFactory(patient=patient, recorded_by=practitioner)


@pytest.fixture
def plan(patient, practitioner, fasciitis):
    plan = TreatmentPlanFactory(
        patient=patient, practitioner=practitioner, goal="Walk the dog without heel pain", co_treatments=""
    )
    plan.diagnoses.add(fasciitis)
    return plan


def create_url(patient):
    return reverse("treatments:plan_create", kwargs={"public_id": patient.public_id})


def valid_plan_data(practitioner, *diagnoses, **changes):
    data = {
        "practitioner": practitioner.pk,
        "diagnoses": [d.pk for d in diagnoses],
        "approach": TreatmentPlan.Approach.ACUPUNCTURE_PT,
        "co_treatments": "",
        "goal": "First-step pain below 3",
        "sessions_planned": 10,
        "frequency": TreatmentPlan.Frequency.TWICE_WEEKLY,
        "twice_weekly_weeks": "",
        "first_session_minutes": 60,
        "session_minutes": 45,
        "status": TreatmentPlan.Status.ACTIVE,
    }
    data.update(changes)
    return data


def soon(days=3, at=dt.time(10, 0)):
    return local_datetime(timezone.localdate() + dt.timedelta(days=days), at)


# --- creating a plan -----------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, patient):
    response = client.get(create_url(patient))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_front_desk_and_clinic_admin_cannot_write_a_plan(
    front_desk_client, clinic_admin_client, patient, practitioner
):
    for client in (front_desk_client, clinic_admin_client):
        assert client.get(create_url(patient)).status_code == 403
        assert client.post(create_url(patient), valid_plan_data(practitioner)).status_code == 403
    assert not TreatmentPlan.objects.exists()


def test_an_unknown_patient_is_not_found(practitioner_client):
    url = reverse("treatments:plan_create", kwargs={"public_id": uuid.uuid4()})
    assert practitioner_client.get(url).status_code == 404


def test_the_form_offers_only_this_patients_active_diagnoses(practitioner_client, patient, practitioner, fasciitis):
    DiagnosisFactory(patient=patient, code="G62.9", side="both", status=Diagnosis.Status.RESOLVED)
    DiagnosisFactory(code="R20.2", side="both")  # someone else's

    response = practitioner_client.get(create_url(patient))

    assert response.status_code == 200
    assert_valid_html(response.content)
    assert list(response.context["form"].fields["diagnoses"].queryset) == [fasciitis]
    assert response.context["form"]["practitioner"].value() == practitioner.pk
    assert b"Plantar fasciitis" in response.content
    assert b"Polyneuropathy" not in response.content


def test_a_practitioner_creates_a_plan_and_lands_on_its_page(practitioner_client, patient, practitioner, fasciitis):
    response = practitioner_client.post(create_url(patient), valid_plan_data(practitioner, fasciitis))

    plan = TreatmentPlan.objects.get()
    assert response.status_code == 302
    assert response.url == plan.get_absolute_url()
    assert plan.patient == patient
    assert plan.created_by == practitioner
    assert plan.status == TreatmentPlan.Status.ACTIVE
    assert list(plan.diagnoses.all()) == [fasciitis]


def test_a_plan_can_name_another_practitioner_as_responsible(
    practitioner_client, patient, practitioner, other_practitioner
):
    practitioner_client.post(create_url(patient), valid_plan_data(other_practitioner))
    plan = TreatmentPlan.objects.get()
    assert plan.practitioner == other_practitioner
    assert plan.created_by == practitioner


@pytest.mark.parametrize("sessions", [7, 13])
def test_a_plan_of_7_or_13_sessions_is_refused_at_the_field(practitioner_client, patient, practitioner, sessions):
    response = practitioner_client.post(create_url(patient), valid_plan_data(practitioner, sessions_planned=sessions))

    assert response.status_code == 200
    assert_valid_html(response.content)
    assert response.context["form"].errors["sessions_planned"] == ["A course is 8 to 12 sessions."]
    assert b"Nothing was saved" in response.content
    assert not TreatmentPlan.objects.exists()


@pytest.mark.parametrize("sessions", [7, 13])
def test_the_database_itself_refuses_a_plan_of_7_or_13_sessions(patient, practitioner, sessions):
    with pytest.raises(IntegrityError), transaction.atomic():
        TreatmentPlanFactory(patient=patient, practitioner=practitioner, sessions_planned=sessions)


@pytest.mark.parametrize(
    "case",
    [
        ({"approach": "other", "co_treatments": "  "}, "co_treatments", "Name the co-treatment"),
        ({"frequency": "twice_then_weekly"}, "twice_weekly_weeks", "for how many weeks"),
        (
            {"frequency": "twice_then_weekly", "twice_weekly_weeks": 4, "sessions_planned": 8},
            "twice_weekly_weeks",
            "leaving no weekly ones",
        ),
        ({"frequency": "weekly", "twice_weekly_weeks": 2}, "twice_weekly_weeks", "Leave this empty"),
        ({"sessions_planned": "ten"}, "sessions_planned", "whole number"),
        ({"status": "completed"}, "status", "valid choice"),
        ({"session_minutes": 5}, "session_minutes", "greater than or equal to 15"),
    ],
)
def test_inconsistent_plans_are_refused_with_a_message_at_the_field(practitioner_client, patient, practitioner, case):
    changes, field, message = case
    response = practitioner_client.post(create_url(patient), valid_plan_data(practitioner, **changes))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not TreatmentPlan.objects.exists()


def test_twice_then_weekly_with_room_for_weekly_sessions_is_accepted(practitioner_client, patient, practitioner):
    data = valid_plan_data(
        practitioner,
        frequency="twice_then_weekly",
        twice_weekly_weeks=3,
        sessions_planned=8,
        approach="other",
        co_treatments="Night splint",
    )
    assert practitioner_client.post(create_url(patient), data).status_code == 302
    plan = TreatmentPlan.objects.get()
    assert (plan.twice_weekly_weeks, plan.co_treatments) == (3, "Night splint")


def test_only_practitioners_and_only_this_patients_diagnoses_can_be_chosen(practitioner_client, patient, practitioner):
    clerk = FrontDeskFactory()
    strangers_diagnosis = DiagnosisFactory()
    response = practitioner_client.post(create_url(patient), valid_plan_data(clerk, strangers_diagnosis))
    errors = response.context["form"].errors
    assert "practitioner" in errors
    assert "diagnoses" in errors
    assert not TreatmentPlan.objects.exists()


@pytest.mark.parametrize("consent", ["none", "withdrawn"])
def test_a_patient_without_consent_in_force_cannot_get_a_plan(practitioner_client, practitioner, consent):
    patient = PatientFactory()
    if consent == "withdrawn":
        ConsentFactory(patient=patient).withdraw(on=timezone.localdate(), reason="Changed mind", by=practitioner)

    page = practitioner_client.get(create_url(patient))
    response = practitioner_client.post(create_url(patient), valid_plan_data(practitioner))

    assert page.status_code == response.status_code == 200
    assert_valid_html(page.content)
    assert b"no consent to acupuncture" in page.content
    assert patient.get_absolute_url().encode() in page.content
    assert b"Save the plan" not in page.content
    assert not TreatmentPlan.objects.exists()


# --- the plan page -------------------------------------------------------------


def test_anonymous_visitors_cannot_see_a_plan(client, plan):
    assert client.get(plan.get_absolute_url()).status_code == 302


def test_staff_without_a_role_cannot_see_a_plan(client_for, plan):
    from tests.factories import UserFactory

    assert client_for(UserFactory()).get(plan.get_absolute_url()).status_code == 403


def test_an_unknown_plan_is_not_found(practitioner_client):
    assert practitioner_client.get(reverse("treatments:plan", kwargs={"plan_id": uuid.uuid4()})).status_code == 404


def test_the_front_desk_sees_the_schedule_but_not_the_clinical_content(front_desk_client, plan):
    plan.approach = TreatmentPlan.Approach.OTHER
    plan.co_treatments = "Custom orthotics"
    plan.save()

    response = front_desk_client.get(plan.get_absolute_url())

    assert response.status_code == 200
    assert_valid_html(response.content)
    content = response.content.decode()
    for hidden in ("Walk the dog", "Plantar fasciitis", "Custom orthotics", "Acupuncture with another"):
        assert hidden not in content
    for shown in ("Maria Lopez", "Alice Chen", "Twice a week", "First 60 min, then 45 min", "Book the course"):
        assert shown in content
    assert "Edit plan" not in content


def test_clinicians_see_the_clinical_content(practitioner_client, clinic_admin_client, plan):
    for client in (practitioner_client, clinic_admin_client):
        content = client.get(plan.get_absolute_url()).content.decode()
        assert "Walk the dog without heel pain" in content
        assert "Plantar fasciitis" in content
        assert "Acupuncture with physical therapy" in content or "Acupuncture alone" in content


def test_only_practitioners_get_edit_and_status_actions(practitioner_client, clinic_admin_client, plan):
    assert "Edit plan" in practitioner_client.get(plan.get_absolute_url()).content.decode()
    assert "Discontinue" in practitioner_client.get(plan.get_absolute_url()).content.decode()
    assert "Edit plan" not in clinic_admin_client.get(plan.get_absolute_url()).content.decode()


def test_the_plan_page_numbers_sessions_in_clinic_time_and_offers_re_booking(front_desk_client, plan, location):
    first = AppointmentFactory(
        plan=plan,
        patient=plan.patient,
        practitioner=plan.practitioner,
        location=location,
        starts_at=soon(2, dt.time(9, 0)),
    )
    missed = AppointmentFactory(
        plan=plan,
        patient=plan.patient,
        practitioner=plan.practitioner,
        location=location,
        starts_at=soon(4, dt.time(9, 0)),
        status=Appointment.Status.NO_SHOW,
    )
    AppointmentFactory(
        plan=plan,
        patient=plan.patient,
        practitioner=plan.practitioner,
        location=location,
        starts_at=soon(6, dt.time(16, 30)),
    )

    response = front_desk_client.get(plan.get_absolute_url())
    content = response.content.decode()

    assert "Session 1 of 10" in content
    assert "Session 2 of 10" in content
    assert "Session 3 of 10" not in content
    assert "16:30" in content  # wall-clock time, not UTC
    assert "2 of 10" in content
    assert "Re-book" in content
    assert reverse("treatments:appointment", args=[first.pk]) in content
    assert reverse("treatments:appointment", args=[missed.pk]) not in content


def test_a_draft_plan_cannot_be_booked_from_its_page(front_desk_client, plan):
    plan.status = TreatmentPlan.Status.DRAFT
    plan.save()
    content = front_desk_client.get(plan.get_absolute_url()).content.decode()
    assert "Book the course" not in content
    assert "draft" in content


def test_a_plan_whose_patient_has_no_consent_says_so_instead_of_offering_booking(front_desk_client, practitioner):
    plan = TreatmentPlanFactory(practitioner=practitioner)
    content = front_desk_client.get(plan.get_absolute_url()).content.decode()
    assert "Book the course" not in content
    assert "no consent" in content


@pytest.mark.parametrize("client_name", ["front_desk_client", "practitioner_client"])
def test_the_plan_page_runs_the_same_queries_with_1_and_12_appointments(
    request, django_assert_num_queries, plan, location, client_name
):
    client = request.getfixturevalue(client_name)

    def book(day):
        AppointmentFactory(
            plan=plan,
            patient=plan.patient,
            practitioner=plan.practitioner,
            location=location,
            starts_at=soon(day, dt.time(9, 0)),
        )

    book(1)
    client.get(plan.get_absolute_url())  # warm the session and role caches equally for both runs
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(plan.get_absolute_url()).status_code == 200
    for day in range(2, 13):
        book(day)
    with django_assert_num_queries(len(one)):
        response = client.get(plan.get_absolute_url())
    assert response.content.decode().count('data-testid="session-row"') == 12


# --- editing a plan ------------------------------------------------------------


def edit_url(plan):
    return reverse("treatments:plan_edit", kwargs={"plan_id": plan.public_id})


def test_a_front_desk_clerk_cannot_change_a_plans_clinical_content(front_desk_client, clinic_admin_client, plan):
    data = valid_plan_data(plan.practitioner, goal="Changed by the desk", sessions_planned=12)
    versions = plan.history.count()
    for client in (front_desk_client, clinic_admin_client):
        assert client.get(edit_url(plan)).status_code == 403
        assert client.post(edit_url(plan), data).status_code == 403
    plan.refresh_from_db()
    assert (plan.goal, plan.sessions_planned) == ("Walk the dog without heel pain", 10)
    assert plan.history.count() == versions


def test_a_practitioner_edits_a_plan(practitioner_client, plan, fasciitis):
    data = valid_plan_data(plan.practitioner, fasciitis, goal="Run 5 km", sessions_planned=12)
    del data["status"]
    response = practitioner_client.post(edit_url(plan), data)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.goal, plan.sessions_planned, plan.status) == ("Run 5 km", 12, TreatmentPlan.Status.ACTIVE)


def test_the_edit_form_keeps_a_resolved_diagnosis_the_plan_already_treats(practitioner_client, plan, fasciitis):
    fasciitis.status = Diagnosis.Status.RESOLVED
    fasciitis.save()
    response = practitioner_client.get(edit_url(plan))
    assert_valid_html(response.content)
    assert fasciitis in response.context["form"].fields["diagnoses"].queryset
    assert "status" not in response.context["form"].fields


def test_sessions_cannot_be_set_below_the_number_already_booked(practitioner_client, plan, location):
    for day in range(1, 10):
        AppointmentFactory(
            plan=plan, patient=plan.patient, practitioner=plan.practitioner, location=location, starts_at=soon(day)
        )
    data = valid_plan_data(plan.practitioner, sessions_planned=8)
    response = practitioner_client.post(edit_url(plan), data)
    assert response.status_code == 200
    assert "9 sessions are already booked" in " ".join(response.context["form"].errors["sessions_planned"])
    plan.refresh_from_db()
    assert plan.sessions_planned == 10


def test_a_finished_plan_is_not_edited(practitioner_client, plan):
    plan.status = TreatmentPlan.Status.COMPLETED
    plan.save()
    response = practitioner_client.post(
        edit_url(plan), valid_plan_data(plan.practitioner, goal="Later edit"), follow=True
    )
    assert "stays as it was" in response.content.decode()
    plan.refresh_from_db()
    assert plan.goal == "Walk the dog without heel pain"


# --- status --------------------------------------------------------------------


def status_url(plan, action=None):
    url = reverse("treatments:plan_status", kwargs={"plan_id": plan.public_id})
    return f"{url}?action={action}" if action else url


def test_a_draft_with_consent_is_activated(practitioner_client, plan):
    plan.status = TreatmentPlan.Status.DRAFT
    plan.save()
    response = practitioner_client.post(status_url(plan), {"action": "activate"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == TreatmentPlan.Status.ACTIVE


def test_a_draft_without_consent_stays_a_draft(practitioner_client, practitioner):
    plan = TreatmentPlanFactory(practitioner=practitioner, status=TreatmentPlan.Status.DRAFT)
    response = practitioner_client.post(status_url(plan), {"action": "activate"}, follow=True)
    assert "no consent to acupuncture" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == TreatmentPlan.Status.DRAFT


def test_an_active_plan_is_completed(practitioner_client, plan):
    page = practitioner_client.get(status_url(plan, "complete"))
    assert page.status_code == 200
    assert_valid_html(page.content)
    practitioner_client.post(status_url(plan), {"action": "complete"})
    plan.refresh_from_db()
    assert plan.status == TreatmentPlan.Status.COMPLETED


def test_discontinuing_asks_for_a_reason_first(practitioner_client, plan):
    AppointmentFactory(plan=plan, patient=plan.patient, practitioner=plan.practitioner, starts_at=soon())
    page = practitioner_client.get(status_url(plan, "discontinue"))
    assert page.status_code == 200
    assert_valid_html(page.content)
    assert "Why is the course stopping?" in page.content.decode()
    assert "1 session of this plan is still booked" in page.content.decode()
    assert not page.context["form"].errors

    refused = practitioner_client.post(status_url(plan), {"action": "discontinue", "reason": "  "})
    assert refused.status_code == 200
    assert refused.context["form"].errors["reason"] == ["Give a reason for stopping the course."]
    plan.refresh_from_db()
    assert plan.status == TreatmentPlan.Status.ACTIVE

    practitioner_client.post(status_url(plan), {"action": "discontinue", "reason": "Moved abroad"})
    plan.refresh_from_db()
    assert (plan.status, plan.discontinued_reason) == (TreatmentPlan.Status.DISCONTINUED, "Moved abroad")


@pytest.mark.parametrize(
    ("status", "action"),
    [("completed", "activate"), ("draft", "complete"), ("completed", "discontinue"), ("active", "explode")],
)
def test_impossible_status_changes_are_explained_and_change_nothing(practitioner_client, plan, status, action):
    plan.status = status
    plan.discontinued_reason = ""
    plan.save()
    for response in (
        practitioner_client.get(status_url(plan, action), follow=True),
        practitioner_client.post(status_url(plan), {"action": action, "reason": "x"}, follow=True),
    ):
        assert response.status_code == 200
        assert response.redirect_chain[-1][0] == plan.get_absolute_url()
        assert "alert-danger" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == status


# --- the plan's own status moves ------------------------------------------------------


S = TreatmentPlan.Status


@pytest.mark.parametrize(
    ("status", "moves"),
    [
        (S.DRAFT, (S.ACTIVE, S.DISCONTINUED)),
        (S.ACTIVE, (S.COMPLETED, S.DISCONTINUED)),
        (S.COMPLETED, ()),
        (S.DISCONTINUED, ()),
    ],
)
def test_a_plan_moves_forward_only_and_a_finished_plan_stays_as_it_was(status, moves):
    plan = TreatmentPlan(status=status)
    assert plan.allowed_status_moves() == moves
    assert plan.is_finished is (not moves)


def test_a_draft_is_activated_only_with_consent_in_force(practitioner):
    plan = TreatmentPlanFactory(practitioner=practitioner, status=S.DRAFT)
    assert "no consent to acupuncture in force" in plan.status_move_refusal(S.ACTIVE)
    assert plan.status_move_refusal(S.DISCONTINUED) is None
    ConsentFactory(patient=plan.patient)
    assert plan.status_move_refusal(S.ACTIVE) is None


def test_a_move_the_plan_refuses_changes_nothing(plan, practitioner):
    plan.move_to(S.COMPLETED, by=practitioner)
    with pytest.raises(ValueError, match="A completed plan cannot be made active"):
        plan.move_to(S.ACTIVE, by=practitioner)
    plan.refresh_from_db()
    assert plan.status == S.COMPLETED


def test_discontinuing_keeps_the_reason_and_the_history_names_who(plan, practitioner):
    with pytest.raises(ValueError, match="Give a reason for stopping the course"):
        plan.move_to(S.DISCONTINUED, reason="  ", by=practitioner)
    plan.move_to(S.DISCONTINUED, reason=" Moved abroad ", by=practitioner)
    plan.refresh_from_db()
    assert (plan.status, plan.discontinued_reason) == (S.DISCONTINUED, "Moved abroad")
    latest = plan.history.first()
    assert (latest.status, latest.history_user) == (S.DISCONTINUED, practitioner)


def test_the_front_desk_cannot_change_a_plans_status(front_desk_client, plan):
    assert front_desk_client.post(status_url(plan), {"action": "complete"}).status_code == 403
    assert front_desk_client.get(status_url(plan, "discontinue")).status_code == 403
    plan.refresh_from_db()
    assert plan.status == TreatmentPlan.Status.ACTIVE


# --- the chart's card --------------------------------------------------------


def test_the_plan_card_lists_plans_with_their_progress(rf, plan, practitioner):
    from django.template.loader import render_to_string

    AppointmentFactory(plan=plan, patient=plan.patient, practitioner=plan.practitioner, starts_at=soon())
    plans = list(TreatmentPlan.objects.filter(patient=plan.patient).select_related("practitioner").with_booked_count())
    html = render_to_string("treatments/_plan_card.html", {"plans": plans, "patient": plan.patient, "can_write": True})
    assert "1 of 10 booked" in html
    assert plan.get_absolute_url() in html
    assert "New treatment plan" in html
    assert "New treatment plan" not in render_to_string(
        "treatments/_plan_card.html", {"plans": [], "patient": plan.patient, "can_write": False}
    )


def test_an_archived_patient_cannot_get_a_plan(practitioner_client, patient, practitioner):
    patient.archive(reason="Moved away")
    response = practitioner_client.post(create_url(patient), valid_plan_data(practitioner))
    assert response.status_code == 200
    assert "archived" in response.content.decode()
    assert not TreatmentPlan.objects.exists()


def test_the_plan_form_suggests_ten_sessions_and_only_draft_or_active(practitioner_client, patient):
    form = practitioner_client.get(create_url(patient)).context["form"]
    assert form["sessions_planned"].value() == 10
    assert [value for value, _ in form.fields["status"].choices] == ["draft", "active"]
