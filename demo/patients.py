"""A demo cohort for `seed_demo`: varied conditions, histories, precautions and symptom records.

Deterministic (a fixed random seed and fixed offsets from today), and
idempotent: a patient that already exists (same name and birth date) is left
alone with everything recorded for them.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from patients.models import Consent, Diagnosis, Intake, Patient, PriorTreatment, SymptomRecord

Sym = SymptomRecord.Symptom


@dataclass
class DemoPatient:
    given: str
    family: str
    born: date
    sex: str
    occupation: str
    # (code, side)
    diagnoses: list[tuple[str, str]]
    side: str
    first_step: str
    average: str
    # symptom, spots, severity at first visit
    symptoms: list[tuple[str, list[str], int]]
    intake: dict = field(default_factory=dict)
    consent: str = "full"  # full, acupuncture, none, withdrawn
    archived: str = ""
    prior: list[tuple[str, str]] = field(default_factory=list)
    # How the symptoms have gone since: fraction of the first severity left at the latest record.
    course: float = 0.5


HEEL_LEFT = ["left:heel_medial", "left:heel_central"]
HEEL_RIGHT = ["right:heel_medial", "right:heel_central"]
STOCKING = ["left:toes", "left:ball", "right:toes", "right:ball", "left:top", "right:top"]

COHORT = [
    DemoPatient(
        "Maria",
        "González",
        date(1979, 4, 12),
        "female",
        "Nurse (12-hour shifts)",
        [("M72.2", "left")],
        "left",
        "7.8",
        "6.1",
        [(Sym.HEEL_PAIN, HEEL_LEFT, 8), (Sym.STIFFNESS, ["left:arch"], 5)],
        {
            "standing_hours_per_day": "10",
            "tight_calves": True,
            "foot_posture": "flat",
            "nsaid_use": "daily",
            "footwear": "Clogs on hospital floors",
        },
        prior=[("nsaids", "partly"), ("orthotics", "partly")],
        course=0.3,
    ),
    DemoPatient(
        "James",
        "O'Connor",
        date(1985, 9, 3),
        "male",
        "Warehouse supervisor",
        [("M72.2", "both"), ("M77.31", "right")],
        "both",
        "8.2",
        "6.8",
        [(Sym.HEEL_PAIN, HEEL_LEFT + HEEL_RIGHT, 8), (Sym.SHARP, ["right:heel_central"], 7)],
        {
            "standing_hours_per_day": "9",
            "sport": "running",
            "sport_detail": "5 km three times a week",
            "tight_calves": True,
            "foot_posture": "high_arch",
            "nsaid_use": "daily",
        },
        prior=[("physical_therapy", "partly"), ("injection", "helped")],
        course=0.45,
    ),
    DemoPatient(
        "Aiko",
        "Tanaka",
        date(1990, 1, 22),
        "female",
        "Primary school teacher",
        [("M72.2", "right")],
        "right",
        "6.5",
        "4.9",
        [(Sym.HEEL_PAIN, HEEL_RIGHT, 6), (Sym.ARCH_PAIN, ["right:arch"], 4)],
        {
            "standing_hours_per_day": "6",
            "sport": "running",
            "sport_detail": "Half-marathon training",
            "pregnant": True,
            "nsaid_use": "occasional",
        },
        course=0.25,
    ),
    DemoPatient(
        "Robert",
        "Hughes",
        date(1952, 7, 30),
        "male",
        "Retired engineer",
        [("E11.42", "both")],
        "both",
        "5.0",
        "6.4",
        [(Sym.NUMBNESS, STOCKING, 7), (Sym.TINGLING, STOCKING[:4], 6), (Sym.BURNING, ["left:ball", "right:ball"], 5)],
        {
            "diabetes": "type_2",
            "peripheral_vascular_disease": True,
            "anticoagulant": True,
            "current_medicines": "Metformin, apixaban, atorvastatin",
            "nsaid_use": "none",
        },
        course=0.7,
    ),
    DemoPatient(
        "Grace",
        "Okonkwo",
        date(1961, 11, 5),
        "female",
        "Accountant",
        [("G62.9", "both"), ("R20.2", "both")],
        "both",
        "3.5",
        "5.2",
        [(Sym.TINGLING, STOCKING[:4], 6), (Sym.NUMBNESS, ["left:toes", "right:toes"], 4)],
        {"fainting_history": True, "needle_phobia": True, "nsaid_use": "occasional"},
        course=0.6,
    ),
    DemoPatient(
        "Harold",
        "Fischer",
        date(1948, 3, 17),
        "male",
        "Retired postman",
        [("M77.32", "left"), ("M72.2", "left")],
        "left",
        "7.0",
        "5.8",
        [(Sym.HEEL_PAIN, ["left:heel_central", "left:heel_lateral"], 7)],
        {
            "implanted_device": True,
            "implanted_device_detail": "Pacemaker",
            "nsaid_use": "daily",
            "current_medicines": "Bisoprolol, ibuprofen",
        },
        prior=[("nsaids", "partly"), ("surgery", "no_change")],
        course=0.55,
    ),
    DemoPatient(
        "Zoë",
        "Müller",
        date(1995, 6, 9),
        "female",
        "Barista",
        [("M72.2", "left")],
        "left",
        "6.0",
        "4.0",
        [(Sym.HEEL_PAIN, ["left:heel_medial"], 6)],
        {"standing_hours_per_day": "8", "footwear": "Flat canvas shoes", "foot_posture": "flat"},
        consent="none",
        course=1.0,
    ),
    DemoPatient(
        "José",
        "Núñez",
        date(1970, 12, 1),
        "male",
        "Delivery driver",
        [("E11.42", "both"), ("M79.671", "right")],
        "both",
        "4.5",
        "6.0",
        [(Sym.BURNING, ["left:ball", "right:ball", "right:arch"], 7), (Sym.CRAMPING, ["right:arch"], 5)],
        {
            "diabetes": "type_2",
            "foot_ulcer_or_infection": True,
            "ulcer_site": "Right great toe, plantar side",
            "current_medicines": "Insulin glargine, gabapentin",
            "nsaid_use": "none",
        },
        course=0.8,
    ),
    DemoPatient(
        "Priya",
        "Raman",
        date(1983, 2, 14),
        "female",
        "Software developer",
        [("M72.2", "right")],
        "right",
        "5.5",
        "3.8",
        [(Sym.HEEL_PAIN, ["right:heel_medial"], 5), (Sym.STIFFNESS, ["right:ankle"], 3)],
        {"sport": "other", "sport_detail": "Tennis twice a week", "tight_calves": True},
        consent="acupuncture",
        course=0.2,
    ),
    DemoPatient(
        "Samuel",
        "Adeyemi",
        date(1966, 8, 27),
        "male",
        "Security guard",
        [("M72.2", "both")],
        "both",
        "7.2",
        "6.2",
        [(Sym.HEEL_PAIN, HEEL_LEFT + HEEL_RIGHT, 7)],
        {"standing_hours_per_day": "11", "bleeding_disorder": "mild", "nsaid_use": "daily"},
        consent="withdrawn",
        course=0.9,
    ),
    DemoPatient(
        "Eleanor",
        "Whitfield",
        date(1958, 10, 19),
        "female",
        "Librarian",
        [("R20.0", "left")],
        "left",
        "2.0",
        "3.0",
        [(Sym.NUMBNESS, ["left:toes", "left:top"], 5), (Sym.WEAKNESS, ["left:ankle"], 3)],
        {"metal_allergy": True},
        course=0.5,
    ),
    DemoPatient(
        "Carlos",
        "Mendoza",
        date(1988, 5, 2),
        "male",
        "Line cook",
        [("M72.2", "left")],
        "left",
        "6.8",
        "5.0",
        [(Sym.HEEL_PAIN, HEEL_LEFT, 7)],
        {"standing_hours_per_day": "10"},
        archived="Moved out of the area",
        course=0.4,
    ),
]

# A spread of ordinary patients for the list and search, without clinical detail.
EXTRA_NAMES = [
    ("Olivia", "Brown"),
    ("Liam", "Nguyen"),
    ("Sofia", "Rossi"),
    ("Noah", "Kowalski"),
    ("Amara", "Diallo"),
    ("Ethan", "Park"),
    ("Chloé", "Dubois"),
    ("Mateo", "Silva"),
    ("Hannah", "Schmidt"),
    ("Yusuf", "Demir"),
    ("Isla", "MacLeod"),
    ("Lucas", "Andersson"),
    ("Freya", "Lindqvist"),
    ("Omar", "Haddad"),
    ("Mei", "Wong"),
    ("Daniel", "Cohen"),
    ("Ava", "Murphy"),
    ("Kai", "Yamamoto"),
    ("Léa", "Martin"),
    ("Arjun", "Patel"),
]


def seed_patients(*, practitioners: list, front_desk, now: datetime | None = None) -> int:
    """Create the demo cohort; returns how many patients were added this time."""
    rng = random.Random(20261122)  # noqa: S311  (demo data, not security)
    today = timezone.localdate(now)
    added = 0
    with transaction.atomic():
        for index, demo in enumerate(COHORT):
            practitioner = practitioners[index % len(practitioners)]
            if register_patient(demo, practitioner=practitioner, front_desk=front_desk, today=today, rng=rng):
                added += 1
        for index, (given, family) in enumerate(EXTRA_NAMES):
            born = date(1950 + (index * 7) % 50, 1 + index % 12, 1 + (index * 5) % 28)
            _, created = Patient.objects.get_or_create(
                given_name=given,
                family_name=family,
                date_of_birth=born,
                defaults={
                    "sex": rng.choice(["female", "male"]),
                    "phone": f"(555) {200 + index:03d}-{rng.randrange(1000, 9999)}",
                    "email": f"{given.lower()}.{family.lower()}@example.org".replace("é", "e"),
                    "preferred_contact": rng.choice(["phone", "sms", "email"]),
                    "city": "Springfield",
                    "created_by": front_desk,
                },
            )
            added += created
    return added


def register_patient(
    demo: DemoPatient, *, practitioner, front_desk, today: date, rng: random.Random, first_visit: date | None = None
) -> Patient | None:
    """Register the patient as the clinic's pages do; None when they are on file already.

    The registry entry (by the front desk), then the intake with its earlier treatments, the
    diagnoses and the consent (by the practitioner), each stamped with who recorded it.
    `first_visit` defaults to five to ten weeks before `today`.
    """
    if Patient.objects.filter(given_name=demo.given, family_name=demo.family, date_of_birth=demo.born).exists():
        return None
    first_visit = first_visit or today - timedelta(days=rng.randrange(35, 70))
    patient = Patient.objects.create(
        given_name=demo.given,
        family_name=demo.family,
        date_of_birth=demo.born,
        sex=demo.sex,
        phone=f"(555) 0{rng.randrange(10, 99)}-{rng.randrange(1000, 9999)}",
        email=f"{demo.given[0].lower()}.{demo.family.lower().replace(chr(39), '')}@example.org",
        address_line=f"{rng.randrange(10, 999)} Elm Street",
        city="Springfield",
        region="IL",
        postal_code=f"627{rng.randrange(10, 99)}",
        emergency_contact_name="Next of kin on file",
        emergency_contact_phone=f"(555) 0{rng.randrange(10, 99)}-{rng.randrange(1000, 9999)}",
        emergency_contact_relationship="Family",
        preferred_contact=rng.choice(["phone", "sms", "email"]),
        reminder_opt_out=demo.given == "Eleanor",
        referring_physician="Dr. A. Patel, Springfield Family Practice",
        occupation=demo.occupation,
        created_by=front_desk,
    )
    intake_fields = {
        "height_cm": Decimal(rng.randrange(155, 190)),
        "weight_kg": Decimal(rng.randrange(55, 105)),
        **demo.intake,
    }
    if intake_fields.get("pregnant"):
        intake_fields["pregnancy_due_date"] = today + timedelta(days=150)
    intake = Intake.objects.create(
        patient=patient,
        affected_side=demo.side,
        onset_date=first_visit - timedelta(days=rng.randrange(60, 400)),
        aggravators=_aggravators_for(demo),
        complaint_notes="Reported in the patient's own words at the first visit.",
        gait_notes="Shortened stance on the painful side; early heel lift.",
        palpation_notes="Tender along the Bladder and Spleen meridians of the lower leg.",
        baseline_first_step_pain=Decimal(demo.first_step),
        baseline_average_pain=Decimal(demo.average),
        recorded_by=practitioner,
        **intake_fields,
    )
    for kind, outcome in demo.prior:
        PriorTreatment.objects.create(intake=intake, kind=kind, outcome=outcome)
    for code, side in demo.diagnoses:
        Diagnosis.objects.create(
            patient=patient, code=code, side=side, onset_date=intake.onset_date, recorded_by=practitioner
        )
    if demo.consent != "none":
        consent = Consent.objects.create(
            patient=patient,
            given_on=first_visit,
            covers_acupuncture=True,
            covers_electroacupuncture=demo.consent != "acupuncture",
            covers_heat=demo.consent != "acupuncture",
            recorded_by=practitioner,
        )
        if demo.consent == "withdrawn":
            consent.withdraw(
                on=first_visit + timedelta(days=14), reason="Patient chose to stop treatment", by=practitioner
            )
    _record_symptoms(patient, demo, practitioner, first_visit, today)
    if demo.archived:
        patient.archive(reason=demo.archived)
    return patient


def _aggravators_for(demo: DemoPatient) -> list[str]:
    if any(symptom in (Sym.NUMBNESS, Sym.TINGLING, Sym.BURNING) for symptom, _, _ in demo.symptoms):
        return [Intake.Aggravator.AT_NIGHT, Intake.Aggravator.CONSTANT]
    return [Intake.Aggravator.FIRST_STEPS, Intake.Aggravator.AFTER_SITTING]


def _record_symptoms(patient, demo: DemoPatient, practitioner, first_visit: date, today: date) -> None:
    """Four records per symptom: the first visit, then three later ones following the demo's course."""
    visits = [first_visit + timedelta(days=offset) for offset in (0, 14, 28)] + [today - timedelta(days=2)]
    for step, day in enumerate(visits):
        progress = step / (len(visits) - 1)
        for symptom, spots, severity in demo.symptoms:
            remaining = round(severity * (1 - progress * (1 - demo.course)))
            # Recovery is rarely even across the foot: the first spot heals last.
            kept = spots if step < 3 or remaining > 2 else spots[:1]
            SymptomRecord.objects.create(
                patient=patient,
                recorded_on=day,
                symptom=symptom,
                spots=kept,
                severity=remaining,
                timing=_timing_for(symptom),
                note="" if step else "Recorded at the first visit.",
                recorded_by=practitioner,
            )


def _timing_for(symptom: str) -> str:
    if symptom in (Sym.HEEL_PAIN, Sym.STIFFNESS, Sym.ARCH_PAIN, Sym.SHARP):
        return "first_steps"
    if symptom in (Sym.NUMBNESS, Sym.TINGLING, Sym.BURNING):
        return "at_night"
    return "after_activity"
