"""Clinic admins read who opened a patient's record, and what one member of staff saw and changed; nobody else does."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def log_url(patient) -> str:
    return reverse("audit:patient_log", kwargs={"public_id": patient.public_id})


def activity_url(user) -> str:
    return reverse("audit:user_activity", kwargs={"pk": user.pk})


def _views(user, patient, count, *, kind=AccessEvent.Kind.CHART, when=None):
    when = when or timezone.now()
    AccessEvent.objects.bulk_create(
        AccessEvent(
            user=user,
            patient=patient,
            kind=kind,
            url_name="patients:chart",
            path=f"/patients/{patient.public_id}/" if patient else "/treatments/outcomes/",
            remote_addr="192.0.2.1",
            created_at=when - dt.timedelta(minutes=n),
        )
        for n in range(count)
    )


@pytest.fixture
def patient():
    return PatientFactory(given_name="Maria", family_name="Lopez")


# --- who may read them ---------------------------------------------------------------------------


def test_strangers_are_sent_to_sign_in(client, patient, practitioner):
    for url in (log_url(patient), activity_url(practitioner)):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["practitioner_client", "front_desk_client"])
def test_practitioners_and_the_front_desk_may_not_read_the_logs(request, persona, patient, practitioner):
    client = request.getfixturevalue(persona)
    for url in (log_url(patient), activity_url(practitioner)):
        assert client.get(url).status_code == 403


def test_a_clinic_admin_reads_who_opened_a_patients_record(clinic_admin_client, patient, practitioner):
    _views(practitioner, patient, 2)
    _views(practitioner, PatientFactory(), 1)  # another patient's: not on this log
    response = clinic_admin_client.get(log_url(patient))
    assert response.status_code == 200
    html = response.content.decode()
    assert "1–2 of 2 views" in html and "Alice Chen" in html and "192.0.2.1" in html
    assert activity_url(practitioner) in html


def test_an_unknown_patient_or_user_is_not_found(clinic_admin_client):
    assert clinic_admin_client.get("/audit/patients/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert clinic_admin_client.get("/audit/users/999999/").status_code == 404


def test_the_chart_links_to_the_access_log_for_clinic_admins_only(clinic_admin_client, practitioner_client, patient):
    chart = reverse("patients:chart", kwargs={"public_id": patient.public_id})
    assert log_url(patient) in clinic_admin_client.get(chart).content.decode()
    assert log_url(patient) not in practitioner_client.get(chart).content.decode()


def test_a_users_activity_shows_pages_opened_and_records_written(clinic_admin_client, front_desk, front_desk_client):
    patient = PatientFactory()
    front_desk_client.get(reverse("patients:chart", kwargs={"public_id": patient.public_id}))
    front_desk_client.post(reverse("patients:archive", kwargs={"public_id": patient.public_id}), {"reason": "Moved"})

    response = clinic_admin_client.get(activity_url(front_desk))
    assert response.status_code == 200
    [seen] = response.context["page"].object_list
    assert (seen.patient, seen.kind) == (patient, AccessEvent.Kind.CHART)
    [changed] = response.context["changes"]
    assert (changed["action"], changed["record"], changed["record_id"]) == ("Changed", "patient", str(patient.pk))
    assert changed["path"] == reverse("patients:archive", kwargs={"public_id": patient.public_id})


# --- filters and pages ---------------------------------------------------------------------------


def test_the_log_filters_by_period_and_page_kind(clinic_admin_client, patient, practitioner):
    now = timezone.now()
    _views(practitioner, patient, 3, when=now)
    _views(practitioner, patient, 2, when=now - dt.timedelta(days=10), kind=AccessEvent.Kind.SESSION)
    today = timezone.localdate(now)

    in_period = clinic_admin_client.get(log_url(patient), {"date_from": today.isoformat()})
    assert in_period.context["page"].paginator.count == 3
    sessions = clinic_admin_client.get(log_url(patient), {"kind": "session"})
    assert sessions.context["page"].paginator.count == 2
    earlier = (today - dt.timedelta(days=10)).isoformat()
    both = clinic_admin_client.get(log_url(patient), {"date_from": earlier, "date_to": earlier, "kind": "chart"})
    assert both.context["page"].paginator.count == 0
    assert "No views match these filters." in both.content.decode()


@pytest.mark.parametrize(
    "case",
    [
        ({"date_from": "2026-02-30"}, "date_from", "Enter a valid date."),
        ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, "date_to", "The period ends before it starts."),
        ({"kind": "passwords"}, "kind", "That is not one of the kinds of page."),
    ],
)
def test_bad_filters_are_named_at_their_field_and_the_whole_log_is_shown(
    clinic_admin_client, patient, practitioner, case
):
    query, field, message = case
    _views(practitioner, patient, 2)
    response = clinic_admin_client.get(log_url(patient), query)
    assert response.status_code == 200
    assert response.context["filter_form"].errors[field] == [message]
    assert f'id="id_{field}-error">{message}' in response.content.decode().replace("&#x27;", "'")
    assert response.context["page"].paginator.count == 2


@pytest.mark.parametrize("page", ["x", "-1", "999", ""])
def test_a_bad_page_number_shows_a_page_rather_than_an_error(clinic_admin_client, patient, practitioner, page):
    _views(practitioner, patient, 60)
    for url in (log_url(patient), activity_url(practitioner)):
        assert clinic_admin_client.get(url, {"page": page, "changes_page": page}).status_code == 200


def test_the_log_pages_fifty_views_at_a_time(clinic_admin_client, patient, practitioner):
    _views(practitioner, patient, 60)
    first = clinic_admin_client.get(log_url(patient))
    assert "1–50 of 60 views" in first.content.decode()
    second = clinic_admin_client.get(log_url(patient), {"page": 2, "kind": "chart"})
    html = second.content.decode()
    assert "51–60 of 60 views" in html and "?page=1&amp;kind=chart" in html


# --- the same work at any size -------------------------------------------------------------------


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_patient_log_runs_the_same_queries_for_3_or_80_views(clinic_admin_client, patient, practitioner):
    _views(practitioner, patient, 3)
    clinic_admin_client.get(log_url(patient))  # warm the session and role caches
    small = _count_queries(clinic_admin_client, log_url(patient))
    _views(practitioner, patient, 77)
    assert _count_queries(clinic_admin_client, log_url(patient)) == small


def test_the_activity_page_runs_the_same_queries_for_3_or_80_events(clinic_admin_client, practitioner):
    _views(practitioner, PatientFactory(), 3)
    clinic_admin_client.get(activity_url(practitioner))
    small = _count_queries(clinic_admin_client, activity_url(practitioner))
    for _ in range(7):
        _views(practitioner, PatientFactory(), 11)
    _views(practitioner, None, 5, kind=AccessEvent.Kind.REPORT)
    assert _count_queries(clinic_admin_client, activity_url(practitioner)) == small
