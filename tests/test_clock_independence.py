"""The date-sensitive tests pass whenever they run: late on a Sunday, just after midnight, on the nights the
clocks change, and in the last minute of the year.

Each instant runs the modules below in a fresh pytest process whose whole clock starts there
(CLINIC_TEST_NOW, tests/conftest.py), with a test database of its own. The processes run side by side.
A test that reads the real clock where it should read the clinic clock (tests/clock.py) fails here.
"""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings

from tests.clock import NOW_VARIABLE, clinic_zone

ROOT = Path(__file__).resolve().parents[1]

# The modules that derive dates or times from "now" most: the diary (appointments, day sheet, week, course
# booking, reminders, the practitioner's calendar), plans, sessions, progress and follow-up, all on the clock
# tests/treatments/conftest.py stops; symptoms, whose module stops it with a constant read at import; and the
# demo, seeded once per module. Together they cover each way a test gets the clinic clock, in about two
# minutes for all five instants on two cores; the other modules stop the clock in the same ways.
MODULES = [
    "tests/treatments/test_appointments.py",
    "tests/treatments/test_booking_rules.py",
    "tests/treatments/test_calendar.py",
    "tests/treatments/test_course_booking.py",
    "tests/treatments/test_day_sheet.py",
    "tests/treatments/test_follow_up.py",
    "tests/treatments/test_plans.py",
    "tests/treatments/test_progress.py",
    "tests/treatments/test_reminders.py",
    "tests/treatments/test_scheduling.py",
    "tests/treatments/test_sessions.py",
    "tests/treatments/test_week_view.py",
    "tests/patients/test_symptoms.py",
    "tests/demo/test_sessions.py",
]
# The outcome-summary triggers made every write a little dearer: five instants side by side need longer.
TIMEOUT_SECONDS = 1500


def _sunday(year: int, month: int, nth: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(6 - first.weekday()) % 7 + 7 * (nth - 1))


def awkward_instants() -> dict[str, dt.datetime]:
    """Clinic time. In the United States the clocks go forward at 02:00 on the second Sunday of March
    and back at 02:00 on the first Sunday of November: 01:30 is the last half hour before each change
    (on the November night, the first of the two 01:30s)."""
    zone = clinic_zone()
    return {
        "sunday-2330": dt.datetime(2026, 6, 14, 23, 30, tzinfo=zone),
        "monday-0030": dt.datetime(2026, 6, 15, 0, 30, tzinfo=zone),
        "clocks-forward-0130": dt.datetime.combine(_sunday(2026, 3, 2), dt.time(1, 30), tzinfo=zone),
        "clocks-back-0130": dt.datetime.combine(_sunday(2026, 11, 1), dt.time(1, 30), tzinfo=zone),
        "new-years-eve-2359": dt.datetime(2026, 12, 31, 23, 59, tzinfo=zone),
    }


def child_database_url(suffix: str) -> str:
    """This run's database server and credentials, with a database name of the child's own.

    pytest-django names the test database after it (test_<name>), so no two runs share one.
    """
    database = settings.DATABASES["default"]
    name = f"{database['NAME'].removeprefix('test_')}_{suffix}"
    if "DATABASE_URL" in os.environ:
        parts = urlsplit(os.environ["DATABASE_URL"])
        return urlunsplit(parts._replace(path=f"/{name}"))
    user = quote(database["USER"] or "", safe="")
    password = f":{quote(database['PASSWORD'], safe='')}" if database["PASSWORD"] else ""
    port = f":{database['PORT']}" if database["PORT"] else ""
    return f"postgres://{user}{password}@{database['HOST']}{port}/{name}"


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Starts one pytest process per instant, all at once; yields {instant: (process, its output file)}."""
    if os.environ.get(NOW_VARIABLE):
        pytest.skip(f"already running at {NOW_VARIABLE}={os.environ[NOW_VARIABLE]}")
    started = {}
    for name, instant in awkward_instants().items():
        suffix = "at_" + name.replace("-", "_")
        environment = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_XDIST")}
        environment |= {NOW_VARIABLE: instant.isoformat(), "DATABASE_URL": child_database_url(suffix)}
        output = tmp_path_factory.mktemp("clock") / f"{suffix}.txt"
        with output.open("w") as sink:
            process = subprocess.Popen(
                [sys.executable, "-m", "pytest", *MODULES, "-m", "not browser", "-q", "-p", "no:randomly"],
                cwd=ROOT,
                env=environment,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        started[name] = (process, output)
    yield started
    for process, _output in started.values():
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize("instant", list(awkward_instants()))
def test_the_date_sensitive_tests_pass_at(runs, instant):
    process, output = runs[instant]
    try:
        process.wait(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    report = output.read_text()
    assert process.returncode == 0, f"At {awkward_instants()[instant]:%A %Y-%m-%d %H:%M %Z}:\n{report}"
