"""One appointment: booking, seeing, moving, cancelling, checking in and recording a no-show."""

import datetime as dt
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from tests.clock import today_at
from tests.factories import (
    AppointmentFactory,
    ConsentFactory,
    PatientFactory,
    TreatmentPlanFactory,
    UserFactory,
    full_week_hours,
)
from tests.html import assert_valid_html
from treatments.models import Appointment, TreatmentPlan, local_datetime

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("treatments:appointment_create")
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, appointment) -> str:
    return reverse(f"treatments:{name}", kwargs={"appointment_id": appointment.pk})


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


@pytest.fixture
def alice(practitioner, location):
    full_week_hours(practitioner, location)
    return practitioner


@pytest.fixture
def patient():
    return PatientFactory(given_name="Maria", family_name="Lopez")


@pytest.fixture
def desk(alice, patient, location, next_monday):
    """The usual setting in one: Alice works weekdays at the main clinic; Maria needs an appointment next Monday."""
    return SimpleNamespace(alice=alice, patient=patient, location=location, next_monday=next_monday)


@pytest.fixture
def booked(alice, patient, location, next_monday):
    return AppointmentFactory(
        practitioner=alice, patient=patient, location=location, starts_at=local_datetime(next_monday, dt.time(10))
    )


@pytest.fixture
def today_booked(alice, patient, location):
    """An appointment later today (or earlier: check-in works all day)."""
    return AppointmentFactory(practitioner=alice, patient=patient, location=location, starts_at=today_at(12))


@pytest.fixture
def started(alice, patient, location):
    """An appointment whose start time has passed, so a no-show can be recorded."""
    return AppointmentFactory(
        practitioner=alice, patient=patient, location=location, starts_at=timezone.now() - dt.timedelta(minutes=20)
    )


def booking_data(alice, location, day, /, *, hour=10, minute=0, **extra):
    data = {
        "practitioner": alice.pk,
        "location": location.pk,
        "kind": Appointment.Kind.REVIEW,
        "date": day.isoformat(),
        "start_time": f"{hour:02d}:{minute:02d}",
        "minutes": "45",
    }
    data.update(extra)
    return data


# --- who may use these pages ---------------------------------------------------------------


PAGES = [
    ("get", "appointment_create"),
    ("get", "appointment"),
    ("get", "appointment_move"),
    ("get", "appointment_cancel"),
    ("post", "appointment_check_in"),
    ("post", "appointment_no_show"),
]


def _page_url(name, appointment):
    return CREATE_URL if name == "appointment_create" else url(name, appointment)


@pytest.mark.parametrize(("method", "name"), PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, booked, method, name):
    response = getattr(client, method)(_page_url(name, booked))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("method", "name"), PAGES)
def test_a_user_without_a_role_is_refused(client_for, booked, method, name):
    response = getattr(client_for(UserFactory()), method)(_page_url(name, booked))
    assert response.status_code == 403
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.BOOKED


@pytest.mark.parametrize("persona", ["front_desk_client", "practitioner_client", "clinic_admin_client"])
@pytest.mark.parametrize("name", ["appointment_create", "appointment", "appointment_move", "appointment_cancel"])
def test_every_staff_role_may_open_the_appointment_pages(request, persona, name, booked):
    response = request.getfixturevalue(persona).get(_page_url(name, booked))
    assert response.status_code == 200
    assert_valid_html(response.content)


@pytest.mark.parametrize("name", ["appointment_check_in", "appointment_no_show"])
def test_actions_refuse_a_get(front_desk_client, booked, name):
    assert front_desk_client.get(url(name, booked)).status_code == 405


def test_an_unknown_appointment_is_not_found(front_desk_client):
    assert (
        front_desk_client.get(reverse("treatments:appointment", kwargs={"appointment_id": 987654})).status_code == 404
    )


# --- booking --------------------------------------------------------------------------------


def test_the_front_desk_books_a_review_by_mrn(front_desk_client, desk, front_desk):
    data = booking_data(desk.alice, desk.location, desk.next_monday, mrn=desk.patient.mrn.lower().replace("-", ""))
    response = front_desk_client.post(CREATE_URL, data, follow=True)

    appointment = Appointment.objects.get()
    assert response.redirect_chain[-1][0] == url("appointment", appointment)
    assert appointment.patient == desk.patient
    assert appointment.booked_by == front_desk
    assert appointment.minutes == 45
    assert timezone.localtime(appointment.starts_at).time() == dt.time(10)
    assert any("Booked review for Maria Lopez" in text for text in messages_of(response))


def test_the_patient_picker_is_a_bounded_mrn_box_not_a_list_of_everyone(front_desk_client, alice):
    PatientFactory.create_batch(3)
    response = front_desk_client.get(CREATE_URL)
    html = response.content.decode()
    assert 'name="mrn"' in html
    assert 'name="patient"' not in html
    assert 'name="plan"' not in html


def test_an_unknown_mrn_is_refused_at_the_field(front_desk_client, alice, location, next_monday):
    response = front_desk_client.post(CREATE_URL, booking_data(alice, location, next_monday, mrn="ZZZ-0000"))
    assert "No patient has the MRN ZZZ-0000" in str(response.context["form"].errors["mrn"])
    assert Appointment.objects.count() == 0
    assert_valid_html(response.content)


def test_a_patient_from_the_chart_is_preselected(front_desk_client, alice, patient, location, next_monday):
    response = front_desk_client.get(CREATE_URL, {"patient": patient.public_id})
    html = response.content.decode()
    assert "Book for Maria Lopez" in html
    assert 'name="mrn"' not in html

    response = front_desk_client.post(
        f"{CREATE_URL}?patient={patient.public_id}", booking_data(alice, location, next_monday)
    )
    assert response.status_code == 302
    assert Appointment.objects.get().patient == patient


@pytest.mark.parametrize("bad", ["not-a-uuid", "12345", "00000000-0000-0000-0000-000000000000"])
def test_a_bad_patient_id_is_not_found_rather_than_an_error(front_desk_client, bad):
    assert front_desk_client.get(CREATE_URL, {"patient": bad}).status_code == 404


def test_an_initial_consultation_takes_60_minutes_unless_told_otherwise(
    front_desk_client, alice, patient, location, next_monday
):
    data = booking_data(alice, location, next_monday, mrn=patient.mrn, kind=Appointment.Kind.INITIAL, minutes="")
    front_desk_client.post(CREATE_URL, data)
    assert Appointment.objects.get().minutes == 60


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        ("0", "at least 15 minutes"),
        ("-45", "at least 15 minutes"),
        ("5", "at least 15 minutes"),
        ("47", "multiple of 5"),
        ("240", "at most 120 minutes"),
        ("forty", "whole number"),
    ],
)
def test_a_zero_negative_or_odd_length_is_refused_at_the_field(front_desk_client, desk, minutes, message):
    data = booking_data(desk.alice, desk.location, desk.next_monday, mrn=desk.patient.mrn, minutes=minutes)
    response = front_desk_client.post(CREATE_URL, data)
    assert message in str(response.context["form"].errors["minutes"])
    assert Appointment.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date", "2031-02-30", "valid date"),
        ("date", "", "required"),
        ("start_time", "25:00", "valid time"),
        ("practitioner", "999999", "Choose one of the practitioners"),
        ("location", "999999", "Choose one of the open locations"),
        ("kind", "surgery", "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_at_its_field(front_desk_client, desk, field, value, message):
    data = booking_data(desk.alice, desk.location, desk.next_monday, mrn=desk.patient.mrn, **{field: value})
    response = front_desk_client.post(CREATE_URL, data)
    assert message in str(response.context["form"].errors[field])
    assert Appointment.objects.count() == 0
    assert_valid_html(response.content)


def test_a_front_desk_clerk_cannot_be_chosen_as_the_practitioner(front_desk_client, desk, front_desk):
    data = booking_data(desk.alice, desk.location, desk.next_monday, mrn=desk.patient.mrn, practitioner=front_desk.pk)
    response = front_desk_client.post(CREATE_URL, data)
    assert "practitioner" in response.context["form"].errors
    assert Appointment.objects.count() == 0


def test_a_booking_in_the_past_is_refused_at_the_start_time(front_desk_client, alice, patient, location):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = front_desk_client.post(CREATE_URL, booking_data(alice, location, yesterday, mrn=patient.mrn))
    assert "already passed" in str(response.context["form"].errors["start_time"])
    assert Appointment.objects.count() == 0


def test_outside_working_hours_is_refused_to_the_front_desk_who_sees_no_override(
    front_desk_client, alice, patient, location, next_monday
):
    response = front_desk_client.post(CREATE_URL, booking_data(alice, location, next_monday, hour=19, mrn=patient.mrn))
    assert "does not work" in str(response.context["form"].errors["start_time"])
    assert 'name="override_reason"' not in response.content.decode()
    assert Appointment.objects.count() == 0


def test_a_clinic_admin_books_outside_hours_only_with_a_reason(
    clinic_admin_client, alice, patient, location, next_monday
):
    data = booking_data(alice, location, next_monday, hour=19, mrn=patient.mrn)
    response = clinic_admin_client.post(CREATE_URL, data)
    assert "give a reason" in str(response.context["form"].errors["override_reason"])
    assert Appointment.objects.count() == 0

    response = clinic_admin_client.post(CREATE_URL, {**data, "override_reason": "Only evening works for her"})
    assert response.status_code == 302
    assert Appointment.objects.get().override_reason == "Only evening works for her"


def test_an_archived_patient_is_refused_with_a_message_at_the_top(
    front_desk_client, alice, patient, location, next_monday
):
    patient.archive(reason="Moved away")
    response = front_desk_client.post(CREATE_URL, booking_data(alice, location, next_monday, mrn=patient.mrn))
    assert "archived" in str(response.context["form"].non_field_errors())
    assert Appointment.objects.count() == 0


def test_a_clash_names_what_is_in_the_way_and_offers_free_times_that_refill_the_form(
    front_desk_client, booked, alice, location, next_monday
):
    newcomer = PatientFactory()
    data = booking_data(alice, location, next_monday, hour=10, minute=15, mrn=newcomer.mrn)

    response = front_desk_client.post(CREATE_URL, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "overlaps the practitioner&#x27;s treatment session at 10:00–10:45" in html
    alternatives = response.context["alternatives"]
    assert len(alternatives) == 3
    first = parse_qs(urlsplit(alternatives[0]["url"]).query)
    assert first["time"] == ["10:45"]
    assert first["date"] == [next_monday.isoformat()]
    assert first["patient"] == [str(newcomer.public_id)]
    assert newcomer.mrn not in alternatives[0]["url"]
    assert Appointment.objects.count() == 1
    assert_valid_html(response.content)

    refilled = front_desk_client.get(alternatives[0]["url"]).content.decode()
    assert 'value="10:45"' in refilled
    assert f'value="{next_monday.isoformat()}"' in refilled


def test_next_free_slot_links_prefill_the_booking_form(front_desk_client, alice, location, next_monday):
    query = {"practitioner": alice.pk, "location": location.pk, "date": next_monday.isoformat(), "time": "14:15"}
    html = front_desk_client.get(CREATE_URL, {**query, "minutes": 30}).content.decode()
    assert 'value="14:15"' in html
    assert 'value="30"' in html
    assert f'<option value="{alice.pk}" selected>' in html


def test_nonsense_prefill_values_are_ignored_not_an_error(front_desk_client, alice):
    response = front_desk_client.get(CREATE_URL, {"practitioner": "x", "date": "soon", "minutes": "-5", "plan": "?"})
    assert response.status_code == 200
    assert_valid_html(response.content)


# --- booking a plan session ---------------------------------------------------------------------


@pytest.fixture
def plan(alice, patient):
    ConsentFactory(patient=patient)
    return TreatmentPlanFactory(patient=patient, practitioner=alice, sessions_planned=8)


@pytest.fixture
def plan_session(desk, plan):
    """Session 1 of Maria's plan, next Monday at 09:00."""
    return AppointmentFactory(
        plan=plan,
        patient=desk.patient,
        practitioner=desk.alice,
        location=desk.location,
        starts_at=local_datetime(desk.next_monday, dt.time(9)),
    )


def test_only_the_patients_active_plans_are_offered(front_desk_client, plan, patient, alice):
    TreatmentPlanFactory(patient=patient, practitioner=alice, status=TreatmentPlan.Status.DRAFT)
    TreatmentPlanFactory(practitioner=alice)
    response = front_desk_client.get(CREATE_URL, {"patient": patient.public_id})
    assert list(response.context["form"].fields["plan"].queryset) == [plan]


def test_a_session_booked_on_a_plan_counts_towards_it(front_desk_client, desk, plan):
    data = booking_data(desk.alice, desk.location, desk.next_monday, plan=plan.pk, kind=Appointment.Kind.TREATMENT)
    front_desk_client.post(f"{CREATE_URL}?patient={desk.patient.public_id}", data)
    assert TreatmentPlan.objects.with_booked_count().get(pk=plan.pk).sessions_booked == 1
    appointment = Appointment.objects.with_session_number().get()
    assert appointment.session_number == 1
    html = front_desk_client.get(url("appointment", appointment)).content.decode()
    assert "Session 1 of 8" in html


def test_a_plan_cannot_get_more_sessions_than_it_has(front_desk_client, desk, plan):
    for week in range(8):
        AppointmentFactory(
            plan=plan,
            patient=desk.patient,
            practitioner=desk.alice,
            location=desk.location,
            starts_at=local_datetime(desk.next_monday + dt.timedelta(days=7 * week), dt.time(9)),
        )
    data = booking_data(
        desk.alice, desk.location, desk.next_monday, hour=14, plan=plan.pk, kind=Appointment.Kind.TREATMENT
    )
    response = front_desk_client.post(f"{CREATE_URL}?patient={desk.patient.public_id}", data)
    assert "All 8 sessions" in str(response.context["form"].errors["plan"])
    assert plan.appointments.count() == 8


def test_a_plan_session_for_a_patient_without_consent_is_refused(front_desk_client, alice, location, next_monday):
    patient = PatientFactory()
    plan = TreatmentPlanFactory(patient=patient, practitioner=alice)
    data = booking_data(alice, location, next_monday, plan=plan.pk, kind=Appointment.Kind.TREATMENT)
    response = front_desk_client.post(f"{CREATE_URL}?patient={patient.public_id}", data)
    assert "no consent" in str(response.context["form"].non_field_errors())
    assert Appointment.objects.count() == 0


def test_a_plan_session_must_be_a_consultation_or_treatment(front_desk_client, desk, plan):
    data = booking_data(desk.alice, desk.location, desk.next_monday, plan=plan.pk, kind=Appointment.Kind.FOLLOW_UP)
    response = front_desk_client.post(f"{CREATE_URL}?patient={desk.patient.public_id}", data)
    assert "kind" in response.context["form"].errors
    assert Appointment.objects.count() == 0


def test_another_patients_plan_cannot_be_smuggled_in(front_desk_client, alice, patient, location, next_monday):
    stranger_plan = TreatmentPlanFactory(practitioner=alice)
    data = booking_data(alice, location, next_monday, plan=stranger_plan.pk, kind=Appointment.Kind.TREATMENT)
    response = front_desk_client.post(f"{CREATE_URL}?patient={patient.public_id}", data)
    assert "Choose one of this patient" in str(response.context["form"].errors["plan"])
    assert Appointment.objects.count() == 0


# --- the detail page ----------------------------------------------------------------------------


def test_the_detail_page_shows_the_appointment_and_its_history(front_desk_client, booked):
    booked.cancel(by=Appointment.CancelledBy.CLINIC, reason="Practitioner unwell")
    response = front_desk_client.get(url("appointment", booked))
    html = response.content.decode()
    assert "Maria Lopez" in html
    assert booked.patient.mrn in html
    assert "Booked for" in html
    assert "Cancelled by the clinic: Practitioner unwell" in html
    assert "Nothing more to do" in html
    assert_valid_html(response.content)


def test_the_detail_page_never_shows_clinical_content(front_desk_client, booked, plan):
    booked.plan = plan
    booked.save(update_fields=["plan"])
    html = front_desk_client.get(url("appointment", booked)).content.decode()
    assert plan.goal not in html


def test_an_htmx_request_for_the_detail_gets_just_the_card(front_desk_client, booked):
    response = front_desk_client.get(url("appointment", booked), {"next": "/treatments/day/"}, **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith("<article")
    assert "<html" not in html


# --- moving ---------------------------------------------------------------------------------


def test_an_appointment_moves_to_a_free_time(front_desk_client, booked, next_monday):
    response = front_desk_client.post(
        url("appointment_move", booked), {"date": next_monday.isoformat(), "start_time": "15:00", "minutes": "30"}
    )
    assert response.status_code == 302
    booked.refresh_from_db()
    assert timezone.localtime(booked.starts_at).time() == dt.time(15)
    assert booked.minutes == 30


def test_a_reschedule_onto_an_occupied_slot_shows_the_clash_and_changes_nothing(
    front_desk_client, booked, alice, location, next_monday
):
    other = AppointmentFactory(
        practitioner=alice, location=location, starts_at=local_datetime(next_monday, dt.time(14))
    )

    response = front_desk_client.post(
        url("appointment_move", booked), {"date": next_monday.isoformat(), "start_time": "14:30", "minutes": "45"}
    )

    assert response.status_code == 200
    assert response.context["conflict"].blocking == other
    assert response.context["alternatives"]
    query = parse_qs(urlsplit(response.context["alternatives"][0]["url"]).query)
    assert query["time"] == ["14:45"]
    assert "Now " in response.content.decode()
    booked.refresh_from_db()
    assert timezone.localtime(booked.starts_at).time() == dt.time(10)
    assert_valid_html(response.content)


def test_moving_keeps_a_plan_sessions_place(front_desk_client, desk, plan, plan_session):
    front_desk_client.post(
        url("appointment_move", plan_session),
        {"date": desk.next_monday.isoformat(), "start_time": "11:00", "minutes": "45"},
    )
    assert TreatmentPlan.objects.with_booked_count().get(pk=plan.pk).sessions_booked == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"date": "", "start_time": "10:00", "minutes": "45"}, "date"),
        ({"date": "2031-01-01", "start_time": "noon", "minutes": "45"}, "start_time"),
        ({"date": "2031-01-01", "start_time": "10:00", "minutes": "0"}, "minutes"),
        ({"date": "2031-01-01", "start_time": "10:00", "minutes": ""}, "minutes"),
    ],
)
def test_a_move_with_bad_input_is_refused_at_the_field(front_desk_client, booked, data, field):
    response = front_desk_client.post(url("appointment_move", booked), data)
    assert field in response.context["form"].errors
    booked.refresh_from_db()
    assert timezone.localtime(booked.starts_at).time() == dt.time(10)


def test_only_a_booked_appointment_can_be_moved(front_desk_client, booked, next_monday):
    booked.cancel(by=Appointment.CancelledBy.PATIENT, reason="Away")
    response = front_desk_client.post(
        url("appointment_move", booked),
        {"date": next_monday.isoformat(), "start_time": "15:00", "minutes": "45"},
        follow=True,
    )
    assert any("Only a booked appointment can be moved" in text for text in messages_of(response))
    booked.refresh_from_db()
    assert timezone.localtime(booked.starts_at).time() == dt.time(10)


# --- cancelling ----------------------------------------------------------------------------------


def test_the_cancel_page_asks_who_and_why(front_desk_client, booked):
    response = front_desk_client.get(url("appointment_cancel", booked))
    html = response.content.decode()
    assert "Who is cancelling?" in html
    assert 'name="reason"' in html
    assert 'data-testid="late-notice"' not in html
    assert_valid_html(response.content)


def test_the_cancel_page_warns_when_it_would_be_a_late_cancellation(front_desk_client):
    soon = AppointmentFactory(starts_at=timezone.now() + dt.timedelta(hours=3))
    html = front_desk_client.get(url("appointment_cancel", soon)).content.decode()
    assert "Less than 24 hours" in html


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"reason": "Flu"}, "cancelled_by"),
        ({"cancelled_by": "patient"}, "reason"),
        ({"cancelled_by": "patient", "reason": "   "}, "reason"),
        ({"cancelled_by": "patient", "reason": "x" * 201}, "reason"),
        ({"cancelled_by": "the dog", "reason": "Flu"}, "cancelled_by"),
    ],
)
def test_a_cancellation_needs_who_and_a_short_reason(front_desk_client, booked, data, field):
    response = front_desk_client.post(url("appointment_cancel", booked), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.BOOKED
    assert_valid_html(response.content)


def test_a_plain_cancellation_records_who_and_why_and_returns_to_next(front_desk_client, booked):
    next_url = f"{reverse('treatments:day')}?date=2031-03-12"
    response = front_desk_client.post(
        url("appointment_cancel", booked), {"cancelled_by": "patient", "reason": "Flu", "next": next_url}
    )
    assert response.status_code == 302
    assert response.url == next_url
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.CANCELLED
    assert booked.cancelled_by == "patient"
    assert booked.cancel_reason == "Flu"
    assert not booked.late_cancellation


def test_an_htmx_cancellation_opens_inline_and_answers_with_the_updated_card(front_desk_client, booked):
    form = front_desk_client.get(url("appointment_cancel", booked), {"next": "/treatments/day/"}, **HTMX)
    html = form.content.decode()
    assert html.lstrip().startswith("<article")
    assert f'id="cancel-{booked.pk}-reason"' in html

    invalid = front_desk_client.post(url("appointment_cancel", booked), {"cancelled_by": "clinic"}, **HTMX)
    assert invalid.status_code == 200
    assert "Give a short reason" in invalid.content.decode()

    done = front_desk_client.post(
        url("appointment_cancel", booked), {"cancelled_by": "clinic", "reason": "Closure", "next": "/x/"}, **HTMX
    )
    html = done.content.decode()
    assert html.lstrip().startswith("<article")
    assert "Cancelled by the clinic: Closure" in html
    assert "Check in" not in html
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.CANCELLED


def test_a_late_patient_cancellation_is_flagged_on_the_card(front_desk_client, alice, location):
    soon = AppointmentFactory(practitioner=alice, location=location, starts_at=timezone.now() + dt.timedelta(hours=2))
    response = front_desk_client.post(
        url("appointment_cancel", soon), {"cancelled_by": "patient", "reason": "Forgot"}, **HTMX
    )
    assert "Late cancellation" in response.content.decode()
    soon.refresh_from_db()
    assert soon.late_cancellation


def test_cancelling_frees_the_slot_for_a_new_booking(front_desk_client, booked, alice, location, next_monday):
    front_desk_client.post(url("appointment_cancel", booked), {"cancelled_by": "patient", "reason": "Away"})
    newcomer = PatientFactory()
    response = front_desk_client.post(CREATE_URL, booking_data(alice, location, next_monday, mrn=newcomer.mrn))
    assert response.status_code == 302
    assert Appointment.objects.live().get().patient == newcomer


def test_a_cancelled_plan_session_can_be_booked_again_and_counts_once(front_desk_client, desk, plan, plan_session):
    front_desk_client.post(url("appointment_cancel", plan_session), {"cancelled_by": "clinic", "reason": "Ill"})
    data = booking_data(
        desk.alice, desk.location, desk.next_monday, hour=9, plan=plan.pk, kind=Appointment.Kind.TREATMENT
    )
    response = front_desk_client.post(f"{CREATE_URL}?patient={desk.patient.public_id}", data)
    assert response.status_code == 302
    assert TreatmentPlan.objects.with_booked_count().get(pk=plan.pk).sessions_booked == 1


def test_an_already_cancelled_appointment_cannot_be_cancelled_again(front_desk_client, booked):
    booked.cancel(by=Appointment.CancelledBy.PATIENT, reason="Away")
    response = front_desk_client.post(
        url("appointment_cancel", booked), {"cancelled_by": "clinic", "reason": "Again"}, follow=True
    )
    assert any("already cancelled" in text for text in messages_of(response))
    booked.refresh_from_db()
    assert booked.cancelled_by == "patient"


# --- checking in and no-shows --------------------------------------------------------------------


def test_a_plain_check_in_redirects_back_to_the_day_sheet(front_desk_client, today_booked):
    next_url = f"{reverse('treatments:day')}?date={timezone.localdate()}"
    response = front_desk_client.post(url("appointment_check_in", today_booked), {"next": next_url}, follow=True)
    assert response.redirect_chain == [(next_url, 302)]
    assert any("Maria Lopez is checked in" in text for text in messages_of(response))
    today_booked.refresh_from_db()
    assert today_booked.status == Appointment.Status.CHECKED_IN
    assert today_booked.checked_in_at is not None


def test_an_htmx_check_in_answers_with_the_updated_card(front_desk_client, today_booked):
    response = front_desk_client.post(url("appointment_check_in", today_booked), {"next": "/treatments/day/"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<article")
    assert 'data-testid="status">Checked in<' in html
    assert 'role="status">Maria Lopez is checked in.' in html
    assert "Check in<" not in html
    today_booked.refresh_from_db()
    assert today_booked.status == Appointment.Status.CHECKED_IN


@pytest.mark.parametrize("evil", ["https://evil.example/phish", "//evil.example/", "javascript:alert(1)"])
def test_an_outside_next_is_ignored(front_desk_client, today_booked, evil):
    response = front_desk_client.post(url("appointment_check_in", today_booked), {"next": evil})
    assert response.url == url("appointment", today_booked)


def test_a_patient_cannot_be_checked_in_on_another_day(front_desk_client, booked):
    response = front_desk_client.post(url("appointment_check_in", booked), follow=True)
    assert any("only on the day" in text for text in messages_of(response))
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.BOOKED


def test_checking_in_twice_changes_nothing_and_says_why(front_desk_client, today_booked):
    front_desk_client.post(url("appointment_check_in", today_booked))
    today_booked.refresh_from_db()
    first_time = today_booked.checked_in_at
    response = front_desk_client.post(url("appointment_check_in", today_booked), **HTMX)
    assert response.status_code == 200
    assert "already checked in" in response.content.decode()
    today_booked.refresh_from_db()
    assert today_booked.checked_in_at == first_time


def test_a_cancelled_appointment_cannot_be_checked_in(front_desk_client, today_booked):
    today_booked.cancel(by=Appointment.CancelledBy.CLINIC, reason="Closure")
    front_desk_client.post(url("appointment_check_in", today_booked))
    today_booked.refresh_from_db()
    assert today_booked.status == Appointment.Status.CANCELLED


def test_a_no_show_is_recorded_once_the_start_time_has_passed(front_desk_client, started):
    response = front_desk_client.post(url("appointment_no_show", started), {"next": "/treatments/day/"})
    assert response.url == "/treatments/day/"
    started.refresh_from_db()
    assert started.status == Appointment.Status.NO_SHOW


def test_an_htmx_no_show_answers_with_the_updated_card(front_desk_client, started):
    response = front_desk_client.post(url("appointment_no_show", started), **HTMX)
    assert 'data-testid="status">Did not attend<' in response.content.decode()
    started.refresh_from_db()
    assert started.status == Appointment.Status.NO_SHOW


def test_a_no_show_before_the_start_time_is_refused(front_desk_client, booked):
    response = front_desk_client.post(url("appointment_no_show", booked), **HTMX)
    assert "once its start time has passed" in response.content.decode()
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.BOOKED


def test_a_missed_plan_session_stops_counting(front_desk_client, plan, patient, alice, location):
    missed = AppointmentFactory(
        plan=plan,
        patient=patient,
        practitioner=alice,
        location=location,
        starts_at=timezone.now() - dt.timedelta(hours=1),
    )
    front_desk_client.post(url("appointment_no_show", missed))
    assert TreatmentPlan.objects.with_booked_count().get(pk=plan.pk).sessions_booked == 0


# --- the patient chart's list ------------------------------------------------------------------------


def test_the_chart_list_shows_sessions_status_and_a_booking_button(rf, desk, front_desk, plan_session):
    cancelled = AppointmentFactory(patient=desk.patient, practitioner=desk.alice, location=desk.location)
    cancelled.cancel(by=Appointment.CancelledBy.PATIENT, reason="Away")
    request = rf.get("/")
    request.user = front_desk
    html = render_to_string(
        "treatments/_appointment_list.html",
        {
            "patient": desk.patient,
            "appointments": Appointment.objects.filter(patient=desk.patient).with_schedule_details(),
        },
        request=request,
    )
    assert "Session 1 of 8" in html
    assert "Cancelled" in html
    assert f"?patient={desk.patient.public_id}" in html
    assert_valid_html(f"<!doctype html><html lang='en'><head><title>t</title></head><body>{html}</body></html>")
