"""Personas shared by every test: who is asking matters more than what is asked.

Alice is a practitioner, Bob another practitioner, Fiona works the front desk
and Carmen is the clinic admin. Anonymous visitors use the plain `client`.
"""

import pytest
from django.test import Client

from tests.factories import ClinicAdminFactory, FrontDeskFactory, PractitionerFactory


def pytest_configure(config):
    from django.conf import settings

    # Hashing passwords properly is slow by design; tests do not need that.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def practitioner(db):
    return PractitionerFactory(username="alice", first_name="Alice", last_name="Chen")


@pytest.fixture
def other_practitioner(db):
    return PractitionerFactory(username="bob", first_name="Bob", last_name="Reyes")


@pytest.fixture
def front_desk(db):
    return FrontDeskFactory(username="fiona", first_name="Fiona", last_name="Walsh")


@pytest.fixture
def clinic_admin(db):
    return ClinicAdminFactory(username="carmen", first_name="Carmen", last_name="Diaz")


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def practitioner_client(practitioner):
    return _client_for(practitioner)


@pytest.fixture
def other_practitioner_client(other_practitioner):
    return _client_for(other_practitioner)


@pytest.fixture
def front_desk_client(front_desk):
    return _client_for(front_desk)


@pytest.fixture
def clinic_admin_client(clinic_admin):
    return _client_for(clinic_admin)


@pytest.fixture
def client_for():
    """A logged-in client for any user a test builds itself."""
    return _client_for
