"""A wrong old password on the change-password form counts toward the sign-in lockout (clinic/password_views.py).

Alice left her workstation signed in; whoever sits down at it must not get unlimited guesses at her password.
"""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

CHANGE = reverse("password_change")
LOGIN = reverse("login")
NEW = "a-Brand-new-passphrase-42"


def guess(client, old_password: str):
    return client.post(CHANGE, {"old_password": old_password, "new_password1": NEW, "new_password2": NEW})


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = guess(client, "anything")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_a_wrong_old_password_is_recorded_as_a_failed_sign_in(practitioner_client, practitioner):
    response = guess(practitioner_client, "not-my-password")

    assert response.status_code == 200
    assert "old password was entered incorrectly" in response.content.decode()
    attempt = AccessAttempt.objects.get(username="alice")
    assert attempt.failures_since_start == 1
    # Axes keeps the post: none of the passwords typed may be in it.
    assert "not-my-password" not in attempt.post_data
    assert NEW not in attempt.post_data


def test_the_failure_limit_locks_the_account_and_signs_the_guesser_out(practitioner_client, practitioner, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert guess(practitioner_client, "wrong").status_code == 200

    response = guess(practitioner_client, "wrong")

    assert response.status_code == 429
    assert "Sign-in paused" in response.content.decode()
    assert "_auth_user_id" not in practitioner_client.session
    practitioner.refresh_from_db()
    assert practitioner.check_password(TEST_PASSWORD)


def test_once_locked_even_the_right_old_password_changes_nothing(practitioner_client, practitioner, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        guess(practitioner_client, "wrong")
    # Signed in again elsewhere (as an admin would after a reset), the lock still holds for the form.
    client = Client()
    client.force_login(practitioner)

    response = guess(client, TEST_PASSWORD)

    assert response.status_code == 429
    practitioner.refresh_from_db()
    assert not practitioner.check_password(NEW)
    assert "_auth_user_id" not in client.session


def test_the_lockout_also_stops_signing_in(practitioner_client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        guess(practitioner_client, "wrong")

    response = Client().post(LOGIN, {"username": "alice", "password": TEST_PASSWORD})

    assert response.status_code == 429


def test_the_right_old_password_still_changes_it(practitioner_client, practitioner):
    response = guess(practitioner_client, TEST_PASSWORD)

    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.check_password(NEW)
    assert not AccessAttempt.objects.exists()
