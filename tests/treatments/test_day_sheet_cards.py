"""The day sheet's cards are made in Python for speed (treatments.diary.cards): they must stay safe and whole.

A card writes what staff typed (a cancellation reason, a patient's name) and the address to come back
to: all of it escaped. Its forms carry the CSRF field, and the card htmx swaps in after an action is
the same card the sheet shows.
"""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.clock import at
from tests.factories import AppointmentFactory, PatientFactory, full_week_hours
from tests.html import assert_valid_html
from treatments.models import Appointment

pytestmark = pytest.mark.django_db

DAY_URL = reverse("treatments:day")
HTMX = {"headers": {"HX-Request": "true"}}


def card_of(html: str, appointment: Appointment) -> str:
    match = re.search(rf'<article[^>]*id="appointment-{appointment.pk}".*?</article>', html, re.S)
    assert match, f"no card for appointment {appointment.pk}"
    return match.group(0)


@pytest.fixture
def sheet_day(clinic_clock, practitioner, location):
    full_week_hours(practitioner, location, starts=dt.time(8), ends=dt.time(18), days=range(7))
    return timezone.localdate()


def test_what_staff_typed_is_escaped_on_the_card(front_desk_client, practitioner, location, sheet_day):
    patient = PatientFactory(given_name='Ann "<b>', family_name="O'Hara & Sons")
    appointment = AppointmentFactory(
        practitioner=practitioner,
        patient=patient,
        location=location,
        starts_at=at(sheet_day, 15),
        status=Appointment.Status.CANCELLED,
        cancelled_by=Appointment.CancelledBy.PATIENT,
        cancelled_at=timezone.now(),
        cancel_reason="<script>alert(1)</script>",
    )
    response = front_desk_client.get(DAY_URL)
    card = card_of(response.content.decode(), appointment)
    assert "<script>" not in card
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in card
    assert "Ann &quot;&lt;b&gt; O&#x27;Hara &amp; Sons" in card
    assert "Cancelled by the patient: " in card
    assert_valid_html(response.content)


def test_the_address_to_come_back_to_is_escaped_in_every_form_and_link(
    front_desk_client, practitioner, location, sheet_day
):
    # Started a minute ago (the clock stands at 10:00): it can be checked in, marked missed or cancelled.
    appointment = AppointmentFactory(practitioner=practitioner, location=location, starts_at=at(sheet_day, 9, 59))
    response = front_desk_client.get(DAY_URL, {"date": sheet_day.isoformat(), "location": f"{location.pk}"})
    card = card_of(response.content.decode(), appointment)
    assert card.count('name="next" value="/treatments/day/?date=') == 2
    assert f"&amp;location={location.pk}" in card
    assert f"?next=/treatments/day/%3Fdate%3D{sheet_day.isoformat()}%26location%3D{location.pk}" in card
    assert card.count('name="csrfmiddlewaretoken"') == 2
    assert_valid_html(response.content)


def test_each_action_form_carries_a_csrf_token_the_server_accepts(front_desk, practitioner, location, sheet_day):
    appointment = AppointmentFactory(practitioner=practitioner, location=location, starts_at=at(sheet_day, 10, 30))
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(front_desk)
    card = card_of(browser.get(DAY_URL).content.decode(), appointment)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', card).group(1)
    action = re.search(r'<form method="post" action="([^"]+check-in/)"', card).group(1)
    response = browser.post(action, {"csrfmiddlewaretoken": token, "next": DAY_URL})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CHECKED_IN


def test_the_card_htmx_swaps_in_is_the_card_the_sheet_shows(front_desk_client, practitioner, location, sheet_day):
    appointment = AppointmentFactory(practitioner=practitioner, location=location, starts_at=at(sheet_day, 16))
    next_url = f"{DAY_URL}?date={sheet_day.isoformat()}"
    on_sheet = card_of(front_desk_client.get(next_url).content.decode(), appointment)
    detail = reverse("treatments:appointment", args=[appointment.pk])
    swapped = front_desk_client.get(detail, {"next": next_url}, **HTMX).content.decode()
    without_tokens = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert without_tokens.sub("", swapped.strip()) == without_tokens.sub("", on_sheet)


def test_a_practitioner_opens_the_session_from_a_checked_in_card_and_the_desk_does_not(
    practitioner_client, front_desk_client, practitioner, location, sheet_day
):
    appointment = AppointmentFactory(
        practitioner=practitioner,
        location=location,
        starts_at=at(sheet_day, 10),
        status=Appointment.Status.CHECKED_IN,
        checked_in_at=timezone.now(),
    )
    session = reverse("treatments:session_start", args=[appointment.pk])
    assert session in card_of(practitioner_client.get(DAY_URL).content.decode(), appointment)
    assert session not in card_of(front_desk_client.get(DAY_URL).content.decode(), appointment)
