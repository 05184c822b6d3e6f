"""The access matrix: every URL the app serves, opened by each role on its own objects and on a colleague's.

Two practitioners, Alice and Bob, each have a patient with a full clinical record (intake with a pacemaker,
diagnosis, consent, symptoms, a plan, a signed session with an adverse event, an upcoming appointment). Every
named URL outside the Django admin is opened (GET) as:

  anonymous · front desk · Alice on her own patient · Alice on Bob's patient · clinic admin

and the status must be the one in EXPECTED (written down in docs/security.md#access-matrix). Whatever the
status, the front desk's pages never carry a word of the clinical record, and no page ever answers 500.
The admin site's own pages are covered by tests/clinic/test_url_protection.py and the admin tests.
"""

import datetime as dt
import json
import os
import uuid

import pytest
from django.urls import URLPattern, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from tests.clinic.test_url_protection import _walk
from tests.factories import (
    AppointmentFactory,
    ConsentFactory,
    DiagnosisFactory,
    IntakeFactory,
    PatientFactory,
    SymptomRecordFactory,
    TreatmentPlanFactory,
    TreatmentSessionFactory,
)
from treatments.models import AdverseEvent, Appointment, CalendarFeed, local_datetime

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clinic_clock")]

# Words planted in each clinical record; the front desk must never be shown one.
CLINICAL_MARKS = ("Medtronic", "marathon-complaint", "night-shift-subjective", "ants-symptom", "bruise-action")
VIEWERS = ("anonymous", "front_desk", "own", "other", "clinic_admin")
# Outside this matrix: the admin site (its own tests), sign-in and sign-out, the health check.
SKIPPED = {"login", "logout", "healthz"}


def clinical_record(practitioner, name: str) -> dict:
    patient = PatientFactory(given_name=name, family_name="Matrix")
    IntakeFactory(
        patient=patient,
        recorded_by=practitioner,
        implanted_device=True,
        implanted_device_detail="Medtronic pacemaker",
        complaint_notes="marathon-complaint",
    )
    diagnosis = DiagnosisFactory(patient=patient, recorded_by=practitioner)
    consent = ConsentFactory(patient=patient, recorded_by=practitioner)
    SymptomRecordFactory(patient=patient, recorded_by=practitioner, note="ants-symptom")
    plan = TreatmentPlanFactory(patient=patient, practitioner=practitioner)
    today = timezone.localdate()
    hour = dt.time(9 if name == "Maria" else 14)
    session = TreatmentSessionFactory(
        appointment__patient=patient,
        appointment__practitioner=practitioner,
        appointment__plan=plan,
        appointment__starts_at=local_datetime(today - dt.timedelta(days=7), hour),
        subjective="night-shift-subjective",
    )
    AdverseEvent.objects.create(
        session=session,
        kind=AdverseEvent.Kind.BLEEDING,
        severity=AdverseEvent.Severity.MILD,
        action_taken="bruise-action",
    )
    upcoming = AppointmentFactory(
        patient=patient,
        practitioner=practitioner,
        plan=plan,
        location=session.appointment.location,
        starts_at=local_datetime(today + dt.timedelta(days=1), hour),
        status=Appointment.Status.BOOKED,
    )
    feed = CalendarFeed.objects.create(practitioner=practitioner)
    return {
        "public_id": patient.public_id,
        "plan_id": plan.public_id,
        "appointment_id": upcoming.pk,
        "session_id": session.pk,
        "diagnosis_id": diagnosis.pk,
        "consent_id": consent.pk,
        "token": feed.token,
        "pk": practitioner.pk,
        "user_id": practitioner.pk,
    }


@pytest.fixture
def records(practitioner, other_practitioner):
    return {"own": clinical_record(practitioner, "Maria"), "other": clinical_record(other_practitioner, "Omar")}


def app_urls() -> list[tuple[str, URLPattern]]:
    found = {}
    for name, pattern in _walk(get_resolver().url_patterns):
        if name.startswith("admin:") or name in SKIPPED:
            continue
        found.setdefault(name, pattern)
    return sorted(found.items())


def url_for(name: str, pattern: URLPattern, record: dict) -> str:
    assert isinstance(pattern.pattern, RoutePattern), f"{name}: teach the matrix its pattern"
    kwargs = {}
    for key, converter in pattern.pattern.converters.items():
        if key in record:
            kwargs[key] = record[key]
        else:
            kwargs[key] = uuid.uuid4() if "UUID" in type(converter).__name__ else 1
    return reverse(name, kwargs=kwargs)


def client_for(viewer: str, clients: dict):
    return clients["practitioner" if viewer in ("own", "other") else viewer]


@pytest.fixture
def clients(client, front_desk_client, practitioner_client, clinic_admin_client):
    return {
        "anonymous": client,
        "front_desk": front_desk_client,
        "practitioner": practitioner_client,
        "clinic_admin": clinic_admin_client,
    }


def observe(method: str, name: str, pattern: URLPattern, records: dict, clients: dict) -> dict[str, int]:
    """The status each viewer gets for one method; asserts the invariants on the way.

    A POST carries no data: an allowed viewer gets the form back with its errors (200), a redirect, or a
    refusal of the empty request (400, 409); a viewer without the right gets 403 or 404 before any form is read.
    """
    seen = {}
    for viewer in VIEWERS:
        record = records["other" if viewer == "other" else "own"]
        url = url_for(name, pattern, record)
        response = getattr(client_for(viewer, clients), method.lower())(url)
        assert response.status_code != 500, f"{viewer} got a 500 from {method} {url}"
        if viewer == "anonymous" and response.status_code == 302:
            assert "/login/" in response["Location"], f"{method} {url} sends a stranger somewhere else"
        if viewer == "front_desk" and response.status_code == 200:
            body = b"".join(response) if response.streaming else response.content
            for mark in CLINICAL_MARKS:
                assert mark.encode() not in body, f"the front desk sees {mark!r} at {method} {url}"
        seen[viewer] = response.status_code
    return seen


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(("name", "pattern"), app_urls(), ids=[name for name, _ in app_urls()])
def test_every_url_answers_each_viewer_as_the_matrix_says(name, pattern, method, records, clients):
    from tests.access_matrix_expected import EXPECTED

    seen = observe(method, name, pattern, records, clients)
    if os.environ.get("RECORD_ACCESS_MATRIX"):
        # Writing the table down afresh after reviewing what changed: see docs/security.md#access-matrix.
        with open(os.environ["RECORD_ACCESS_MATRIX"], "a", encoding="utf-8") as out:
            out.write(json.dumps([name, method, [seen[viewer] for viewer in VIEWERS]]) + "\n")
        return
    assert name in EXPECTED, f"{name} is new: add its row to tests/access_matrix_expected.py ({seen})"
    assert seen == dict(zip(VIEWERS, EXPECTED[name][method], strict=True)), f"{method} {name}: {seen}"
