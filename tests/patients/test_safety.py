"""Each safety rule, shown to fire when it should and stay quiet when it should not.

The rules read plain model instances, so most tests build unsaved objects and touch no database.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from patients import safety
from patients.models import Consent, Diagnosis, DiagnosisCode, Intake, Side
from patients.safety import (
    SafetyFacts,
    blocks_all_treatment,
    blocks_electroacupuncture,
    blocks_heat,
    flags_from,
    load_facts,
)
from tests.factories import ConsentFactory, DiagnosisFactory, IntakeFactory, PatientFactory

TODAY = date(2025, 6, 2)


def make_intake(**overrides) -> Intake:
    fields = {
        "affected_side": Side.LEFT,
        "onset_date": TODAY - timedelta(days=90),
        "baseline_first_step_pain": Decimal("7.0"),
        "baseline_average_pain": Decimal("5.0"),
    }
    return Intake(**{**fields, **overrides})


def make_consent(**overrides) -> Consent:
    return Consent(**{"given_on": TODAY - timedelta(days=10), "covers_acupuncture": True, **overrides})


def make_diagnosis(code=DiagnosisCode.PLANTAR_FASCIITIS, **overrides) -> Diagnosis:
    return Diagnosis(**{"code": code, "side": Side.BOTH, **overrides})


def facts(*, intake=None, consents=(), diagnoses=()) -> SafetyFacts:
    return SafetyFacts(intake=intake, consents=tuple(consents), diagnoses=tuple(diagnoses))


CONSENTED = (make_consent(covers_electroacupuncture=True, covers_heat=True),)


def codes(found) -> set[str]:
    return {flag.code for flag in flags_from(found)}


# --- every rule is tested ------------------------------------------------------------------


TESTED_RULES = {
    "no_consent",
    "implanted_device",
    "pregnancy",
    "bleeding_risk",
    "ulcer_or_infection",
    "diabetes_or_neuropathy",
    "poor_circulation",
    "faint_risk",
    "metal_allergy",
}


def test_every_rule_in_RULES_has_tests_in_this_module():
    assert {rule.__name__ for rule in safety.RULES} == TESTED_RULES


def test_a_consented_patient_with_an_unremarkable_intake_has_no_flags():
    assert flags_from(facts(intake=make_intake(), consents=CONSENTED)) == []


# --- no_consent ----------------------------------------------------------------------------


def test_no_consent_flags_a_patient_who_never_signed():
    flag = safety.no_consent(facts())
    assert flag.level == "danger"
    assert flag.title == "No consent on file"
    assert "Record signed consent" in flag.detail


def test_no_consent_says_so_when_the_only_consent_was_withdrawn():
    withdrawn = make_consent(withdrawn_on=TODAY, withdrawal_reason="changed her mind")
    flag = safety.no_consent(facts(consents=[withdrawn]))
    assert flag.title == "No consent on file"
    assert "withdrawn" in flag.detail


def test_no_consent_is_quiet_when_one_consent_is_in_force_beside_a_withdrawn_one():
    withdrawn = make_consent(withdrawn_on=TODAY)
    assert safety.no_consent(facts(consents=[withdrawn, make_consent()])) is None


def test_a_consent_that_does_not_cover_acupuncture_is_not_consent_to_treat():
    assert safety.no_consent(facts(consents=[make_consent(covers_acupuncture=False)])) is not None


# --- implanted_device ----------------------------------------------------------------------


def test_an_implanted_device_blocks_electroacupuncture_by_name():
    flag = safety.implanted_device(
        facts(intake=make_intake(implanted_device=True, implanted_device_detail="Pacemaker"))
    )
    assert flag.level == "danger"
    assert flag.title == "Pacemaker — no electroacupuncture"


def test_an_implanted_device_without_detail_still_flags():
    flag = safety.implanted_device(facts(intake=make_intake(implanted_device=True)))
    assert "no electroacupuncture" in flag.title


def test_no_implanted_device_no_flag():
    assert safety.implanted_device(facts(intake=make_intake())) is None
    assert safety.implanted_device(facts()) is None


# --- pregnancy -----------------------------------------------------------------------------


def test_pregnancy_says_the_patient_is_pregnant_and_the_due_date():
    # Which points to avoid is the point catalogue's to say: tests/treatments/test_pregnancy_points.py.
    pregnant = make_intake(pregnant=True, pregnancy_due_date=date(2025, 11, 20))
    flag = safety.pregnancy(facts(intake=pregnant))
    assert flag.level == "danger"
    assert flag.title == "Pregnant"
    assert flag.detail == "Due Nov 20, 2025."


def test_not_pregnant_no_flag():
    assert safety.pregnancy(facts(intake=make_intake())) is None
    assert safety.pregnancy(facts()) is None


# --- bleeding_risk -------------------------------------------------------------------------


def test_a_severe_bleeding_disorder_excludes_needling():
    flag = safety.bleeding_risk(facts(intake=make_intake(bleeding_disorder=Intake.BleedingDisorder.SEVERE)))
    assert (flag.code, flag.level) == ("severe_bleeding_disorder", "danger")


def test_an_anticoagulant_is_a_caution():
    flag = safety.bleeding_risk(facts(intake=make_intake(anticoagulant=True)))
    assert (flag.code, flag.level) == ("bleeding_risk", "warning")
    assert flag.title.startswith("Anticoagulant")


def test_a_mild_bleeding_disorder_is_a_caution():
    flag = safety.bleeding_risk(facts(intake=make_intake(bleeding_disorder=Intake.BleedingDisorder.MILD)))
    assert (flag.code, flag.level) == ("bleeding_risk", "warning")
    assert flag.title.startswith("Mild bleeding disorder")


def test_a_severe_disorder_outranks_an_anticoagulant():
    intake = make_intake(anticoagulant=True, bleeding_disorder=Intake.BleedingDisorder.SEVERE)
    assert safety.bleeding_risk(facts(intake=intake)).code == "severe_bleeding_disorder"


def test_no_bleeding_risk_no_flag():
    assert safety.bleeding_risk(facts(intake=make_intake())) is None
    assert safety.bleeding_risk(facts()) is None


# --- ulcer_or_infection --------------------------------------------------------------------


def test_an_active_ulcer_forbids_local_needling_and_names_the_site():
    intake = make_intake(foot_ulcer_or_infection=True, ulcer_site="left heel")
    flag = safety.ulcer_or_infection(facts(intake=intake))
    assert flag.level == "danger"
    assert "(left heel)" in flag.title
    assert "no local needling" in flag.title


def test_no_ulcer_no_flag():
    assert safety.ulcer_or_infection(facts(intake=make_intake(ulcer_site="old note"))) is None


# --- diabetes_or_neuropathy ----------------------------------------------------------------


@pytest.mark.parametrize("kind", [Intake.Diabetes.TYPE_1, Intake.Diabetes.TYPE_2, Intake.Diabetes.OTHER])
def test_any_diabetes_asks_for_a_foot_inspection(kind):
    flag = safety.diabetes_or_neuropathy(facts(intake=make_intake(diabetes=kind)))
    assert (flag.code, flag.level) == ("diabetic_foot", "warning")
    assert flag.title.startswith("Diabetes")


@pytest.mark.parametrize("code", [DiagnosisCode.POLYNEUROPATHY, DiagnosisCode.DIABETIC_POLYNEUROPATHY])
def test_an_active_neuropathy_diagnosis_asks_for_a_foot_inspection_without_an_intake(code):
    flag = safety.diabetes_or_neuropathy(facts(diagnoses=[make_diagnosis(code)]))
    assert flag.title.startswith("Neuropathy")


def test_a_neuropathy_diagnosis_read_from_the_database_is_recognised():
    # Codes loaded from the database are plain strings, not DiagnosisCode members.
    flag = safety.diabetes_or_neuropathy(facts(diagnoses=[make_diagnosis("G62.9")]))
    assert flag is not None


def test_a_resolved_neuropathy_or_other_diagnoses_do_not_flag():
    resolved = make_diagnosis(DiagnosisCode.POLYNEUROPATHY, status=Diagnosis.Status.RESOLVED)
    plantar = make_diagnosis(DiagnosisCode.PLANTAR_FASCIITIS)
    assert safety.diabetes_or_neuropathy(facts(intake=make_intake(), diagnoses=[resolved, plantar])) is None


# --- poor_circulation ----------------------------------------------------------------------


def test_peripheral_vascular_disease_is_a_caution():
    flag = safety.poor_circulation(facts(intake=make_intake(peripheral_vascular_disease=True)))
    assert (flag.code, flag.level) == ("poor_circulation", "warning")


def test_good_circulation_no_flag():
    assert safety.poor_circulation(facts(intake=make_intake())) is None


# --- faint_risk ----------------------------------------------------------------------------


def test_a_history_of_fainting_means_treating_lying_down():
    flag = safety.faint_risk(facts(intake=make_intake(fainting_history=True)))
    assert flag.title == "History of fainting — treat lying down"
    assert flag.level == "warning"


def test_needle_phobia_means_treating_lying_down():
    flag = safety.faint_risk(facts(intake=make_intake(needle_phobia=True)))
    assert flag.title == "Needle phobia — treat lying down"


def test_no_fainting_or_phobia_no_flag():
    assert safety.faint_risk(facts(intake=make_intake())) is None


# --- metal_allergy -------------------------------------------------------------------------


def test_a_metal_allergy_is_a_caution():
    flag = safety.metal_allergy(facts(intake=make_intake(metal_allergy=True)))
    assert (flag.code, flag.level) == ("metal_allergy", "warning")


def test_no_metal_allergy_no_flag():
    assert safety.metal_allergy(facts(intake=make_intake())) is None


# --- the banner's order --------------------------------------------------------------------


def test_danger_flags_come_before_cautions_whatever_the_rule_order():
    intake = make_intake(metal_allergy=True, needle_phobia=True, implanted_device=True, pregnant=True)
    found = flags_from(facts(intake=intake))
    levels = [flag.level for flag in found]
    assert levels == sorted(levels, key=lambda level: level != "danger")
    assert {flag.code for flag in found} == {
        "no_consent",
        "implanted_device",
        "pregnancy",
        "faint_risk",
        "metal_allergy",
    }
    assert [flag.css_class for flag in found][-1] == "warning"


# --- what the session form asks ------------------------------------------------------------


def test_electroacupuncture_is_blocked_by_an_implanted_device_or_missing_consent():
    assert blocks_electroacupuncture(facts(intake=make_intake(implanted_device=True), consents=CONSENTED))
    assert not blocks_electroacupuncture(facts(intake=make_intake(), consents=CONSENTED))
    assert blocks_electroacupuncture(facts())


def test_electroacupuncture_is_blocked_when_the_consent_in_force_does_not_cover_it():
    needling_only = make_consent(covers_electroacupuncture=False)
    assert blocks_electroacupuncture(facts(intake=make_intake(), consents=[needling_only]))


def test_heat_needs_a_consent_that_covers_it():
    assert blocks_heat(facts(intake=make_intake(), consents=[make_consent(covers_heat=False)]))
    assert not blocks_heat(facts(intake=make_intake(), consents=[make_consent(covers_heat=True)]))
    assert blocks_heat(facts(intake=make_intake()))


def test_all_treatment_is_blocked_without_consent():
    assert blocks_all_treatment(facts(intake=make_intake()))
    assert blocks_all_treatment(facts(intake=make_intake(), consents=[make_consent(withdrawn_on=TODAY)]))


def test_all_treatment_is_blocked_by_a_severe_bleeding_disorder_even_with_consent():
    intake = make_intake(bleeding_disorder=Intake.BleedingDisorder.SEVERE)
    assert blocks_all_treatment(facts(intake=intake, consents=CONSENTED))


def test_consent_and_a_mild_risk_do_not_block_treatment():
    intake = make_intake(anticoagulant=True, bleeding_disorder=Intake.BleedingDisorder.MILD, metal_allergy=True)
    assert not blocks_all_treatment(facts(intake=intake, consents=CONSENTED))
    assert not blocks_all_treatment(facts(consents=CONSENTED))


# --- loading the facts ---------------------------------------------------------------------


@pytest.mark.django_db
def test_load_facts_reads_intake_consents_and_diagnoses_in_three_queries(django_assert_num_queries):
    patient = PatientFactory()
    IntakeFactory(patient=patient, implanted_device=True)
    ConsentFactory.create_batch(3, patient=patient)
    DiagnosisFactory.create_batch(4, patient=patient)
    patient = type(patient).objects.get(pk=patient.pk)
    with django_assert_num_queries(3):
        loaded = load_facts(patient)
    assert len(loaded.consents) == 3
    assert len(loaded.diagnoses) == 4
    assert "implanted_device" in codes(loaded)


@pytest.mark.django_db
def test_load_facts_for_a_new_patient_has_no_intake_and_flags_missing_consent():
    loaded = load_facts(PatientFactory())
    assert loaded.intake is None
    assert codes(loaded) == {"no_consent"}
