"""Safety flags: what makes needling unsafe for this patient, in one place.

Each rule reads the patient's intake, consents and diagnoses and returns a
flag or nothing. The chart shows them as a banner today; the session form
(treatments) uses the same flags and the `blocks_*` answers to refuse unsafe
work. Every rule has a test in tests/patients/test_safety.py.

Which points to avoid in pregnancy is the point catalogue's to say (its
`avoid_in_pregnancy` column, in treatments): here the pregnancy flag only says
that the patient is pregnant, and treatments.sessions.pregnancy names the points.

The rules and their sources: docs/clinical/safety-rules.md.
"""

from collections.abc import Callable
from dataclasses import dataclass

from patients.models import NEUROPATHY_CODES, Consent, Diagnosis, Intake, Patient


@dataclass(frozen=True)
class SafetyFlag:
    code: str
    title: str
    detail: str
    # "danger": something must not be done; "warning": do it with care.
    level: str

    @property
    def css_class(self) -> str:
        return "danger" if self.level == "danger" else "warning"


@dataclass(frozen=True)
class SafetyFacts:
    """Everything the rules read, loaded once by the caller (no queries inside rules)."""

    intake: Intake | None
    consents: tuple[Consent, ...]
    diagnoses: tuple[Diagnosis, ...]

    @property
    def consent_in_force(self) -> Consent | None:
        return next((c for c in self.consents if c.in_force), None)

    @property
    def active_codes(self) -> set[str]:
        return {d.code for d in self.diagnoses if d.is_active}

    @property
    def pregnant(self) -> bool:
        return bool(self.intake and self.intake.pregnant)


Rule = Callable[[SafetyFacts], SafetyFlag | None]


def no_consent(facts: SafetyFacts) -> SafetyFlag | None:
    if facts.consent_in_force:
        return None
    withdrawn = any(c.withdrawn_on for c in facts.consents)
    return SafetyFlag(
        "no_consent",
        "No consent on file",
        "Consent was withdrawn; no treatment can be logged." if withdrawn else "Record signed consent before treating.",
        "danger",
    )


def implanted_device(facts: SafetyFacts) -> SafetyFlag | None:
    if not (facts.intake and facts.intake.implanted_device):
        return None
    device = facts.intake.implanted_device_detail or "Pacemaker or implanted device"
    return SafetyFlag(
        "implanted_device", f"{device} — no electroacupuncture", "Electrical stimulation is blocked.", "danger"
    )


def pregnancy(facts: SafetyFacts) -> SafetyFlag | None:
    if not facts.pregnant:
        return None
    due = facts.intake.pregnancy_due_date
    return SafetyFlag("pregnancy", "Pregnant", f"Due {due:%b %d, %Y}." if due else "", "danger")


def bleeding_risk(facts: SafetyFacts) -> SafetyFlag | None:
    intake = facts.intake
    if not intake:
        return None
    if intake.bleeding_disorder == Intake.BleedingDisorder.SEVERE:
        return SafetyFlag(
            "severe_bleeding_disorder", "Severe bleeding disorder — do not needle", "Needling is excluded.", "danger"
        )
    if intake.anticoagulant or intake.bleeding_disorder == Intake.BleedingDisorder.MILD:
        cause = "Anticoagulant or antiplatelet medicine" if intake.anticoagulant else "Mild bleeding disorder"
        return SafetyFlag(
            "bleeding_risk", f"{cause} — bleeding risk", "Expect bruising; press needle sites.", "warning"
        )
    return None


def diabetes_or_neuropathy(facts: SafetyFacts) -> SafetyFlag | None:
    diabetic = bool(facts.intake and facts.intake.diabetes != Intake.Diabetes.NONE)
    neuropathy = bool(facts.active_codes & {str(code) for code in NEUROPATHY_CODES})
    if not (diabetic or neuropathy):
        return None
    cause = "Diabetes" if diabetic else "Neuropathy"
    return SafetyFlag(
        "diabetic_foot",
        f"{cause} — inspect feet; no needling into broken skin",
        "Reduced sensation and a higher infection risk.",
        "warning",
    )


def poor_circulation(facts: SafetyFacts) -> SafetyFlag | None:
    if not (facts.intake and facts.intake.peripheral_vascular_disease):
        return None
    return SafetyFlag(
        "poor_circulation", "Peripheral vascular disease — infection risk", "Inspect the feet each visit.", "warning"
    )


def ulcer_or_infection(facts: SafetyFacts) -> SafetyFlag | None:
    if not (facts.intake and facts.intake.foot_ulcer_or_infection):
        return None
    site = facts.intake.ulcer_site or "site not recorded"
    return SafetyFlag(
        "ulcer", f"Active ulcer or infection ({site}) — no local needling", "Treat away from it.", "danger"
    )


def faint_risk(facts: SafetyFacts) -> SafetyFlag | None:
    if not (facts.intake and (facts.intake.fainting_history or facts.intake.needle_phobia)):
        return None
    cause = "History of fainting" if facts.intake.fainting_history else "Needle phobia"
    return SafetyFlag("faint_risk", f"{cause} — treat lying down", "Watch for a vasovagal reaction.", "warning")


def metal_allergy(facts: SafetyFacts) -> SafetyFlag | None:
    if not (facts.intake and facts.intake.metal_allergy):
        return None
    return SafetyFlag("metal_allergy", "Metal allergy — check needle material", "", "warning")


RULES: tuple[Rule, ...] = (
    no_consent,
    implanted_device,
    pregnancy,
    bleeding_risk,
    ulcer_or_infection,
    diabetes_or_neuropathy,
    poor_circulation,
    faint_risk,
    metal_allergy,
)


def flags_from(facts: SafetyFacts) -> list[SafetyFlag]:
    flags = [flag for rule in RULES if (flag := rule(facts))]
    return sorted(flags, key=lambda flag: flag.level != "danger")


def load_facts(patient: Patient) -> SafetyFacts:
    """Three queries at most, whatever the patient's history."""
    try:
        intake = patient.intake
    except Intake.DoesNotExist:
        intake = None
    return SafetyFacts(
        intake=intake,
        consents=tuple(patient.consents.all()),
        diagnoses=tuple(patient.diagnoses.all()),
    )


def flags_for(patient: Patient) -> list[SafetyFlag]:
    return flags_from(load_facts(patient))


def blocks_electroacupuncture(facts: SafetyFacts) -> bool:
    """An implanted device, or a consent that does not cover electrical stimulation."""
    consent = facts.consent_in_force
    return bool(facts.intake and facts.intake.implanted_device) or not (consent and consent.covers_electroacupuncture)


def blocks_heat(facts: SafetyFacts) -> bool:
    consent = facts.consent_in_force
    return not (consent and consent.covers_heat)


def blocks_all_treatment(facts: SafetyFacts) -> bool:
    return facts.consent_in_force is None or bool(
        facts.intake and facts.intake.bleeding_disorder == Intake.BleedingDisorder.SEVERE
    )
