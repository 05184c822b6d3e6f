import io

import pytest
from django.core.management import call_command

from demo.management.commands.seed_demo import Command as SeedDemo
from demo.patients import COHORT, EXTRA_NAMES
from patients.models import Consent, Diagnosis, Intake, Patient, SymptomRecord
from patients.safety import flags_for

# The demo counts from today: seed it on the clinic clock (tests/clock.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clinic_clock")]


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command(SeedDemo(), stdout=io.StringIO())


def test_the_demo_cohort_is_created_once(seeded):
    counts = (Patient.objects.count(), Intake.objects.count(), SymptomRecord.objects.count(), Consent.objects.count())
    call_command(SeedDemo(), stdout=io.StringIO())
    assert (
        Patient.objects.count(),
        Intake.objects.count(),
        SymptomRecord.objects.count(),
        Consent.objects.count(),
    ) == (counts)
    # Later parts of the demo (treatment courses) may add a few patients of their own.
    assert counts[0] >= len(COHORT) + len(EXTRA_NAMES)
    assert counts[1] >= len(COHORT)


def test_the_demo_cohort_covers_each_condition_and_precaution(seeded):
    codes = set(Diagnosis.objects.values_list("code", flat=True))
    assert {"M72.2", "E11.42", "G62.9", "M77.31", "M77.32", "R20.0", "R20.2", "M79.671"} <= codes
    flag_codes = {flag.code for patient in Patient.objects.filter(intake__isnull=False) for flag in flags_for(patient)}
    assert {
        "no_consent",
        "implanted_device",
        "pregnancy",
        "bleeding_risk",
        "ulcer",
        "diabetic_foot",
        "faint_risk",
        "metal_allergy",
        "poor_circulation",
    } <= flag_codes
    assert Patient.objects.filter(archived_at__isnull=False).count() == 1
    assert Consent.objects.filter(withdrawn_on__isnull=False).count() == 1


def test_demo_symptoms_change_over_time(seeded):
    maria = Patient.objects.get(given_name="Maria", family_name="González")
    records = list(maria.symptom_records.filter(symptom="heel_pain").order_by("recorded_on"))
    assert len(records) == 4
    assert records[-1].severity < records[0].severity
