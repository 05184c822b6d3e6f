"""Demo treatment sessions for `seed_demo`: signed records whose pain follows different courses.

Every completed appointment of a demo plan gets a signed session, so every
progress chart shows something real:

* quick responders (Maria González): first-step pain 7.8, about 2 by session 4;
* a moderate responder (Harold Fischer, needled by hand only: pacemaker);
* slow responders (Aiko Tanaka, the neuropathy patients): meaningful relief only
  around sessions 7–8, if it has come yet;
* a non-responder (James O'Connor): little change, so the plan is flagged for
  review at its midpoint;
* two courses that ended about seven months ago, with the six-month follow-up
  recorded: one relapsed (first-step pain back up), one held. Eleanor
  Whitfield's finished course has its follow-up due, on the visit already booked.

Each session's pain is scored before needling (the progress measure) and after
(the session's immediate effect, always lower). The safety rules hold as the
session form holds them: no electroacupuncture without consent to it or with an
implanted device, no point to avoid in pregnancy, nothing needled on a foot with
an ulcer, and a patient who has fainted is treated lying down. Patients with
numbness have it re-scored on the foot map at each visit.

Idempotent: an appointment that already has a session is left alone, the two
past patients are found by name and date of birth, and a follow-up is made once.
"""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic.access import Role
from clinic.models import User
from patients.models import Consent, Diagnosis, Intake, Patient, Side, SymptomRecord
from patients.safety import SafetyFacts, blocks_electroacupuncture, blocks_heat, load_facts, points_needing_override
from treatments.diary.scheduling import ScheduleWindow
from treatments.models import (
    AcupuncturePoint,
    AdverseEvent,
    Appointment,
    ElectroStimulation,
    FollowUp,
    Location,
    NeedledPoint,
    ReliefRule,
    TreatmentPlan,
    TreatmentSession,
    local_datetime,
)
from treatments.progress.plan_progress import is_relapse, meets_relief, plan_progress

Plan = TreatmentPlan
Sym = SymptomRecord.Symptom
NSAID = Intake.NsaidUse
TENTH = Decimal("0.1")

# Diagnoses treated with the neuropathy points rather than the heel points.
NUMBNESS_CODES = {"G62.9", "E11.42", "R20.0", "R20.2"}
NUMBNESS_SYMPTOMS = (Sym.NUMBNESS, Sym.TINGLING, Sym.BURNING)


@dataclass(frozen=True)
class Course:
    """How pain goes over a course: the share of the baseline left before session 1, 2, 3, …"""

    kind: str
    first_step: tuple[float, ...]
    average: tuple[float, ...]
    # The share of the day's pain a session takes away straight after needling.
    immediate: float
    # Sessions after which NSAID use steps down (daily -> occasional -> none); None: it does not.
    nsaid_steps: tuple[int, int] | None
    # How fast numbness and tingling fade, per session, as a share of where they started.
    numbness_fade: float

    def share(self, series: tuple[float, ...], number: int) -> float:
        return series[min(number, len(series)) - 1]


QUICK = Course(
    "quick",
    first_step=(1.0, 0.81, 0.56, 0.28, 0.23, 0.19, 0.17, 0.15, 0.14, 0.13, 0.12, 0.12),
    average=(1.0, 0.9, 0.7, 0.45, 0.38, 0.33, 0.3, 0.28, 0.26, 0.25, 0.24, 0.24),
    immediate=0.3,
    nsaid_steps=(3, 6),
    numbness_fade=0.07,
)
MODERATE = Course(
    "moderate",
    first_step=(1.0, 0.95, 0.86, 0.7, 0.62, 0.55, 0.5, 0.46, 0.43, 0.4, 0.38, 0.37),
    average=(1.0, 0.97, 0.9, 0.8, 0.72, 0.65, 0.6, 0.56, 0.52, 0.5, 0.48, 0.47),
    immediate=0.25,
    nsaid_steps=(5, 8),
    numbness_fade=0.05,
)
SLOW = Course(
    "slow",
    first_step=(1.0, 0.99, 0.97, 0.95, 0.92, 0.88, 0.64, 0.52, 0.45, 0.42, 0.4, 0.38),
    average=(1.0, 0.99, 0.98, 0.96, 0.93, 0.9, 0.7, 0.6, 0.55, 0.52, 0.5, 0.48),
    immediate=0.2,
    nsaid_steps=(7, 10),
    numbness_fade=0.03,
)
NO_CHANGE = Course(
    "none",
    first_step=(1.0, 1.01, 0.97, 0.99, 0.96, 0.98, 1.0, 0.97, 0.95, 0.96, 0.97, 0.96),
    average=(1.0, 1.02, 0.98, 0.97, 0.99, 0.96, 0.98, 0.97, 0.96, 0.95, 0.96, 0.97),
    immediate=0.15,
    nsaid_steps=None,
    numbness_fade=0.0,
)

# The demo cohort (patients/demo.py) by name; anyone else takes the courses in turn.
COURSE_BY_PATIENT = {
    ("Maria", "González"): QUICK,
    ("James", "O'Connor"): NO_CHANGE,
    ("Aiko", "Tanaka"): SLOW,
    ("Robert", "Hughes"): SLOW,
    ("Grace", "Okonkwo"): SLOW,
    ("Harold", "Fischer"): MODERATE,
    ("José", "Núñez"): SLOW,
    ("Priya", "Raman"): QUICK,
    ("Eleanor", "Whitfield"): MODERATE,
}
IN_TURN = (QUICK, SLOW, NO_CHANGE, MODERATE)

# Points by session, in rotation; the first set is the protocol of the same name.
HEEL_SETS = (
    ("PC7", "ASHI", "BL57", "KI3", "BL60", "SHIMIAN"),
    ("PC7", "ASHI", "BL57", "KI3", "BL60", "KI1", "GB34"),
    ("ASHI", "BL57", "KI3", "KI6", "BL60", "BL62", "SHIMIAN"),
)
NEUROPATHY_SETS = (
    ("ST36", "SP6", "LR3", "GB39", "KI3", "KI1"),
    ("ST36", "SP9", "ST41", "LR3", "GB41", "KI3"),
    ("ST36", "SP6", "GB39", "EX-LE10"),
)
# Electroacupuncture pairs per set: (point a, point b, Hz, alternating Hz)
HEEL_PAIRS = (("BL57", "BL60", "2", None), ("KI3", "KI1", "2", "100"), None)
NEUROPATHY_PAIRS = (("KI3", "KI1", "2", None), ("ST41", "LR3", "2", "100"), None)
# Needled on both legs whatever the painful side: points chosen for their general effect.
BOTH_LEGS = {"PC7", "ST36", "SP6", "SP9"}
# Points on the foot itself: never on a foot with an ulcer.
ON_THE_FOOT = {"KI1", "KI6", "BL62", "LR3", "GB41", "EX-LE10", "SHIMIAN"}

HEEL_HOME_CARE = (
    "Self-massage of KI1 and Shimian, 1–2 minutes each with moderate to strong pressure, morning and evening. "
    "Calf stretch against a wall, 3 × 30 seconds each leg, twice a day. Roll the arch over a frozen water bottle "
    "after work. Supportive shoes indoors; no barefoot walking on hard floors."
)
NEUROPATHY_HOME_CARE = (
    "Check both feet every evening, between the toes too, and report any cut or blister. Gentle self-massage of "
    "the soles and calves, 2 minutes each foot. Warm socks at night; no hot water bottles or heating pads "
    "(reduced feeling)."
)


@dataclass(frozen=True)
class PastPatient:
    """A patient whose course ended about seven months ago and whose six-month follow-up is recorded."""

    given: str
    family: str
    born: date
    sex: str
    occupation: str
    phone: str
    diagnoses: tuple[tuple[str, str], ...]
    side: str
    first_step: str
    average: str
    nsaid_use: str
    consent_electro: bool
    course: Course
    sessions: int
    frequency: str
    twice_weekly_weeks: int | None
    weeks_ago: int
    preferred: time
    goal: str
    # First-step pain at the follow-up, compared with the end of the plan.
    follow_up_rise: str
    follow_up_average: str
    symptoms_returned: bool
    follow_up_notes: str
    intake: dict = field(default_factory=dict)


PAST_PATIENTS = (
    PastPatient(
        "Margaret",
        "Doyle",
        date(1971, 3, 8),
        "female",
        "Retail store manager",
        "(555) 041-7720",
        (("M72.2", "right"),),
        "right",
        "7.4",
        "5.9",
        NSAID.DAILY,
        consent_electro=True,
        course=QUICK,
        sessions=8,
        frequency=Plan.Frequency.WEEKLY,
        twice_weekly_weeks=None,
        weeks_ago=38,
        preferred=time(10),
        goal="Through a shift on the shop floor without heel pain",
        follow_up_rise="2.6",
        follow_up_average="4.1",
        symptoms_returned=True,
        follow_up_notes=(
            "Heel pain crept back over the last two months, since moving to a store with concrete floors. "
            "First steps sore most mornings again; ibuprofen on bad days. Offered a review visit."
        ),
        intake={"standing_hours_per_day": Decimal("9"), "tight_calves": True, "foot_posture": "flat"},
    ),
    PastPatient(
        "Thomas",
        "Becker",
        date(1964, 10, 21),
        "male",
        "Physical education teacher",
        "(555) 047-3318",
        (("M72.2", "left"), ("M77.32", "left")),
        "left",
        "6.9",
        "5.4",
        NSAID.OCCASIONAL,
        consent_electro=False,
        course=SLOW,
        sessions=10,
        frequency=Plan.Frequency.TWICE_THEN_WEEKLY,
        twice_weekly_weeks=2,
        weeks_ago=40,
        preferred=time(15),
        goal="Teach a full day on his feet",
        follow_up_rise="0.3",
        follow_up_average="2.2",
        symptoms_returned=False,
        follow_up_notes=(
            "A little stiffness on the first steps after a long weekend walk, gone within minutes. Still does the "
            "calf stretches most days. No further treatment needed."
        ),
        intake={"standing_hours_per_day": Decimal("7"), "sport": "running", "sport_detail": "Park runs on Saturdays"},
    ),
)


def seed_sessions(*, practitioners: list, now: datetime | None = None) -> int:
    """Signed sessions for the demo plans' completed appointments; returns how many were added."""
    if not practitioners or not AcupuncturePoint.objects.exists():
        return 0
    now = now or timezone.now()
    before = TreatmentSession.objects.count()
    with transaction.atomic():
        writer = _SessionWriter(now=now)
        for index, past in enumerate(PAST_PATIENTS):
            _past_patient(past, practitioner=practitioners[index % len(practitioners)], now=now)
        plans = (
            Plan.objects.filter(status__in=[Plan.Status.ACTIVE, Plan.Status.COMPLETED])
            .select_related("patient")
            .order_by("created_at", "pk")
        )
        for index, plan in enumerate(plans):
            writer.write_plan(plan, course=_course_for(plan.patient, index))
        _follow_ups(now=now)
    return TreatmentSession.objects.count() - before


def _course_for(patient: Patient, index: int) -> Course:
    for past in PAST_PATIENTS:
        if (past.given, past.family, past.born) == (patient.given_name, patient.family_name, patient.date_of_birth):
            return past.course
    return COURSE_BY_PATIENT.get((patient.given_name, patient.family_name), IN_TURN[index % len(IN_TURN)])


def _vas(value: float) -> Decimal:
    return Decimal(str(min(10.0, max(0.0, value)))).quantize(TENTH, rounding=ROUND_HALF_UP)


# --- sessions ----------------------------------------------------------------------------


@dataclass
class _Visit:
    """What one session needs to know about where the course stands."""

    number: int
    appointment: Appointment
    first_step: Decimal
    average: Decimal
    previous_first_step: Decimal | None
    relieved: bool
    nsaid: str
    last_of_plan: bool


class _SessionWriter:
    def __init__(self, *, now: datetime):
        self.now = now
        self.points = {point.code: point for point in AcupuncturePoint.objects.all()}
        self.rule = ReliefRule.in_force()

    def write_plan(self, plan: TreatmentPlan, *, course: Course) -> None:
        appointments = list(
            plan.appointments.filter(status=Appointment.Status.COMPLETED, ends_at__lte=self.now).order_by("starts_at")
        )
        done = set(
            TreatmentSession.objects.filter(appointment__in=appointments).values_list("appointment_id", flat=True)
        )
        if not appointments or len(done) == len(appointments):
            return
        patient = plan.patient
        intake = Intake.objects.filter(patient=patient).first()
        if intake is None:
            return
        self.keep_consent_before(patient, intake, timezone.localdate(appointments[0].starts_at))
        facts = load_facts(patient)
        codes = {d.code for d in facts.diagnoses}
        numbness = bool(codes & NUMBNESS_CODES)
        symptoms = self.numbness_records(patient) if numbness else {}
        complaint = _complaint(symptoms)
        previous = None
        for number, appointment in enumerate(appointments, start=1):
            first_step = intake.baseline_first_step_pain
            average = intake.baseline_average_pain
            if number > 1:
                # A little day-to-day wobble, the same on every run.
                wobble = ((number * 7 + len(patient.given_name)) % 3 - 1) * 0.1
                first_step = _vas(float(first_step) * course.share(course.first_step, number) + wobble)
                average = _vas(float(average) * course.share(course.average, number) - wobble)
            visit = _Visit(
                number=number,
                appointment=appointment,
                first_step=max(first_step, Decimal("0.5")),
                average=max(average, Decimal("0.5")),
                previous_first_step=previous,
                relieved=meets_relief(
                    self.rule,
                    baseline_first_step=intake.baseline_first_step_pain,
                    baseline_average=intake.baseline_average_pain,
                    first_step=first_step,
                    average=average,
                ),
                nsaid=_nsaid_on(intake, course, number),
                last_of_plan=plan.status == Plan.Status.COMPLETED and number == len(appointments),
            )
            previous = visit.first_step
            if appointment.pk in done:
                continue
            self.write_session(
                plan, visit, course=course, intake=intake, facts=facts, numbness=numbness, complaint=complaint
            )
            for records in symptoms.values():
                self.rescore(appointment, records, number=number, total=len(appointments), course=course)

    def write_session(
        self, plan, visit: _Visit, *, course: Course, intake: Intake, facts: SafetyFacts, numbness: bool, complaint: str
    ) -> None:
        appointment, number = visit.appointment, visit.number
        patient = plan.patient
        sets, pairs = (NEUROPATHY_SETS, NEUROPATHY_PAIRS) if numbness else (HEEL_SETS, HEEL_PAIRS)
        rotation = (number - 1) % len(sets)
        needled = self.choose_points(sets[rotation], intake=intake, facts=facts)
        needles = sum(_needles(code, side) for code, side in needled)
        retention = 25 + (number * 5 + len(patient.family_name)) % 16
        pair = pairs[rotation]
        codes = {code for code, _ in needled}
        electro = (
            pair
            if pair
            and number % 3 == 2
            and not blocks_electroacupuncture(facts)
            and not intake.pregnant
            and {pair[0], pair[1]} <= codes
            else None
        )
        heat = ""
        if not numbness and number % 3 == 0 and not blocks_heat(facts) and not intake.pregnant:
            heat = TreatmentSession.Heat.MOXIBUSTION if course is QUICK else TreatmentSession.Heat.HEAT_LAMP
        other = ""
        if not numbness and number % 2 == 0 and not _bleeds_easily(intake):
            other = "Cupping over the calf, 5 minutes"
        signed_at = min(appointment.ends_at + timedelta(minutes=10), self.now)
        session = TreatmentSession.objects.create(
            appointment=appointment,
            patient=patient,
            plan=plan,
            practitioner=appointment.practitioner,
            first_step_pain_before=visit.first_step,
            average_pain_before=visit.average,
            first_step_pain_after=_after(visit.first_step, course),
            average_pain_after=_after(visit.average, course),
            needle_count=min(16, max(8, needles)),
            retention_minutes=retention,
            heat=heat,
            other_techniques=other,
            home_care=self.home_care(intake, numbness),
            nsaid_use=visit.nsaid,
            signed_at=signed_at,
            signed_by=appointment.practitioner,
            **_soap(
                visit, plan=plan, course=course, intake=intake, facts=facts, numbness=numbness, complaint=complaint
            ),
        )
        # The record was written at the visit, not today.
        TreatmentSession.objects.filter(pk=session.pk).update(created_at=appointment.starts_at, updated_at=signed_at)
        NeedledPoint.objects.bulk_create(
            _needled_point(session, self.points[code], side) for code, side in needled if code in self.points
        )
        if electro:
            point_a, point_b, hz, second_hz = electro
            ElectroStimulation.objects.create(
                session=session,
                point_a=self.points[point_a],
                point_b=self.points[point_b],
                frequency_hz=Decimal(hz),
                second_frequency_hz=Decimal(second_hz) if second_hz else None,
                minutes=min(20, retention),
            )
        event = _adverse_event(number, course=course, intake=intake)
        if event:
            AdverseEvent.objects.create(session=session, **event)

    def choose_points(self, codes: tuple[str, ...], *, intake: Intake, facts: SafetyFacts) -> list[tuple[str, str]]:
        avoid = set(points_needing_override(facts, codes))
        ulcer_foot = _ulcer_foot(intake)
        chosen = []
        for code in codes:
            if code in avoid:
                continue
            side = Side.BOTH if code in BOTH_LEGS else intake.affected_side
            if ulcer_foot and code in ON_THE_FOOT:
                if side == ulcer_foot:
                    continue
                if side == Side.BOTH:
                    side = Side.LEFT if ulcer_foot == Side.RIGHT else Side.RIGHT
            chosen.append((code, side))
        return chosen

    def home_care(self, intake: Intake, numbness: bool) -> str:
        text = NEUROPATHY_HOME_CARE if numbness else HEEL_HOME_CARE
        if intake.foot_ulcer_or_infection:
            text += " Keep the ulcer dressing clean and dry; podiatry visit as booked."
        return text

    def keep_consent_before(self, patient: Patient, intake: Intake, first_day: date) -> None:
        """A course seeded further back than the cohort's consent date gets its consent (and onset) moved back."""
        Consent.objects.filter(patient=patient, given_on__gt=first_day, withdrawn_on__isnull=True).update(
            given_on=first_day - timedelta(days=7)
        )
        if intake.onset_date > first_day:
            onset = first_day - timedelta(days=120)
            Intake.objects.filter(pk=intake.pk).update(onset_date=onset)
            Diagnosis.objects.filter(patient=patient, onset_date__gt=first_day).update(onset_date=onset)
            intake.onset_date = onset

    # --- numbness and tingling on the foot map ------------------------------------------

    def numbness_records(self, patient: Patient) -> dict[str, list[SymptomRecord]]:
        records: dict[str, list[SymptomRecord]] = {}
        for record in patient.symptom_records.filter(symptom__in=NUMBNESS_SYMPTOMS).order_by("recorded_on", "id"):
            records.setdefault(record.symptom, []).append(record)
        return records

    def rescore(self, appointment, records: list[SymptomRecord], *, number: int, total: int, course: Course) -> None:
        """The symptom re-scored at the session, in step with the records already on file.

        Between two records it follows the line joining them; after the last it
        fades slowly from there at the course's pace; a course from before the
        first record starts two points worse and eases towards it.
        """
        day = timezone.localdate(appointment.starts_at)
        first, last = records[0], records[-1]
        earlier = [record for record in records if record.recorded_on <= day]
        if not earlier:
            severity = first.severity + round(2 * (total - number) / max(1, total - 1))
        elif earlier[-1] is last:
            weeks = (day - last.recorded_on).days / 7
            severity = round(last.severity * (1 - course.numbness_fade * weeks))
        else:
            before, after = earlier[-1], records[len(earlier)]
            share = (day - before.recorded_on).days / max(1, (after.recorded_on - before.recorded_on).days)
            severity = round(before.severity + (after.severity - before.severity) * share)
        severity = min(10, max(0, severity))
        spots = (earlier[-1] if earlier else first).spots
        SymptomRecord.objects.create(
            patient_id=first.patient_id,
            recorded_on=day,
            symptom=first.symptom,
            spots=spots if severity > 2 else spots[:1],
            severity=severity,
            timing=first.timing,
            note=f"Re-scored at session {number} of the course.",
            recorded_by=appointment.practitioner,
        )


def _needled_point(session, point, side) -> NeedledPoint:
    location = "Most tender spot on the inner heel" if point.is_ashi else ""
    return NeedledPoint(session=session, point=point, side=side, ashi_location=location)


def _needles(code: str, side: str) -> int:
    per_side = {"EX-LE10": 4, "ASHI": 3}.get(code, 1)
    if code == "ASHI" and side == Side.BOTH:
        per_side = 2
    return per_side * (2 if side == Side.BOTH else 1)


def _after(before: Decimal, course: Course) -> Decimal:
    """Pain straight after needling: lower than before, never below zero."""
    eased = max(Decimal("0.3"), (before * Decimal(str(course.immediate))).quantize(TENTH, rounding=ROUND_HALF_UP))
    return max(Decimal("0.0"), before - eased)


def _nsaid_on(intake: Intake, course: Course, number: int) -> str:
    """Anti-inflammatory use steps down as the pain eases (and stops in pregnancy)."""
    at_intake = intake.nsaid_use
    if intake.pregnant:
        return NSAID.NONE
    if course.nsaid_steps is None or at_intake == NSAID.NONE:
        return at_intake
    down_once, down_twice = course.nsaid_steps
    if at_intake == NSAID.DAILY:
        if number >= down_twice:
            return NSAID.NONE
        return NSAID.OCCASIONAL if number >= down_once else NSAID.DAILY
    return NSAID.NONE if number >= down_once + 1 else NSAID.OCCASIONAL


def _bleeds_easily(intake: Intake) -> bool:
    return intake.anticoagulant or intake.bleeding_disorder != Intake.BleedingDisorder.NONE


def _ulcer_foot(intake: Intake) -> str | None:
    if not intake.foot_ulcer_or_infection:
        return None
    site = intake.ulcer_site.lower()
    if "right" in site:
        return Side.RIGHT
    if "left" in site:
        return Side.LEFT
    return intake.affected_side


def _adverse_event(number: int, *, course: Course, intake: Intake) -> dict | None:
    """A few minor events, as about one treatment in twelve sees one."""
    if number == 2 and (_bleeds_easily(intake)):
        return {
            "kind": AdverseEvent.Kind.BLEEDING,
            "severity": AdverseEvent.Severity.MILD,
            "action_taken": "Pressed for 2 minutes; small bruise at SP6. Told it should fade within a week.",
        }
    if number == 2 and (intake.needle_phobia or intake.fainting_history):
        return {
            "kind": AdverseEvent.Kind.NEEDLE_PAIN,
            "severity": AdverseEvent.Severity.MILD,
            "action_taken": "Sharp pain on insertion at LR3; needle withdrawn and placed again. Settled at once.",
        }
    if number == 3 and course is QUICK:
        return {
            "kind": AdverseEvent.Kind.NEEDLE_PAIN,
            "severity": AdverseEvent.Severity.MILD,
            "action_taken": "Ache at the heel ashi point; needle eased back a little. Gone before removal.",
        }
    if number == 5 and course is NO_CHANGE:
        return {
            "kind": AdverseEvent.Kind.FLARE,
            "severity": AdverseEvent.Severity.MILD,
            "action_taken": "Heel sorer for a day after the last visit. Lighter stimulation at the ashi points today.",
        }
    return None


# --- notes -------------------------------------------------------------------------------


def _soap(
    visit: _Visit, *, plan, course: Course, intake: Intake, facts: SafetyFacts, numbness: bool, complaint: str
) -> dict:
    side = {Side.LEFT: "left", Side.RIGHT: "right"}.get(intake.affected_side, "both")
    heel = f"the {side} heel" if side != "both" else "both heels"
    if visit.number == 1:
        months = max(1, round((timezone.localdate(visit.appointment.starts_at) - intake.onset_date).days / 30))
        history = (
            f"{complaint} in the feet for about {months} months, worst at night."
            if numbness
            else f"Pain in {heel} for about {months} months, worst on the first steps out of bed and after sitting."
        )
        subjective = f"{history} First steps {visit.first_step}/10 this morning, {visit.average}/10 on average."
    else:
        subjective = (
            f"First steps {visit.first_step}/10 this morning (last visit {visit.previous_first_step}), "
            f"{visit.average}/10 on average over the week. {_trend(visit)}"
        )
    subjective += " " + ("No anti-inflammatories in pregnancy." if intake.pregnant else _nsaid_sentence(visit.nsaid))

    if numbness:
        skin = "no new cuts or blisters" if intake.foot_ulcer_or_infection else "skin intact, no cuts or blisters"
        objective = (
            f"Feet inspected: {skin}. Light touch reduced over the toes and the balls of the feet; pulses present."
        )
    else:
        less = (
            " (less than last time)"
            if visit.previous_first_step and visit.first_step < visit.previous_first_step
            else ""
        )
        objective = f"Tender at the inner side of {heel}{less}. Calves tight; ankle dorsiflexion limited."
    objective += "".join(f" {note}" for note in _safety_notes(intake, facts))

    if visit.relieved:
        drop = intake.baseline_first_step_pain - visit.first_step
        assessment = f"Meaningful relief: first-step pain {drop} points below the start of the course."
    elif visit.number == 1:
        assessment = (
            "Peripheral neuropathy symptoms; course as planned."
            if numbness
            else "Plantar heel pain; course as planned."
        )
    elif course is NO_CHANGE:
        assessment = "Little change since the start of the course."
    else:
        assessment = "Improving slowly; not yet the change counted as meaningful."

    midpoint = math.ceil(plan.sessions_planned / 2)
    if visit.last_of_plan:
        plan_notes = "Course complete. Keep up the home care; follow-up visit in six months."
    elif course is NO_CHANGE and visit.number >= midpoint:
        plan_notes = (
            "Midpoint without meaningful change: talk through the options at the next visit (adding physical "
            "therapy, footwear and orthotics, or referral for imaging)."
        )
    else:
        plan_notes = "Continue the plan; same points, adjusted to the response."
    return {"subjective": subjective, "objective": objective, "assessment": assessment, "plan_notes": plan_notes}


def _complaint(symptoms: dict[str, list[SymptomRecord]]) -> str:
    names = [str(Sym(symptom).label).split(" (")[0].lower() for symptom in NUMBNESS_SYMPTOMS if symptom in symptoms]
    names = names or ["numbness", "tingling"]
    text = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return text[0].upper() + text[1:]


def _trend(visit: _Visit) -> str:
    change = visit.previous_first_step - visit.first_step
    if change >= 1:
        return "Clearly easier since the last visit."
    if change >= Decimal("0.3"):
        return "A little easier."
    if change > Decimal("-0.3"):
        return "About the same."
    return "A bit worse after some long days standing."


def _nsaid_sentence(use: str) -> str:
    return {
        NSAID.DAILY: "Taking anti-inflammatories most days.",
        NSAID.OCCASIONAL: "Anti-inflammatories on bad days only.",
        NSAID.NONE: "No anti-inflammatories this week.",
    }[use]


def _safety_notes(intake: Intake, facts: SafetyFacts) -> list[str]:
    notes = []
    if intake.implanted_device:
        notes.append(f"{intake.implanted_device_detail or 'Implanted device'}: needled by hand only, no current.")
    if intake.pregnant:
        notes.append("Pregnant: LI4, SP6, BL60 and BL67 left out.")
    if intake.anticoagulant:
        notes.append("On an anticoagulant: each site pressed for a minute after the needle came out.")
    if intake.foot_ulcer_or_infection:
        notes.append(f"Ulcer ({intake.ulcer_site or 'foot'}) inspected: clean and dressed; that foot not needled.")
    if intake.fainting_history or intake.needle_phobia:
        notes.append("Treated lying down; relaxed throughout, no dizziness.")
    if intake.metal_allergy:
        notes.append("Titanium needles (metal allergy).")
    if blocks_electroacupuncture(facts) and not intake.implanted_device:
        notes.append("Consent does not cover electroacupuncture.")
    return notes


# --- the two finished courses and the follow-ups -----------------------------------------------


def _past_patient(past: PastPatient, *, practitioner, now: datetime) -> None:
    """Register the patient with intake, diagnoses and consent, and the course as it happened."""
    if Patient.objects.filter(given_name=past.given, family_name=past.family, date_of_birth=past.born).exists():
        return
    location = Location.objects.filter(is_active=True).order_by("pk").first()
    if location is None:
        return
    today = timezone.localdate(now)
    monday = today - timedelta(days=today.weekday())
    first_day = monday - timedelta(weeks=past.weeks_ago)
    booked_by = User.objects.filter(groups__name=Role.FRONT_DESK.value).order_by("pk").first() or practitioner
    patient = Patient.objects.create(
        given_name=past.given,
        family_name=past.family,
        date_of_birth=past.born,
        sex=past.sex,
        phone=past.phone,
        email=f"{past.given[0].lower()}.{past.family.lower()}@example.org",
        city="Springfield",
        region="IL",
        occupation=past.occupation,
        referring_physician="Dr. A. Patel, Springfield Family Practice",
        created_by=booked_by,
    )
    onset = first_day - timedelta(days=150)
    intake = Intake.objects.create(
        patient=patient,
        affected_side=past.side,
        onset_date=onset,
        aggravators=[Intake.Aggravator.FIRST_STEPS, Intake.Aggravator.AFTER_SITTING],
        complaint_notes="Sharp heel pain on getting out of bed, easing after a few minutes, back after sitting.",
        gait_notes="Shortened stance on the painful side.",
        palpation_notes="Tender at the inner heel and along the Bladder meridian of the calf.",
        baseline_first_step_pain=Decimal(past.first_step),
        baseline_average_pain=Decimal(past.average),
        nsaid_use=past.nsaid_use,
        recorded_by=practitioner,
        **past.intake,
    )
    diagnoses = [
        Diagnosis.objects.create(patient=patient, code=code, side=side, onset_date=onset, recorded_by=practitioner)
        for code, side in past.diagnoses
    ]
    Consent.objects.create(
        patient=patient,
        given_on=first_day,
        covers_acupuncture=True,
        covers_electroacupuncture=past.consent_electro,
        covers_heat=True,
        recorded_by=practitioner,
    )
    plan = Plan.objects.create(
        patient=patient,
        practitioner=practitioner,
        sessions_planned=past.sessions,
        frequency=past.frequency,
        twice_weekly_weeks=past.twice_weekly_weeks,
        goal=past.goal,
        status=Plan.Status.ACTIVE,
        created_by=practitioner,
    )
    plan.diagnoses.set(diagnoses)
    last_day = _book_past_course(plan, location=location, first_day=first_day, preferred=past.preferred, by=booked_by)
    plan.status = Plan.Status.COMPLETED
    plan.save(update_fields=["status"])
    registered = local_datetime(first_day, time(8))
    Patient.objects.filter(pk=patient.pk).update(created_at=registered - timedelta(days=3))
    Intake.objects.filter(pk=intake.pk).update(recorded_at=registered)
    Plan.objects.filter(pk=plan.pk).update(created_at=registered)
    if last_day is not None:
        SymptomRecord.objects.create(
            patient=patient,
            recorded_on=first_day,
            symptom=Sym.HEEL_PAIN,
            spots=[f"{side}:heel_medial" for side in _feet(past.side)],
            severity=round(float(past.first_step)),
            timing="first_steps",
            note="Recorded at the first visit.",
            recorded_by=practitioner,
        )


def _feet(side: str) -> list[str]:
    return [Side.LEFT, Side.RIGHT] if side == Side.BOTH else [side]


def _book_past_course(plan, *, location: Location, first_day: date, preferred: time, by) -> date | None:
    """Completed appointments on the plan's rhythm, in free time within the practitioner's hours."""
    window = ScheduleWindow.load(
        practitioner=plan.practitioner,
        patient=plan.patient,
        first_day=first_day,
        last_day=first_day + timedelta(weeks=12),
    )
    day, booked, last_day = first_day, 0, None
    while booked < plan.sessions_planned and day <= window.last_day:
        minutes = plan.minutes_for(booked + 1)
        start = _closest(window.free_starts_on(day, minutes, location.pk), day, preferred)
        appointment = (
            _create_appointment(
                patient=plan.patient,
                practitioner=plan.practitioner,
                location=location,
                plan=plan,
                kind=Appointment.Kind.INITIAL if booked == 0 else Appointment.Kind.TREATMENT,
                starts_at=start,
                ends_at=start + timedelta(minutes=minutes),
                status=Appointment.Status.COMPLETED,
                checked_in_at=start - timedelta(minutes=5),
                booked_by=by,
            )
            if start
            else None
        )
        if appointment is None:
            day += timedelta(days=1)
            continue
        window.reserve(appointment.starts_at, appointment.ends_at)
        booked += 1
        last_day = day
        day += timedelta(days=plan.days_until_next(booked - 1))
    return last_day


def _closest(starts: list[datetime], day: date, preferred: time) -> datetime | None:
    target = local_datetime(day, preferred)
    return min(starts, key=lambda start: (abs(start - target), start)) if starts else None


def _create_appointment(**fields) -> Appointment | None:
    """In a savepoint: an overlap the database's exclusion constraints refuse is skipped, never forced."""
    try:
        with transaction.atomic():
            return Appointment.objects.create(**fields)
    except IntegrityError:
        return None


def _follow_ups(*, now: datetime) -> None:
    """Every finished demo course gets its six-month follow-up: recorded for the past patients, due for others."""
    rule = ReliefRule.in_force()
    by_name = {(p.given, p.family, p.born): p for p in PAST_PATIENTS}
    finished = Plan.objects.filter(status=Plan.Status.COMPLETED, follow_up__isnull=True).select_related("patient")
    for plan in finished:
        progress = plan_progress(plan, rule=rule)
        if not progress.latest:
            continue
        due_on = progress.latest.day + timedelta(weeks=26)
        past = by_name.get((plan.patient.given_name, plan.patient.family_name, plan.patient.date_of_birth))
        if past is None:
            booked = (
                Appointment.objects.filter(
                    patient=plan.patient, kind=Appointment.Kind.FOLLOW_UP, status=Appointment.Status.BOOKED
                )
                .order_by("starts_at")
                .first()
            )
            FollowUp.objects.create(plan=plan, due_on=due_on, appointment=booked)
            continue
        _record_follow_up(plan, past, due_on=due_on, end_first_step=progress.end_first_step, rule=rule, now=now)


def _record_follow_up(plan, past: PastPatient, *, due_on: date, end_first_step, rule, now: datetime) -> None:
    location = Location.objects.filter(is_active=True).order_by("pk").first()
    window = ScheduleWindow.load(
        practitioner=plan.practitioner, patient=plan.patient, first_day=due_on, last_day=due_on + timedelta(days=14)
    )
    visit = None
    after = local_datetime(due_on, time(0))
    starts = window.next_free(after=after, minutes=30, location_id=location.pk, count=5) if location else []
    for start in starts:
        if start + timedelta(minutes=30) > now:
            break
        visit = _create_appointment(
            patient=plan.patient,
            practitioner=plan.practitioner,
            location=location,
            kind=Appointment.Kind.FOLLOW_UP,
            starts_at=start,
            ends_at=start + timedelta(minutes=30),
            status=Appointment.Status.COMPLETED,
            checked_in_at=start - timedelta(minutes=5),
            booked_by=plan.practitioner,
        )
        if visit:
            break
    first_step = _vas(float(end_first_step) + float(past.follow_up_rise))
    FollowUp.objects.create(
        plan=plan,
        due_on=due_on,
        appointment=visit,
        recorded_on=timezone.localdate(visit.starts_at) if visit else due_on,
        first_step_pain=first_step,
        average_pain=Decimal(past.follow_up_average),
        symptoms_returned=past.symptoms_returned,
        new_treatment_needed=False,
        relapsed=is_relapse(
            rule, end_first_step=end_first_step, follow_up_first_step=first_step, new_treatment_needed=False
        ),
        notes=past.follow_up_notes,
        recorded_by=plan.practitioner,
    )
