"""Reports read from their own database when there is one, and give up with a message when too slow."""

import csv
import io
from decimal import Decimal as D

import psycopg2
import pytest
from django.db import connection, connections, router
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.csv_export import csv_stream
from patients.models import Patient
from tests.treatments.test_plan_outcomes import plan_with_sessions
from treatments.models import PlanOutcome, TreatmentPlan
from treatments.progress import outcomes
from treatments.progress.reporting import REPORT_SLOT_LOCKS, ReportsBusy, ReportTimedOut, report_queries, reports_db


def statement_timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_a_report_statement_past_the_timeout_is_cancelled_and_the_request_goes_on(settings):
    settings.REPORT_STATEMENT_TIMEOUT_MS = 50
    with pytest.raises(ReportTimedOut), report_queries(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(1)")
    # The request's transaction survived the cancelled statement, and no longer runs under the timeout.
    assert statement_timeout() == "0"
    assert Patient.objects.count() >= 0


@pytest.mark.django_db
def test_the_timeout_ends_with_the_report(settings):
    settings.REPORT_STATEMENT_TIMEOUT_MS = 1234
    with report_queries():
        assert statement_timeout() == "1234ms"
    assert statement_timeout() == "0"


@pytest.mark.django_db
def test_a_slow_outcomes_page_says_so_instead_of_failing(clinic_admin_client, settings, monkeypatch):
    plan_with_sessions([D("7.0"), D("5.0")], status=TreatmentPlan.Status.COMPLETED)
    settings.REPORT_STATEMENT_TIMEOUT_MS = 50
    # Stand in for a report grown too big for the timeout: the table's statement sleeps first.
    slow = "SELECT * FROM pg_sleep(1), (" + outcomes.GROUP_SQL + ") AS slow"  # noqa: S608  (constant SQL)
    monkeypatch.setattr(outcomes, "GROUP_SQL", slow)
    response = clinic_admin_client.get(reverse("treatments:outcomes"))
    assert response.status_code == 503
    text = response.content.decode()
    assert "This report took too long" in text
    assert "0.05 seconds" in text
    # The next page of the same user works: nothing was left broken.
    assert clinic_admin_client.get(reverse("treatments:review_queue")).status_code == 200


@pytest.fixture
def every_report_slot_taken():
    """Another server's report holding the only slot: a second connection to the test database."""
    other = psycopg2.connect(**{**connection.get_connection_params(), "dbname": connection.settings_dict["NAME"]})
    other.autocommit = True
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, 0)", [REPORT_SLOT_LOCKS])
    yield
    other.close()


@pytest.mark.django_db
def test_a_report_waits_for_a_free_slot_and_gives_up_with_a_message(
    clinic_admin_client, settings, every_report_slot_taken
):
    settings.REPORT_QUEUE_TIMEOUT_MS = 100
    with pytest.raises(ReportsBusy), report_queries():
        pass
    response = clinic_admin_client.get(reverse("treatments:outcomes"))
    assert response.status_code == 503
    assert "reports are busy" in response.content.decode()
    exported = clinic_admin_client.get(reverse("treatments:outcome_plans_csv")).getvalue().decode()
    assert "reports were busy" in exported
    # Pages that are not reports do not queue, nor does a clinician's worklist.
    assert clinic_admin_client.get(reverse("patients:list")).status_code == 200
    assert clinic_admin_client.get(reverse("treatments:review_queue")).status_code == 200


def test_a_csv_streams_in_chunks_without_reading_every_row_first():
    produced = []

    def rows():
        for number in range(1, 1201):
            produced.append(number)
            yield [number, "=not a formula"]

    response = csv_stream("numbers.csv", rows())
    assert response.streaming
    chunks = iter(response.streaming_content)
    first = next(chunks).decode()
    assert len(produced) == 500  # the first chunk went out before the rest was read
    rest = b"".join(chunks).decode()
    lines = list(csv.reader(io.StringIO(first + rest)))
    assert len(lines) == 1200
    assert lines[0] == ["1", "'=not a formula"]
    assert response["Content-Disposition"] == 'attachment; filename="numbers.csv"'


def test_without_a_replica_reports_use_the_primary():
    assert router.db_for_read(PlanOutcome) == "default"
    assert reports_db() == "default"


@pytest.mark.django_db(transaction=True, databases=["default", "reports"])
def test_with_a_replica_the_outcomes_are_read_from_it_and_nothing_is_written_there(clinic_admin_client, settings):
    """The `reports` alias mirrors the test database here, as a streaming replica mirrors its primary."""
    settings.REPORTS_ON_REPLICA = True
    plan = plan_with_sessions([D("7.0"), D("5.0")], status=TreatmentPlan.Status.COMPLETED)
    assert router.db_for_read(PlanOutcome) == "reports"
    assert router.db_for_read(Patient) == "default"  # everything else reads from the primary
    assert router.db_for_write(PlanOutcome) == "default"
    assert not router.allow_migrate("reports", "treatments")

    with CaptureQueriesContext(connections["reports"]) as on_replica:
        response = clinic_admin_client.get(reverse("treatments:outcomes"))
        listed = clinic_admin_client.get(reverse("treatments:outcome_plans"), {"figure": "all"})
        exported = clinic_admin_client.get(reverse("treatments:outcome_plans_csv")).getvalue().decode()
    assert response.status_code == 200
    assert response.context["groups"][-1].n == 1
    assert [row.plan_id for row in listed.context["rows"]] == [plan.pk]
    assert str(plan.public_id) in exported
    replica_sql = " ".join(query["sql"] for query in on_replica.captured_queries)
    assert "treatments_planoutcome" in replica_sql
    assert not any(
        query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        for query in on_replica.captured_queries
    )
