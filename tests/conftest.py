"""Personas shared by every test, and the clinic's clock.

Who is asking matters more than what is asked: Alice is a practitioner, Bob
another practitioner, Fiona works the front desk and Carmen is the clinic
admin; `practitioner_client`, `other_practitioner_client`, `front_desk_client`
and `clinic_admin_client` are signed in as them. Anonymous visitors use the
plain `client`.

When matters too: a test that derives a date or a time from "now" uses
`clinic_clock` (or a fixture built on it, such as `today`), which freezes the
clock at an ordinary Wednesday morning (tests/clock.py).
"""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from clinic.two_factor import is_required_for
from tests.clock import NOW_VARIABLE, clinic_now, now_from_environment
from tests.factories import ClinicAdminFactory, FrontDeskFactory, PractitionerFactory
from tests.otp import confirmed_app, verify_session


def pytest_configure(config):
    from django.conf import settings

    # Hashing passwords properly is slow by design; tests do not need that.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # CLINIC_TEST_NOW: the whole process, collection included, runs from that instant (tests/clock.py).
    instant = now_from_environment()
    if instant is not None:
        travel = time_machine.travel(instant, tick=True)
        config.stash[_AWKWARD_CLOCK] = (instant, travel, travel.start())


def pytest_unconfigure(config):
    if _AWKWARD_CLOCK in config.stash:
        _instant, travel, _traveller = config.stash[_AWKWARD_CLOCK]
        travel.stop()


# --- the clock ------------------------------------------------------------------------------

# CLINIC_TEST_NOW's instant, its travel and the traveller it started.
_AWKWARD_CLOCK = pytest.StashKey[tuple[dt.datetime, time_machine.travel, time_machine.Traveller]]()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Browser tests run against the real clock: a live browser and server are no place for time travel."""
    if _AWKWARD_CLOCK not in config.stash:
        return
    skip = pytest.mark.skip(reason=f"{NOW_VARIABLE} moves the clock for tests without a browser only")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _each_test_starts_at_the_awkward_instant(request):
    """Under CLINIC_TEST_NOW every test starts at that instant exactly: 23:59 for the last test as for the first."""
    if _AWKWARD_CLOCK in request.config.stash:
        instant, _travel, traveller = request.config.stash[_AWKWARD_CLOCK]
        traveller.move_to(instant)


def _stopped_at_clinic_now():
    with time_machine.travel(clinic_now(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def clinic_clock():
    """The clock stopped at Wednesday 13 May 2026, 10:00 clinic time; yields the traveller to move it on.

    `clinic_clock.shift(dt.timedelta(hours=2))` moves it on; `clinic_clock.move_to(...)` goes elsewhere.
    """
    yield from _stopped_at_clinic_now()


@pytest.fixture(scope="module")
def clinic_clock_for_module():
    """`clinic_clock` for a whole module, from the first test that asks: for module-scoped set-up (the demo)."""
    yield from _stopped_at_clinic_now()


@pytest.fixture
def today(clinic_clock) -> dt.date:
    """The clinic's today, with the clock stopped."""
    return timezone.localdate()


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    if is_required_for(user):
        # Clinic admins must give a second factor: their clients come signed in with it given.
        verify_session(client, confirmed_app(user))
    return client


def _persona(name: str, factory, username: str, first_name: str, last_name: str):
    """Two fixtures: `name`, the persona's user, and `<name>_client`, a client signed in as them."""

    @pytest.fixture(name=name)
    def user(db):
        return factory(username=username, first_name=first_name, last_name=last_name)

    @pytest.fixture(name=f"{name}_client")
    def signed_in(request) -> Client:
        return _client_for(request.getfixturevalue(name))

    return user, signed_in


practitioner, practitioner_client = _persona("practitioner", PractitionerFactory, "alice", "Alice", "Chen")
other_practitioner, other_practitioner_client = _persona(
    "other_practitioner", PractitionerFactory, "bob", "Bob", "Reyes"
)
front_desk, front_desk_client = _persona("front_desk", FrontDeskFactory, "fiona", "Fiona", "Walsh")
clinic_admin, clinic_admin_client = _persona("clinic_admin", ClinicAdminFactory, "carmen", "Carmen", "Diaz")


@pytest.fixture
def client_for():
    """A logged-in client for any user a test builds itself."""
    return _client_for
