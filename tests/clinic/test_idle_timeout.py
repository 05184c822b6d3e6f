"""A session left alone for IDLE_TIMEOUT_MINUTES ends on the server; page requests and 'Stay signed in' keep it."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from clinic.middleware_auth import BACKGROUND_HEADER, LAST_ACTIVITY_SESSION_KEY
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

HOME = reverse("home")
LOGIN = reverse("login")
KEEP_ALIVE = reverse("keep_alive")


@pytest.fixture
def alice(clinic_clock, practitioner) -> Client:
    """Alice signs in with the clock stopped, so each test moves it on by exactly what it means."""
    client = Client()
    assert client.post(LOGIN, {"username": "alice", "password": TEST_PASSWORD}).status_code == 302
    return client


def _minutes(clock, minutes: float) -> None:
    clock.shift(dt.timedelta(minutes=minutes))


def test_after_14_idle_minutes_alice_is_still_signed_in(alice, clinic_clock):
    _minutes(clinic_clock, 14)
    assert alice.get(HOME).status_code == 200


def test_after_16_idle_minutes_the_session_ends_on_the_server(alice, clinic_clock):
    _minutes(clinic_clock, 16)
    response = alice.get(reverse("patients:list"))
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next={reverse('patients:list')}"
    assert "_auth_user_id" not in alice.session
    assert LAST_ACTIVITY_SESSION_KEY not in alice.session
    notices = [str(m) for m in get_messages(response.wsgi_request)]
    assert notices == ["You were signed out after 15 minutes without activity."]
    # Only a new sign-in lets her back.
    assert alice.get(HOME).status_code == 302


def test_the_sign_in_page_says_why(alice, clinic_clock):
    _minutes(clinic_clock, 16)
    page = alice.get(HOME, follow=True)
    assert "You were signed out after 15 minutes without activity." in page.content.decode()


def test_each_page_request_restarts_the_clock(alice, clinic_clock):
    for _ in range(3):
        _minutes(clinic_clock, 10)
        assert alice.get(HOME).status_code == 200


def test_stay_signed_in_extends_the_session(alice, clinic_clock):
    _minutes(clinic_clock, 14)
    assert alice.post(KEEP_ALIVE).status_code == 204
    _minutes(clinic_clock, 14)
    assert alice.get(HOME).status_code == 200


def test_background_requests_do_not_count_as_activity(alice, clinic_clock):
    _minutes(clinic_clock, 10)
    assert alice.get(HOME, headers={BACKGROUND_HEADER: "1"}).status_code == 200
    _minutes(clinic_clock, 6)
    assert alice.get(HOME).status_code == 302
    assert "_auth_user_id" not in alice.session


def test_an_htmx_request_after_the_timeout_sends_the_page_to_sign_in(alice, clinic_clock):
    _minutes(clinic_clock, 16)
    response = alice.get(HOME, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == LOGIN
    assert "_auth_user_id" not in alice.session


def test_the_timeout_is_configurable(alice, clinic_clock, settings):
    settings.IDLE_TIMEOUT_MINUTES = 5
    _minutes(clinic_clock, 6)
    response = alice.get(HOME, follow=True)
    assert "You were signed out after 5 minutes without activity." in response.content.decode()


def test_the_page_tells_its_script_how_long_the_session_has_left(alice, clinic_clock):
    _minutes(clinic_clock, 0.25)  # less than the activity resolution: not a new activity
    content = alice.get(HOME).content.decode()
    assert 'data-idle-seconds-left="885"' in content
    assert 'data-idle-timeout-seconds="900"' in content
    assert "clinic/idle-timeout.js" in content


def test_keep_alive_needs_a_post(alice):
    assert alice.get(KEEP_ALIVE).status_code == 405


def test_keep_alive_is_for_signed_in_staff_only(client):
    response = client.post(KEEP_ALIVE)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_a_deactivated_users_session_ends_at_once(alice, practitioner):
    practitioner.is_active = False
    practitioner.save(update_fields=["is_active"])
    response = alice.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
