"""Six clerks book the same practitioner at the same moment: PostgreSQL lets exactly one win.

Real HTTP requests against the live server, each handled in its own thread
with its own database connection, released together by a barrier. The losers
must see which appointment is in the way, never a server error, and the
database must hold no overlapping appointments afterwards.
"""

import datetime as dt
import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.clock import monday_ahead
from tests.factories import (
    ConsentFactory,
    FrontDeskFactory,
    PatientFactory,
    TreatmentPlanFactory,
    full_week_hours,
)
from treatments.models import Appointment, TreatmentPlan, local_datetime

CLERKS = 6
SESSIONS = 8
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

OVERLAPS = """
    SELECT count(*)
    FROM treatments_appointment a
    JOIN treatments_appointment b
      ON a.id < b.id
     AND a.practitioner_id = b.practitioner_id
     AND tstzrange(a.starts_at, a.ends_at) && tstzrange(b.starts_at, b.ends_at)
    WHERE a.status <> 'cancelled' AND b.status <> 'cancelled'
"""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _signed_in_opener(user, host: str) -> urllib.request.OpenerDirector:
    """A browser-like client: its own cookie jar, holding a session for `user`, and no redirect following."""
    client = Client()
    client.force_login(user)
    jar = http.cookiejar.CookieJar()
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    jar.set_cookie(
        http.cookiejar.Cookie(
            0,
            settings.SESSION_COOKIE_NAME,
            session,
            None,
            False,
            host,
            False,
            False,
            "/",
            True,
            False,
            None,
            False,
            None,
            None,
            {},
        )
    )
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirects)


def _open(opener, url: str, data: dict | None = None) -> tuple[int, str]:
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    try:
        with opener.open(url, data=body, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _course_rows(first_monday: dt.date) -> dict:
    rows = {}
    for index in range(SESSIONS):
        rows[f"slot_{index}-date"] = (first_monday + dt.timedelta(weeks=index)).isoformat()
        rows[f"slot_{index}-time"] = "09:00"
    return rows


@pytest.mark.django_db(transaction=True)
def test_six_clerks_booking_the_same_slot_at_once_leave_one_winner_and_no_overlaps(live_server, practitioner, location):
    full_week_hours(practitioner, location)
    plans = []
    for _ in range(CLERKS):
        patient = PatientFactory()
        ConsentFactory(patient=patient, recorded_by=practitioner)
        plans.append(
            TreatmentPlanFactory(
                patient=patient,
                practitioner=practitioner,
                sessions_planned=SESSIONS,
                frequency=TreatmentPlan.Frequency.WEEKLY,
            )
        )
    clerks = [FrontDeskFactory(username=f"clerk{n}") for n in range(CLERKS)]
    first_monday = monday_ahead()
    # An address with dots: the cookie jar files a bare "localhost" under "localhost.local".
    base = live_server.url.replace("localhost", "127.0.0.1")
    host = urllib.parse.urlsplit(base).hostname
    # Sign in from this thread, so the clerks' threads make HTTP requests only.
    openers = [_signed_in_opener(clerk, host) for clerk in clerks]

    barrier = threading.Barrier(CLERKS)
    results: list[tuple[int, str] | Exception] = [None] * CLERKS

    def clerk_books(n: int) -> None:
        try:
            opener = openers[n]
            url = base + reverse("treatments:plan_book", kwargs={"plan_id": plans[n].public_id})
            status, page = _open(opener, url)
            assert status == 200, page[:500]
            token = CSRF_INPUT.search(page).group(1)
            form = {
                "csrfmiddlewaretoken": token,
                "action": "confirm",
                "first_day": first_monday.isoformat(),
                "preferred_time": "09:00",
                "location": location.pk,
                "expected": SESSIONS,
                **_course_rows(first_monday),
            }
            barrier.wait(timeout=30)
            results[n] = _open(opener, url, form)
        except Exception as error:  # reported below, with the thread that raised it
            barrier.abort()
            results[n] = error

    threads = [threading.Thread(target=clerk_books, args=(n,)) for n in range(CLERKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    errors = [result for result in results if isinstance(result, Exception)]
    assert not errors, errors
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] * (CLERKS - 1) + [302], statuses
    for status, page in results:
        if status == 200:
            assert "clashes" in page
            assert "overlaps the practitioner" in page

    first_slot = local_datetime(first_monday, dt.time(9, 0))
    live = Appointment.objects.live().filter(practitioner=practitioner)
    assert live.filter(starts_at=first_slot).count() == 1
    assert live.count() == SESSIONS
    assert len({appointment.plan_id for appointment in live}) == 1
    with connection.cursor() as cursor:
        cursor.execute(OVERLAPS)
        assert cursor.fetchone()[0] == 0
