"""`manage.py backup` and `manage.py restore`: a seeded database survives the round trip unchanged."""

import datetime as dt
import shutil
import uuid
from decimal import Decimal

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg2 import sql

from clinic.management import postgres
from tests.factories import (
    ConsentFactory,
    IntakeFactory,
    PatientFactory,
    TreatmentPlanFactory,
    TreatmentSessionFactory,
)
from treatments.models import AdverseEvent, local_datetime

pytestmark = pytest.mark.skipif(
    not (shutil.which("pg_dump") and shutil.which("pg_restore")), reason="needs PostgreSQL's client tools"
)

KEY_TABLES = (
    "patients_patient",
    "patients_intake",
    "treatments_treatmentplan",
    "treatments_appointment",
    "treatments_treatmentsession",
    "treatments_adverseevent",
)


def _connect(name: str):
    database = connection.settings_dict
    return psycopg2.connect(
        dbname=name,
        host=database["HOST"] or None,
        port=database["PORT"] or None,
        user=database["USER"] or None,
        password=database["PASSWORD"] or None,
    )


def _fingerprints(name: str) -> dict[str, tuple[int, str]]:
    """Row count and an md5 of every row, in id order, of each key table."""
    found = {}
    with _connect(name) as conn, conn.cursor() as cursor:
        for table in KEY_TABLES:
            cursor.execute(
                sql.SQL("SELECT count(*), md5(coalesce(string_agg(t::text, '' ORDER BY id), '')) FROM {} t").format(
                    sql.Identifier(table)
                )
            )
            found[table] = cursor.fetchone()
    conn.close()
    return found


@pytest.fixture
def empty_database():
    """A new, empty database on the same server, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    admin = _connect("postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.close()


def _seed(practitioner) -> None:
    for index in range(3):
        patient = PatientFactory()
        ConsentFactory(patient=patient, recorded_by=practitioner)
        IntakeFactory(patient=patient, recorded_by=practitioner, baseline_first_step_pain=Decimal("7.5"))
        plan = TreatmentPlanFactory(patient=patient, practitioner=practitioner)
        for week in range(2):
            session = TreatmentSessionFactory(
                appointment__plan=plan,
                appointment__patient=patient,
                appointment__practitioner=practitioner,
                appointment__starts_at=local_datetime(dt.date(2026, 3, 2 + 7 * week + index), dt.time(10, 0)),
            )
        AdverseEvent.objects.create(
            session=session,
            kind=AdverseEvent.Kind.NEEDLE_PAIN,
            severity=AdverseEvent.Severity.MILD,
            action_taken="Needle withdrawn; settled within minutes.",
        )


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_an_empty_database_unchanged(practitioner, tmp_path, empty_database, capsys):
    _seed(practitioner)
    # pg_dump reads what is committed, hence the transactional test.
    call_command("backup", directory=str(tmp_path))
    output = capsys.readouterr().out
    archives = list(tmp_path.glob("*.dump"))
    assert len(archives) == 1
    archive = archives[0]
    assert output.strip().splitlines()[-1] == str(archive)
    assert "dumping contents of table" in output  # progress, table by table
    assert archive.stat().st_mode & 0o077 == 0  # the archive holds every record: owner-only
    assert not list(tmp_path.glob("*.partial"))

    call_command("restore", str(archive), database_name=empty_database)
    assert "Restored" in capsys.readouterr().out

    original = _fingerprints(connection.settings_dict["NAME"])
    assert all(count > 0 for count, _ in original.values()), original
    assert _fingerprints(empty_database) == original


@pytest.mark.django_db
def test_restore_refuses_a_database_that_has_tables(tmp_path):
    archive = tmp_path / "clinic.dump"
    archive.write_bytes(b"PGDMP")
    with pytest.raises(CommandError, match=r"Refusing to restore: database '.+' is not empty \(\d+ table"):
        call_command("restore", str(archive))


def test_restore_names_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No backup file at"):
        call_command("restore", str(tmp_path / "missing.dump"))


def test_the_password_goes_to_the_environment_never_the_command_line():
    database = {"NAME": "clinic", "HOST": "db", "PORT": "5432", "USER": "clinic", "PASSWORD": "s3cret"}
    assert postgres.connection_arguments(database) == ["--host", "db", "--port", "5432", "--username", "clinic"]
    assert postgres.client_environment(database)["PGPASSWORD"] == "s3cret"
