"""No code path of the app can change or remove an audit row: the database refuses, and the admin offers nothing."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from audit.models import AccessEvent, PatientEvent
from tests.factories import PatientFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def access_event(practitioner):
    return AccessEvent.objects.create(
        user=practitioner, patient=PatientFactory(), kind=AccessEvent.Kind.CHART, url_name="patients:chart", path="/x/"
    )


@pytest.fixture
def patient_event():
    return PatientEvent.objects.get(pgh_obj=PatientFactory(), pgh_label="insert")


def _refused(action) -> None:
    with pytest.raises(DatabaseError, match="append_only"), transaction.atomic():
        action()


def _raw(sql: str, pk: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])


def test_access_events_cannot_be_updated_or_deleted(access_event):
    table = AccessEvent._meta.db_table
    _refused(lambda: AccessEvent.objects.filter(pk=access_event.pk).update(path="/elsewhere/"))
    _refused(lambda: AccessEvent.objects.filter(pk=access_event.pk).delete())
    _refused(access_event.delete)
    _refused(lambda: _raw(f"UPDATE {table} SET path = 'x' WHERE id = %s", access_event.pk))  # noqa: S608
    _refused(lambda: _raw(f"DELETE FROM {table} WHERE id = %s", access_event.pk))  # noqa: S608
    assert AccessEvent.objects.get(pk=access_event.pk).path == "/x/"


def test_write_events_cannot_be_updated_or_deleted(patient_event):
    table = PatientEvent._meta.db_table
    _refused(lambda: PatientEvent.objects.filter(pk=patient_event.pk).update(family_name="Nobody"))
    _refused(lambda: PatientEvent.objects.filter(pk=patient_event.pk).delete())
    _refused(lambda: _raw(f"UPDATE {table} SET family_name = 'x' WHERE pgh_id = %s", patient_event.pk))  # noqa: S608
    _refused(lambda: _raw(f"DELETE FROM {table} WHERE pgh_id = %s", patient_event.pk))  # noqa: S608
    assert PatientEvent.objects.get(pk=patient_event.pk).family_name == patient_event.family_name


@pytest.mark.parametrize("model", [AccessEvent, PatientEvent])
def test_even_a_superuser_finds_no_admin_page_to_change_or_delete_them(client_for, model, access_event, patient_event):
    superuser = client_for(UserFactory(username="root", is_staff=True, is_superuser=True))
    pk = access_event.pk if model is AccessEvent else patient_event.pk
    base = f"/admin/audit/{model._meta.model_name}"
    for url in (f"{base}/", f"{base}/{pk}/change/", f"{base}/{pk}/delete/"):
        assert superuser.get(url).status_code == 404, url
    assert "audit" not in superuser.get(reverse("admin:index")).content.decode().lower()
