"""What the treatment tests share: the clinic's clock, its main location, next Monday, and Maria at the desk.

The diary, courses, sessions, plans and progress all count from today, so every test here runs with
the clock stopped at the clinic's ordinary Wednesday morning (tests/clock.py). A test that needs it to
move takes `clinic_clock` and shifts it.
"""

import datetime as dt

import pytest

from tests.clock import next_weekday
from tests.factories import LocationFactory
from tests.treatments.session_support import make_checked_in, make_patient, make_plan


@pytest.fixture(autouse=True)
def _treatments_run_on_the_clinic_clock(clinic_clock):
    """Applies `clinic_clock` (tests/conftest.py) to every test in tests/treatments/."""


@pytest.fixture
def location(db):
    """The main clinic."""
    return LocationFactory()


@pytest.fixture
def next_monday(clinic_clock) -> dt.date:
    """The Monday after today (18 May 2026 on the clinic clock): more than 24 hours ahead, never late notice."""
    return next_weekday(0)


# --- Maria, ready for today's treatment session (tests/treatments/session_support.py) -------------
# Modules about someone else define their own `patient`, `plan` and `appointment`.


@pytest.fixture
def patient(practitioner):
    """Maria Lopez: intake, consent (electroacupuncture and heat too) and a diagnosis, all by Alice."""
    return make_patient(practitioner)


@pytest.fixture
def plan(patient, practitioner):
    """Maria's ten-session plan with Alice."""
    return make_plan(patient, practitioner)


@pytest.fixture
def appointment(patient, practitioner, plan):
    """Maria's session today at 10:00 on her plan, and she is checked in."""
    return make_checked_in(patient, practitioner, plan)
