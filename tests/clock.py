"""The clinic's clock in tests: one ordinary instant to freeze at, and the awkward instants to run at.

Tests that derive a date or a time from "now" freeze the clock at `clinic_now()` (the `clinic_clock`
fixture), so what they book, show and refuse never depends on when the suite runs. The date helpers
here read the (frozen) clock, exactly as the code under test does.

`CLINIC_TEST_NOW` (an ISO date-time) moves the whole test process's clock to another instant, still
ticking, and each test starts there again: tests/test_clock_independence.py runs the date-sensitive
modules that way at instants where a date goes wrong (late on a Sunday, just after midnight, the
nights the clocks change, New Year's Eve). A test's own `clinic_clock` still wins over it.
"""

import datetime as dt
import os
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

NOW_VARIABLE = "CLINIC_TEST_NOW"

# Wednesday 13 May 2026, 10:00 at the clinic: mid-week, mid-morning, and more than eight weeks from
# either daylight-saving change, so "last week", "next Monday" and a whole course all keep one UTC offset.
CLINIC_NOW = (2026, 5, 13, 10, 0)


def clinic_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def clinic_now() -> dt.datetime:
    """The instant `clinic_clock` freezes at, in the clinic's time zone."""
    return dt.datetime(*CLINIC_NOW, tzinfo=clinic_zone())


def now_from_environment() -> dt.datetime | None:
    """The instant `CLINIC_TEST_NOW` asks for, in the clinic's time zone (a naive value is clinic time)."""
    value = os.environ.get(NOW_VARIABLE, "").strip()
    if not value:
        return None
    instant = dt.datetime.fromisoformat(value)
    if instant.tzinfo is None:
        return instant.replace(tzinfo=clinic_zone())
    return instant.astimezone(clinic_zone())


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """`day` at hour:minute on the clinic's wall clock."""
    from treatments.models import local_datetime

    return local_datetime(day, dt.time(hour, minute))


def today_at(hour: int, minute: int = 0, *, days: int = 0) -> dt.datetime:
    """Today (plus `days`) at hour:minute on the clinic's wall clock."""
    return at(timezone.localdate() + dt.timedelta(days=days), hour, minute)


def next_weekday(weekday: int, after: dt.date | None = None) -> dt.date:
    """The first `weekday` (0 is Monday) strictly after `after` (today by default)."""
    day = (after or timezone.localdate()) + dt.timedelta(days=1)
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def monday_ahead(weeks: int = 1) -> dt.date:
    """The first Monday at least `weeks` weeks from today."""
    day = timezone.localdate() + dt.timedelta(days=7 * weeks)
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)
