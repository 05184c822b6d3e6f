"""Every CSV cell a spreadsheet would run as a formula is turned into text; numbers stay numbers."""

import csv
import io

import pytest
from django.urls import reverse

from clinic.csv_export import neutralise
from tests.factories import PractitionerFactory
from tests.treatments.test_outcomes import A, course
from treatments.models import ReferenceFigures


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ('=HYPERLINK("http://x","click")', '\'=HYPERLINK("http://x","click")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-1.5", "-1.5"),
        ("-3", "-3"),
        ("4.0", "4.0"),
        ("Mei Lin", "Mei Lin"),
        (None, ""),
        (7, "7"),
    ],
)
def test_neutralise(value, shown):
    assert neutralise(value) == shown


@pytest.mark.django_db
@pytest.mark.usefixtures("clinic_clock")
def test_typed_text_reaches_both_outcome_exports_as_text(clinic_admin_client):
    practitioner = PractitionerFactory(username="=cmd|calc")
    course(A, "8.0", ["8.0", "6.0"], practitioner=practitioner)
    ReferenceFigures.objects.filter(approach=A, is_active=True).update(citation="@SUM(1+1)*cmd")
    plans = clinic_admin_client.get(reverse("treatments:outcome_plans_csv")).getvalue().decode()
    table = clinic_admin_client.get(reverse("treatments:outcomes_csv")).content.decode()
    plan_rows = list(csv.DictReader(io.StringIO(plans)))
    assert plan_rows[0]["practitioner"] == "'=cmd|calc"
    assert plan_rows[0]["reduction"] == "2.0"
    acupuncture = next(row for row in csv.DictReader(io.StringIO(table)) if row["approach"] == A)
    assert acupuncture["reference_source"] == "'@SUM(1+1)*cmd"
