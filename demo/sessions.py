"""Demo treatment sessions for `seed_demo`: signed records whose pain follows different courses.

Every completed appointment of a demo plan gets a signed session: quick
responders (Maria González: first-step pain 7.8, about 2 by session 4), a
moderate one (Harold Fischer, needled by hand only: pacemaker), slow ones (Aiko
Tanaka, the neuropathy patients), a non-responder (James O'Connor), and two
courses that ended about seven months ago with the follow-up recorded.

Everything is written through the app's services, each told when it happened
(`now=`): session_save, session_sign, session_amend, follow_up_propose and
follow_up_record. So the demo is held to every rule the session page is, and
the app, not the demo, judges relief, review and relapse. The demo
practitioner's own choices go further: no point to avoid in pregnancy at all,
nothing needled on the foot with an ulcer, numbness re-scored at each visit.

Idempotent: an appointment that already has a session is left alone, the two
past patients are found by name and date of birth, and a follow-up is made once.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from clinic.access import Role
from clinic.models import User
from demo.diary import book_past_course, book_visit
from demo.patients import DemoPatient, register_patient
from patients.models import Intake, Patient, Side, SymptomRecord
from patients.safety import SafetyFacts, flags_from, load_facts
from treatments.diary.scheduling import ScheduleWindow
from treatments.models import (
    AcupuncturePoint,
    AdverseEvent,
    Appointment,
    Location,
    SessionAmendment,
    TreatmentPlan,
    TreatmentSession,
    local_datetime,
)
from treatments.progress.follow_up import FollowUpFindings, follow_up_propose, follow_up_record
from treatments.sessions.pregnancy import points_needing_override
from treatments.sessions.refusals import electro_refusal, heat_refusal
from treatments.sessions.services import (
    AdverseEventRow,
    ElectroRow,
    PointRow,
    SymptomScore,
    session_amend,
    session_save,
    session_sign,
)

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

    who: DemoPatient
    course: Course
    sessions: int
    frequency: str
    weeks_ago: int
    preferred: time
    goal: str
    # First-step pain at the follow-up, above the score the course ended on, and what the patient said.
    follow_up_rise: str
    follow_up_average: str
    symptoms_returned: bool
    follow_up_notes: str
    twice_weekly_weeks: int | None = None


PAST_PATIENTS = (
    PastPatient(
        DemoPatient(
            "Margaret",
            "Doyle",
            date(1971, 3, 8),
            "female",
            "Retail store manager",
            [("M72.2", "right")],
            "right",
            "7.4",
            "5.9",
            [],
            {"standing_hours_per_day": "9", "tight_calves": True, "foot_posture": "flat", "nsaid_use": "daily"},
        ),
        course=QUICK,
        sessions=8,
        frequency=Plan.Frequency.WEEKLY,
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
    ),
    PastPatient(
        DemoPatient(
            "Thomas",
            "Becker",
            date(1964, 10, 21),
            "male",
            "Physical education teacher",
            [("M72.2", "left"), ("M77.32", "left")],
            "left",
            "6.9",
            "5.4",
            [],
            {"standing_hours_per_day": "7", "sport": "running", "sport_detail": "Park runs on Saturdays"},
            consent="acupuncture",
        ),
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
    ),
)


def seed_sessions(*, practitioners: list, now: datetime | None = None) -> int:
    """Signed sessions for the demo plans' completed appointments; returns how many were added."""
    if not practitioners or not AcupuncturePoint.objects.exists():
        return 0
    now = now or timezone.now()
    before = TreatmentSession.objects.count()
    with transaction.atomic():
        for index, past in enumerate(PAST_PATIENTS):
            _past_patient(past, practitioner=practitioners[index % len(practitioners)], now=now)
        points = {point.code: point for point in AcupuncturePoint.objects.all()}
        plans = (
            Plan.objects.filter(status__in=[Plan.Status.ACTIVE, Plan.Status.COMPLETED])
            .select_related("patient")
            .order_by("created_at", "pk")
        )
        for index, plan in enumerate(plans):
            _write_course(plan, course=_course_for(plan.patient, index), points=points, now=now)
        _correct_one_session(now=now)
        _follow_ups(now=now)
    return TreatmentSession.objects.count() - before


def _course_for(patient: Patient, index: int) -> Course:
    for past in PAST_PATIENTS:
        if _is(past, patient):
            return past.course
    return COURSE_BY_PATIENT.get((patient.given_name, patient.family_name), IN_TURN[index % len(IN_TURN)])


def _vas(value: float) -> Decimal:
    return Decimal(str(min(10.0, max(0.0, value)))).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass
class _Visit:
    """Where the course stands at one session."""

    number: int
    appointment: Appointment
    first_step: Decimal
    average: Decimal
    previous_first_step: Decimal | None
    nsaid: str
    last_of_plan: bool


# Chooses a session's adverse event, if any: (session number, course, intake) -> row or None.
AdverseChooser = Callable[..., AdverseEventRow | None]


def _write_course(
    plan: TreatmentPlan, *, course: Course, points: dict, now: datetime, adverse: AdverseChooser | None = None
) -> None:
    """Signed sessions for the plan's completed appointments that have none; `adverse` picks each one's event."""
    appointments = list(
        plan.appointments.filter(status=Appointment.Status.COMPLETED, ends_at__lte=now)
        .select_related("practitioner")
        .order_by("starts_at")
    )
    done = set(TreatmentSession.objects.filter(appointment__in=appointments).values_list("appointment_id", flat=True))
    intake = Intake.objects.filter(patient=plan.patient).first()
    if intake is None or len(done) == len(appointments):
        return
    # One copy of the patient with their intake, consents and diagnoses loaded, shared by every visit: the
    # services' safety checks (load_facts) read those rows from it instead of asking again at each session.
    patient = Patient.objects.select_related("intake").prefetch_related("consents", "diagnoses").get(pk=plan.patient_id)
    plan.patient = patient
    for appointment in appointments:
        appointment.patient, appointment.plan = patient, plan
    facts = load_facts(patient)
    numbness = bool(facts.active_codes & NUMBNESS_CODES)
    symptoms = _numbness_records(plan.patient) if numbness else {}
    previous = None
    for number, appointment in enumerate(appointments, start=1):
        first_step, average = intake.baseline_first_step_pain, intake.baseline_average_pain
        if number > 1:
            # A little day-to-day wobble, the same on every run.
            wobble = ((number * 7 + len(plan.patient.given_name)) % 3 - 1) * 0.1
            first_step = _vas(float(first_step) * course.share(course.first_step, number) + wobble)
            average = _vas(float(average) * course.share(course.average, number) - wobble)
        visit = _Visit(
            number=number,
            appointment=appointment,
            first_step=max(first_step, Decimal("0.5")),
            average=max(average, Decimal("0.5")),
            previous_first_step=previous,
            nsaid=_nsaid_on(intake, course, number),
            last_of_plan=plan.status == Plan.Status.COMPLETED and number == len(appointments),
        )
        previous = visit.first_step
        if appointment.pk not in done:
            rescores = [
                SymptomScore(
                    symptom=symptom,
                    severity=_severity_on(records, appointment, number=number, total=len(appointments), course=course),
                    note=f"Re-scored at session {number} of the course.",
                )
                for symptom, records in symptoms.items()
            ]
            _write_session(
                plan,
                visit,
                course=course,
                intake=intake,
                facts=facts,
                numbness=numbness,
                points=points,
                rescores=rescores,
                now=now,
                adverse=adverse or _adverse_event,
            )


def _write_session(
    plan,
    visit: _Visit,
    *,
    course: Course,
    intake: Intake,
    facts: SafetyFacts,
    numbness: bool,
    points: dict,
    rescores: list[SymptomScore],
    now: datetime,
    adverse: AdverseChooser | None = None,
) -> None:
    """The session as the practitioner records it on the page, then signs it after the visit."""
    appointment, number, practitioner = visit.appointment, visit.number, visit.appointment.practitioner
    sets, pairs = (NEUROPATHY_SETS, NEUROPATHY_PAIRS) if numbness else (HEEL_SETS, HEEL_PAIRS)
    rotation = (number - 1) % len(sets)
    needled = _choose_points(sets[rotation], intake=intake, facts=facts, points=points)
    retention = 25 + (number * 5 + len(plan.patient.family_name)) % 16
    pair, codes = pairs[rotation], {row.point.code for row in needled}
    electro = []
    if pair and number % 3 == 2 and electro_refusal(facts) is None and not intake.pregnant and set(pair[:2]) <= codes:
        electro.append(
            ElectroRow(
                point_a=points[pair[0]],
                point_b=points[pair[1]],
                frequency_hz=Decimal(pair[2]),
                second_frequency_hz=Decimal(pair[3]) if pair[3] else None,
                minutes=min(20, retention),
            )
        )
    heat = ""
    if not numbness and number % 3 == 0 and heat_refusal(facts) is None and not intake.pregnant:
        heat = TreatmentSession.Heat.MOXIBUSTION if course.kind == QUICK.kind else TreatmentSession.Heat.HEAT_LAMP
    home_care = NEUROPATHY_HOME_CARE if numbness else HEEL_HOME_CARE
    if intake.foot_ulcer_or_infection:
        home_care += " Keep the ulcer dressing clean and dry; podiatry visit as booked."
    event = (adverse or _adverse_event)(number, course=course, intake=intake)
    session = session_save(
        appointment=appointment,
        record={
            "first_step_pain_before": visit.first_step,
            "average_pain_before": visit.average,
            "first_step_pain_after": _after(visit.first_step, course),
            "average_pain_after": _after(visit.average, course),
            "needle_count": min(16, max(8, sum(_needles(row.point.code, row.side) for row in needled))),
            "retention_minutes": retention,
            "heat": heat,
            "other_techniques": "Cupping over the calf, 5 minutes"
            if not numbness and number % 2 == 0 and not _bleeds_easily(intake)
            else "",
            "home_care": home_care,
            "nsaid_use": visit.nsaid,
            **_soap(visit, plan=plan, course=course, intake=intake, facts=facts, numbness=numbness, rescores=rescores),
        },
        points=needled,
        electro=electro,
        events=[event] if event else [],
        symptom_scores=rescores,
        by=practitioner,
    )
    session_sign(session=session, by=practitioner, now=min(appointment.ends_at + timedelta(minutes=10), now))


def _choose_points(codes: tuple[str, ...], *, intake: Intake, facts: SafetyFacts, points: dict) -> list[PointRow]:
    """The set as needled: without the points to avoid in pregnancy, and away from a foot with an ulcer."""
    avoid = set(points_needing_override(facts, [points[code] for code in codes]))
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
        location = "Most tender spot on the inner heel" if points[code].is_ashi else ""
        chosen.append(PointRow(point=points[code], side=side, ashi_location=location))
    return chosen


def _numbness_records(patient: Patient) -> dict[str, list[SymptomRecord]]:
    records: dict[str, list[SymptomRecord]] = {}
    for record in patient.symptom_records.filter(symptom__in=NUMBNESS_SYMPTOMS).order_by("recorded_on", "id"):
        records.setdefault(record.symptom, []).append(record)
    return records


def _severity_on(records: list[SymptomRecord], appointment, *, number: int, total: int, course: Course) -> int:
    """The symptom's severity at a session, in step with the records already on file.

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
        severity = round(last.severity * (1 - course.numbness_fade * (day - last.recorded_on).days / 7))
    else:
        before, after = earlier[-1], records[len(earlier)]
        share = (day - before.recorded_on).days / max(1, (after.recorded_on - before.recorded_on).days)
        severity = round(before.severity + (after.severity - before.severity) * share)
    return min(10, max(0, severity))


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


def _adverse_event(number: int, *, course: Course, intake: Intake) -> AdverseEventRow | None:
    """A few minor events, as about one treatment in twelve sees one."""
    mild = AdverseEvent.Severity.MILD
    if number == 2 and _bleeds_easily(intake):
        return AdverseEventRow(
            AdverseEvent.Kind.BLEEDING, mild, "Pressed for 2 minutes; small bruise at SP6. Told it should fade soon."
        )
    if number == 2 and (intake.needle_phobia or intake.fainting_history):
        return AdverseEventRow(
            AdverseEvent.Kind.NEEDLE_PAIN, mild, "Sharp pain on insertion at LR3; needle placed again. Settled at once."
        )
    if number == 3 and course.kind == QUICK.kind:
        return AdverseEventRow(
            AdverseEvent.Kind.NEEDLE_PAIN, mild, "Ache at the heel ashi point; needle eased back. Gone before removal."
        )
    if number == 5 and course.kind == NO_CHANGE.kind:
        return AdverseEventRow(
            AdverseEvent.Kind.FLARE, mild, "Heel sorer for a day after the last visit. Lighter stimulation today."
        )
    return None


def _soap(visit: _Visit, *, plan, course: Course, intake: Intake, facts: SafetyFacts, numbness: bool, rescores) -> dict:
    side = {Side.LEFT: "left", Side.RIGHT: "right"}.get(intake.affected_side, "both")
    heel = f"the {side} heel" if side != "both" else "both heels"
    if visit.number == 1:
        months = max(1, round((timezone.localdate(visit.appointment.starts_at) - intake.onset_date).days / 30))
        history = (
            f"{_complaint(rescores)} in the feet for about {months} months, worst at night."
            if numbness
            else f"Pain in {heel} for about {months} months, worst on the first steps out of bed and after sitting."
        )
        subjective = f"{history} First steps {visit.first_step}/10 this morning, {visit.average}/10 on average."
    else:
        subjective = (
            f"First steps {visit.first_step}/10 this morning (last visit {visit.previous_first_step}), "
            f"{visit.average}/10 on average over the week. {_trend(visit)}"
        )
    subjective += " " + ("No anti-inflammatories in pregnancy." if intake.pregnant else NSAID_SENTENCES[visit.nsaid])
    if numbness:
        skin = "no new cuts or blisters" if intake.foot_ulcer_or_infection else "skin intact, no cuts or blisters"
        objective = f"Feet inspected: {skin}. Light touch reduced over the toes and the balls of the feet."
    else:
        less = " (less than last time)" if visit.number > 1 and visit.first_step < visit.previous_first_step else ""
        objective = f"Tender at the inner side of {heel}{less}. Calves tight; ankle dorsiflexion limited."
    # The precautions as the safety banner names them, so the notes and the banner say the same.
    precautions = "; ".join(flag.title for flag in flags_from(facts))
    objective += f" Precautions heeded: {precautions}." if precautions else ""
    # What changed, in points; whether that is relief is the progress page's to judge.
    drop = intake.baseline_first_step_pain - visit.first_step
    if visit.number == 1:
        assessment = "Peripheral neuropathy symptoms" if numbness else "Plantar heel pain"
        assessment += "; course as planned."
    elif course.kind == NO_CHANGE.kind or drop < Decimal("0.5"):
        assessment = "Little change since the start of the course."
    else:
        assessment = f"First-step pain {drop} points below the start of the course."
    if visit.last_of_plan:
        plan_notes = "Course complete. Keep up the home care; follow-up visit in six months."
    elif course.kind == NO_CHANGE.kind and visit.number * 2 >= plan.sessions_planned:
        plan_notes = "Little change so far: talk through adding physical therapy, orthotics or imaging next time."
    else:
        plan_notes = "Continue the plan; same points, adjusted to the response."
    return {"subjective": subjective, "objective": objective, "assessment": assessment, "plan_notes": plan_notes}


def _complaint(rescores: list[SymptomScore]) -> str:
    names = [str(Sym(score.symptom).label).split(" (")[0].lower() for score in rescores] or ["numbness", "tingling"]
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


NSAID_SENTENCES = {
    NSAID.DAILY: "Taking anti-inflammatories most days.",
    NSAID.OCCASIONAL: "Anti-inflammatories on bad days only.",
    NSAID.NONE: "No anti-inflammatories this week.",
}


def _correct_one_session(*, now: datetime) -> None:
    """Maria's second session corrected the day after, so the amendment trail has something to show."""
    if SessionAmendment.objects.exists():
        return
    second = list(
        TreatmentSession.objects.signed()
        .filter(patient__given_name="Maria", patient__family_name="González")
        .order_by("started_at")[1:2]
    )
    if not second:
        return
    session = second[0]
    after = session.average_pain_after
    session_amend(
        session=session,
        changes={"average_pain_after": after - Decimal("0.5") if after >= Decimal("0.5") else after + TENTH},
        reason="After-score misheard at the end of the visit; checked with the patient by phone the next day.",
        by=session.practitioner,
        now=min(session.signed_at + timedelta(days=1), now),
    )


def _is(past: PastPatient, patient: Patient) -> bool:
    return (past.who.given, past.who.family, past.who.born) == (
        patient.given_name,
        patient.family_name,
        patient.date_of_birth,
    )


def _past_patient(past: PastPatient, *, practitioner, now: datetime) -> None:
    """Register the patient as the clinic did, and book, attend and complete the course as it happened."""
    location = Location.objects.filter(is_active=True).order_by("pk").first()
    if location is None:
        return
    today = timezone.localdate(now)
    first_day = today - timedelta(days=today.weekday(), weeks=past.weeks_ago)
    front_desk = User.objects.filter(groups__name=Role.FRONT_DESK.value).order_by("pk").first() or practitioner
    patient = register_patient(
        past.who,
        practitioner=practitioner,
        front_desk=front_desk,
        today=today,
        rng=random.Random(past.weeks_ago),  # noqa: S311  (demo data, not security)
        first_visit=first_day,
    )
    if patient is None:
        return
    plan = Plan.objects.create(
        patient=patient,
        practitioner=practitioner,
        sessions_planned=past.sessions,
        frequency=past.frequency,
        twice_weekly_weeks=past.twice_weekly_weeks,
        goal=past.goal,
        created_by=practitioner,
    )
    plan.diagnoses.set(patient.diagnoses.all())
    plan.move_to(Plan.Status.ACTIVE, by=practitioner)
    book_past_course(
        plan,
        location=location,
        first_day=first_day,
        until=min(today, first_day + timedelta(weeks=12)),
        preferred=past.preferred,
        by=front_desk,
        now=now,
    )
    plan.move_to(Plan.Status.COMPLETED, by=practitioner)
    SymptomRecord.objects.create(
        patient=patient,
        recorded_on=first_day,
        symptom=Sym.HEEL_PAIN,
        spots=[f"{past.who.side}:heel_medial"],
        severity=round(float(past.who.first_step)),
        timing="first_steps",
        note="Recorded at the first visit.",
        recorded_by=practitioner,
    )
    Plan.objects.filter(pk=plan.pk).update(created_at=local_datetime(first_day, time(8)) - timedelta(days=3))


def _follow_ups(*, now: datetime) -> None:
    """Every finished course with sessions gets its follow-up proposed; the past patients' is held and recorded."""
    finished = Plan.objects.filter(status=Plan.Status.COMPLETED, follow_up__isnull=True).select_related("patient")
    for plan in finished:
        if not plan.sessions.signed().exists():
            continue
        follow_up = follow_up_propose(plan=plan, by=plan.practitioner, now=now)
        past = next((past for past in PAST_PATIENTS if _is(past, plan.patient)), None)
        if past is not None:
            _record_follow_up(follow_up, past, now=now)


def _record_follow_up(follow_up, past: PastPatient, *, now: datetime) -> None:
    """The follow-up visit, booked once it was due and attended; what it found goes to follow_up_record."""
    visit = _book_follow_up_visit(follow_up, now=now)
    if visit is None:
        return
    plan = follow_up.plan
    # The score the course ended on, which the follow-up is compared with; the app judges what the rise means.
    last = plan.sessions.signed().order_by("-started_at", "-id").first()
    follow_up_record(
        follow_up=follow_up,
        findings=FollowUpFindings(
            recorded_on=timezone.localdate(visit.starts_at),
            first_step_pain=_vas(float(last.first_step_pain_after) + float(past.follow_up_rise)),
            average_pain=Decimal(past.follow_up_average),
            symptoms_returned=past.symptoms_returned,
            new_treatment_needed=False,
            notes=past.follow_up_notes,
        ),
        by=plan.practitioner,
        now=now,
    )


def _book_follow_up_visit(follow_up, *, now: datetime, after: date | None = None) -> Appointment | None:
    """The follow-up visit at the first free slot from `after` (default: the due day), attended; None if not held.

    A slot that ends after `now` has not happened yet: the follow-up stays due and nothing is booked.
    """
    plan = follow_up.plan
    location = Location.objects.filter(is_active=True).order_by("pk").first()
    first_day = after or follow_up.due_on
    window = ScheduleWindow.load(
        practitioner=plan.practitioner,
        patient=plan.patient,
        first_day=first_day,
        last_day=first_day + timedelta(days=14),
    )
    for start in (
        window.next_free(after=local_datetime(first_day, time(0)), minutes=30, location_id=location.pk, count=5)
        if location
        else []
    ):
        if start + timedelta(minutes=30) > now:
            return None  # not held yet: the follow-up stays due
        visit = book_visit(
            patient=plan.patient,
            practitioner=plan.practitioner,
            location=location,
            kind=Appointment.Kind.FOLLOW_UP,
            starts_at=start,
            minutes=30,
            by=plan.practitioner,
            now=now,
            outcome=Appointment.Status.COMPLETED,
        )
        if visit:
            return visit
    return None
