"""Dates no one means (year 9999, year 1, 30 February) are refused at the field: never a 500, nothing written.

Each date input in the app is posted (or asked for) by the role that may use it, with everything
else on the form as the page offered it, so only the date is wrong.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.forms_fields import DIARY_REACH, ClinicDateField
from tests.input_world import World, build_world, main_form, row_counts

pytestmark = pytest.mark.django_db

FAR_DATES = ["9999-12-31", "0001-01-01", "10000-01-01", "2026-02-30", ""]
# What a refused date looks like on the page: a message at the field, or the diary's notice.
REFUSALS = (
    "Enter a date",
    "Enter a valid date",
    "Enter a real date",
    "This field is required",
    "not a date the diary understands",
    "This date is",
    "is in the future",
    "cannot",
    "Choose",
    "Enter the",
)


@dataclass(frozen=True)
class DateInput:
    """One date input: who uses it, where, and how to fill the rest of its form."""

    name: str
    role: str
    field: str
    url: Callable[[World], str]
    method: str = "post"
    required: bool = True
    # The page the form is read from, when it is not `url` itself (e.g. register from the edit page).
    form_page: Callable[[World], str] | None = None
    rest: Callable[[World], dict] = lambda world: {}


def _patient(name):
    return lambda world: reverse(f"patients:{name}", kwargs={"public_id": world.patient.public_id})


def _appointment(name, which="booked"):
    return lambda world: reverse(f"treatments:{name}", kwargs={"appointment_id": getattr(world, which).pk})


DATE_INPUTS = [
    DateInput(
        "register",
        "front_desk",
        "date_of_birth",
        lambda w: reverse("patients:register"),
        form_page=_patient("edit"),
        rest=lambda w: {"given_name": "Ana", "family_name": "Novak", "confirm_not_duplicate": "on"},
    ),
    DateInput("edit patient", "front_desk", "date_of_birth", _patient("edit")),
    DateInput("intake onset", "practitioner", "onset_date", _patient("intake")),
    DateInput(
        "intake due date", "practitioner", "pregnancy_due_date", _patient("intake"), rest=lambda w: {"pregnant": "on"}
    ),
    DateInput(
        "diagnosis",
        "practitioner",
        "onset_date",
        _patient("diagnosis_add"),
        required=False,
        form_page=lambda w: reverse(
            "patients:diagnosis_edit", kwargs={"public_id": w.patient.public_id, "diagnosis_id": w.diagnosis.pk}
        ),
    ),
    DateInput(
        "consent",
        "practitioner",
        "given_on",
        _patient("consent_add"),
        rest=lambda w: {"covers_acupuncture": "on"},
    ),
    DateInput(
        "consent withdrawal",
        "practitioner",
        "withdrawn_on",
        lambda w: reverse(
            "patients:consent_withdraw", kwargs={"public_id": w.patient.public_id, "consent_id": w.consent.pk}
        ),
        rest=lambda w: {"reason": "Asked to stop"},
    ),
    DateInput(
        "symptom",
        "practitioner",
        "recorded_on",
        _patient("symptom_add"),
        rest=lambda w: {"symptom": "heel_pain", "spots": "left:heel_medial", "severity": "5"},
    ),
    DateInput(
        "follow-up",
        "practitioner",
        "recorded_on",
        lambda w: reverse("treatments:follow_up", kwargs={"plan_id": w.completed_plan.public_id}),
        rest=lambda w: {
            "first_step_pain": "3.0",
            "average_pain": "2.0",
            "symptoms_returned": "no",
            "new_treatment_needed": "no",
        },
    ),
    DateInput(
        "appointment booking",
        "front_desk",
        "date",
        lambda w: reverse("treatments:appointment_create"),
        rest=lambda w: {
            "mrn": w.patient.mrn,
            "practitioner": str(w.plan.practitioner.pk),
            "location": str(w.location.pk),
            "kind": "treatment",
            "start_time": "10:00",
            "minutes": "45",
        },
    ),
    DateInput(
        "appointment move",
        "front_desk",
        "date",
        _appointment("appointment_move"),
        rest=lambda w: {"start_time": "11:00", "minutes": "45"},
    ),
    DateInput(
        "course start",
        "front_desk",
        "first_day",
        lambda w: reverse("treatments:plan_book", kwargs={"plan_id": w.plan.public_id}),
        rest=lambda w: {"action": "propose"},
    ),
    DateInput("day sheet", "front_desk", "date", lambda w: reverse("treatments:day"), method="get", required=False),
    DateInput("week", "front_desk", "start", lambda w: reverse("treatments:week"), method="get", required=False),
    DateInput(
        "next free slot",
        "front_desk",
        "from_date",
        lambda w: reverse("treatments:next_free"),
        method="get",
        rest=lambda w: {"practitioner": str(w.plan.practitioner.pk), "location": str(w.location.pk), "minutes": "45"},
    ),
    *(
        DateInput(
            f"{name} {field}",
            "clinic_admin",
            field,
            lambda w, name=name: reverse(f"treatments:{name}"),
            method="get",
            required=False,
        )
        for name in ("outcomes", "outcome_plans", "outcomes_csv", "outcome_plans_csv", "adverse_event_sessions")
        for field in ("started_from", "started_to")
    ),
]


@pytest.fixture
def world(practitioner, clinic_clock) -> World:
    return build_world(practitioner)


def _data(client, date_input: DateInput, world: World, value: str) -> dict:
    if date_input.method == "get":
        return {**date_input.rest(world), date_input.field: value}
    page = (date_input.form_page or date_input.url)(world)
    form = main_form(client.get(page).content.decode(), having=date_input.field)
    return form.data(**date_input.rest(world), **{date_input.field: value})


@pytest.mark.parametrize("value", FAR_DATES)
@pytest.mark.parametrize("date_input", DATE_INPUTS, ids=lambda d: d.name)
def test_a_far_or_impossible_date_is_refused_with_a_message_and_nothing_is_written(request, world, date_input, value):
    client = request.getfixturevalue(f"{date_input.role}_client")
    data = _data(client, date_input, world, value)
    before = row_counts()

    response = getattr(client, date_input.method)(date_input.url(world), data)

    assert response.status_code < 500
    if value == "" and not date_input.required:
        return  # an optional date left blank is no date at all
    assert row_counts() == before
    assert response.status_code in (200, 400), f"{date_input.name}: expected a refusal, got {response.status_code}"
    text = response.content.decode()
    assert any(refusal in text for refusal in REFUSALS), text[:2000]


def test_the_default_range_is_named_in_the_message():
    field = ClinicDateField()
    with pytest.raises(Exception, match="Enter a date between Jan 1, 1900 and Dec 31, 2199"):
        field.clean("9999-12-31")
    assert field.clean("2199-12-31") == dt.date(2199, 12, 31)


def test_the_day_sheet_names_the_range_it_can_show(front_desk_client, clinic_clock):
    today = timezone.localdate()
    response = front_desk_client.get(reverse("treatments:day"), {"date": "9999-12-31"})
    html = response.content.decode()
    assert "not a date the diary understands" in html
    latest = today + DIARY_REACH
    assert f"{latest:%b} {latest.day}, {latest.year}" in html


def test_a_date_within_the_diary_s_reach_still_shows_its_day(front_desk_client, clinic_clock):
    day = timezone.localdate() + dt.timedelta(days=3000)
    response = front_desk_client.get(reverse("treatments:day"), {"date": day.isoformat()})
    assert response.status_code == 200
    assert "not a date the diary understands" not in response.content.decode()


def test_the_date_picker_offers_the_same_range(front_desk_client, clinic_clock):
    html = front_desk_client.get(reverse("treatments:next_free")).content.decode()
    latest = timezone.localdate() + DIARY_REACH
    assert f'max="{latest.isoformat()}"' in html
