"""One patient's registration and intake rows: who they are, what hurts, since when, and their consent.

The age and sex mix follows the conditions: plantar fasciitis and heel spur peak in mid-life and are
more common in women; peripheral (often diabetic) neuropathy comes later in life.
"""

import uuid
from dataclasses import dataclass, field
from random import Random

from demo.history import FAMILY, GIVEN, OCCUPATIONS
from demo.scale.clock import Clock
from demo.scale.tables import Tables
from patients.models import MRN_LETTERS, Patient, digits_only, normalize_for_search

HEEL, SPUR, NEUROPATHY = "plantar_fasciitis", "heel_spur", "neuropathy"
CONDITIONS = ((HEEL, 0.55), (SPUR, 0.20), (NEUROPATHY, 0.25))
# Generated MRNs start with S, a letter real MRNs never use (MRN_LETTERS leaves it out): "SAB-1234".
MRN_PREFIX = "S"
MRN_CAPACITY = len(MRN_LETTERS) ** 2 * 10_000
MORE_GIVEN = (
    "Ana", "Chloé", "Dagny", "Émilie", "Farah", "Giulia", "Hyun-woo", "Inés", "José", "Kofi", "Lucía", "Malik",
    "Noémie", "Olumide", "Pilar", "Rósa", "Søren", "Thanh", "Yusuf", "Zoë",
)  # fmt: skip
MORE_FAMILY = (
    "Álvarez", "Bauer", "Chen", "Dubois", "Evans", "García", "Hansen", "Ivanova", "Johnson", "Kowalski", "López",
    "Müller", "Nguyen", "O'Brien", "Patel", "Rossi", "Smith", "Thompson", "Walker", "Young",
)  # fmt: skip
FAMILY_NAMES = FAMILY + MORE_FAMILY
CITIES = (("Springfield", "IL", "627"), ("Chatham", "IL", "626"), ("Rochester", "IL", "626"), ("Sherman", "IL", "626"))
STREETS = ("Elm Street", "Oak Avenue", "Maple Drive", "Cedar Lane", "Washington Road", "Lincoln Way", "Park Place")
HEEL_SPOTS = {"left": ["left:heel_medial", "left:heel_central"], "right": ["right:heel_medial", "right:heel_central"]}
STOCKING = ["left:toes", "left:ball", "right:toes", "right:ball"]


@dataclass
class PatientFacts:
    """What the courses need to know about a patient once their rows are written."""

    index: int
    condition: str
    side: str
    first_step: int  # baseline VAS in tenths
    average: int
    nsaid: str
    preferred_quarter: int
    diabetic: bool = False
    id: int = 0
    diagnosis_ids: list[int] = field(default_factory=list)


def mrn_for(index: int) -> str:
    letters, number = divmod(index, 10_000)
    first, second = divmod(letters, len(MRN_LETTERS))
    return f"{MRN_PREFIX}{MRN_LETTERS[first]}{MRN_LETTERS[second]}-{number:04d}"


def pick(rng: Random, weighted) -> str:
    roll = rng.random()
    for value, weight in weighted:
        roll -= weight
        if roll < 0:
            return value
    return weighted[-1][0]


def draw_patient(rng: Random, index: int) -> PatientFacts:
    """The clinical facts that shape a patient's course, drawn before their first visit is placed."""
    condition = pick(rng, CONDITIONS)
    side = "both" if condition == NEUROPATHY else pick(rng, (("left", 0.36), ("right", 0.36), ("both", 0.28)))
    quarter = rng.choice((2, 6, 10, 14, 18, 22, 26, 30, 34, 38, 42, 46))
    return PatientFacts(index, condition, side, *_baseline(rng, condition), _nsaid(rng), quarter)


def write_patient(
    tables: Tables, clock: Clock, rng: Random, facts: PatientFacts, *, first_day: int, practitioner: int, desk: int
) -> None:
    """Patient, intake, diagnoses, consent and a first symptom record, all dated from the first visit."""
    index, condition = facts.index, facts.condition
    sex = pick(rng, (("female", 0.58), ("male", 0.41), ("intersex", 0.003), ("unknown", 0.007)))
    age = _age(rng, condition)
    born = first_day - age * 365 - rng.randrange(365)
    names = GIVEN["male" if sex == "male" else "female"] + (MORE_GIVEN if rng.random() < 0.3 else ())
    given, family = rng.choice(names), rng.choice(FAMILY_NAMES)
    preferred = given[:3] if rng.random() < 0.03 else ""
    phone = f"(555) {rng.randrange(200, 1000)}-{rng.randrange(10_000):04d}"
    city, region, zip_prefix = rng.choice(CITIES)
    patient_id = tables.new_id("patients_patient")
    registered = clock.stamp(first_day - rng.randrange(3, 15), 9 * 60 + rng.randrange(0, 480))
    email = f"{normalize_for_search(given)}.{normalize_for_search(family)}{index}@example.com".replace("'", "")
    tables.add(
        "patients_patient", patient_id, uuid.UUID(int=rng.getrandbits(128), version=4), mrn_for(index), family, given,
        preferred, clock.day(born), sex, phone, email if rng.random() < 0.8 else "",
        f"{rng.randrange(1, 999)} {rng.choice(STREETS)}", city, region, f"{zip_prefix}{rng.randrange(100):02d}",
        "", "", "", pick(rng, (("phone", 0.5), ("sms", 0.35), ("email", 0.15))), rng.random() < 0.05, "", "",
        rng.choice(OCCUPATIONS), Patient.search_name_for(given, family, preferred), digits_only(phone), None, "",
        registered, registered, desk,
    )  # fmt: skip
    facts.id = patient_id
    _intake(tables, clock, rng, facts, first_day=first_day, practitioner=practitioner, sex=sex)
    _diagnoses(tables, clock, rng, facts, first_day=first_day, practitioner=practitioner)
    recorded = clock.stamp(first_day, 8 * 60)
    tables.add(
        "patients_consent", tables.new_id("patients_consent"), patient_id, clock.day(first_day), True,
        rng.random() < 0.6, rng.random() < 0.4, desk, recorded, None, "", None,
    )  # fmt: skip
    _symptom(tables, clock, facts, first_day=first_day, practitioner=practitioner)


def _age(rng: Random, condition: str) -> int:
    if condition == NEUROPATHY:
        return max(30, min(95, int(rng.gauss(66, 11))))
    return max(18, min(90, int(rng.gauss(48, 12))))


def _baseline(rng: Random, condition: str) -> tuple[int, int]:
    if condition == NEUROPATHY:
        return rng.randrange(25, 75), rng.randrange(40, 85)
    first_step = rng.randrange(50, 95)
    return first_step, max(20, first_step - rng.randrange(5, 30))


def _nsaid(rng: Random) -> str:
    return pick(rng, (("none", 0.4), ("occasional", 0.35), ("daily", 0.25)))


def _intake(tables: Tables, clock: Clock, rng: Random, facts: PatientFacts, *, first_day, practitioner, sex) -> None:
    neuropathy = facts.condition == NEUROPATHY
    height = rng.gauss(177 if sex == "male" else 164, 7)
    weight = max(40.0, rng.gauss(88 if sex == "male" else 74, 14))
    diabetes = "type_2" if neuropathy and rng.random() < 0.6 else ("type_2" if rng.random() < 0.08 else "none")
    facts.diabetic = diabetes != "none"
    aggravators = (
        ["at_night", "constant"] if neuropathy else ["first_steps", rng.choice(("after_sitting", "after_activity"))]
    )
    intake_id = tables.new_id("patients_intake")
    recorded = clock.stamp(first_day, 8 * 60 + 30)
    tables.add(
        "patients_intake", intake_id, facts.id, facts.side, clock.day(first_day - rng.randrange(30, 720)),
        "{" + ",".join(aggravators) + "}", "", f"{height:.1f}", f"{weight:.1f}", f"{rng.randrange(0, 13)}.0",
        pick(rng, (("none", 0.7), ("running", 0.2), ("other", 0.1))), "", rng.random() < 0.4,
        rng.choice(("flat", "normal", "high_arch", "")), "", diabetes, neuropathy and rng.random() < 0.15,
        rng.random() < 0.08, "none", False, "", False, None, False, "", rng.random() < 0.03, rng.random() < 0.04,
        rng.random() < 0.01, "Metformin" if diabetes != "none" else "", facts.nsaid, "", "",
        _vas(facts.first_step), _vas(facts.average), practitioner, recorded, recorded,
    )  # fmt: skip
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        tables.add(
            "patients_priortreatment", tables.new_id("patients_priortreatment"), intake_id,
            rng.choice(("orthotics", "physical_therapy", "injection", "nsaids")),
            rng.choice(("helped", "partly", "no_change", "worse")), "",
        )  # fmt: skip


def _diagnoses(tables: Tables, clock: Clock, rng: Random, facts: PatientFacts, *, first_day, practitioner) -> None:
    if facts.condition == NEUROPATHY:
        codes = [("E11.42" if facts.diabetic else "G62.9", "both")]
        if rng.random() < 0.4:
            codes.append(("R20.2", "both"))
    elif facts.condition == SPUR:
        spur = {"left": "M77.32", "right": "M77.31"}.get(facts.side, "M77.30")
        codes = [(spur, facts.side)] + ([("M72.2", facts.side)] if rng.random() < 0.6 else [])
    else:
        codes = [("M72.2", facts.side)]
    recorded = clock.stamp(first_day, 8 * 60 + 40)
    for code, side in codes:
        diagnosis_id = tables.new_id("patients_diagnosis")
        facts.diagnosis_ids.append(diagnosis_id)
        tables.add(
            "patients_diagnosis", diagnosis_id, facts.id, code, side, clock.day(first_day - 60), "active", "",
            practitioner, recorded,
        )  # fmt: skip


def _symptom(tables: Tables, clock: Clock, facts: PatientFacts, *, first_day, practitioner) -> None:
    if facts.condition == NEUROPATHY:
        symptom, spots, side = "numbness", STOCKING, "both"
    else:
        spots = HEEL_SPOTS.get(facts.side, HEEL_SPOTS["left"] + HEEL_SPOTS["right"])
        symptom, side = "heel_pain", facts.side
    tables.add(
        "patients_symptomrecord", tables.new_id("patients_symptomrecord"), facts.id, clock.day(first_day), symptom,
        "", "{" + ",".join(spots) + "}", side, round(facts.first_step / 10), "", "", practitioner,
        clock.stamp(first_day, 8 * 60 + 45),
    )  # fmt: skip


def _vas(tenths: int) -> str:
    return f"{tenths // 10}.{tenths % 10}"
