"""Recording a treatment session: Alice opens it from Maria's checked-in appointment, saves a draft, signs it.

Every bad input comes back at its field with nothing written; Fiona at the front desk is refused every
session page and sees only that a session took place; Carmen the clinic admin reads but never writes.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from patients.models import SymptomRecord
from tests.factories import AppointmentFactory, SymptomRecordFactory, TreatmentSessionFactory
from tests.html import assert_valid_html
from tests.treatments.session_support import counts, session_data, session_url, start_url, today_at
from treatments.models import (
    AcupuncturePoint,
    AdverseEvent,
    Appointment,
    ElectroStimulation,
    NeedledPoint,
    Protocol,
    TreatmentSession,
)

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def row_errors(response, formset: str, index: int, field: str) -> list[str]:
    return list(getattr(response.context["forms"], formset).forms[index].errors.get(field, []))


@pytest.fixture
def draft(appointment, practitioner):
    """A saved draft of today's session: KI3 on both sides, no after-scores yet."""
    session = TreatmentSessionFactory(
        appointment=appointment,
        first_step_pain_after=None,
        average_pain_after=None,
        signed_at=None,
        signed_by=None,
    )
    NeedledPoint.objects.create(session=session, point=AcupuncturePoint.objects.get(code="KI3"), side="both")
    return session


@pytest.fixture
def signed(appointment):
    appointment.status = Appointment.Status.COMPLETED
    appointment.save(update_fields=["status"])
    return TreatmentSessionFactory(appointment=appointment, subjective="Heel much better on waking.")


# --- who may open which page ----------------------------------------------------------------


def every_url(appointment, session) -> list[str]:
    return [
        start_url(appointment),
        session_url("session", session),
        session_url("session_edit", session),
        session_url("session_sign", session),
        session_url("session_amend", session),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, appointment, draft):
    for url in every_url(appointment, draft):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_the_front_desk_is_refused_every_session_page(front_desk_client, appointment, draft):
    for url in every_url(appointment, draft):
        assert front_desk_client.get(url).status_code in (403, 405), url


def test_a_front_desk_user_posting_a_session_writes_nothing(front_desk_client, appointment, draft):
    before = counts()
    for url in every_url(appointment, draft):
        response = front_desk_client.post(url, session_data(points=[("KI1", "left")], reason="x"))
        assert response.status_code in (403, 405), url  # the record itself is read-only for everyone
    assert counts() == before
    draft.refresh_from_db()
    assert draft.signed_at is None
    assert draft.first_step_pain_before == Decimal("6.0")


def test_clinic_admins_read_a_session_but_cannot_write_one(clinic_admin_client, appointment, draft):
    response = clinic_admin_client.get(session_url("session", draft))
    assert response.status_code == 200
    assert b"Edit draft" not in response.content and b"Sign session" not in response.content
    before = counts()
    for url in (start_url(appointment), session_url("session_edit", draft), session_url("session_amend", draft)):
        assert clinic_admin_client.get(url).status_code == 403
        assert clinic_admin_client.post(url, session_data()).status_code == 403
    assert clinic_admin_client.post(session_url("session_sign", draft)).status_code == 403
    assert counts() == before


def test_an_unknown_session_or_appointment_is_not_found(practitioner_client):
    assert practitioner_client.get(reverse("treatments:session", kwargs={"session_id": 999999})).status_code == 404
    url = reverse("treatments:session_start", kwargs={"appointment_id": 999999})
    assert practitioner_client.get(url).status_code == 404


# --- starting a session ---------------------------------------------------------------------


def test_the_form_opens_from_a_checked_in_appointment_with_the_safety_banner(practitioner_client, appointment):
    response = practitioner_client.get(start_url(appointment))
    assert response.status_code == 200
    assert_valid_html(response.content)
    page = response.content.decode()
    assert 'data-testid="safety-banner"' in page
    assert "Session 1 of 10" in page
    assert '<optgroup label="Kidney">' in page
    assert "Heel pain (6 points)" in page
    assert 'id="protocol-data"' in page
    assert "Self-massage of KI1" in page  # the home-care advice is readable without JavaScript


@pytest.mark.parametrize("status", [Appointment.Status.BOOKED, Appointment.Status.NO_SHOW])
def test_a_session_for_an_appointment_that_is_not_checked_in_is_refused(practitioner_client, appointment, status):
    appointment.status = status
    appointment.save(update_fields=["status"])
    before = counts()
    response = practitioner_client.get(start_url(appointment))
    assert response.status_code == 409
    assert_valid_html(response.content)
    assert "checked in" in response.content.decode()
    assert "session-form" not in response.content.decode()
    response = practitioner_client.post(start_url(appointment), session_data())
    assert response.status_code == 409
    assert counts() == before


def test_a_cancelled_appointment_is_refused_too(practitioner_client, appointment):
    appointment.cancel(by=Appointment.CancelledBy.PATIENT, reason="Flu")
    response = practitioner_client.post(start_url(appointment), session_data())
    assert response.status_code == 409
    assert "This appointment is cancelled" in response.content.decode()
    assert not TreatmentSession.objects.exists()


def test_opening_an_appointment_that_has_a_session_goes_to_it(practitioner_client, appointment, draft):
    response = practitioner_client.get(start_url(appointment))
    assert response.status_code == 302
    assert response.url == draft.get_absolute_url()
    response = practitioner_client.post(start_url(appointment), session_data())
    assert response.url == draft.get_absolute_url()
    assert TreatmentSession.objects.count() == 1


def test_saving_creates_a_draft_with_its_rows(practitioner_client, practitioner, appointment, plan, patient):
    data = session_data(
        points=[("KI3", "both"), ("ASHI", "left", "Medial heel"), ("BL60", "right")],
        electro=[("KI3", "KI1", "2", "100", "20")],
        events=[("bleeding", "mild", "Pressure for a minute")],
        home_care="Self-massage of KI1.",
    )
    response = practitioner_client.post(start_url(appointment), data)
    session = TreatmentSession.objects.get()
    assert response.status_code == 302
    assert response.url == session.get_absolute_url()
    assert (session.patient, session.plan, session.practitioner) == (patient, plan, practitioner)
    assert session.signed_at is None
    assert session.first_step_pain_before == Decimal("6.5")
    assert [(p.point.code, p.side, p.ashi_location) for p in session.needled_points.all()] == [
        ("KI3", "both", ""),
        ("ASHI", "left", "Medial heel"),
        ("BL60", "right", ""),
    ]
    pair = session.electro.get()
    assert (pair.point_a.code, pair.point_b.code, pair.frequency_hz, pair.second_frequency_hz, pair.minutes) == (
        "KI3",
        "KI1",
        Decimal("2.0"),
        Decimal("100.0"),
        20,
    )
    assert session.adverse_events.get().action_taken == "Pressure for a minute"
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CHECKED_IN  # completed only when signed


def test_after_scores_may_wait_while_the_session_is_a_draft(practitioner_client, appointment):
    data = session_data(first_step_pain_after="", average_pain_after="")
    assert practitioner_client.post(start_url(appointment), data).status_code == 302
    assert TreatmentSession.objects.get().first_step_pain_after is None


def test_the_before_scores_are_required(practitioner_client, appointment):
    response = practitioner_client.post(start_url(appointment), session_data(first_step_pain_before=""))
    assert response.status_code == 200
    assert response.context["form"].errors["first_step_pain_before"] == ["Enter the patient's score (0 to 10)."]
    assert not TreatmentSession.objects.exists()


# --- bad input: the message at the field, nothing written -----------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "Enter a score from 0 (no pain) to 10 (worst imaginable)."),
        ("11", "Enter a score from 0 (no pain) to 10 (worst imaginable)."),
        ("abc", "Enter the score as a number from 0 to 10, such as 6.5."),
        ("2.55", "Use at most one decimal (e.g. 6.5): the scale is read to the millimetre."),
    ],
    ids=["minus-one", "eleven", "not-a-number", "two-decimals"],
)
def test_a_pain_score_outside_the_scale_is_refused_at_its_field(practitioner_client, appointment, value, message):
    before = counts()
    response = practitioner_client.post(start_url(appointment), session_data(average_pain_after=value))
    assert response.status_code == 200
    assert response.context["form"].errors["average_pain_after"] == [message]
    page = response.content.decode()
    assert "Nothing was saved" in page
    assert 'id="id_average_pain_after_error"' in page
    assert "Average pain after treatment: " in page  # the summary says which of the two average scores
    assert_valid_html(response.content)
    assert counts() == before


@pytest.mark.parametrize("minutes", ["0", "500"])
def test_a_retention_of_0_or_500_minutes_is_refused(practitioner_client, appointment, minutes):
    response = practitioner_client.post(start_url(appointment), session_data(retention_minutes=minutes))
    assert response.status_code == 200
    assert response.context["form"].errors["retention_minutes"] == [
        "Needles stay in between 1 and 120 minutes; check the number (usually 20–60)."
    ]
    assert not TreatmentSession.objects.exists()


def test_an_unusual_retention_is_saved_with_a_reminder(practitioner_client, appointment):
    response = practitioner_client.post(start_url(appointment), session_data(retention_minutes="75"), follow=True)
    assert TreatmentSession.objects.get().retention_minutes == 75
    assert any("outside the usual 20–60" in text for text in messages_of(response))
    assert "outside the usual 20–60" in response.content.decode()  # and on the record itself


def test_more_than_80_needles_is_refused(practitioner_client, appointment):
    response = practitioner_client.post(start_url(appointment), session_data(needle_count="81"))
    assert response.context["form"].errors["needle_count"] == ["Enter a number of needles from 0 to 80."]
    assert not TreatmentSession.objects.exists()


def test_electroacupuncture_without_a_frequency_is_refused_at_the_field(practitioner_client, appointment):
    response = practitioner_client.post(start_url(appointment), session_data(electro=[("KI3", "KI1", "", "", "20")]))
    assert response.status_code == 200
    assert row_errors(response, "electro", 0, "frequency_hz") == ["Give the frequency in Hz (for example 2)."]
    assert counts() == {"TreatmentSession": 0, "NeedledPoint": 0, "ElectroStimulation": 0, "AdverseEvent": 0}


@pytest.mark.parametrize("hz", ["-2", "0"])
def test_a_negative_or_zero_frequency_is_refused_at_the_field(practitioner_client, appointment, hz):
    response = practitioner_client.post(start_url(appointment), session_data(electro=[("KI3", "KI1", hz, "", "20")]))
    assert row_errors(response, "electro", 0, "frequency_hz") == ["The frequency must be above 0 Hz, at most 1000 Hz."]
    assert not ElectroStimulation.objects.exists() and not TreatmentSession.objects.exists()


def test_an_electro_pair_needs_two_different_points_and_minutes(practitioner_client, appointment):
    response = practitioner_client.post(start_url(appointment), session_data(electro=[("KI3", "KI3", "2", "", "0")]))
    assert row_errors(response, "electro", 0, "point_b") == ["A pair joins two different points."]
    assert row_errors(response, "electro", 0, "minutes") == ["Enter the minutes of stimulation, from 1 to 90."]
    assert not TreatmentSession.objects.exists()


def test_a_point_code_that_does_not_exist_is_refused_at_its_row(practitioner_client, appointment):
    data = session_data(points=[("KI3", "both"), ("ZZ99", "left")])
    response = practitioner_client.post(start_url(appointment), data)
    assert response.status_code == 200
    assert row_errors(response, "points", 1, "point") == [
        "There is no point “ZZ99” in the catalogue. Choose one from the list."
    ]
    assert "Points needled, row 2: There is no point" in response.content.decode()
    assert counts()["TreatmentSession"] == 0 and counts()["NeedledPoint"] == 0


def test_an_ashi_point_needs_its_place(practitioner_client, appointment):
    response = practitioner_client.post(start_url(appointment), session_data(points=[("ASHI", "left")]))
    assert row_errors(response, "points", 0, "ashi_location") == [
        "Say where the ashi point is (it is found by palpation)."
    ]
    assert not TreatmentSession.objects.exists()


def test_the_same_point_twice_on_the_same_side_is_refused(practitioner_client, appointment):
    response = practitioner_client.post(start_url(appointment), session_data(points=[("KI3", "left"), ("KI3", "left")]))
    assert row_errors(response, "points", 1, "point") == ["KI3 is already listed in row 1."]


def test_an_adverse_event_needs_what_how_bad_and_what_was_done(practitioner_client, appointment):
    response = practitioner_client.post(start_url(appointment), session_data(events=[("fainting", "", "")]))
    assert row_errors(response, "events", 0, "severity") == ["Choose how severe it was."]
    assert row_errors(response, "events", 0, "action_taken")
    assert not AdverseEvent.objects.exists()


def test_tampered_row_counts_are_reported_not_a_crash(practitioner_client, appointment):
    data = session_data(points=[("KI3", "both")])
    del data["points-TOTAL_FORMS"]
    response = practitioner_client.post(start_url(appointment), data)
    assert response.status_code == 200
    assert not TreatmentSession.objects.exists()
    data = session_data(points=[("KI3", "both")], **{"points-TOTAL_FORMS": "5000"})
    response = practitioner_client.post(start_url(appointment), data)
    assert response.status_code == 200
    assert not TreatmentSession.objects.exists()


# --- protocols without JavaScript -----------------------------------------------------------


def test_applying_a_protocol_without_javascript_fills_the_rows_and_saves_nothing(practitioner_client, appointment):
    heel = Protocol.objects.get(name="Heel pain")
    data = session_data(points=[("KI3", "left")], subjective="Typed before applying", apply_protocol=str(heel.pk))
    response = practitioner_client.post(start_url(appointment), data)
    assert response.status_code == 200
    assert_valid_html(response.content)
    assert not TreatmentSession.objects.exists()
    rows = [form.initial for form in response.context["forms"].points.forms if form.initial.get("point")]
    # KI3 was there already, on the left: it is kept as typed, and the protocol's other five are added.
    assert [(row["point"], row["side"]) for row in rows] == [
        ("KI3", "left"),
        ("PC7", "both"),
        ("ASHI", "both"),
        ("BL57", "both"),
        ("BL60", "both"),
        ("SHIMIAN", "both"),
    ]
    page = response.content.decode()
    assert "Added 5 points of “Heel pain”" in page
    assert "Typed before applying" in page
    assert 'value="6.5"' in page
    assert "Nothing was saved. Please correct" not in page


def test_the_apply_button_reads_the_chosen_protocol_from_the_select(practitioner_client, appointment):
    neuropathy = Protocol.objects.get(name="Foot neuropathy")
    data = session_data(apply_protocol="", protocol=str(neuropathy.pk))
    response = practitioner_client.post(start_url(appointment), data)
    assert "of “Foot neuropathy”" in response.content.decode()
    assert not TreatmentSession.objects.exists()


def test_applying_no_protocol_or_an_unknown_one_says_so(practitioner_client, appointment):
    response = practitioner_client.post(start_url(appointment), session_data(apply_protocol="", protocol="99999"))
    assert response.status_code == 200
    assert "Choose a protocol to apply." in response.content.decode()
    assert not TreatmentSession.objects.exists()


# --- today's symptoms -----------------------------------------------------------------------


def test_a_quick_rescore_records_todays_symptoms_on_the_same_places(
    practitioner_client, practitioner, appointment, patient
):
    SymptomRecordFactory(
        patient=patient,
        symptom=SymptomRecord.Symptom.HEEL_PAIN,
        spots=["left:heel_medial", "left:arch"],
        severity=7,
        recorded_on=timezone.localdate() - dt.timedelta(days=20),
    )
    SymptomRecordFactory(
        patient=patient,
        symptom=SymptomRecord.Symptom.NUMBNESS,
        spots=["right:toes"],
        severity=4,
        recorded_on=timezone.localdate() - dt.timedelta(days=20),
    )
    page = practitioner_client.get(start_url(appointment)).content.decode()
    assert "Left heel, inner side, Left arch" in page
    data = session_data(**{"symptoms-rescore_heel_pain": "3", "symptoms-rescore_numbness": ""})
    assert practitioner_client.post(start_url(appointment), data).status_code == 302
    today = patient.symptom_records.get(recorded_on=timezone.localdate())
    assert (today.symptom, today.spots, today.severity, today.recorded_by) == (
        "heel_pain",
        ["left:heel_medial", "left:arch"],
        3,
        practitioner,
    )
    assert patient.symptom_records.count() == 3  # numbness left as it was

    # Editing the draft again corrects today's score instead of adding a second one.
    session = TreatmentSession.objects.get()
    page = practitioner_client.get(session_url("session_edit", session)).content.decode()
    assert "Scored today" in page
    data = session_data(**{"symptoms-rescore_heel_pain": "2"})
    practitioner_client.post(session_url("session_edit", session), data)
    assert patient.symptom_records.get(recorded_on=timezone.localdate()).severity == 2
    assert patient.symptom_records.count() == 3


def test_a_symptom_score_above_10_is_refused_at_its_box(practitioner_client, appointment, patient):
    SymptomRecordFactory(patient=patient, recorded_on=timezone.localdate() - dt.timedelta(days=3))
    response = practitioner_client.post(start_url(appointment), session_data(**{"symptoms-rescore_heel_pain": "12"}))
    assert response.context["forms"].symptoms.errors["rescore_heel_pain"]
    assert not TreatmentSession.objects.exists()
    assert patient.symptom_records.count() == 1


# --- editing a draft ------------------------------------------------------------------------


def test_a_draft_opens_with_its_rows_and_saves_over_them(practitioner_client, draft):
    response = practitioner_client.get(session_url("session_edit", draft))
    assert response.status_code == 200
    assert_valid_html(response.content)
    assert response.context["forms"].points.forms[0].initial["point"] == "KI3"
    data = session_data(points=[("LR3", "left"), ("GB41", "right")], average_pain_after="2.5")
    response = practitioner_client.post(session_url("session_edit", draft), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.average_pain_after == Decimal("2.5")
    assert [p.point.code for p in draft.needled_points.all()] == ["LR3", "GB41"]
    assert TreatmentSession.objects.count() == 1


def test_editing_a_signed_session_is_refused_and_points_to_amend(practitioner_client, signed):
    stamp = signed.updated_at
    before = counts()
    response = practitioner_client.get(session_url("session_edit", signed), follow=True)
    assert any("use Amend" in text for text in messages_of(response))
    response = practitioner_client.post(
        session_url("session_edit", signed), session_data(points=[("KI1", "left")], first_step_pain_before="1.0")
    )
    assert response.status_code == 302
    assert response.url == signed.get_absolute_url()
    signed.refresh_from_db()
    assert signed.first_step_pain_before == Decimal("6.0")
    assert signed.updated_at == stamp
    assert counts() == before


def test_the_model_itself_refuses_to_change_a_signed_session(signed):
    signed.first_step_pain_before = Decimal("1.0")
    with pytest.raises(ValidationError):
        signed.save()


# --- signing --------------------------------------------------------------------------------


def test_signing_needs_both_after_scores(practitioner_client, draft, appointment):
    response = practitioner_client.post(session_url("session_sign", draft), follow=True)
    assert any("Record the first-step pain after and average pain after" in text for text in messages_of(response))
    draft.refresh_from_db()
    appointment.refresh_from_db()
    assert draft.signed_at is None
    assert appointment.status == Appointment.Status.CHECKED_IN


def test_signing_locks_the_session_and_completes_the_appointment(practitioner_client, practitioner, draft):
    appointment = draft.appointment
    earlier = AppointmentFactory(
        patient=draft.patient,
        practitioner=practitioner,
        plan=draft.plan,
        starts_at=today_at(10) - dt.timedelta(days=7),
        status=Appointment.Status.COMPLETED,
    )
    TreatmentSessionFactory(appointment=earlier)
    draft.first_step_pain_after, draft.average_pain_after = Decimal("3.0"), Decimal("2.5")
    draft.save()

    response = practitioner_client.post(session_url("session_sign", draft), follow=True)
    assert any("Session 2 of 10 is complete" in text for text in messages_of(response))
    draft.refresh_from_db()
    appointment.refresh_from_db()
    assert draft.signed_by == practitioner and draft.signed_at is not None
    assert appointment.status == Appointment.Status.COMPLETED
    page = response.content.decode()
    assert "Session 2 of 10" in page
    assert "Signed by Alice Chen" in page
    assert "Amend" in page and "Edit draft" not in page
    assert_valid_html(response.content)


def test_only_the_practitioner_who_gave_the_treatment_signs_it(other_practitioner_client, draft):
    draft.first_step_pain_after, draft.average_pain_after = Decimal("3.0"), Decimal("2.5")
    draft.save()
    response = other_practitioner_client.post(session_url("session_sign", draft), follow=True)
    assert any("Only Alice Chen" in text for text in messages_of(response))
    draft.refresh_from_db()
    assert draft.signed_at is None


def test_signing_twice_is_refused(practitioner_client, signed):
    signed_at = signed.signed_at
    response = practitioner_client.post(session_url("session_sign", signed), follow=True)
    assert any("signed already" in text for text in messages_of(response))
    signed.refresh_from_db()
    assert signed.signed_at == signed_at


def test_signing_is_a_post(practitioner_client, draft):
    assert practitioner_client.get(session_url("session_sign", draft)).status_code == 405


# --- the record -----------------------------------------------------------------------------


def test_the_record_shows_everything_recorded(practitioner_client, signed):
    NeedledPoint.objects.create(
        session=signed, point=AcupuncturePoint.objects.get(code="ASHI"), side="left", ashi_location="Medial heel"
    )
    ElectroStimulation.objects.create(
        session=signed,
        point_a=AcupuncturePoint.objects.get(code="ST41"),
        point_b=AcupuncturePoint.objects.get(code="LR3"),
        frequency_hz=Decimal(2),
        second_frequency_hz=Decimal(100),
        minutes=20,
    )
    AdverseEvent.objects.create(session=signed, kind="flare", severity="mild", action_taken="Ice at home")
    response = practitioner_client.get(session_url("session", signed))
    assert_valid_html(response.content)
    page = response.content.decode()
    for text in ("Medial heel", "ST41–LR3 at 2/100 Hz for 20 min", "Symptom flare", "Ice at home", "6.0", "3.5"):
        assert text in page, text
    assert "Heel much better on waking." in page
    assert reverse("treatments:plan_progress", kwargs={"plan_id": signed.plan.public_id}) in page


def detail_rows(session, size: int) -> None:
    codes = list(AcupuncturePoint.objects.values_list("pk", flat=True)[: size + 1])
    NeedledPoint.objects.bulk_create(NeedledPoint(session=session, point_id=pk, side="both") for pk in codes[:size])
    AdverseEvent.objects.bulk_create(
        AdverseEvent(session=session, kind="bleeding", severity="mild", action_taken="Pressure") for _ in range(size)
    )
    ElectroStimulation.objects.bulk_create(
        ElectroStimulation(session=session, point_a_id=codes[i], point_b_id=codes[i + 1], frequency_hz=2, minutes=20)
        for i in range(size)
    )


def test_the_record_runs_the_same_queries_for_1_and_20_points_and_events(
    practitioner_client, practitioner, patient, plan, django_assert_num_queries
):
    small = TreatmentSessionFactory(
        appointment=AppointmentFactory(patient=patient, practitioner=practitioner, plan=plan, starts_at=today_at(9))
    )
    large = TreatmentSessionFactory(
        appointment=AppointmentFactory(patient=patient, practitioner=practitioner, plan=plan, starts_at=today_at(11))
    )
    detail_rows(small, 1)
    detail_rows(large, 20)
    practitioner_client.get(session_url("session", small))  # warm the session and role caches alike
    # 18: the record, its rows, amendments and addenda, the patient's safety facts, the appointment's
    # reassignments, and the access-log entry.
    with django_assert_num_queries(18) as few:
        practitioner_client.get(session_url("session", small))
    with django_assert_num_queries(len(few)):
        response = practitioner_client.get(session_url("session", large))
    assert len(response.context["points"]) == 20


# --- what the front desk sees ---------------------------------------------------------------


def test_the_front_desk_sees_that_a_session_took_place_and_nothing_of_it(front_desk_client, signed):
    signed.appointment.refresh_from_db()
    NeedledPoint.objects.create(session=signed, point=AcupuncturePoint.objects.get(code="SHIMIAN"), side="both")
    day = timezone.localdate(signed.appointment.starts_at).isoformat()
    for url in (
        reverse("treatments:appointment", kwargs={"appointment_id": signed.appointment_id}),
        f"{reverse('treatments:day')}?date={day}",
        signed.plan.get_absolute_url(),
    ):
        response = front_desk_client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Session recorded" in page, url
        for clinical in ("Heel much better", "SHIMIAN", "Shimian", "6.0", "3.5", "First-step", "VAS"):
            assert clinical not in page, (url, clinical)
        assert reverse("treatments:session", kwargs={"session_id": signed.pk}) not in page


def test_practitioners_open_the_session_from_the_appointment_and_the_day_sheet(practitioner_client, appointment):
    response = practitioner_client.get(reverse("treatments:appointment", kwargs={"appointment_id": appointment.pk}))
    assert_valid_html(response.content)
    assert start_url(appointment) in response.content.decode()
    assert "Start session" in response.content.decode()
    response = practitioner_client.get(reverse("treatments:day"))
    assert start_url(appointment) in response.content.decode()
    assert "Open session" in response.content.decode()


def test_the_front_desk_gets_no_session_link_on_a_checked_in_appointment(front_desk_client, appointment):
    response = front_desk_client.get(reverse("treatments:day"))
    assert start_url(appointment) not in response.content.decode()
    response = front_desk_client.get(reverse("treatments:appointment", kwargs={"appointment_id": appointment.pk}))
    assert start_url(appointment) not in response.content.decode()


def test_clinicians_reach_the_record_from_the_appointment(clinic_admin_client, signed):
    response = clinic_admin_client.get(
        reverse("treatments:appointment", kwargs={"appointment_id": signed.appointment_id})
    )
    assert signed.get_absolute_url() in response.content.decode()
